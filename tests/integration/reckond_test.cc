// reckond end to end: the real binary on a loopback port with a temporary
// data directory (issue 7's acceptance tests).
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include <arpa/inet.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <netinet/in.h>

#include "reckon/v1/reckon.grpc.pb.h"
#include "service/daemon/sha256.h"
#include "service/store/sqlite_store.h"
#include "tests/integration/daemon_harness.h"
#include "tests/testing/status_matchers.h"

namespace reckon {
namespace {

using ::reckon_testing::Daemon;
using ::reckon_testing::IsOk;
using ::reckon_testing::TempDir;
using ::testing::HasSubstr;

constexpr absl::Duration kCallTimeout = absl::Seconds(20);

// Tests drop their stubs (and so their channels) before Terminate(): with an
// idle client connection open, gRPC 1.51's server shutdown waits about 5 s
// for it to close, which would only slow the suite down.

void SetDeadline(grpc::ClientContext* context,
                 absl::Duration timeout = kCallTimeout) {
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
}

v1::Record MakeRecord(int id) {
  v1::Record record;
  record.set_source_record_id(absl::StrCat("r", id));
  record.set_given_name("Hüseyn");
  record.set_surname(absl::StrCat("Məmmədov-", id));
  record.set_birth_date("12.03.1985");
  record.set_nationality("TUR");
  record.set_sex("K");
  return record;
}

v1::SubmitBatchRequest MakeBatch(const std::string& agency,
                                 const std::string& source,
                                 const std::string& batch_id, int first,
                                 int count) {
  v1::SubmitBatchRequest request;
  request.set_agency(agency);
  request.mutable_batch()->set_batch_id(batch_id);
  request.mutable_batch()->set_source(source);
  for (int i = 0; i < count; ++i) {
    *request.mutable_batch()->add_records() = MakeRecord(first + i);
  }
  return request;
}

grpc::Status Submit(v1::IngestService::Stub& stub,
                    const v1::SubmitBatchRequest& request,
                    v1::SubmitBatchResponse* response,
                    const std::string& token = "") {
  grpc::ClientContext context;
  SetDeadline(&context);
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  return stub.SubmitBatch(&context, request, response);
}

v1::GetStatusResponse Status(v1::IngestService::Stub& stub,
                             const std::string& token = "") {
  grpc::ClientContext context;
  SetDeadline(&context);
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  v1::GetStatusResponse response;
  const grpc::Status status =
      stub.GetStatus(&context, v1::GetStatusRequest(), &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

int64_t SourceRecords(const v1::GetStatusResponse& status,
                      const std::string& source) {
  for (const v1::SourceCount& count : status.sources()) {
    if (count.source() == source) return count.records();
  }
  return 0;
}

// Streams `count` records in messages of `per_message`, pausing between
// messages; returns the call's status.
grpc::Status Upload(v1::IngestService::Stub& stub, const std::string& source,
                    const std::string& batch_id, int first, int count,
                    int per_message, absl::Duration pause,
                    v1::SubmitBatchResponse* response) {
  grpc::ClientContext context;
  SetDeadline(&context);
  auto writer = stub.UploadBatch(&context, response);
  for (int sent = 0; sent < count; sent += per_message) {
    v1::UploadBatchRequest message;
    if (sent == 0) {
      message.mutable_header()->set_agency("agency");
      message.mutable_header()->set_batch_id(batch_id);
      message.mutable_header()->set_source(source);
    }
    for (int i = sent; i < std::min(count, sent + per_message); ++i) {
      *message.add_records() = MakeRecord(first + i);
    }
    if (!writer->Write(message)) break;
    if (pause > absl::ZeroDuration()) absl::SleepFor(pause);
  }
  writer->WritesDone();
  return writer->Finish();
}

class ReckondTest : public ::testing::Test {
 protected:
  ReckondTest()
      : dir_(::testing::UnitTest::GetInstance()->current_test_info()->name()) {}
  std::string data() const { return dir_.path() + "/data"; }
  std::string log(int n = 0) const {
    return absl::StrCat(dir_.path(), "/reckond", n, ".log");
  }
  TempDir dir_;
};

TEST_F(ReckondTest, ResubmittedBatchesAreAcknowledgedButNeverCountedTwice) {
  auto daemon = Daemon::Start(data(), log());
  ASSERT_THAT(daemon, IsOk());
  auto stub = v1::IngestService::NewStub((*daemon)->Channel());

  for (int b = 0; b < 3; ++b) {
    v1::SubmitBatchResponse response;
    ASSERT_TRUE(
        Submit(*stub,
               MakeBatch("labour", "labour", absl::StrCat("b", b), b * 10, 10),
               &response)
            .ok());
    EXPECT_FALSE(response.duplicate());
    EXPECT_EQ(response.accepted(), 10);
    EXPECT_EQ(response.sequence(), b + 1);
  }
  for (int b = 0; b < 3; ++b) {
    v1::SubmitBatchResponse response;
    ASSERT_TRUE(
        Submit(*stub,
               MakeBatch("labour", "labour", absl::StrCat("b", b), b * 10, 10),
               &response)
            .ok());
    EXPECT_TRUE(response.duplicate());
    EXPECT_EQ(response.accepted(), 10);
    EXPECT_EQ(response.sequence(), b + 1);
  }
  v1::GetStatusResponse status = Status(*stub);
  EXPECT_EQ(status.batches(), 3);
  EXPECT_EQ(status.records(), 30);
  EXPECT_EQ(SourceRecords(status, "labour"), 30);
  // Resolution is built in, but nothing is resolved before the first relink.
  EXPECT_TRUE(status.resolution_available());
  EXPECT_EQ(status.entities(), 0);
  EXPECT_EQ(status.last_relink_unix(), 0);

  // Unparseable values are per-record rejections; the rest commit, and a
  // resubmission returns the same list.
  v1::SubmitBatchRequest mixed = MakeBatch("labour", "labour", "mixed", 100, 4);
  mixed.mutable_batch()->mutable_records(1)->set_birth_date("31.02.1990");
  mixed.mutable_batch()->mutable_records(3)->set_nationality("Atlantis");
  for (int attempt = 0; attempt < 2; ++attempt) {
    v1::SubmitBatchResponse response;
    ASSERT_TRUE(Submit(*stub, mixed, &response).ok());
    EXPECT_EQ(response.duplicate(), attempt == 1);
    EXPECT_EQ(response.accepted(), 2);
    EXPECT_EQ(response.rejected(), 2);
    ASSERT_EQ(response.errors_size(), 2);
    EXPECT_EQ(response.errors(0).index(), 1);
    EXPECT_EQ(response.errors(0).field(), "birth_date");
    EXPECT_EQ(response.errors(0).source_record_id(), "r101");
    EXPECT_EQ(response.errors(1).index(), 3);
    EXPECT_EQ(response.errors(1).field(), "nationality");
  }
  // A record id the source already holds is rejected, not replaced.
  v1::SubmitBatchResponse overlap;
  ASSERT_TRUE(
      Submit(*stub, MakeBatch("labour", "labour", "overlap", 25, 10), &overlap)
          .ok());
  EXPECT_EQ(overlap.accepted(), 5);
  EXPECT_EQ(overlap.rejected(), 5);
  status = Status(*stub);
  EXPECT_EQ(status.batches(), 5);
  EXPECT_EQ(status.records(), 30 + 2 + 5);
  stub.reset();
  EXPECT_EQ((*daemon)->Terminate(), 0);
}

// Clients stream uploads without pause while the daemon is killed with
// SIGKILL; after a restart every acknowledged batch is there, complete and
// once, and no batch is there in part.
TEST_F(ReckondTest, KillNineDuringStreamingUploadsLosesNoAcknowledgedBatch) {
  constexpr int kClients = 4;
  constexpr int kRecords = 400;
  auto daemon = Daemon::Start(data(), log(0));
  ASSERT_THAT(daemon, IsOk());
  const std::string address = (*daemon)->address();

  absl::Mutex mu;
  std::vector<std::string> acknowledged;               // "source/batch"
  std::vector<std::pair<std::string, int>> attempted;  // batch id, first id
  std::atomic<bool> stop{false};
  std::atomic<int> broken{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto stub = v1::IngestService::NewStub(
          grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
      const std::string source = absl::StrCat("s", c);
      for (int b = 0; !stop; ++b) {
        const std::string id = absl::StrCat("c", c, "-b", b);
        {
          absl::MutexLock lock(&mu);
          attempted.emplace_back(id, (c * 100000) + b * kRecords);
        }
        v1::SubmitBatchResponse response;
        const grpc::Status status =
            Upload(*stub, source, id, c * 100000 + b * kRecords, kRecords, 50,
                   absl::Milliseconds(2), &response);
        if (status.ok()) {
          absl::MutexLock lock(&mu);
          acknowledged.push_back(id);
        } else {
          ++broken;
          return;  // the daemon is gone
        }
      }
    });
  }
  absl::SleepFor(absl::Milliseconds(1500));
  (*daemon)->Kill9();
  stop = true;
  for (std::thread& client : clients) client.join();
  ASSERT_GT(acknowledged.size(), 0u);
  EXPECT_GT(broken.load(), 0) << "no upload was in flight at the kill";

  auto restarted = Daemon::Start(data(), log(1));
  ASSERT_THAT(restarted, IsOk());
  // Read the store while the restarted daemon runs (WAL readers do not
  // disturb it).
  auto store = store::SqliteStore::Open(data());
  ASSERT_THAT(store, IsOk());
  int64_t complete_batches = 0;
  for (const auto& [id, first] : attempted) {
    const std::string source =
        absl::StrCat("s", id.substr(1, id.find('-') - 1));
    auto batch = (*store)->GetBatch({"agency", source, id});
    ASSERT_THAT(batch, IsOk());
    const bool acked = std::find(acknowledged.begin(), acknowledged.end(),
                                 id) != acknowledged.end();
    if (!batch->has_value()) {
      EXPECT_FALSE(acked) << id << " was acknowledged but is missing";
      continue;
    }
    ++complete_batches;
    ASSERT_EQ((*batch)->records.size(), static_cast<size_t>(kRecords)) << id;
    for (int i = 0; i < kRecords; ++i) {
      EXPECT_EQ((*batch)->records[static_cast<size_t>(i)].index, i);
      EXPECT_EQ(
          (*batch)->records[static_cast<size_t>(i)].record.source_record_id,
          absl::StrCat("r", first + i));
    }
  }
  auto stats = (*store)->Stats();
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->batches, complete_batches);
  EXPECT_EQ(stats->records, complete_batches * kRecords);

  // Resubmitting everything: acknowledged batches are duplicates, the rest
  // land now; in the end every batch is there exactly once.
  auto stub = v1::IngestService::NewStub((*restarted)->Channel());
  for (const auto& [id, first] : attempted) {
    const std::string source =
        absl::StrCat("s", id.substr(1, id.find('-') - 1));
    v1::SubmitBatchResponse response;
    ASSERT_TRUE(Upload(*stub, source, id, first, kRecords, 200,
                       absl::ZeroDuration(), &response)
                    .ok());
    if (std::find(acknowledged.begin(), acknowledged.end(), id) !=
        acknowledged.end()) {
      EXPECT_TRUE(response.duplicate()) << id;
    }
    EXPECT_EQ(response.accepted(), kRecords);
  }
  const v1::GetStatusResponse status = Status(*stub);
  EXPECT_EQ(status.batches(), static_cast<int64_t>(attempted.size()));
  EXPECT_EQ(status.records(),
            static_cast<int64_t>(attempted.size()) * kRecords);
  stub.reset();
  EXPECT_EQ((*restarted)->Terminate(), 0);
}

TEST_F(ReckondTest, TokensAndRolesDecideWhoMayDoWhat) {
  const std::string auth_file = dir_.path() + "/auth.textproto";
  {
    std::ofstream auth(auth_file);
    auth << "agencies { name: \"labour\" sources: \"labour\" }\n"
         << "agencies { name: \"interior\" sources: \"interior\" }\n"
         << "agencies { name: \"stats\" }\n"
         << "tokens { sha256: \"" << service::Sha256Hex("tok-labour")
         << "\" agency: \"labour\" roles: ROLE_SUBMIT }\n"
         << "tokens { sha256: \"" << service::Sha256Hex("tok-reader")
         << "\" agency: \"stats\" roles: ROLE_READ }\n"
         << "tokens { sha256: \"" << service::Sha256Hex("tok-auditor")
         << "\" agency: \"stats\" roles: ROLE_AUDIT }\n"
         << "tokens { sha256: \"" << service::Sha256Hex("tok-admin")
         << "\" agency: \"stats\" roles: ROLE_ADMIN }\n";
  }
  auto daemon = Daemon::Start(data(), log(), {"--auth", auth_file});
  ASSERT_THAT(daemon, IsOk());
  auto ingest = v1::IngestService::NewStub((*daemon)->Channel());
  auto linkage = v1::LinkageService::NewStub((*daemon)->Channel());
  v1::SubmitBatchResponse response;
  const auto labour_batch = MakeBatch("", "labour", "b1", 0, 3);

  EXPECT_EQ(Submit(*ingest, labour_batch, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Submit(*ingest, labour_batch, &response, "tok-wrong").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    context.AddMetadata("authorization", "Basic dG9rLWxhYm91cg==");
    v1::GetStatusResponse status;
    EXPECT_EQ(ingest->GetStatus(&context, {}, &status).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  // Another agency's source, or posing as another agency.
  grpc::Status denied = Submit(*ingest, MakeBatch("", "interior", "b1", 0, 3),
                               &response, "tok-labour");
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(denied.error_message(), HasSubstr("interior"));
  EXPECT_EQ(Submit(*ingest, MakeBatch("interior", "labour", "b1", 0, 3),
                   &response, "tok-labour")
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  {
    v1::SubmitBatchResponse upload_response;
    grpc::ClientContext context;
    SetDeadline(&context);
    context.AddMetadata("authorization", "Bearer tok-labour");
    auto writer = ingest->UploadBatch(&context, &upload_response);
    v1::UploadBatchRequest message;
    message.mutable_header()->set_batch_id("u1");
    message.mutable_header()->set_source("interior");
    *message.add_records() = MakeRecord(1);
    writer->Write(message);
    writer->WritesDone();
    EXPECT_EQ(writer->Finish().error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  // Roles: readers cannot submit, submitters cannot read.
  EXPECT_EQ(Submit(*ingest, labour_batch, &response, "tok-reader").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Submit(*ingest, labour_batch, &response, "tok-admin").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    context.AddMetadata("authorization", "Bearer tok-labour");
    v1::GetStatusResponse status;
    EXPECT_EQ(ingest->GetStatus(&context, {}, &status).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  // Nothing was written by any refused call.
  EXPECT_EQ(Status(*ingest, "tok-reader").batches(), 0);

  // The right token for its own source: stored under its agency.
  ASSERT_TRUE(Submit(*ingest, labour_batch, &response, "tok-labour").ok());
  EXPECT_EQ(response.accepted(), 3);
  EXPECT_EQ(SourceRecords(Status(*ingest, "tok-auditor"), "labour"), 3);

  // Linkage calls check roles first, then say there are no entities yet
  // (no relink has run).
  auto call = [&](const std::string& token, auto method, auto request,
                  auto response_type) {
    grpc::ClientContext context;
    SetDeadline(&context);
    context.AddMetadata("authorization", "Bearer " + token);
    return ((*linkage).*method)(&context, request, &response_type).error_code();
  };
  EXPECT_EQ(call("tok-reader", &v1::LinkageService::Stub::Explain,
                 v1::ExplainRequest(), v1::ExplainResponse()),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(call("tok-auditor", &v1::LinkageService::Stub::Explain,
                 v1::ExplainRequest(), v1::ExplainResponse()),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(call("tok-auditor", &v1::LinkageService::Stub::Relink,
                 v1::RelinkRequest(), v1::Operation()),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(call("tok-labour", &v1::LinkageService::Stub::Resolve,
                 v1::ResolveRequest(), v1::ResolveResponse()),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(call("tok-reader", &v1::LinkageService::Stub::Resolve,
                 v1::ResolveRequest(), v1::ResolveResponse()),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(call("tok-admin", &v1::LinkageService::Stub::Relink,
                 v1::RelinkRequest(), v1::Operation()),
            grpc::StatusCode::OK);
  ingest.reset();
  linkage.reset();
  EXPECT_EQ((*daemon)->Terminate(), 0);

  // No token ever reaches the log.
  std::ifstream log_file(log());
  std::stringstream text;
  text << log_file.rdbuf();
  EXPECT_THAT(text.str(), ::testing::Not(HasSubstr("tok-")));
}

TEST_F(ReckondTest, RefusesToRunOpenOnANetworkAddress) {
  std::string output;
  const int code = reckon_testing::RunProgram(
      reckon_testing::ReckondPath(),
      {"--listen", "0.0.0.0:0", "--data", data()}, &output);
  EXPECT_EQ(code, 1);
  EXPECT_THAT(output, HasSubstr("without --auth"));
}

// A reference check of UTF-8 well-formedness straight from the Unicode
// standard's table 3-7, independent of linkage/base/utf8.cc.
bool ReferenceValidUtf8(const std::string& s) {
  size_t i = 0;
  auto in = [&](size_t k, int lo, int hi) {
    return k < s.size() && static_cast<unsigned char>(s[k]) >= lo &&
           static_cast<unsigned char>(s[k]) <= hi;
  };
  while (i < s.size()) {
    const int b = static_cast<unsigned char>(s[i]);
    if (b <= 0x7f) {
      i += 1;
      continue;
    }
    if (b >= 0xc2 && b <= 0xdf && in(i + 1, 0x80, 0xbf)) {
      i += 2;
      continue;
    }
    if (b == 0xe0 && in(i + 1, 0xa0, 0xbf) && in(i + 2, 0x80, 0xbf)) {
      i += 3;
      continue;
    }
    if (((b >= 0xe1 && b <= 0xec) || b == 0xee || b == 0xef) &&
        in(i + 1, 0x80, 0xbf) && in(i + 2, 0x80, 0xbf)) {
      i += 3;
      continue;
    }
    if (b == 0xed && in(i + 1, 0x80, 0x9f) && in(i + 2, 0x80, 0xbf)) {
      i += 3;
      continue;
    }
    if (b == 0xf0 && in(i + 1, 0x90, 0xbf) && in(i + 2, 0x80, 0xbf) &&
        in(i + 3, 0x80, 0xbf)) {
      i += 4;
      continue;
    }
    if (b >= 0xf1 && b <= 0xf3 && in(i + 1, 0x80, 0xbf) &&
        in(i + 2, 0x80, 0xbf) && in(i + 3, 0x80, 0xbf)) {
      i += 4;
      continue;
    }
    if (b == 0xf4 && in(i + 1, 0x80, 0x8f) && in(i + 2, 0x80, 0xbf) &&
        in(i + 3, 0x80, 0xbf)) {
      i += 4;
      continue;
    }
    return false;
  }
  return true;
}

bool HasControl(const std::string& s) {
  // C0 (but tab), DEL and C1 (U+0080..U+009F, UTF-8 C2 80..C2 9F).
  for (size_t i = 0; i < s.size(); ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if ((b < 0x20 && b != '\t') || b == 0x7f) return true;
    if (b == 0xc2 && i + 1 < s.size() &&
        static_cast<unsigned char>(s[i + 1]) <= 0x9f) {
      return true;
    }
  }
  return false;
}

// A small randomized fuzz of record validation: batches with one damaged
// record (random bytes, control characters, over-long values, missing or
// repeated ids, foreign sources) are refused whole with INVALID_ARGUMENT
// naming the record and field; well-formed ones commit. The expected outcome
// comes from the reference checks above, not from the daemon's code.
TEST_F(ReckondTest, FuzzedRecordsAreRefusedWholeOrStoredAndNeverCrashIt) {
  auto daemon = Daemon::Start(data(), log());
  ASSERT_THAT(daemon, IsOk());
  auto stub = v1::IngestService::NewStub((*daemon)->Channel());
  std::mt19937 rng(20261128);
  const std::vector<std::string> fields = {"given_name", "surname",
                                           "passport_no", "region"};
  int64_t expected_batches = 0;
  int64_t expected_records = 0;
  int refused = 0;
  for (int round = 0; round < 150; ++round) {
    const int count = 1 + static_cast<int>(rng() % 8);
    const int victim = static_cast<int>(rng() % static_cast<unsigned>(count));
    v1::SubmitBatchRequest request = MakeBatch(
        "agency", "fuzz", absl::StrCat("f", round), round * 100, count);
    v1::Record* record = request.mutable_batch()->mutable_records(victim);
    std::string expected_field;
    int expected_index = victim;
    bool expect_refusal = true;
    switch (rng() % 6) {
      case 0: {  // random bytes in a name or document field
        const size_t field = rng() % fields.size();
        std::string value;
        const size_t length = 1 + rng() % 12;
        for (size_t i = 0; i < length; ++i) {
          value.push_back(static_cast<char>(rng() % 256));
        }
        expect_refusal = !ReferenceValidUtf8(value) || HasControl(value);
        expected_field = fields[field];
        switch (field) {
          case 0:
            record->set_given_name(value);
            break;
          case 1:
            record->set_surname(value);
            break;
          case 2:
            record->set_passport_no(value);
            break;
          default:
            record->set_region(value);
            break;
        }
        break;
      }
      case 1:
        record->set_surname(std::string(4097 + rng() % 100, 'x'));
        expected_field = "surname";
        break;
      case 2:
        record->set_source_record_id("");
        expected_field = "source_record_id";
        break;
      case 3:
        // A repeated id is reported at the later of the two records.
        if (count < 2) {
          record->set_source_record_id("");
        } else if (victim == 0) {
          record->set_source_record_id(absl::StrCat("r", round * 100 + 1));
          expected_index = 1;
        } else {
          record->set_source_record_id(absl::StrCat("r", round * 100));
        }
        expected_field = "source_record_id";
        break;
      case 4:
        record->set_source("someone-else");
        expected_field = "source";
        break;
      default: {
        auto* extra = record->add_extra();
        extra->set_name(rng() % 2 ? "birth_date" : "");
        extra->set_value("x");
        expected_field = "extra";
        break;
      }
    }
    v1::SubmitBatchResponse response;
    const grpc::Status status = Submit(*stub, request, &response);
    if (expect_refusal) {
      ++refused;
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
          << "round " << round;
      EXPECT_THAT(status.error_message(),
                  HasSubstr(absl::StrCat("record ", expected_index, ": ",
                                         expected_field)))
          << "round " << round;
    } else {
      EXPECT_TRUE(status.ok())
          << "round " << round << ": " << status.error_message();
      ++expected_batches;
      expected_records += response.accepted();
      EXPECT_EQ(response.accepted() + response.rejected(), count);
    }
  }
  EXPECT_GT(refused, 100);
  // Batch-level refusals: no header fields, too many records.
  v1::SubmitBatchResponse response;
  EXPECT_EQ(
      Submit(*stub, MakeBatch("agency", "", "x", 0, 1), &response).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Submit(*stub, MakeBatch("agency", "fuzz", "", 0, 1), &response)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(
      Submit(*stub, MakeBatch("", "fuzz", "x", 0, 1), &response).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Submit(*stub, MakeBatch("agency", "fuzz", "x\x01", 0, 1), &response)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  const grpc::Status big =
      Submit(*stub, MakeBatch("agency", "fuzz", "big", 0, 10001), &response);
  EXPECT_EQ(big.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(big.error_message(), HasSubstr("10001 records"));

  const v1::GetStatusResponse status = Status(*stub);
  EXPECT_EQ(status.batches(), expected_batches);
  EXPECT_EQ(status.records(), expected_records);
  stub.reset();
  EXPECT_EQ((*daemon)->Terminate(), 0);
}

TEST_F(ReckondTest, EightClientsFiftyBatchesEachAllLandOnce) {
  constexpr int kClients = 8;
  constexpr int kBatches = 50;
  constexpr int kRecords = 20;
  auto daemon = Daemon::Start(data(), log());
  ASSERT_THAT(daemon, IsOk());
  std::atomic<int> failures{0};
  std::atomic<int> duplicates{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto stub = v1::IngestService::NewStub(grpc::CreateChannel(
          (*daemon)->address(), grpc::InsecureChannelCredentials()));
      for (int b = 0; b < kBatches; ++b) {
        // Two clients per source, with distinct record ids.
        const auto request =
            MakeBatch(absl::StrCat("agency", c % 4), absl::StrCat("s", c % 4),
                      absl::StrCat("c", c, "-b", b),
                      (c * kBatches + b) * kRecords, kRecords);
        // Every fifth batch is sent twice, as a client retrying would.
        for (int attempt = 0; attempt < (b % 5 == 0 ? 2 : 1); ++attempt) {
          v1::SubmitBatchResponse response;
          if (!Submit(*stub, request, &response).ok()) {
            ++failures;
          } else if (response.duplicate()) {
            ++duplicates;
          } else if (response.accepted() != kRecords) {
            ++failures;
          }
        }
      }
    });
  }
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(duplicates, kClients * kBatches / 5);
  auto stub = v1::IngestService::NewStub((*daemon)->Channel());
  const v1::GetStatusResponse status = Status(*stub);
  EXPECT_EQ(status.batches(), kClients * kBatches);
  EXPECT_EQ(status.records(), kClients * kBatches * kRecords);
  for (int s = 0; s < 4; ++s) {
    EXPECT_EQ(SourceRecords(status, absl::StrCat("s", s)),
              2 * kBatches * kRecords);
  }
  stub.reset();
  EXPECT_EQ((*daemon)->Terminate(), 0);
}

TEST_F(ReckondTest, SigtermFinishesTheUploadInFlightAndCheckpoints) {
  auto daemon = Daemon::Start(data(), log());
  ASSERT_THAT(daemon, IsOk());
  auto stub = v1::IngestService::NewStub((*daemon)->Channel());
  std::atomic<bool> finished{false};
  grpc::Status upload_status;
  v1::SubmitBatchResponse response;
  std::thread upload([&] {
    // 20 messages 50 ms apart: about a second in flight.
    upload_status = Upload(*stub, "slow", "slow-1", 0, 400, 20,
                           absl::Milliseconds(50), &response);
    finished = true;
  });
  absl::SleepFor(absl::Milliseconds(300));
  ASSERT_FALSE(finished.load());
  EXPECT_EQ((*daemon)->Terminate(), 0);
  upload.join();
  EXPECT_TRUE(upload_status.ok()) << upload_status.error_message();
  EXPECT_EQ(response.accepted(), 400);
  // Checkpointed: the WAL is empty or gone, the database holds everything.
  const std::string wal = data() + "/reckon.db-wal";
  if (std::filesystem::exists(wal)) {
    EXPECT_EQ(std::filesystem::file_size(wal), 0u);
  }
  auto store = store::SqliteStore::Open(data());
  ASSERT_THAT(store, IsOk());
  auto stats = (*store)->Stats();
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->records, 400);
  std::ifstream log_file(log());
  std::stringstream text;
  text << log_file.rdbuf();
  EXPECT_THAT(text.str(), HasSubstr("\"event\":\"stopped\""));
}

std::string HttpGet(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "";
  }
  const std::string request =
      absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: localhost\r\n\r\n");
  if (write(fd, request.data(), request.size()) < 0) {
    close(fd);
    return "";
  }
  std::string reply;
  char buffer[4096];
  ssize_t n = 0;
  while ((n = read(fd, buffer, sizeof(buffer))) > 0) {
    reply.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  return reply;
}

TEST_F(ReckondTest, ServesPrometheusMetricsWithoutPersonalData) {
  auto daemon = Daemon::Start(data(), log(), {"--metrics", "127.0.0.1:0"});
  ASSERT_THAT(daemon, IsOk());
  ASSERT_GT((*daemon)->metrics_port(), 0);
  auto stub = v1::IngestService::NewStub((*daemon)->Channel());
  v1::SubmitBatchResponse response;
  ASSERT_TRUE(
      Submit(*stub, MakeBatch("agency", "labour", "m1", 0, 5), &response).ok());
  v1::SubmitBatchRequest bad = MakeBatch("agency", "labour", "m2", 10, 1);
  bad.mutable_batch()->mutable_records(0)->set_surname("Secret\x01Name");
  EXPECT_FALSE(Submit(*stub, bad, &response).ok());
  const std::string metrics = HttpGet((*daemon)->metrics_port(), "/metrics");
  EXPECT_THAT(metrics, HasSubstr("reckon_rpc_total{"));
  EXPECT_THAT(metrics, HasSubstr("code=\"INVALID_ARGUMENT\""));
  EXPECT_THAT(metrics, HasSubstr("reckon_records_total{"));
  EXPECT_THAT(metrics,
              HasSubstr("reckon_batches_total{outcome=\"committed\"} 1"));
  EXPECT_THAT(metrics,
              HasSubstr("reckon_batches_total{outcome=\"refused\"} 1"));
  stub.reset();
  EXPECT_EQ((*daemon)->Terminate(), 0);
  // The log says what happened without the values involved.
  std::ifstream log_file(log());
  std::stringstream text;
  text << log_file.rdbuf();
  EXPECT_THAT(text.str(), HasSubstr("\"event\":\"rpc_failed\""));
  EXPECT_THAT(text.str(), ::testing::Not(HasSubstr("Secret")));
  EXPECT_THAT(text.str(), ::testing::Not(HasSubstr("Məmmədov")));
  EXPECT_THAT(text.str(), ::testing::Not(HasSubstr("1985")));
}

TEST_F(ReckondTest, ServesTlsWithCertificateFiles) {
  const std::string cert = dir_.path() + "/cert.pem";
  const std::string key = dir_.path() + "/key.pem";
  std::string output;
  const int made = reckon_testing::RunProgram(
      "/usr/bin/openssl",
      {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out",
       cert, "-days", "1", "-subj", "/CN=localhost", "-addext",
       "subjectAltName=DNS:localhost,IP:127.0.0.1"},
      &output);
  if (made != 0)
    GTEST_SKIP() << "openssl could not make a certificate: " << output;
  auto daemon =
      Daemon::Start(data(), log(), {"--tls-cert", cert, "--tls-key", key});
  ASSERT_THAT(daemon, IsOk());
  std::ifstream cert_file(cert);
  std::stringstream pem;
  pem << cert_file.rdbuf();
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = pem.str();
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("localhost");
  auto secure = v1::IngestService::NewStub(grpc::CreateCustomChannel(
      (*daemon)->address(), grpc::SslCredentials(ssl), args));
  v1::SubmitBatchResponse response;
  EXPECT_TRUE(
      Submit(*secure, MakeBatch("agency", "tls", "t1", 0, 2), &response).ok());
  auto plain = v1::IngestService::NewStub((*daemon)->Channel());
  grpc::ClientContext context;
  SetDeadline(&context, absl::Seconds(3));
  v1::GetStatusResponse status;
  EXPECT_FALSE(plain->GetStatus(&context, {}, &status).ok());
  secure.reset();
  plain.reset();
  EXPECT_EQ((*daemon)->Terminate(), 0);

  // With --client-ca, only clients holding a certificate it signed get in.
  // The self-signed certificate is its own CA and serves as the client's.
  auto strict = Daemon::Start(
      data(), log(1),
      {"--tls-cert", cert, "--tls-key", key, "--client-ca", cert});
  ASSERT_THAT(strict, IsOk());
  auto anonymous = v1::IngestService::NewStub(grpc::CreateCustomChannel(
      (*strict)->address(), grpc::SslCredentials(ssl), args));
  grpc::ClientContext refused;
  SetDeadline(&refused, absl::Seconds(3));
  EXPECT_FALSE(anonymous->GetStatus(&refused, {}, &status).ok());
  std::ifstream key_file(key);
  std::stringstream key_pem;
  key_pem << key_file.rdbuf();
  grpc::SslCredentialsOptions mutual = ssl;
  mutual.pem_cert_chain = pem.str();
  mutual.pem_private_key = key_pem.str();
  auto known = v1::IngestService::NewStub(grpc::CreateCustomChannel(
      (*strict)->address(), grpc::SslCredentials(mutual), args));
  grpc::ClientContext admitted;
  SetDeadline(&admitted);
  const grpc::Status ok = known->GetStatus(&admitted, {}, &status);
  EXPECT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_EQ(status.batches(), 1);
  anonymous.reset();
  known.reset();
  EXPECT_EQ((*strict)->Terminate(), 0);
}

// `reckon submit` twice, then `reckon status --json`: the second run stores
// nothing new.
TEST_F(ReckondTest, CliSubmitIsIdempotentAndStatusReportsCounts) {
  if (!std::filesystem::exists(reckon_testing::ReckonPath())) {
    GTEST_SKIP() << "reckon binary not built";
  }
  auto daemon = Daemon::Start(data(), log());
  ASSERT_THAT(daemon, IsOk());
  const std::string csv = dir_.path() + "/labour.csv";
  {
    std::ofstream out(csv);
    out << "source_record_id,given_name,surname,birth_date,nationality,sex,"
           "permit\n";
    for (int i = 0; i < 25; ++i) {
      out << "L" << i << ",Hüseyn,Məmmədov" << i << ",12.03.1985,TUR,K,W" << i
          << "\n";
    }
    out << "L99,Ali,Aliyev,31.02.1990,AZE,K,W99\n";  // unparseable date
    out << "L98,Ali,Aliyev\n";                       // too few fields
  }
  const std::vector<std::string> submit = {
      "submit",   "--server", (*daemon)->address(), "--agency", "labour",
      "--source", csv,        "--batch-size",       "10"};
  std::string first;
  ASSERT_EQ(
      reckon_testing::RunProgram(reckon_testing::ReckonPath(), submit, &first),
      0)
      << first;
  EXPECT_THAT(first, HasSubstr("26 records read, 25 accepted, 2 rejected "
                               "(1 in the file, 1 by the server); 3 batches"));
  EXPECT_THAT(first, HasSubstr("record \"L99\": birth_date"));
  std::string second;
  ASSERT_EQ(
      reckon_testing::RunProgram(reckon_testing::ReckonPath(), submit, &second),
      0)
      << second;
  EXPECT_THAT(second, HasSubstr("3 of them already stored before"));

  std::string json;
  ASSERT_EQ(reckon_testing::RunProgram(
                reckon_testing::ReckonPath(),
                {"status", "--server", (*daemon)->address(), "--json"}, &json),
            0)
      << json;
  EXPECT_THAT(json, HasSubstr("\"batches\":3"));
  EXPECT_THAT(json, HasSubstr("\"records\":25"));
  EXPECT_THAT(json, HasSubstr("\"labour\":{\"batches\":3,\"records\":25}"));
  EXPECT_EQ((*daemon)->Terminate(), 0);
}

}  // namespace
}  // namespace reckon
