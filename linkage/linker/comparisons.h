// Field comparators over prepared records: for a pair of records, the
// agreement level of one field (0 = best, levels() = missing). These make
// the Fellegi-Sunter comparison vector of a pair.
//
// Two sets. The linker compares records of one PreparedRecords, the one the
// comparators were made over (the base). The resolver compares a few new
// records (a probe, a batch) with a large base that it also grows:
//
//   RECKON_ASSIGN_OR_RETURN(auto cmp, MakeComparators(config, base));
//   ComparatorOverlay overlay(cmp, probe_set);   // cheap: probe-sized
//   uint8_t level = overlay.Level(c, 0, base_record);
//   ... append records to `base` (PreparedRecords), then
//   for (auto& comparator : cmp) comparator->Extend();
//
// Why an overlay rather than one joint set: the comparators' per-record
// state of the base (interned token lists, packed dates, interned document
// numbers) is large and built once; an overlay computes the same kind of
// state for the few new records only, expressed in the base's id spaces
// (a token list the base knows gets the base's id, an unseen one an id past
// the base's; a compared value or document number the base interned gets
// the base's id, and a document number its ends), so a cross pair reads
// the base record's row as a base pair does (its values' text only where a
// distance must be measured, or for records appended since) and nothing of
// the base is copied. Levels are those a joint set of both would give
// (tests check this), with one exception: a token the base saw only as a
// patronymic (which carries no phonetic code) keeps no code in base lists
// even when the overlay's records give it one.
#ifndef RECKON_LINKAGE_LINKER_COMPARISONS_H_
#define RECKON_LINKAGE_LINKER_COMPARISONS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "linkage/linker/config.h"
#include "linkage/linker/prepared.h"

namespace reckon {

class ComparatorOverlay;
class PairLevels;
struct OverlayContext;  // comparisons.cc
class RecordTable;      // comparisons.cc

// Thread-safe: Level and the other const methods may run concurrently
// (with each other and with overlays' methods); Extend may not run
// concurrently with anything.
//
// Cost: MakeComparators interns each record's token lists and values and
// packs what the comparators read of a record (list ids, date, value ids)
// into one 64-byte row shared by all of them, so a pair reads two rows
// (PairLevels can prefetch them). The name comparators memoize the levels
// of list pairs per thread (a 256 KiB table per thread that calls Level,
// kept for the thread's life), so a pair whose names were met before costs
// a few integer comparisons. Memoized and computed levels are the same,
// whatever the threads.
class FieldComparator {
 public:
  virtual ~FieldComparator() = default;

  const std::string& name() const { return name_; }
  int levels() const { return static_cast<int>(level_names_.size()); }
  const std::vector<std::string>& level_names() const { return level_names_; }

  // The level of records `a` and `b`; levels() when either value is missing.
  virtual uint8_t Level(uint32_t a, uint32_t b) const = 0;

  // For term-frequency adjustment: an id of `record`'s value such that
  // records agreeing exactly share it, or -1 when not adjusted or missing.
  // Records appended by Extend have none (-1): term frequencies are those of
  // the records the comparator was made over.
  virtual int64_t TermId(uint32_t record) const {
    (void)record;
    return -1;
  }

  // The compared value of `record` as the comparator sees it.
  virtual std::string Describe(uint32_t record) const = 0;

  // Catches up with records appended to the prepared set since the
  // comparator was made or last extended (the set may only grow: records
  // appended at its end, tokens at the end of its table). Not thread-safe:
  // nothing else may run meanwhile. Comparators sharing state (the name
  // comparators of one MakeComparators call) must all be extended.
  virtual void Extend() = 0;

  // Makes room for `records` records in all, so that extending up to that
  // many moves no per-record table (a resolver extends under an exclusive
  // lock, which readers wait for). Same thread-safety as Extend.
  virtual void Reserve(size_t records) { (void)records; }

 protected:
  FieldComparator(std::string name, std::vector<std::string> level_names)
      : name_(std::move(name)), level_names_(std::move(level_names)) {}

  // One comparator's state for an overlay's records (ComparatorOverlay).
  struct OverlayState {
    virtual ~OverlayState() = default;
    const PreparedRecords* small = nullptr;  // the overlay's records
  };
  // Comparators that read the overlay's records as they are need no more
  // than the default, empty state.
  virtual std::unique_ptr<OverlayState> MakeOverlayState(
      OverlayContext& context) const {
    (void)context;
    return std::make_unique<OverlayState>();
  }
  // Overlay record `a` with base record `b`.
  virtual uint8_t CrossLevel(const OverlayState& state, uint32_t a,
                             uint32_t b) const = 0;
  // Overlay records `a` and `b`.
  virtual uint8_t WithinLevel(const OverlayState& state, uint32_t a,
                              uint32_t b) const = 0;
  virtual std::string OverlayDescribe(const OverlayState& state,
                                      uint32_t a) const = 0;
  // Whether overlay record `a` would have a term id (TermId >= 0).
  virtual bool OverlayHasTerm(const OverlayState& state, uint32_t a) const {
    (void)state;
    (void)a;
    return false;
  }

  // The per-record rows Level reads (shared by the comparators of one
  // MakeComparators call), for PairLevels::Prefetch; null when none.
  virtual const RecordTable* table() const { return nullptr; }
  // Which comparator class of comparisons.cc this is (0: another), so that
  // PairLevels calls Level without a virtual call per comparison.
  virtual int impl() const { return 0; }

 private:
  friend class ComparatorOverlay;
  friend class PairLevels;

  std::string name_;
  std::vector<std::string> level_names_;
};

// One comparator per config comparison, in config order. `prepared` must
// outlive them.
absl::StatusOr<std::vector<std::unique_ptr<FieldComparator>>> MakeComparators(
    const LinkerConfig& config, const PreparedRecords& prepared);

// All comparisons of a pair at once, over comparators made by one
// MakeComparators call: the linker's per-pair work.
//
//   PairLevels pair_levels(comparators);
//   std::vector<uint8_t> levels(pair_levels.size());
//   pair_levels.Prefetch(next_a); pair_levels.Prefetch(next_b);
//   pair_levels.Levels(a, b, levels.data());
//
// At scale a pair's time is mostly the cache misses on its two records'
// state (one 64-byte row each: name list ids, packed date, interned
// values); a caller that knows its next pairs a few pairs ahead hides them
// with Prefetch. The comparators must outlive this and not change
// (Extend) while it is used. Thread-safe as FieldComparator::Level.
class PairLevels {
 public:
  explicit PairLevels(
      const std::vector<std::unique_ptr<FieldComparator>>& comparators);

  size_t size() const { return steps_.size(); }

  // Writes comparators[c]->Level(a, b) to levels[c] for every c.
  // REQUIRES: `levels` has size() entries.
  void Levels(uint32_t a, uint32_t b, uint8_t* levels) const;

  // Starts loading the state Levels reads of `record`; a hint with no
  // effect on results.
  void Prefetch(uint32_t record) const;

 private:
  struct Step {
    int impl;  // FieldComparator::impl()
    const FieldComparator* comparator;
  };
  std::vector<Step> steps_;
  const RecordTable* table_ = nullptr;
};

// A small prepared set (a probe, a batch) compared in place with the base
// of `comparators` (the set MakeComparators made them over): Level(c, a, b)
// is the level comparison `c` gives overlay record `a` and base record `b`
// in a joint set of both (see the file comment). `small` must be prepared
// with the same config; it, the comparators and the base must outlive the
// overlay, and neither the base nor the comparators may change (Extend)
// while it lives. Building it costs time in proportion to `small`.
//
// Thread-safe: the const methods may run concurrently.
class ComparatorOverlay {
 public:
  ComparatorOverlay(
      const std::vector<std::unique_ptr<FieldComparator>>& comparators,
      const PreparedRecords& small);
  ~ComparatorOverlay();
  ComparatorOverlay(ComparatorOverlay&&) noexcept;
  ComparatorOverlay& operator=(ComparatorOverlay&&) noexcept;

  const PreparedRecords& records() const { return *small_; }

  // Comparison `c` of overlay record `a` and base record `b`.
  uint8_t Level(size_t c, uint32_t a, uint32_t b) const {
    return (*comparators_)[c]->CrossLevel(*states_[c], a, b);
  }
  // Comparison `c` of overlay records `a` and `b`.
  uint8_t LevelWithin(size_t c, uint32_t a, uint32_t b) const {
    return (*comparators_)[c]->WithinLevel(*states_[c], a, b);
  }
  // Writes Level(c, a, b) to levels[c] for every comparison `c`: a cross
  // pair's per-pair work in one call, without a virtual call per
  // comparison (as PairLevels for base pairs). REQUIRES: `levels` has
  // size() entries.
  void CrossLevels(uint32_t a, uint32_t b, uint8_t* levels) const;
  // The same with LevelWithin.
  void WithinLevels(uint32_t a, uint32_t b, uint8_t* levels) const;
  // Comparisons: the comparators' count.
  size_t size() const { return states_.size(); }
  // Starts loading the state CrossLevels reads of base record `b` (its
  // row: name lists, date, interned values); a hint with no effect on
  // results. What is left to read (the text of names and values met for
  // the first time) is not known before the row is.
  void PrefetchBase(uint32_t b) const;

  // FieldComparator::Describe of overlay record `a`.
  std::string Describe(size_t c, uint32_t a) const {
    return (*comparators_)[c]->OverlayDescribe(*states_[c], a);
  }
  // Whether overlay record `a`'s value of comparison `c` is one term
  // frequencies apply to (what TermId >= 0 says of a base record).
  bool HasTerm(size_t c, uint32_t a) const {
    return (*comparators_)[c]->OverlayHasTerm(*states_[c], a);
  }

 private:
  const std::vector<std::unique_ptr<FieldComparator>>* comparators_;
  const PreparedRecords* small_;
  std::vector<std::unique_ptr<FieldComparator::OverlayState>> states_;
  std::vector<int> impls_;  // FieldComparator::impl() of each comparator
  const RecordTable* table_ = nullptr;  // the base's rows, for PrefetchBase
};

}  // namespace reckon

#endif  // RECKON_LINKAGE_LINKER_COMPARISONS_H_
