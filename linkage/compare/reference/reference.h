// Slow, obviously correct versions of the comparators, for tests only: the
// textbook definitions on code points with full tables and no shortcuts.
// The fast versions in linkage/compare must agree with these exactly.
#ifndef RECKON_LINKAGE_COMPARE_REFERENCE_REFERENCE_H_
#define RECKON_LINKAGE_COMPARE_REFERENCE_REFERENCE_H_

#include <string>
#include <string_view>

namespace reckon::reference {

// Decodes valid UTF-8. REQUIRES: `text` is valid UTF-8.
std::u32string DecodeUtf8(std::string_view text);

// Jaro similarity by the definition in linkage/compare/jaro_winkler.h.
double Jaro(std::string_view a, std::string_view b);

// Jaro-Winkler with boost threshold 0.7 and a prefix of at most 4.
double JaroWinkler(std::string_view a, std::string_view b,
                   double prefix_scale = 0.1);

// Optimal string alignment distance by the full dynamic programme.
int OsaDistance(std::string_view a, std::string_view b);

}  // namespace reckon::reference

#endif  // RECKON_LINKAGE_COMPARE_REFERENCE_REFERENCE_H_
