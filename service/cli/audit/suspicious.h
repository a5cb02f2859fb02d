// Entities that look wrong (`reckon audit suspicious`), ranked worst first,
// each with its reasons. An entity is flagged when
//   - its records disagree on sex, on birth date (two dates that no typo,
//     swap or missing part explains: CompareDates says "different") or on
//     nationality;
//   - it is held together by a weak bridge: a link whose removal splits it
//     and whose weight is less than `margin` bits above the threshold;
//   - it holds a link (not a bridge) less than `margin` bits above the
//     threshold;
//   - it is among the largest entities and larger than a person's share of
//     the registers would suggest (more records than max(2, sources));
//   - the links of pairs.csv do not connect its records.
// Scores add up per reason (so the ranking is explainable):
//   sex 4, birth date 4, nationality 2, weak bridge 3 + c,
//   near-threshold link 1 + c, with c = 1 - (weight - threshold) / margin,
//   large 0.5 * log2(size / max(2, sources)), not connected 1.
// Disagreements are weighed highest because they are direct evidence of two
// people; a weak bridge is the link on which the whole entity hangs.
#ifndef RECKON_SERVICE_CLI_AUDIT_SUSPICIOUS_H_
#define RECKON_SERVICE_CLI_AUDIT_SUSPICIOUS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "linkage/ingest/dates.h"
#include "service/cli/audit/link_view.h"

namespace reckon::service::audit {

struct SuspiciousOptions {
  // Links less than this many bits above the threshold are weak.
  double margin = 2.0;
  // How many of the largest entities may be flagged as large.
  size_t largest = 10;
};

struct Reason {
  // "sex", "birth_date", "nationality", "weak_bridge", "near_threshold",
  // "large", "not_connected".
  std::string kind;
  std::string text;
  double points = 0.0;
};

struct SuspiciousEntity {
  uint32_t entity = 0;
  size_t size = 0;
  double score = 0.0;
  std::vector<Reason> reasons;
};

// Every flagged entity, highest score first (ties: larger first, then by
// entity id). Attribute checks need `view.facts` (skipped when empty); link
// checks need pairs.csv and the threshold.
std::vector<SuspiciousEntity> FindSuspicious(const LinkView& view,
                                             const SuspiciousOptions& options);

// "1985-03-12", "1985-03", "1985" or "" for an empty date.
std::string FormatPartialDate(const PartialDate& date);

}  // namespace reckon::service::audit

#endif  // RECKON_SERVICE_CLI_AUDIT_SUSPICIOUS_H_
