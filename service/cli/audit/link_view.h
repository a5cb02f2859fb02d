// A `reckon link` result as the audit commands look at it: every record by
// (source, id) with its entity, the members of each entity, the scored pairs
// of pairs.csv indexed by record pair and by entity, the link threshold, and
// optionally what each record says about sex, birth date and nationality.
// Built from LinkedRecords (linkage/estimate/linked_records.h), which the
// CLI reads from the directory; nothing here touches files.
//
//   LinkView view = MakeLinkView(std::move(read.link), summary.threshold);
//   std::optional<uint32_t> r = view.Find("labour", "L-17");
//   for (const EntityLink& link : EntityLinks(view, view.record_entity[*r]))
//     ...
#ifndef RECKON_SERVICE_CLI_AUDIT_LINK_VIEW_H_
#define RECKON_SERVICE_CLI_AUDIT_LINK_VIEW_H_

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "linkage/base/record.h"
#include "linkage/estimate/linked_records.h"
#include "linkage/ingest/dates.h"
#include "linkage/ingest/sex.h"

namespace reckon::service::audit {

// A record's sex, birth date and nationality, parsed the way the linker
// parses them; values that do not parse count as unknown.
struct RecordFacts {
  bool known = false;  // false when the record's input row was not found
  Sex sex = Sex::kUnknown;
  PartialDate birth_date;
  std::string nationality;  // ISO alpha-3, "" unknown
  std::string birth_date_text;  // as written
};

struct LinkView {
  std::vector<std::string> sources;
  // Per record (dense index, as in LinkedRecords).
  std::vector<uint32_t> record_source;
  std::vector<std::string> record_id;
  std::vector<uint32_t> record_entity;
  // Per entity: its id and its records in ascending index order.
  std::vector<std::string> entity_ids;
  std::vector<std::vector<uint32_t>> members;
  // Rows of pairs.csv (a, b as read; not necessarily a < b).
  std::vector<LinkPair> pairs;
  bool has_pairs = false;
  // Per entity, the indices into `pairs` of rows whose two records are both
  // in it.
  std::vector<std::vector<size_t>> entity_pairs;
  // The link threshold (log2 weight); NaN when summary.json did not say.
  double threshold = 0.0;
  // Attribute columns of entity_info.csv, as in LinkedRecords.
  std::vector<std::string> attribute_names;
  std::vector<std::vector<std::string>> attributes;
  // Per record; empty when the input files were not read.
  std::vector<RecordFacts> facts;

  size_t num_records() const { return record_id.size(); }
  size_t num_entities() const { return entity_ids.size(); }
  // The record `id` of `source`, if the result holds it.
  std::optional<uint32_t> Find(std::string_view source,
                               std::string_view id) const;
  // The pairs.csv row of records `a` and `b` (either order), or nullptr.
  const LinkPair* FindPair(uint32_t a, uint32_t b) const;
  // "source:id".
  std::string Label(uint32_t record) const;
  bool has_threshold() const { return !std::isnan(threshold); }

  absl::flat_hash_map<uint64_t, size_t> pair_index;  // PairKey -> row
  std::vector<absl::flat_hash_map<std::string, uint32_t>> record_index;
};

// The key of an unordered record pair in `LinkView::pair_index`.
uint64_t PairKey(uint32_t a, uint32_t b);

// Builds the view. `threshold` unset gives NaN (no link/non-link verdicts).
// When pairs.csv lists a pair twice the first row wins.
LinkView MakeLinkView(LinkedRecords link, bool has_pairs,
                      std::optional<double> threshold);

// Fills `view->facts` from the input records (matched by source and id;
// records of the view not among them stay unknown).
void AttachFacts(const std::vector<Record>& records, LinkView* view);

// A pairs.csv row inside one entity, seen as an edge of its link graph.
struct EntityLink {
  size_t row = 0;  // index into LinkView::pairs
  uint32_t a = 0;
  uint32_t b = 0;
  double weight = 0.0;
  double probability = 0.0;
  bool above_threshold = false;  // a link, not just a scored pair
  // Removing this link (with the other links kept) splits the entity.
  bool bridge = false;
  // The sizes of the two parts it would split into (when a bridge).
  size_t part_a = 0;
  size_t part_b = 0;
};

// The pairs of entity `entity`, strongest first, with bridge flags computed
// on the graph of its links (rows at or above the threshold).
std::vector<EntityLink> EntityLinks(const LinkView& view, uint32_t entity);

// Whether the links of `entity` (rows at or above the threshold) connect all
// of its records. Entities of one record are connected.
bool LinksConnect(const LinkView& view, uint32_t entity);

// Weights as written in pairs.csv ("%.6f"); "-" for NaN.
std::string FormatWeight(double weight);

// A `SOURCE:ID` argument: the source is the text before the first ':'.
// kInvalidArgument when either part is empty.
absl::StatusOr<std::pair<std::string, std::string>> ParseRecordRef(
    std::string_view text);

}  // namespace reckon::service::audit

#endif  // RECKON_SERVICE_CLI_AUDIT_LINK_VIEW_H_
