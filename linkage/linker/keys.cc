#include "linkage/linker/keys.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "linkage/base/status_macros.h"
#include "tbb/blocked_range.h"
#include "tbb/enumerable_thread_specific.h"
#include "tbb/parallel_for.h"

namespace reckon {
namespace {

// Records with more key combinations than this for one key keep only the
// first ones: a name with ten tokens should not flood the blocks.
constexpr size_t kMaxValuesPerKey = 64;
constexpr size_t kMaxTokensForPairs = 6;
constexpr char kPartSeparator = '\x1f';

uint64_t Mix(uint64_t x) {
  // The finalizer of splitmix64 (Steele, Lea and Flood 2014).
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

std::vector<uint32_t> NameTokens(const PreparedRecords& prepared, size_t record,
                                 const FieldRef& field) {
  if (field.kind == FieldRef::Kind::kAnyName) {
    return prepared.AnyNameTokens(record);
  }
  std::span<const uint32_t> tokens = prepared.Names(field.field).Tokens(record);
  return {tokens.begin(), tokens.end()};
}

std::string Utf8Prefix(const std::string& value, int length) {
  size_t bytes = 0;
  int chars = 0;
  while (bytes < value.size() && chars < length) {
    ++bytes;
    while (bytes < value.size() &&
           (static_cast<unsigned char>(value[bytes]) & 0xC0) == 0x80) {
      ++bytes;
    }
    ++chars;
  }
  return value.substr(0, bytes);
}

}  // namespace

uint64_t StableHash(std::string_view text, uint64_t seed) {
  uint64_t h = Mix(seed ^ 0x9e3779b97f4a7c15ULL ^ text.size());
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    h = Mix(h ^ word);
  }
  uint64_t tail = 0;
  std::memcpy(&tail, text.data() + i, text.size() - i);
  return Mix(h ^ tail ^ (static_cast<uint64_t>(text.size() - i) << 56));
}

uint64_t KeyHash(size_t kind, std::string_view value) {
  return StableHash(value, static_cast<uint64_t>(kind) + 1);
}

std::vector<std::string> KeyPartValues(const PreparedRecords& prepared,
                                       size_t record, const KeyPartSpec& part) {
  std::vector<std::string> values;
  if (part.field.IsNameField()) {
    const std::vector<uint32_t> tokens = NameTokens(prepared, record, part.field);
    if (tokens.empty()) return values;
    switch (part.transform) {
      case KeyTransform::kPhonetic:
      case KeyTransform::kSkeleton:
        for (uint32_t id : tokens) {
          const std::string& code = part.transform == KeyTransform::kPhonetic
                                        ? prepared.tokens.phonetic(id)
                                        : prepared.tokens.skeleton(id);
          if (!code.empty()) values.push_back(code);
        }
        break;
      case KeyTransform::kPhoneticPair:
      case KeyTransform::kSkeletonPair: {
        std::vector<std::string> codes;
        for (uint32_t id : tokens) {
          if (codes.size() == kMaxTokensForPairs) break;
          const std::string& code = part.transform == KeyTransform::kPhoneticPair
                                        ? prepared.tokens.phonetic(id)
                                        : prepared.tokens.skeleton(id);
          if (!code.empty()) codes.push_back(code);
        }
        std::sort(codes.begin(), codes.end());
        codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
        for (size_t i = 0; i < codes.size(); ++i) {
          for (size_t j = i + 1; j < codes.size(); ++j) {
            values.push_back(absl::StrCat(codes[i], "+", codes[j]));
          }
        }
        break;
      }
      case KeyTransform::kSortedTokens: {
        std::vector<std::string> texts;
        for (uint32_t id : tokens) texts.push_back(prepared.tokens.text(id));
        std::sort(texts.begin(), texts.end());
        values.push_back(absl::StrJoin(texts, " "));
        break;
      }
      case KeyTransform::kPrefix:
        values.push_back(
            Utf8Prefix(prepared.Value(part.field, record), part.length));
        break;
      default:
        values.push_back(prepared.Value(part.field, record));
        break;
    }
  } else if (part.field.kind == FieldRef::Kind::kField &&
             part.field.field == Field::kBirthDate) {
    const PartialDate& date = prepared.birth_date[record];
    switch (part.transform) {
      case KeyTransform::kYear:
        if (date.year != 0) values.push_back(absl::StrCat(date.year));
        break;
      case KeyTransform::kYearMonth:
        if (date.month != 0) {
          values.push_back(absl::StrFormat("%04d-%02d", date.year, date.month));
        }
        break;
      case KeyTransform::kMonth:
        if (date.month != 0) values.push_back(absl::StrFormat("%02d", date.month));
        break;
      case KeyTransform::kMonthDay:
        if (date.complete()) {
          values.push_back(absl::StrFormat("%02d-%02d", date.month, date.day));
        }
        break;
      default:
        // Only a complete date makes an exact key: "1985" must not block
        // with every 1985 birth.
        if (date.complete()) values.push_back(prepared.Value(part.field, record));
        break;
    }
  } else {
    std::string value = prepared.Value(part.field, record);
    if (part.transform == KeyTransform::kPrefix) {
      value = Utf8Prefix(value, part.length);
    }
    values.push_back(std::move(value));
  }
  values.erase(std::remove(values.begin(), values.end(), std::string()),
               values.end());
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

namespace {

// Part values of one record, computed once per distinct part: the default
// keys share their name and date parts, and computing a part allocates.
class PartCache {
 public:
  explicit PartCache(const LinkerConfig& config) {
    std::vector<const KeyPartSpec*> distinct;
    for (const BlockingKeySpec& key : config.blocking_keys) {
      std::vector<size_t>& slots = slots_.emplace_back();
      for (const KeyPartSpec& part : key.parts) {
        size_t slot = 0;
        while (slot < distinct.size() && !SamePart(*distinct[slot], part)) {
          ++slot;
        }
        if (slot == distinct.size()) distinct.push_back(&part);
        slots.push_back(slot);
      }
    }
    values_.resize(distinct.size());
    done_.resize(distinct.size());
  }

  void Reset() { std::fill(done_.begin(), done_.end(), false); }

  // The values of part `p` of key `k` for `record` (the record since Reset).
  const std::vector<std::string>& Values(const PreparedRecords& prepared,
                                         size_t record, size_t k, size_t p,
                                         const KeyPartSpec& part) {
    const size_t slot = slots_[k][p];
    if (!done_[slot]) {
      values_[slot] = KeyPartValues(prepared, record, part);
      done_[slot] = true;
    }
    return values_[slot];
  }

 private:
  static bool SamePart(const KeyPartSpec& x, const KeyPartSpec& y) {
    return x.transform == y.transform && x.length == y.length &&
           x.field.kind == y.field.kind && x.field.field == y.field.field &&
           x.field.column == y.field.column;
  }

  std::vector<std::vector<size_t>> slots_;  // per key, per part
  std::vector<std::vector<std::string>> values_;
  std::vector<bool> done_;
};

// Every combination of one value per part, joined, up to the cap;
// `part_values(p)` gives the values of part p.
template <typename PartValues>
std::vector<std::string> KeyValues(const BlockingKeySpec& key,
                                   const PartValues& part_values) {
  std::vector<std::string> combos = {""};
  for (size_t p = 0; p < key.parts.size(); ++p) {
    const std::vector<std::string>& values = part_values(p);
    if (values.empty()) return {};
    std::vector<std::string> next;
    for (const std::string& prefix : combos) {
      for (const std::string& value : values) {
        if (next.size() == kMaxValuesPerKey) break;
        next.push_back(p == 0 ? value
                              : absl::StrCat(prefix, std::string(1, kPartSeparator),
                                             value));
      }
    }
    combos = std::move(next);
  }
  return combos;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> RecordKeys(
    const PreparedRecords& prepared, size_t record, const LinkerConfig& config) {
  std::vector<std::pair<std::string, std::string>> keys;
  for (const BlockingKeySpec& key : config.blocking_keys) {
    if (key.training_only) continue;
    std::vector<std::string> computed;
    const auto part_values = [&](size_t p) -> const std::vector<std::string>& {
      computed = KeyPartValues(prepared, record, key.parts[p]);
      return computed;
    };
    for (std::string& value : KeyValues(key, part_values)) {
      std::replace(value.begin(), value.end(), kPartSeparator, '|');
      keys.emplace_back(key.name, std::move(value));
    }
  }
  return keys;
}

absl::StatusOr<std::vector<KeyEntry>> MakeKeyEntries(
    const PreparedRecords& prepared, const LinkerConfig& config,
    const ExecOptions& exec, KeyUse use) {
  constexpr size_t kChunk = 4096;
  auto wanted = [use](const BlockingKeySpec& key) {
    if (key.training_only) return use == KeyUse::kTrainingOnly;
    if (key.when_missing.has_value()) return use == KeyUse::kWhenMissing;
    return use == KeyUse::kCandidates;
  };
  const size_t chunks = (prepared.size + kChunk - 1) / kChunk;
  std::vector<std::vector<KeyEntry>> per_chunk(chunks);
  tbb::parallel_for(size_t{0}, chunks, [&](size_t chunk) {
    std::vector<KeyEntry>& out = per_chunk[chunk];
    PartCache cache(config);
    const size_t end = std::min(prepared.size, (chunk + 1) * kChunk);
    for (size_t r = chunk * kChunk; r < end; ++r) {
      cache.Reset();
      for (size_t k = 0; k < config.blocking_keys.size(); ++k) {
        const BlockingKeySpec& key = config.blocking_keys[k];
        if (!wanted(key)) continue;
        const auto part_values = [&](size_t p) -> const std::vector<std::string>& {
          return cache.Values(prepared, r, k, p, key.parts[p]);
        };
        for (const std::string& value : KeyValues(key, part_values)) {
          out.push_back({KeyHash(k, value), static_cast<uint32_t>(r),
                         static_cast<uint16_t>(k)});
        }
      }
    }
  });
  RECKON_RETURN_IF_ERROR(CheckContinue(exec, "blocking keys"));
  size_t total = 0;
  for (const auto& chunk : per_chunk) total += chunk.size();
  std::vector<KeyEntry> entries;
  entries.reserve(total);
  for (auto& chunk : per_chunk) {
    entries.insert(entries.end(), chunk.begin(), chunk.end());
    std::vector<KeyEntry>().swap(chunk);
  }
  return entries;
}

}  // namespace reckon
