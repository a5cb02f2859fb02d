// Measures the name library on our own table of name variants
// (tests/data/names/variants.tsv): how often two spellings of one name share
// a blocking key, how rarely two different names share the phonetic key,
// and how much closer variants are than different names in the comparison
// form. The figures are printed so they can be recorded in bench/RESULTS.md.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "linkage/normalize/name_forms.h"

namespace reckon {
namespace {

// Jaro-Winkler similarity (Winkler 1990), written here for the measurement
// only; the comparators proper live in linkage/compare. Prefix scale 0.1,
// prefix up to 4.
double JaroWinkler(const std::string& a, const std::string& b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  const int la = static_cast<int>(a.size());
  const int lb = static_cast<int>(b.size());
  const int window = std::max(0, std::max(la, lb) / 2 - 1);
  std::vector<bool> matched_a(a.size()), matched_b(b.size());
  int matches = 0;
  for (int i = 0; i < la; ++i) {
    for (int j = std::max(0, i - window); j < std::min(lb, i + window + 1);
         ++j) {
      if (matched_b[j] || a[i] != b[j]) continue;
      matched_a[i] = matched_b[j] = true;
      ++matches;
      break;
    }
  }
  if (matches == 0) return 0.0;
  int transpositions = 0;
  for (int i = 0, k = 0; i < la; ++i) {
    if (!matched_a[i]) continue;
    while (!matched_b[k]) ++k;
    if (a[i] != b[k]) ++transpositions;
    ++k;
  }
  const double m = matches;
  const double jaro =
      (m / la + m / lb + (m - transpositions / 2.0) / m) / 3.0;
  int prefix = 0;
  while (prefix < std::min({4, la, lb}) && a[prefix] == b[prefix]) ++prefix;
  return jaro + prefix * 0.1 * (1.0 - jaro);
}

TEST(JaroWinklerForTest, KnownValues) {
  // Winkler's examples: MARTHA/MARHTA 0.961, DWAYNE/DUANE 0.84,
  // DIXON/DICKSONX 0.813.
  EXPECT_NEAR(JaroWinkler("martha", "marhta"), 0.961, 0.001);
  EXPECT_NEAR(JaroWinkler("dwayne", "duane"), 0.840, 0.001);
  EXPECT_NEAR(JaroWinkler("dixon", "dicksonx"), 0.813, 0.001);
}

std::string Joined(std::vector<std::string> keys) {
  std::sort(keys.begin(), keys.end());
  return absl::StrJoin(keys, " ");
}

// Name-level keys, the way a blocker would use them on a whole name field:
// the sorted per-token phonetic codes, the sorted skeletons, sorted tokens.
bool SharePhonetic(const NameForms& a, const NameForms& b) {
  return !a.tokens.empty() && Joined(a.phonetic) == Joined(b.phonetic);
}
bool ShareAnyKey(const NameForms& a, const NameForms& b) {
  if (a.tokens.empty()) return false;
  return SharePhonetic(a, b) || Joined(a.skeleton) == Joined(b.skeleton) ||
         a.sorted_tokens == b.sorted_tokens;
}

struct Table {
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  std::vector<std::pair<std::string, std::string>> different;
};

Table ReadTable() {
  Table table;
  std::ifstream in(std::string(RECKON_SOURCE_DIR) +
                   "/tests/data/names/variants.tsv");
  EXPECT_TRUE(in.good());
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields = absl::StrSplit(line, '\t');
    EXPECT_GE(fields.size(), 4u) << line;
    if (fields.size() < 4) continue;
    if (fields[0] == "V") {
      table.groups.emplace_back(
          fields[1], std::vector<std::string>(fields.begin() + 2, fields.end()));
    } else if (fields[0] == "D") {
      EXPECT_EQ(fields.size(), 4u) << line;
      table.different.emplace_back(fields[2], fields[3]);
    } else {
      ADD_FAILURE() << "unknown row kind: " << line;
    }
  }
  return table;
}

TEST(NameTableTest, VariantsShareKeysDifferentNamesMostlyDoNot) {
  auto normalizer = NameNormalizer::Create();
  ASSERT_TRUE(normalizer.ok()) << normalizer.status();
  const Table table = ReadTable();
  ASSERT_GE(table.groups.size(), 300u);
  ASSERT_GE(table.different.size(), 100u);
  std::map<std::string, int> groups_by_nationality;
  for (const auto& [nationality, names] : table.groups) {
    ++groups_by_nationality[nationality];
  }
  EXPECT_GE(groups_by_nationality.size(), 15u);

  auto forms_of = [&](const std::string& raw) {
    absl::StatusOr<NameForms> forms = (*normalizer)->Normalize(raw);
    EXPECT_TRUE(forms.ok()) << raw << ": " << forms.status();
    return forms.ok() ? *forms : NameForms{};
  };
  int variant_pairs = 0, sharing = 0, sharing_phonetic = 0;
  double variant_similarity = 0;
  for (const auto& [nationality, names] : table.groups) {
    std::vector<NameForms> forms;
    for (const std::string& name : names) forms.push_back(forms_of(name));
    for (size_t i = 0; i < forms.size(); ++i) {
      for (size_t j = i + 1; j < forms.size(); ++j) {
        ++variant_pairs;
        sharing += ShareAnyKey(forms[i], forms[j]);
        sharing_phonetic += SharePhonetic(forms[i], forms[j]);
        variant_similarity +=
            JaroWinkler(forms[i].comparison, forms[j].comparison);
      }
    }
  }
  int different_pairs = 0, different_phonetic = 0, different_any = 0;
  double different_similarity = 0;
  for (const auto& [a, b] : table.different) {
    const NameForms fa = forms_of(a);
    const NameForms fb = forms_of(b);
    ++different_pairs;
    different_phonetic += SharePhonetic(fa, fb);
    different_any += ShareAnyKey(fa, fb);
    different_similarity += JaroWinkler(fa.comparison, fb.comparison);
  }
  const double share = sharing / static_cast<double>(variant_pairs);
  const double collide =
      different_phonetic / static_cast<double>(different_pairs);
  const double mean_variant = variant_similarity / variant_pairs;
  const double mean_different = different_similarity / different_pairs;
  std::cout << "groups " << table.groups.size() << " in "
            << groups_by_nationality.size() << " nationalities, variant pairs "
            << variant_pairs << ", different pairs " << different_pairs
            << "\nvariant pairs sharing a key " << share
            << " (phonetic alone "
            << sharing_phonetic / static_cast<double>(variant_pairs) << ")"
            << "\ndifferent pairs sharing the phonetic key " << collide
            << " (any key "
            << different_any / static_cast<double>(different_pairs) << ")"
            << "\nmean comparison-form Jaro-Winkler: variants "
            << mean_variant << ", different names " << mean_different << "\n";
  EXPECT_GE(share, 0.98);
  EXPECT_LE(collide, 0.10);
  EXPECT_GE(mean_variant, 0.90);
  EXPECT_GE(mean_variant - mean_different, 0.10);
}

}  // namespace
}  // namespace reckon
