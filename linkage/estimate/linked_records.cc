#include "linkage/estimate/linked_records.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "linkage/estimate/capture_histories.h"
#include "linkage/ingest/csv_reader.h"

namespace reckon {
namespace {

// Reads the header and finds `wanted` columns (case-insensitive). Returns
// their indices in `wanted` order.
absl::StatusOr<std::vector<size_t>> ReadHeader(
    CsvReader& reader, const std::string& name,
    const std::vector<std::string>& wanted, std::vector<std::string>* header) {
  CsvRow row;
  absl::StatusOr<bool> got = reader.Next(&row);
  if (!got.ok()) return got.status();
  if (!*got) return absl::InvalidArgumentError(absl::StrCat(name, ": empty file"));
  std::vector<size_t> out;
  for (const std::string& column : wanted) {
    bool found = false;
    for (size_t i = 0; i < row.fields.size(); ++i) {
      if (absl::AsciiStrToLower(row.fields[i]) == column) {
        out.push_back(i);
        found = true;
        break;
      }
    }
    if (!found) {
      return absl::InvalidArgumentError(absl::StrCat(
          name, ":", row.line, ": missing column \"", column, "\""));
    }
  }
  if (header != nullptr) *header = row.fields;
  return out;
}

absl::StatusOr<uint32_t> SourceIndex(LinkedRecords* link, const std::string& source,
                                     bool may_add, const std::string& where) {
  for (size_t i = 0; i < link->sources.size(); ++i) {
    if (link->sources[i] == source) return static_cast<uint32_t>(i);
  }
  if (!may_add) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, "source: \"", source, "\" is not among the linked sources"));
  }
  if (link->sources.size() >= static_cast<size_t>(kMaxHistorySources)) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, "source: more than ", kMaxHistorySources, " sources"));
  }
  link->sources.push_back(source);
  link->record_index.emplace_back();
  return static_cast<uint32_t>(link->sources.size() - 1);
}

absl::StatusOr<double> ParseNumber(const std::string& text,
                                   const std::string& where,
                                   const char* column) {
  double value = 0.0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, column, ": not a number \"", text, "\""));
  }
  return value;
}

}  // namespace

std::vector<uint32_t> LinkedRecords::EntityMasks() const {
  std::vector<uint32_t> masks(num_entities(), 0);
  for (size_t r = 0; r < num_records(); ++r) {
    masks[record_entity[r]] |= uint32_t{1} << record_source[r];
  }
  return masks;
}

std::vector<int64_t> LinkedRecords::RecordsPerSource() const {
  std::vector<int64_t> out(sources.size(), 0);
  for (uint32_t s : record_source) ++out[s];
  return out;
}

std::optional<size_t> LinkedRecords::AttributeIndex(std::string_view name) const {
  for (size_t i = 0; i < attribute_names.size(); ++i) {
    if (attribute_names[i] == name) return i;
  }
  return std::nullopt;
}

std::vector<std::string> LinkedRecords::EntityStrata(size_t index) const {
  std::vector<std::string> out(num_entities());
  const std::vector<std::string>& values = attributes[index];
  for (size_t e = 0; e < out.size(); ++e) {
    out[e] = values[e].empty() ? std::string(kUnknownStratum) : values[e];
  }
  return out;
}

absl::Status ReadEntitiesCsv(std::istream& in, const std::string& name,
                             LinkedRecords* link) {
  CsvReader reader(in, name);
  absl::StatusOr<std::vector<size_t>> columns = ReadHeader(
      reader, name, {"source", "source_record_id", "entity_id"}, nullptr);
  if (!columns.ok()) return columns.status();
  const bool may_add = link->sources.empty();
  link->record_index.resize(link->sources.size());
  CsvRow row;
  while (true) {
    absl::StatusOr<bool> got = reader.Next(&row);
    if (!got.ok()) return got.status();
    if (!*got) break;
    const std::string where = absl::StrCat(name, ":", row.line, ": ");
    const std::vector<size_t>& c = *columns;
    for (size_t i = 0; i < 3; ++i) {
      if (c[i] >= row.fields.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, "expected at least ", c[i] + 1,
                         " fields, found ", row.fields.size()));
      }
      if (row.fields[c[i]].empty()) {
        static constexpr const char* kNames[] = {"source", "source_record_id",
                                                 "entity_id"};
        return absl::InvalidArgumentError(
            absl::StrCat(where, kNames[i], ": empty value"));
      }
    }
    absl::StatusOr<uint32_t> source =
        SourceIndex(link, row.fields[c[0]], may_add, where);
    if (!source.ok()) return source.status();
    const auto record = static_cast<uint32_t>(link->record_source.size());
    auto [it, inserted] =
        link->record_index[*source].emplace(row.fields[c[1]], record);
    if (!inserted) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, "source_record_id: \"", row.fields[c[1]],
          "\" listed twice for source ", row.fields[c[0]]));
    }
    auto [entity, added] = link->entity_index.emplace(
        row.fields[c[2]], static_cast<uint32_t>(link->entity_ids.size()));
    if (added) link->entity_ids.push_back(row.fields[c[2]]);
    link->record_source.push_back(*source);
    link->record_entity.push_back(entity->second);
  }
  if (link->num_records() == 0) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": no records"));
  }
  for (auto& values : link->attributes) values.resize(link->num_entities());
  return absl::OkStatus();
}

absl::Status ReadEntityInfoCsv(std::istream& in, const std::string& name,
                               LinkedRecords* link) {
  CsvReader reader(in, name);
  std::vector<std::string> header;
  absl::StatusOr<std::vector<size_t>> columns =
      ReadHeader(reader, name, {"entity_id"}, &header);
  if (!columns.ok()) return columns.status();
  const size_t id_column = (*columns)[0];
  std::vector<size_t> value_columns;
  link->attribute_names.clear();
  link->attributes.clear();
  for (size_t i = 0; i < header.size(); ++i) {
    if (i == id_column) continue;
    value_columns.push_back(i);
    link->attribute_names.push_back(absl::AsciiStrToLower(header[i]));
    link->attributes.emplace_back(link->num_entities());
  }
  std::vector<bool> seen(link->num_entities(), false);
  CsvRow row;
  while (true) {
    absl::StatusOr<bool> got = reader.Next(&row);
    if (!got.ok()) return got.status();
    if (!*got) break;
    const std::string where = absl::StrCat(name, ":", row.line, ": ");
    if (row.fields.size() != header.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, "expected ", header.size(), " fields, found ",
                       row.fields.size()));
    }
    auto it = link->entity_index.find(row.fields[id_column]);
    if (it == link->entity_index.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, "entity_id: \"", row.fields[id_column],
                       "\" is not in entities.csv"));
    }
    if (seen[it->second]) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, "entity_id: \"", row.fields[id_column], "\" listed twice"));
    }
    seen[it->second] = true;
    for (size_t a = 0; a < value_columns.size(); ++a) {
      link->attributes[a][it->second] = row.fields[value_columns[a]];
    }
  }
  return absl::OkStatus();
}

absl::Status ReadPairsCsv(std::istream& in, const std::string& name,
                          LinkedRecords* link) {
  CsvReader reader(in, name);
  absl::StatusOr<std::vector<size_t>> columns = ReadHeader(
      reader, name,
      {"source_a", "source_record_id_a", "source_b", "source_record_id_b",
       "weight", "probability"},
      nullptr);
  if (!columns.ok()) return columns.status();
  const std::vector<size_t>& c = *columns;
  size_t needed = 0;
  for (size_t i : c) needed = std::max(needed, i + 1);
  CsvRow row;
  while (true) {
    absl::StatusOr<bool> got = reader.Next(&row);
    if (!got.ok()) return got.status();
    if (!*got) break;
    const std::string where = absl::StrCat(name, ":", row.line, ": ");
    if (row.fields.size() < needed) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, "expected ", needed, " fields, found ", row.fields.size()));
    }
    uint32_t records[2];
    for (int side = 0; side < 2; ++side) {
      const std::string& source = row.fields[c[static_cast<size_t>(2 * side)]];
      const std::string& id = row.fields[c[static_cast<size_t>(2 * side + 1)]];
      absl::StatusOr<uint32_t> s = SourceIndex(link, source, false, where);
      if (!s.ok()) return s.status();
      auto it = link->record_index[*s].find(id);
      if (it == link->record_index[*s].end()) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, "record ", source, ":", id,
                         " is not in entities.csv"));
      }
      records[side] = it->second;
    }
    absl::StatusOr<double> weight = ParseNumber(row.fields[c[4]], where, "weight");
    if (!weight.ok()) return weight.status();
    absl::StatusOr<double> probability =
        ParseNumber(row.fields[c[5]], where, "probability");
    if (!probability.ok()) return probability.status();
    if (*probability < 0.0 || *probability > 1.0) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, "probability: ", row.fields[c[5]], " is outside [0, 1]"));
    }
    link->pairs.push_back(LinkPair{.a = records[0],
                                        .b = records[1],
                                        .weight = *weight,
                                        .probability = *probability});
  }
  return absl::OkStatus();
}

}  // namespace reckon
