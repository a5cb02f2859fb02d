// Records made ready for blocking and comparison: names normalized into
// interned tokens, dates parsed, sex and nationality coded, document
// numbers normalized, other compared values folded. Column-wise, so that
// the comparison loop touches only the fields it compares.
//
// Preparation never rejects a record: a value that cannot be parsed counts
// as missing and is tallied per field in `unparseable`.
#ifndef RECKON_LINKAGE_LINKER_PREPARED_H_
#define RECKON_LINKAGE_LINKER_PREPARED_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "linkage/base/exec.h"
#include "linkage/base/record.h"
#include "linkage/ingest/dates.h"
#include "linkage/ingest/sex.h"
#include "linkage/linker/config.h"
#include "linkage/normalize/name_forms.h"

namespace reckon {

// Distinct name tokens with their phonetic code and consonant skeleton.
// Interning is single-threaded; lookups are thread-safe.
class TokenTable {
 public:
  static constexpr uint32_t kNotFound = UINT32_MAX;

  uint32_t Intern(const std::string& text, const std::string& phonetic,
                  const std::string& skeleton);
  // The id of `text`, or kNotFound.
  uint32_t Find(const std::string& text) const {
    auto it = ids_.find(text);
    return it == ids_.end() ? kNotFound : it->second;
  }
  const std::string& text(uint32_t id) const { return text_[id]; }
  const std::string& phonetic(uint32_t id) const { return phonetic_[id]; }
  const std::string& skeleton(uint32_t id) const { return skeleton_[id]; }
  size_t size() const { return text_.size(); }

 private:
  absl::flat_hash_map<std::string, uint32_t> ids_;
  std::vector<std::string> text_;
  std::vector<std::string> phonetic_;
  std::vector<std::string> skeleton_;
};

// One name field of every record: token ids in written order.
class NameColumn {
 public:
  NameColumn() : offsets_{0} {}
  void Append(std::span<const uint32_t> tokens) {
    tokens_.insert(tokens_.end(), tokens.begin(), tokens.end());
    offsets_.push_back(tokens_.size());
  }
  std::span<const uint32_t> Tokens(size_t record) const {
    return {tokens_.data() + offsets_[record],
            offsets_[record + 1] - offsets_[record]};
  }
  // Room for `records` records holding `tokens` tokens in all.
  void Reserve(size_t records, size_t tokens) {
    offsets_.reserve(records + 1);
    tokens_.reserve(tokens);
  }
  size_t token_count() const { return tokens_.size(); }

 private:
  std::vector<size_t> offsets_;
  std::vector<uint32_t> tokens_;
};

struct PreparedRecords {
  size_t size = 0;
  std::vector<std::string> source_names;  // index = source id
  std::vector<uint16_t> source;           // per record
  TokenTable tokens;
  NameColumn given_name;
  NameColumn surname;
  NameColumn patronymic;  // includes patronymics split off other fields
  NameColumn full_name;
  std::vector<PartialDate> birth_date;
  std::vector<Sex> sex;
  std::vector<std::string> nationality;  // ISO alpha-3, "" unknown
  std::vector<std::string> passport;     // normalized document number
  // Folded values (lower case, single spaces) of other fields that a
  // comparison or key uses, by FieldRef::Name().
  absl::flat_hash_map<std::string, std::vector<std::string>> strings;
  // Values that could not be parsed, by field name.
  std::map<std::string, uint64_t> unparseable;

  const NameColumn& Names(Field field) const;
  // Tokens of every name field of `record` (given, surname, full name).
  std::vector<uint32_t> AnyNameTokens(size_t record) const;
  // The folded value of a non-name field as a string (dates ISO, sex M/F).
  std::string Value(const FieldRef& field, size_t record) const;
};

// Prepares `records`. `source_order` fixes source ids (records of other
// sources get ids after them, in order of appearance). Runs in parallel on
// the calling TBB arena; deterministic for any thread count.
absl::StatusOr<PreparedRecords> PrepareRecords(
    const std::vector<Record>& records,
    const std::vector<std::string>& source_order, const LinkerConfig& config,
    const NameNormalizer& normalizer, const ExecOptions& exec);

// Lower case (ASCII), trimmed, inner whitespace runs as one space.
std::string FoldValue(std::string_view value);

}  // namespace reckon

#endif  // RECKON_LINKAGE_LINKER_PREPARED_H_
