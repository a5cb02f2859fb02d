#include "service/cli/audit/suspicious.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "linkage/compare/date_compare.h"

namespace reckon::service::audit {
namespace {

constexpr double kSexPoints = 4.0;
constexpr double kBirthDatePoints = 4.0;
constexpr double kNationalityPoints = 2.0;
constexpr double kBridgePoints = 3.0;
constexpr double kNearThresholdPoints = 1.0;
constexpr double kNotConnectedPoints = 1.0;
constexpr size_t kValuesShown = 4;

// "M (labour:l1, interior:i2), F (migration:m7)": each value with up to two
// of its records.
std::string DescribeValues(
    const LinkView& view,
    const std::map<std::string, std::vector<uint32_t>>& records_by_value) {
  std::vector<std::string> parts;
  for (const auto& [value, records] : records_by_value) {
    if (parts.size() == kValuesShown) {
      parts.push_back(absl::StrCat("+", records_by_value.size() - kValuesShown,
                                   " more values"));
      break;
    }
    std::vector<std::string> labels;
    for (size_t i = 0; i < records.size() && i < 2; ++i) {
      labels.push_back(view.Label(records[i]));
    }
    if (records.size() > 2) labels.push_back(absl::StrCat("+", records.size() - 2));
    parts.push_back(absl::StrCat(value, " (", absl::StrJoin(labels, ", "), ")"));
  }
  return absl::StrJoin(parts, ", ");
}

void CheckAttributes(const LinkView& view, uint32_t entity,
                     std::vector<Reason>* reasons) {
  const std::vector<uint32_t>& members = view.members[entity];
  std::map<std::string, std::vector<uint32_t>> sexes, nationalities;
  std::vector<uint32_t> dated;
  for (uint32_t r : members) {
    const RecordFacts& facts = view.facts[r];
    if (!facts.known) continue;
    if (facts.sex != Sex::kUnknown) {
      sexes[std::string(SexCode(facts.sex))].push_back(r);
    }
    if (!facts.nationality.empty()) nationalities[facts.nationality].push_back(r);
    if (!facts.birth_date.empty()) dated.push_back(r);
  }
  if (sexes.size() > 1) {
    reasons->push_back({"sex",
                        absl::StrCat("records disagree on sex: ",
                                     DescribeValues(view, sexes)),
                        kSexPoints});
  }
  bool dates_conflict = false;
  for (size_t x = 0; x < dated.size() && !dates_conflict; ++x) {
    for (size_t y = x + 1; y < dated.size(); ++y) {
      if (CompareDates(view.facts[dated[x]].birth_date,
                       view.facts[dated[y]].birth_date) ==
          DateLevel::kDifferent) {
        dates_conflict = true;
        break;
      }
    }
  }
  if (dates_conflict) {
    std::map<std::string, std::vector<uint32_t>> dates;
    for (uint32_t r : dated) {
      dates[FormatPartialDate(view.facts[r].birth_date)].push_back(r);
    }
    reasons->push_back({"birth_date",
                        absl::StrCat("birth dates that no typo or swap "
                                     "explains: ",
                                     DescribeValues(view, dates)),
                        kBirthDatePoints});
  }
  if (nationalities.size() > 1) {
    reasons->push_back({"nationality",
                        absl::StrCat("records disagree on nationality: ",
                                     DescribeValues(view, nationalities)),
                        kNationalityPoints});
  }
}

void CheckLinks(const LinkView& view, uint32_t entity,
                const SuspiciousOptions& options, std::vector<Reason>* reasons) {
  const std::vector<EntityLink> links = EntityLinks(view, entity);
  // Weakest first, so that the reasons read in order of concern.
  for (auto it = links.rbegin(); it != links.rend(); ++it) {
    const EntityLink& link = *it;
    if (!link.above_threshold) continue;
    const double above = link.weight - view.threshold;
    if (above >= options.margin) continue;
    const double closeness = 1.0 - above / options.margin;
    const std::string what = absl::StrFormat(
        "%s - %s, weight %.2f, %.2f above the threshold %.2f (probability "
        "%.3f)",
        view.Label(link.a), view.Label(link.b), link.weight, above,
        view.threshold, link.probability);
    if (link.bridge) {
      reasons->push_back(
          {"weak_bridge",
           absl::StrFormat("held together by one weak link: %s; without it "
                           "the entity splits into %d + %d records",
                           what, link.part_a, link.part_b),
           kBridgePoints + closeness});
    } else {
      reasons->push_back({"near_threshold",
                          absl::StrCat("link just above the threshold: ", what),
                          kNearThresholdPoints + closeness});
    }
  }
  if (!LinksConnect(view, entity)) {
    reasons->push_back(
        {"not_connected",
         "the links in pairs.csv do not connect all of its records (pairs "
         "below probability 0.01 are not written, or the threshold is below "
         "them)",
         kNotConnectedPoints});
  }
}

}  // namespace

std::string FormatPartialDate(const PartialDate& date) {
  if (date.year == 0) return "";
  if (date.month == 0) return absl::StrFormat("%04d", date.year);
  if (date.day == 0) return absl::StrFormat("%04d-%02d", date.year, date.month);
  return absl::StrFormat("%04d-%02d-%02d", date.year, date.month, date.day);
}

std::vector<SuspiciousEntity> FindSuspicious(const LinkView& view,
                                             const SuspiciousOptions& options) {
  const size_t entities = view.num_entities();
  std::vector<std::vector<Reason>> reasons(entities);
  // The largest entities that exceed what one person plausibly has.
  const size_t plausible = std::max<size_t>(2, view.sources.size());
  std::vector<uint32_t> by_size;
  for (uint32_t e = 0; e < entities; ++e) {
    if (view.members[e].size() > plausible) by_size.push_back(e);
  }
  std::sort(by_size.begin(), by_size.end(), [&](uint32_t x, uint32_t y) {
    if (view.members[x].size() != view.members[y].size()) {
      return view.members[x].size() > view.members[y].size();
    }
    return x < y;
  });
  if (by_size.size() > options.largest) by_size.resize(options.largest);
  for (size_t rank = 0; rank < by_size.size(); ++rank) {
    const uint32_t e = by_size[rank];
    const size_t size = view.members[e].size();
    absl::flat_hash_set<uint32_t> sources;
    for (uint32_t r : view.members[e]) sources.insert(view.record_source[r]);
    reasons[e].push_back(
        {"large",
         absl::StrFormat("large: %d records from %d of %d sources (number %d "
                         "by size)",
                         size, sources.size(), view.sources.size(), rank + 1),
         0.5 * std::log2(static_cast<double>(size) /
                         static_cast<double>(plausible))});
  }
  const bool check_links = view.has_pairs && view.has_threshold();
  for (uint32_t e = 0; e < entities; ++e) {
    if (view.members[e].size() < 2) continue;
    if (!view.facts.empty()) CheckAttributes(view, e, &reasons[e]);
    if (check_links) CheckLinks(view, e, options, &reasons[e]);
  }
  std::vector<SuspiciousEntity> flagged;
  for (uint32_t e = 0; e < entities; ++e) {
    if (reasons[e].empty()) continue;
    SuspiciousEntity item;
    item.entity = e;
    item.size = view.members[e].size();
    for (const Reason& reason : reasons[e]) item.score += reason.points;
    item.reasons = std::move(reasons[e]);
    std::stable_sort(item.reasons.begin(), item.reasons.end(),
                     [](const Reason& x, const Reason& y) {
                       return x.points > y.points;
                     });
    flagged.push_back(std::move(item));
  }
  std::sort(flagged.begin(), flagged.end(),
            [](const SuspiciousEntity& x, const SuspiciousEntity& y) {
              if (x.score != y.score) return x.score > y.score;
              if (x.size != y.size) return x.size > y.size;
              return x.entity < y.entity;
            });
  return flagged;
}

}  // namespace reckon::service::audit
