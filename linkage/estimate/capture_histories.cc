#include "linkage/estimate/capture_histories.h"

#include <cassert>
#include <charconv>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "linkage/ingest/csv_reader.h"

namespace reckon {

CaptureHistories::CaptureHistories(std::vector<std::string> sources)
    : sources_(std::move(sources)) {
  assert(sources_.size() <= static_cast<size_t>(kMaxHistorySources));
  counts_.assign(size_t{1} << sources_.size(), 0);
}

int64_t CaptureHistories::Observed() const {
  int64_t total = 0;
  for (size_t mask = 1; mask < counts_.size(); ++mask) total += counts_[mask];
  return total;
}

int64_t CaptureHistories::SourceCount(int i) const {
  int64_t total = 0;
  const size_t bit = size_t{1} << i;
  for (size_t mask = 1; mask < counts_.size(); ++mask) {
    if (mask & bit) total += counts_[mask];
  }
  return total;
}

std::vector<int64_t> CaptureHistories::SourceCounts() const {
  std::vector<int64_t> out;
  for (int i = 0; i < num_sources(); ++i) out.push_back(SourceCount(i));
  return out;
}

CaptureHistories CaptureHistories::Project(std::span<const int> keep) const {
  std::vector<std::string> names;
  for (int i : keep) names.push_back(sources_[static_cast<size_t>(i)]);
  CaptureHistories out(std::move(names));
  for (size_t mask = 1; mask < counts_.size(); ++mask) {
    if (counts_[mask] == 0) continue;
    uint32_t projected = 0;
    for (size_t j = 0; j < keep.size(); ++j) {
      if (mask & (size_t{1} << keep[j])) projected |= uint32_t{1} << j;
    }
    if (projected != 0) out.Add(projected, counts_[mask]);
  }
  return out;
}

std::string PatternString(uint32_t mask, int num_sources) {
  std::string out(static_cast<size_t>(num_sources), '0');
  for (int i = 0; i < num_sources; ++i) {
    if (mask & (uint32_t{1} << i)) out[static_cast<size_t>(i)] = '1';
  }
  return out;
}

absl::StatusOr<uint32_t> ParsePattern(std::string_view pattern,
                                      int num_sources) {
  if (static_cast<int>(pattern.size()) != num_sources) {
    return absl::InvalidArgumentError(
        absl::StrCat("pattern \"", std::string(pattern), "\" has ",
                     pattern.size(), " digits, expected ", num_sources));
  }
  uint32_t mask = 0;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '1') {
      mask |= uint32_t{1} << i;
    } else if (pattern[i] != '0') {
      return absl::InvalidArgumentError(
          absl::StrCat("pattern \"", std::string(pattern),
                       "\": digits must be 0 or 1"));
    }
  }
  if (mask == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("pattern \"", std::string(pattern),
                     "\": no one is counted in no source"));
  }
  return mask;
}

CaptureHistories HistoriesFromMasks(std::vector<std::string> sources,
                                    std::span<const uint32_t> masks) {
  CaptureHistories out(std::move(sources));
  for (uint32_t mask : masks) {
    if (mask != 0) out.Add(mask);
  }
  return out;
}

std::map<std::string, CaptureHistories> StratifiedHistories(
    const std::vector<std::string>& sources, std::span<const uint32_t> masks,
    std::span<const std::string> strata) {
  assert(masks.size() == strata.size());
  std::map<std::string, CaptureHistories> out;
  for (size_t e = 0; e < masks.size(); ++e) {
    if (masks[e] == 0) continue;
    auto it = out.find(strata[e]);
    if (it == out.end()) {
      it = out.emplace(strata[e], CaptureHistories(sources)).first;
    }
    it->second.Add(masks[e]);
  }
  return out;
}

absl::StatusOr<CaptureHistories> ReadHistoriesCsv(std::istream& in,
                                                  const std::string& name) {
  CsvReader reader(in, name, CsvOptions{.trim = true});
  CsvRow row;
  absl::StatusOr<bool> got = reader.Next(&row);
  if (!got.ok()) return got.status();
  if (!*got) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": empty input"));
  }
  if (row.fields.size() != 2 || absl::AsciiStrToLower(row.fields[0]) != "h" ||
      absl::AsciiStrToLower(row.fields[1]) != "count") {
    return absl::InvalidArgumentError(absl::StrCat(
        name, ":", row.line, ": header must be \"h,count\""));
  }
  int num_sources = -1;
  CaptureHistories out;
  while (true) {
    got = reader.Next(&row);
    if (!got.ok()) return got.status();
    if (!*got) break;
    const std::string where = absl::StrCat(name, ":", row.line, ": ");
    if (row.fields.size() != 2) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, "expected 2 fields, found ", row.fields.size()));
    }
    const std::string& pattern = row.fields[0];
    if (num_sources < 0) {
      if (pattern.size() < 2 ||
          pattern.size() > static_cast<size_t>(kMaxHistorySources)) {
        return absl::InvalidArgumentError(absl::StrCat(
            where, "h: pattern \"", pattern, "\" must have 2 to ",
            kMaxHistorySources, " digits"));
      }
      num_sources = static_cast<int>(pattern.size());
      std::vector<std::string> names;
      for (int i = 1; i <= num_sources; ++i) {
        names.push_back(absl::StrCat("S", i));
      }
      out = CaptureHistories(std::move(names));
    }
    absl::StatusOr<uint32_t> mask = ParsePattern(pattern, num_sources);
    if (!mask.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, "h: ", mask.status().message()));
    }
    const std::string& text = row.fields[1];
    int64_t count = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, count);
    if (text.empty() || ec != std::errc() || ptr != end) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, "count: not a whole number \"", text, "\""));
    }
    if (count < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, "count: negative count ", count));
    }
    out.Add(*mask, count);
  }
  if (num_sources < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": no histories after the header"));
  }
  return out;
}

}  // namespace reckon
