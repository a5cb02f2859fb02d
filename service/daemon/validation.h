// What reckond accepts from a client, and the limits it enforces.
//
// Two kinds of bad input are told apart (issue 7):
// - Malformed input (invalid UTF-8, control characters, an over-long value,
//   a missing or repeated record id, a record of another source, too many
//   records or extra columns): the whole batch is refused with
//   kInvalidArgument naming the record index and field, and nothing is
//   written. Such a batch comes from a broken client, not from a register.
// - Well-formed text that does not parse (a birth date of 31.02.1990, an
//   unknown nationality): that record is rejected with its field and reason,
//   listed in the reply, and the rest of the batch is stored.
#ifndef RECKON_SERVICE_DAEMON_VALIDATION_H_
#define RECKON_SERVICE_DAEMON_VALIDATION_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

#include "linkage/base/record.h"
#include "service/store/sqlite_store.h"

namespace reckon::service {

struct Limits {
  // Largest gRPC message reckond receives, in bytes.
  int max_message_bytes = 16 << 20;
  // Most records in one SubmitBatch call.
  size_t max_records_per_batch = 10000;
  // Most records in one UploadBatch stream (held in memory until commit).
  size_t max_records_per_upload = 250000;
  // Longest value of any field, in bytes (as `reckon link` reads CSV).
  size_t max_field_bytes = 4096;
  // Longest agency, source, batch id, record id or extra column name.
  size_t max_name_bytes = 128;
  // Most extra columns on one record.
  size_t max_extra_fields = 64;
  // Longest any call may run, whatever deadline the client sets (an upload
  // stream that trickles is cut off here).
  absl::Duration max_call_time = absl::Minutes(10);
};

// Checks an identifier chosen by a client or operator (agency, source,
// batch id): not empty, valid UTF-8, no control characters, no leading or
// trailing spaces, at most `limits.max_name_bytes`. `what` names it in the
// error ("batch_id").
absl::Status CheckName(std::string_view what, std::string_view value,
                       const Limits& limits);

// Checks every record of a batch for `source` (see the file comment).
// Records with an empty source get `source`. Returns kInvalidArgument
// "record <i>: <field>: <what>" for the first malformed record, or
// "batch: ..." for a batch-wide problem.
absl::Status ValidateBatch(std::string_view source,
                           std::vector<Record>& records, const Limits& limits);

// The records whose well-formed values do not parse, with field and reason:
// birth_date and registered_on by ParseDate, nationality by
// NationalityToAlpha3, sex by ParseSex (linkage/ingest/). Empty values are
// missing, not wrong. At most one rejection per record, for its first bad
// field in that order. REQUIRES: ValidateBatch accepted `records`.
std::vector<store::RecordRejection> FindUnparseableValues(
    const std::vector<Record>& records);

}  // namespace reckon::service

#endif  // RECKON_SERVICE_DAEMON_VALIDATION_H_
