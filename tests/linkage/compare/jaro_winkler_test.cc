#include "linkage/compare/jaro_winkler.h"

#include <cstddef>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "linkage/compare/reference/reference.h"
#include "tests/linkage/compare/random_strings.h"

namespace reckon {
namespace {

struct Published {
  const char* a;
  const char* b;
  double jaro;
  double jaro_winkler;
};

// Winkler (1990), "String comparator metrics and enhanced decision rules in
// the Fellegi-Sunter model of record linkage", table of Jaro and
// Jaro-Winkler values, and the examples of Winkler (1994/2006) that are
// widely quoted (MARTHA/MARHTA, DWAYNE/DUANE, DIXON/DICKSONX). Rows printed
// there as 0.000 (HARDIN/MARTINEZ, ITMAN/SMITH, JON/JAN) come from the
// strcmp95 variant's extra rules and are left out.
const Published kPublished[] = {
    {"SHACKLEFORD", "SHACKELFORD", 0.970, 0.982},
    {"DUNNINGHAM", "CUNNIGHAM", 0.896, 0.896},
    {"NICHLESON", "NICHULSON", 0.926, 0.956},
    {"JONES", "JOHNSON", 0.790, 0.832},
    {"MASSEY", "MASSIE", 0.889, 0.933},
    {"ABROMS", "ABRAMS", 0.889, 0.922},
    {"JERALDINE", "GERALDINE", 0.926, 0.926},
    {"MARHTA", "MARTHA", 0.944, 0.961},
    {"MICHELLE", "MICHAEL", 0.869, 0.921},
    {"JULIES", "JULIUS", 0.889, 0.933},
    {"TANYA", "TONYA", 0.867, 0.880},
    {"DWAYNE", "DUANE", 0.822, 0.840},
    {"SEAN", "SUSAN", 0.783, 0.805},
    {"JON", "JOHN", 0.917, 0.933},
    {"DIXON", "DICKSONX", 0.767, 0.813},
};

TEST(JaroWinklerTest, MatchesWinklersPublishedValues) {
  for (const Published& row : kPublished) {
    SCOPED_TRACE(std::string(row.a) + " / " + row.b);
    EXPECT_NEAR(Jaro(row.a, row.b), row.jaro, 0.0005);
    EXPECT_NEAR(JaroWinkler(row.a, row.b), row.jaro_winkler, 0.0005);
    EXPECT_NEAR(JaroWinkler(row.b, row.a), row.jaro_winkler, 0.0005);
    EXPECT_NEAR(CachedJaroWinkler(row.a).Similarity(row.b),
                row.jaro_winkler, 0.0005);
  }
}

TEST(JaroWinklerTest, HandComputedMarthaExactly) {
  // m = 6, t = 1: Jaro = (1 + 1 + 5/6) / 3 = 17/18; prefix MAR (3):
  // JW = 17/18 + 3 * 0.1 * (1/18) = 0.96111...
  EXPECT_DOUBLE_EQ(Jaro("MARTHA", "MARHTA"), 17.0 / 18.0);
  EXPECT_NEAR(JaroWinkler("MARTHA", "MARHTA"), 17.0 / 18.0 + 0.3 / 18.0,
              1e-12);
}

TEST(JaroWinklerTest, EmptyAndIdenticalStrings) {
  EXPECT_EQ(Jaro("", ""), 1.0);
  EXPECT_EQ(JaroWinkler("", "abc"), 0.0);
  EXPECT_EQ(JaroWinkler("abc", ""), 0.0);
  EXPECT_EQ(JaroWinkler("abc", "abc"), 1.0);
  EXPECT_EQ(JaroWinkler("abc", "xyz"), 0.0);
  EXPECT_EQ(CachedJaroWinkler("").Similarity(""), 1.0);
  EXPECT_EQ(CachedJaroWinkler("abc").Similarity(""), 0.0);
}

TEST(JaroWinklerTest, CountsCodePointsNotBytes) {
  // Məmmədov / Mammadov: 8 code points each, window 3, matches M m m d o v
  // (6), no transpositions: Jaro = (6/8 + 6/8 + 1) / 3 = 5/6; prefix "M":
  // JW = 5/6 + 0.1 * (1/6) = 0.85.
  EXPECT_NEAR(Jaro("Məmmədov", "Mammadov"), 5.0 / 6.0, 1e-12);
  EXPECT_NEAR(JaroWinkler("Məmmədov", "Mammadov"), 0.85, 1e-12);
  EXPECT_NEAR(CachedJaroWinkler("Məmmədov").Similarity("Mammadov"), 0.85,
              1e-12);
  EXPECT_NEAR(CachedJaroWinkler("Mammadov").Similarity("Məmmədov"), 0.85,
              1e-12);
  EXPECT_EQ(JaroWinkler("Мамедов", "Мамедов"), 1.0);
  // Мамедов / Мамедова: m = 7 of 7 and 8, t = 0: Jaro = (1 + 7/8 + 1) / 3,
  // prefix 4: JW = J + 0.4 (1 - J).
  const double jaro = (1.0 + 7.0 / 8.0 + 1.0) / 3.0;
  EXPECT_NEAR(JaroWinkler("Мамедов", "Мамедова"), jaro + 0.4 * (1 - jaro),
              1e-12);
}

TEST(JaroWinklerTest, NoBoostAtOrBelowThreshold) {
  // CRATE / TRACE: Jaro = 0.7333 > 0.7 but no common prefix.
  EXPECT_NEAR(JaroWinkler("CRATE", "TRACE"), 0.7333, 0.0001);
  // ABCD / ABXY: m = 2, Jaro = (0.5 + 0.5 + 1) / 3 = 0.667 <= 0.7: no boost.
  EXPECT_NEAR(JaroWinkler("ABCD", "ABXY"), 2.0 / 3.0, 1e-12);
}

TEST(JaroWinklerTest, CutoffReturnsZeroBelowAndExactValueAbove) {
  const double full = JaroWinkler("DWAYNE", "DUANE");
  EXPECT_EQ(JaroWinkler("DWAYNE", "DUANE", 0.9), 0.0);
  EXPECT_EQ(JaroWinkler("DWAYNE", "DUANE", 0.8), full);
  EXPECT_EQ(JaroWinkler("DWAYNE", "DUANE", full), full);
  EXPECT_EQ(CachedJaroWinkler("DWAYNE").Similarity("DUANE", 0.9), 0.0);
  EXPECT_EQ(CachedJaroWinkler("DWAYNE").Similarity("DUANE", 0.8), full);
}

void ExpectAgreesWithReference(const std::string& a, const std::string& b,
                               double cutoff) {
  const double jaro = reference::Jaro(a, b);
  const double jw = reference::JaroWinkler(a, b, 0.1);
  const double jw2 = reference::JaroWinkler(a, b, 0.2);
  EXPECT_DOUBLE_EQ(Jaro(a, b), jaro) << a << " / " << b;
  EXPECT_DOUBLE_EQ(JaroWinkler(a, b), jw) << a << " / " << b;
  EXPECT_DOUBLE_EQ(JaroWinkler(b, a), jw) << a << " / " << b;
  EXPECT_DOUBLE_EQ(JaroWinkler(a, b, 0.0, 0.2), jw2) << a << " / " << b;
  const CachedJaroWinkler cached(a);
  EXPECT_DOUBLE_EQ(cached.Similarity(b), jw) << a << " / " << b;
  // With a cutoff: the exact value at or above it, 0 below. Values within
  // rounding of the cutoff could go either way and are not judged.
  if (std::abs(jw - cutoff) > 1e-9) {
    const double expected = jw >= cutoff ? jw : 0.0;
    EXPECT_DOUBLE_EQ(JaroWinkler(a, b, cutoff), expected)
        << a << " / " << b << " cutoff " << cutoff;
    EXPECT_DOUBLE_EQ(cached.Similarity(b, cutoff), expected)
        << a << " / " << b << " cutoff " << cutoff;
  }
}

TEST(JaroWinklerTest, AgreesWithReferenceOnRandomAsciiStrings) {
  std::mt19937 rng(12345);
  const std::vector<std::string> alphabet = {"a", "b", "c", "d", "e"};
  std::uniform_real_distribution<double> cutoff(0.0, 1.0);
  for (int n = 0; n < 4000; ++n) {
    const size_t max_length = n % 10 == 0 ? 90 : 14;
    const std::string a = testing_util::RandomString(rng, alphabet, max_length);
    const std::string b =
        n % 3 == 0 ? testing_util::Mutate(rng, alphabet, a)
                   : testing_util::RandomString(rng, alphabet, max_length);
    ExpectAgreesWithReference(a, b, cutoff(rng));
  }
}

TEST(JaroWinklerTest, AgreesWithReferenceOnRandomMultibyteStrings) {
  std::mt19937 rng(678);
  // Cyrillic, Azerbaijani Latin, Han, Georgian, a 4-byte emoji and ASCII.
  const std::vector<std::string> alphabet = {"а", "м", "е", "ə", "ş", "王",
                                             "明", "ა", "😀", "a", "m", "e"};
  std::uniform_real_distribution<double> cutoff(0.0, 1.0);
  for (int n = 0; n < 4000; ++n) {
    const size_t max_length = n % 10 == 0 ? 80 : 14;
    const std::string a = testing_util::RandomString(rng, alphabet, max_length);
    const std::string b =
        n % 3 == 0 ? testing_util::Mutate(rng, alphabet, a)
                   : testing_util::RandomString(rng, alphabet, max_length);
    ExpectAgreesWithReference(a, b, cutoff(rng));
  }
}

TEST(JaroWinklerTest, CachedIsSafeFromSeveralThreads) {
  std::mt19937 rng(99);
  const std::vector<std::string> alphabet = {"a", "b", "ə", "м", "c"};
  std::vector<std::string> candidates;
  for (int n = 0; n < 500; ++n) {
    candidates.push_back(testing_util::RandomString(rng, alphabet, 12));
  }
  const CachedJaroWinkler cached("abəмcab");
  std::vector<int> disagreements(4, 0);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < disagreements.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (const std::string& candidate : candidates) {
          if (cached.Similarity(candidate, 0.5) !=
              JaroWinkler("abəмcab", candidate, 0.5)) {
            ++disagreements[t];
          }
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_THAT(disagreements, ::testing::Each(0));
}

}  // namespace
}  // namespace reckon
