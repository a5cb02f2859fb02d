#include "service/cli/audit/eval.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "linkage/ingest/csv_reader.h"

namespace reckon::service::audit {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

uint64_t PairsOf(uint64_t n) { return n * (n - 1) / 2; }

double Harmonic(double p, double r) {
  if (std::isnan(p) || std::isnan(r)) return kNaN;
  return p + r == 0.0 ? 0.0 : 2.0 * p * r / (p + r);
}

// One evaluated record: its entity, its person and its source.
struct Member {
  uint32_t entity;
  uint32_t person;
  uint32_t source;
  uint32_t record;
};

// Adds, for each group of `members` (consecutive runs equal under
// `same_group`, each sorted by source), the record pairs of every pair of
// sources to `counts` (S x S, s <= t) and to `*total`.
template <typename SameGroup>
void CountPairs(const std::vector<Member>& members, SameGroup same_group,
                size_t num_sources, std::vector<uint64_t>* counts,
                uint64_t* total) {
  std::vector<std::pair<uint32_t, uint64_t>> per_source;
  for (size_t i = 0; i < members.size();) {
    size_t j = i;
    per_source.clear();
    while (j < members.size() && same_group(members[i], members[j])) {
      if (per_source.empty() || per_source.back().first != members[j].source) {
        per_source.push_back({members[j].source, 0});
      }
      ++per_source.back().second;
      ++j;
    }
    *total += PairsOf(j - i);
    for (size_t x = 0; x < per_source.size(); ++x) {
      const auto [s, n] = per_source[x];
      (*counts)[s * num_sources + s] += PairsOf(n);
      for (size_t y = x + 1; y < per_source.size(); ++y) {
        (*counts)[s * num_sources + per_source[y].first] +=
            n * per_source[y].second;
      }
    }
    i = j;
  }
}

bool HigherWeightFirst(const EvalPair& x, const EvalPair& y) {
  if (x.has_row != y.has_row) return x.has_row;
  if (x.has_row && x.weight != y.weight) return x.weight > y.weight;
  return x.a != y.a ? x.a < y.a : x.b < y.b;
}

}  // namespace

absl::StatusOr<std::vector<TruthRow>> ReadTruthCsv(std::istream& in,
                                                   const std::string& name) {
  CsvReader reader(in, name);
  CsvRow row;
  absl::StatusOr<bool> more = reader.Next(&row);
  if (!more.ok()) return more.status();
  if (!*more) return absl::InvalidArgumentError(absl::StrCat(name, ": empty file"));
  std::optional<size_t> source, id, person;
  for (size_t c = 0; c < row.fields.size(); ++c) {
    std::string column = row.fields[c];
    if (c == 0 && column.rfind("\xEF\xBB\xBF", 0) == 0) column.erase(0, 3);
    if (column == "source") source = c;
    if (column == "source_record_id") id = c;
    if (column == "person_id") person = c;
  }
  if (!source || !id || !person) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, ":", row.line,
        ": header must name source, source_record_id and person_id"));
  }
  std::vector<TruthRow> truth;
  absl::flat_hash_map<std::pair<std::string, std::string>, int64_t> seen;
  while (true) {
    more = reader.Next(&row);
    if (!more.ok()) return more.status();
    if (!*more) break;
    const size_t needed = std::max({*source, *id, *person}) + 1;
    if (row.fields.size() < needed) {
      return absl::InvalidArgumentError(absl::StrCat(
          name, ":", row.line, ": expected ", needed, " columns, found ",
          row.fields.size()));
    }
    TruthRow truth_row{row.fields[*source], row.fields[*id],
                       row.fields[*person], row.line};
    for (const auto& [value, column] :
         {std::pair<const std::string*, const char*>{&truth_row.source,
                                                     "source"},
          {&truth_row.source_record_id, "source_record_id"},
          {&truth_row.person_id, "person_id"}}) {
      if (value->empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(name, ":", row.line, ": ", column, ": empty"));
      }
    }
    auto [it, inserted] = seen.try_emplace(
        std::make_pair(truth_row.source, truth_row.source_record_id), row.line);
    if (!inserted) {
      return absl::InvalidArgumentError(absl::StrCat(
          name, ":", row.line, ": record ", truth_row.source, ":",
          truth_row.source_record_id, " already listed on line ", it->second));
    }
    truth.push_back(std::move(truth_row));
  }
  return truth;
}

PairScores MakePairScores(uint64_t true_positives, uint64_t predicted,
                          uint64_t actual) {
  PairScores scores;
  scores.true_positives = true_positives;
  scores.predicted = predicted;
  scores.actual = actual;
  scores.precision = predicted == 0 ? kNaN
                                    : static_cast<double>(true_positives) /
                                          static_cast<double>(predicted);
  scores.recall = actual == 0 ? kNaN
                              : static_cast<double>(true_positives) /
                                    static_cast<double>(actual);
  scores.f1 = Harmonic(scores.precision, scores.recall);
  return scores;
}

absl::StatusOr<EvalResult> Evaluate(const LinkView& view,
                                    const std::vector<TruthRow>& truth,
                                    const EvalOptions& options) {
  EvalResult result;
  constexpr uint32_t kNoPerson = std::numeric_limits<uint32_t>::max();
  std::vector<uint32_t> person_of(view.num_records(), kNoPerson);
  absl::flat_hash_map<std::string, uint32_t> person_index;
  for (const TruthRow& row : truth) {
    const std::optional<uint32_t> r = view.Find(row.source, row.source_record_id);
    if (!r.has_value()) {
      result.truth_only.push_back(
          absl::StrCat(row.source, ":", row.source_record_id));
      continue;
    }
    person_of[*r] = person_index
                        .try_emplace(row.person_id,
                                     static_cast<uint32_t>(person_index.size()))
                        .first->second;
  }
  std::vector<Member> members;
  for (uint32_t r = 0; r < view.num_records(); ++r) {
    if (person_of[r] == kNoPerson) {
      result.result_only.push_back(view.Label(r));
      continue;
    }
    members.push_back(
        {view.record_entity[r], person_of[r], view.record_source[r], r});
  }
  if (members.empty()) {
    return absl::InvalidArgumentError(
        "no record of the truth file is in the link result (do the source "
        "names and record ids match?)");
  }
  result.records_evaluated = members.size();
  const size_t num_sources = view.sources.size();
  std::vector<uint64_t> tp(num_sources * num_sources, 0),
      predicted(tp.size(), 0), actual(tp.size(), 0);
  uint64_t tp_total = 0, predicted_total = 0, actual_total = 0;

  // Entities, and per entity its evaluated size.
  std::sort(members.begin(), members.end(), [](const Member& x, const Member& y) {
    return std::tie(x.entity, x.source, x.record) <
           std::tie(y.entity, y.source, y.record);
  });
  CountPairs(members, [](const Member& x, const Member& y) {
    return x.entity == y.entity;
  }, num_sources, &predicted, &predicted_total);
  absl::flat_hash_map<uint32_t, uint64_t> entity_size;
  for (const Member& m : members) ++entity_size[m.entity];
  result.entities = entity_size.size();

  std::sort(members.begin(), members.end(), [](const Member& x, const Member& y) {
    return std::tie(x.person, x.source, x.record) <
           std::tie(y.person, y.source, y.record);
  });
  CountPairs(members, [](const Member& x, const Member& y) {
    return x.person == y.person;
  }, num_sources, &actual, &actual_total);
  absl::flat_hash_map<uint32_t, uint64_t> person_size;
  for (const Member& m : members) ++person_size[m.person];
  result.persons = person_size.size();

  // Cells of the entity x person table.
  std::sort(members.begin(), members.end(), [](const Member& x, const Member& y) {
    return std::tie(x.entity, x.person, x.source, x.record) <
           std::tie(y.entity, y.person, y.source, y.record);
  });
  CountPairs(members, [](const Member& x, const Member& y) {
    return x.entity == y.entity && x.person == y.person;
  }, num_sources, &tp, &tp_total);
  absl::flat_hash_map<uint32_t, uint32_t> cells_per_entity, cells_per_person;
  double precision_sum = 0.0, recall_sum = 0.0;
  for (size_t i = 0; i < members.size();) {
    size_t j = i;
    while (j < members.size() && members[j].entity == members[i].entity &&
           members[j].person == members[i].person) {
      ++j;
    }
    const auto n = static_cast<double>(j - i);
    const uint64_t a = entity_size[members[i].entity];
    const uint64_t b = person_size[members[i].person];
    // Each of the n records of this cell scores n / |entity| and n / |person|.
    precision_sum += n * n / static_cast<double>(a);
    recall_sum += n * n / static_cast<double>(b);
    if (j - i == a && j - i == b) ++result.exact_matches;
    ++cells_per_entity[members[i].entity];
    ++cells_per_person[members[i].person];
    i = j;
  }
  for (const auto& [entity, cells] : cells_per_entity) {
    if (cells > 1) ++result.entities_merged;
  }
  for (const auto& [person, cells] : cells_per_person) {
    if (cells > 1) ++result.persons_split;
  }
  const auto records = static_cast<double>(members.size());
  result.bcubed_precision = precision_sum / records;
  result.bcubed_recall = recall_sum / records;
  result.bcubed_f1 = Harmonic(result.bcubed_precision, result.bcubed_recall);
  result.pairwise = MakePairScores(tp_total, predicted_total, actual_total);
  for (size_t s = 0; s < num_sources; ++s) {
    for (size_t t = s; t < num_sources; ++t) {
      const size_t k = s * num_sources + t;
      if (predicted[k] == 0 && actual[k] == 0) continue;
      result.by_source_pair.push_back(
          {view.sources[s], view.sources[t],
           MakePairScores(tp[k], predicted[k], actual[k])});
    }
  }

  // False and missed links with a pairs.csv row.
  std::vector<EvalPair> false_links, missed_links;
  for (const auto& [key, row] : view.pair_index) {
    const LinkPair& pair = view.pairs[row];
    if (person_of[pair.a] == kNoPerson || person_of[pair.b] == kNoPerson) {
      continue;
    }
    const bool same_entity = view.record_entity[pair.a] == view.record_entity[pair.b];
    const bool same_person = person_of[pair.a] == person_of[pair.b];
    if (same_entity == same_person) continue;
    const bool above = view.has_threshold() && pair.weight >= view.threshold;
    EvalPair item{std::min(pair.a, pair.b), std::max(pair.a, pair.b), true,
                  pair.weight, pair.probability};
    if (same_entity) {
      if (above) ++result.false_links_direct;
      false_links.push_back(item);
    } else {
      if (above) {
        ++result.missed_above_threshold;
      } else {
        ++result.missed_below_threshold;
      }
      missed_links.push_back(item);
    }
  }
  result.missed_unscored = (actual_total - tp_total) -
                           result.missed_above_threshold -
                           result.missed_below_threshold;
  const size_t limit = options.list_limit;
  auto keep_top = [limit](std::vector<EvalPair>* list) {
    std::sort(list->begin(), list->end(), HigherWeightFirst);
    if (list->size() > limit) list->resize(limit);
  };
  keep_top(&false_links);
  keep_top(&missed_links);
  // Fill up with pairs pairs.csv does not score. `members` is sorted by
  // entity then person: false links pair records of one entity and two
  // persons.
  for (size_t i = 0; i < members.size() && false_links.size() < limit;) {
    size_t j = i;
    while (j < members.size() && members[j].entity == members[i].entity) ++j;
    for (size_t x = i; x < j && false_links.size() < limit; ++x) {
      for (size_t y = x + 1; y < j && false_links.size() < limit; ++y) {
        if (members[x].person == members[y].person) continue;
        const uint32_t a = std::min(members[x].record, members[y].record);
        const uint32_t b = std::max(members[x].record, members[y].record);
        if (view.FindPair(a, b) != nullptr) continue;
        false_links.push_back({a, b, false, 0.0, 0.0});
      }
    }
    i = j;
  }
  if (missed_links.size() < limit) {
    std::sort(members.begin(), members.end(),
              [](const Member& x, const Member& y) {
                return std::tie(x.person, x.entity, x.record) <
                       std::tie(y.person, y.entity, y.record);
              });
    for (size_t i = 0; i < members.size() && missed_links.size() < limit;) {
      size_t j = i;
      while (j < members.size() && members[j].person == members[i].person) ++j;
      for (size_t x = i; x < j && missed_links.size() < limit; ++x) {
        for (size_t y = x + 1; y < j && missed_links.size() < limit; ++y) {
          if (members[x].entity == members[y].entity) continue;
          const uint32_t a = std::min(members[x].record, members[y].record);
          const uint32_t b = std::max(members[x].record, members[y].record);
          if (view.FindPair(a, b) != nullptr) continue;
          missed_links.push_back({a, b, false, 0.0, 0.0});
        }
      }
      i = j;
    }
  }
  result.false_links = std::move(false_links);
  result.missed_links = std::move(missed_links);
  return result;
}

}  // namespace reckon::service::audit
