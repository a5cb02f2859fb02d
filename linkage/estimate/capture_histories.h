// Capture histories: for K sources (registers), how many entities were seen
// by exactly each subset of them. An entity is in a source if any of its
// records is. The subset is a bit mask (bit i = source i, in the sources'
// order) and is written as a pattern string with one digit per source in
// that same order: "101" is in the first and third of three sources.
//
//   CaptureHistories h = HistoriesFromMasks({"a", "b"}, {0b01, 0b11, 0b11});
//   h.count(0b11) == 2;  h.Observed() == 3;  h.SourceCount(1) == 2;
//   PatternString(0b01, 2) == "10"
#ifndef RECKON_LINKAGE_ESTIMATE_CAPTURE_HISTORIES_H_
#define RECKON_LINKAGE_ESTIMATE_CAPTURE_HISTORIES_H_

#include <cstddef>
#include <cstdint>
#include <istream>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace reckon {

// Sources supported in one history table. Estimation needs 2..6; the table
// itself allows more so that data can be read and described.
inline constexpr int kMaxHistorySources = 16;

class CaptureHistories {
 public:
  CaptureHistories() = default;
  // An all-zero table over `sources`. REQUIRES: sources.size() <=
  // kMaxHistorySources.
  explicit CaptureHistories(std::vector<std::string> sources);

  int num_sources() const { return static_cast<int>(sources_.size()); }
  const std::vector<std::string>& sources() const { return sources_; }
  // Number of cells, 2^K; cell 0 (seen by no source) is always 0.
  size_t num_cells() const { return counts_.size(); }

  int64_t count(uint32_t mask) const { return counts_[mask]; }
  // Adds `n` entities with history `mask`. REQUIRES: 0 < mask < num_cells().
  void Add(uint32_t mask, int64_t n = 1) { counts_[mask] += n; }

  // Entities seen by at least one source.
  int64_t Observed() const;
  // Distinct entities in source `i`.
  int64_t SourceCount(int i) const;
  std::vector<int64_t> SourceCounts() const;

  // The table restricted to the sources in `keep` (indices, in the order
  // given): histories are projected and entities seen by none of the kept
  // sources drop out.
  CaptureHistories Project(std::span<const int> keep) const;

 private:
  std::vector<std::string> sources_;
  std::vector<int64_t> counts_;
};

// "101"-style pattern of `mask` over `num_sources` sources.
std::string PatternString(uint32_t mask, int num_sources);

// Parses a pattern of '0'/'1' digits, one per source. Fails with
// kInvalidArgument on other characters, the wrong length, or all zeros
// (an unobserved history cannot be counted).
absl::StatusOr<uint32_t> ParsePattern(std::string_view pattern,
                                      int num_sources);

// Builds a table from one source mask per entity; masks of 0 (an entity in
// no source) are skipped. REQUIRES: every mask < 2^sources.size().
CaptureHistories HistoriesFromMasks(std::vector<std::string> sources,
                                    std::span<const uint32_t> masks);

// One table per stratum: entity e goes to stratum `strata[e]`. Strata appear
// in the map's (sorted) order. REQUIRES: masks.size() == strata.size().
std::map<std::string, CaptureHistories> StratifiedHistories(
    const std::vector<std::string>& sources, std::span<const uint32_t> masks,
    std::span<const std::string> strata);

// Reads the `--histories` CSV: a header `h,count` then one row per pattern,
// e.g. `101,37`. The pattern length fixes K (2..16), the same for every row;
// sources are named "S1".."SK". A pattern may repeat (its counts add up).
// Errors name the input and line: "h.csv:4: count: not a whole number \"x\"".
absl::StatusOr<CaptureHistories> ReadHistoriesCsv(std::istream& in,
                                                  const std::string& name);

}  // namespace reckon

#endif  // RECKON_LINKAGE_ESTIMATE_CAPTURE_HISTORIES_H_
