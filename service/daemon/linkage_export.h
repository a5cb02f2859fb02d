// The ExportLinkage stream (reckon.proto) made from a LinkageSnapshot: a
// header (sources, attribute names, the model and the counts), then the
// entities, the records and the scored pairs, in order, cut into messages
// of at most a few thousand items so that none nears gRPC's message size
// limit. Kept apart from the RPC adapter so that it can be tested without
// a network.
//
//   RECKON_RETURN_IF_ERROR(StreamLinkage(snapshot, values, options,
//       [&](const v1::ExportLinkageResponse& message) {
//         return writer->Write(message) ? absl::OkStatus() : broken;
//       }));
#ifndef RECKON_SERVICE_DAEMON_LINKAGE_EXPORT_H_
#define RECKON_SERVICE_DAEMON_LINKAGE_EXPORT_H_

#include <cstddef>
#include <functional>
#include <vector>

#include "absl/status/status.h"
#include "linkage/base/record.h"
#include "reckon/v1/reckon.pb.h"
#include "service/daemon/linkage_snapshot.h"

namespace reckon::service {

struct ExportOptions {
  // Items (entities, records, pairs together) per message; records with
  // values count four times (they are larger).
  size_t items_per_message = 4096;
};

// Sends `snapshot` through `write`, one message at a time. `values`, when
// not empty, holds each record's stored values by record number (nullptr:
// not stored, sent without values). Stops at and returns the first error
// of `write`.
absl::Status StreamLinkage(
    const LinkageSnapshot& snapshot, const std::vector<const Record*>& values,
    const ExportOptions& options,
    const std::function<absl::Status(const v1::ExportLinkageResponse&)>&
        write);

}  // namespace reckon::service

#endif  // RECKON_SERVICE_DAEMON_LINKAGE_EXPORT_H_
