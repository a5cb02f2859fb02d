#include "linkage/ingest/sex.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "linkage/ingest/internal/fold.h"

namespace reckon {
namespace {

struct SexWord {
  std::string_view word;  // as written; folded before comparison
  Sex sex;
};

// Folded by internal::FoldForLookup before comparison, so case and
// diacritics here do not matter.
constexpr SexWord kSexWords[] = {
    {"m", Sex::kMale},          {"male", Sex::kMale},
    {"man", Sex::kMale},        {"k", Sex::kMale},
    {"kişi", Sex::kMale},       {"e", Sex::kMale},
    {"erkek", Sex::kMale},      {"м", Sex::kMale},
    {"муж", Sex::kMale},        {"мужской", Sex::kMale},
    {"мужчина", Sex::kMale},    {"1", Sex::kMale},
    {"f", Sex::kFemale},        {"female", Sex::kFemale},
    {"woman", Sex::kFemale},    {"q", Sex::kFemale},
    {"qadın", Sex::kFemale},    {"kadın", Sex::kFemale},
    {"ж", Sex::kFemale},        {"жен", Sex::kFemale},
    {"женский", Sex::kFemale},  {"женщина", Sex::kFemale},
    {"2", Sex::kFemale},        {"u", Sex::kUnknown},
    {"unknown", Sex::kUnknown}, {"x", Sex::kUnknown},
    {"naməlum", Sex::kUnknown}, {"bilinmiyor", Sex::kUnknown},
    {"неизвестно", Sex::kUnknown}, {"0", Sex::kUnknown},
    {"9", Sex::kUnknown},
};

// The table with its words folded, built once (thread-safe static init).
const std::vector<std::pair<std::string, Sex>>& FoldedSexWords() {
  static const auto* const kFolded = [] {
    auto* folded = new std::vector<std::pair<std::string, Sex>>();
    for (const SexWord& entry : kSexWords) {
      folded->emplace_back(internal::FoldForLookup(entry.word), entry.sex);
    }
    return folded;
  }();
  return *kFolded;
}

}  // namespace

std::string_view SexCode(Sex sex) {
  switch (sex) {
    case Sex::kMale: return "M";
    case Sex::kFemale: return "F";
    case Sex::kUnknown: break;
  }
  return "";
}

absl::StatusOr<Sex> ParseSex(std::string_view text) {
  const std::string key = internal::FoldForLookup(text);
  if (key.empty() && text.find_first_not_of(" \t") == std::string_view::npos) {
    return Sex::kUnknown;
  }
  for (const auto& [word, sex] : FoldedSexWords()) {
    if (word == key) return sex;
  }
  std::string quoted(text.substr(0, 64));
  return absl::InvalidArgumentError(
      absl::StrCat("unrecognized sex \"", quoted, "\""));
}

}  // namespace reckon
