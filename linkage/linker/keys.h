// Blocking key values of prepared records (see config.h for the kinds), and
// the stable 64-bit hash that turns them into block ids. The hash is the
// same on every machine and run, so records can later be partitioned by key
// across processes.
#ifndef RECKON_LINKAGE_LINKER_KEYS_H_
#define RECKON_LINKAGE_LINKER_KEYS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "linkage/base/exec.h"
#include "linkage/block/blocker.h"
#include "linkage/linker/config.h"
#include "linkage/linker/prepared.h"

namespace reckon {

// A 64-bit hash of `text` that never changes between builds or machines.
uint64_t StableHash(std::string_view text, uint64_t seed = 0);

// The values of one key part for `record`: none if the field is missing,
// several for per-token name transforms.
std::vector<std::string> KeyPartValues(const PreparedRecords& prepared,
                                       size_t record, const KeyPartSpec& part);

// Every candidate key (not training-only) of `record` as (key name, value),
// for explanations.
std::vector<std::pair<std::string, std::string>> RecordKeys(
    const PreparedRecords& prepared, size_t record, const LinkerConfig& config);

// Which keys MakeKeyEntries makes entries for: candidate keys (neither
// training-only nor conditional on a missing field), training-only keys,
// or keys conditional on a missing field (BlockingKeySpec::when_missing).
enum class KeyUse { kCandidates, kTrainingOnly, kWhenMissing };

// Key entries of all records for the keys of `use`, ready for
// BlockIndex::Build (kind = index of the key in config.blocking_keys).
// Deterministic; parallel over records.
absl::StatusOr<std::vector<KeyEntry>> MakeKeyEntries(
    const PreparedRecords& prepared, const LinkerConfig& config,
    const ExecOptions& exec, KeyUse use = KeyUse::kCandidates);

// The hash of key `kind` with value `value`, as used in the entries.
uint64_t KeyHash(size_t kind, std::string_view value);

}  // namespace reckon

#endif  // RECKON_LINKAGE_LINKER_KEYS_H_
