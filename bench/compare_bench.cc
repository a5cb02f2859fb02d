// Throughput of the comparators and value parsers: the inner loop of
// scoring (every candidate pair runs several of these) and of ingest.
//
//   build/<dir>/bench/compare_bench --benchmark_counters_tabular=true
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "benchmark/benchmark.h"
#include "linkage/compare/date_compare.h"
#include "linkage/compare/jaro_winkler.h"
#include "linkage/compare/levenshtein.h"
#include "linkage/compare/passport.h"
#include "linkage/compare/token_similarity.h"
#include "linkage/ingest/dates.h"
#include "linkage/ingest/nationality.h"

namespace {

constexpr size_t kPool = 4096;

// A pronounceable ASCII name of exactly `length` letters.
std::string RandomName(std::mt19937& rng, size_t length) {
  static const char kConsonants[] = "bcdfghjklmnprstvyz";
  static const char kVowels[] = "aeiou";
  std::uniform_int_distribution<size_t> consonant(0, sizeof(kConsonants) - 2);
  std::uniform_int_distribution<size_t> vowel(0, sizeof(kVowels) - 2);
  std::string name;
  for (size_t i = 0; i < length; ++i) {
    name.push_back(i % 2 == 0 ? kConsonants[consonant(rng)]
                              : kVowels[vowel(rng)]);
  }
  return name;
}

// `name` with one or two substitutions or an adjacent swap: the spelling
// variants that blocking puts side by side.
std::string Variant(std::mt19937& rng, std::string name) {
  std::uniform_int_distribution<size_t> position(0, name.size() - 1);
  std::uniform_int_distribution<int> kind(0, 2);
  switch (kind(rng)) {
    case 0:
      name[position(rng)] = 'x';
      break;
    case 1:
      name[position(rng)] = 'q';
      name[position(rng)] = 'w';
      break;
    default: {
      const size_t p = position(rng);
      if (p + 1 < name.size()) std::swap(name[p], name[p + 1]);
      break;
    }
  }
  return name;
}

// Pairs of names of `length` letters: half spelling variants of each other,
// half unrelated names, as candidate pairs from blocking are.
std::vector<std::pair<std::string, std::string>> NamePairs(size_t length,
                                                           uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::pair<std::string, std::string>> pairs;
  for (size_t i = 0; i < kPool; ++i) {
    std::string a = RandomName(rng, length);
    std::string b = i % 2 == 0 ? Variant(rng, a) : RandomName(rng, length);
    pairs.emplace_back(std::move(a), std::move(b));
  }
  return pairs;
}

void BM_JaroWinkler_Plain(benchmark::State& state) {
  const auto pairs = NamePairs(static_cast<size_t>(state.range(0)), 1);
  size_t i = 0;
  for (auto _ : state) {
    const auto& [a, b] = pairs[i++ % kPool];
    benchmark::DoNotOptimize(reckon::JaroWinkler(a, b));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_JaroWinkler_Plain)->Arg(4)->Arg(8)->Arg(16)->Arg(32);

void BM_JaroWinkler_PlainCutoff(benchmark::State& state) {
  const auto pairs = NamePairs(static_cast<size_t>(state.range(0)), 1);
  size_t i = 0;
  for (auto _ : state) {
    const auto& [a, b] = pairs[i++ % kPool];
    benchmark::DoNotOptimize(reckon::JaroWinkler(a, b, 0.85));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_JaroWinkler_PlainCutoff)->Arg(8)->Arg(16);

void BM_JaroWinkler_Cached(benchmark::State& state) {
  const auto pairs = NamePairs(static_cast<size_t>(state.range(0)), 2);
  // One query against the pool, as a record against its block.
  const reckon::CachedJaroWinkler query(pairs[0].first);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(query.Similarity(pairs[i++ % kPool].second));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_JaroWinkler_Cached)->Arg(4)->Arg(8)->Arg(16)->Arg(32);

// Multi-byte names (Azerbaijani Latin and Cyrillic): the code point path.
const std::vector<std::pair<std::string, std::string>>& Utf8Pairs() {
  static const auto* const kPairs =
      new std::vector<std::pair<std::string, std::string>>{
          {"məmmədov", "mamedov"},   {"hüseynov", "гусейнов"},
          {"əliyev", "алиев"},       {"quliyev", "гулиев"},
          {"иванов", "иваненко"},    {"rəşad", "рашад"},
          {"şəkərov", "шакаров"},    {"nəsirli", "насирли"},
      };
  return *kPairs;
}

void BM_JaroWinkler_Utf8Plain(benchmark::State& state) {
  const auto& pairs = Utf8Pairs();
  size_t i = 0;
  for (auto _ : state) {
    const auto& [a, b] = pairs[i++ % pairs.size()];
    benchmark::DoNotOptimize(reckon::JaroWinkler(a, b));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_JaroWinkler_Utf8Plain);

void BM_JaroWinkler_Utf8Cached(benchmark::State& state) {
  const auto& pairs = Utf8Pairs();
  const reckon::CachedJaroWinkler query("məmmədov");
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        query.Similarity(pairs[i++ % pairs.size()].second));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_JaroWinkler_Utf8Cached);

void BM_OsaDistance_Bound2(benchmark::State& state) {
  const auto pairs = NamePairs(static_cast<size_t>(state.range(0)), 3);
  size_t i = 0;
  for (auto _ : state) {
    const auto& [a, b] = pairs[i++ % kPool];
    benchmark::DoNotOptimize(reckon::OsaDistance(a, b, 2));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OsaDistance_Bound2)->Arg(4)->Arg(8)->Arg(16)->Arg(32);

void BM_TokenSetSimilarity(benchmark::State& state) {
  const auto tokens = static_cast<size_t>(state.range(0));
  std::mt19937 rng(4);
  std::uniform_int_distribution<size_t> length(4, 9);
  std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>>
      names;
  for (size_t n = 0; n < 1024; ++n) {
    std::vector<std::string> a;
    std::vector<std::string> b;
    for (size_t t = 0; t < tokens; ++t) {
      a.push_back(RandomName(rng, length(rng)));
      b.push_back(n % 2 == 0 ? Variant(rng, a.back())
                             : RandomName(rng, length(rng)));
    }
    if (n % 4 == 0) std::swap(b.front(), b.back());  // reordered name
    if (n % 8 == 1) b.pop_back();                    // a token missing
    names.emplace_back(std::move(a), std::move(b));
  }
  size_t i = 0;
  for (auto _ : state) {
    const auto& [a, b] = names[i++ % names.size()];
    benchmark::DoNotOptimize(reckon::TokenSetSimilarity(a, b));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TokenSetSimilarity)->Arg(2)->Arg(3);

void BM_CompareDates(benchmark::State& state) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> year(1950, 2005);
  std::uniform_int_distribution<int> month(1, 12);
  std::uniform_int_distribution<int> day(1, 28);
  std::vector<reckon::PartialDate> dates;
  for (size_t n = 0; n < kPool; ++n) {
    dates.push_back({year(rng), month(rng), day(rng)});
  }
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        reckon::CompareDates(dates[i % kPool], dates[(i * 7 + 1) % kPool]));
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CompareDates);

void BM_ComparePassports(benchmark::State& state) {
  std::mt19937 rng(6);
  std::uniform_int_distribution<int> digit(0, 9);
  std::vector<std::string> numbers;
  for (size_t n = 0; n < kPool; ++n) {
    std::string number = "C";
    for (int d = 0; d < 8; ++d) number.push_back(static_cast<char>('0' + digit(rng)));
    numbers.push_back(number);
  }
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(reckon::ComparePassports(
        numbers[i % kPool], numbers[(i * 7 + 1) % kPool]));
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ComparePassports);

void BM_ParseDate(benchmark::State& state) {
  const std::vector<std::string> texts = {
      "1985-03-12", "12.03.1985", "12/03/1985", "19850312",
      "1985-03",    "03.1985",    "1985",       "1985-03-12T10:30:00Z",
      "2.3.1985",   "03/25/1990"};
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(reckon::ParseDate(texts[i++ % texts.size()]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseDate);

void BM_NationalityToAlpha3(benchmark::State& state) {
  // ASCII codes and names take the fast path; the others go through ICU.
  const std::vector<std::string> ascii = {"TUR", "ge", "Russia", "IRN",
                                          "India", "China", "UZB", "Pakistan"};
  const std::vector<std::string> unicode = {"Türkiyə", "Gürcüstan", "Россия",
                                            "İran", "Hindistan", "Китай",
                                            "Özbəkistan", "Пакистан"};
  const auto& texts = state.range(0) == 0 ? ascii : unicode;
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        reckon::NationalityToAlpha3(texts[i++ % texts.size()]));
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(state.range(0) == 0 ? "ascii" : "non-ascii");
}
BENCHMARK(BM_NationalityToAlpha3)->Arg(0)->Arg(1);

}  // namespace

BENCHMARK_MAIN();
