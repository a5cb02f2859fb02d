#include "service/daemon/proto_convert.h"

#include <array>
#include <string>

namespace reckon::service {
namespace {

// The proto's accessors for each canonical field, in Field order.
struct FieldAccess {
  const std::string& (v1::Record::*get)() const;
  std::string* (v1::Record::*mutable_value)();
};

const std::array<FieldAccess, kFieldCount>& Accessors() {
  static const std::array<FieldAccess, kFieldCount> kAccess = {
      FieldAccess{&v1::Record::given_name, &v1::Record::mutable_given_name},
      FieldAccess{&v1::Record::surname, &v1::Record::mutable_surname},
      FieldAccess{&v1::Record::patronymic, &v1::Record::mutable_patronymic},
      FieldAccess{&v1::Record::full_name, &v1::Record::mutable_full_name},
      FieldAccess{&v1::Record::sex, &v1::Record::mutable_sex},
      FieldAccess{&v1::Record::birth_date, &v1::Record::mutable_birth_date},
      FieldAccess{&v1::Record::nationality, &v1::Record::mutable_nationality},
      FieldAccess{&v1::Record::passport_no, &v1::Record::mutable_passport_no},
      FieldAccess{&v1::Record::region, &v1::Record::mutable_region},
      FieldAccess{&v1::Record::sector, &v1::Record::mutable_sector},
      FieldAccess{&v1::Record::registered_on,
                  &v1::Record::mutable_registered_on},
  };
  return kAccess;
}

}  // namespace

void RecordToProto(const Record& record, v1::Record* proto) {
  proto->Clear();
  proto->set_source(record.source);
  proto->set_source_record_id(record.source_record_id);
  const auto& access = Accessors();
  for (size_t i = 0; i < kFieldCount; ++i) {
    if (!record.fields[i].empty())
      *(proto->*access[i].mutable_value)() = record.fields[i];
  }
  for (const auto& [name, value] : record.extra) {
    v1::ExtraField* extra = proto->add_extra();
    extra->set_name(name);
    extra->set_value(value);
  }
}

Record RecordFromProto(const v1::Record& proto) {
  Record record;
  record.source = proto.source();
  record.source_record_id = proto.source_record_id();
  const auto& access = Accessors();
  for (size_t i = 0; i < kFieldCount; ++i) {
    record.fields[i] = (proto.*access[i].get)();
  }
  record.extra.reserve(static_cast<size_t>(proto.extra_size()));
  for (const v1::ExtraField& extra : proto.extra()) {
    record.extra.emplace_back(extra.name(), extra.value());
  }
  return record;
}

}  // namespace reckon::service
