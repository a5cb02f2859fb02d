// `reckon synth`: writes a multi-register scenario with known truth to a
// directory. The generator (linkage/synth) writes to streams; this file owns
// the files, the flags and the messages.
#include <charconv>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

#include "linkage/base/status_macros.h"
#include "linkage/synth/scenario.h"
#include "service/cli/commands.h"

namespace reckon::service {
namespace {

const CommandSpec& SynthSpec() {
  static const CommandSpec kSpec = {
      .name = "synth",
      .positionals = "",
      .summary = "generate a multi-register scenario with known truth",
      .details =
          "Simulates N foreign nationals living in Azerbaijan (nationality "
          "mix\n"
          "after the 2013 migration report) and K registers that each catch\n"
          "part of them and write them down in their own way: migration\n"
          "(passport Latin), interior (Cyrillic or Russian-style Latin),\n"
          "labour (Azerbaijani Latin), statistics (plain ASCII), border\n"
          "(MRZ-like full names), health (native script); K takes the first "
          "K.\n"
          "\n"
          "Writes DIR/<register>.csv in the canonical schema (interior, "
          "labour\n"
          "and health add an address column), DIR/truth.csv\n"
          "(source,source_record_id,person_id) and DIR/truth.json (true N in\n"
          "all and per nationality, people and records per register, the "
          "count\n"
          "of every observed capture history such as \"1011\", one digit per\n"
          "register in file order, and these arguments). Existing files of\n"
          "those names are replaced. The same arguments give byte-identical\n"
          "files on any number of threads.\n"
          "\n"
          "--noise sets typos, OCR confusions, swapped names, missing\n"
          "patronymics, swapped day and month, years off by one, missing "
          "days,\n"
          "partial or missing passports, diminutives, stray case and spaces,\n"
          "duplicates within a register (3, 5 or 8% of those caught), and\n"
          "look-alikes and relatives (same name and birth year; same surname\n"
          "and address). --heterogeneity none gives every person the same\n"
          "independent catch probability in each register; mild and strong\n"
          "make it depend on legal status, sector, region and the person, and\n"
          "strong leaves irregular migrants out of the labour register and\n"
          "some people nearly invisible to all.",
      .flags =
          {
              {"people", "N", "true population size, 1 to 100000000"},
              {"sources", "K", "number of registers, 2 to 6"},
              {"noise", "LEVEL", "low, medium or high (see above)"},
              {"heterogeneity", "LEVEL", "none, mild or strong (see above)"},
              {"seed", "S", "random seed, an unsigned 64-bit integer"},
              {"out", "DIR", "output directory, created if missing"},
          },
  };
  return kSpec;
}

template <typename T>
absl::StatusOr<T> ParseInteger(const std::string& flag,
                               const std::string& text) {
  T value{};
  const char* end = text.data() + text.size();
  auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || ptr != end) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": expected an integer, got \"", text, "\""));
  }
  return value;
}

absl::StatusOr<SynthOptions> OptionsFromArgs(const ParsedArgs& args) {
  for (const char* flag :
       {"people", "sources", "noise", "heterogeneity", "seed", "out"}) {
    if (!args.Has(flag)) {
      return absl::InvalidArgumentError(
          absl::StrCat("missing --", flag, " (see --help)"));
    }
  }
  SynthOptions options;
  RECKON_ASSIGN_OR_RETURN(options.people,
                          ParseInteger<int64_t>("people", *args.Get("people")));
  RECKON_ASSIGN_OR_RETURN(options.sources,
                          ParseInteger<int>("sources", *args.Get("sources")));
  RECKON_ASSIGN_OR_RETURN(options.noise, ParseNoiseLevel(*args.Get("noise")));
  RECKON_ASSIGN_OR_RETURN(options.heterogeneity,
                          ParseHeterogeneity(*args.Get("heterogeneity")));
  RECKON_ASSIGN_OR_RETURN(options.seed,
                          ParseInteger<uint64_t>("seed", *args.Get("seed")));
  RECKON_RETURN_IF_ERROR(ValidateSynthOptions(options));
  return options;
}

// Opens `path` for writing with a large buffer; the buffer must outlive the
// stream.
absl::Status OpenOutput(const std::filesystem::path& path,
                        std::vector<char>* buffer, std::ofstream* out) {
  buffer->resize(1 << 20);
  out->rdbuf()->pubsetbuf(buffer->data(),
                          static_cast<std::streamsize>(buffer->size()));
  out->open(path, std::ios::binary | std::ios::trunc);
  if (!*out) {
    return absl::FailedPreconditionError(
        absl::StrCat(path.string(), ": cannot open for writing"));
  }
  return absl::OkStatus();
}

absl::Status Run(const SynthOptions& options, const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat(dir, ": cannot create directory: ", error.message()));
  }
  const auto k = static_cast<size_t>(options.sources);
  const size_t files = k + 2;
  std::vector<std::vector<char>> buffers(files);
  std::vector<std::unique_ptr<std::ofstream>> streams;
  std::vector<std::filesystem::path> paths;
  for (size_t i = 0; i < k; ++i) {
    paths.push_back(std::filesystem::path(dir) /
                    absl::StrCat(std::string(SynthSourceNames()[i]), ".csv"));
  }
  paths.push_back(std::filesystem::path(dir) / "truth.csv");
  paths.push_back(std::filesystem::path(dir) / "truth.json");
  for (size_t i = 0; i < files; ++i) {
    streams.push_back(std::make_unique<std::ofstream>());
    RECKON_RETURN_IF_ERROR(OpenOutput(paths[i], &buffers[i], streams[i].get()));
  }
  ScenarioOutputs outputs;
  for (size_t i = 0; i < k; ++i) outputs.sources.push_back(streams[i].get());
  outputs.truth_csv = streams[k].get();
  outputs.truth_json = streams[k + 1].get();

  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<ScenarioSummary> summary = WriteScenario(options, outputs);
  if (!summary.ok()) {
    return absl::Status(summary.status().code(),
                        absl::StrCat(dir, ": ", summary.status().message()));
  }
  for (size_t i = 0; i < files; ++i) {
    streams[i]->close();
    if (!*streams[i]) {
      return absl::DataLossError(
          absl::StrCat(paths[i].string(), ": write failed"));
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  int64_t records = 0;
  for (int64_t n : summary->records_per_source) records += n;
  std::cout << absl::StrFormat(
      "reckon synth: %d people, %d records in %d registers, %d people in no "
      "register; wrote %s (%.1f s)\n",
      summary->people, records, options.sources, summary->histories[0], dir,
      seconds);
  return absl::OkStatus();
}

}  // namespace

int RunSynth(const std::vector<std::string>& args) {
  int exit_code = kExitOk;
  std::optional<ParsedArgs> parsed = ParseOrExit(SynthSpec(), args, &exit_code);
  if (!parsed.has_value()) return exit_code;
  absl::StatusOr<SynthOptions> options = OptionsFromArgs(*parsed);
  if (!options.ok()) {
    return ReportError("synth", options.status(), /*usage=*/true);
  }
  if (absl::Status status = Run(*options, *parsed->Get("out")); !status.ok()) {
    return ReportError("synth", status);
  }
  return kExitOk;
}

}  // namespace reckon::service
