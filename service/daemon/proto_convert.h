// Record <-> reckon::v1::Record. Conversion copies every value unchanged; it
// checks nothing (see validation.h), so that what was sent is what is
// stored.
#ifndef RECKON_SERVICE_DAEMON_PROTO_CONVERT_H_
#define RECKON_SERVICE_DAEMON_PROTO_CONVERT_H_

#include "linkage/base/record.h"
#include "reckon/v1/record.pb.h"

namespace reckon::service {

void RecordToProto(const Record& record, v1::Record* proto);

Record RecordFromProto(const v1::Record& proto);

}  // namespace reckon::service

#endif  // RECKON_SERVICE_DAEMON_PROTO_CONVERT_H_
