#include "linkage/linker/comparisons.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cassert>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "linkage/compare/date_compare.h"
#include "linkage/compare/jaro_winkler.h"
#include "linkage/compare/levenshtein.h"
#include "linkage/compare/passport.h"
#include "linkage/compare/token_similarity.h"

namespace reckon {
namespace {

// Interned ids of values that are not missing (below kUnknownId); Extend
// marks an appended record's value kUnknownId (present, not interned:
// compared as text). 32 bits, so that a record's ids fit its RecordTable
// row.
constexpr uint32_t kMissingId = 0xFFFFFFFFu;
constexpr uint32_t kUnknownId = 0xFFFFFFFEu;

// Interns each record's value so that equality and term frequency are
// integer comparisons. `ids`, when given, receives each distinct value's id
// (what overlays look their records' values up in).
std::vector<uint32_t> InternValues(
    const std::vector<std::string>& values,
    absl::flat_hash_map<std::string, uint32_t>* kept_ids = nullptr) {
  absl::flat_hash_map<std::string, uint32_t> local;
  absl::flat_hash_map<std::string, uint32_t>& ids =
      kept_ids != nullptr ? *kept_ids : local;
  ids.clear();
  std::vector<uint32_t> out(values.size(), kMissingId);
  for (size_t r = 0; r < values.size(); ++r) {
    if (values[r].empty()) continue;
    auto [it, inserted] =
        ids.try_emplace(values[r], static_cast<uint32_t>(ids.size()));
    assert(it->second < kUnknownId);
    out[r] = it->second;
  }
  return out;
}

// An interned id as TermId reports it: -1 when missing or not interned.
int64_t TermIdOf(uint32_t id) {
  return id >= kUnknownId ? -1 : static_cast<int64_t>(id);
}

absl::string_view Bytes(std::span<const uint32_t> tokens) {
  return absl::string_view(reinterpret_cast<const char*>(tokens.data()),
                           tokens.size() * sizeof(uint32_t));
}

// The key of a token list's multiset (order ignored).
std::string MultisetKey(std::span<const uint32_t> tokens) {
  absl::InlinedVector<uint32_t, 8> sorted(tokens.begin(), tokens.end());
  std::sort(sorted.begin(), sorted.end());
  return std::string(
      Bytes(std::span<const uint32_t>(sorted.data(), sorted.size())));
}

// The key of a token list's multiset of phonetic codes (`code_of` gives a
// token's); false when a token has no code.
template <typename CodeOf>
bool PhoneticKey(std::span<const uint32_t> tokens, const CodeOf& code_of,
                 std::string* key) {
  absl::InlinedVector<std::string_view, 8> codes;
  for (uint32_t id : tokens) {
    codes.push_back(code_of(id));
    if (codes.back().empty()) return false;
  }
  std::sort(codes.begin(), codes.end());
  key->clear();
  for (std::string_view code : codes) {
    // Length-prefixed, so that no two code lists share a key.
    key->push_back(static_cast<char>(std::min<size_t>(code.size(), 255)));
    if (code.size() >= 255) absl::StrAppend(key, code.size(), ":");
    key->append(code);
  }
  return true;
}

uint32_t FindId(const absl::flat_hash_map<std::string, uint32_t>& ids,
                const std::string& key) {
  auto it = ids.find(key);
  return it == ids.end() ? UINT32_MAX : it->second;
}

// Name token lists interned once for all name comparators, so that the
// per-pair work on names is integer comparisons and memo lookups. A list is
// the tokens of one field of one record in written order (or of several
// fields joined); equal lists share an id. Per list, the id of its token
// multiset (order ignored) and of its multiset of phonetic codes let "same
// tokens in any order" and "same phonetic codes" be one comparison each.
// Built single-threaded by MakeComparators and grown by Extend; read-only
// (and so thread-safe) in between. Lists live in an arena of our own (not
// views into the prepared columns), so that the columns may grow.
class TokenLists {
 public:
  static constexpr uint32_t kNone = 0xFFFFFFFFu;  // no tokens

  // The list ids of one record's four name fields side by side, with the
  // ids of their token multisets, so that the name comparators of a pair
  // read two rows (in RecordTable) rather than a dozen scattered arrays,
  // and most pairs (equal names) are settled without reading a List.
  enum Slot : size_t { kGiven, kSurname, kPatronymic, kFull, kSlots };
  struct Row {
    uint32_t list[kSlots];
    uint32_t multiset[kSlots];  // kNone where the list is kNone
  };
  static constexpr Field kSlotFields[kSlots] = {
      Field::kGivenName, Field::kSurname, Field::kPatronymic,
      Field::kFullName};
  static Slot SlotOf(Field field) {
    switch (field) {
      case Field::kGivenName:
        return kGiven;
      case Field::kPatronymic:
        return kPatronymic;
      case Field::kFullName:
        return kFull;
      default:
        return kSurname;  // as PreparedRecords::Names
    }
  }

  // What is known of one list, in one place (one cache line to fetch).
  struct List {
    size_t offset = 0;  // in the arena
    uint32_t size = 0;
    uint32_t multiset = 0;
    uint32_t phonetic = kNone;  // kNone when a token has no phonetic code
  };

  // Rows are interned by RecordTable (InternRow), which keeps them.
  explicit TokenLists(const PreparedRecords& prepared)
      : prepared_(prepared), ids_(0, ListHash{this}, ListEq{this}) {}
  TokenLists(const TokenLists&) = delete;
  TokenLists& operator=(const TokenLists&) = delete;

  const PreparedRecords& prepared() const { return prepared_; }

  // Interns the name fields of `record` of the prepared set and returns
  // its row. Records must be interned in order, each once.
  Row InternRow(size_t record) {
    assert(record == rows_interned_);
    ++rows_interned_;
    Row row;
    for (size_t s = 0; s < kSlots; ++s) {
      row.list[s] = Intern(prepared_.Names(kSlotFields[s]).Tokens(record));
      row.multiset[s] = row.list[s] == kNone ? kNone : Multiset(row.list[s]);
    }
    return row;
  }

  // Per record, the list id of the tokens of `columns` joined in that
  // order; made on first use, then kept up by Extend.
  const std::vector<uint32_t>& Joined(const std::vector<Field>& columns) {
    std::vector<uint32_t>& ids = joints_[columns];
    ExtendJoint(columns, &ids);
    return ids;
  }

  // Room for `records` records' lists (new records bring new lists in
  // about the proportion the present ones did).
  void Reserve(size_t records) {
    if (records <= rows_interned_) return;
    const size_t more = records - rows_interned_;
    const size_t per_record = rows_interned_ == 0
                                  ? kSlots
                                  : lists_.size() / rows_interned_ + 1;
    for (auto& [columns, ids] : joints_) ids.reserve(records);
    lists_.reserve(lists_.size() + more * per_record);
    ids_.reserve(lists_.size() + more * per_record);
    arena_.reserve(arena_.size() + more * per_record * 2);
  }

  // Interns the joined lists (Joined) of records appended to the prepared
  // set since; rows are RecordTable's to intern.
  void ExtendJoints() {
    for (auto& [columns, ids] : joints_) ExtendJoint(columns, &ids);
  }

  std::span<const uint32_t> Tokens(uint32_t list) const {
    const List& l = lists_[list];
    return {arena_.data() + l.offset, l.size};
  }
  uint32_t Multiset(uint32_t list) const { return lists_[list].multiset; }
  uint32_t Phonetic(uint32_t list) const { return lists_[list].phonetic; }

  // For overlays: how many lists, multisets and code multisets there are,
  // and the id of a given one (kNone when unknown).
  size_t size() const { return lists_.size(); }
  size_t multisets() const { return multiset_ids_.size(); }
  size_t phonetics() const { return phonetic_ids_.size(); }
  uint32_t Find(std::span<const uint32_t> tokens) const {
    auto it = ids_.find(tokens);
    return it == ids_.end() ? kNone : *it;
  }
  uint32_t FindMultiset(const std::string& key) const {
    return FindId(multiset_ids_, key);
  }
  uint32_t FindPhonetic(const std::string& key) const {
    return FindId(phonetic_ids_, key);
  }

 private:
  // The set of list ids, looked up by the lists' tokens (in the arena, so
  // the set itself holds 4 bytes a list).
  struct ListHash {
    using is_transparent = void;
    const TokenLists* owner;
    size_t operator()(std::span<const uint32_t> tokens) const {
      return absl::Hash<absl::string_view>()(Bytes(tokens));
    }
    size_t operator()(uint32_t list) const { return (*this)(owner->Tokens(list)); }
  };
  struct ListEq {
    using is_transparent = void;
    const TokenLists* owner;
    static bool Same(std::span<const uint32_t> x, std::span<const uint32_t> y) {
      return std::equal(x.begin(), x.end(), y.begin(), y.end());
    }
    bool operator()(uint32_t x, uint32_t y) const { return x == y; }
    bool operator()(uint32_t x, std::span<const uint32_t> y) const {
      return Same(owner->Tokens(x), y);
    }
    bool operator()(std::span<const uint32_t> x, uint32_t y) const {
      return Same(x, owner->Tokens(y));
    }
  };

  void ExtendJoint(const std::vector<Field>& columns,
                   std::vector<uint32_t>* ids) {
    std::vector<uint32_t> joined;
    for (size_t r = ids->size(); r < prepared_.size; ++r) {
      joined.clear();
      for (Field field : columns) {
        const std::span<const uint32_t> part = prepared_.Names(field).Tokens(r);
        joined.insert(joined.end(), part.begin(), part.end());
      }
      ids->push_back(Intern(joined));
    }
  }

  uint32_t Intern(std::span<const uint32_t> tokens) {
    if (tokens.empty()) return kNone;
    if (auto it = ids_.find(tokens); it != ids_.end()) return *it;
    const auto id = static_cast<uint32_t>(lists_.size());
    List& list = lists_.emplace_back();
    list.offset = arena_.size();
    list.size = static_cast<uint32_t>(tokens.size());
    arena_.insert(arena_.end(), tokens.begin(), tokens.end());
    list.multiset =
        multiset_ids_
            .try_emplace(MultisetKey(tokens),
                         static_cast<uint32_t>(multiset_ids_.size()))
            .first->second;
    std::string key;
    if (PhoneticKey(
            tokens,
            [this](uint32_t t) -> std::string_view {
              return prepared_.tokens.phonetic(t);
            },
            &key)) {
      list.phonetic =
          phonetic_ids_
              .try_emplace(key, static_cast<uint32_t>(phonetic_ids_.size()))
              .first->second;
    }
    ids_.insert(id);
    return id;
  }

  const PreparedRecords& prepared_;
  std::vector<uint32_t> arena_;
  std::vector<List> lists_;
  absl::flat_hash_set<uint32_t, ListHash, ListEq> ids_;
  absl::flat_hash_map<std::string, uint32_t> multiset_ids_;
  absl::flat_hash_map<std::string, uint32_t> phonetic_ids_;
  size_t rows_interned_ = 0;
  std::map<std::vector<Field>, std::vector<uint32_t>> joints_;
};

// The token lists of an overlay's records in the base's id spaces: a token,
// list, multiset or code multiset the base knows has the base's id; one it
// does not gets an id past the base's (local to this overlay). So equal
// lists have equal ids across the two sets, and the name comparators' code
// runs unchanged on mixed pairs. Built single-threaded when the overlay is
// made; read-only afterwards.
class OverlayLists {
 public:
  using Row = TokenLists::Row;
  static constexpr uint32_t kNone = TokenLists::kNone;

  OverlayLists(const TokenLists& base, const PreparedRecords& small)
      : base_(base),
        small_(small),
        base_tokens_(static_cast<uint32_t>(base.prepared().tokens.size())),
        base_lists_(static_cast<uint32_t>(base.size())),
        base_multisets_(static_cast<uint32_t>(base.multisets())),
        base_phonetics_(static_cast<uint32_t>(base.phonetics())) {
    const TokenTable& base_tokens = base.prepared().tokens;
    token_of_.reserve(small.tokens.size());
    for (size_t t = 0; t < small.tokens.size(); ++t) {
      const std::string& text = small.tokens.text(static_cast<uint32_t>(t));
      uint32_t id = base_tokens.Find(text);
      if (id == TokenTable::kNotFound) {
        id = base_tokens_ + static_cast<uint32_t>(local_tokens_.size());
        local_tokens_.push_back(static_cast<uint32_t>(t));
      }
      token_of_.push_back(id);
    }
    rows_.reserve(small.size);
    for (size_t r = 0; r < small.size; ++r) {
      Row row;
      for (size_t s = 0; s < TokenLists::kSlots; ++s) {
        Unified(small.Names(TokenLists::kSlotFields[s]).Tokens(r), false);
        row.list[s] = Intern(buffer_);
        row.multiset[s] = row.list[s] == kNone ? kNone : Multiset(row.list[s]);
      }
      rows_.push_back(row);
    }
  }

  const Row& row(uint32_t record) const { return rows_[record]; }

  // As TokenLists::Joined, for the overlay's records.
  const std::vector<uint32_t>& Joined(const std::vector<Field>& columns) {
    auto [it, inserted] = joints_.try_emplace(columns);
    if (inserted) {
      for (size_t r = 0; r < small_.size; ++r) {
        buffer_.clear();
        for (Field field : columns) Unified(small_.Names(field).Tokens(r), true);
        it->second.push_back(Intern(buffer_));
      }
    }
    return it->second;
  }

  bool IsLocal(uint32_t list) const { return list >= base_lists_; }
  std::span<const uint32_t> Tokens(uint32_t list) const {
    if (!IsLocal(list)) return base_.Tokens(list);
    const TokenLists::List& l = lists_[list - base_lists_];
    return {arena_.data() + l.offset, l.size};
  }
  uint32_t Multiset(uint32_t list) const {
    return IsLocal(list) ? lists_[list - base_lists_].multiset
                         : base_.Multiset(list);
  }
  uint32_t Phonetic(uint32_t list) const {
    return IsLocal(list) ? lists_[list - base_lists_].phonetic
                         : base_.Phonetic(list);
  }
  const std::string& Text(uint32_t token) const {
    return token < base_tokens_
               ? base_.prepared().tokens.text(token)
               : small_.tokens.text(local_tokens_[token - base_tokens_]);
  }

 private:
  // Appends `tokens` (small's ids) to buffer_ as unified ids (after
  // clearing it unless `append`).
  void Unified(std::span<const uint32_t> tokens, bool append) {
    if (!append) buffer_.clear();
    for (uint32_t t : tokens) buffer_.push_back(token_of_[t]);
  }

  std::string_view Code(uint32_t token) const {
    return token < base_tokens_
               ? base_.prepared().tokens.phonetic(token)
               : small_.tokens.phonetic(local_tokens_[token - base_tokens_]);
  }

  uint32_t Intern(std::span<const uint32_t> tokens) {
    if (tokens.empty()) return kNone;
    const bool all_known =
        std::all_of(tokens.begin(), tokens.end(),
                    [this](uint32_t t) { return t < base_tokens_; });
    if (all_known) {
      const uint32_t id = base_.Find(tokens);
      if (id != kNone) return id;
    }
    const std::string bytes(Bytes(tokens));
    if (auto it = ids_.find(bytes); it != ids_.end()) return it->second;
    const auto id = base_lists_ + static_cast<uint32_t>(lists_.size());
    ids_.emplace(bytes, id);
    TokenLists::List& list = lists_.emplace_back();
    list.offset = arena_.size();
    list.size = static_cast<uint32_t>(tokens.size());
    arena_.insert(arena_.end(), tokens.begin(), tokens.end());
    const std::string multiset = MultisetKey(tokens);
    list.multiset = LocalId(multiset, base_.FindMultiset(multiset),
                            base_multisets_, &multiset_ids_);
    std::string key;
    if (PhoneticKey(tokens, [this](uint32_t t) { return Code(t); }, &key)) {
      list.phonetic = LocalId(key, base_.FindPhonetic(key), base_phonetics_,
                              &phonetic_ids_);
    }
    return id;
  }

  // The base's id when it has one (`found`), else one past `base_count`.
  static uint32_t LocalId(const std::string& key, uint32_t found,
                          uint32_t base_count,
                          absl::flat_hash_map<std::string, uint32_t>* local) {
    if (found != UINT32_MAX) return found;
    return local
        ->try_emplace(key, base_count + static_cast<uint32_t>(local->size()))
        .first->second;
  }

  const TokenLists& base_;
  const PreparedRecords& small_;
  const uint32_t base_tokens_;
  const uint32_t base_lists_;
  const uint32_t base_multisets_;
  const uint32_t base_phonetics_;
  std::vector<uint32_t> token_of_;      // small token -> unified id
  std::vector<uint32_t> local_tokens_;  // unified id - base_tokens_ -> small's
  std::vector<uint32_t> arena_;
  std::vector<TokenLists::List> lists_;  // local lists
  absl::flat_hash_map<std::string, uint32_t> ids_;
  absl::flat_hash_map<std::string, uint32_t> multiset_ids_;
  absl::flat_hash_map<std::string, uint32_t> phonetic_ids_;
  std::vector<Row> rows_;
  std::map<std::vector<Field>, std::vector<uint32_t>> joints_;
  std::vector<uint32_t> buffer_;
};

}  // namespace

// Per record, in one 64-byte row, what the comparators of a pair read: the
// name rows, the packed birth date and the interned ids of up to
// kValueSlots compared values (sex, nationality, passport, ...). At scale
// the per-pair time is mostly cache misses on the two records' state; a
// column per comparator made a pair touch a dozen cache lines, one row per
// record makes it two (at 64 bytes a record, 16 more than the columns).
// Shared by the comparators of one MakeComparators call; built
// single-threaded and grown by Extend, read-only in between.
class RecordTable {
 public:
  static constexpr size_t kValueSlots = 7;
  struct alignas(64) Row {
    TokenLists::Row names;
    uint32_t date = 0;  // year << 16 | month << 8 | day, when dates_packed()
    uint32_t value[kValueSlots];
  };
  static_assert(sizeof(Row) == 64, "a row is one cache line");

  // Interns names only when `with_names` (a config with a name comparison).
  RecordTable(const PreparedRecords& prepared, bool with_names)
      : prepared_(prepared) {
    if (with_names) lists_ = std::make_unique<TokenLists>(prepared);
    rows_.reserve(prepared.size);
    Extend();
  }
  RecordTable(const RecordTable&) = delete;
  RecordTable& operator=(const RecordTable&) = delete;

  const Row& row(uint32_t record) const { return rows_[record]; }
  size_t size() const { return rows_.size(); }
  // REQUIRES: made `with_names`.
  TokenLists& lists() const { return *lists_; }

  // Whether every date fits `Row::date` (else comparators read the
  // prepared dates).
  bool dates_packed() const { return dates_packed_; }
  static PartialDate UnpackDate(uint32_t packed) {
    return {static_cast<int>(packed >> 16),
            static_cast<int>(packed >> 8 & 0xFF),
            static_cast<int>(packed & 0xFF)};
  }

  // A free value slot for a comparator's ids, or -1 when all are taken (the
  // comparator then reads its own column).
  int ClaimValueSlot() {
    return values_claimed_ < kValueSlots ? static_cast<int>(values_claimed_++)
                                         : -1;
  }
  void SetValue(int slot, size_t record, uint32_t id) {
    rows_[record].value[static_cast<size_t>(slot)] = id;
  }

  // Appends the rows of records appended to the prepared set since (once
  // for all comparators; then a no-op). Value slots start kMissingId: each
  // comparator's Extend fills its own.
  void Extend() {
    for (size_t r = rows_.size(); r < prepared_.size; ++r) {
      Row& row = rows_.emplace_back();
      if (lists_ != nullptr) {
        row.names = lists_->InternRow(r);
      } else {
        std::fill(std::begin(row.names.list), std::end(row.names.list),
                  TokenLists::kNone);
        std::fill(std::begin(row.names.multiset),
                  std::end(row.names.multiset), TokenLists::kNone);
      }
      std::fill(std::begin(row.value), std::end(row.value), kMissingId);
      const PartialDate& date = prepared_.birth_date[r];
      if (date.year < 0 || date.year > 0xFFFF || date.month < 0 ||
          date.month > 0xFF || date.day < 0 || date.day > 0xFF) {
        dates_packed_ = false;  // out of range: compare the dates as they are
      } else {
        row.date = static_cast<uint32_t>(date.year) << 16 |
                   static_cast<uint32_t>(date.month) << 8 |
                   static_cast<uint32_t>(date.day);
      }
    }
    if (lists_ != nullptr) lists_->ExtendJoints();
  }

  void Reserve(size_t records) {
    rows_.reserve(records);
    if (lists_ != nullptr) lists_->Reserve(records);
  }

 private:
  const PreparedRecords& prepared_;
  std::unique_ptr<TokenLists> lists_;
  std::vector<Row> rows_;
  bool dates_packed_ = true;
  size_t values_claimed_ = 0;
};

// FieldComparator::impl() of the classes below.
enum : int { kNameImpl = 1, kDateImpl, kPassportImpl, kTextImpl };

// What the comparators of one overlay share while it is made.
struct OverlayContext {
  const PreparedRecords& small;
  // Per base TokenLists (one per MakeComparators call), the overlay's lists.
  std::map<const TokenLists*, std::shared_ptr<OverlayLists>> lists;
};

namespace {

// A per-thread memo of the levels of token-list pairs. A name comparator's
// level for two lists is a pure function of the comparator, the kind of
// comparison and the two list ids, and the same pairs come back again and
// again (namesakes, one person's records in many blocks, the swapped-name
// checks), so each is computed once per thread while it stays in the memo.
// Direct-mapped: a new entry replaces the one in its slot. A hit returns
// exactly what computing would, so results do not depend on threads.
class LevelMemo {
 public:
  // Every comparator gets its own epoch (never reused, never 0), so entries
  // of a comparator that is gone, or of another, never match. So does each
  // overlay of each comparator, for pairs involving the overlay's own list
  // ids (which another overlay gives to other lists).
  static uint64_t NewEpoch() {
    static std::atomic<uint64_t> next{1};
    return next.fetch_add(1, std::memory_order_relaxed);
  }

  static LevelMemo& ForThisThread() {
    thread_local LevelMemo memo;
    return memo;
  }

  // `key` (epoch and kind) must be non-zero. Returns the slot for
  // (`key`, `x`, `y`); Find says whether it holds their level.
  struct Slot {
    uint64_t lists = 0;
    uint64_t tag = 0;  // key << 8 | level; 0 = empty
  };
  Slot& At(uint64_t key, uint32_t x, uint32_t y) {
    const uint64_t lists = uint64_t{x} << 32 | y;
    const uint64_t mixed =
        (lists ^ (key * 0x9E3779B97F4A7C15ull)) * 0xD6E8FEB86659FD93ull;
    return slots_[static_cast<size_t>(mixed >> (64 - kBits))];
  }
  static bool Holds(const Slot& slot, uint64_t key, uint32_t x, uint32_t y) {
    return slot.lists == (uint64_t{x} << 32 | y) && (slot.tag >> 8) == key;
  }
  static void Store(Slot* slot, uint64_t key, uint32_t x, uint32_t y,
                    uint8_t level) {
    slot->lists = uint64_t{x} << 32 | y;
    slot->tag = key << 8 | level;
  }

 private:
  // 2^14 slots of 16 bytes: 256 KiB per thread, small enough to stay in a
  // core's L2 cache next to the records; pairs come back within a block or
  // a few blocks later, so a larger memo gains few hits.
  static constexpr int kBits = 14;
  std::vector<Slot> slots_ = std::vector<Slot>(size_t{1} << kBits);
};

// How a name comparator reads lists and tokens: of the base alone (the
// linker's pairs), or of the base and an overlay. The comparator's code is
// written once over these (templates), so a base pair pays nothing for
// overlays.
class BaseView {
 public:
  BaseView(const TokenLists& lists, uint64_t epoch)
      : lists_(lists), epoch_(epoch) {}
  std::span<const uint32_t> Tokens(uint32_t list) const {
    return lists_.Tokens(list);
  }
  uint32_t Multiset(uint32_t list) const { return lists_.Multiset(list); }
  uint32_t Phonetic(uint32_t list) const { return lists_.Phonetic(list); }
  const std::string& Text(uint32_t token) const {
    return lists_.prepared().tokens.text(token);
  }
  uint64_t Epoch(uint32_t, uint32_t) const { return epoch_; }

 private:
  const TokenLists& lists_;
  const uint64_t epoch_;
};

// Pairs of two base lists keep the comparator's memo entries (shared with
// the linker's pairs and every other overlay); a pair involving a list of
// this overlay's own is memoized under the overlay's epoch.
class CrossView {
 public:
  CrossView(const OverlayLists& lists, uint64_t base_epoch,
            uint64_t overlay_epoch)
      : lists_(lists), base_epoch_(base_epoch), overlay_epoch_(overlay_epoch) {}
  std::span<const uint32_t> Tokens(uint32_t list) const {
    return lists_.Tokens(list);
  }
  uint32_t Multiset(uint32_t list) const { return lists_.Multiset(list); }
  uint32_t Phonetic(uint32_t list) const { return lists_.Phonetic(list); }
  const std::string& Text(uint32_t token) const { return lists_.Text(token); }
  uint64_t Epoch(uint32_t x, uint32_t y) const {
    return lists_.IsLocal(x) || lists_.IsLocal(y) ? overlay_epoch_
                                                  : base_epoch_;
  }

 private:
  const OverlayLists& lists_;
  const uint64_t base_epoch_;
  const uint64_t overlay_epoch_;
};

// Names: token sets compared order-free on their comparison forms, so that
// "Wang Xiaoming" meets "Xiaoming Wang" and "Xiao Ming Wang".
//
// Per record, the token list this field compares is resolved once at
// construction (with the full-name stand-in, see Side), and levels of list
// pairs are memoized per thread (LevelMemo): most pairs cost a few integer
// comparisons and memo lookups, not Jaro-Winkler calls.
class NameComparator final : public FieldComparator {
 public:
  NameComparator(const ComparisonSpec& spec, const PreparedRecords& prepared,
                 std::shared_ptr<RecordTable> table)
      : FieldComparator(spec.name, {"exact", "close", "similar", "different"}),
        prepared_(prepared),
        table_(std::move(table)),
        lists_(&table_->lists()),
        field_(spec.field),
        close_(spec.similarity_levels[0]),
        similar_(spec.similarity_levels[1]),
        tf_(spec.term_frequency_adjust),
        epoch_(LevelMemo::NewEpoch()) {
    if (field_.kind == FieldRef::Kind::kField) {
      if (field_.field == Field::kSurname) partner_ = Field::kGivenName;
      if (field_.field == Field::kGivenName) partner_ = Field::kSurname;
    }
    by_row_ = field_.kind == FieldRef::Kind::kField &&
              field_.field != Field::kFullName;
    if (by_row_) {
      slot_ = TokenLists::SlotOf(field_.field);
      alt_from_full_ = partner_.has_value();
      if (partner_.has_value()) other_slot_ = TokenLists::SlotOf(*partner_);
    } else {
      AppendSides(*lists_, BaseRowOf{table_.get()}, prepared.size, &sides_);
    }
    if (tf_) {
      std::vector<std::string> keys(prepared.size);
      for (size_t r = 0; r < prepared.size; ++r) {
        const uint32_t side = SideOf(static_cast<uint32_t>(r));
        if (side == TokenLists::kNone || (side & kAltBit) != 0) continue;
        const std::span<const uint32_t> tokens = lists_->Tokens(side);
        std::vector<uint32_t> sorted(tokens.begin(), tokens.end());
        std::sort(sorted.begin(), sorted.end());
        keys[r] = absl::StrJoin(sorted, ",");
      }
      term_ids_ = InternValues(keys);
    }
  }

  uint8_t Level(uint32_t a, uint32_t b) const override {
    const BaseView view(*lists_, epoch_);
    if (by_row_) {
      const TokenLists::Row& row_a = table_->row(a).names;
      const TokenLists::Row& row_b = table_->row(b).names;
      return SidesLevel(view, SideOf(row_a), SideOf(row_b), &row_a, &row_b);
    }
    return SidesLevel(view, sides_[a], sides_[b], nullptr, nullptr);
  }

  int64_t TermId(uint32_t record) const override {
    return record < term_ids_.size() ? TermIdOf(term_ids_[record]) : -1;
  }

  std::string Describe(uint32_t record) const override {
    return DescribeSide(SideOf(record), [this](uint32_t list) {
      return lists_->Tokens(list);
    }, [this](uint32_t token) -> const std::string& {
      return prepared_.tokens.text(token);
    });
  }

  void Extend() override {
    table_->Extend();  // once for all comparators; then a no-op
    if (!by_row_) {
      AppendSides(*lists_, BaseRowOf{table_.get()}, prepared_.size, &sides_);
    }
    // term_ids_ stays as made: appended records have no term id.
  }

  void Reserve(size_t records) override {
    table_->Reserve(records);
    if (!by_row_) sides_.reserve(records);
  }

 protected:
  struct Overlay final : OverlayState {
    std::shared_ptr<OverlayLists> lists;
    std::vector<uint32_t> sides;  // when not by row
    uint64_t epoch = 0;
  };

  std::unique_ptr<OverlayState> MakeOverlayState(
      OverlayContext& context) const override {
    auto state = std::make_unique<Overlay>();
    std::shared_ptr<OverlayLists>& lists = context.lists[lists_];
    if (lists == nullptr) {
      lists = std::make_shared<OverlayLists>(*lists_, context.small);
    }
    state->lists = lists;
    if (!by_row_) {
      const OverlayLists& rows = *lists;
      AppendSides(*lists,
                  [&rows](uint32_t r) -> const TokenLists::Row& {
                    return rows.row(r);
                  },
                  context.small.size, &state->sides);
    }
    state->epoch = LevelMemo::NewEpoch();
    return state;
  }

  uint8_t CrossLevel(const OverlayState& state, uint32_t a,
                     uint32_t b) const override {
    const auto& overlay = static_cast<const Overlay&>(state);
    const CrossView view(*overlay.lists, epoch_, overlay.epoch);
    if (by_row_) {
      const TokenLists::Row& row_a = overlay.lists->row(a);
      const TokenLists::Row& row_b = table_->row(b).names;
      return SidesLevel(view, SideOf(row_a), SideOf(row_b), &row_a, &row_b);
    }
    return SidesLevel(view, overlay.sides[a], sides_[b], nullptr, nullptr);
  }

  uint8_t WithinLevel(const OverlayState& state, uint32_t a,
                      uint32_t b) const override {
    const auto& overlay = static_cast<const Overlay&>(state);
    const CrossView view(*overlay.lists, epoch_, overlay.epoch);
    if (by_row_) {
      const TokenLists::Row& row_a = overlay.lists->row(a);
      const TokenLists::Row& row_b = overlay.lists->row(b);
      return SidesLevel(view, SideOf(row_a), SideOf(row_b), &row_a, &row_b);
    }
    return SidesLevel(view, overlay.sides[a], overlay.sides[b], nullptr,
                      nullptr);
  }

  std::string OverlayDescribe(const OverlayState& state,
                              uint32_t a) const override {
    const auto& overlay = static_cast<const Overlay&>(state);
    const OverlayLists& lists = *overlay.lists;
    const uint32_t side = by_row_ ? SideOf(lists.row(a)) : overlay.sides[a];
    return DescribeSide(
        side, [&lists](uint32_t list) { return lists.Tokens(list); },
        [&lists](uint32_t token) -> const std::string& {
          return lists.Text(token);
        });
  }

  bool OverlayHasTerm(const OverlayState& state, uint32_t a) const override {
    const auto& overlay = static_cast<const Overlay&>(state);
    const uint32_t side =
        by_row_ ? SideOf(overlay.lists->row(a)) : overlay.sides[a];
    return tf_ && side != TokenLists::kNone && (side & kAltBit) == 0;
  }

  const RecordTable* table() const override { return table_.get(); }
  int impl() const override { return kNameImpl; }

 private:
  // CrossLevels and WithinLevels call the overlay levels directly.
  friend class ::reckon::ComparatorOverlay;

  static constexpr uint8_t kMissing = 4;
  // Set in a side's list id when the tokens stand in from the full name.
  static constexpr uint32_t kAltBit = 0x80000000u;

  // The list a record's side compares, with kAltBit: the field's own
  // tokens; for a given name or surname that is empty, the full name's,
  // marked with kAltBit (the record has only a full name, which stands in
  // for the field). kNone when there are no tokens at all. Given name,
  // surname and patronymic resolve it per pair from the rows; full name and
  // any name keep it per record (AppendSides).
  uint32_t SideOf(const TokenLists::Row& row) const {
    const uint32_t own = row.list[slot_];
    if (own != TokenLists::kNone || !alt_from_full_) return own;
    const uint32_t full = row.list[TokenLists::kFull];
    return full == TokenLists::kNone ? full : full | kAltBit;
  }
  uint32_t SideOf(uint32_t record) const {
    return by_row_ ? SideOf(table_->row(record).names) : sides_[record];
  }

  // The base's name rows, for AppendSides.
  struct BaseRowOf {
    const RecordTable* table;
    const TokenLists::Row& operator()(uint32_t r) const {
      return table->row(r).names;
    }
  };

  // Full name and any name: appends the sides of records sides->size() to
  // `records` of `lists` (a TokenLists or an OverlayLists, whose records'
  // rows `row_of` gives): for a full name that is empty, given name then
  // surname; for any name, given name, surname and full name joined.
  template <typename Lists, typename RowOf>
  void AppendSides(Lists& lists, const RowOf& row_of, size_t records,
                   std::vector<uint32_t>* sides) const {
    if (field_.kind == FieldRef::Kind::kAnyName) {
      const std::vector<uint32_t>& joined = lists.Joined(
          {Field::kGivenName, Field::kSurname, Field::kFullName});
      sides->insert(sides->end(),
                    joined.begin() + static_cast<std::ptrdiff_t>(sides->size()),
                    joined.begin() + static_cast<std::ptrdiff_t>(records));
      return;
    }
    // The full name (the only other field not compared by row).
    const std::vector<uint32_t>& parts =
        lists.Joined({Field::kGivenName, Field::kSurname});
    for (size_t r = sides->size(); r < records; ++r) {
      const uint32_t full =
          row_of(static_cast<uint32_t>(r)).list[TokenLists::kFull];
      sides->push_back(full != TokenLists::kNone ? full : parts[r]);
    }
  }

  template <typename TokensOf, typename TextOf>
  static std::string DescribeSide(uint32_t side, const TokensOf& tokens_of,
                                  const TextOf& text_of) {
    if (side == TokenLists::kNone) return "";
    std::vector<std::string> texts;
    for (uint32_t id : tokens_of(side & ~kAltBit)) texts.push_back(text_of(id));
    std::string described = absl::StrJoin(texts, " ");
    if ((side & kAltBit) != 0) absl::StrAppend(&described, " (from full name)");
    return described;
  }

  // The level of sides `side_a` and `side_b`; the rows are the records'
  // when compared by row (their multisets settle equal names without
  // reading a List; their partner fields serve the swapped-name check),
  // else null.
  template <typename View>
  uint8_t SidesLevel(const View& view, uint32_t side_a, uint32_t side_b,
                     const TokenLists::Row* row_a,
                     const TokenLists::Row* row_b) const {
    if (side_a == TokenLists::kNone || side_b == TokenLists::kNone) {
      return kMissing;
    }
    const bool alt_a = (side_a & kAltBit) != 0;
    const bool alt_b = (side_b & kAltBit) != 0;
    const uint32_t x = side_a & ~kAltBit;
    const uint32_t y = side_b & ~kAltBit;
    LevelMemo& memo = LevelMemo::ForThisThread();
    if (!alt_a && !alt_b) {
      const uint8_t level =
          row_a != nullptr
              ? StraightLevel(view, memo, x, y, row_a->multiset[slot_],
                              row_b->multiset[slot_])
              : StraightLevel(view, memo, x, y, view.Multiset(x),
                              view.Multiset(y));
      if (level < 2) return level;
      return std::min(level, SwappedLevel(view, memo, row_a, row_b));
    }
    // b's field in a's name, or a's in b's.
    if (alt_a && !alt_b) return Memoized(view, memo, kContainment, y, x);
    if (alt_b && !alt_a) return Memoized(view, memo, kContainment, x, y);
    return Memoized(view, memo, kBothAlt, x, y);
  }

  // What a memo entry holds, for lists x and y.
  enum Kind : uint64_t {
    kStraight = 0,     // TokensLevel(x, y, alt = false)
    kBothAlt = 1,      // TokensLevel(x, y, alt = true)
    kContainment = 2,  // LevelOf(Containment(x in y), alt = true)
  };

  // `cutoff`: a similarity below it may be returned as 0 (only the level
  // matters), which lets Jaro-Winkler give up early on hopeless pairs.
  template <typename View>
  static double TokenSimilarity(const View& view, uint32_t x, uint32_t y,
                                double cutoff = 0.0) {
    if (x == y) return 1.0;
    return JaroWinkler(view.Text(x), view.Text(y), cutoff);
  }

  template <typename View>
  static double Similarity(const View& view, std::span<const uint32_t> a,
                           std::span<const uint32_t> b, double cutoff = 0.0) {
    if (a.size() == 1 && b.size() == 1) {
      return TokenSimilarity(view, a[0], b[0], cutoff);
    }
    absl::InlinedVector<std::string_view, 8> va;
    absl::InlinedVector<std::string_view, 8> vb;
    for (uint32_t id : a) va.push_back(view.Text(id));
    for (uint32_t id : b) vb.push_back(view.Text(id));
    return TokenSetSimilarity(std::span<const std::string_view>(va),
                              std::span<const std::string_view>(vb));
  }

  // How well every token of `part` is found among `whole` (a full name
  // holding more tokens than the one field): mean best Jaro-Winkler.
  template <typename View>
  static double Containment(const View& view, std::span<const uint32_t> part,
                            std::span<const uint32_t> whole) {
    double total = 0.0;
    for (uint32_t p : part) {
      double best = 0.0;
      for (uint32_t w : whole) {
        best = std::max(best, TokenSimilarity(view, p, w));
      }
      total += best;
    }
    return total / static_cast<double>(part.size());
  }

  uint8_t LevelOf(double similarity, bool alt) const {
    return similarity >= 0.9999 ? (alt ? 1 : 0)
           : similarity >= close_ ? 1
           : similarity >= similar_ ? 2
                                    : 3;
  }

  // The level of lists `x` and `y` of one field each (no full-name
  // stand-in), computed: the same tokens in any order are exact (unless
  // `alt`); else the similarity's level, and "similar" rather than
  // "different" when the phonetic codes agree as multisets.
  template <typename View>
  uint8_t TokensLevel(const View& view, uint32_t x, uint32_t y,
                      bool alt) const {
    if (!alt && view.Multiset(x) == view.Multiset(y)) return 0;
    uint8_t level = LevelOf(
        Similarity(view, view.Tokens(x), view.Tokens(y), similar_), alt);
    if (level == 3 && view.Phonetic(x) != TokenLists::kNone &&
        view.Phonetic(x) == view.Phonetic(y)) {
      level = 2;
    }
    return level;
  }

  template <typename View>
  uint8_t Compute(const View& view, Kind kind, uint32_t x, uint32_t y) const {
    switch (kind) {
      case kStraight:
        return TokensLevel(view, x, y, false);
      case kBothAlt:
        return TokensLevel(view, x, y, true);
      case kContainment:
        break;
    }
    return LevelOf(Containment(view, view.Tokens(x), view.Tokens(y)), true);
  }

  template <typename View>
  uint8_t Memoized(const View& view, LevelMemo& memo, Kind kind, uint32_t x,
                   uint32_t y) const {
    const uint64_t key = view.Epoch(x, y) << 2 | kind;
    LevelMemo::Slot& slot = memo.At(key, x, y);
    if (LevelMemo::Holds(slot, key, x, y)) {
      return static_cast<uint8_t>(slot.tag & 0xFF);
    }
    const uint8_t level = Compute(view, kind, x, y);
    LevelMemo::Store(&slot, key, x, y, level);
    return level;
  }

  // TokensLevel(x, y, false), the exact case without a memo lookup:
  // `multiset_x` and `multiset_y` are the lists' multiset ids.
  template <typename View>
  uint8_t StraightLevel(const View& view, LevelMemo& memo, uint32_t x,
                        uint32_t y, uint32_t multiset_x,
                        uint32_t multiset_y) const {
    if (multiset_x == multiset_y) return 0;
    return Memoized(view, memo, kStraight, x, y);
  }

  // Given name and surname written the other way round in one register
  // (Chinese and Turkish registers often put the surname first): the level
  // this field would have if `b`'s two names were swapped, or 3 when the
  // swap does not explain the pair better. Both name comparators take the
  // same decision, since it rests on the same four comparisons: the swap
  // must make both crossed fields at least similar and their levels sum
  // lower than the straight ones. A swapped exact name counts as close, not
  // exact, so that term frequencies stay those of the field itself.
  template <typename View>
  uint8_t SwappedLevel(const View& view, LevelMemo& memo,
                       const TokenLists::Row* row_a,
                       const TokenLists::Row* row_b) const {
    if (!partner_.has_value() || row_a == nullptr) return 3;
    const uint32_t a_mine = row_a->list[slot_];
    const uint32_t b_mine = row_b->list[slot_];
    const uint32_t a_other = row_a->list[other_slot_];
    const uint32_t b_other = row_b->list[other_slot_];
    if (a_mine == TokenLists::kNone || b_mine == TokenLists::kNone ||
        a_other == TokenLists::kNone || b_other == TokenLists::kNone) {
      return 3;
    }
    const auto straight_level = [&](const TokenLists::Row* x_row, size_t x_slot,
                                    const TokenLists::Row* y_row,
                                    size_t y_slot) {
      return StraightLevel(view, memo, x_row->list[x_slot],
                           y_row->list[y_slot], x_row->multiset[x_slot],
                           y_row->multiset[y_slot]);
    };
    const uint8_t crossed_mine =
        straight_level(row_a, slot_, row_b, other_slot_);
    if (crossed_mine > 2) return 3;
    const uint8_t crossed_other =
        straight_level(row_a, other_slot_, row_b, slot_);
    if (crossed_other > 2) return 3;
    const int straight = straight_level(row_a, slot_, row_b, slot_) +
                         straight_level(row_a, other_slot_, row_b, other_slot_);
    if (crossed_mine + crossed_other >= straight) return 3;
    return std::max<uint8_t>(crossed_mine, 1);
  }

  const PreparedRecords& prepared_;
  std::shared_ptr<RecordTable> table_;
  TokenLists* lists_;  // table_'s
  FieldRef field_;
  std::optional<Field> partner_;
  double close_;
  double similar_;
  bool tf_;
  uint64_t epoch_;
  // Given name, surname, patronymic: sides come from the rows, at `slot_`
  // (else the full name, when `alt_from_full_`); the partner at
  // `other_slot_`.
  bool by_row_ = false;
  size_t slot_ = 0;
  size_t other_slot_ = 0;
  bool alt_from_full_ = false;
  // Full name and any name: per record, the side's list id; see
  // AppendSides.
  std::vector<uint32_t> sides_;
  std::vector<uint32_t> term_ids_;
};

// One 32-bit value per record for a comparator (an interned id, with
// kMissingId and kUnknownId; a passport's ends), kept in a value slot of the
// records' RecordTable rows so that a pair reads it with its other fields;
// in a column of its own when the rows have no free slot. Thread-safety as
// the comparators'.
class RowValues {
 public:
  RowValues() = default;
  RowValues(std::shared_ptr<RecordTable> table, std::vector<uint32_t> ids)
      : table_(std::move(table)),
        slot_(table_->ClaimValueSlot()),
        size_(ids.size()) {
    if (slot_ < 0) {
      column_ = std::move(ids);
    } else {
      for (size_t r = 0; r < ids.size(); ++r) {
        table_->SetValue(slot_, r, ids[r]);
      }
    }
  }

  const RecordTable* table() const { return table_.get(); }

  uint32_t Id(uint32_t record) const {
    return slot_ >= 0 ? table_->row(record).value[static_cast<size_t>(slot_)]
                      : column_[record];
  }

  // Appends the ids of records size() to `records` - 1, `id_of(record)`
  // each (after growing the table's rows).
  template <typename IdOf>
  void Extend(size_t records, const IdOf& id_of) {
    table_->Extend();
    for (size_t r = size_; r < records; ++r) {
      if (slot_ >= 0) {
        table_->SetValue(slot_, r, id_of(r));
      } else {
        column_.push_back(id_of(r));
      }
    }
    size_ = std::max(size_, records);
  }

  void Reserve(size_t records) {
    table_->Reserve(records);
    if (slot_ < 0) column_.reserve(records);
  }

 private:
  std::shared_ptr<RecordTable> table_;
  int slot_ = -1;
  size_t size_ = 0;               // records with ids
  std::vector<uint32_t> column_;  // when slot_ < 0
};

class DateComparator final : public FieldComparator {
 public:
  DateComparator(const ComparisonSpec& spec, const PreparedRecords& prepared,
                 std::shared_ptr<RecordTable> table)
      : FieldComparator(spec.name, LevelNames(spec.date_scope)),
        prepared_(prepared),
        table_(std::move(table)),
        scope_(spec.date_scope) {
    // DateLevel is ordered best first, so the scope's levels keep that
    // order; levels outside the scope cannot occur within it.
    const std::vector<DateLevel> levels = DateScopeLevels(scope_);
    level_of_.fill(static_cast<uint8_t>(levels.size()));
    for (size_t l = 0; l < levels.size(); ++l) {
      level_of_[static_cast<size_t>(levels[l])] = static_cast<uint8_t>(l);
    }
  }

  uint8_t Level(uint32_t a, uint32_t b) const override {
    return ScopedLevel(Date(a), Date(b));
  }

  std::string Describe(uint32_t record) const override {
    return prepared_.Value(FieldRef::Of(Field::kBirthDate), record);
  }

  void Extend() override { table_->Extend(); }

  void Reserve(size_t records) override { table_->Reserve(records); }

 protected:
  uint8_t CrossLevel(const OverlayState& state, uint32_t a,
                     uint32_t b) const override {
    return ScopedLevel(state.small->birth_date[a], Date(b));
  }
  uint8_t WithinLevel(const OverlayState& state, uint32_t a,
                      uint32_t b) const override {
    return ScopedLevel(state.small->birth_date[a], state.small->birth_date[b]);
  }
  std::string OverlayDescribe(const OverlayState& state,
                              uint32_t a) const override {
    return state.small->Value(FieldRef::Of(Field::kBirthDate), a);
  }
  const RecordTable* table() const override { return table_.get(); }
  int impl() const override { return kDateImpl; }

 private:
  // CrossLevels and WithinLevels call the overlay levels directly.
  friend class ::reckon::ComparatorOverlay;

  static std::vector<std::string> LevelNames(DateScope scope) {
    std::vector<std::string> names;
    for (DateLevel level : DateScopeLevels(scope)) {
      names.emplace_back(DateLevelName(level));
    }
    return names;
  }

  // The comparator's level of two dates: missing outside the scope.
  uint8_t ScopedLevel(const PartialDate& a, const PartialDate& b) const {
    if (!InDateScope(scope_, a, b)) return static_cast<uint8_t>(levels());
    return level_of_[static_cast<size_t>(CompareDates(a, b))];
  }

  // The date packed in the record's row (read with the pair's other
  // fields), unless some date did not fit.
  PartialDate Date(uint32_t record) const {
    return table_->dates_packed()
               ? RecordTable::UnpackDate(table_->row(record).date)
               : prepared_.birth_date[record];
  }

  const PreparedRecords& prepared_;
  std::shared_ptr<RecordTable> table_;
  const DateScope scope_;
  // Comparator level per DateLevel (levels() for those outside the scope).
  std::array<uint8_t, kDateLevelCount> level_of_{};
};

uint8_t PassportLevelNumber(const std::string& a, const std::string& b) {
  switch (ComparePassports(a, b)) {
    case PassportLevel::kExact:
      return 0;
    case PassportLevel::kOneEdit:
      return 1;
    case PassportLevel::kPrefixOrSuffix:
      return 2;
    case PassportLevel::kDifferent:
      return 3;
    case PassportLevel::kMissing:
      break;
  }
  return 4;
}

// A passport number's first and last three characters, hashed into 15 and
// 16 bits (bits 30..16 and 15..0), when it has at least kEndsMinLength
// characters; else kNoEnds. Two different numbers of that length whose
// first three differ and whose last three differ are kDifferent: one edit
// leaves the first or the last three of both untouched (a substitution or
// an insertion from 6 characters on, an adjacent transposition from 7), and
// a prefix or suffix copy (4 or more characters) keeps the first or the
// last three. So most unrelated pairs are settled from the rows, without
// reading the numbers (another cache miss per record) or an edit distance.
constexpr size_t kEndsMinLength = 7;
constexpr uint32_t kNoEnds = 0x80000000u;

uint32_t PassportEnds(const std::string& number) {
  if (number.size() < kEndsMinLength) return kNoEnds;
  uint32_t head = 0;
  uint32_t tail = 0;
  std::memcpy(&head, number.data(), 3);
  std::memcpy(&tail, number.data() + number.size() - 3, 3);
  return (head * 0x9E3779B1u) >> 17 << 16 | (tail * 0x85EBCA6Bu) >> 16;
}

// Whether the ends (PassportEnds) of two numbers show them kDifferent when
// they are not equal.
bool EndsDiffer(uint32_t ends_a, uint32_t ends_b) {
  return ((ends_a | ends_b) & kNoEnds) == 0 &&
         (ends_a >> 16) != (ends_b >> 16) &&
         (ends_a & 0xFFFF) != (ends_b & 0xFFFF);
}

class PassportComparator final : public FieldComparator {
 public:
  PassportComparator(const ComparisonSpec& spec,
                     const PreparedRecords& prepared,
                     std::shared_ptr<RecordTable> table)
      : FieldComparator(spec.name,
                        {"exact", "one_edit", "prefix_or_suffix", "different"}),
        prepared_(prepared),
        ids_(table, InternValues(prepared.passport)),
        ends_(std::move(table), AllEnds(prepared)) {}

  uint8_t Level(uint32_t a, uint32_t b) const override {
    // Interned: missing and equal numbers, most pairs, need no string work.
    const uint32_t ia = ids_.Id(a);
    const uint32_t ib = ids_.Id(b);
    if (ia >= kUnknownId || ib >= kUnknownId) {
      if (ia == kMissingId || ib == kMissingId) return 4;
      // An appended record's number is not interned.
      if (prepared_.passport[a] == prepared_.passport[b]) return 0;
    } else if (ia == ib) {
      return 0;
    }
    if (EndsDiffer(ends_.Id(a), ends_.Id(b))) return 3;
    return PassportLevelNumber(prepared_.passport[a], prepared_.passport[b]);
  }

  std::string Describe(uint32_t record) const override {
    return prepared_.passport[record];
  }

  void Extend() override {
    ids_.Extend(prepared_.size, [this](size_t r) {
      return prepared_.passport[r].empty() ? kMissingId : kUnknownId;
    });
    ends_.Extend(prepared_.size, [this](size_t r) {
      return PassportEnds(prepared_.passport[r]);
    });
  }

  void Reserve(size_t records) override {
    ids_.Reserve(records);
    ends_.Reserve(records);
  }

 protected:
  struct Overlay final : OverlayState {
    std::vector<uint32_t> ends;  // PassportEnds of each overlay number
  };

  std::unique_ptr<OverlayState> MakeOverlayState(
      OverlayContext& context) const override {
    auto state = std::make_unique<Overlay>();
    state->ends.reserve(context.small.size);
    for (const std::string& number : context.small.passport) {
      state->ends.push_back(PassportEnds(number));
    }
    return state;
  }
  // As Level, from the base record's row: a missing number (kMissingId) or
  // ends that differ settle the pair without reading the base's number.
  uint8_t CrossLevel(const OverlayState& state, uint32_t a,
                     uint32_t b) const override {
    const std::string& number = state.small->passport[a];
    if (number.empty() || ids_.Id(b) == kMissingId) return 4;
    if (EndsDiffer(static_cast<const Overlay&>(state).ends[a], ends_.Id(b))) {
      return 3;
    }
    return Compare(number, prepared_.passport[b]);
  }
  uint8_t WithinLevel(const OverlayState& state, uint32_t a,
                      uint32_t b) const override {
    return Compare(state.small->passport[a], state.small->passport[b]);
  }
  std::string OverlayDescribe(const OverlayState& state,
                              uint32_t a) const override {
    return state.small->passport[a];
  }
  const RecordTable* table() const override { return ids_.table(); }
  int impl() const override { return kPassportImpl; }

 private:
  // CrossLevels and WithinLevels call the overlay levels directly.
  friend class ::reckon::ComparatorOverlay;

  static uint8_t Compare(const std::string& a, const std::string& b) {
    if (a.empty() || b.empty()) return 4;
    if (a == b) return 0;
    return PassportLevelNumber(a, b);
  }

  static std::vector<uint32_t> AllEnds(const PreparedRecords& prepared) {
    std::vector<uint32_t> ends;
    ends.reserve(prepared.size);
    for (const std::string& number : prepared.passport) {
      ends.push_back(PassportEnds(number));
    }
    return ends;
  }

  const PreparedRecords& prepared_;
  RowValues ids_;
  RowValues ends_;  // PassportEnds of each number
};

// Values as folded text: equal or not (kExact), or within edit bounds.
class TextComparator final : public FieldComparator {
 public:
  TextComparator(const ComparisonSpec& spec, const PreparedRecords& prepared,
                 std::shared_ptr<RecordTable> table)
      : FieldComparator(spec.name, spec.kind == ComparatorKind::kExact
                                       ? std::vector<std::string>{"exact",
                                                                  "different"}
                                       : std::vector<std::string>{
                                             "exact", "one_edit",
                                             absl::StrCat("up_to_",
                                                          spec.max_edits,
                                                          "_edits"),
                                             "different"}),
        prepared_(prepared),
        field_(spec.field),
        exact_only_(spec.kind == ComparatorKind::kExact),
        max_edits_(spec.max_edits),
        tf_(spec.term_frequency_adjust) {
    values_.resize(prepared.size);
    for (size_t r = 0; r < prepared.size; ++r) {
      values_[r] = prepared.Value(spec.field, r);
    }
    ids_ = RowValues(std::move(table), InternValues(values_, &value_ids_));
  }

  uint8_t Level(uint32_t a, uint32_t b) const override {
    const uint32_t ia = ids_.Id(a);
    const uint32_t ib = ids_.Id(b);
    if (ia >= kUnknownId || ib >= kUnknownId) {
      if (ia == kMissingId || ib == kMissingId) {
        return static_cast<uint8_t>(levels());
      }
      // An appended record's value is not interned.
      if (values_[a] == values_[b]) return 0;
    } else if (ia == ib) {
      return 0;
    }
    return Different(values_[a], values_[b]);
  }

  int64_t TermId(uint32_t record) const override {
    return tf_ ? TermIdOf(ids_.Id(record)) : -1;
  }

  std::string Describe(uint32_t record) const override {
    return values_[record];
  }

  void Extend() override {
    for (size_t r = values_.size(); r < prepared_.size; ++r) {
      values_.push_back(prepared_.Value(field_, r));
    }
    ids_.Extend(prepared_.size, [this](size_t r) {
      return values_[r].empty() ? kMissingId : kUnknownId;
    });
  }

  void Reserve(size_t records) override {
    values_.reserve(records);
    ids_.Reserve(records);
  }

 protected:
  struct Overlay final : OverlayState {
    std::vector<std::string> values;
    // Per value: the base's interned id of an equal value, kUnknownId when
    // no record the comparator was made over has it, kMissingId when empty.
    std::vector<uint32_t> ids;
  };

  std::unique_ptr<OverlayState> MakeOverlayState(
      OverlayContext& context) const override {
    auto state = std::make_unique<Overlay>();
    state->values.reserve(context.small.size);
    state->ids.reserve(context.small.size);
    for (size_t r = 0; r < context.small.size; ++r) {
      state->values.push_back(context.small.Value(field_, r));
      const std::string& value = state->values.back();
      uint32_t id = kMissingId;
      if (!value.empty()) {
        auto it = value_ids_.find(value);
        id = it == value_ids_.end() ? kUnknownId : it->second;
      }
      state->ids.push_back(id);
    }
    return state;
  }
  // As Level, from the base record's row: the base's text is read only to
  // compare with a record appended since (not interned) or, for a string
  // comparison, to measure how two different values differ.
  uint8_t CrossLevel(const OverlayState& state, uint32_t a,
                     uint32_t b) const override {
    const auto& overlay = static_cast<const Overlay&>(state);
    const uint32_t ia = overlay.ids[a];
    const uint32_t ib = ids_.Id(b);
    if (ia == kMissingId || ib == kMissingId) {
      return static_cast<uint8_t>(levels());
    }
    if (ib == kUnknownId) {
      if (overlay.values[a] == values_[b]) return 0;
    } else if (ia == ib) {
      return 0;
    }
    // Here the values differ: two distinct interned ids, or a value the
    // base never had against one it had.
    return Different(overlay.values[a], values_[b]);
  }
  uint8_t WithinLevel(const OverlayState& state, uint32_t a,
                      uint32_t b) const override {
    const auto& overlay = static_cast<const Overlay&>(state);
    return Compare(overlay.values[a], overlay.values[b]);
  }
  std::string OverlayDescribe(const OverlayState& state,
                              uint32_t a) const override {
    return static_cast<const Overlay&>(state).values[a];
  }
  bool OverlayHasTerm(const OverlayState& state, uint32_t a) const override {
    return tf_ && !static_cast<const Overlay&>(state).values[a].empty();
  }
  const RecordTable* table() const override { return ids_.table(); }
  int impl() const override { return kTextImpl; }

 private:
  // CrossLevels and WithinLevels call the overlay levels directly.
  friend class ::reckon::ComparatorOverlay;

  // The level of two present values that are not known to be equal.
  uint8_t Different(const std::string& a, const std::string& b) const {
    if (exact_only_) return 1;
    const int distance = OsaDistance(a, b, max_edits_);
    if (distance <= 1) return 1;
    if (distance <= max_edits_) return 2;
    return 3;
  }
  uint8_t Compare(const std::string& a, const std::string& b) const {
    if (a.empty() || b.empty()) return static_cast<uint8_t>(levels());
    if (a == b) return 0;
    return Different(a, b);
  }

  const PreparedRecords& prepared_;
  FieldRef field_;
  bool exact_only_;
  int max_edits_;
  bool tf_;
  std::vector<std::string> values_;
  RowValues ids_;
  // The interned id of each value of the records the comparator was made
  // over (records appended since are kUnknownId).
  absl::flat_hash_map<std::string, uint32_t> value_ids_;
};

// Calls `call` with `comparator` cast to its concrete class, named by
// `impl` (FieldComparator::impl()): the classes are final, so the calls in
// `call` are direct and inlined instead of one virtual call per comparison
// and pair; other comparators get the virtual call.
template <typename Call>
uint8_t CallAsFinal(int impl, const FieldComparator* comparator,
                    const Call& call) {
  switch (impl) {
    case kNameImpl:
      return call(static_cast<const NameComparator*>(comparator));
    case kDateImpl:
      return call(static_cast<const DateComparator*>(comparator));
    case kPassportImpl:
      return call(static_cast<const PassportComparator*>(comparator));
    case kTextImpl:
      return call(static_cast<const TextComparator*>(comparator));
    default:
      return call(comparator);
  }
}

}  // namespace

absl::StatusOr<std::vector<std::unique_ptr<FieldComparator>>> MakeComparators(
    const LinkerConfig& config, const PreparedRecords& prepared) {
  std::vector<std::unique_ptr<FieldComparator>> comparators;
  const bool with_names = std::any_of(
      config.comparisons.begin(), config.comparisons.end(),
      [](const ComparisonSpec& spec) {
        return spec.kind == ComparatorKind::kName && spec.field.IsNameField();
      });
  auto table = std::make_shared<RecordTable>(prepared, with_names);
  for (const ComparisonSpec& spec : config.comparisons) {
    const bool is_date = spec.field.kind == FieldRef::Kind::kField &&
                         spec.field.field == Field::kBirthDate;
    const bool is_passport = spec.field.kind == FieldRef::Kind::kField &&
                             spec.field.field == Field::kPassportNo;
    switch (spec.kind) {
      case ComparatorKind::kName:
        if (!spec.field.IsNameField()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "config: comparison \"", spec.name, "\": ", spec.field.Name(),
              " is not a name field; use a string comparator"));
        }
        comparators.push_back(
            std::make_unique<NameComparator>(spec, prepared, table));
        break;
      case ComparatorKind::kDate:
        if (!is_date) {
          return absl::InvalidArgumentError(absl::StrCat(
              "config: comparison \"", spec.name,
              "\": the date comparator needs the birth_date field (map the "
              "column onto it)"));
        }
        comparators.push_back(
            std::make_unique<DateComparator>(spec, prepared, table));
        break;
      case ComparatorKind::kPassport:
        if (!is_passport) {
          return absl::InvalidArgumentError(absl::StrCat(
              "config: comparison \"", spec.name,
              "\": the passport comparator needs the passport_no field"));
        }
        comparators.push_back(
            std::make_unique<PassportComparator>(spec, prepared, table));
        break;
      case ComparatorKind::kString:
      case ComparatorKind::kExact:
        comparators.push_back(
            std::make_unique<TextComparator>(spec, prepared, table));
        break;
    }
  }
  return comparators;
}

ComparatorOverlay::ComparatorOverlay(
    const std::vector<std::unique_ptr<FieldComparator>>& comparators,
    const PreparedRecords& small)
    : comparators_(&comparators), small_(&small) {
  OverlayContext context{small, {}};
  states_.reserve(comparators.size());
  for (const std::unique_ptr<FieldComparator>& comparator : comparators) {
    std::unique_ptr<FieldComparator::OverlayState> state =
        comparator->MakeOverlayState(context);
    state->small = &small;
    states_.push_back(std::move(state));
    impls_.push_back(comparator->impl());
  }
  if (!comparators.empty()) table_ = comparators.front()->table();
}

void ComparatorOverlay::CrossLevels(uint32_t a, uint32_t b,
                                    uint8_t* levels) const {
  const std::vector<std::unique_ptr<FieldComparator>>& comparators =
      *comparators_;
  for (size_t c = 0; c < impls_.size(); ++c) {
    const FieldComparator::OverlayState& state = *states_[c];
    levels[c] = CallAsFinal(impls_[c], comparators[c].get(),
                            [&](const auto* comparator) {
                              return comparator->CrossLevel(state, a, b);
                            });
  }
}

void ComparatorOverlay::WithinLevels(uint32_t a, uint32_t b,
                                     uint8_t* levels) const {
  const std::vector<std::unique_ptr<FieldComparator>>& comparators =
      *comparators_;
  for (size_t c = 0; c < impls_.size(); ++c) {
    const FieldComparator::OverlayState& state = *states_[c];
    levels[c] = CallAsFinal(impls_[c], comparators[c].get(),
                            [&](const auto* comparator) {
                              return comparator->WithinLevel(state, a, b);
                            });
  }
}

void ComparatorOverlay::PrefetchBase(uint32_t b) const {
  if (table_ != nullptr) __builtin_prefetch(&table_->row(b));
}

PairLevels::PairLevels(
    const std::vector<std::unique_ptr<FieldComparator>>& comparators) {
  for (const auto& comparator : comparators) {
    steps_.push_back({comparator->impl(), comparator.get()});
  }
  if (!comparators.empty()) table_ = comparators.front()->table();
}

void PairLevels::Levels(uint32_t a, uint32_t b, uint8_t* levels) const {
  for (size_t c = 0; c < steps_.size(); ++c) {
    levels[c] = CallAsFinal(
        steps_[c].impl, steps_[c].comparator,
        [&](const auto* comparator) { return comparator->Level(a, b); });
  }
}

void PairLevels::Prefetch(uint32_t record) const {
  // One row holds what the comparators read of a record, but for the text
  // of names and values met for the first time (rarer, and not known
  // before the row is read).
  if (table_ != nullptr) __builtin_prefetch(&table_->row(record));
}

ComparatorOverlay::~ComparatorOverlay() = default;
ComparatorOverlay::ComparatorOverlay(ComparatorOverlay&&) noexcept = default;
ComparatorOverlay& ComparatorOverlay::operator=(ComparatorOverlay&&) noexcept =
    default;

}  // namespace reckon
