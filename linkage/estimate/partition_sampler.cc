#include "linkage/estimate/partition_sampler.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "linkage/cluster/union_find.h"
#include "linkage/estimate/internal/random_variates.h"
#include "tbb/blocked_range.h"
#include "tbb/parallel_for.h"

namespace reckon {
namespace {

constexpr double kMaxLogOdds = 40.0;

double LogOdds(double p) {
  if (!(p > 0.0)) return -kMaxLogOdds;
  if (!(p < 1.0)) return kMaxLogOdds;
  return std::clamp(std::log(p) - std::log1p(-p), -kMaxLogOdds, kMaxLogOdds);
}

// Listed pairs as adjacency lists (both directions).
struct Graph {
  std::vector<size_t> offsets;  // per record, into `neighbours`
  std::vector<uint32_t> neighbours;
  std::vector<double> log_odds;
};

// Whether a pair enters the graph: a pair whose odds do not exceed the
// unlisted odds says no more for a merge than no pair at all.
bool Counts(const LinkPair& p, double log_unlisted) {
  return p.a != p.b && LogOdds(p.probability) > log_unlisted;
}

// The pairs the sampler uses: those that count, and in oversized
// components (`oversized` non-empty, per record) only those inside one
// given entity.
std::vector<uint8_t> UsedPairs(const LinkedRecords& link, double log_unlisted,
                               const std::vector<uint8_t>& oversized) {
  std::vector<uint8_t> used(link.pairs.size(), 0);
  for (size_t i = 0; i < link.pairs.size(); ++i) {
    const LinkPair& p = link.pairs[i];
    if (!Counts(p, log_unlisted)) continue;
    if (!oversized.empty() && oversized[p.a] &&
        link.record_entity[p.a] != link.record_entity[p.b]) {
      continue;
    }
    used[i] = 1;
  }
  return used;
}

Graph BuildGraph(const LinkedRecords& link, const std::vector<uint8_t>& used) {
  const size_t n = link.num_records();
  Graph g;
  g.offsets.assign(n + 1, 0);
  for (size_t i = 0; i < link.pairs.size(); ++i) {
    const LinkPair& p = link.pairs[i];
    if (!used[i]) continue;
    ++g.offsets[p.a + 1];
    ++g.offsets[p.b + 1];
  }
  for (size_t r = 0; r < n; ++r) g.offsets[r + 1] += g.offsets[r];
  g.neighbours.resize(g.offsets[n]);
  g.log_odds.resize(g.offsets[n]);
  std::vector<size_t> fill(g.offsets.begin(), g.offsets.end() - 1);
  for (size_t i = 0; i < link.pairs.size(); ++i) {
    const LinkPair& p = link.pairs[i];
    if (!used[i]) continue;
    const double lo = LogOdds(p.probability);
    g.neighbours[fill[p.a]] = p.b;
    g.log_odds[fill[p.a]++] = lo;
    g.neighbours[fill[p.b]] = p.a;
    g.log_odds[fill[p.b]++] = lo;
  }
  return g;
}

// A cluster a record could move to: its slot, the summed log odds of the
// record's listed pairs into it and how many there are.
struct Candidate {
  uint32_t slot;
  double log_odds;
  uint32_t listed;
};

// One component's chain. `members` holds its records in increasing order;
// `local` maps a record to its position in `members` (written only for
// this component's records). Writes draws[d][record] for its records.
void RunComponent(const LinkedRecords& link, const Graph& g,
                  const std::vector<uint32_t>& members,
                  std::vector<uint32_t>& local,
                  const PartitionSamplerOptions& options, int draws,
                  std::vector<std::vector<uint32_t>>& out) {
  const size_t n = members.size();
  for (size_t i = 0; i < n; ++i) local[members[i]] = static_cast<uint32_t>(i);
  // Start from the given clustering, restricted to the component.
  std::vector<uint32_t> label(n);
  std::vector<uint32_t> size(n, 0);
  std::vector<uint32_t> free_slots;
  {
    absl::flat_hash_map<uint32_t, uint32_t> slot_of_entity;
    for (size_t i = 0; i < n; ++i) {
      const uint32_t entity = link.record_entity[members[i]];
      auto [it, added] = slot_of_entity.emplace(
          entity, static_cast<uint32_t>(slot_of_entity.size()));
      label[i] = it->second;
      ++size[it->second];
    }
    for (size_t s = n; s-- > slot_of_entity.size();) {
      free_slots.push_back(static_cast<uint32_t>(s));
    }
  }
  const double log_unlisted = std::log(options.unlisted_odds);
  const auto cap = static_cast<uint32_t>(
      std::min<size_t>(options.max_entity_size, UINT32_MAX));
  estimate_internal::Rng rng(
      estimate_internal::MixSeed(options.seed, members.front()));
  std::vector<Candidate> candidates;
  std::vector<double> weights;
  // Per slot, its index in `candidates` while a record is being moved.
  std::vector<uint32_t> position(n, UINT32_MAX);

  auto sweep = [&]() {
    for (size_t i = 0; i < n; ++i) {
      const uint32_t old = label[i];
      --size[old];
      candidates.clear();
      const uint32_t record = members[i];
      for (size_t e = g.offsets[record]; e < g.offsets[record + 1]; ++e) {
        const uint32_t slot = label[local[g.neighbours[e]]];
        uint32_t& at = position[slot];
        if (at == UINT32_MAX) {
          at = static_cast<uint32_t>(candidates.size());
          candidates.push_back({slot, g.log_odds[e], 1});
        } else {
          candidates[at].log_odds += g.log_odds[e];
          ++candidates[at].listed;
        }
      }
      if (size[old] > 0 && position[old] == UINT32_MAX) {
        candidates.push_back({old, 0.0, 0});
      }
      for (const Candidate& c : candidates) position[c.slot] = UINT32_MAX;
      // Log weights relative to the record alone (weight 1): its listed
      // pairs into the cluster and the unlisted ones there.
      weights.clear();
      double best = 0.0;
      for (const Candidate& c : candidates) {
        double w = -INFINITY;
        if (c.slot == old || size[c.slot] < cap) {
          const double unlisted = std::max(
              0.0, static_cast<double>(size[c.slot]) -
                       static_cast<double>(c.listed));
          w = c.log_odds + unlisted * log_unlisted;
        }
        weights.push_back(w);
        best = std::max(best, w);
      }
      double total = std::exp(-best);  // the singleton
      for (double& w : weights) {
        w = std::exp(w - best);
        total += w;
      }
      double u = rng.Uniform() * total;
      uint32_t chosen = UINT32_MAX;
      for (size_t c = 0; c < candidates.size(); ++c) {
        u -= weights[c];
        if (u < 0.0) {
          chosen = candidates[c].slot;
          break;
        }
      }
      if (chosen == UINT32_MAX) {  // a cluster of its own
        if (size[old] == 0) {
          chosen = old;
        } else {
          chosen = free_slots.back();
          free_slots.pop_back();
        }
      }
      if (size[old] == 0 && chosen != old) free_slots.push_back(old);
      label[i] = chosen;
      ++size[chosen];
    }
  };

  for (int s = 0; s < options.burn_in; ++s) sweep();
  std::vector<uint32_t> lowest(n);
  for (int d = 0; d < draws; ++d) {
    if (d > 0) {
      for (int s = 0; s < options.thin; ++s) sweep();
    }
    std::fill(lowest.begin(), lowest.end(), UINT32_MAX);
    std::vector<uint32_t>& draw = out[static_cast<size_t>(d)];
    for (size_t i = 0; i < n; ++i) {
      uint32_t& first = lowest[label[i]];
      if (first == UINT32_MAX) first = members[i];  // members ascend
      draw[members[i]] = first;
    }
  }
}

}  // namespace

absl::StatusOr<std::vector<std::vector<uint32_t>>> SampleClusterings(
    const LinkedRecords& link, int draws,
    const PartitionSamplerOptions& options, const ExecOptions& exec,
    PartitionSamplerStats* stats) {
  if (stats != nullptr) *stats = {};
  if (draws < 1) {
    return absl::InvalidArgumentError("partition sampler: draws must be >= 1");
  }
  if (!(options.unlisted_odds > 0.0 && options.unlisted_odds <= 1.0) ||
      options.burn_in < 0 || options.thin < 1 || options.max_entity_size < 2 ||
      options.max_component_records < 2) {
    return absl::InvalidArgumentError("partition sampler: options out of range");
  }
  const size_t n = link.num_records();
  std::vector<std::vector<uint32_t>> out(static_cast<size_t>(draws),
                                         std::vector<uint32_t>(n));
  for (std::vector<uint32_t>& draw : out) {
    for (size_t r = 0; r < n; ++r) draw[r] = static_cast<uint32_t>(r);
  }
  if (n == 0 || link.pairs.empty()) return out;
  const double log_unlisted = std::log(options.unlisted_odds);
  std::vector<uint8_t> used = UsedPairs(link, log_unlisted, {});
  // Components of the listed-pair graph with two or more records; those
  // above the work bound keep only pairs inside given entities.
  UnionFind all(n);
  for (size_t i = 0; i < used.size(); ++i) {
    if (used[i]) all.Union(link.pairs[i].a, link.pairs[i].b);
  }
  std::vector<uint8_t> oversized(n, 0);
  int64_t restricted = 0;
  for (size_t r = 0; r < n; ++r) {
    if (all.SetSize(static_cast<uint32_t>(r)) > options.max_component_records) {
      oversized[r] = 1;
      ++restricted;
    }
  }
  if (restricted > 0) used = UsedPairs(link, log_unlisted, oversized);
  if (stats != nullptr) stats->restricted_records = restricted;
  const Graph g = BuildGraph(link, used);
  UnionFind sets(n);
  for (size_t i = 0; i < used.size(); ++i) {
    if (used[i]) sets.Union(link.pairs[i].a, link.pairs[i].b);
  }
  std::vector<uint32_t> component_of_root(n, UINT32_MAX);
  std::vector<std::vector<uint32_t>> components;
  for (size_t r = 0; r < n; ++r) {
    const auto record = static_cast<uint32_t>(r);
    const uint32_t root = sets.Find(record);
    if (sets.SetSize(root) < 2) continue;
    if (component_of_root[root] == UINT32_MAX) {
      component_of_root[root] = static_cast<uint32_t>(components.size());
      components.emplace_back();
    }
    components[component_of_root[root]].push_back(record);  // ascending
  }
  std::vector<uint32_t> local(n, 0);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, components.size(), 64),
                    [&](const tbb::blocked_range<size_t>& range) {
                      for (size_t c = range.begin(); c != range.end(); ++c) {
                        RunComponent(link, g, components[c], local, options,
                                     draws, out);
                      }
                    });
  if (absl::Status s = CheckContinue(exec, "estimate: linkage redraws");
      !s.ok()) {
    return s;
  }
  return out;
}

}  // namespace reckon
