// Joint redraws of a clustering from scored candidate pairs: whole
// partitions of the records, drawn so that a cluster's records stay together
// or come apart according to all the evidence between them at once, instead
// of each pair being kept or dropped on its own.
//
// The model (a pairwise partition posterior, as in Sadinle (2014),
// "Detecting duplicates in a homicide registry using a Bayesian partitioning
// approach", Ann. Appl. Stat. 8(4), and the coreference posterior that
// Sadinle (2018), Ann. Appl. Stat. 12(2), carries into population size
// estimation): a partition C of the records has weight
//
//   pi(C)  proportional to  prod over pairs {i, j} in one cluster of r_ij,
//
// r_ij = p_ij / (1 - p_ij), the odds of the pair's match probability in
// pairs.csv; a pair of one cluster that pairs.csv does not list gets
// `unlisted_odds` (the linker lists pairs with probability >= 0.01, so an
// unlisted pair that was compared has odds below 0.01 / 0.99); a listed
// pair whose odds do not exceed `unlisted_odds` is taken as unlisted (it
// says no more for a merge than no pair at all). Singletons
// and pairs in different clusters contribute 1. Clusters above
// `max_entity_size` records are not drawn (the linker refuses them too).
//
// Why joint: independent per-pair draws close every kept pair transitively,
// so one kept low-probability pair merges two people whose other records
// share no evidence, and one dropped pair of a chain splits a person whose
// other pairs say otherwise. Under pi a merge or split weighs every pair
// across the cut: people linked by many confident pairs stay whole, a record
// with a single weak pair to another person rarely joins it, and a record
// that is genuinely ambiguous moves between its candidate clusters. (With
// unlisted_odds = 1 and a tree of listed pairs, pi is exactly the
// independent-pair distribution; the penalty on unlisted pairs is what
// stops chaining.)
//
// Sampler: Gibbs, one record at a time, within each connected component of
// the listed-pair graph, each component on its own (a cluster spanning two
// components would hold only unlisted pairs across them and is never
// proposed). A record is moved to one of the clusters
// holding a record it has a listed pair with, or to a new singleton, or left
// where it is, with probability proportional to pi of the resulting
// partition; joining a cluster with which it shares no listed pair (weight at
// most unlisted_odds^size relative to staying alone) is not proposed. So the
// sampler targets pi on the partitions it can reach, an approximation that
// leaves out states of weight at most unlisted_odds relative to their
// neighbours; on a component whose pairs are all listed (a clique) the moves
// are exact Gibbs updates (checked against pi by hand in the tests). Each
// chain starts from the given clustering, runs `burn_in` sweeps and keeps one
// partition every `thin` sweeps. Each component has its own random stream
// seeded from (seed, its lowest record), so draws do not depend on the
// number of threads.
#ifndef RECKON_LINKAGE_ESTIMATE_PARTITION_SAMPLER_H_
#define RECKON_LINKAGE_ESTIMATE_PARTITION_SAMPLER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "linkage/base/exec.h"
#include "linkage/estimate/linked_records.h"

namespace reckon {

struct PartitionSamplerOptions {
  double unlisted_odds = 0.01 / 0.99;
  size_t max_entity_size = 50;
  // Work bound: a component of more records than this (one chain, run on
  // one thread) keeps only the pairs inside its given entities, so its
  // records may split from their entities but not merge across them.
  // Reported in PartitionSamplerStats; a working linker's components are
  // far smaller.
  uint32_t max_component_records = 20000;
  int burn_in = 10;  // sweeps before the first kept partition
  int thin = 3;      // sweeps between kept partitions
  uint64_t seed = 20140601;
};

// `draws` partitions of link's records. Result[d][r] is the lowest record
// index of record r's cluster in draw d. Probabilities 0 and 1 are taken as
// odds e^-40 and e^40. Fails with kInvalidArgument when draws < 1 or the
// options are out of range (odds not in (0, 1], burn_in < 0, thin < 1,
// max_entity_size < 2, max_component_records < 2), and with the exec
// status when cancelled.
struct PartitionSamplerStats {
  // Records in components above max_component_records.
  int64_t restricted_records = 0;
};

absl::StatusOr<std::vector<std::vector<uint32_t>>> SampleClusterings(
    const LinkedRecords& link, int draws,
    const PartitionSamplerOptions& options, const ExecOptions& exec = {},
    PartitionSamplerStats* stats = nullptr);

}  // namespace reckon

#endif  // RECKON_LINKAGE_ESTIMATE_PARTITION_SAMPLER_H_
