// A load driver for reckond's ingest over loopback (a driver with its own
// main, not Google Benchmark cases): N client threads, each on its own
// channel, send batches of synthetic records with SubmitBatch or
// UploadBatch; every batch is acknowledged only after its durable commit
// (SQLite WAL, synchronous=FULL). Reports durable records per second and
// per-batch latency percentiles.
//
//   ingest_load_driver [--clients 4] [--records 200000] [--batch 1000]
//                      [--mode submit|upload] [--server HOST:PORT]
//
// Without --server the driver starts the daemon in-process on 127.0.0.1:0
// with a fresh data directory (same code as reckond, the calls still cross
// loopback TCP and HTTP/2); with it, it loads an external reckond.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "reckon/v1/reckon.grpc.pb.h"
#include "service/daemon/server.h"

namespace {

struct Flags {
  int clients = 4;
  int records = 200000;
  int batch = 1000;
  std::string mode = "submit";
  std::string server;
};

bool ParseFlags(int argc, char** argv, Flags* flags) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const std::string value = argv[i + 1];
    if (name == "--clients") {
      if (!absl::SimpleAtoi(value, &flags->clients)) return false;
    } else if (name == "--records") {
      if (!absl::SimpleAtoi(value, &flags->records)) return false;
    } else if (name == "--batch") {
      if (!absl::SimpleAtoi(value, &flags->batch)) return false;
    } else if (name == "--mode") {
      flags->mode = value;
    } else if (name == "--server") {
      flags->server = value;
    } else {
      return false;
    }
  }
  return argc % 2 == 1 && flags->clients > 0 && flags->batch > 0 &&
         flags->records > 0 &&
         (flags->mode == "submit" || flags->mode == "upload");
}

// Names and dates varied enough that records are not all alike.
void FillRecord(int id, reckon::v1::Record* record) {
  static const char* const kGiven[] = {"Hüseyn", "Elvin", "Aygün", "Mehmet",
                                       "Giorgi", "Wei",   "Олег",  "Leyla"};
  static const char* const kSurname[] = {"Məmmədov", "Hüseynov", "Yılmaz",
                                         "Beridze",  "Zhang",    "Иванов",
                                         "Əliyeva",  "Kaya"};
  record->set_source_record_id(absl::StrCat("R", id));
  record->set_given_name(kGiven[id % 8]);
  record->set_surname(absl::StrCat(kSurname[(id / 8) % 8], id % 97));
  record->set_sex(id % 2 == 0 ? "K" : "Q");
  record->set_birth_date(
      absl::StrCat(1 + id % 28, ".", 1 + id % 12, ".", 1950 + id % 50));
  static const char* const kNationality[] = {"TUR", "GEO", "RUS",
                                             "IRN", "CHN", "IND"};
  record->set_nationality(kNationality[id % 6]);
  record->set_passport_no(absl::StrCat("P", 1000000 + id));
  record->set_region("Bakı");
  record->set_registered_on("2008-06-01");
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  if (!ParseFlags(argc, argv, &flags)) {
    std::fprintf(stderr,
                 "usage: ingest_load_driver [--clients N] [--records N] "
                 "[--batch N] [--mode submit|upload] [--server HOST:PORT]\n");
    return 2;
  }
  std::unique_ptr<reckon::service::Server> server;
  std::string data_dir;
  std::string address = flags.server;
  if (address.empty()) {
    data_dir = (std::filesystem::temp_directory_path() /
                absl::StrCat("reckon_ingest_bench_", getpid()))
                   .string();
    std::filesystem::remove_all(data_dir);
    reckon::service::Server::Options options;
    options.listen = "127.0.0.1:0";
    options.data_dir = data_dir;
    auto started = reckon::service::Server::BuildAndStart(options);
    if (!started.ok()) {
      std::fprintf(stderr, "cannot start: %s\n",
                   std::string(started.status().message()).c_str());
      return 1;
    }
    server = *std::move(started);
    address = absl::StrCat("127.0.0.1:", server->port());
  }

  const int batches = (flags.records + flags.batch - 1) / flags.batch;
  std::atomic<int> next_batch{0};
  std::atomic<int> failures{0};
  std::atomic<int64_t> accepted{0};
  std::vector<std::vector<double>> latencies(
      static_cast<size_t>(flags.clients));
  const std::string run =
      absl::StrCat(getpid(), "-", absl::ToUnixMicros(absl::Now()));
  const absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (int c = 0; c < flags.clients; ++c) {
    threads.emplace_back([&, c] {
      auto stub = reckon::v1::IngestService::NewStub(
          grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
      const std::string source = absl::StrCat("bench", c % 4);
      for (int b = next_batch++; b < batches; b = next_batch++) {
        const int first = b * flags.batch;
        const int count = std::min(flags.batch, flags.records - first);
        reckon::v1::SubmitBatchResponse response;
        grpc::ClientContext context;
        context.set_deadline(
            absl::ToChronoTime(absl::Now() + absl::Seconds(120)));
        const absl::Time sent = absl::Now();
        grpc::Status status;
        const std::string batch_id = absl::StrCat(run, "-", b);
        if (flags.mode == "submit") {
          reckon::v1::SubmitBatchRequest request;
          request.set_agency("bench");
          request.mutable_batch()->set_batch_id(batch_id);
          request.mutable_batch()->set_source(source);
          for (int i = 0; i < count; ++i) {
            FillRecord(first + i, request.mutable_batch()->add_records());
          }
          status = stub->SubmitBatch(&context, request, &response);
        } else {
          auto writer = stub->UploadBatch(&context, &response);
          constexpr int kPerMessage = 250;
          for (int i = 0; i < count; i += kPerMessage) {
            reckon::v1::UploadBatchRequest message;
            if (i == 0) {
              message.mutable_header()->set_agency("bench");
              message.mutable_header()->set_batch_id(batch_id);
              message.mutable_header()->set_source(source);
            }
            for (int j = i; j < std::min(count, i + kPerMessage); ++j) {
              FillRecord(first + j, message.add_records());
            }
            if (!writer->Write(message)) break;
          }
          writer->WritesDone();
          status = writer->Finish();
        }
        if (!status.ok()) {
          ++failures;
          std::fprintf(stderr, "batch %d: %s\n", b,
                       status.error_message().c_str());
          continue;
        }
        accepted += response.accepted();
        latencies[static_cast<size_t>(c)].push_back(
            absl::ToDoubleMilliseconds(absl::Now() - sent));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);

  std::vector<double> all;
  for (const auto& per_client : latencies) {
    all.insert(all.end(), per_client.begin(), per_client.end());
  }
  std::sort(all.begin(), all.end());
  auto percentile = [&](double p) {
    if (all.empty()) return 0.0;
    const auto index =
        static_cast<size_t>(p * static_cast<double>(all.size() - 1));
    return all[index];
  };
  std::printf(
      "mode=%s clients=%d batch=%d records=%d: %lld accepted in %.2f s = "
      "%.0f records/s durable; batch latency p50 %.1f ms, p99 %.1f ms; "
      "%d failures\n",
      flags.mode.c_str(), flags.clients, flags.batch, flags.records,
      static_cast<long long>(accepted.load()), seconds,
      static_cast<double>(accepted.load()) / seconds, percentile(0.5),
      percentile(0.99), failures.load());
  if (server != nullptr) server->Shutdown(5.0);
  if (!data_dir.empty()) std::filesystem::remove_all(data_dir);
  return failures.load() == 0 ? 0 : 1;
}
