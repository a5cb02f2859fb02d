// A load driver for reckond's resolution over loopback (its own main, not
// Google Benchmark cases). It starts the daemon's server in-process on
// 127.0.0.1:0 with a fresh data directory (the calls still cross loopback
// TCP and HTTP/2) and, on a generated multi-register scenario (linkage/synth,
// medium noise, 4 registers):
//   1. stores the first --records records with UploadBatch (no resolution
//      yet: there is no model before the first relink);
//   2. runs Relink and waits for the operation (link + index + save);
//   3. stores the next --extra records in batches of --batch from --clients
//      threads with resolution on: every batch is committed durably, then
//      resolved against the index and its entity ids stored before the reply;
//   4. sends --probes Resolve calls from --clients threads, each probe a
//      stored record's values without its source and id.
// Reports records/s of steps 1 and 3, the relink time, and Resolve latency
// percentiles. With --server HOST:PORT it drives a reckond started apart
// (open, on loopback, with a fresh --data directory) instead, so that the
// daemon's own memory can be measured.
//
//   resolve_load_driver [--people 620000] [--records 1000000]
//                       [--extra 100000] [--batch 1000] [--clients 4]
//                       [--probes 20000] [--server HOST:PORT]
//                       [--probers-during-ingest N] [--final-relink 1]
// --probers-during-ingest N: N more threads send Resolve calls while step 3
// runs (latency of reads beside writes). --final-relink 1: a second Relink
// at the end, while the first one's index serves (the daemon's peak memory).
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "linkage/synth/scenario.h"
#include "reckon/v1/reckon.grpc.pb.h"
#include "service/daemon/proto_convert.h"
#include "service/daemon/server.h"

namespace {

struct Flags {
  int64_t people = 620000;
  int64_t records = 1000000;
  int64_t extra = 100000;
  int64_t batch = 1000;
  int64_t clients = 4;
  int64_t probes = 20000;
  std::string server;  // empty: start one in-process
  // Resolve calls from this many more threads while step 3 runs.
  int64_t probers_during_ingest = 0;
  // Relinks once more at the end (with the index of the first serving).
  int64_t final_relink = 0;
};

bool ParseFlags(int argc, char** argv, Flags* flags) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    if (name == "--server") {
      flags->server = argv[i + 1];
      continue;
    }
    int64_t value = 0;
    if (!absl::SimpleAtoi(argv[i + 1], &value) || value <= 0) return false;
    if (name == "--people") {
      flags->people = value;
    } else if (name == "--records") {
      flags->records = value;
    } else if (name == "--extra") {
      flags->extra = value;
    } else if (name == "--batch") {
      flags->batch = value;
    } else if (name == "--clients") {
      flags->clients = value;
    } else if (name == "--probes") {
      flags->probes = value;
    } else if (name == "--probers-during-ingest") {
      flags->probers_during_ingest = value;
    } else if (name == "--final-relink") {
      flags->final_relink = value;
    } else {
      return false;
    }
  }
  return argc % 2 == 1;
}

double Percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(p * static_cast<double>(values.size() - 1))];
}

std::unique_ptr<grpc::ClientContext> Context(absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

// Sends records [from, to) in batches from `clients` threads; returns the
// seconds taken, or a negative number on failure. `latencies` gets each
// batch's milliseconds.
double Ingest(const std::string& address,
              const std::vector<reckon::Record>& records, size_t from,
              size_t to, int64_t batch, int64_t clients, const char* tag,
              std::vector<double>* latencies) {
  std::vector<std::pair<size_t, size_t>> batches;  // by source, contiguous
  for (size_t start = from; start < to;) {
    size_t end = start;
    while (end < to && end - start < static_cast<size_t>(batch) &&
           records[end].source == records[start].source) {
      ++end;
    }
    batches.emplace_back(start, end);
    start = end;
  }
  std::atomic<size_t> next{0};
  std::atomic<int> failures{0};
  std::vector<std::vector<double>> per_client(static_cast<size_t>(clients));
  const absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (int64_t c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      auto stub = reckon::v1::IngestService::NewStub(
          grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
      for (size_t b = next++; b < batches.size(); b = next++) {
        const auto [first, last] = batches[b];
        auto context = Context(absl::Minutes(5));
        reckon::v1::SubmitBatchResponse response;
        auto writer = stub->UploadBatch(context.get(), &response);
        for (size_t i = first; i < last; i += 500) {
          reckon::v1::UploadBatchRequest message;
          if (i == first) {
            message.mutable_header()->set_agency(records[first].source);
            message.mutable_header()->set_batch_id(absl::StrCat(tag, b));
            message.mutable_header()->set_source(records[first].source);
          }
          for (size_t j = i; j < std::min(last, i + 500); ++j) {
            reckon::service::RecordToProto(records[j], message.add_records());
          }
          if (!writer->Write(message)) break;
        }
        const absl::Time sent = absl::Now();
        writer->WritesDone();
        const grpc::Status status = writer->Finish();
        if (!status.ok()) {
          ++failures;
          std::fprintf(stderr, "batch %zu: %s\n", b,
                       status.error_message().c_str());
          continue;
        }
        per_client[static_cast<size_t>(c)].push_back(
            absl::ToDoubleMilliseconds(absl::Now() - sent));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const auto& values : per_client) {
    latencies->insert(latencies->end(), values.begin(), values.end());
  }
  if (failures > 0) return -1.0;
  return absl::ToDoubleSeconds(absl::Now() - start);
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  if (!ParseFlags(argc, argv, &flags)) {
    std::fprintf(stderr,
                 "usage: resolve_load_driver [--people N] [--records N] "
                 "[--extra N] [--batch N] [--clients N] [--probes N] "
                 "[--server HOST:PORT] [--probers-during-ingest N] "
                 "[--final-relink 1]\n");
    return 2;
  }
  reckon::SynthOptions synth;
  synth.people = flags.people;
  synth.sources = 4;
  synth.noise = reckon::NoiseLevel::kMedium;
  synth.seed = 2024;
  const absl::Time generated = absl::Now();
  absl::StatusOr<reckon::Scenario> scenario = reckon::GenerateScenario(synth);
  if (!scenario.ok()) {
    std::fprintf(stderr, "synth: %s\n",
                 std::string(scenario.status().message()).c_str());
    return 1;
  }
  std::vector<reckon::Record> records;
  records.reserve(scenario->records.size());
  // The scenario's truth, by "source\x1fsource_record_id".
  absl::flat_hash_map<std::string, int64_t> person_of;
  auto key_of = [](const std::string& source, const std::string& id) {
    return absl::StrCat(source, "\x1f", id);
  };
  for (const reckon::SynthRecord& record : scenario->records) {
    records.push_back(record.record);
    person_of[key_of(record.record.source, record.record.source_record_id)] =
        record.person;
  }
  scenario->records.clear();
  // Shuffle the registers together so that the extra records come from all
  // four and the base holds a mix.
  std::vector<reckon::Record> mixed;
  {
    std::vector<size_t> order(records.size());
    for (size_t i = 0; i < order.size(); ++i) {
      order[i] = (i * 2654435761u) % order.size();
    }
    std::vector<bool> used(records.size(), false);
    for (size_t i : order) {
      if (!used[i]) mixed.push_back(std::move(records[i])), used[i] = true;
    }
    for (size_t i = 0; i < records.size(); ++i) {
      if (!used[i]) mixed.push_back(std::move(records[i]));
    }
  }
  records = std::move(mixed);
  const size_t base = std::min<size_t>(records.size(),
                                       static_cast<size_t>(flags.records));
  const size_t total = std::min<size_t>(
      records.size(), base + static_cast<size_t>(flags.extra));
  // Batches hold one source each: group each part by source.
  auto by_source = [](const reckon::Record& x, const reckon::Record& y) {
    return x.source < y.source;
  };
  std::stable_sort(records.begin(), records.begin() + static_cast<long>(base),
                   by_source);
  std::stable_sort(records.begin() + static_cast<long>(base),
                   records.begin() + static_cast<long>(total), by_source);
  std::printf("scenario: %zu records from %lld people in %.1f s\n",
              records.size(), static_cast<long long>(flags.people),
              absl::ToDoubleSeconds(absl::Now() - generated));

  const std::string data_dir =
      (std::filesystem::temp_directory_path() /
       absl::StrCat("reckon_resolve_bench_", getpid()))
          .string();
  std::unique_ptr<reckon::service::Server> server;
  std::string address = flags.server;
  if (address.empty()) {
    std::filesystem::remove_all(data_dir);
    reckon::service::Server::Options options;
    options.listen = "127.0.0.1:0";
    options.data_dir = data_dir;
    options.limits.max_call_time = absl::Hours(1);
    auto started = reckon::service::Server::BuildAndStart(options);
    if (!started.ok()) {
      std::fprintf(stderr, "cannot start: %s\n",
                   std::string(started.status().message()).c_str());
      return 1;
    }
    server = *std::move(started);
    address = absl::StrCat("127.0.0.1:", server->port());
  }

  // 1. Base records, stored only.
  std::vector<double> stored_ms;
  const double stored_s = Ingest(address, records, 0, base, 10000,
                                 flags.clients, "base-", &stored_ms);
  if (stored_s < 0) return 1;
  std::printf("stored %zu records (no resolution yet) in %.1f s: %.0f/s\n",
              base, stored_s, static_cast<double>(base) / stored_s);

  // 2. Relink.
  auto linkage = reckon::v1::LinkageService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  auto relink = [&](const char* what) -> bool {
    const absl::Time relink_start = absl::Now();
    reckon::v1::Operation operation;
    {
      auto context = Context(absl::Minutes(1));
      if (!linkage->Relink(context.get(), {}, &operation).ok()) return false;
    }
    while (!operation.done()) {
      absl::SleepFor(absl::Milliseconds(500));
      auto context = Context(absl::Minutes(1));
      reckon::v1::GetOperationRequest request;
      request.set_name(operation.name());
      if (!linkage->GetOperation(context.get(), request, &operation).ok()) {
        return false;
      }
    }
    if (operation.state() != reckon::v1::Operation::STATE_SUCCEEDED) {
      std::fprintf(stderr, "relink failed: %s\n",
                   operation.error_message().c_str());
      return false;
    }
    std::printf(
        "%s: %lld records, %lld entities, %lld candidate pairs, %lld links "
        "in %.1f s\n",
        what, static_cast<long long>(operation.result().records()),
        static_cast<long long>(operation.result().entities()),
        static_cast<long long>(operation.result().candidate_pairs()),
        static_cast<long long>(operation.result().links()),
        absl::ToDoubleSeconds(absl::Now() - relink_start));
    return true;
  };
  if (!relink("relink")) return 1;

  // 3. More records with resolution on (and Resolve calls beside them).
  std::vector<double> batch_ms;
  std::atomic<bool> ingesting{true};
  std::vector<std::vector<double>> during(
      static_cast<size_t>(flags.probers_during_ingest));
  std::vector<std::thread> probers;
  for (int64_t t = 0; t < flags.probers_during_ingest; ++t) {
    probers.emplace_back([&, t] {
      auto stub = reckon::v1::LinkageService::NewStub(
          grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
      for (int64_t p = t; ingesting.load(); p += flags.probers_during_ingest) {
        reckon::Record probe = records[static_cast<size_t>(p * 7919) % base];
        probe.source.clear();
        probe.source_record_id.clear();
        reckon::v1::ResolveRequest request;
        reckon::service::RecordToProto(probe, request.mutable_probe());
        reckon::v1::ResolveResponse response;
        auto context = Context(absl::Seconds(10));
        const absl::Time sent = absl::Now();
        if (stub->Resolve(context.get(), request, &response).ok()) {
          during[static_cast<size_t>(t)].push_back(
              absl::ToDoubleMilliseconds(absl::Now() - sent));
        }
      }
    });
  }
  const double resolved_s = Ingest(address, records, base, total, flags.batch,
                                   flags.clients, "extra-", &batch_ms);
  ingesting.store(false);
  for (std::thread& thread : probers) thread.join();
  if (resolved_s < 0) return 1;
  if (!probers.empty()) {
    std::vector<double> all;
    for (const auto& values : during) {
      all.insert(all.end(), values.begin(), values.end());
    }
    std::printf(
        "resolve during ingest: %zu probes from %lld threads; p50 %.2f ms, "
        "p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
        all.size(), static_cast<long long>(flags.probers_during_ingest),
        Percentile(all, 0.5), Percentile(all, 0.9), Percentile(all, 0.99),
        Percentile(all, 1.0));
  }
  std::printf(
      "stored and resolved %zu records (batches of %lld, %lld clients) in "
      "%.1f s: %.0f/s; batch p50 %.1f ms, p99 %.1f ms\n",
      total - base, static_cast<long long>(flags.batch),
      static_cast<long long>(flags.clients), resolved_s,
      static_cast<double>(total - base) / resolved_s,
      Percentile(batch_ms, 0.5), Percentile(batch_ms, 0.99));

  // 3b. How the records of step 3 were resolved, against the scenario's
  // truth, on a sample: an added record whose person has records stored
  // before it should share their entity ("found"); every record sharing
  // its entity should be that person ("right").
  {
    absl::flat_hash_map<int64_t, int64_t> earlier;  // person -> records
    for (size_t i = 0; i < base; ++i) {
      ++earlier[person_of[key_of(records[i].source,
                                 records[i].source_record_id)]];
    }
    int64_t sampled = 0, findable = 0, found = 0, with_company = 0, right = 0;
    for (size_t i = base; i < total; i += std::max<size_t>(1, (total - base) / 2000)) {
      const int64_t person =
          person_of[key_of(records[i].source, records[i].source_record_id)];
      reckon::v1::GetEntityRequest request;
      request.mutable_record()->set_source(records[i].source);
      request.mutable_record()->set_source_record_id(
          records[i].source_record_id);
      reckon::v1::Entity entity;
      auto context = Context(absl::Seconds(10));
      if (!linkage->GetEntity(context.get(), request, &entity).ok()) continue;
      ++sampled;
      bool same = false, all_same = true, any = false;
      for (const reckon::v1::RecordRef& member : entity.members()) {
        if (member.source() == records[i].source &&
            member.source_record_id() == records[i].source_record_id) {
          continue;
        }
        any = true;
        const bool match =
            person_of[key_of(member.source(), member.source_record_id())] ==
            person;
        same = same || match;
        all_same = all_same && match;
      }
      if (earlier.contains(person)) {
        ++findable;
        found += same ? 1 : 0;
      }
      if (any) {
        ++with_company;
        right += all_same ? 1 : 0;
      }
    }
    std::printf(
        "resolution quality on %lld sampled added records: %lld of %lld "
        "whose person was stored before joined that person (%.3f); %lld of "
        "%lld that joined an entity joined only their own person (%.3f)\n",
        static_cast<long long>(sampled), static_cast<long long>(found),
        static_cast<long long>(findable),
        findable == 0 ? 0.0
                      : static_cast<double>(found) / static_cast<double>(findable),
        static_cast<long long>(right), static_cast<long long>(with_company),
        with_company == 0
            ? 0.0
            : static_cast<double>(right) / static_cast<double>(with_company));
  }

  // 4. Resolve.
  std::atomic<int64_t> next{0};
  std::atomic<int> failures{0};
  std::atomic<int64_t> candidates{0};
  std::vector<std::vector<double>> per_client(
      static_cast<size_t>(flags.clients));
  const absl::Time resolve_start = absl::Now();
  std::vector<std::thread> threads;
  for (int64_t c = 0; c < flags.clients; ++c) {
    threads.emplace_back([&, c] {
      auto stub = reckon::v1::LinkageService::NewStub(
          grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
      for (int64_t p = next++; p < flags.probes; p = next++) {
        reckon::Record probe =
            records[static_cast<size_t>(p * 7919) % total];
        probe.source.clear();
        probe.source_record_id.clear();
        reckon::v1::ResolveRequest request;
        reckon::service::RecordToProto(probe, request.mutable_probe());
        reckon::v1::ResolveResponse response;
        auto context = Context(absl::Seconds(10));
        const absl::Time sent = absl::Now();
        const grpc::Status status =
            stub->Resolve(context.get(), request, &response);
        const double ms = absl::ToDoubleMilliseconds(absl::Now() - sent);
        if (!status.ok()) {
          ++failures;
          continue;
        }
        candidates += response.candidates_size();
        per_client[static_cast<size_t>(c)].push_back(ms);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const double resolve_s = absl::ToDoubleSeconds(absl::Now() - resolve_start);
  std::vector<double> all;
  for (const auto& values : per_client) {
    all.insert(all.end(), values.begin(), values.end());
  }
  std::printf(
      "resolve: %zu probes against %zu indexed records, %lld clients, %d "
      "failed, %.1f candidates each: %.0f/s; p50 %.2f ms, p90 %.2f ms, p99 "
      "%.2f ms, max %.2f ms\n",
      all.size(), total, static_cast<long long>(flags.clients),
      failures.load(),
      all.empty() ? 0.0
                  : static_cast<double>(candidates.load()) /
                        static_cast<double>(all.size()),
      static_cast<double>(all.size()) / resolve_s, Percentile(all, 0.5),
      Percentile(all, 0.9), Percentile(all, 0.99), Percentile(all, 1.0));
  if (flags.final_relink > 0 && !relink("second relink (while serving)")) {
    return 1;
  }
  if (server != nullptr) {
    server->Shutdown(1.0);
    server.reset();
    std::filesystem::remove_all(data_dir);
  }
  return 0;
}
