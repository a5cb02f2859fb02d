#include "linkage/linker/comparisons.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "linkage/compare/date_compare.h"
#include "linkage/compare/jaro_winkler.h"
#include "linkage/compare/levenshtein.h"
#include "linkage/compare/passport.h"
#include "linkage/compare/token_similarity.h"

namespace reckon {
namespace {

// Interns each record's value so that equality and term frequency are
// integer comparisons.
std::vector<int64_t> InternValues(const std::vector<std::string>& values) {
  absl::flat_hash_map<std::string, int64_t> ids;
  std::vector<int64_t> out(values.size(), -1);
  for (size_t r = 0; r < values.size(); ++r) {
    if (values[r].empty()) continue;
    auto [it, inserted] =
        ids.try_emplace(values[r], static_cast<int64_t>(ids.size()));
    out[r] = it->second;
  }
  return out;
}

// Name token lists interned once for all name comparators, so that the
// per-pair work on names is integer comparisons and memo lookups. A list is
// the tokens of one field of one record in written order; equal lists share
// an id. Per list, the id of its token multiset (order ignored) and of its
// multiset of phonetic codes let "same tokens in any order" and "same
// phonetic codes" be one comparison each. Built single-threaded by
// MakeComparators; read-only (and so thread-safe) afterwards.
class TokenLists {
 public:
  static constexpr uint32_t kNone = 0xFFFFFFFFu;  // no tokens

  explicit TokenLists(const PreparedRecords& prepared) : prepared_(prepared) {}
  TokenLists(const TokenLists&) = delete;
  TokenLists& operator=(const TokenLists&) = delete;

  // Per record, the list id of `field`'s tokens (kNone when empty).
  // REQUIRES: `field` is a name field.
  const std::vector<uint32_t>& Column(Field field) {
    std::unique_ptr<std::vector<uint32_t>>& ids = columns_[field];
    if (ids == nullptr) {
      const NameColumn& column = prepared_.Names(field);
      ids = std::make_unique<std::vector<uint32_t>>(prepared_.size);
      for (size_t r = 0; r < prepared_.size; ++r) {
        (*ids)[r] = Intern(column.Tokens(r));
      }
    }
    return *ids;
  }

  // Per record, the list id of the tokens of `columns` joined in that order.
  const std::vector<uint32_t>& Joined(std::vector<Field> columns) {
    std::unique_ptr<Joint>& joint = joints_[columns];
    if (joint == nullptr) {
      joint = std::make_unique<Joint>();
      // All tokens first, so that the views interned below stay valid.
      joint->offsets.reserve(prepared_.size + 1);
      joint->offsets.push_back(0);
      for (size_t r = 0; r < prepared_.size; ++r) {
        for (Field field : columns) {
          const std::span<const uint32_t> ids = prepared_.Names(field).Tokens(r);
          joint->tokens.insert(joint->tokens.end(), ids.begin(), ids.end());
        }
        joint->offsets.push_back(joint->tokens.size());
      }
      joint->ids.resize(prepared_.size);
      for (size_t r = 0; r < prepared_.size; ++r) {
        joint->ids[r] = Intern(std::span<const uint32_t>(
            joint->tokens.data() + joint->offsets[r],
            joint->offsets[r + 1] - joint->offsets[r]));
      }
    }
    return joint->ids;
  }

  // The list ids of one record's four name fields side by side, so that
  // the name comparators of a pair read two rows rather than a dozen
  // scattered arrays (per-pair time is mostly memory latency).
  enum Slot : size_t { kGiven, kSurname, kPatronymic, kFull, kSlots };
  struct Row {
    uint32_t list[kSlots];
  };
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
  const std::vector<Row>& Rows() {
    if (rows_.empty() && prepared_.size > 0) {
      const std::vector<uint32_t>* columns[kSlots] = {
          &Column(Field::kGivenName), &Column(Field::kSurname),
          &Column(Field::kPatronymic), &Column(Field::kFullName)};
      rows_.resize(prepared_.size);
      for (size_t r = 0; r < prepared_.size; ++r) {
        for (size_t s = 0; s < kSlots; ++s) rows_[r].list[s] = (*columns[s])[r];
      }
    }
    return rows_;
  }

  std::span<const uint32_t> Tokens(uint32_t list) const {
    return lists_[list].tokens;
  }
  uint32_t Multiset(uint32_t list) const { return lists_[list].multiset; }
  // kNone when a token of the list has no phonetic code.
  uint32_t Phonetic(uint32_t list) const { return lists_[list].phonetic; }

 private:
  // What is known of one list, in one place (one cache line to fetch).
  struct List {
    std::span<const uint32_t> tokens;
    uint32_t multiset = 0;
    uint32_t phonetic = kNone;
  };
  struct Joint {
    std::vector<uint32_t> tokens;
    std::vector<size_t> offsets;
    std::vector<uint32_t> ids;
  };

  static absl::string_view Bytes(std::span<const uint32_t> tokens) {
    return absl::string_view(reinterpret_cast<const char*>(tokens.data()),
                             tokens.size() * sizeof(uint32_t));
  }

  // `tokens` must stay in place while this object lives (they are views
  // into the prepared columns or into a Joint).
  uint32_t Intern(std::span<const uint32_t> tokens) {
    if (tokens.empty()) return kNone;
    const auto [it, inserted] =
        ids_.try_emplace(Bytes(tokens), static_cast<uint32_t>(lists_.size()));
    if (!inserted) return it->second;
    // Few tokens and short codes: the keys below fit in inline storage, so
    // comparators over a small set (a resolver's scratch set) stay cheap.
    List& list = lists_.emplace_back();
    list.tokens = tokens;
    absl::InlinedVector<uint32_t, 8> sorted(tokens.begin(), tokens.end());
    std::sort(sorted.begin(), sorted.end());
    list.multiset =
        multiset_ids_
            .try_emplace(std::string(Bytes(std::span<const uint32_t>(
                             sorted.data(), sorted.size()))),
                         static_cast<uint32_t>(multiset_ids_.size()))
            .first->second;
    absl::InlinedVector<std::string_view, 8> codes;
    bool coded = true;
    for (uint32_t id : tokens) {
      codes.push_back(prepared_.tokens.phonetic(id));
      coded = coded && !codes.back().empty();
    }
    if (coded) {
      std::sort(codes.begin(), codes.end());
      std::string key;
      for (std::string_view code : codes) {
        // Length-prefixed, so that no two code lists share a key.
        key.push_back(static_cast<char>(std::min<size_t>(code.size(), 255)));
        if (code.size() >= 255) absl::StrAppend(&key, code.size(), ":");
        key.append(code);
      }
      list.phonetic =
          phonetic_ids_
              .try_emplace(key, static_cast<uint32_t>(phonetic_ids_.size()))
              .first->second;
    }
    return it->second;
  }

  const PreparedRecords& prepared_;
  absl::flat_hash_map<absl::string_view, uint32_t> ids_;
  std::vector<List> lists_;
  absl::flat_hash_map<std::string, uint32_t> multiset_ids_;
  absl::flat_hash_map<std::string, uint32_t> phonetic_ids_;
  std::map<Field, std::unique_ptr<std::vector<uint32_t>>> columns_;
  std::map<std::vector<Field>, std::unique_ptr<Joint>> joints_;
  std::vector<Row> rows_;
};

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
  // of a comparator that is gone, or of another, never match.
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
                 std::shared_ptr<TokenLists> lists)
      : FieldComparator(spec.name, {"exact", "close", "similar", "different"}),
        prepared_(prepared),
        lists_(std::move(lists)),
        field_(spec.field),
        close_(spec.similarity_levels[0]),
        similar_(spec.similarity_levels[1]),
        epoch_(LevelMemo::NewEpoch()) {
    if (field_.kind == FieldRef::Kind::kField) {
      if (field_.field == Field::kSurname) partner_ = Field::kGivenName;
      if (field_.field == Field::kGivenName) partner_ = Field::kSurname;
    }
    by_row_ = field_.kind == FieldRef::Kind::kField &&
              field_.field != Field::kFullName;
    if (by_row_) {
      rows_ = &lists_->Rows();
      slot_ = TokenLists::SlotOf(field_.field);
      alt_from_full_ = partner_.has_value();
      if (partner_.has_value()) other_slot_ = TokenLists::SlotOf(*partner_);
    } else {
      ResolveSides();
    }
    if (spec.term_frequency_adjust) {
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
    if (by_row_) {
      const TokenLists::Row& row_a = (*rows_)[a];
      const TokenLists::Row& row_b = (*rows_)[b];
      return SidesLevel(SideOf(row_a), SideOf(row_b), &row_a, &row_b);
    }
    return SidesLevel(sides_[a], sides_[b], nullptr, nullptr);
  }

  int64_t TermId(uint32_t record) const override {
    return term_ids_.empty() ? -1 : term_ids_[record];
  }

  std::string Describe(uint32_t record) const override {
    const uint32_t side = SideOf(record);
    if (side == TokenLists::kNone) return "";
    std::vector<std::string> texts;
    for (uint32_t id : lists_->Tokens(side & ~kAltBit)) {
      texts.push_back(prepared_.tokens.text(id));
    }
    std::string described = absl::StrJoin(texts, " ");
    if ((side & kAltBit) != 0) absl::StrAppend(&described, " (from full name)");
    return described;
  }

 private:
  static constexpr uint8_t kMissing = 4;
  // Set in a side's list id when the tokens stand in from the full name.
  static constexpr uint32_t kAltBit = 0x80000000u;

  // The list a record's side compares (see ResolveSides), with kAltBit.
  uint32_t SideOf(const TokenLists::Row& row) const {
    const uint32_t own = row.list[slot_];
    if (own != TokenLists::kNone || !alt_from_full_) return own;
    const uint32_t full = row.list[TokenLists::kFull];
    return full == TokenLists::kNone ? full : full | kAltBit;
  }
  uint32_t SideOf(uint32_t record) const {
    return by_row_ ? SideOf((*rows_)[record]) : sides_[record];
  }

  // The level of sides `side_a` and `side_b`; the rows are the records'
  // (for the swapped-name check), or null when the field has no partner.
  uint8_t SidesLevel(uint32_t side_a, uint32_t side_b,
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
      const uint8_t level = StraightLevel(memo, x, y);
      if (level < 2) return level;
      return std::min(level, SwappedLevel(memo, row_a, row_b));
    }
    if (alt_a && !alt_b) return Memoized(memo, kContainment, y, x);  // b's field in a's name
    if (alt_b && !alt_a) return Memoized(memo, kContainment, x, y);
    return Memoized(memo, kBothAlt, x, y);
  }

  // What a memo entry holds, for lists x and y.
  enum Kind : uint64_t {
    kStraight = 0,     // TokensLevel(x, y, alt = false)
    kBothAlt = 1,      // TokensLevel(x, y, alt = true)
    kContainment = 2,  // LevelOf(Containment(x in y), alt = true)
  };

  // Per record, the list this field compares (its side): the field's own tokens;
  // for a given name or surname that is empty, the full name's, marked with
  // kAltBit (the record has only a full name, which stands in for the
  // field); for a full name that is empty, given name then surname; for any
  // name, given name, surname and full name joined. kNone when there are no
  // tokens at all. Given name, surname and patronymic resolve it per pair
  // from the rows (SideOf); the others keep it here.
  void ResolveSides() {
    if (field_.kind == FieldRef::Kind::kAnyName) {
      sides_ = lists_->Joined(
          {Field::kGivenName, Field::kSurname, Field::kFullName});
      return;
    }
    sides_ = lists_->Column(field_.field);
    if (field_.field == Field::kGivenName || field_.field == Field::kSurname) {
      const std::vector<uint32_t>& full = lists_->Column(Field::kFullName);
      for (size_t r = 0; r < sides_.size(); ++r) {
        if (sides_[r] == TokenLists::kNone && full[r] != TokenLists::kNone) {
          sides_[r] = full[r] | kAltBit;
        }
      }
    } else if (field_.field == Field::kFullName) {
      const std::vector<uint32_t>& parts =
          lists_->Joined({Field::kGivenName, Field::kSurname});
      for (size_t r = 0; r < sides_.size(); ++r) {
        if (sides_[r] == TokenLists::kNone) sides_[r] = parts[r];
      }
    }
  }

  // `cutoff`: a similarity below it may be returned as 0 (only the level
  // matters), which lets Jaro-Winkler give up early on hopeless pairs.
  double TokenSimilarity(uint32_t x, uint32_t y, double cutoff = 0.0) const {
    if (x == y) return 1.0;
    return JaroWinkler(prepared_.tokens.text(x), prepared_.tokens.text(y),
                       cutoff);
  }

  double Similarity(std::span<const uint32_t> a, std::span<const uint32_t> b,
                    double cutoff = 0.0) const {
    if (a.size() == 1 && b.size() == 1) {
      return TokenSimilarity(a[0], b[0], cutoff);
    }
    absl::InlinedVector<std::string_view, 8> va;
    absl::InlinedVector<std::string_view, 8> vb;
    for (uint32_t id : a) va.push_back(prepared_.tokens.text(id));
    for (uint32_t id : b) vb.push_back(prepared_.tokens.text(id));
    return TokenSetSimilarity(std::span<const std::string_view>(va),
                              std::span<const std::string_view>(vb));
  }

  // How well every token of `part` is found among `whole` (a full name
  // holding more tokens than the one field): mean best Jaro-Winkler.
  double Containment(std::span<const uint32_t> part,
                     std::span<const uint32_t> whole) const {
    double total = 0.0;
    for (uint32_t p : part) {
      double best = 0.0;
      for (uint32_t w : whole) best = std::max(best, TokenSimilarity(p, w));
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
  uint8_t TokensLevel(uint32_t x, uint32_t y, bool alt) const {
    if (!alt && lists_->Multiset(x) == lists_->Multiset(y)) return 0;
    uint8_t level =
        LevelOf(Similarity(lists_->Tokens(x), lists_->Tokens(y), similar_), alt);
    if (level == 3 && lists_->Phonetic(x) != TokenLists::kNone &&
        lists_->Phonetic(x) == lists_->Phonetic(y)) {
      level = 2;
    }
    return level;
  }

  uint8_t Compute(Kind kind, uint32_t x, uint32_t y) const {
    switch (kind) {
      case kStraight:
        return TokensLevel(x, y, false);
      case kBothAlt:
        return TokensLevel(x, y, true);
      case kContainment:
        break;
    }
    return LevelOf(Containment(lists_->Tokens(x), lists_->Tokens(y)), true);
  }

  uint8_t Memoized(LevelMemo& memo, Kind kind, uint32_t x, uint32_t y) const {
    const uint64_t key = epoch_ << 2 | kind;
    LevelMemo::Slot& slot = memo.At(key, x, y);
    if (LevelMemo::Holds(slot, key, x, y)) {
      return static_cast<uint8_t>(slot.tag & 0xFF);
    }
    const uint8_t level = Compute(kind, x, y);
    LevelMemo::Store(&slot, key, x, y, level);
    return level;
  }

  // TokensLevel(x, y, false), the exact case without a memo lookup.
  uint8_t StraightLevel(LevelMemo& memo, uint32_t x, uint32_t y) const {
    if (lists_->Multiset(x) == lists_->Multiset(y)) return 0;
    return Memoized(memo, kStraight, x, y);
  }

  // Given name and surname written the other way round in one register
  // (Chinese and Turkish registers often put the surname first): the level
  // this field would have if `b`'s two names were swapped, or 3 when the
  // swap does not explain the pair better. Both name comparators take the
  // same decision, since it rests on the same four comparisons: the swap
  // must make both crossed fields at least similar and their levels sum
  // lower than the straight ones. A swapped exact name counts as close, not
  // exact, so that term frequencies stay those of the field itself.
  uint8_t SwappedLevel(LevelMemo& memo, const TokenLists::Row* row_a,
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
    const uint8_t crossed_mine = StraightLevel(memo, a_mine, b_other);
    if (crossed_mine > 2) return 3;
    const uint8_t crossed_other = StraightLevel(memo, a_other, b_mine);
    if (crossed_other > 2) return 3;
    const int straight = StraightLevel(memo, a_mine, b_mine) +
                         StraightLevel(memo, a_other, b_other);
    if (crossed_mine + crossed_other >= straight) return 3;
    return std::max<uint8_t>(crossed_mine, 1);
  }

  const PreparedRecords& prepared_;
  std::shared_ptr<TokenLists> lists_;
  FieldRef field_;
  std::optional<Field> partner_;
  double close_;
  double similar_;
  uint64_t epoch_;
  // Given name, surname, patronymic: sides come from the rows, at `slot_`
  // (else the full name, when `alt_from_full_`); the partner at
  // `other_slot_`.
  bool by_row_ = false;
  const std::vector<TokenLists::Row>* rows_ = nullptr;
  size_t slot_ = 0;
  size_t other_slot_ = 0;
  bool alt_from_full_ = false;
  // Full name and any name: per record, the side's list id; see
  // ResolveSides.
  std::vector<uint32_t> sides_;
  std::vector<int64_t> term_ids_;
};

class DateComparator final : public FieldComparator {
 public:
  DateComparator(const ComparisonSpec& spec, const PreparedRecords& prepared)
      : FieldComparator(spec.name, LevelNames()), prepared_(prepared) {
    packed_.reserve(prepared.size);
    for (const PartialDate& date : prepared.birth_date) {
      if (date.year < 0 || date.year > 0xFFFF || date.month < 0 ||
          date.month > 0xFF || date.day < 0 || date.day > 0xFF) {
        packed_.clear();  // out of range: compare the dates as they are
        break;
      }
      packed_.push_back({static_cast<uint16_t>(date.year),
                         static_cast<uint8_t>(date.month),
                         static_cast<uint8_t>(date.day)});
    }
  }

  uint8_t Level(uint32_t a, uint32_t b) const override {
    // DateLevel is ordered best first, kMissing last: its value is the level.
    if (packed_.empty()) {
      return static_cast<uint8_t>(
          CompareDates(prepared_.birth_date[a], prepared_.birth_date[b]));
    }
    return static_cast<uint8_t>(
        CompareDates(packed_[a].Unpacked(), packed_[b].Unpacked()));
  }

  std::string Describe(uint32_t record) const override {
    return prepared_.Value(FieldRef::Of(Field::kBirthDate), record);
  }

 private:
  static std::vector<std::string> LevelNames() {
    std::vector<std::string> names;
    for (int level = 0; level < kDateLevelCount - 1; ++level) {
      names.emplace_back(DateLevelName(static_cast<DateLevel>(level)));
    }
    return names;
  }

  // The dates in 4 bytes rather than 12, so that a pair's two dates are
  // likelier in cache (the comparison itself is a few instructions).
  struct Packed {
    uint16_t year;
    uint8_t month;
    uint8_t day;
    PartialDate Unpacked() const { return {year, month, day}; }
  };

  const PreparedRecords& prepared_;
  std::vector<Packed> packed_;  // empty when some date does not fit
};

class PassportComparator final : public FieldComparator {
 public:
  PassportComparator(const ComparisonSpec& spec,
                     const PreparedRecords& prepared)
      : FieldComparator(spec.name,
                        {"exact", "one_edit", "prefix_or_suffix", "different"}),
        prepared_(prepared),
        ids_(InternValues(prepared.passport)) {}

  uint8_t Level(uint32_t a, uint32_t b) const override {
    // Interned: missing and equal numbers, most pairs, need no string work.
    const int64_t ia = ids_[a];
    const int64_t ib = ids_[b];
    if (ia < 0 || ib < 0) return 4;
    if (ia == ib) return 0;
    switch (ComparePassports(prepared_.passport[a], prepared_.passport[b])) {
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

  std::string Describe(uint32_t record) const override {
    return prepared_.passport[record];
  }

 private:
  const PreparedRecords& prepared_;
  std::vector<int64_t> ids_;  // -1 when missing
};

// Values as folded text: equal or not (kExact), or within edit bounds.
class TextComparator final : public FieldComparator {
 public:
  TextComparator(const ComparisonSpec& spec, const PreparedRecords& prepared)
      : FieldComparator(spec.name, spec.kind == ComparatorKind::kExact
                                       ? std::vector<std::string>{"exact",
                                                                  "different"}
                                       : std::vector<std::string>{
                                             "exact", "one_edit",
                                             absl::StrCat("up_to_",
                                                          spec.max_edits,
                                                          "_edits"),
                                             "different"}),
        exact_only_(spec.kind == ComparatorKind::kExact),
        max_edits_(spec.max_edits),
        tf_(spec.term_frequency_adjust) {
    values_.resize(prepared.size);
    for (size_t r = 0; r < prepared.size; ++r) {
      values_[r] = prepared.Value(spec.field, r);
    }
    ids_ = InternValues(values_);
  }

  uint8_t Level(uint32_t a, uint32_t b) const override {
    const int64_t ia = ids_[a];
    const int64_t ib = ids_[b];
    const auto missing = static_cast<uint8_t>(levels());
    if (ia < 0 || ib < 0) return missing;
    if (ia == ib) return 0;
    if (exact_only_) return 1;
    const int distance = OsaDistance(values_[a], values_[b], max_edits_);
    if (distance <= 1) return 1;
    if (distance <= max_edits_) return 2;
    return 3;
  }

  int64_t TermId(uint32_t record) const override {
    return tf_ ? ids_[record] : -1;
  }

  std::string Describe(uint32_t record) const override {
    return values_[record];
  }

 private:
  bool exact_only_;
  int max_edits_;
  bool tf_;
  std::vector<std::string> values_;
  std::vector<int64_t> ids_;
};

}  // namespace

absl::StatusOr<std::vector<std::unique_ptr<FieldComparator>>> MakeComparators(
    const LinkerConfig& config, const PreparedRecords& prepared) {
  std::vector<std::unique_ptr<FieldComparator>> comparators;
  std::shared_ptr<TokenLists> lists;  // shared by the name comparators
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
        if (lists == nullptr) lists = std::make_shared<TokenLists>(prepared);
        comparators.push_back(
            std::make_unique<NameComparator>(spec, prepared, lists));
        break;
      case ComparatorKind::kDate:
        if (!is_date) {
          return absl::InvalidArgumentError(absl::StrCat(
              "config: comparison \"", spec.name,
              "\": the date comparator needs the birth_date field (map the "
              "column onto it)"));
        }
        comparators.push_back(std::make_unique<DateComparator>(spec, prepared));
        break;
      case ComparatorKind::kPassport:
        if (!is_passport) {
          return absl::InvalidArgumentError(absl::StrCat(
              "config: comparison \"", spec.name,
              "\": the passport comparator needs the passport_no field"));
        }
        comparators.push_back(
            std::make_unique<PassportComparator>(spec, prepared));
        break;
      case ComparatorKind::kString:
      case ComparatorKind::kExact:
        comparators.push_back(std::make_unique<TextComparator>(spec, prepared));
        break;
    }
  }
  return comparators;
}

}  // namespace reckon
