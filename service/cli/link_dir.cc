#include "service/cli/link_dir.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "linkage/base/status_macros.h"
#include "nlohmann/json.hpp"

namespace reckon::service {
namespace {

absl::Status ReadCsvInto(const std::string& path,
                         absl::Status (*reader)(std::istream&,
                                                const std::string&,
                                                LinkedRecords*),
                         LinkedRecords* link) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  return reader(in, path, link);
}

bool FileExists(const std::string& path) {
  std::ifstream in(path);
  return static_cast<bool>(in);
}

absl::StatusOr<uint64_t> Count(const nlohmann::json& value,
                               const std::string& path, const char* key) {
  if (!value.is_number_unsigned()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", key, ": expected a non-negative integer"));
  }
  return value.get<uint64_t>();
}

}  // namespace

absl::StatusOr<LinkSummary> ReadLinkSummary(const std::string& dir) {
  const std::string path = dir + "/summary.json";
  LinkSummary summary;
  std::ifstream in(path, std::ios::binary);
  if (!in) return summary;  // optional file
  summary.present = true;
  std::ostringstream text;
  text << in.rdbuf();
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not valid JSON: ", e.what()));
  }
  if (!json.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": not a JSON object"));
  }
  if (auto it = json.find("sources"); it != json.end()) {
    if (!it->is_array()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": sources: expected an array of names"));
    }
    for (const nlohmann::json& s : *it) {
      if (!s.is_string() || s.get<std::string>().empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": sources: expected non-empty strings"));
      }
      summary.sources.push_back(s.get<std::string>());
    }
  }
  if (auto it = json.find("threshold"); it != json.end() && it->is_number()) {
    summary.threshold = it->get<double>();
  }
  for (const auto& [key, target] :
       {std::pair<const char*, std::optional<uint64_t>*>{"records",
                                                         &summary.records},
        {"entities", &summary.entities},
        {"links", &summary.links},
        {"pairs_written", &summary.pairs_written}}) {
    if (auto it = json.find(key); it != json.end()) {
      RECKON_ASSIGN_OR_RETURN(*target, Count(*it, path, key));
    }
  }
  if (auto it = json.find("input_files"); it != json.end()) {
    if (!it->is_object()) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": input_files: expected an object of source: path"));
    }
    for (const auto& [source, file] : it->items()) {
      if (!file.is_string()) {
        return absl::InvalidArgumentError(absl::StrCat(
            path, ": input_files: ", source, ": expected a path"));
      }
      summary.input_files[source] = file.get<std::string>();
    }
  }
  return summary;
}

absl::StatusOr<LinkDirRecords> ReadLinkDirRecords(
    const std::string& dir, const std::vector<std::string>& sources) {
  LinkDirRecords read;
  read.link.sources = sources;
  RECKON_RETURN_IF_ERROR(
      ReadCsvInto(dir + "/entities.csv", &ReadEntitiesCsv, &read.link));
  const std::string info = dir + "/entity_info.csv";
  if (FileExists(info)) {
    RECKON_RETURN_IF_ERROR(ReadCsvInto(info, &ReadEntityInfoCsv, &read.link));
    read.has_entity_info = true;
  }
  const std::string pairs = dir + "/pairs.csv";
  if (FileExists(pairs)) {
    RECKON_RETURN_IF_ERROR(ReadCsvInto(pairs, &ReadPairsCsv, &read.link));
    read.has_pairs = true;
  }
  return read;
}

LinkReportOptions EstimateOptionsForDir(const LinkedRecords& link,
                                        std::optional<double> threshold,
                                        const std::optional<std::string>& by) {
  LinkReportOptions options;
  options.by = by;
  if (!link.pairs.empty()) {
    const double center = threshold.value_or(0.0);
    for (double step : {-4.0, -2.0, 0.0, 2.0, 4.0}) {
      options.thresholds.push_back(center + step);
    }
  }
  return options;
}

}  // namespace reckon::service
