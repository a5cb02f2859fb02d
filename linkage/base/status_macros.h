// Status propagation macros. Abseil 20220623 (Debian 12) predates
// ABSL_RETURN_IF_ERROR / ABSL_ASSIGN_OR_RETURN, so reckon carries its own.
//
//   RECKON_RETURN_IF_ERROR(store.Append(batch));
//   RECKON_ASSIGN_OR_RETURN(Record record, ParseRow(row));
#ifndef RECKON_LINKAGE_BASE_STATUS_MACROS_H_
#define RECKON_LINKAGE_BASE_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define RECKON_RETURN_IF_ERROR(expr)                                \
  do {                                                              \
    if (::absl::Status reckon_status = (expr); !reckon_status.ok()) \
      return reckon_status;                                         \
  } while (false)

#define RECKON_STATUS_MACROS_CONCAT_INNER(a, b) a##b
#define RECKON_STATUS_MACROS_CONCAT(a, b) RECKON_STATUS_MACROS_CONCAT_INNER(a, b)

#define RECKON_ASSIGN_OR_RETURN(lhs, expr) \
  RECKON_ASSIGN_OR_RETURN_IMPL(            \
      RECKON_STATUS_MACROS_CONCAT(reckon_statusor_, __LINE__), lhs, expr)

#define RECKON_ASSIGN_OR_RETURN_IMPL(statusor, lhs, expr) \
  auto statusor = (expr);                                 \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#endif  // RECKON_LINKAGE_BASE_STATUS_MACROS_H_
