// `reckon link`: read the sources, link them, write the output directory.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "linkage/ingest/record_reader.h"
#include "linkage/linker/linker.h"
#include "service/cli/commands.h"
#include "service/cli/link_output.h"
#include "service/cli/load_sources.h"
#include "service/config/linkage_config.h"

namespace reckon::service {
namespace {

constexpr size_t kMaxErrorsShownPerFile = 20;

CommandSpec LinkSpec() {
  return {
      .name = "link",
      .positionals = "",
      .summary = "Link records within and across sources into entities.",
      .details =
          "Reads each source (CSV with a header, UTF-8, canonical columns or\n"
          "those a --config maps), links records that are the same person, and\n"
          "writes DIR/entities.csv (source,source_record_id,entity_id),\n"
          "DIR/entity_info.csv, DIR/pairs.csv, DIR/model.json,\n"
          "DIR/config.textproto (the config used) and DIR/summary.json.\n"
          "Bad rows are reported on stderr with file, line and field,\n"
          "skipped, and counted in summary.json (rows_rejected).",
      .flags = {{"source", "NAME=FILE.csv", "a source and its file (repeat)",
                 true},
                {"config", "FILE",
                 "LinkageConfig in Protobuf text format (default: the "
                 "canonical schema's defaults)"},
                {"out", "DIR", "output directory (created if missing)"}},
  };
}

// Progress on a terminal: one line per stage, overwritten in place.
class Progress {
 public:
  Progress() : enabled_(isatty(STDERR_FILENO) != 0), start_(absl::Now()) {}
  void Stage(const std::string& name) {
    if (!enabled_) return;
    static const std::vector<std::string> kStages = {
        "read", "prepare", "block", "compare", "train", "score", "cluster",
        "write"};
    size_t index = 0;
    while (index < kStages.size() && kStages[index] != name) ++index;
    const size_t done = std::min(index, kStages.size());
    std::string bar(done * 3, '#');
    bar.resize(kStages.size() * 3, '.');
    std::cerr << absl::StrFormat("\rreckon link [%s] %-8s %6.1fs", bar, name,
                                 absl::ToDoubleSeconds(absl::Now() - start_))
              << std::flush;
  }
  void Done() {
    if (enabled_) std::cerr << "\n";
  }

 private:
  bool enabled_;
  absl::Time start_;
};

}  // namespace

int RunLink(const std::vector<std::string>& args) {
  const CommandSpec spec = LinkSpec();
  int exit_code = kExitOk;
  std::optional<ParsedArgs> parsed = ParseOrExit(spec, args, &exit_code);
  if (!parsed.has_value()) return exit_code;
  const std::vector<std::string> sources = parsed->GetAll("source");
  const std::optional<std::string> out_dir = parsed->Get("out");
  if (sources.empty()) {
    return ReportError("link", absl::InvalidArgumentError(
                                   "at least one --source NAME=FILE is needed"),
                       /*usage=*/true);
  }
  if (!out_dir.has_value()) {
    return ReportError("link", absl::InvalidArgumentError("--out DIR is needed"),
                       /*usage=*/true);
  }
  const absl::Time start = absl::Now();
  absl::StatusOr<LoadedConfig> config =
      LoadLinkageConfig(parsed->Get("config").value_or(""));
  if (!config.ok()) return ReportError("link", config.status());

  absl::StatusOr<std::vector<SourceFile>> files = ParseSourceFlags(sources);
  if (!files.ok()) return ReportError("link", files.status(), /*usage=*/true);
  Progress progress;
  progress.Stage("read");
  absl::StatusOr<LoadedSources> loaded = LoadSources(
      *files, config->reader,
      [](const std::string& path, const std::vector<std::string>& errors) {
        for (size_t e = 0; e < errors.size(); ++e) {
          if (e == kMaxErrorsShownPerFile) {
            std::cerr << "reckon link: " << path << ": " << errors.size() - e
                      << " more rejected rows\n";
            break;
          }
          std::cerr << "reckon link: " << errors[e] << " (row skipped)\n";
        }
      });
  if (!loaded.ok()) return ReportError("link", loaded.status());
  LinkRunInfo info;
  info.sources = loaded->sources;
  info.source_files = loaded->source_files;
  info.rows_rejected = loaded->rows_rejected;
  std::vector<Record> records = std::move(loaded->records);
  info.extra_seconds.push_back(
      {"read", absl::ToDoubleSeconds(absl::Now() - start)});

  absl::StatusOr<std::unique_ptr<Linker>> linker = Linker::Create(config->linker);
  if (!linker.ok()) return ReportError("link", linker.status());
  absl::StatusOr<LinkResult> result = (*linker)->Link(
      records, info.sources, ExecOptions{},
      [&](const std::string& stage) { progress.Stage(stage); });
  if (!result.ok()) {
    progress.Done();
    return ReportError("link", result.status());
  }

  progress.Stage("write");
  const absl::Time write_start = absl::Now();
  std::error_code error;
  std::filesystem::create_directories(*out_dir, error);
  if (error) {
    progress.Done();
    return ReportError("link", absl::InvalidArgumentError(absl::StrCat(
                                   "--out ", *out_dir, ": ", error.message())));
  }
  if (absl::Status status = WriteLinkOutputs(*out_dir, records, *result);
      !status.ok()) {
    progress.Done();
    return ReportError("link", status);
  }
  // The config the run used, so that `reckon audit explain` can redo it.
  {
    const std::string config_out = *out_dir + "/config.textproto";
    const std::optional<std::string> config_in = parsed->Get("config");
    if (config_in.has_value()) {
      std::filesystem::copy_file(
          *config_in, config_out,
          std::filesystem::copy_options::overwrite_existing, error);
    } else {
      std::ofstream(config_out)
          << "# reckon link ran with the canonical schema's defaults\n";
    }
    if (error) {
      progress.Done();
      return ReportError("link", absl::UnavailableError(absl::StrCat(
                                     config_out, ": ", error.message())));
    }
  }
  info.extra_seconds.push_back(
      {"write", absl::ToDoubleSeconds(absl::Now() - write_start)});
  info.total_seconds = absl::ToDoubleSeconds(absl::Now() - start);
  info.peak_memory_bytes = PeakMemoryBytes();
  const nlohmann::json summary =
      SummaryJson(records, *result, (*linker)->config(), info);
  if (absl::Status status = WriteJsonFile(*out_dir + "/summary.json", summary);
      !status.ok()) {
    progress.Done();
    return ReportError("link", status);
  }
  progress.Done();
  std::cout << absl::StrFormat(
      "linked %d records (%d rows rejected) from %d sources into %d entities: "
      "%d candidate pairs, %d links, %.1f s; output in %s\n",
      records.size(), info.rows_rejected, info.sources.size(),
      result->clustering.entities, result->candidate_pairs, result->links,
      info.total_seconds, *out_dir);
  return kExitOk;
}

}  // namespace reckon::service
