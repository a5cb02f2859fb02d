// The scenario generator behind `reckon synth`: a true population of foreign
// nationals in Azerbaijan and K registers (2..6) that each catch part of it
// and write it down in their own way, with the ground truth.
//
//   SynthOptions options{.people = 20000, .sources = 4};
//   std::ostringstream migration, interior, labour, statistics, csv, json;
//   absl::StatusOr<ScenarioSummary> summary = WriteScenario(
//       options, {.sources = {&migration, &interior, &labour, &statistics},
//                 .truth_csv = &csv, .truth_json = &json});
//
// The registers, in order (K takes the first K), and how each writes:
//   migration   passport Latin as printed (Mammadov, Öztürk, Xiaoming);
//               ISO dates; nationality alpha-3; sex M/F
//   interior    Russian Cyrillic, or Russian-style Latin (Gusejnov,
//               Guseynov) in a quarter of records; -ovich patronymics;
//               DD.MM.YYYY; nationality in Russian; sex М/Ж
//   labour      Azerbaijani Latin (Məmmədov, Vaqif oğlu); DD/MM/YYYY;
//               nationality in Azerbaijani; sex K/Q
//   statistics  plain ASCII, upper or title case, Persian and Arabic names in
//               assorted romanizations; birth year-month only; nationality
//               in English; sex 1/2 (ISO 5218)
//   border      full_name only, MRZ-like (SURNAME<<GIVEN<NAMES); YYYYMMDD;
//               nationality alpha-2; sex M/F
//   health      full_name only, in the native script (王小明, მამუკა
//               ბერიძე, محمد حسینی, Иванов Иван Иванович); DD.MM.YYYY, year
//               only when the day is unknown; nationality in Turkish; sex 1/2
// Chinese names are written given-name-first in about 15% of split-name
// records (a clerk's habit, present at every noise level).
//
// Capture. Register k catches a person with probability
//   p = 1 / (1 + exp(-(logit(kBaseCatchRate[k]) + h * effect_k(person)
//                      + s * z + t * e_k)))
// where effect_k depends on legal status, sector and region (a work-permit
// holder is likely in both labour and migration, an irregular migrant in
// neither), z ~ N(0,1) is the person's visibility shared by all registers,
// and e_k ~ N(0,1) is register-specific. --heterogeneity sets (h, s, t):
// none (0, 0, 0): equal catchability, registers independent; mild
// (0.5, 0.5, 0.3); strong (1, 1.2, 0.8), and in addition irregular
// migrants are never in the labour register and one person in ten is
// nearly invisible (logit - 3) to every register.
//
// Noise (rates per field or record, low / medium / high): typos 1/4/10%,
// OCR-like confusions 0.5/2/5%, given name and surname swapped 0.5/2/5%,
// patronymic missing 5/15/30%, day and month swapped 0.5/2/5%, year off by
// one 0.3/1/3%, day missing 0.5/2/5%, passport partial 1/4/8% and missing
// 2/6/12%, diminutives 0.5/2/5%, stray case 2/5/10% and whitespace
// 2/5/10%, duplicates within a register 3/5/8% of captured people (own
// record id, same person id), look-alikes (another person's common name and
// birth year) 0.5/1/2% and relatives (surname and address shared) 2/4/6% of
// people.
//
// Determinism: every person has random streams of their own, derived from
// --seed and the person's index, so the output depends on the arguments only,
// never on the thread count. The population, its capture and the record
// styles are the same at every noise level; only the noise differs.
#ifndef RECKON_LINKAGE_SYNTH_SCENARIO_H_
#define RECKON_LINKAGE_SYNTH_SCENARIO_H_

#include <array>
#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#include "linkage/base/exec.h"
#include "linkage/base/record.h"

namespace reckon {

enum class NoiseLevel { kLow, kMedium, kHigh };
enum class Heterogeneity { kNone, kMild, kStrong };

// "low", "medium", "high"; kInvalidArgument naming the accepted values.
absl::StatusOr<NoiseLevel> ParseNoiseLevel(std::string_view text);
std::string_view NoiseLevelName(NoiseLevel level);
// "none", "mild", "strong".
absl::StatusOr<Heterogeneity> ParseHeterogeneity(std::string_view text);
std::string_view HeterogeneityName(Heterogeneity heterogeneity);

inline constexpr int kMinSynthSources = 2;
inline constexpr int kMaxSynthSources = 6;
inline constexpr int64_t kMaxSynthPeople = 100'000'000;

// The registers in file order: migration, interior, labour, statistics,
// border, health.
const std::array<std::string_view, kMaxSynthSources>& SynthSourceNames();

// Each register's catch probability under --heterogeneity none, in the order
// of SynthSourceNames().
inline constexpr std::array<double, kMaxSynthSources> kBaseCatchRate = {
    0.55, 0.45, 0.35, 0.30, 0.50, 0.25};

struct SynthOptions {
  int64_t people = 1000;  // 1..kMaxSynthPeople
  int sources = 4;        // kMinSynthSources..kMaxSynthSources
  NoiseLevel noise = NoiseLevel::kMedium;
  Heterogeneity heterogeneity = Heterogeneity::kMild;
  uint64_t seed = 1;
};

// kInvalidArgument naming the bad option.
absl::Status ValidateSynthOptions(const SynthOptions& options);

// Where WriteScenario writes. `sources[k]` receives register k's CSV; all
// pointers must be non-null and there must be exactly `options.sources`.
struct ScenarioOutputs {
  std::vector<std::ostream*> sources;
  std::ostream* truth_csv = nullptr;   // source,source_record_id,person_id
  std::ostream* truth_json = nullptr;  // see WriteScenario
};

// What the truth says, as also written to truth.json.
struct ScenarioSummary {
  std::vector<std::string> sources;
  int64_t people = 0;
  std::map<std::string, int64_t> people_by_nationality;  // alpha-3 -> N
  std::vector<int64_t> records_per_source;
  std::vector<int64_t> people_per_source;  // distinct people
  // Capture-history counts indexed by mask (bit k set: in source k); index 0
  // counts the people no register caught.
  std::vector<int64_t> histories;
  // The same, per nationality.
  std::map<std::string, std::vector<int64_t>> histories_by_nationality;
};

// The capture-history string of `mask` over `sources` registers: one digit
// per register in file order, e.g. mask 0b1101 over 4 -> "1011".
std::string HistoryString(uint32_t mask, int sources);

// Generates the scenario and writes it: one CSV per register (header
// source_record_id, given_name, surname, patronymic, full_name, sex,
// birth_date, nationality, passport_no, region, sector, registered_on, then
// address for interior, labour and health), truth.csv, and truth.json:
//   {"generator": ..., "arguments": {"people", "sources", "noise",
//    "heterogeneity", "seed"}, "sources": [...], "true_n": N,
//    "true_n_by_nationality": {"TUR": n, ...}, "uncaptured": n0,
//    "records_per_source": {...}, "people_per_source": {...},
//    "histories": {"1011": n, ...}, "histories_by_nationality":
//    {"TUR": {"1011": n, ...}, ...}}
// Only observed history cells (count > 0, not all zeros) are listed.
// Runs in parallel on the caller's TBB arena; output is identical for any
// thread count. Fails with kInvalidArgument for bad options or outputs,
// kDataLoss if a stream fails, or what `exec` says when it stops the work.
absl::StatusOr<ScenarioSummary> WriteScenario(const SynthOptions& options,
                                              const ScenarioOutputs& outputs,
                                              const ExecOptions& exec = {});

// In-memory form, for tests and small studies (memory grows with N).
struct SynthPerson {
  std::string person_id;
  std::string nationality;  // alpha-3
  std::string culture;      // e.g. "azerbaijani"
  char sex = 'M';           // 'M' or 'F'
  int birth_year = 0;
  int birth_month = 0;
  int birth_day = 0;
  std::string legal_status;   // work_permit, resident, temporary, irregular
  std::string sector;         // English sector name, empty for none
  std::string region;         // Azerbaijani Latin
  uint32_t capture_mask = 0;  // bit k: in register k
};

struct SynthRecord {
  int source = 0;      // register index
  int64_t person = 0;  // index into Scenario::people
  Record record;       // as written to the register's CSV
  Record clean;        // the same record with no noise applied
};

struct Scenario {
  std::vector<std::string> sources;
  std::vector<SynthPerson> people;
  // Records in the order the CSV files hold them, register by register
  // within each chunk of people.
  std::vector<SynthRecord> records;
  ScenarioSummary summary;
};

absl::StatusOr<Scenario> GenerateScenario(const SynthOptions& options,
                                          const ExecOptions& exec = {});

}  // namespace reckon

#endif  // RECKON_LINKAGE_SYNTH_SCENARIO_H_
