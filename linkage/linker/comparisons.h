// Field comparators over prepared records: for a pair of records, the
// agreement level of one field (0 = best, levels() = missing). These make
// the Fellegi-Sunter comparison vector of a pair.
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

// Thread-safe: Level and the other const methods may run concurrently.
//
// Cost: the name comparators intern each record's token lists when made
// (MakeComparators) and memoize the levels of list pairs per thread (a
// 256 KiB table per thread that calls Level, kept for the thread's life),
// so a pair whose names were met before costs a few integer comparisons.
// Memoized and computed levels are the same, whatever the threads.
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
  virtual int64_t TermId(uint32_t record) const {
    (void)record;
    return -1;
  }

  // The compared value of `record` as the comparator sees it.
  virtual std::string Describe(uint32_t record) const = 0;

 protected:
  FieldComparator(std::string name, std::vector<std::string> level_names)
      : name_(std::move(name)), level_names_(std::move(level_names)) {}

 private:
  std::string name_;
  std::vector<std::string> level_names_;
};

// One comparator per config comparison, in config order. `prepared` must
// outlive them.
absl::StatusOr<std::vector<std::unique_ptr<FieldComparator>>> MakeComparators(
    const LinkerConfig& config, const PreparedRecords& prepared);

}  // namespace reckon

#endif  // RECKON_LINKAGE_LINKER_COMPARISONS_H_
