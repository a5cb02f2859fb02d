#include "linkage/linker/resolver.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "linkage/base/status_macros.h"
#include "linkage/cluster/union_find.h"
#include "linkage/linker/keys.h"
#include "tbb/blocked_range.h"
#include "tbb/parallel_for.h"
#include "tbb/parallel_sort.h"

namespace reckon {
namespace {

// The linker's bound on term-frequency adjustments (linker.cc): one rare
// name cannot outweigh every other field.
constexpr double kMaxTfAdjustment = 6.0;

bool PairAllowed(LinkMode mode, uint16_t source_a, uint16_t source_b) {
  switch (mode) {
    case LinkMode::kLinkOnly:
      return source_a != source_b;
    case LinkMode::kDedupeOnly:
      return source_a == source_b;
    case LinkMode::kDedupeAndLink:
      break;
  }
  return true;
}

// The value a term id stands for, as text: records agree exactly on a
// comparison's value (and share its term id) exactly when these agree. A
// name comparator's term is its token multiset (order-free), so its
// described tokens are sorted; other comparators describe the value itself.
std::string TermText(bool is_name, const std::string& described) {
  if (!is_name) return described;
  std::vector<std::string> tokens = absl::StrSplit(described, ' ');
  std::sort(tokens.begin(), tokens.end());
  return absl::StrJoin(tokens, " ");
}

// Copies records of prepared sets into one scratch set (or into the index),
// interning tokens by text. Codes come from whichever side has them: a
// token first seen as a patronymic carries none, as in a joint preparation.
class RecordCopier {
 public:
  RecordCopier(const PreparedRecords* index,
               const absl::flat_hash_map<std::string, uint32_t>* index_ids,
               PreparedRecords* to)
      : index_(index), index_ids_(index_ids), to_(to) {}

  // Appends record `r` of `from`; returns its number in the target.
  uint32_t Append(const PreparedRecords& from, size_t r) {
    const auto number = static_cast<uint32_t>(to_->size);
    to_->source.push_back(from.source[r]);
    AppendNames(from, from.given_name.Tokens(r), &to_->given_name);
    AppendNames(from, from.surname.Tokens(r), &to_->surname);
    AppendNames(from, from.patronymic.Tokens(r), &to_->patronymic);
    AppendNames(from, from.full_name.Tokens(r), &to_->full_name);
    to_->birth_date.push_back(from.birth_date[r]);
    to_->sex.push_back(from.sex[r]);
    to_->nationality.push_back(from.nationality[r]);
    to_->passport.push_back(from.passport[r]);
    for (auto& [name, column] : to_->strings) {
      auto it = from.strings.find(name);
      column.push_back(it == from.strings.end() ? std::string()
                                                : it->second[r]);
    }
    ++to_->size;
    return number;
  }

  // Token ids added to the target's table by the copies so far.
  const std::vector<uint32_t>& new_tokens() const { return new_tokens_; }

 private:
  void AppendNames(const PreparedRecords& from, std::span<const uint32_t> ids,
                   NameColumn* column) {
    buffer_.clear();
    for (uint32_t id : ids) {
      const std::string& text = from.tokens.text(id);
      const std::string* phonetic = &from.tokens.phonetic(id);
      const std::string* skeleton = &from.tokens.skeleton(id);
      if (phonetic->empty() && index_ != nullptr && &from != index_) {
        if (auto it = index_ids_->find(text); it != index_ids_->end()) {
          phonetic = &index_->tokens.phonetic(it->second);
          skeleton = &index_->tokens.skeleton(it->second);
        }
      }
      const size_t before = to_->tokens.size();
      const uint32_t to_id = to_->tokens.Intern(text, *phonetic, *skeleton);
      if (to_->tokens.size() != before) new_tokens_.push_back(to_id);
      buffer_.push_back(to_id);
    }
    column->Append(buffer_);
  }

  const PreparedRecords* index_;
  const absl::flat_hash_map<std::string, uint32_t>* index_ids_;
  PreparedRecords* to_;
  std::vector<uint32_t> buffer_;
  std::vector<uint32_t> new_tokens_;
};

// An empty set with the index's sources and string columns.
PreparedRecords EmptyLike(const PreparedRecords& shape,
                          const std::vector<std::string>& source_names) {
  PreparedRecords scratch;
  scratch.source_names = source_names;
  for (const auto& [name, column] : shape.strings) scratch.strings[name];
  return scratch;
}

std::vector<KeyEntry> SortedDistinct(std::vector<KeyEntry> entries) {
  std::sort(entries.begin(), entries.end(),
            [](const KeyEntry& x, const KeyEntry& y) {
              return x.hash != y.hash ? x.hash < y.hash : x.record < y.record;
            });
  entries.erase(std::unique(entries.begin(), entries.end(),
                            [](const KeyEntry& x, const KeyEntry& y) {
                              return x.hash == y.hash && x.record == y.record;
                            }),
                entries.end());
  return entries;
}

}  // namespace

struct Resolver::Candidates {
  // (record of the prepared set, index record), sorted and distinct.
  std::vector<std::pair<uint32_t, uint32_t>> external;
  // (i, j), i < j, both of the prepared set; sorted and distinct.
  std::vector<std::pair<uint32_t, uint32_t>> internal;
  // Distinct index records of `external`, ascending.
  std::vector<uint32_t> index_records;
};

Resolver::Resolver(const Linker& linker, LinkResult result)
    : linker_(linker), result_(std::move(result)) {}

absl::StatusOr<std::unique_ptr<Resolver>> Resolver::Create(
    const Linker& linker, LinkResult result, const ExecOptions& exec) {
  if (result.prepared == nullptr ||
      result.comparators.size() != linker.config().comparisons.size()) {
    return absl::InvalidArgumentError(
        "resolver: the link result does not come from this linker");
  }
  std::unique_ptr<Resolver> resolver(new Resolver(linker, std::move(result)));
  Resolver& r = *resolver;
  const PreparedRecords& data = *r.result_.prepared;
  const LinkerConfig& config = linker.config();
  r.linked_records_ = data.size;
  r.entity_ = r.result_.entity;
  r.num_entities_ = r.result_.clustering.entities;
  for (uint32_t e : r.entity_) {
    r.num_entities_ = std::max<size_t>(r.num_entities_, size_t{e} + 1);
  }
  r.token_ids_.reserve(data.tokens.size());
  for (size_t t = 0; t < data.tokens.size(); ++t) {
    r.token_ids_.emplace(data.tokens.text(static_cast<uint32_t>(t)),
                         static_cast<uint32_t>(t));
  }

  // Key index: every distinct key value with its record count; members of
  // values a new record could still use (fewer than max_block_size).
  RECKON_ASSIGN_OR_RETURN(std::vector<KeyEntry> entries,
                          MakeKeyEntries(data, config, exec));
  tbb::parallel_sort(entries.begin(), entries.end(),
                     [](const KeyEntry& x, const KeyEntry& y) {
                       return x.hash != y.hash ? x.hash < y.hash
                                               : x.record < y.record;
                     });
  entries.erase(std::unique(entries.begin(), entries.end(),
                            [](const KeyEntry& x, const KeyEntry& y) {
                              return x.hash == y.hash && x.record == y.record;
                            }),
                entries.end());
  RECKON_RETURN_IF_ERROR(CheckContinue(exec, "resolver index"));
  r.key_offsets_.push_back(0);
  for (size_t start = 0; start < entries.size();) {
    size_t end = start + 1;
    while (end < entries.size() && entries[end].hash == entries[start].hash) {
      ++end;
    }
    r.key_hashes_.push_back(entries[start].hash);
    r.key_sizes_.push_back(static_cast<uint32_t>(end - start));
    if (end - start < config.max_block_size) {
      for (size_t i = start; i < end; ++i) {
        r.key_members_.push_back(entries[i].record);
      }
    }
    r.key_offsets_.push_back(r.key_members_.size());
    start = end;
  }
  std::vector<KeyEntry>().swap(entries);

  // Term frequencies by value text, from the link's term ids.
  const size_t comparisons = r.result_.comparators.size();
  r.term_frequency_.resize(comparisons);
  r.unseen_frequency_.assign(comparisons, 0.0);
  for (size_t c = 0; c < comparisons; ++c) {
    r.is_name_comparison_.push_back(config.comparisons[c].kind ==
                                    ComparatorKind::kName);
  }
  for (size_t c = 0; c < comparisons; ++c) {
    if (c >= r.result_.term_frequency.size() ||
        r.result_.term_frequency[c].empty()) {
      continue;
    }
    r.tf_comparisons_.push_back(c);
    const FieldComparator& comparator = *r.result_.comparators[c];
    const std::vector<double>& tf = r.result_.term_frequency[c];
    std::vector<bool> seen(tf.size(), false);
    uint64_t present = 0;
    for (uint32_t record = 0; record < data.size; ++record) {
      const int64_t term = comparator.TermId(record);
      if (term < 0) continue;
      ++present;
      const auto t = static_cast<size_t>(term);
      if (seen[t]) continue;
      seen[t] = true;
      r.term_frequency_[c].emplace(
          TermText(r.is_name_comparison_[c], comparator.Describe(record)),
          tf[t]);
    }
    r.unseen_frequency_[c] =
        present == 0 ? 1.0 : 1.0 / static_cast<double>(present);
  }
  RECKON_RETURN_IF_ERROR(CheckContinue(exec, "resolver index"));
  return resolver;
}

Resolver::Candidates Resolver::FindCandidates(
    const PreparedRecords& prepared, const std::vector<KeyEntry>& entries,
    bool within, bool apply_mode) const {
  const PreparedRecords& index = *result_.prepared;
  const LinkerConfig& config = linker_.config();
  const size_t known_sources = index.source_names.size();
  auto allowed = [&](uint16_t a, uint16_t b) {
    if (!apply_mode || a >= known_sources || b >= known_sources) return true;
    return PairAllowed(config.mode, a, b);
  };
  Candidates out;
  const std::vector<KeyEntry> sorted = SortedDistinct(entries);
  std::vector<uint32_t> members;
  for (size_t start = 0; start < sorted.size();) {
    size_t end = start + 1;
    while (end < sorted.size() && sorted[end].hash == sorted[start].hash) {
      ++end;
    }
    const uint64_t hash = sorted[start].hash;
    members.clear();
    size_t total = end - start;
    auto base = std::lower_bound(key_hashes_.begin(), key_hashes_.end(), hash);
    if (base != key_hashes_.end() && *base == hash) {
      const auto k = static_cast<size_t>(base - key_hashes_.begin());
      total += key_sizes_[k];
      members.insert(members.end(), key_members_.begin() + static_cast<std::ptrdiff_t>(key_offsets_[k]),
                     key_members_.begin() + static_cast<std::ptrdiff_t>(key_offsets_[k + 1]));
    }
    if (auto added = added_keys_.find(hash); added != added_keys_.end()) {
      total += added->second.size();
      members.insert(members.end(), added->second.begin(),
                     added->second.end());
    }
    // The same cap as the linker's: a block grown past it is dropped.
    if (total <= config.max_block_size) {
      for (size_t i = start; i < end; ++i) {
        const uint32_t a = sorted[i].record;
        for (uint32_t r : members) {
          if (allowed(prepared.source[a], index.source[r])) {
            out.external.emplace_back(a, r);
          }
        }
        if (!within) continue;
        for (size_t j = i + 1; j < end; ++j) {
          const uint32_t b = sorted[j].record;
          if (allowed(prepared.source[a], prepared.source[b])) {
            out.internal.emplace_back(std::min(a, b), std::max(a, b));
          }
        }
      }
    }
    start = end;
  }
  std::sort(out.external.begin(), out.external.end());
  out.external.erase(std::unique(out.external.begin(), out.external.end()),
                     out.external.end());
  std::sort(out.internal.begin(), out.internal.end());
  out.internal.erase(std::unique(out.internal.begin(), out.internal.end()),
                     out.internal.end());
  out.index_records.reserve(out.external.size());
  for (const auto& [a, r] : out.external) out.index_records.push_back(r);
  std::sort(out.index_records.begin(), out.index_records.end());
  out.index_records.erase(
      std::unique(out.index_records.begin(), out.index_records.end()),
      out.index_records.end());
  return out;
}

double Resolver::TfAdjustment(size_t c, const FieldComparator& comparator,
                              uint32_t record) const {
  if (term_frequency_[c].empty() && unseen_frequency_[c] == 0.0) return 0.0;
  if (comparator.TermId(record) < 0) return 0.0;
  const std::string text =
      TermText(is_name_comparison_[c], comparator.Describe(record));
  auto it = term_frequency_[c].find(text);
  const double tf = it == term_frequency_[c].end() ? unseen_frequency_[c]
                                                   : it->second;
  const double u_exact = result_.model.comparisons[c].u_random[0];
  return std::clamp(std::log2(u_exact / tf), -kMaxTfAdjustment,
                    kMaxTfAdjustment);
}

double Resolver::PairWeight(
    const std::vector<std::unique_ptr<FieldComparator>>& cmp, uint32_t a,
    uint32_t b) const {
  // Summed in the linker's order: the pattern weight, then the adjustments.
  double weight = 0.0;
  absl::InlinedVector<uint8_t, 16> levels(cmp.size());
  for (size_t c = 0; c < cmp.size(); ++c) {
    levels[c] = cmp[c]->Level(a, b);
    weight += result_.model.comparisons[c].Weight(levels[c]);
  }
  for (size_t c : tf_comparisons_) {
    if (levels[c] == 0) weight += TfAdjustment(c, *cmp[c], a);
  }
  return weight;
}

std::vector<FieldExplanation> Resolver::ExplainFields(
    const std::vector<std::unique_ptr<FieldComparator>>& cmp, uint32_t a,
    uint32_t b) const {
  std::vector<FieldExplanation> fields;
  for (size_t c = 0; c < cmp.size(); ++c) {
    const FieldComparator& comparator = *cmp[c];
    FieldExplanation field;
    field.comparison = comparator.name();
    field.value_a = comparator.Describe(a);
    field.value_b = comparator.Describe(b);
    field.level = comparator.Level(a, b);
    field.level_name =
        field.level < comparator.levels()
            ? comparator.level_names()[static_cast<size_t>(field.level)]
            : "missing";
    field.weight = result_.model.comparisons[c].Weight(field.level);
    if (field.level == 0 && std::find(tf_comparisons_.begin(),
                                      tf_comparisons_.end(),
                                      c) != tf_comparisons_.end()) {
      field.tf_adjustment = TfAdjustment(c, comparator, a);
      field.weight += field.tf_adjustment;
    }
    fields.push_back(std::move(field));
  }
  return fields;
}

absl::StatusOr<std::vector<EntityCandidate>> Resolver::Resolve(
    const Record& probe, const ResolveOptions& options,
    const ExecOptions& exec) const {
  const PreparedRecords& index = *result_.prepared;
  const LinkerConfig& config = linker_.config();
  RECKON_ASSIGN_OR_RETURN(
      PreparedRecords prepared,
      PrepareRecords({probe}, index.source_names, config, linker_.normalizer(), exec));
  RECKON_ASSIGN_OR_RETURN(std::vector<KeyEntry> entries,
                          MakeKeyEntries(prepared, config, exec));
  const bool known_source = prepared.source[0] < index.source_names.size();
  const Candidates candidates =
      FindCandidates(prepared, entries, /*within=*/false, known_source);
  std::vector<EntityCandidate> out;
  if (candidates.index_records.empty()) return out;
  RECKON_RETURN_IF_ERROR(CheckContinue(exec, "resolve"));

  PreparedRecords scratch = EmptyLike(index, prepared.source_names);
  RecordCopier copier(&index, &token_ids_, &scratch);
  copier.Append(prepared, 0);
  for (uint32_t r : candidates.index_records) copier.Append(index, r);
  RECKON_ASSIGN_OR_RETURN(std::vector<std::unique_ptr<FieldComparator>> cmp,
                          MakeComparators(config, scratch));

  // Best record per entity.
  absl::flat_hash_map<uint32_t, size_t> by_entity;
  for (size_t i = 0; i < candidates.index_records.size(); ++i) {
    const uint32_t record = candidates.index_records[i];
    const auto s = static_cast<uint32_t>(i + 1);
    const double weight = PairWeight(cmp, 0, s);
    const uint32_t e = entity_[record];
    auto [it, inserted] = by_entity.try_emplace(e, out.size());
    if (inserted) {
      out.push_back({e, record, weight, 0.0, {}});
    } else if (weight > out[it->second].weight) {
      out[it->second].best_record = record;
      out[it->second].weight = weight;
    }
  }
  for (EntityCandidate& candidate : out) {
    candidate.probability = result_.model.MatchProbability(candidate.weight);
  }
  out.erase(std::remove_if(out.begin(), out.end(),
                           [&](const EntityCandidate& c) {
                             return c.probability < options.min_probability;
                           }),
            out.end());
  std::sort(out.begin(), out.end(),
            [](const EntityCandidate& x, const EntityCandidate& y) {
              return x.weight != y.weight ? x.weight > y.weight
                                          : x.entity < y.entity;
            });
  if (options.max_candidates > 0 && out.size() > options.max_candidates) {
    out.resize(options.max_candidates);
  }
  for (EntityCandidate& candidate : out) {
    const auto position = std::lower_bound(candidates.index_records.begin(),
                                           candidates.index_records.end(),
                                           candidate.best_record) -
                          candidates.index_records.begin();
    candidate.fields =
        ExplainFields(cmp, 0, static_cast<uint32_t>(position + 1));
  }
  return out;
}

PairExplanation Resolver::Explain(uint32_t a, uint32_t b) const {
  if (a < linked_records_ && b < linked_records_) {
    return linker_.Explain(result_, a, b);
  }
  const PreparedRecords& index = *result_.prepared;
  PreparedRecords scratch = EmptyLike(index, index.source_names);
  RecordCopier copier(&index, &token_ids_, &scratch);
  copier.Append(index, a);
  copier.Append(index, b);
  PairExplanation explanation;
  explanation.threshold = result_.threshold;
  absl::StatusOr<std::vector<std::unique_ptr<FieldComparator>>> cmp =
      MakeComparators(linker_.config(), scratch);
  if (!cmp.ok()) return explanation;  // the config was validated at link
  explanation.fields = ExplainFields(*cmp, 0, 1);
  for (const FieldExplanation& field : explanation.fields) {
    explanation.weight += field.weight;
  }
  explanation.probability = result_.model.MatchProbability(explanation.weight);
  const auto keys_a = RecordKeys(index, a, linker_.config());
  const auto keys_b = RecordKeys(index, b, linker_.config());
  for (const auto& key : keys_a) {
    if (std::find(keys_b.begin(), keys_b.end(), key) != keys_b.end()) {
      explanation.shared_keys.push_back(key);
    }
  }
  return explanation;
}

absl::StatusOr<AddReport> Resolver::Add(const std::vector<Record>& records,
                                        const ExecOptions& exec) {
  AddReport report;
  if (records.empty()) return report;
  PreparedRecords& index = *result_.prepared;
  const LinkerConfig& config = linker_.config();
  if (index.size + records.size() >= UINT32_MAX) {
    return absl::ResourceExhaustedError("resolver: more than 4e9 records");
  }
  RECKON_ASSIGN_OR_RETURN(
      PreparedRecords batch,
      PrepareRecords(records, index.source_names, config, linker_.normalizer(), exec));
  RECKON_ASSIGN_OR_RETURN(std::vector<KeyEntry> entries,
                          MakeKeyEntries(batch, config, exec));
  const Candidates candidates =
      FindCandidates(batch, entries, /*within=*/true, /*apply_mode=*/true);
  const auto m = static_cast<uint32_t>(batch.size);

  // Scratch: the batch's records, then the index records they meet.
  PreparedRecords scratch = EmptyLike(index, batch.source_names);
  {
    RecordCopier copier(&index, &token_ids_, &scratch);
    for (uint32_t i = 0; i < m; ++i) copier.Append(batch, i);
    for (uint32_t r : candidates.index_records) copier.Append(index, r);
  }
  RECKON_ASSIGN_OR_RETURN(std::vector<std::unique_ptr<FieldComparator>> cmp,
                          MakeComparators(config, scratch));
  auto scratch_of = [&](uint32_t index_record) {
    const auto position = std::lower_bound(candidates.index_records.begin(),
                                           candidates.index_records.end(),
                                           index_record) -
                          candidates.index_records.begin();
    return static_cast<uint32_t>(m + static_cast<uint32_t>(position));
  };
  std::vector<double> external(candidates.external.size());
  std::vector<double> internal(candidates.internal.size());
  tbb::parallel_for(tbb::blocked_range<size_t>(0, external.size(), 256),
                    [&](const tbb::blocked_range<size_t>& range) {
                      for (size_t i = range.begin(); i != range.end(); ++i) {
                        const auto& [a, r] = candidates.external[i];
                        external[i] = PairWeight(cmp, a, scratch_of(r));
                      }
                    });
  tbb::parallel_for(tbb::blocked_range<size_t>(0, internal.size(), 256),
                    [&](const tbb::blocked_range<size_t>& range) {
                      for (size_t i = range.begin(); i != range.end(); ++i) {
                        const auto& [a, b] = candidates.internal[i];
                        internal[i] = PairWeight(cmp, a, b);
                      }
                    });
  RECKON_RETURN_IF_ERROR(CheckContinue(exec, "resolve batch"));
  report.comparisons = external.size() + internal.size();

  // Entities: records of the batch linked to each other form one group;
  // a group joins the entity of its strongest link into the index.
  const double threshold = result_.threshold;
  UnionFind groups(m);
  for (size_t i = 0; i < internal.size(); ++i) {
    if (internal[i] >= threshold) {
      groups.Union(candidates.internal[i].first, candidates.internal[i].second);
    }
  }
  struct Best {
    double weight = 0.0;
    uint32_t entity = 0;
    bool found = false;
  };
  std::vector<Best> best(m);
  for (size_t i = 0; i < external.size(); ++i) {
    if (external[i] < threshold) continue;
    const uint32_t root = groups.Find(candidates.external[i].first);
    const uint32_t e = entity_[candidates.external[i].second];
    Best& b = best[root];
    if (!b.found || external[i] > b.weight ||
        (external[i] == b.weight && e < b.entity)) {
      b = {external[i], e, true};
    }
  }

  // Index the batch: nothing below can fail.
  const auto first = static_cast<uint32_t>(index.size);
  {
    RecordCopier copier(nullptr, nullptr, &index);
    index.source_names = batch.source_names;
    for (uint32_t i = 0; i < m; ++i) copier.Append(batch, i);
    for (uint32_t id : copier.new_tokens()) {
      token_ids_.emplace(index.tokens.text(id), id);
    }
  }
  for (const auto& [field, count] : batch.unparseable) {
    index.unparseable[field] += count;
  }
  for (const KeyEntry& entry : SortedDistinct(std::move(entries))) {
    added_keys_[entry.hash].push_back(first + entry.record);
  }
  report.records.resize(m);
  report.entities.resize(m);
  absl::flat_hash_map<uint32_t, uint32_t> new_entity_of_root;
  for (uint32_t i = 0; i < m; ++i) {
    const uint32_t root = groups.Find(i);
    uint32_t e;
    if (best[root].found) {
      e = best[root].entity;
    } else {
      auto [it, inserted] = new_entity_of_root.try_emplace(
          root, static_cast<uint32_t>(num_entities_));
      if (inserted) {
        ++num_entities_;
        ++report.new_entities;
      }
      e = it->second;
    }
    entity_.push_back(e);
    report.records[i] = first + i;
    report.entities[i] = e;
  }
  return report;
}

}  // namespace reckon
