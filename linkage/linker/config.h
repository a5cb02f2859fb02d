// The linker's configuration as plain C++: which fields are compared and
// how, which blocking keys make candidate pairs, and the thresholds.
// service/ builds it from a LinkageConfig text proto (proto/reckon/v1/
// config.proto); DefaultLinkerConfig() is what the canonical schema gets
// when no config is given.
#ifndef RECKON_LINKAGE_LINKER_CONFIG_H_
#define RECKON_LINKAGE_LINKER_CONFIG_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "linkage/base/record.h"
#include "linkage/compare/date_compare.h"
#include "linkage/score/em.h"

namespace reckon {

// A canonical field, every name token of a record ("any name": given name,
// surname and full name together), or an extra column by name.
struct FieldRef {
  enum class Kind { kField, kAnyName, kColumn };
  Kind kind = Kind::kField;
  Field field = Field::kSurname;
  std::string column;

  static FieldRef Of(Field f) { return {Kind::kField, f, ""}; }
  static FieldRef AnyName() { return {Kind::kAnyName, Field::kSurname, ""}; }
  static FieldRef Column(std::string name) {
    return {Kind::kColumn, Field::kSurname, std::move(name)};
  }
  std::string Name() const;
  bool IsNameField() const;  // given name, surname, patronymic, full name
};

enum class ComparatorKind {
  kName,      // normalized name tokens, order-free, cross-script
  kString,    // exact, then edit distance bounds
  kDate,      // exact, day/month swapped, same year-month, year +-1, same year
  kPassport,  // exact, one edit, prefix or suffix
  kExact,     // equal or not (sex, nationality, codes)
};

struct ComparisonSpec {
  std::string name;  // shown in model.json and explanations
  FieldRef field;
  ComparatorKind kind = ComparatorKind::kName;
  // kName: similarity floors of the "close" and "similar" levels.
  std::vector<double> similarity_levels = {0.92, 0.80};
  // kString: edits allowed at the "near" level.
  int max_edits = 2;
  // Rare values count for more when they agree exactly.
  bool term_frequency_adjust = false;
  // kDate: which pairs of dates this comparison covers (the others count
  // as missing for it).
  DateScope date_scope = DateScope::kAll;
};

enum class KeyTransform {
  kExact,         // the normalized value
  kPhonetic,      // one key per name token: its phonetic code
  kPhoneticPair,  // one key per pair of name tokens: both codes, sorted
  kSkeleton,      // one key per name token: its consonant skeleton
  kSkeletonPair,  // one key per pair of name tokens: both skeletons, sorted
  kSortedTokens,  // the name's tokens sorted
  kYear,          // year of a date
  kYearMonth,     // year and month of a date
  kMonthDay,      // month and day of a complete date (meets a wrong year)
  kMonth,         // month of a date whose month is known
  kPrefix,        // the first `length` characters of the normalized value
};

struct KeyPartSpec {
  FieldRef field;
  KeyTransform transform = KeyTransform::kExact;
  int length = 0;  // kPrefix only
};

// Records that agree on every part of a key meet. A part with several
// values (one per name token) gives one key per combination.
struct BlockingKeySpec {
  std::string name;
  std::vector<KeyPartSpec> parts;
  // Whether training runs an EM session on this key's pairs (training.h);
  // such a session trains only the comparisons the key leaves free. Its
  // pairs also join the joint session, whose m stands for comparisons no
  // key session trains.
  bool train = true;
  // A key used only to find training pairs, never candidates: its blocks may
  // be large (same names, any birth date) since only a sample of their pairs
  // is compared. Such a key lets EM see matches whose birth dates disagree,
  // which keys fixing the birth year hide.
  bool training_only = false;
  // Blocks of this key with more records are dropped (0: the config's
  // max_block_size). Broad keys that only add recall (one name and a birth
  // month) get a small cap, so that as registers grow their blocks of
  // namesakes are dropped rather than compared in full.
  size_t max_block_size = 0;
  // When set, the key pairs only records of which at least one lacks this
  // field: a fallback for records every other key misses (no birth date),
  // too broad to pair everyone. Not trained on.
  std::optional<FieldRef> when_missing;
};

enum class LinkMode { kDedupeAndLink, kLinkOnly, kDedupeOnly };

// Whether `mode` lets records of sources `source_a` and `source_b` pair.
inline bool PairAllowed(LinkMode mode, uint16_t source_a, uint16_t source_b) {
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

struct LinkerConfig {
  std::vector<ComparisonSpec> comparisons;
  std::vector<BlockingKeySpec> blocking_keys;
  LinkMode mode = LinkMode::kDedupeAndLink;
  size_t max_block_size = 1000;
  // The cap on key `k`'s blocks: its own max_block_size, else the above.
  size_t MaxBlockSize(size_t k) const {
    const size_t own = blocking_keys[k].max_block_size;
    return own != 0 ? own : max_block_size;
  }
  // Link pairs whose match weight reaches this. Unset: the weight at which
  // the match probability reaches `link_probability`.
  std::optional<double> link_threshold;
  double link_probability = 0.5;
  // Sources known to hold no duplicates: at most one record of each per
  // entity.
  std::vector<std::string> duplicate_free_sources;
  // Refuse merges that would make an entity larger than this (0: no limit).
  // Six registers with a few duplicates each give entities of ten or so;
  // far larger ones are chains through common names, not people.
  size_t max_entity_size = 50;
  // Forbid merging records whose sex and birth date both disagree.
  bool guard_sex_and_birth_date = true;
  // Weigh each pair with the prior of its two sources (LinkResult::
  // source_pair_prior) rather than one prior for all pairs.
  bool source_pair_priors = true;
  // Refuse to merge two clusters when some record of one and some record of
  // the other have a match probability below this: strong evidence that
  // they are different people, whatever links lead between them (0: off).
  double min_cross_pair_probability = 1e-3;
  // Refuse to merge two clusters unless the match probabilities of their
  // cross pairs (every record of one against every record of the other)
  // average at least this (0: off). One strong link between two people who
  // share a surname and a birthday should not join them when most of
  // their records disagree on the given name (average linkage, as in
  // dedupe's hierarchical clustering).
  double min_mean_cross_pair_probability = 0.5;
  EmOptions em;
  // Random pairs drawn to estimate u, at most (small inputs draw
  // max(200,000, 20 per record)).
  size_t u_sample_pairs = 1'000'000;
  // Pairs sampled from the blocks of training-only keys, at most; and the
  // largest such block sampled from (larger ones are skipped).
  size_t training_sample_pairs = 2'000'000;
  size_t max_training_block_size = 50'000;
  uint64_t seed = 20240611;
  // Pairs with at least this match probability are returned in the result
  // (for audit and linkage-uncertainty estimates).
  double keep_pair_probability = 0.01;
};

// The defaults for the canonical schema (DESIGN.md).
LinkerConfig DefaultLinkerConfig();

// Checks the config: names unique, fields usable by their comparator,
// keys non-empty, thresholds in range. kInvalidArgument names the offender.
absl::Status ValidateLinkerConfig(const LinkerConfig& config);

}  // namespace reckon

#endif  // RECKON_LINKAGE_LINKER_CONFIG_H_
