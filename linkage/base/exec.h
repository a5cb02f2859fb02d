// How a linkage call may run: its parallelism and its deadline. service/
// owns the tbb::task_arena and calls into linkage/ inside it; linkage/ only
// reads these options and never starts threads of its own.
//
// Every stage is deterministic for any thread count: results do not depend
// on how TBB splits the work.
#ifndef RECKON_LINKAGE_BASE_EXEC_H_
#define RECKON_LINKAGE_BASE_EXEC_H_

#include <atomic>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace reckon {

struct ExecOptions {
  // Work is abandoned with kDeadlineExceeded once this passes.
  absl::Time deadline = absl::InfiniteFuture();
  // If set and true, work is abandoned with kCancelled.
  const std::atomic<bool>* cancelled = nullptr;
};

// Returns OK while `exec` allows the work named `stage` to go on.
inline absl::Status CheckContinue(const ExecOptions& exec,
                                  absl::string_view stage) {
  if (exec.cancelled != nullptr &&
      exec.cancelled->load(std::memory_order_relaxed)) {
    return absl::CancelledError(absl::StrCat(stage, ": cancelled"));
  }
  if (exec.deadline != absl::InfiniteFuture() && absl::Now() > exec.deadline) {
    return absl::DeadlineExceededError(absl::StrCat(stage, ": deadline passed"));
  }
  return absl::OkStatus();
}

}  // namespace reckon

#endif  // RECKON_LINKAGE_BASE_EXEC_H_
