// Edit distance of names: optimal string alignment (OSA), the restricted
// Damerau-Levenshtein distance in which insertions, deletions, substitutions
// and transpositions of two adjacent characters each cost 1 and no substring
// is edited more than once (so OSA("ca", "abc") is 3, not 2).
//
// Inputs are UTF-8; distances count code points ("Məmmədov" vs "Mammadov"
// is 2), on bytes when both inputs are ASCII.
//
//   OsaDistance("Mammadov", "Mamamdov", 2)  -> 1   (one transposition)
//   OsaDistance("Aliyev", "Hasanov", 2)     -> 3   (bound exceeded: 2 + 1)
#ifndef RECKON_LINKAGE_COMPARE_LEVENSHTEIN_H_
#define RECKON_LINKAGE_COMPARE_LEVENSHTEIN_H_

#include <string_view>

namespace reckon {

// Returns the OSA distance of `a` and `b` if it is at most `max_distance`,
// and `max_distance + 1` otherwise, as soon as that is certain. Only the
// diagonal band of width 2 * max_distance + 1 of the dynamic programme is
// computed, after the common prefix and suffix are set aside: O(k * n) time
// for k = max_distance and n characters, O(n) space (none allocated for
// strings of up to 64 characters). REQUIRES: max_distance >= 0.
int OsaDistance(std::string_view a, std::string_view b, int max_distance);

// Returns 1 - OsaDistance(a, b) / max(|a|, |b|) in code points: 1 for equal
// strings (also both empty), 0 when nothing is shared. O(n^2) at worst.
double OsaSimilarity(std::string_view a, std::string_view b);

}  // namespace reckon

#endif  // RECKON_LINKAGE_COMPARE_LEVENSHTEIN_H_
