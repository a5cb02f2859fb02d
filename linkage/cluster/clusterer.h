// Entities from scored links. Links are merged strongest first (greedy
// single linkage), and every merge is first put to a guard that may refuse
// it: this stops chaining, where a run of plausible links joins people who
// plainly differ (a man born 1971 and a woman born 1990 who share a common
// name with someone in between), and enforces "at most one record per
// source" for registers known to hold no duplicates.
//
// Deterministic: links are ordered by weight, then by record ids, and
// entities are numbered by their lowest record index.
#ifndef RECKON_LINKAGE_CLUSTER_CLUSTERER_H_
#define RECKON_LINKAGE_CLUSTER_CLUSTERER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace reckon {

struct Link {
  uint32_t a = 0;
  uint32_t b = 0;
  double weight = 0.0;
};

struct ClusterOptions {
  // Links with weight below this are ignored.
  double threshold = 0.0;
  // Merges that would make an entity larger than this are refused
  // (0: no limit).
  size_t max_entity_size = 0;
};

// Decides whether two clusters (their record indices) may become one.
// Called from one thread.
using MergeGuard = std::function<bool(std::span<const uint32_t> cluster_a,
                                      std::span<const uint32_t> cluster_b)>;

struct ClusterReport {
  uint64_t links_used = 0;        // links at or above the threshold
  uint64_t merges = 0;
  uint64_t merges_refused = 0;    // by the guard or the size limit
  uint64_t entities = 0;
  uint64_t largest_entity = 0;
};

// Returns, for each of `num_records` records, its entity number in
// [0, entities). `guard` may be empty (every merge allowed).
std::vector<uint32_t> ClusterLinks(size_t num_records, std::vector<Link> links,
                                   const ClusterOptions& options,
                                   const MergeGuard& guard,
                                   ClusterReport* report);

}  // namespace reckon

#endif  // RECKON_LINKAGE_CLUSTER_CLUSTERER_H_
