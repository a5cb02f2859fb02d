#include "linkage/linker/training.h"

#include <cmath>
#include <span>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "linkage/base/status_macros.h"

namespace reckon {
namespace {

// Sessions with fewer pairs say too little to be worth their noise.
constexpr uint64_t kMinSessionPairs = 50;

// The name fields a key part on `field` pins down, as comparison fields.
void AddNameFields(const FieldRef& field, absl::flat_hash_set<std::string>* out) {
  const std::string any = FieldRef::AnyName().Name();
  const std::string given(FieldName(Field::kGivenName));
  const std::string surname(FieldName(Field::kSurname));
  const std::string full(FieldName(Field::kFullName));
  if (field.kind == FieldRef::Kind::kAnyName ||
      (field.kind == FieldRef::Kind::kField && field.field == Field::kFullName)) {
    out->insert({any, given, surname, full});
    return;
  }
  if (field.kind == FieldRef::Kind::kField && field.field == Field::kPatronymic) {
    out->insert(std::string(FieldName(Field::kPatronymic)));
    return;
  }
  // Given name or surname: a full-name comparison holds it too.
  out->insert({field.Name(), full, any});
}

// Per comparison, how much a session's pairs tell about its m: the expected
// number of matches (under `model`) in which the comparison is observed.
// `counts` holds only pairs with two or more comparisons the session trains
// observed (WithTwoObserved says why the others cannot count).
std::vector<double> MatchEvidence(const PatternCodec& codec,
                                  std::span<const PatternCount> counts,
                                  const std::vector<bool>& ignored,
                                  const FellegiSunterModel& model) {
  const size_t n = model.comparisons.size();
  std::vector<double> evidence(n, 0.0);
  std::vector<uint8_t> levels(n);
  const double prior = std::log2(model.lambda / (1.0 - model.lambda));
  for (const PatternCount& entry : counts) {
    codec.Decode(entry.pattern, levels);
    double weight = prior;
    // As in TrainByEm: the group is read even when the session ignores
    // the group comparison.
    const bool same_group = model.SameGroup(levels);
    for (size_t c = 0; c < n; ++c) {
      if (ignored[c] || levels[c] >= model.comparisons[c].levels()) continue;
      weight += model.comparisons[c].Weight(levels[c], same_group);
    }
    const double matches =
        static_cast<double>(entry.count) / (1.0 + std::exp2(-weight));
    for (size_t c = 0; c < n; ++c) {
      if (ignored[c] || levels[c] >= model.comparisons[c].levels()) continue;
      evidence[c] += matches;
    }
  }
  return evidence;
}

// The patterns of `counts` in which at least two comparisons the session
// trains are observed. With u fixed, a pair whose only evidence is one
// comparison fits any match share (its level counts are matched by any
// lambda with a matching m), so it cannot inform m; worse, it takes the
// match share the other pairs set. When that share differs between kinds
// of pairs (namesakes crowd a name block more among common names, whose
// records tend to lack a patronymic), those pairs bend m to fit it
// (training_test: m of agreeing passports 0.81 where it is 0.90).
std::vector<PatternCount> WithTwoObserved(const PatternCodec& codec,
                                          std::span<const PatternCount> counts,
                                          const std::vector<bool>& ignored,
                                          const FellegiSunterModel& model) {
  const size_t n = model.comparisons.size();
  std::vector<uint8_t> levels(n);
  std::vector<PatternCount> out;
  for (const PatternCount& entry : counts) {
    codec.Decode(entry.pattern, levels);
    int observed = 0;
    for (size_t c = 0; c < n; ++c) {
      if (!ignored[c] && levels[c] < model.comparisons[c].levels()) ++observed;
    }
    if (observed >= 2) out.push_back(entry);
  }
  return out;
}

}  // namespace

std::vector<bool> IgnoredInSession(const LinkerConfig& config,
                                   const BlockingKeySpec& key) {
  absl::flat_hash_set<std::string> fields;
  bool on_names = false;
  for (const KeyPartSpec& part : key.parts) {
    if (part.field.IsNameField()) {
      on_names = true;
      AddNameFields(part.field, &fields);
    } else {
      fields.insert(part.field.Name());
    }
  }
  if (on_names) {
    fields.insert(std::string(FieldName(Field::kNationality)));
    fields.insert(std::string(FieldName(Field::kSex)));
  }
  std::vector<bool> ignored;
  for (const ComparisonSpec& spec : config.comparisons) {
    ignored.push_back(fields.contains(spec.field.Name()));
  }
  return ignored;
}

absl::StatusOr<std::vector<TrainingSession>> TrainModel(
    const LinkerConfig& config, const PatternCodec& codec,
    const TrainingCounts& counts, FellegiSunterModel* model) {
  if (counts.joint.empty()) {
    return absl::FailedPreconditionError(
        "link: no candidate pairs to train on (do the blocking keys use "
        "fields the inputs have?)");
  }
  const size_t n_comparisons = model->comparisons.size();
  std::vector<TrainingSession> sessions;

  // The joint session: every training pair, u free, so that u soaks up how
  // non-matches look among blocked pairs. Its m stands wherever no key
  // session can say better.
  InitializeM(model);
  model->lambda = 0.1;
  {
    TrainingSession session;
    session.name = "joint (u free)";
    for (const PatternCount& entry : counts.joint) session.pairs += entry.count;
    EmOptions options = config.em;
    options.fix_u = false;
    options.u_prior_share = 0.01;
    options.m_prior_pairs = 1.0;
    RECKON_ASSIGN_OR_RETURN(session.em,
                            TrainByEm(codec, counts.joint, options, model));
    session.lambda = model->lambda;
    session.trained.assign(n_comparisons, true);
    sessions.push_back(std::move(session));
  }
  const FellegiSunterModel joint = *model;

  // Key sessions with u fixed at random pairs: m of the comparisons each
  // key leaves free, summed with the weight of the matches it found.
  std::vector<std::vector<double>> m_sum(n_comparisons);
  std::vector<double> weight_sum(n_comparisons, 0.0);
  for (size_t c = 0; c < n_comparisons; ++c) {
    m_sum[c].assign(joint.comparisons[c].m.size(), 0.0);
  }
  for (size_t k = 0; k < config.blocking_keys.size() && k < counts.per_key.size();
       ++k) {
    const BlockingKeySpec& key = config.blocking_keys[k];
    if (!key.train) continue;
    TrainingSession session;
    session.name = key.name;
    std::vector<bool> ignored = IgnoredInSession(config, key);
    const std::vector<PatternCount> informative =
        WithTwoObserved(codec, counts.per_key[k], ignored, joint);
    for (const PatternCount& entry : informative) session.pairs += entry.count;
    if (session.pairs < kMinSessionPairs) continue;

    FellegiSunterModel local = joint;
    InitializeM(&local);
    for (ComparisonModel& comparison : local.comparisons) {
      comparison.u = comparison.u_random;
    }
    local.lambda = 0.5;
    EmOptions options = config.em;
    options.fix_u = true;
    options.m_prior_pairs = 1.0;
    options.ignored = ignored;
    RECKON_ASSIGN_OR_RETURN(session.em,
                            TrainByEm(codec, informative, options, &local));
    session.lambda = local.lambda;
    const std::vector<double> evidence =
        MatchEvidence(codec, informative, ignored, local);
    session.trained.resize(n_comparisons);
    for (size_t c = 0; c < n_comparisons; ++c) {
      session.trained[c] = !ignored[c] && evidence[c] > 0.0;
      if (!session.trained[c]) continue;
      for (size_t l = 0; l < m_sum[c].size(); ++l) {
        m_sum[c][l] += evidence[c] * local.comparisons[c].m[l];
      }
      weight_sum[c] += evidence[c];
    }
    sessions.push_back(std::move(session));
  }

  for (size_t c = 0; c < n_comparisons; ++c) {
    ComparisonModel& comparison = model->comparisons[c];
    comparison.u = comparison.u_random;
    if (weight_sum[c] <= 0.0) continue;  // the joint session's m stands
    for (size_t l = 0; l < m_sum[c].size(); ++l) {
      comparison.m[l] = m_sum[c][l] / weight_sum[c];
    }
  }
  return sessions;
}

}  // namespace reckon
