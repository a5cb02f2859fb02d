// Throughput of `reckon synth`'s generator: people simulated, captured,
// rendered in every register's style with noise, and formatted as CSV and
// truth, written to streams that discard the bytes (so the figure is the
// generator's, not the disk's). Runs on all cores of the default TBB arena.
#include <cstdint>
#include <memory>
#include <ostream>
#include <streambuf>
#include <vector>

#include "benchmark/benchmark.h"

#include "linkage/synth/scenario.h"

namespace {

// Counts and discards what is written.
class CountingBuffer : public std::streambuf {
 public:
  int64_t bytes() const { return bytes_; }

 protected:
  std::streamsize xsputn(const char*, std::streamsize n) override {
    bytes_ += n;
    return n;
  }
  int_type overflow(int_type c) override {
    ++bytes_;
    return traits_type::not_eof(c);
  }

 private:
  int64_t bytes_ = 0;
};

void BM_Synth_WriteScenario(benchmark::State& state) {
  reckon::SynthOptions options;
  options.people = state.range(0);
  options.sources = static_cast<int>(state.range(1));
  options.noise = reckon::NoiseLevel::kHigh;
  options.heterogeneity = reckon::Heterogeneity::kStrong;
  options.seed = 42;
  int64_t bytes = 0;
  int64_t records = 0;
  for (auto _ : state) {
    std::vector<CountingBuffer> buffers(static_cast<size_t>(options.sources) +
                                        2);
    std::vector<std::unique_ptr<std::ostream>> streams;
    for (CountingBuffer& buffer : buffers) {
      streams.push_back(std::make_unique<std::ostream>(&buffer));
    }
    reckon::ScenarioOutputs outputs;
    for (int k = 0; k < options.sources; ++k) {
      outputs.sources.push_back(streams[static_cast<size_t>(k)].get());
    }
    outputs.truth_csv = streams[static_cast<size_t>(options.sources)].get();
    outputs.truth_json =
        streams[static_cast<size_t>(options.sources) + 1].get();
    auto summary = reckon::WriteScenario(options, outputs);
    if (!summary.ok()) {
      state.SkipWithError("WriteScenario failed");
      return;
    }
    for (const CountingBuffer& buffer : buffers) bytes += buffer.bytes();
    for (int64_t n : summary->records_per_source) records += n;
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(bytes);
  state.counters["records"] = benchmark::Counter(
      static_cast<double>(records) / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_Synth_WriteScenario)
    ->Args({100000, 4})
    ->Args({1000000, 4})
    ->Args({1000000, 6})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
