#include "service/daemon/linkage_export.h"

#include <algorithm>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "linkage/base/status_macros.h"
#include "service/daemon/proto_convert.h"

namespace reckon::service {
namespace {

void ModelToProto(const LinkageSnapshot& snapshot, v1::LinkageModel* proto) {
  proto->set_lambda(snapshot.model.lambda);
  proto->set_threshold(snapshot.threshold);
  for (const ComparisonModel& comparison : snapshot.model.comparisons) {
    v1::ModelComparison* out = proto->add_comparisons();
    out->set_name(comparison.name);
    for (int l = 0; l < comparison.levels(); ++l) {
      const auto i = static_cast<size_t>(l);
      v1::ModelLevel* level = out->add_levels();
      level->set_level(comparison.level_names[i]);
      level->set_m(i < comparison.m.size() ? comparison.m[i] : 0.0);
      level->set_u(i < comparison.u.size() ? comparison.u[i] : 0.0);
      level->set_weight(comparison.Weight(l));
    }
  }
}

// Buffers items and hands a message to `write` whenever it is full.
class Chunker {
 public:
  Chunker(size_t capacity,
          const std::function<absl::Status(const v1::ExportLinkageResponse&)>&
              write)
      : capacity_(std::max<size_t>(capacity, 1)), write_(write) {}

  v1::ExportLinkageResponse& message() { return message_; }

  // Counts `cost` items just added; sends the message once full.
  absl::Status Added(size_t cost) {
    items_ += cost;
    if (items_ < capacity_) return absl::OkStatus();
    return Flush();
  }

  // Sends what is buffered (always at least one message in all: the header).
  absl::Status Flush() {
    if (items_ == 0 && sent_ > 0) return absl::OkStatus();
    RECKON_RETURN_IF_ERROR(write_(message_));
    message_.Clear();
    items_ = 0;
    ++sent_;
    return absl::OkStatus();
  }

 private:
  const size_t capacity_;
  const std::function<absl::Status(const v1::ExportLinkageResponse&)>& write_;
  v1::ExportLinkageResponse message_;
  size_t items_ = 0;
  size_t sent_ = 0;
};

}  // namespace

absl::Status StreamLinkage(
    const LinkageSnapshot& snapshot, const std::vector<const Record*>& values,
    const ExportOptions& options,
    const std::function<absl::Status(const v1::ExportLinkageResponse&)>&
        write) {
  const LinkedRecords& link = snapshot.link;
  const size_t records = link.record_entity.size();
  if (snapshot.keys.size() != records || link.record_source.size() != records ||
      (!values.empty() && values.size() != records)) {
    return absl::InternalError(absl::StrCat(
        "ExportLinkage: inconsistent snapshot: ", records, " records, ",
        snapshot.keys.size(), " keys, ", link.record_source.size(),
        " sources, ", values.size(), " values"));
  }
  Chunker chunker(options.items_per_message, write);
  v1::ExportHeader* header = chunker.message().mutable_header();
  for (const std::string& source : link.sources) header->add_sources(source);
  for (const std::string& name : link.attribute_names) {
    header->add_attribute_names(name);
  }
  ModelToProto(snapshot, header->mutable_model());
  header->set_records(static_cast<int64_t>(records));
  header->set_entities(static_cast<int64_t>(link.entity_ids.size()));
  header->set_pairs(static_cast<int64_t>(link.pairs.size()));
  header->set_links(static_cast<int64_t>(snapshot.links));
  header->set_last_relink_unix(snapshot.last_relink_unix);
  RECKON_RETURN_IF_ERROR(chunker.Added(1));

  for (size_t e = 0; e < link.entity_ids.size(); ++e) {
    v1::ExportedEntity* entity = chunker.message().add_entities();
    entity->set_entity_id(link.entity_ids[e]);
    for (const std::vector<std::string>& column : link.attributes) {
      entity->add_attributes(e < column.size() ? column[e] : std::string());
    }
    RECKON_RETURN_IF_ERROR(chunker.Added(1));
  }
  for (size_t r = 0; r < records; ++r) {
    v1::ExportedRecord* record = chunker.message().add_records();
    record->set_source(link.record_source[r]);
    record->set_source_record_id(snapshot.keys[r].source_record_id);
    record->set_entity(link.record_entity[r]);
    size_t cost = 1;
    if (!values.empty() && values[r] != nullptr) {
      RecordToProto(*values[r], record->mutable_values());
      cost = 4;
    }
    RECKON_RETURN_IF_ERROR(chunker.Added(cost));
  }
  for (const LinkPair& pair : link.pairs) {
    v1::ExportedPair* out = chunker.message().add_pairs();
    out->set_a(pair.a);
    out->set_b(pair.b);
    out->set_weight(pair.weight);
    out->set_match_probability(pair.probability);
    RECKON_RETURN_IF_ERROR(chunker.Added(1));
  }
  return chunker.Flush();
}

}  // namespace reckon::service
