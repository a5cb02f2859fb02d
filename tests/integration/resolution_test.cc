// reckond's resolution end to end (issue 7, second half): records submitted
// over loopback, Relink as an operation, Resolve, GetEntity, Explain and
// Estimate, batches resolved as they commit, and entity ids that survive a
// second relink and a restart.
#include <sqlite3.h>

#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include <grpcpp/client_context.h>

#include "linkage/synth/scenario.h"
#include "reckon/v1/reckon.grpc.pb.h"
#include "service/daemon/proto_convert.h"
#include "service/store/sqlite_store.h"
#include "tests/integration/daemon_harness.h"
#include "tests/testing/status_matchers.h"

namespace reckon {
namespace {

using ::reckon_testing::Daemon;
using ::reckon_testing::IsOk;
using ::reckon_testing::TempDir;

void SetDeadline(grpc::ClientContext* context) {
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
}

struct Clients {
  explicit Clients(const Daemon& daemon)
      : ingest(v1::IngestService::NewStub(daemon.Channel())),
        linkage(v1::LinkageService::NewStub(daemon.Channel())),
        estimation(v1::EstimationService::NewStub(daemon.Channel())) {}
  std::unique_ptr<v1::IngestService::Stub> ingest;
  std::unique_ptr<v1::LinkageService::Stub> linkage;
  std::unique_ptr<v1::EstimationService::Stub> estimation;
};

void SubmitRecords(Clients& clients, const std::string& source,
                   const std::string& batch_id,
                   const std::vector<Record>& records) {
  v1::SubmitBatchRequest request;
  request.set_agency(source);
  request.mutable_batch()->set_batch_id(batch_id);
  request.mutable_batch()->set_source(source);
  for (const Record& record : records) {
    service::RecordToProto(record, request.mutable_batch()->add_records());
  }
  grpc::ClientContext context;
  SetDeadline(&context);
  v1::SubmitBatchResponse response;
  const grpc::Status status =
      clients.ingest->SubmitBatch(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.accepted(), static_cast<int64_t>(records.size()));
}

v1::Operation RelinkAndWait(Clients& clients) {
  v1::Operation operation;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    const grpc::Status status =
        clients.linkage->Relink(&context, v1::RelinkRequest(), &operation);
    EXPECT_TRUE(status.ok()) << status.error_message();
  }
  const absl::Time give_up = absl::Now() + absl::Seconds(120);
  while (!operation.done() && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(50));
    grpc::ClientContext context;
    SetDeadline(&context);
    v1::GetOperationRequest request;
    request.set_name(operation.name());
    const grpc::Status status =
        clients.linkage->GetOperation(&context, request, &operation);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_GE(operation.progress(), 0.0);
    EXPECT_LE(operation.progress(), 1.0);
  }
  return operation;
}

grpc::Status GetEntity(Clients& clients, const Record& record,
                       v1::Entity* entity) {
  grpc::ClientContext context;
  SetDeadline(&context);
  v1::GetEntityRequest request;
  request.mutable_record()->set_source(record.source);
  request.mutable_record()->set_source_record_id(record.source_record_id);
  return clients.linkage->GetEntity(&context, request, entity);
}

std::set<std::string> Members(const v1::Entity& entity) {
  std::set<std::string> members;
  for (const v1::RecordRef& ref : entity.members()) {
    members.insert(absl::StrCat(ref.source(), "/", ref.source_record_id()));
  }
  return members;
}

// SubmitBatch without expectations: the status and the response.
grpc::Status Submit(Clients& clients, const std::string& source,
                    const std::string& batch_id,
                    const std::vector<Record>& records,
                    v1::SubmitBatchResponse* response) {
  v1::SubmitBatchRequest request;
  request.set_agency(source);
  request.mutable_batch()->set_batch_id(batch_id);
  request.mutable_batch()->set_source(source);
  for (const Record& record : records) {
    service::RecordToProto(record, request.mutable_batch()->add_records());
  }
  grpc::ClientContext context;
  SetDeadline(&context);
  return clients.ingest->SubmitBatch(&context, request, response);
}

// A connection of the test's own to the daemon's database, outside the
// daemon: to hold the write lock (so that the daemon's batches queue up
// behind a commit that waits for it) and to add a trigger.
class RawDatabase {
 public:
  explicit RawDatabase(const std::string& data_dir) {
    const std::string path = data_dir + "/reckon.db";
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
    sqlite3_busy_timeout(db_, 10000);
  }
  ~RawDatabase() { sqlite3_close(db_); }
  void Exec(const std::string& sql) {
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error),
              SQLITE_OK)
        << (error ? error : "");
    sqlite3_free(error);
  }

 private:
  sqlite3* db_ = nullptr;
};

// The group_batches of the daemon's batch_resolved log lines that have one
// (batches resolved before their commit), in log order.
std::vector<int> GroupSizes(const std::string& log_path) {
  std::ifstream in(log_path);
  std::vector<int> sizes;
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("\"batch_resolved\"") == std::string::npos) continue;
    const size_t at = line.find("\"group_batches\":");
    if (at == std::string::npos) continue;
    sizes.push_back(std::stoi(line.substr(at + 16)));
  }
  return sizes;
}

// Waits (up to a minute) until the daemon serves every record of
// `batches`: a batch resolved before its commit is served from the moment
// it is indexed, so this says it has reached the commit queue (it is
// queued in the same locked section, right after; the caller allows a
// moment for that). Polling, not a fixed sleep, so that a loaded machine
// cannot reorder the batches a test means to queue one after another.
bool WaitUntilServed(Clients& clients,
                     const std::vector<const std::vector<Record>*>& batches) {
  const absl::Time give_up = absl::Now() + absl::Seconds(60);
  while (absl::Now() < give_up) {
    bool all = true;
    for (const std::vector<Record>* batch : batches) {
      for (const Record& record : *batch) {
        v1::Entity entity;
        all = all && GetEntity(clients, record, &entity).ok();
      }
    }
    if (all) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return false;
}

// The stored entity id of each record of `source`, by record id.
std::map<std::string, std::string> AssignmentsOf(store::SqliteStore& store,
                                                 const std::string& source) {
  std::map<std::string, std::string> out;
  EXPECT_THAT(store.ForEachAssignment([&](const store::EntityAssignment& row) {
                if (row.source == source) {
                  out[row.source_record_id] = row.entity_id;
                }
                return absl::OkStatus();
              }),
              IsOk());
  return out;
}

// A new record of its own: values no scenario person has.
Record Stranger(const std::string& source, const std::string& id,
                const std::string& surname) {
  Record record;
  record.source = source;
  record.source_record_id = id;
  record.Set(Field::kGivenName, "Qwzrtxq");
  record.Set(Field::kSurname, surname);
  record.Set(Field::kBirthDate, "1911-11-11");
  return record;
}

class ResolutionTest : public ::testing::Test {
 protected:
  ResolutionTest() : dir_("resolution") {
    SynthOptions options;
    options.people = 500;
    options.sources = 3;
    options.noise = NoiseLevel::kLow;
    options.seed = 99;
    absl::StatusOr<Scenario> scenario = GenerateScenario(options);
    EXPECT_TRUE(scenario.ok());
    for (const SynthRecord& record : scenario->records) {
      by_source_[record.record.source].push_back(record.record);
      all_.push_back(record.record);
      person_.push_back(record.person);
    }
  }
  std::string data() const { return dir_.path() + "/data"; }
  // Stores every scenario record (one batch "b1" per source) and relinks.
  void StoreAllAndRelink(Clients& clients) {
    for (const auto& [source, records] : by_source_) {
      SubmitRecords(clients, source, "b1", records);
    }
    const v1::Operation relinked = RelinkAndWait(clients);
    ASSERT_EQ(relinked.state(), v1::Operation::STATE_SUCCEEDED)
        << relinked.error_message();
  }
  std::string log(int n) const {
    return absl::StrCat(dir_.path(), "/reckond", n, ".log");
  }

  TempDir dir_;
  std::map<std::string, std::vector<Record>> by_source_;
  std::vector<Record> all_;
  std::vector<int64_t> person_;
};

TEST_F(ResolutionTest, RelinkResolveExplainEstimateAndStableIds) {
  auto daemon = Daemon::Start(data(), log(0));
  ASSERT_THAT(daemon, IsOk());
  auto clients = std::make_unique<Clients>(**daemon);
  for (const auto& [source, records] : by_source_) {
    SubmitRecords(*clients, source, "b1", records);
  }

  // Before any relink: no entities to resolve against.
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    v1::ResolveRequest request;
    service::RecordToProto(all_[0], request.mutable_probe());
    v1::ResolveResponse response;
    EXPECT_EQ(clients->linkage->Resolve(&context, request, &response)
                  .error_code(),
              grpc::StatusCode::FAILED_PRECONDITION);
  }

  const v1::Operation first = RelinkAndWait(*clients);
  ASSERT_EQ(first.state(), v1::Operation::STATE_SUCCEEDED)
      << first.error_message();
  EXPECT_EQ(first.result().records(), static_cast<int64_t>(all_.size()));
  EXPECT_GT(first.result().entities(), 300);
  EXPECT_LT(first.result().entities(), static_cast<int64_t>(all_.size()));
  EXPECT_GT(first.result().links(), 0);
  EXPECT_EQ(first.progress(), 1.0);
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    v1::GetStatusResponse status;
    ASSERT_TRUE(clients->ingest->GetStatus(&context, {}, &status).ok());
    EXPECT_EQ(status.entities(), first.result().entities());
    EXPECT_GT(status.last_relink_unix(), 0);
    EXPECT_TRUE(status.resolution_available());
  }

  // Resolve: a stored record's values, without its source and id, find
  // the record's own entity first, with field-level reasons.
  for (size_t r = 0; r < all_.size(); r += 97) {
    v1::Entity entity;
    ASSERT_TRUE(GetEntity(*clients, all_[r], &entity).ok());
    EXPECT_TRUE(Members(entity).contains(
        absl::StrCat(all_[r].source, "/", all_[r].source_record_id)));
    Record probe = all_[r];
    probe.source.clear();
    probe.source_record_id.clear();
    grpc::ClientContext context;
    SetDeadline(&context);
    v1::ResolveRequest request;
    service::RecordToProto(probe, request.mutable_probe());
    request.set_max_candidates(3);
    v1::ResolveResponse response;
    const grpc::Status status =
        clients->linkage->Resolve(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_GE(response.candidates_size(), 1);
    ASSERT_LE(response.candidates_size(), 3);
    const v1::Candidate& best = response.candidates(0);
    EXPECT_EQ(best.entity_id(), entity.entity_id());
    EXPECT_GT(best.match_probability(), 0.5);
    double sum = 0.0;
    for (const v1::FieldReason& field : best.fields()) sum += field.weight();
    EXPECT_NEAR(sum, best.weight(), 1e-6);
    EXPECT_FALSE(best.fields().empty());
  }

  // Explain: two records of one person in different registers.
  int explained = 0;
  for (size_t a = 0; a < all_.size() && explained < 5; ++a) {
    for (size_t b = a + 1; b < all_.size(); ++b) {
      if (person_[a] != person_[b] || all_[a].source == all_[b].source) {
        continue;
      }
      grpc::ClientContext context;
      SetDeadline(&context);
      v1::ExplainRequest request;
      request.mutable_left()->set_source(all_[a].source);
      request.mutable_left()->set_source_record_id(all_[a].source_record_id);
      request.mutable_right()->set_source(all_[b].source);
      request.mutable_right()->set_source_record_id(all_[b].source_record_id);
      v1::ExplainResponse response;
      ASSERT_TRUE(clients->linkage->Explain(&context, request, &response).ok());
      double sum = 0.0;
      for (const v1::FieldReason& field : response.fields()) {
        sum += field.weight();
      }
      EXPECT_NEAR(sum + response.source_pair_prior(), response.total_weight(),
                  1e-6);
      // The sources differ: their pair has its own prior.
      EXPECT_NE(response.source_pair_prior(), 0.0);
      EXPECT_EQ(response.fields_size(), 8);  // the default comparisons
      v1::Entity ea, eb;
      ASSERT_TRUE(GetEntity(*clients, all_[a], &ea).ok());
      ASSERT_TRUE(GetEntity(*clients, all_[b], &eb).ok());
      EXPECT_EQ(response.same_entity(), ea.entity_id() == eb.entity_id());
      ++explained;
      break;
    }
  }
  EXPECT_EQ(explained, 5);
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    v1::ExplainRequest request;
    request.mutable_left()->set_source("nowhere");
    request.mutable_left()->set_source_record_id("x");
    *request.mutable_right() = request.left();
    v1::ExplainResponse response;
    EXPECT_EQ(clients->linkage->Explain(&context, request, &response)
                  .error_code(),
              grpc::StatusCode::NOT_FOUND);
  }

  // Estimate over the current entities, in total and by nationality.
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    v1::EstimateRequest request;
    request.set_by("nationality");
    v1::EstimateResponse response;
    const grpc::Status status =
        clients->estimation->Estimate(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.total().observed(), first.result().entities());
    EXPECT_GE(response.total().n_hat(), response.total().observed());
    EXPECT_EQ(response.total().per_source_size(), 3);
    EXPECT_FALSE(response.total().models().empty());
    EXPECT_GT(response.strata_size(), 1);
  }

  // A new batch is resolved as it commits: a second record of a known
  // person joins that person's entity, a stranger starts a new one.
  const Record& known = all_[10];
  v1::Entity known_entity;
  ASSERT_TRUE(GetEntity(*clients, known, &known_entity).ok());
  Record again = known;
  again.source = "late";
  again.source_record_id = "late-1";
  Record stranger;
  stranger.source = "late";
  stranger.source_record_id = "late-2";
  stranger.Set(Field::kGivenName, "Qwzrtxq");
  stranger.Set(Field::kSurname, "Vlkjhgrtov");
  stranger.Set(Field::kBirthDate, "1911-11-11");
  SubmitRecords(*clients, "late", "late-b1", {again, stranger});
  v1::Entity again_entity, stranger_entity;
  ASSERT_TRUE(GetEntity(*clients, again, &again_entity).ok());
  ASSERT_TRUE(GetEntity(*clients, stranger, &stranger_entity).ok());
  EXPECT_EQ(again_entity.entity_id(), known_entity.entity_id());
  EXPECT_EQ(stranger_entity.members_size(), 1);
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    v1::GetStatusResponse status;
    ASSERT_TRUE(clients->ingest->GetStatus(&context, {}, &status).ok());
    EXPECT_EQ(status.entities(), first.result().entities() + 1);
  }

  // Ids before the second relink, by record.
  std::map<std::string, v1::Entity> before;
  for (size_t r = 0; r < all_.size(); r += 7) {
    ASSERT_TRUE(GetEntity(*clients, all_[r], &before[all_[r].source_record_id +
                                                     all_[r].source])
                    .ok());
  }
  const v1::Operation second = RelinkAndWait(*clients);
  ASSERT_EQ(second.state(), v1::Operation::STATE_SUCCEEDED)
      << second.error_message();
  EXPECT_EQ(second.result().records(), static_cast<int64_t>(all_.size() + 2));
  auto check_stable = [&](Clients& c) {
    int same_members = 0;
    for (size_t r = 0; r < all_.size(); r += 7) {
      v1::Entity after;
      ASSERT_TRUE(GetEntity(c, all_[r], &after).ok());
      const v1::Entity& old =
          before[all_[r].source_record_id + all_[r].source];
      if (Members(old) == Members(after)) {
        ++same_members;
        EXPECT_EQ(old.entity_id(), after.entity_id());
      }
    }
    EXPECT_GT(same_members, static_cast<int>(all_.size() / 7 * 9 / 10));
  };
  check_stable(*clients);

  // A restart relinks in the background and keeps the ids.
  clients.reset();
  EXPECT_EQ((*daemon)->Terminate(), 0);
  daemon = Daemon::Start(data(), log(1));
  ASSERT_THAT(daemon, IsOk());
  clients = std::make_unique<Clients>(**daemon);
  const absl::Time give_up = absl::Now() + absl::Seconds(120);
  while (absl::Now() < give_up) {
    v1::Entity entity;
    const grpc::Status status = GetEntity(*clients, all_[0], &entity);
    if (status.ok()) break;
    ASSERT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
        << status.error_message();
    absl::SleepFor(absl::Milliseconds(100));
  }
  check_stable(*clients);
  clients.reset();
  EXPECT_EQ((*daemon)->Terminate(), 0);

  // The store logged three relinks and holds every record's entity.
  auto store = store::SqliteStore::Open(data());
  ASSERT_THAT(store, IsOk());
  auto state = (*store)->LoadResolutionState();
  ASSERT_THAT(state, IsOk());
  ASSERT_TRUE(state->last_relink.has_value());
  EXPECT_EQ(state->last_relink->relink, 3);
  EXPECT_EQ(state->assignments, static_cast<int64_t>(all_.size() + 2));
  EXPECT_GT(state->next_entity, first.result().entities());
}

// A batch is indexed before its commit. When the commit then stores less
// than was indexed (here: a record id that another process stored behind
// the daemon's back, so the index lacks it), the index must not keep what
// the store lacks: the daemon rebuilds it from the store, and afterwards
// the index, the store's records and the store's assignments agree.
// Batches from several clients at once are then resolved as they commit,
// each record's stored entity the one the index names.
TEST_F(ResolutionTest, IndexRebuiltWhenACommitStoresLessThanWasIndexed) {
  auto daemon = Daemon::Start(data(), log(0));
  ASSERT_THAT(daemon, IsOk());
  auto clients = std::make_unique<Clients>(**daemon);
  ASSERT_NO_FATAL_FAILURE(StoreAllAndRelink(*clients));

  Record behind;
  behind.source = "late";
  behind.source_record_id = "late-1";
  behind.Set(Field::kGivenName, "Zorro");
  behind.Set(Field::kSurname, "Stored");
  behind.Set(Field::kBirthDate, "1950-05-05");
  {
    auto other = store::SqliteStore::Open(data());
    ASSERT_THAT(other, IsOk());
    store::BatchToCommit batch;
    batch.key = {"late", "late", "behind"};
    batch.records.push_back({0, behind});
    auto result = (*other)->CommitBatch(batch);
    ASSERT_THAT(result, IsOk());
    EXPECT_EQ(result->accepted, 1);
  }
  Record phantom = behind;
  phantom.Set(Field::kSurname, "Phantom");
  Record fresh = all_[3];
  fresh.source = "late";
  fresh.source_record_id = "late-2";
  {
    v1::SubmitBatchRequest request;
    request.set_agency("late");
    request.mutable_batch()->set_batch_id("late-b1");
    request.mutable_batch()->set_source("late");
    service::RecordToProto(phantom, request.mutable_batch()->add_records());
    service::RecordToProto(fresh, request.mutable_batch()->add_records());
    grpc::ClientContext context;
    SetDeadline(&context);
    v1::SubmitBatchResponse response;
    const grpc::Status status =
        clients->ingest->SubmitBatch(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.accepted(), 1);
    EXPECT_EQ(response.rejected(), 1);
  }
  // Reads answer UNAVAILABLE until the rebuilt index serves.
  v1::Entity behind_entity;
  const absl::Time give_up = absl::Now() + absl::Seconds(120);
  while (absl::Now() < give_up) {
    const grpc::Status status = GetEntity(*clients, behind, &behind_entity);
    if (status.ok()) break;
    ASSERT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
        << status.error_message();
    absl::SleepFor(absl::Milliseconds(100));
  }
  // The stored values, not those of the batch the store refused.
  ASSERT_EQ(behind_entity.records_size(), behind_entity.members_size());
  bool found = false;
  for (const v1::Record& record : behind_entity.records()) {
    if (record.source_record_id() != "late-1") continue;
    found = true;
    EXPECT_EQ(service::RecordFromProto(record).Get(Field::kSurname), "Stored");
  }
  EXPECT_TRUE(found);
  v1::Entity fresh_entity;
  ASSERT_TRUE(GetEntity(*clients, fresh, &fresh_entity).ok());

  // Four clients, five batches each, of known people's values under new
  // ids: every one resolved as it commits.
  std::vector<Record> added;
  std::vector<std::thread> threads;
  for (int c = 0; c < 4; ++c) {
    std::vector<std::vector<Record>> batches(5);
    for (int b = 0; b < 5; ++b) {
      for (int i = 0; i < 6; ++i) {
        Record record = all_[static_cast<size_t>((c * 5 + b) * 6 + i) * 3];
        record.source = "later";
        record.source_record_id = absl::StrCat("c", c, "-b", b, "-", i);
        batches[static_cast<size_t>(b)].push_back(record);
        added.push_back(record);
      }
    }
    threads.emplace_back([&clients, c, batches] {
      for (size_t b = 0; b < batches.size(); ++b) {
        SubmitRecords(*clients, "later", absl::StrCat("c", c, "-b", b),
                      batches[b]);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::map<std::string, std::string> served;  // record id -> entity id
  for (const Record& record : added) {
    v1::Entity entity;
    ASSERT_TRUE(GetEntity(*clients, record, &entity).ok());
    served[record.source_record_id] = entity.entity_id();
  }
  clients.reset();
  EXPECT_EQ((*daemon)->Terminate(), 0);

  auto store = store::SqliteStore::Open(data());
  ASSERT_THAT(store, IsOk());
  auto stats = (*store)->Stats();
  ASSERT_THAT(stats, IsOk());
  auto state = (*store)->LoadResolutionState();
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(stats->records,
            static_cast<int64_t>(all_.size() + 2 + added.size()));
  EXPECT_EQ(state->assignments, stats->records);
  // The first relink and the rebuild.
  ASSERT_TRUE(state->last_relink.has_value());
  EXPECT_EQ(state->last_relink->relink, 2);
  std::map<std::string, std::string> stored;  // "later" record id -> entity
  std::map<std::string, std::string> late;
  ASSERT_THAT((*store)->ForEachAssignment(
                  [&](const store::EntityAssignment& row) {
                    if (row.source == "later") {
                      stored[row.source_record_id] = row.entity_id;
                    } else if (row.source == "late") {
                      late[row.source_record_id] = row.entity_id;
                    }
                    return absl::OkStatus();
                  }),
              IsOk());
  EXPECT_EQ(stored, served);
  EXPECT_EQ(late, (std::map<std::string, std::string>{
                      {"late-1", behind_entity.entity_id()},
                      {"late-2", fresh_entity.entity_id()}}));
}

// Group commit: batches indexed while an earlier batch's commit waits (here
// for a write lock the test holds) are committed together in one
// transaction once it is done, each with its own reply after that durable
// commit; a batch id submitted twice inside the group is stored once and
// both replies are its first commit's; a batch that cannot be resolved
// first (a record id already stored) rides in the same group and is
// resolved after.
TEST_F(ResolutionTest, BatchesQueuedBehindACommitLandTogetherWithOwnResults) {
  auto daemon = Daemon::Start(data(), log(0));
  ASSERT_THAT(daemon, IsOk());
  auto clients = std::make_unique<Clients>(**daemon);
  ASSERT_NO_FATAL_FAILURE(StoreAllAndRelink(*clients));

  Record known = all_[20];
  known.source = "late";
  known.source_record_id = "k-1";
  const std::vector<Record> g0 = {Stranger("late", "g0-1", "Alpha"),
                                  Stranger("late", "g0-2", "Alphb")};
  const std::vector<Record> g1 = {known, Stranger("late", "g1-2", "Beta")};
  const std::vector<Record> g2 = {Stranger("late", "g2-1", "Gamma"),
                                  Stranger("late", "g2-2", "Gammb"),
                                  Stranger("late", "g2-3", "Delta")};
  // g0-1 is stored (by g0) before this batch commits: rejected.
  const std::vector<Record> g3 = {Stranger("late", "g0-1", "Epsilon"),
                                  Stranger("late", "g3-2", "Zeta")};
  RawDatabase raw(data());
  raw.Exec("BEGIN IMMEDIATE");
  v1::SubmitBatchResponse r0, r1, r2, r2_again, r3;
  grpc::Status s0, s1, s2, s2_again, s3;
  std::thread t0([&] { s0 = Submit(*clients, "late", "g0", g0, &r0); });
  // g0 indexed and waiting for the lock, alone in its group.
  const bool g0_queued = WaitUntilServed(*clients, {&g0});
  absl::SleepFor(absl::Milliseconds(300));
  std::vector<std::thread> threads;
  threads.emplace_back([&] { s1 = Submit(*clients, "late", "g1", g1, &r1); });
  threads.emplace_back([&] { s2 = Submit(*clients, "late", "g2", g2, &r2); });
  threads.emplace_back(
      [&] { s2_again = Submit(*clients, "late", "g2", g2, &r2_again); });
  threads.emplace_back([&] { s3 = Submit(*clients, "late", "g3", g3, &r3); });
  // All four queued behind g0: g1 and one g2 are indexed first (served);
  // the other g2 and g3 are not (their records are in the index already,
  // or stored) and queue after a lookup, given a second.
  const bool others_queued = WaitUntilServed(*clients, {&g1, &g2});
  absl::SleepFor(absl::Seconds(1));
  raw.Exec("ROLLBACK");
  t0.join();
  for (std::thread& thread : threads) thread.join();

  ASSERT_TRUE(g0_queued);
  ASSERT_TRUE(others_queued);
  ASSERT_TRUE(s0.ok()) << s0.error_message();
  ASSERT_TRUE(s1.ok()) << s1.error_message();
  ASSERT_TRUE(s2.ok()) << s2.error_message();
  ASSERT_TRUE(s2_again.ok()) << s2_again.error_message();
  ASSERT_TRUE(s3.ok()) << s3.error_message();
  EXPECT_EQ(r0.accepted(), 2);
  EXPECT_EQ(r1.accepted(), 2);
  EXPECT_EQ(r1.rejected(), 0);
  EXPECT_EQ(r2.accepted(), 3);
  EXPECT_EQ(r2_again.accepted(), 3);
  EXPECT_EQ(r2_again.sequence(), r2.sequence());
  EXPECT_NE(r2.duplicate(), r2_again.duplicate());  // one of them first
  EXPECT_EQ(r3.accepted(), 1);
  ASSERT_EQ(r3.rejected(), 1);
  EXPECT_EQ(r3.errors(0).source_record_id(), "g0-1");
  EXPECT_FALSE(r0.duplicate() || r1.duplicate() || r3.duplicate());
  // In queue order, after g0.
  EXPECT_GT(r1.sequence(), r0.sequence());
  EXPECT_GT(r3.sequence(), r0.sequence());
  // g0 alone, then one transaction for the four others: g1 and the first
  // g2 were resolved before it and log its size.
  EXPECT_THAT(GroupSizes(log(0)), ::testing::ElementsAre(1, 4, 4));

  // Every new record is served, and stored with the entity it is served in;
  // the known person's values joined their entity.
  v1::Entity known_entity;
  ASSERT_TRUE(GetEntity(*clients, all_[20], &known_entity).ok());
  std::map<std::string, std::string> served;
  for (const auto* batch : {&g0, &g1, &g2, &g3}) {
    for (const Record& record : *batch) {
      if (record.Get(Field::kSurname) == "Epsilon") continue;  // rejected
      v1::Entity entity;
      ASSERT_TRUE(GetEntity(*clients, record, &entity).ok())
          << record.source_record_id;
      served[record.source_record_id] = entity.entity_id();
    }
  }
  EXPECT_EQ(served["k-1"], known_entity.entity_id());
  clients.reset();
  EXPECT_EQ((*daemon)->Terminate(), 0);

  auto store = store::SqliteStore::Open(data());
  ASSERT_THAT(store, IsOk());
  auto stats = (*store)->Stats();
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->batches, 3 + 4);
  EXPECT_EQ(stats->records, static_cast<int64_t>(all_.size()) + 8);
  EXPECT_EQ(AssignmentsOf(**store, "late"), served);
}

// A group's transaction that fails (a trigger refuses one record of one of
// its batches) stores nothing of any batch in the group: each gets an
// error, the index (which held them) is marked stale and rebuilt from the
// store, and afterwards the index, the records and the assignments agree.
TEST_F(ResolutionTest, AFailedGroupCommitStoresNoneOfItAndTheIndexIsRebuilt) {
  auto daemon = Daemon::Start(data(), log(0));
  ASSERT_THAT(daemon, IsOk());
  auto clients = std::make_unique<Clients>(**daemon);
  ASSERT_NO_FATAL_FAILURE(StoreAllAndRelink(*clients));

  const std::vector<Record> g0 = {Stranger("late", "g0-1", "Alpha")};
  const std::vector<Record> g1 = {Stranger("late", "g1-1", "Beta"),
                                  Stranger("late", "g1-2", "Betb")};
  const std::vector<Record> g2 = {Stranger("late", "g2-1", "Gamma"),
                                  Stranger("late", "g2-2", "Poison")};
  const std::vector<Record> g3 = {Stranger("late", "g3-1", "Delta")};
  RawDatabase raw(data());
  raw.Exec(
      "CREATE TRIGGER refuse_poison BEFORE INSERT ON records "
      "WHEN NEW.surname = 'Poison' "
      "BEGIN SELECT RAISE(ABORT, 'poison refused'); END;");
  raw.Exec("BEGIN IMMEDIATE");
  v1::SubmitBatchResponse r0, r1, r2, r3;
  grpc::Status s0, s1, s2, s3;
  std::thread t0([&] { s0 = Submit(*clients, "late", "g0", g0, &r0); });
  const bool g0_queued = WaitUntilServed(*clients, {&g0});
  absl::SleepFor(absl::Milliseconds(300));
  std::vector<std::thread> threads;
  threads.emplace_back([&] { s1 = Submit(*clients, "late", "g1", g1, &r1); });
  threads.emplace_back([&] { s2 = Submit(*clients, "late", "g2", g2, &r2); });
  threads.emplace_back([&] { s3 = Submit(*clients, "late", "g3", g3, &r3); });
  // All three indexed first (new records), so queued behind g0.
  const bool others_queued = WaitUntilServed(*clients, {&g1, &g2, &g3});
  absl::SleepFor(absl::Milliseconds(300));
  raw.Exec("ROLLBACK");
  t0.join();
  for (std::thread& thread : threads) thread.join();
  ASSERT_TRUE(g0_queued);
  ASSERT_TRUE(others_queued);

  ASSERT_TRUE(s0.ok()) << s0.error_message();
  EXPECT_EQ(r0.accepted(), 1);
  for (const grpc::Status* status : {&s1, &s2, &s3}) {
    EXPECT_EQ(status->error_code(), grpc::StatusCode::INTERNAL)
        << status->error_message();
  }
  // SQLite's words go to the log only: the refused record's batch, and the
  // two others that failed with it.
  {
    std::ifstream in(log(0));
    int refused = 0, with_it = 0, rebuilt = 0;
    std::string line;
    while (std::getline(in, line)) {
      if (line.find("\"internal_error\"") != std::string::npos) {
        if (line.find("poison refused") != std::string::npos) ++refused;
        if (line.find("none of them was stored") != std::string::npos) {
          ++with_it;
        }
      }
      if (line.find("\"commit_after_index_failed\"") != std::string::npos) {
        ++rebuilt;
      }
    }
    EXPECT_EQ(refused, 3);  // the two others quote it
    EXPECT_EQ(with_it, 2);
    EXPECT_EQ(rebuilt, 3);
  }

  // Reads answer UNAVAILABLE until the rebuilt index serves; then the
  // group's records are unknown and g0's served.
  v1::Entity entity;
  const absl::Time give_up = absl::Now() + absl::Seconds(120);
  while (absl::Now() < give_up) {
    const grpc::Status status = GetEntity(*clients, g0[0], &entity);
    if (status.ok()) break;
    ASSERT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
        << status.error_message();
    absl::SleepFor(absl::Milliseconds(100));
  }
  const std::string g0_entity = entity.entity_id();
  EXPECT_FALSE(g0_entity.empty());
  for (const auto* batch : {&g1, &g2, &g3}) {
    for (const Record& record : *batch) {
      EXPECT_EQ(GetEntity(*clients, record, &entity).error_code(),
                grpc::StatusCode::NOT_FOUND)
          << record.source_record_id;
    }
  }

  // Without the trigger the same batches commit (none is a duplicate) and
  // are resolved.
  raw.Exec("DROP TRIGGER refuse_poison");
  for (const auto& [id, batch] :
       std::vector<std::pair<std::string, const std::vector<Record>*>>{
           {"g1", &g1}, {"g2", &g2}, {"g3", &g3}}) {
    v1::SubmitBatchResponse response;
    const grpc::Status status = Submit(*clients, "late", id, *batch, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_FALSE(response.duplicate());
    EXPECT_EQ(response.accepted(), static_cast<int64_t>(batch->size()));
  }
  std::map<std::string, std::string> served;
  for (const auto* batch : {&g0, &g1, &g2, &g3}) {
    for (const Record& record : *batch) {
      ASSERT_TRUE(GetEntity(*clients, record, &entity).ok())
          << record.source_record_id;
      served[record.source_record_id] = entity.entity_id();
    }
  }
  EXPECT_EQ(served["g0-1"], g0_entity);
  clients.reset();
  EXPECT_EQ((*daemon)->Terminate(), 0);

  auto store = store::SqliteStore::Open(data());
  ASSERT_THAT(store, IsOk());
  auto stats = (*store)->Stats();
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->batches, 3 + 4);
  EXPECT_EQ(stats->records, static_cast<int64_t>(all_.size()) + 6);
  auto state = (*store)->LoadResolutionState();
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(state->assignments, stats->records);
  // The first relink and the rebuild.
  ASSERT_TRUE(state->last_relink.has_value());
  EXPECT_EQ(state->last_relink->relink, 2);
  EXPECT_EQ(AssignmentsOf(**store, "late"), served);
}

}  // namespace
}  // namespace reckon
