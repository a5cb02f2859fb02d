// Tests of the SQLite store: idempotent batches, immutable raw records, WAL,
// migrations from an older schema, concurrent writers.
#include "service/store/sqlite_store.h"

#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include "service/store/schema.h"
#include "tests/testing/status_matchers.h"

namespace reckon::store {
namespace {

using ::reckon_testing::IsOk;
using ::reckon_testing::IsOkAndHolds;
using ::reckon_testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_((std::filesystem::temp_directory_path() /
               absl::StrCat("reckon_store_", name, "_", ::getpid()))
                  .string()) {
    std::filesystem::remove_all(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string db() const { return path_ + "/reckon.db"; }

 private:
  std::string path_;
};

Record MakeRecord(const std::string& source, const std::string& id,
                  const std::string& surname) {
  Record record;
  record.source = source;
  record.source_record_id = id;
  record.Set(Field::kSurname, surname);
  return record;
}

BatchToCommit MakeBatch(const std::string& agency, const std::string& source,
                        const std::string& batch_id, int first, int count) {
  BatchToCommit batch;
  batch.key = {agency, source, batch_id};
  for (int i = 0; i < count; ++i) {
    batch.records.push_back(
        {i, MakeRecord(source, absl::StrCat("r", first + i),
                       absl::StrCat("surname", first + i))});
  }
  return batch;
}

std::unique_ptr<SqliteStore> OpenOrDie(const std::string& dir) {
  auto store = SqliteStore::Open(dir);
  EXPECT_THAT(store, IsOk());
  return store.ok() ? *std::move(store) : nullptr;
}

// Runs SQL on its own connection, outside the store.
void RawExec(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

TEST(SqliteStoreTest, StoresRecordsExactlyAsReceived) {
  TempDir dir("exact");
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  BatchToCommit batch;
  batch.key = {"labour", "labour", "b1"};
  Record record = MakeRecord("labour", "A-17", "  Məmmədov ");
  record.Set(Field::kGivenName, "Гусейн");
  record.Set(Field::kBirthDate, "31.02.1990");
  record.Set(Field::kNationality, "Türkiyə");
  record.extra = {{"permit_no", "W 0042"}, {"note", ""}, {"x\ty", "李"}};
  batch.records.push_back({0, record});
  ASSERT_THAT(store->CommitBatch(batch), IsOk());

  auto stored = store->GetBatch(batch.key);
  ASSERT_THAT(stored, IsOk());
  ASSERT_TRUE(stored->has_value());
  ASSERT_THAT((*stored)->records, SizeIs(1));
  const Record& back = (*stored)->records[0].record;
  EXPECT_EQ(back.source, "labour");
  EXPECT_EQ(back.source_record_id, "A-17");
  EXPECT_EQ(back.fields, record.fields);
  EXPECT_EQ(back.extra, record.extra);
  EXPECT_EQ((*stored)->accepted, 1);
  EXPECT_GT((*stored)->committed_unix, 0);
}

TEST(SqliteStoreTest, ResubmittedBatchIsDuplicateAndNeverCountedTwice) {
  TempDir dir("dup");
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  BatchToCommit batch = MakeBatch("labour", "labour", "b1", 0, 5);
  batch.rejections.push_back({.index = 5,
                              .source_record_id = "r5",
                              .field = "birth_date",
                              .message = "unparseable date"});
  auto first = store->CommitBatch(batch);
  ASSERT_THAT(first, IsOk());
  EXPECT_FALSE(first->duplicate);
  EXPECT_EQ(first->accepted, 5);
  EXPECT_EQ(first->rejected, 1);

  for (int attempt = 0; attempt < 3; ++attempt) {
    auto again = store->CommitBatch(batch);
    ASSERT_THAT(again, IsOk());
    EXPECT_TRUE(again->duplicate);
    EXPECT_EQ(again->sequence, first->sequence);
    EXPECT_EQ(again->accepted, 5);
    EXPECT_EQ(again->rejected, 1);
    EXPECT_EQ(again->rejections, first->rejections);
  }
  auto stats = store->Stats();
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->batches, 1);
  EXPECT_EQ(stats->records, 5);
  ASSERT_THAT(stats->sources, SizeIs(1));
  EXPECT_EQ(stats->sources[0].source, "labour");
  EXPECT_EQ(stats->sources[0].records, 5);
  EXPECT_EQ(stats->schema_version, kSchemaVersion);
}

TEST(SqliteStoreTest, HasBatchSaysWhetherAKeyIsCommitted) {
  TempDir dir("has_batch");
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  const BatchToCommit batch = MakeBatch("labour", "labour", "b1", 0, 2);
  EXPECT_THAT(store->HasBatch(batch.key), IsOkAndHolds(false));
  ASSERT_THAT(store->CommitBatch(batch), IsOk());
  EXPECT_THAT(store->HasBatch(batch.key), IsOkAndHolds(true));
  EXPECT_THAT(store->HasBatch({"labour", "labour", "b2"}), IsOkAndHolds(false));
  EXPECT_THAT(store->HasBatch({"interior", "labour", "b1"}),
              IsOkAndHolds(false));
}

TEST(SqliteStoreTest, BatchIdIsScopedByAgencyAndSource) {
  TempDir dir("scope");
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  ASSERT_THAT(store->CommitBatch(MakeBatch("labour", "permits", "b1", 0, 2)),
              IsOk());
  auto other_source =
      store->CommitBatch(MakeBatch("labour", "visas", "b1", 0, 2));
  ASSERT_THAT(other_source, IsOk());
  EXPECT_FALSE(other_source->duplicate);
  auto other_agency =
      store->CommitBatch(MakeBatch("interior", "permits", "b1", 10, 3));
  ASSERT_THAT(other_agency, IsOk());
  EXPECT_FALSE(other_agency->duplicate);
  EXPECT_EQ(other_agency->accepted, 3);
  auto stats = store->Stats();
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->batches, 3);
  EXPECT_EQ(stats->records, 7);
}

TEST(SqliteStoreTest, StoredRecordIdIsRejectedNotReplaced) {
  TempDir dir("replace");
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  ASSERT_THAT(store->CommitBatch(MakeBatch("a", "s", "b1", 0, 3)), IsOk());
  // r2 and r3 overlap with r0..r2 of the first batch: r2 is already stored.
  BatchToCommit second = MakeBatch("a", "s", "b2", 2, 2);
  second.records[0].record.Set(Field::kSurname, "changed");
  auto result = store->CommitBatch(second);
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->accepted, 1);
  EXPECT_EQ(result->rejected, 1);
  ASSERT_THAT(result->rejections, SizeIs(1));
  EXPECT_EQ(result->rejections[0].index, 0);
  EXPECT_EQ(result->rejections[0].field, "source_record_id");
  EXPECT_THAT(result->rejections[0].message, HasSubstr("already stored"));

  auto first = store->GetBatch({"a", "s", "b1"});
  ASSERT_THAT(first, IsOk());
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->records[2].record.Get(Field::kSurname), "surname2");
  auto stats = store->Stats();
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->records, 4);
}

TEST(SqliteStoreTest, RefusesRecordOfAnotherSourceAndWritesNothing) {
  TempDir dir("foreign");
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  BatchToCommit batch = MakeBatch("a", "s", "b1", 0, 3);
  batch.records[2].record.source = "other";
  EXPECT_THAT(store->CommitBatch(batch),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("record 2: source")));
  auto stats = store->Stats();
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->batches, 0);
  EXPECT_EQ(stats->records, 0);
  auto missing = store->GetBatch(batch.key);
  ASSERT_THAT(missing, IsOk());
  EXPECT_FALSE(missing->has_value());
}

TEST(SqliteStoreTest, RawRecordsCannotBeUpdatedOrDeleted) {
  TempDir dir("immutable");
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  ASSERT_THAT(store->CommitBatch(MakeBatch("a", "s", "b1", 0, 1)), IsOk());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.db().c_str(), &db), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "UPDATE records SET surname = 'x'", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  EXPECT_THAT(sqlite3_errmsg(db), HasSubstr("immutable"));
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM records", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
}

TEST(SqliteStoreTest, UsesWalAndCheckpointTruncatesIt) {
  TempDir dir("wal");
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  ASSERT_THAT(store->CommitBatch(MakeBatch("a", "s", "b1", 0, 50)), IsOk());
  const std::string wal = dir.db() + "-wal";
  ASSERT_TRUE(std::filesystem::exists(wal));
  EXPECT_GT(std::filesystem::file_size(wal), 0u);

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.db().c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)),
               "wal");
  sqlite3_finalize(stmt);
  sqlite3_close(db);

  ASSERT_THAT(store->Checkpoint(), IsOk());
  EXPECT_EQ(std::filesystem::file_size(wal), 0u);
  // Everything is in the main file now: a fresh store sees it.
  store.reset();
  auto reopened = OpenOrDie(dir.path());
  ASSERT_NE(reopened, nullptr);
  auto stats = reopened->Stats();
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->records, 50);
}

// Builds a version-1 store by hand, as a reckond of that version left it,
// then opens it with the current code.
// Commits do not checkpoint; the store's own thread copies the log into
// the database file beside them.
TEST(SqliteStoreTest, CopiesTheLogIntoTheDatabaseBesideCommits) {
  TempDir dir("checkpointer");
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  const auto empty = std::filesystem::file_size(dir.db());
  for (int b = 0; b < 5; ++b) {
    ASSERT_THAT(store->CommitBatch(MakeBatch("a", "s", absl::StrCat("b", b),
                                             b * 200, 200)),
                IsOk());
  }
  // 1,000 records take far more pages than an empty schema.
  const absl::Time give_up = absl::Now() + absl::Seconds(20);
  while (std::filesystem::file_size(dir.db()) <= empty + 40960 &&
         absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_GT(std::filesystem::file_size(dir.db()), empty + 40960);
  auto stats = store->Stats();
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->records, 1000);
}

TEST(SqliteStoreTest, MigratesAVersionOneStore) {
  TempDir dir("migrate");
  std::filesystem::create_directories(dir.path());
  RawExec(dir.db(), absl::StrCat("BEGIN;", std::string(SchemaMigrations()[0]),
                                 "PRAGMA user_version=1; COMMIT;"));
  RawExec(dir.db(),
          "INSERT INTO batches VALUES (1, 'labour', 'labour', 'old-1', 1000, "
          "2, 1);"
          "INSERT INTO batches VALUES (2, 'interior', 'interior', 'old-2', "
          "1001, 1, 0);"
          "INSERT INTO records (batch_sequence, batch_index, source, "
          "source_record_id, given_name, surname, patronymic, full_name, sex, "
          "birth_date, nationality, passport_no, region, sector, "
          "registered_on, extra) VALUES "
          "(1, 0, 'labour', 'L1', '', 'Aliyev', '', '', '', '', '', '', '', "
          "'', '', x''),"
          "(1, 2, 'labour', 'L3', '', 'Huseynov', '', '', '', '', '', '', '', "
          "'', '', x''),"
          "(2, 0, 'interior', 'I1', '', 'Мамедов', '', '', '', '', '', '', '', "
          "'', '', x'');");

  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  auto stats = store->Stats();
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->schema_version, kSchemaVersion);
  EXPECT_EQ(stats->batches, 2);
  EXPECT_EQ(stats->records, 3);
  ASSERT_THAT(stats->sources, SizeIs(2));
  EXPECT_EQ(stats->sources[0].source, "interior");
  EXPECT_EQ(stats->sources[0].records, 1);
  EXPECT_EQ(stats->sources[1].source, "labour");
  EXPECT_EQ(stats->sources[1].records, 2);

  // An old batch is still recognised when resubmitted.
  BatchToCommit old = MakeBatch("labour", "labour", "old-1", 0, 1);
  auto again = store->CommitBatch(old);
  ASSERT_THAT(again, IsOk());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->accepted, 2);
  EXPECT_EQ(again->rejected, 1);
  // And new batches count on top of the migrated counts.
  ASSERT_THAT(store->CommitBatch(MakeBatch("labour", "labour", "new", 10, 4)),
              IsOk());
  stats = store->Stats();
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->sources[1].records, 6);
  EXPECT_EQ(stats->batches, 3);
}

// A version-3 store (resolution tables and the index of assignments by
// entity) keeps its assignments and loses that index when opened.
TEST(SqliteStoreTest, MigratesAVersionThreeStoreDroppingTheEntityIndex) {
  TempDir dir("migrate3");
  std::filesystem::create_directories(dir.path());
  std::string up_to_three = "BEGIN;";
  for (size_t v = 0; v < 3; ++v) {
    absl::StrAppend(&up_to_three, std::string(SchemaMigrations()[v]));
  }
  absl::StrAppend(&up_to_three,
                  "INSERT INTO batches VALUES (1, 'labour', 'labour', 'old', "
                  "1000, 1, 0);"
                  "INSERT INTO records (batch_sequence, batch_index, source, "
                  "source_record_id, given_name, surname, patronymic, "
                  "full_name, sex, birth_date, nationality, passport_no, "
                  "region, sector, registered_on, extra) VALUES (1, 0, "
                  "'labour', 'L1', '', 'Aliyev', '', '', '', '', '', '', '', "
                  "'', '', x'');"
                  "INSERT INTO entity_assignments VALUES ('labour', 'L1', "
                  "'E00000007');"
                  "UPDATE entity_id_sequence SET next = 8;"
                  "PRAGMA user_version=3; COMMIT;");
  RawExec(dir.db(), up_to_three);

  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  auto stats = store->Stats();
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->schema_version, kSchemaVersion);
  auto state = store->LoadResolutionState();
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(state->next_entity, 8);
  EXPECT_EQ(state->assignments, 1);
  store.reset();

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.db().c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT COUNT(*) FROM sqlite_master WHERE "
                               "name = 'entity_assignments_by_entity'",
                               -1, &stmt, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

// A version-4 store (assignments keyed by record id) gets its assignments
// keyed by the records' rows; an assignment of no stored record is dropped.
TEST(SqliteStoreTest, MigratesAVersionFourStoreKeyingAssignmentsByRow) {
  TempDir dir("migrate4");
  std::filesystem::create_directories(dir.path());
  std::string up_to_four = "BEGIN;";
  for (size_t v = 0; v < 4; ++v) {
    absl::StrAppend(&up_to_four, std::string(SchemaMigrations()[v]));
  }
  absl::StrAppend(
      &up_to_four,
      "INSERT INTO batches VALUES (1, 'labour', 'labour', 'old', 1000, 2, 0);"
      "INSERT INTO records (record_seq, batch_sequence, batch_index, source, "
      "source_record_id, given_name, surname, patronymic, full_name, sex, "
      "birth_date, nationality, passport_no, region, sector, registered_on, "
      "extra) VALUES "
      "(1, 1, 0, 'labour', 'L1', '', 'Aliyev', '', '', '', '', '', '', '', "
      "'', '', x''),"
      "(2, 1, 1, 'labour', 'L2', '', 'Huseynov', '', '', '', '', '', '', '', "
      "'', '', x'');"
      "INSERT INTO source_counts VALUES ('labour', 2, 1);"
      "INSERT INTO entity_assignments VALUES ('labour', 'L2', 'E00000003'),"
      "('labour', 'L1', 'E00000002'), ('labour', 'gone', 'E00000009');"
      "UPDATE entity_id_sequence SET next = 10;"
      "PRAGMA user_version=4; COMMIT;");
  RawExec(dir.db(), up_to_four);

  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  auto stats = store->Stats();
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->schema_version, 5);
  auto state = store->LoadResolutionState();
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(state->assignments, 2);
  EXPECT_EQ(state->next_entity, 10);
  std::map<std::string, std::string> rows;
  ASSERT_THAT(store->ForEachAssignment([&](const EntityAssignment& a) {
    rows[absl::StrCat(a.source, "/", a.source_record_id)] = a.entity_id;
    return absl::OkStatus();
  }),
              IsOk());
  EXPECT_EQ(rows, (std::map<std::string, std::string>{
                      {"labour/L1", "E00000002"}, {"labour/L2", "E00000003"}}));
  // New batches' assignments and a relink's go by row as well.
  BatchToCommit batch = MakeBatch("labour", "labour", "new", 0, 2);
  batch.assignments = {{"labour", "r1", "E00000011"},
                       {"labour", "r0", "E00000002"}};  // not in batch order
  batch.next_entity = 12;
  auto committed = store->CommitBatch(batch);
  ASSERT_THAT(committed, IsOk());
  EXPECT_TRUE(committed->assignments_stored);
  rows.clear();
  ASSERT_THAT(store->ForEachAssignment([&](const EntityAssignment& a) {
    rows[a.source_record_id] = a.entity_id;
    return absl::OkStatus();
  }),
              IsOk());
  EXPECT_EQ(rows, (std::map<std::string, std::string>{{"L1", "E00000002"},
                                                      {"L2", "E00000003"},
                                                      {"r0", "E00000002"},
                                                      {"r1", "E00000011"}}));
  // An assignment of a record not in the batch is refused before writing.
  BatchToCommit stray = MakeBatch("labour", "labour", "stray", 5, 1);
  stray.assignments = {{"labour", "L1", "E00000004"}};
  EXPECT_THAT(store->CommitBatch(stray),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not a record of the batch")));
  EXPECT_THAT(store->HasBatch(stray.key), IsOkAndHolds(false));
}

TEST(SqliteStoreTest, RefusesAStoreFromANewerVersion) {
  TempDir dir("newer");
  std::filesystem::create_directories(dir.path());
  RawExec(dir.db(), "PRAGMA user_version=99;");
  EXPECT_THAT(SqliteStore::Open(dir.path()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("schema version 99")));
}

TEST(SqliteStoreTest, RefusesAFileThatIsNotADatabase) {
  TempDir dir("garbage");
  std::filesystem::create_directories(dir.path());
  {
    std::FILE* file = std::fopen(dir.db().c_str(), "wb");
    ASSERT_NE(file, nullptr);
    std::fputs("this is not an sqlite database, not at all, no.........", file);
    std::fclose(file);
  }
  EXPECT_FALSE(SqliteStore::Open(dir.path()).ok());
}

TEST(SqliteStoreTest, ConcurrentWritersCountEveryBatchOnce) {
  TempDir dir("threads");
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  constexpr int kThreads = 8;
  constexpr int kBatches = 25;
  constexpr int kRecords = 10;
  std::atomic<int> failures{0};
  std::atomic<int> duplicates{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string source = absl::StrCat("s", t % 4);
      for (int b = 0; b < kBatches; ++b) {
        // Threads t and t+4 share a source but use distinct record ids.
        BatchToCommit batch =
            MakeBatch("agency", source, absl::StrCat("t", t, "-b", b),
                      (t * kBatches + b) * kRecords, kRecords);
        for (int attempt = 0; attempt < 2; ++attempt) {
          auto result = store->CommitBatch(batch);
          if (!result.ok())
            ++failures;
          else if (result->duplicate)
            ++duplicates;
        }
      }
    });
  }
  // A reader runs alongside the writers.
  std::atomic<bool> done{false};
  std::thread reader([&] {
    while (!done) {
      auto stats = store->Stats();
      if (!stats.ok() || stats->records % kRecords != 0) ++failures;
    }
  });
  for (std::thread& thread : threads) thread.join();
  done = true;
  reader.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(duplicates, kThreads * kBatches);
  auto stats = store->Stats();
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->batches, kThreads * kBatches);
  EXPECT_EQ(stats->records, kThreads * kBatches * kRecords);
  ASSERT_THAT(stats->sources, SizeIs(4));
  for (const SourceStats& source : stats->sources) {
    EXPECT_EQ(source.records, 2 * kBatches * kRecords) << source.source;
  }
}

TEST(SqliteStoreTest, TwoStoresOnOneDirectoryShareTheWork) {
  TempDir dir("two");
  auto first = OpenOrDie(dir.path());
  auto second = OpenOrDie(dir.path());
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  std::atomic<int> failures{0};
  auto write = [&](SqliteStore* store) {
    // Both stores submit the same 40 batches: each must land exactly once.
    for (int b = 0; b < 40; ++b) {
      if (!store
               ->CommitBatch(
                   MakeBatch("a", "s", absl::StrCat("b", b), b * 5, 5))
               .ok()) {
        ++failures;
      }
    }
  };
  std::thread one(write, first.get());
  std::thread two(write, second.get());
  one.join();
  two.join();
  EXPECT_EQ(failures, 0);
  auto stats = first->Stats();
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->batches, 40);
  EXPECT_EQ(stats->records, 200);
}

TEST(SqliteStoreTest, ForEachRecordVisitsInCommitOrder) {
  TempDir dir("foreach");
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  ASSERT_THAT(store->CommitBatch(MakeBatch("a", "s", "b1", 0, 2)), IsOk());
  ASSERT_THAT(store->CommitBatch(MakeBatch("a", "t", "b1", 5, 1)), IsOk());
  std::vector<std::string> seen;
  ASSERT_THAT(store->ForEachRecord([&](int64_t sequence, const Record& record) {
    seen.push_back(absl::StrCat(sequence, ":", record.source, ":",
                                record.source_record_id));
    return absl::OkStatus();
  }),
              IsOk());
  EXPECT_THAT(seen, ElementsAre("1:s:r0", "1:s:r1", "2:t:r5"));
  EXPECT_THAT(store->ForEachRecord([](int64_t, const Record&) {
    return absl::CancelledError("stop");
  }),
              StatusIs(absl::StatusCode::kCancelled, HasSubstr("stop")));
}

TEST(ExtraEncodingTest, RoundTripsAndRejectsTruncation) {
  const std::vector<std::pair<std::string, std::string>> extra = {
      {"a", ""}, {"", "b"}, {"long", std::string(300, 'x')}};
  const std::string blob = EncodeExtra(extra);
  // 3 pairs x 2 lengths x 4 bytes + 1 + 1 + 4 + 300 bytes of text.
  EXPECT_EQ(blob.size(), 24u + 306u);
  EXPECT_THAT(DecodeExtra(blob), reckon_testing::IsOkAndHolds(extra));
  EXPECT_THAT(DecodeExtra(blob.substr(0, blob.size() - 1)),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("truncated")));
}

TEST(SqliteStoreTest, KeepsEntityAssignmentsRelinksAndTheirChanges) {
  TempDir dir("resolution");
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  auto fresh = store->LoadResolutionState();
  ASSERT_THAT(fresh, IsOk());
  EXPECT_FALSE(fresh->last_relink.has_value());
  EXPECT_EQ(fresh->next_entity, 1);
  EXPECT_EQ(fresh->assignments, 0);

  ASSERT_THAT(store->CommitBatch(MakeBatch("labour", "labour", "b", 0, 4)),
              IsOk());
  RelinkRow row{.started_unix = 10, .finished_unix = 12, .records = 3,
                .entities = 2, .candidate_pairs = 3, .links = 1};
  auto first = store->SaveRelink(
      row,
      {{"labour", "r0", "E1"}, {"labour", "r1", "E1"}, {"labour", "r2", "E2"}},
      {}, 3);
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(*first, 1);
  // Between relinks: one more record, and the sequence only goes up.
  ASSERT_THAT(store->SaveAssignments({{"labour", "r3", "E3"}}, 4), IsOk());
  ASSERT_THAT(store->SaveAssignments({}, 2), IsOk());
  // An assignment names a stored record.
  EXPECT_THAT(store->SaveAssignments({{"labour", "r3", "E5"},
                                      {"labour", "r99", "E5"}},
                                     9),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("\"r99\"")));
  auto state = store->LoadResolutionState();
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(state->next_entity, 4);
  EXPECT_EQ(state->assignments, 4);
  ASSERT_TRUE(state->last_relink.has_value());
  EXPECT_EQ(state->last_relink->finished_unix, 12);

  // A relink replaces every assignment and logs its changes.
  row.merges = 1;
  row.splits = 1;
  auto second = store->SaveRelink(
      row, {{"labour", "r0", "E1"}, {"labour", "r2", "E1"}},
      {{EntityChange::Kind::kMerge, "E1", "E2", 1},
       {EntityChange::Kind::kSplit, "E1", "E4", 1}},
      5);
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(*second, 2);
  std::map<std::string, std::string> rows;
  ASSERT_THAT(store->ForEachAssignment([&](const EntityAssignment& a) {
    rows[a.source_record_id] = a.entity_id;
    return absl::OkStatus();
  }),
              IsOk());
  EXPECT_EQ(rows, (std::map<std::string, std::string>{{"r0", "E1"},
                                                      {"r2", "E1"}}));
  auto changes = store->EntityChanges(2);
  ASSERT_THAT(changes, IsOk());
  ASSERT_THAT(*changes, SizeIs(2));
  EXPECT_EQ((*changes)[0].kind, EntityChange::Kind::kMerge);
  EXPECT_EQ((*changes)[0].other_entity_id, "E2");
  EXPECT_EQ((*changes)[1].kind, EntityChange::Kind::kSplit);
  EXPECT_EQ((*changes)[1].other_entity_id, "E4");
  auto none = store->EntityChanges(1);
  ASSERT_THAT(none, IsOk());
  EXPECT_TRUE(none->empty());

  // Records by key, in the order asked, unknown keys skipped.
  auto records = store->GetRecords(
      {{"labour", "r2"}, {"labour", "nope"}, {"labour", "r0"}});
  ASSERT_THAT(records, IsOk());
  ASSERT_THAT(*records, SizeIs(2));
  EXPECT_EQ((*records)[0].source_record_id, "r2");
  EXPECT_EQ((*records)[1].source_record_id, "r0");
  EXPECT_EQ((*records)[1].Get(Field::kSurname), "surname0");
}

// A batch's assignments are stored in its own transaction when every record
// is stored; a batch holding a record id already stored, or a duplicate
// batch, stores none of them.
TEST(SqliteStoreTest, StoresABatchsAssignmentsWithItsRecords) {
  TempDir dir("batch_assignments");
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  auto assignments = [&store] {
    std::map<std::string, std::string> rows;
    EXPECT_THAT(store->ForEachAssignment([&](const EntityAssignment& a) {
      rows[a.source_record_id] = a.entity_id;
      return absl::OkStatus();
    }),
                IsOk());
    return rows;
  };
  BatchToCommit first = MakeBatch("labour", "labour", "b1", 0, 2);
  first.assignments = {{"labour", "r0", "E7"}, {"labour", "r1", "E8"}};
  first.next_entity = 9;
  auto committed = store->CommitBatch(first);
  ASSERT_THAT(committed, IsOk());
  EXPECT_TRUE(committed->assignments_stored);
  EXPECT_EQ(assignments(), (std::map<std::string, std::string>{{"r0", "E7"},
                                                               {"r1", "E8"}}));
  auto state = store->LoadResolutionState();
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(state->next_entity, 9);

  // Resubmitted: a duplicate, nothing written.
  first.assignments = {{"labour", "r0", "E1"}};
  auto again = store->CommitBatch(first);
  ASSERT_THAT(again, IsOk());
  EXPECT_TRUE(again->duplicate);
  EXPECT_FALSE(again->assignments_stored);

  // r1 is stored already: r2 is stored, but no assignment of the batch.
  BatchToCommit second = MakeBatch("labour", "labour", "b2", 1, 2);
  second.assignments = {{"labour", "r1", "E9"}, {"labour", "r2", "E9"}};
  second.next_entity = 10;
  auto partly = store->CommitBatch(second);
  ASSERT_THAT(partly, IsOk());
  EXPECT_EQ(partly->accepted, 1);
  EXPECT_FALSE(partly->assignments_stored);
  EXPECT_EQ(assignments(), (std::map<std::string, std::string>{{"r0", "E7"},
                                                               {"r1", "E8"}}));
  state = store->LoadResolutionState();
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(state->next_entity, 9);
}

// Several batches in one transaction: each gets its own result, as if
// committed one after another; a key twice in the group is one batch.
TEST(SqliteStoreTest, GroupCommitGivesEachBatchItsOwnResult) {
  TempDir dir("group");
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  BatchToCommit first = MakeBatch("labour", "labour", "b1", 0, 3);  // r0-r2
  first.assignments = {{"labour", "r0", "E1"},
                       {"labour", "r1", "E1"},
                       {"labour", "r2", "E2"}};
  first.next_entity = 3;
  // r2 is first's: rejected; r3 stored.
  BatchToCommit second = MakeBatch("labour", "labour", "b2", 2, 2);
  second.rejections = {{.index = 5,
                        .source_record_id = "r9",
                        .field = "birth_date",
                        .message = "not a date"}};
  BatchToCommit again = MakeBatch("labour", "labour", "b1", 10, 1);
  BatchToCommit other = MakeBatch("interior", "interior", "b1", 0, 2);
  BatchToCommit invalid = MakeBatch("labour", "labour", "b3", 20, 1);
  invalid.records[0].record.source = "interior";
  std::vector<absl::StatusOr<CommitResult>> results =
      store->CommitBatches({&first, &second, &again, &invalid, &other});
  ASSERT_THAT(results, SizeIs(5));
  ASSERT_THAT(results[0], IsOk());
  EXPECT_FALSE(results[0]->duplicate);
  EXPECT_EQ(results[0]->sequence, 1);
  EXPECT_EQ(results[0]->accepted, 3);
  EXPECT_EQ(results[0]->rejected, 0);
  EXPECT_TRUE(results[0]->assignments_stored);
  ASSERT_THAT(results[1], IsOk());
  EXPECT_EQ(results[1]->sequence, 2);
  EXPECT_EQ(results[1]->accepted, 1);
  EXPECT_EQ(results[1]->rejected, 2);
  ASSERT_THAT(results[1]->rejections, SizeIs(2));
  EXPECT_EQ(results[1]->rejections[0].index, 0);
  EXPECT_EQ(results[1]->rejections[0].source_record_id, "r2");
  EXPECT_EQ(results[1]->rejections[1].index, 5);
  // The first batch's key again, within the same transaction: its result.
  ASSERT_THAT(results[2], IsOk());
  EXPECT_TRUE(results[2]->duplicate);
  EXPECT_EQ(results[2]->sequence, 1);
  EXPECT_EQ(results[2]->accepted, 3);
  EXPECT_THAT(results[3], StatusIs(absl::StatusCode::kInvalidArgument,
                                   HasSubstr("not the batch's source")));
  ASSERT_THAT(results[4], IsOk());
  EXPECT_EQ(results[4]->sequence, 3);
  EXPECT_EQ(results[4]->accepted, 2);

  auto stats = store->Stats();
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->batches, 3);
  EXPECT_EQ(stats->records, 6);
  ASSERT_THAT(stats->sources, SizeIs(2));
  EXPECT_EQ(stats->sources[1].source, "labour");
  EXPECT_EQ(stats->sources[1].records, 4);
  EXPECT_EQ(stats->sources[1].batches, 2);
  EXPECT_THAT(store->HasBatch({"labour", "labour", "b3"}), IsOkAndHolds(false));
  auto state = store->LoadResolutionState();
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(state->assignments, 3);
  EXPECT_EQ(state->next_entity, 3);
  // Resubmitted later: still the first commit's result.
  auto later = store->CommitBatch(MakeBatch("labour", "labour", "b2", 2, 2));
  ASSERT_THAT(later, IsOk());
  EXPECT_TRUE(later->duplicate);
  EXPECT_EQ(later->sequence, 2);
  EXPECT_EQ(later->rejected, 2);
}

// When SQLite fails for one batch of a group (here a trigger refuses one
// record), the whole transaction is rolled back: no batch of the group is
// stored, each says so, and the same batches commit later.
TEST(SqliteStoreTest, AFailedGroupCommitStoresNoBatchOfTheGroup) {
  TempDir dir("group_failure");
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  ASSERT_THAT(store->CommitBatch(MakeBatch("labour", "labour", "b0", 100, 2)),
              IsOk());
  RawExec(dir.db(),
          "CREATE TRIGGER refuse_poison BEFORE INSERT ON records "
          "WHEN NEW.surname = 'poison' "
          "BEGIN SELECT RAISE(ABORT, 'poison refused'); END;");
  BatchToCommit first = MakeBatch("labour", "labour", "b1", 0, 2);
  first.assignments = {{"labour", "r0", "E5"}, {"labour", "r1", "E5"}};
  first.next_entity = 6;
  BatchToCommit poisoned = MakeBatch("labour", "labour", "b2", 2, 2);
  poisoned.records[1].record.Set(Field::kSurname, "poison");
  BatchToCommit third = MakeBatch("interior", "interior", "b3", 0, 1);
  std::vector<absl::StatusOr<CommitResult>> results =
      store->CommitBatches({&first, &poisoned, &third});
  ASSERT_THAT(results, SizeIs(3));
  EXPECT_THAT(results[1], StatusIs(absl::StatusCode::kInternal,
                                   HasSubstr("poison refused")));
  for (size_t i : {0u, 2u}) {
    EXPECT_THAT(results[i],
                StatusIs(absl::StatusCode::kInternal,
                         HasSubstr("none of them was stored")));
  }
  auto stats = store->Stats();
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->batches, 1);
  EXPECT_EQ(stats->records, 2);
  EXPECT_THAT(store->HasBatch(first.key), IsOkAndHolds(false));
  EXPECT_THAT(store->HasBatch(third.key), IsOkAndHolds(false));
  auto state = store->LoadResolutionState();
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(state->assignments, 0);
  EXPECT_EQ(state->next_entity, 1);

  // The store is usable: without the poisoned batch the others commit.
  results = store->CommitBatches({&first, &third});
  ASSERT_THAT(results[0], IsOk());
  EXPECT_FALSE(results[0]->duplicate);
  EXPECT_EQ(results[0]->accepted, 2);
  ASSERT_THAT(results[1], IsOk());
  EXPECT_EQ(results[1]->accepted, 1);
  state = store->LoadResolutionState();
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(state->assignments, 2);
  EXPECT_EQ(state->next_entity, 6);
}

}  // namespace
}  // namespace reckon::store
