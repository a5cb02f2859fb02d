// A consistent copy of reckond's current linkage, for the ExportLinkage RPC
// (reckon.proto) behind `reckon audit ... --server`: which entity each
// record belongs to, what is settled about each entity, the scored pairs of
// the last relink and the model that scored them. The linkage backend takes
// it under its read lock; the RPC adapter streams it without the lock.
#ifndef RECKON_SERVICE_DAEMON_LINKAGE_SNAPSHOT_H_
#define RECKON_SERVICE_DAEMON_LINKAGE_SNAPSHOT_H_

#include <cstdint>
#include <vector>

#include "linkage/base/record.h"
#include "linkage/estimate/linked_records.h"
#include "linkage/score/fellegi_sunter.h"

namespace reckon::service {

struct LinkageSnapshot {
  // Records by number (sources, record_source, record_entity), entities
  // (entity_ids, attribute_names, attributes) and the scored pairs, as
  // Estimate sees them. record_index may be empty: `keys` names records.
  LinkedRecords link;
  // Per record number, its source and id.
  std::vector<RecordKey> keys;
  FellegiSunterModel model;
  double threshold = 0.0;
  // Pairs at or above the threshold in the last relink.
  uint64_t links = 0;
  int64_t last_relink_unix = 0;
};

}  // namespace reckon::service

#endif  // RECKON_SERVICE_DAEMON_LINKAGE_SNAPSHOT_H_
