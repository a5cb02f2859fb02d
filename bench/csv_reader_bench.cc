// Throughput of reading canonical records from CSV: the first stage of
// every `reckon link` run.
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "linkage/ingest/record_reader.h"

namespace {

std::string MakeCsv(int rows) {
  std::string text =
      "source_record_id,surname,given_name,patronymic,sex,birth_date,"
      "nationality,passport_no,region\n";
  for (int i = 0; i < rows; ++i) {
    absl::StrAppend(&text, "R", i, ",Məmmədov", i % 97, ",Rəşad,Vaqif oğlu,K,",
                    1960 + i % 40, "-0", 1 + i % 9, "-1", i % 9, ",AZE,C",
                    10000000 + i, ",\"Bakı, Nəsimi\"\n");
  }
  return text;
}

void BM_RecordReader_ReadAll(benchmark::State& state) {
  const std::string text = MakeCsv(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    std::istringstream in(text);
    auto result = reckon::ReadAllRecords(in, "bench.csv", "bench");
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_RecordReader_ReadAll)->Arg(10000)->Arg(100000);

}  // namespace

BENCHMARK_MAIN();
