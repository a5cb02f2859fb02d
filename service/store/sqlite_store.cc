#include "service/store/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

#include "linkage/base/status_macros.h"
#include "service/store/schema.h"

namespace reckon::store {
namespace {

constexpr char kDatabaseFile[] = "reckon.db";

absl::Status SqliteError(sqlite3* db, std::string_view what) {
  const int code = db == nullptr ? SQLITE_ERROR : sqlite3_extended_errcode(db);
  const std::string message =
      absl::StrCat("store: ", absl::string_view(what.data(), what.size()), ": ",
                   db == nullptr ? "no connection" : sqlite3_errmsg(db));
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
      return absl::UnavailableError(message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(message);
    default:
      return absl::InternalError(message);
  }
}

// Runs `sql` (one or more statements without results).
absl::Status Exec(sqlite3* db, std::string_view sql, std::string_view what) {
  const std::string text(sql);
  if (sqlite3_exec(db, text.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return SqliteError(db, what);
  }
  return absl::OkStatus();
}

}  // namespace

// A prepared statement, finalized on destruction. Binding indices are from 1.
class Statement {
 public:
  // `persistent`: kept and reused for the connection's lifetime (SQLite
  // then allocates it outside its lookaside memory).
  static absl::StatusOr<Statement> Prepare(sqlite3* db, std::string_view sql,
                                           bool persistent = false) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                           persistent ? SQLITE_PREPARE_PERSISTENT : 0u, &stmt,
                           nullptr) != SQLITE_OK) {
      return SqliteError(db, "prepare");
    }
    return Statement(db, stmt);
  }
  Statement(Statement&& other) noexcept
      : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}
  Statement& operator=(Statement&&) = delete;
  ~Statement() {
    if (stmt_ != nullptr) sqlite3_finalize(stmt_);
  }

  void BindText(int index, std::string_view text) {
    // SQLITE_STATIC: every bound string outlives the step that reads it.
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                      SQLITE_STATIC);
  }
  void BindBlob(int index, std::string_view blob) {
    sqlite3_bind_blob(stmt_, index, blob.data(), static_cast<int>(blob.size()),
                      SQLITE_STATIC);
  }
  void BindInt(int index, int64_t value) {
    sqlite3_bind_int64(stmt_, index, value);
  }

  // Returns true while a row is available, false when done.
  absl::StatusOr<bool> Step(std::string_view what) {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return SqliteError(db_, what);
  }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  std::string Text(int column) const {
    const auto* data =
        reinterpret_cast<const char*>(sqlite3_column_blob(stmt_, column));
    const int size = sqlite3_column_bytes(stmt_, column);
    return data == nullptr ? std::string()
                           : std::string(data, static_cast<size_t>(size));
  }

 private:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

// The writer's statements, each prepared once (the commits run the same
// few statements for every batch), keyed by the address of their SQL text,
// which must be a constant.
class StatementCache {
 public:
  explicit StatementCache(sqlite3* db) : db_(db) {}
  absl::StatusOr<Statement*> Get(const char* sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
      RECKON_ASSIGN_OR_RETURN(Statement statement,
                              Statement::Prepare(db_, sql, true));
      it = statements_
               .emplace(sql, std::make_unique<Statement>(std::move(statement)))
               .first;
    }
    return it->second.get();
  }

 private:
  sqlite3* const db_;
  absl::flat_hash_map<const char*, std::unique_ptr<Statement>> statements_;
};

namespace {

// Resets a cached statement when its use ends, however it ends (a SELECT
// left stepping would keep its read open; bound strings are not ours).
class ResetOnExit {
 public:
  explicit ResetOnExit(Statement* statement) : statement_(statement) {}
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;
  ~ResetOnExit() { statement_->Reset(); }

 private:
  Statement* const statement_;
};

// Opens one connection with the settings every connection needs.
absl::StatusOr<sqlite3*> OpenConnection(const std::string& path,
                                        const StoreOptions& options) {
  sqlite3* db = nullptr;
  // FULLMUTEX costs nothing measurable here (each connection is used under
  // our own mutex) and keeps SQLite safe if that ever changes.
  const int rc = sqlite3_open_v2(
      path.c_str(), &db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
      nullptr);
  if (rc != SQLITE_OK) {
    absl::Status status = SqliteError(db, absl::StrCat("open ", path));
    sqlite3_close(db);
    return status;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  // WAL: readers never block the writer and a commit is one append to the
  // log. synchronous=FULL: fsync the WAL at every commit, so an
  // acknowledged batch survives power loss, not only a process crash.
  // cache_size: 64 MiB of pages per connection (SQLite's default is 2 MiB),
  // so that at a million records the indexes that every batch's inserts
  // and entity assignments walk stay in memory.
  absl::Status status = Exec(db,
                             "PRAGMA journal_mode=WAL;"
                             "PRAGMA synchronous=FULL;"
                             "PRAGMA foreign_keys=ON;"
                             "PRAGMA cache_size=-65536;",
                             "configure connection");
  if (!status.ok()) {
    sqlite3_close(db);
    return status;
  }
  return db;
}

absl::StatusOr<int> UserVersion(sqlite3* db) {
  RECKON_ASSIGN_OR_RETURN(Statement stmt,
                          Statement::Prepare(db, "PRAGMA user_version"));
  RECKON_ASSIGN_OR_RETURN(bool has_row, stmt.Step("read schema version"));
  if (!has_row) return absl::DataLossError("store: no schema version");
  return static_cast<int>(stmt.Int(0));
}

absl::Status Migrate(sqlite3* db, const std::string& path) {
  // BEGIN IMMEDIATE takes the write lock before reading the version, so two
  // processes opening a fresh store cannot both run migration 1.
  for (;;) {
    RECKON_RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE", "begin migration"));
    absl::StatusOr<int> version = UserVersion(db);
    if (!version.ok()) {
      Exec(db, "ROLLBACK", "rollback").IgnoreError();
      return version.status();
    }
    if (*version == kSchemaVersion) {
      return Exec(db, "COMMIT", "end migration");
    }
    if (*version > kSchemaVersion || *version < 0) {
      Exec(db, "ROLLBACK", "rollback").IgnoreError();
      return absl::FailedPreconditionError(
          absl::StrCat(path, ": store schema version ", *version,
                       " is not one this reckond knows (it knows up to ",
                       kSchemaVersion, "): use a newer reckond"));
    }
    const std::string_view sql =
        SchemaMigrations()[static_cast<size_t>(*version)];
    absl::Status status =
        Exec(db, sql, absl::StrCat("migrate to version ", *version + 1));
    if (status.ok()) {
      status = Exec(db, absl::StrCat("PRAGMA user_version=", *version + 1),
                    "set schema version");
    }
    if (status.ok()) status = Exec(db, "COMMIT", "commit migration");
    if (!status.ok()) {
      Exec(db, "ROLLBACK", "rollback").IgnoreError();
      return status;
    }
  }
}

void AppendLength(std::string* out, size_t length) {
  const auto n = static_cast<uint32_t>(length);
  for (int shift = 0; shift < 32; shift += 8) {
    out->push_back(static_cast<char>((n >> shift) & 0xffu));
  }
}

// EncodeExtra, appended to `out` (whose buffer a caller may reuse).
void AppendExtra(const std::vector<std::pair<std::string, std::string>>& extra,
                 std::string* out) {
  for (const auto& [name, value] : extra) {
    AppendLength(out, name.size());
    *out += name;
    AppendLength(out, value.size());
    *out += value;
  }
}

absl::StatusOr<std::string> TakeString(std::string_view* in) {
  if (in->size() < 4) return absl::DataLossError("store: truncated extra blob");
  uint32_t n = 0;
  for (int i = 3; i >= 0; --i) {
    n = (n << 8) | static_cast<uint8_t>((*in)[static_cast<size_t>(i)]);
  }
  in->remove_prefix(4);
  if (in->size() < n) return absl::DataLossError("store: truncated extra blob");
  std::string value(in->substr(0, n));
  in->remove_prefix(n);
  return value;
}

// Columns of `records` in the order the SELECTs below list them.
constexpr char kRecordColumns[] =
    "source, source_record_id, given_name, surname, patronymic, full_name, "
    "sex, birth_date, nationality, passport_no, region, sector, "
    "registered_on, extra, batch_index, batch_sequence";

absl::StatusOr<Record> RecordFromRow(const Statement& stmt) {
  Record record;
  record.source = stmt.Text(0);
  record.source_record_id = stmt.Text(1);
  for (size_t i = 0; i < kFieldCount; ++i) {
    record.fields[i] = stmt.Text(static_cast<int>(2 + i));
  }
  RECKON_ASSIGN_OR_RETURN(record.extra, DecodeExtra(stmt.Text(13)));
  return record;
}

}  // namespace

std::string EncodeExtra(
    const std::vector<std::pair<std::string, std::string>>& extra) {
  std::string out;
  AppendExtra(extra, &out);
  return out;
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> DecodeExtra(
    std::string_view blob) {
  std::vector<std::pair<std::string, std::string>> extra;
  while (!blob.empty()) {
    RECKON_ASSIGN_OR_RETURN(std::string name, TakeString(&blob));
    RECKON_ASSIGN_OR_RETURN(std::string value, TakeString(&blob));
    extra.emplace_back(std::move(name), std::move(value));
  }
  return extra;
}

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(
    const std::string& dir, StoreOptions options) {
  if (dir.empty()) {
    return absl::InvalidArgumentError("store: no data directory given");
  }
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return absl::InvalidArgumentError(
        absl::StrCat(dir, ": cannot create data directory: ", error.message()));
  }
  const std::string path =
      (std::filesystem::path(dir) / kDatabaseFile).string();
  RECKON_ASSIGN_OR_RETURN(sqlite3 * writer, OpenConnection(path, options));
  if (absl::Status status = Migrate(writer, path); !status.ok()) {
    sqlite3_close(writer);
    return status;
  }
  absl::StatusOr<sqlite3*> reader = OpenConnection(path, options);
  if (!reader.ok()) {
    sqlite3_close(writer);
    return reader.status();
  }
  absl::StatusOr<sqlite3*> checkpointer = OpenConnection(path, options);
  if (!checkpointer.ok()) {
    sqlite3_close(*reader);
    sqlite3_close(writer);
    return checkpointer.status();
  }
  // Commits never checkpoint: the checkpointer thread does (see the
  // constructor).
  if (absl::Status status =
          Exec(writer, "PRAGMA wal_autocheckpoint=0", "configure writer");
      !status.ok()) {
    sqlite3_close(*checkpointer);
    sqlite3_close(*reader);
    sqlite3_close(writer);
    return status;
  }
  return std::unique_ptr<SqliteStore>(
      new SqliteStore(path, writer, *reader, *checkpointer,
                      std::max(1, options.checkpoint_log_pages)));
}

SqliteStore::SqliteStore(std::string path, sqlite3* writer, sqlite3* reader,
                         sqlite3* checkpointer, int checkpoint_log_pages)
    : path_(std::move(path)),
      writer_(writer),
      reader_(reader),
      checkpointer_(checkpointer),
      checkpoint_log_pages_(checkpoint_log_pages) {
  // SQLite's automatic checkpoint runs inside the COMMIT that crosses its
  // threshold: at a million records a batch of resolved records dirties
  // thousands of index pages, so nearly every commit copied the log into the
  // database and fsynced it before returning, about a third of a batch's
  // transaction. A passive checkpoint on its own connection after commits
  // does the same work beside them (it copies only committed frames, never
  // waits for or blocks the writer; durability is the log's fsync at
  // commit, unchanged).
  // Copying after every round of commits wrote the pages every batch
  // touches again and again (at a million records the index of record ids
  // takes about a thousand random pages per batch, with its fsync: a third
  // of the daemon's CPU during ingest); copying once the log is long copies
  // a page rewritten by many commits once.
  sqlite3_wal_hook(writer_, &SqliteStore::OnWalCommit, this);
  checkpoint_thread_ = std::thread([this] { RunCheckpoints(); });
}

int SqliteStore::OnWalCommit(void* store, sqlite3*, const char*,
                             int log_pages) {
  auto* self = static_cast<SqliteStore*>(store);
  absl::MutexLock lock(&self->checkpoint_mu_);
  self->log_pages_ = log_pages;
  return SQLITE_OK;
}

SqliteStore::~SqliteStore() {
  {
    absl::MutexLock lock(&checkpoint_mu_);
    stop_checkpoints_ = true;
  }
  checkpoint_thread_.join();
  sqlite3_close(checkpointer_);
  absl::MutexLock write_lock(&write_mu_);
  absl::MutexLock read_lock(&read_mu_);
  // Finalized before their connection closes (else it stays open).
  writer_statements_.reset();
  sqlite3_close(reader_);
  sqlite3_close(writer_);
}

void SqliteStore::NoteCommit() {
  absl::MutexLock lock(&checkpoint_mu_);
  ++commits_;
}

void SqliteStore::RunCheckpoints() {
  uint64_t seen = 0;
  absl::MutexLock lock(&checkpoint_mu_);
  while (true) {
    auto wake = [this, &seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(checkpoint_mu_) {
      return stop_checkpoints_ || commits_ != seen;
    };
    checkpoint_mu_.Await(absl::Condition(&wake));
    if (stop_checkpoints_) return;
    seen = commits_;
    // Until the log is long enough, or commits pause for a second.
    while (log_pages_ < checkpoint_log_pages_) {
      if (!checkpoint_mu_.AwaitWithTimeout(absl::Condition(&wake),
                                           absl::Seconds(1))) {
        break;
      }
      if (stop_checkpoints_) return;
      seen = commits_;
    }
    checkpoint_mu_.Unlock();
    {
      // PASSIVE: copies what no reader still needs, without waiting; what
      // it leaves is copied by the next round. A failure (another process's
      // checkpoint running, say) only leaves the log longer until then.
      absl::MutexLock running(&checkpointing_mu_);
      sqlite3_wal_checkpoint_v2(checkpointer_, nullptr,
                                SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    }
    checkpoint_mu_.Lock();
  }
}

namespace {

constexpr char kFindBatch[] =
    "SELECT sequence, accepted, rejected FROM batches "
    "WHERE agency = ?1 AND source = ?2 AND batch_id = ?3";
constexpr char kFindRejections[] =
    "SELECT batch_index, source_record_id, field, message "
    "FROM batch_rejections WHERE batch_sequence = ?1 ORDER BY batch_index";
constexpr char kInsertBatch[] =
    "INSERT INTO batches (agency, source, batch_id, committed_unix, "
    "accepted, rejected) VALUES (?1, ?2, ?3, ?4, 0, 0)";
// OR IGNORE: a record id the source already has is skipped (and rejected),
// never replaced: raw records are immutable.
constexpr char kInsertRecord[] =
    "INSERT OR IGNORE INTO records (batch_sequence, batch_index, source, "
    "source_record_id, given_name, surname, patronymic, full_name, sex, "
    "birth_date, nationality, passport_no, region, sector, "
    "registered_on, extra) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
    "?10, ?11, ?12, ?13, ?14, ?15, ?16)";
constexpr char kInsertRejection[] =
    "INSERT OR IGNORE INTO batch_rejections (batch_sequence, batch_index, "
    "source_record_id, field, message) VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr char kUpdateBatch[] =
    "UPDATE batches SET accepted = ?1, rejected = ?2 WHERE sequence = ?3";
constexpr char kCountRecords[] =
    "INSERT INTO source_counts (source, records, batches) "
    "VALUES (?1, ?2, 1) ON CONFLICT (source) DO UPDATE SET "
    "records = records + excluded.records, batches = batches + 1";
// A batch's assignments, by the rows its records were just stored in.
constexpr char kInsertAssignmentByRow[] =
    "INSERT OR REPLACE INTO entity_assignments (record_seq, entity_id) "
    "VALUES (?1, ?2)";
// Other assignments, by record key: the record's row looked up.
constexpr char kInsertAssignment[] =
    "INSERT OR REPLACE INTO entity_assignments (record_seq, entity_id) "
    "SELECT record_seq, ?3 FROM records WHERE source = ?1 AND "
    "source_record_id = ?2";
constexpr char kRaiseSequence[] =
    "UPDATE entity_id_sequence SET next = MAX(next, ?1)";

// The commit of the batch with `key` as `find` (kFindBatch) and
// `rejections` (kFindRejections) read it, or std::nullopt.
absl::StatusOr<std::optional<CommitResult>> ReadCommitted(
    Statement& find, Statement& rejections, const BatchKey& key) {
  ResetOnExit reset_find(&find);
  ResetOnExit reset_rejections(&rejections);
  find.BindText(1, key.agency);
  find.BindText(2, key.source);
  find.BindText(3, key.batch_id);
  RECKON_ASSIGN_OR_RETURN(bool found, find.Step("find batch"));
  if (!found) return std::optional<CommitResult>();
  CommitResult result;
  result.duplicate = true;
  result.sequence = find.Int(0);
  result.accepted = find.Int(1);
  result.rejected = find.Int(2);
  rejections.BindInt(1, result.sequence);
  while (true) {
    RECKON_ASSIGN_OR_RETURN(bool row, rejections.Step("read rejections"));
    if (!row) break;
    result.rejections.push_back({.index = rejections.Int(0),
                                 .source_record_id = rejections.Text(1),
                                 .field = rejections.Text(2),
                                 .message = rejections.Text(3)});
  }
  return std::optional<CommitResult>(std::move(result));
}

// `insert` is kInsertAssignment; kInvalidArgument for a row naming a record
// not stored.
absl::Status InsertAssignments(sqlite3* db, Statement& insert,
                               const std::vector<EntityAssignment>& rows) {
  ResetOnExit reset(&insert);
  for (const EntityAssignment& row : rows) {
    insert.BindText(1, row.source);
    insert.BindText(2, row.source_record_id);
    insert.BindText(3, row.entity_id);
    RECKON_RETURN_IF_ERROR(insert.Step("insert assignment").status());
    insert.Reset();
    if (sqlite3_changes(db) == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "store: assignment of record \"", row.source_record_id,
          "\" of source \"", row.source, "\": no such record stored"));
    }
  }
  return absl::OkStatus();
}

absl::Status RaiseSequence(Statement& raise, int64_t next_entity) {
  ResetOnExit reset(&raise);
  raise.BindInt(1, next_entity);
  return raise.Step("raise entity sequence").status();
}

// Whether assignments[i] names records[i] for every i (as the daemon
// builds them): then no look-up is needed to find their rows.
bool AssignmentsInRecordOrder(const BatchToCommit& batch) {
  if (batch.assignments.size() != batch.records.size()) return false;
  for (size_t i = 0; i < batch.records.size(); ++i) {
    if (batch.assignments[i].source_record_id !=
        batch.records[i].record.source_record_id) {
      return false;
    }
  }
  return true;
}

// The REQUIRES of BatchToCommit, checked before anything is written.
absl::Status CheckBatch(const BatchToCommit& batch) {
  for (const IndexedRecord& item : batch.records) {
    if (item.record.source != batch.key.source) {
      return absl::InvalidArgumentError(absl::StrCat(
          "store: record ", item.index, ": source \"", item.record.source,
          "\" is not the batch's source \"", batch.key.source, "\""));
    }
    if (item.record.source_record_id.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("store: record ", item.index, ": empty record id"));
    }
  }
  if (batch.assignments.empty() || AssignmentsInRecordOrder(batch)) {
    return absl::OkStatus();
  }
  absl::flat_hash_set<absl::string_view> ids;
  ids.reserve(batch.records.size());
  for (const IndexedRecord& item : batch.records) {
    ids.insert(item.record.source_record_id);
  }
  for (const EntityAssignment& assignment : batch.assignments) {
    if (assignment.source != batch.key.source ||
        !ids.contains(assignment.source_record_id)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "store: assignment of record \"", assignment.source_record_id,
          "\" of source \"", assignment.source,
          "\": not a record of the batch"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::optional<CommitResult>> SqliteStore::FindCommitted(
    sqlite3* db, const BatchKey& key) {
  RECKON_ASSIGN_OR_RETURN(Statement find, Statement::Prepare(db, kFindBatch));
  RECKON_ASSIGN_OR_RETURN(Statement rejections,
                          Statement::Prepare(db, kFindRejections));
  return ReadCommitted(find, rejections, key);
}

absl::StatusOr<Statement*> SqliteStore::WriterStatement(const char* sql) {
  if (writer_statements_ == nullptr) {
    writer_statements_ = std::make_unique<StatementCache>(writer_);
  }
  return writer_statements_->Get(sql);
}

absl::StatusOr<CommitResult> SqliteStore::CommitBatch(
    const BatchToCommit& batch) {
  return std::move(CommitBatches({&batch}).front());
}

std::vector<absl::StatusOr<CommitResult>> SqliteStore::CommitBatches(
    const std::vector<const BatchToCommit*>& batches) {
  std::vector<absl::StatusOr<CommitResult>> results(batches.size());
  std::vector<size_t> valid;
  valid.reserve(batches.size());
  for (size_t i = 0; i < batches.size(); ++i) {
    if (absl::Status status = CheckBatch(*batches[i]); !status.ok()) {
      results[i] = std::move(status);
    } else {
      valid.push_back(i);
    }
  }
  if (valid.empty()) return results;
  absl::MutexLock lock(&write_mu_);
  absl::Status status = Exec(writer_, "BEGIN IMMEDIATE", "begin commit");
  size_t failed = batches.size();  // the batch whose statement failed
  bool wrote = false;
  if (status.ok()) {
    for (size_t i : valid) {
      absl::StatusOr<CommitResult> result = CommitLocked(*batches[i]);
      if (!result.ok()) {
        status = result.status();
        failed = i;
        break;
      }
      wrote = wrote || !result->duplicate;
      results[i] = std::move(result);
    }
  }
  if (status.ok() && !wrote) {
    // Duplicates only: nothing to make durable.
    Exec(writer_, "ROLLBACK", "rollback").IgnoreError();
    return results;
  }
  if (status.ok()) status = Exec(writer_, "COMMIT", "commit batch");
  if (status.ok()) {
    NoteCommit();
    return results;
  }
  // A failure must leave nothing behind, of any batch of the group (a
  // failed COMMIT may have rolled back already; then this one fails).
  if (sqlite3_get_autocommit(writer_) == 0) {
    Exec(writer_, "ROLLBACK", "rollback").IgnoreError();
  }
  for (size_t i : valid) {
    if (i == failed || valid.size() == 1) {
      results[i] = status;
    } else {
      results[i] = absl::Status(
          status.code(),
          absl::StrCat(status.message(), " (in the transaction of a group of ",
                       valid.size(),
                       " batches committed together; none of them was "
                       "stored)"));
    }
  }
  return results;
}

absl::StatusOr<CommitResult> SqliteStore::CommitLocked(
    const BatchToCommit& batch) {
  {
    RECKON_ASSIGN_OR_RETURN(Statement * find, WriterStatement(kFindBatch));
    RECKON_ASSIGN_OR_RETURN(Statement * find_rejections,
                            WriterStatement(kFindRejections));
    RECKON_ASSIGN_OR_RETURN(std::optional<CommitResult> committed,
                            ReadCommitted(*find, *find_rejections, batch.key));
    if (committed.has_value()) return *std::move(committed);
  }

  CommitResult result;
  {
    RECKON_ASSIGN_OR_RETURN(Statement * insert_batch,
                            WriterStatement(kInsertBatch));
    ResetOnExit reset(insert_batch);
    insert_batch->BindText(1, batch.key.agency);
    insert_batch->BindText(2, batch.key.source);
    insert_batch->BindText(3, batch.key.batch_id);
    insert_batch->BindInt(4, absl::ToUnixSeconds(absl::Now()));
    RECKON_RETURN_IF_ERROR(insert_batch->Step("insert batch").status());
    result.sequence = sqlite3_last_insert_rowid(writer_);
  }

  std::vector<RecordRejection> rejections = batch.rejections;
  // The row each record was stored in (its assignment's key).
  std::vector<int64_t> rows;
  if (!batch.assignments.empty()) rows.reserve(batch.records.size());
  {
    RECKON_ASSIGN_OR_RETURN(Statement * insert_record,
                            WriterStatement(kInsertRecord));
    ResetOnExit reset(insert_record);
    std::string extra;
    for (const IndexedRecord& item : batch.records) {
      const Record& record = item.record;
      extra.clear();
      AppendExtra(record.extra, &extra);
      insert_record->BindInt(1, result.sequence);
      insert_record->BindInt(2, item.index);
      insert_record->BindText(3, record.source);
      insert_record->BindText(4, record.source_record_id);
      for (size_t i = 0; i < kFieldCount; ++i) {
        insert_record->BindText(static_cast<int>(5 + i), record.fields[i]);
      }
      insert_record->BindBlob(16, extra);
      RECKON_RETURN_IF_ERROR(insert_record->Step("insert record").status());
      insert_record->Reset();
      if (sqlite3_changes(writer_) == 0) {
        rejections.push_back(
            {.index = item.index,
             .source_record_id = record.source_record_id,
             .field = "source_record_id",
             .message = absl::StrCat("record id already stored for source \"",
                                     record.source, "\"")});
      } else {
        ++result.accepted;
        if (!batch.assignments.empty()) {
          rows.push_back(sqlite3_last_insert_rowid(writer_));
        }
      }
    }
  }

  std::sort(rejections.begin(), rejections.end(),
            [](const RecordRejection& a, const RecordRejection& b) {
              return a.index < b.index;
            });
  if (!rejections.empty()) {
    RECKON_ASSIGN_OR_RETURN(Statement * insert_rejection,
                            WriterStatement(kInsertRejection));
    ResetOnExit reset(insert_rejection);
    for (const RecordRejection& rejection : rejections) {
      insert_rejection->BindInt(1, result.sequence);
      insert_rejection->BindInt(2, rejection.index);
      insert_rejection->BindText(3, rejection.source_record_id);
      insert_rejection->BindText(4, rejection.field);
      insert_rejection->BindText(5, rejection.message);
      RECKON_RETURN_IF_ERROR(
          insert_rejection->Step("insert rejection").status());
      insert_rejection->Reset();
    }
  }
  // The batch's assignments go in its own transaction only when every
  // record is stored: they were resolved assuming so.
  if (!batch.assignments.empty() &&
      rejections.size() == batch.rejections.size()) {
    RECKON_ASSIGN_OR_RETURN(Statement * insert,
                            WriterStatement(kInsertAssignmentByRow));
    ResetOnExit reset(insert);
    // Every record is stored (so rows[i] is records[i]'s row); an
    // assignment in another order finds its record's row by id.
    absl::flat_hash_map<absl::string_view, int64_t> row_of;
    if (!AssignmentsInRecordOrder(batch)) {
      row_of.reserve(rows.size());
      for (size_t i = 0; i < rows.size(); ++i) {
        row_of[batch.records[i].record.source_record_id] = rows[i];
      }
    }
    for (size_t i = 0; i < batch.assignments.size(); ++i) {
      const EntityAssignment& assignment = batch.assignments[i];
      insert->BindInt(1, row_of.empty()
                             ? rows[i]
                             : row_of.at(assignment.source_record_id));
      insert->BindText(2, assignment.entity_id);
      RECKON_RETURN_IF_ERROR(insert->Step("insert assignment").status());
      insert->Reset();
    }
    RECKON_ASSIGN_OR_RETURN(Statement * raise, WriterStatement(kRaiseSequence));
    RECKON_RETURN_IF_ERROR(RaiseSequence(*raise, batch.next_entity));
    result.assignments_stored = true;
  }
  result.rejected = static_cast<int64_t>(rejections.size());
  result.rejections = std::move(rejections);

  {
    RECKON_ASSIGN_OR_RETURN(Statement * update_batch,
                            WriterStatement(kUpdateBatch));
    ResetOnExit reset(update_batch);
    update_batch->BindInt(1, result.accepted);
    update_batch->BindInt(2, result.rejected);
    update_batch->BindInt(3, result.sequence);
    RECKON_RETURN_IF_ERROR(update_batch->Step("update batch").status());
  }
  {
    RECKON_ASSIGN_OR_RETURN(Statement * count, WriterStatement(kCountRecords));
    ResetOnExit reset(count);
    count->BindText(1, batch.key.source);
    count->BindInt(2, result.accepted);
    RECKON_RETURN_IF_ERROR(count->Step("count records").status());
  }
  return result;
}

absl::StatusOr<bool> SqliteStore::HasBatch(const BatchKey& key) {
  absl::MutexLock lock(&read_mu_);
  RECKON_ASSIGN_OR_RETURN(
      Statement find,
      Statement::Prepare(reader_,
                         "SELECT 1 FROM batches WHERE agency = ?1 AND "
                         "source = ?2 AND batch_id = ?3"));
  find.BindText(1, key.agency);
  find.BindText(2, key.source);
  find.BindText(3, key.batch_id);
  return find.Step("find batch");
}

absl::StatusOr<std::optional<StoredBatch>> SqliteStore::GetBatch(
    const BatchKey& key) {
  absl::MutexLock lock(&read_mu_);
  // One read transaction, so the batch and its records are one snapshot.
  RECKON_RETURN_IF_ERROR(Exec(reader_, "BEGIN", "begin read"));
  auto read = [&]() -> absl::StatusOr<std::optional<StoredBatch>> {
    RECKON_ASSIGN_OR_RETURN(std::optional<CommitResult> committed,
                            FindCommitted(reader_, key));
    if (!committed.has_value()) return std::optional<StoredBatch>();
    StoredBatch batch;
    batch.key = key;
    batch.sequence = committed->sequence;
    batch.accepted = committed->accepted;
    batch.rejected = committed->rejected;
    batch.rejections = std::move(committed->rejections);
    RECKON_ASSIGN_OR_RETURN(
        Statement when,
        Statement::Prepare(
            reader_, "SELECT committed_unix FROM batches WHERE sequence = ?1"));
    when.BindInt(1, batch.sequence);
    RECKON_ASSIGN_OR_RETURN(bool found, when.Step("read batch"));
    if (found) batch.committed_unix = when.Int(0);
    RECKON_ASSIGN_OR_RETURN(
        Statement records,
        Statement::Prepare(
            reader_, absl::StrCat("SELECT ", kRecordColumns,
                                  " FROM records WHERE batch_sequence = ?1 "
                                  "ORDER BY batch_index")));
    records.BindInt(1, batch.sequence);
    while (true) {
      RECKON_ASSIGN_OR_RETURN(bool row, records.Step("read records"));
      if (!row) break;
      RECKON_ASSIGN_OR_RETURN(Record record, RecordFromRow(records));
      batch.records.push_back({records.Int(14), std::move(record)});
    }
    return std::optional<StoredBatch>(std::move(batch));
  };
  absl::StatusOr<std::optional<StoredBatch>> result = read();
  Exec(reader_, "COMMIT", "end read").IgnoreError();
  return result;
}

absl::StatusOr<StoreStats> SqliteStore::Stats() {
  absl::MutexLock lock(&read_mu_);
  RECKON_RETURN_IF_ERROR(Exec(reader_, "BEGIN", "begin read"));
  auto read = [&]() -> absl::StatusOr<StoreStats> {
    StoreStats stats;
    RECKON_ASSIGN_OR_RETURN(stats.schema_version, UserVersion(reader_));
    RECKON_ASSIGN_OR_RETURN(
        Statement sources,
        Statement::Prepare(reader_,
                           "SELECT source, records, batches FROM "
                           "source_counts ORDER BY source"));
    while (true) {
      RECKON_ASSIGN_OR_RETURN(bool row, sources.Step("read counts"));
      if (!row) break;
      SourceStats source{sources.Text(0), sources.Int(1), sources.Int(2)};
      stats.records += source.records;
      stats.batches += source.batches;
      stats.sources.push_back(std::move(source));
    }
    return stats;
  };
  absl::StatusOr<StoreStats> result = read();
  Exec(reader_, "COMMIT", "end read").IgnoreError();
  return result;
}

absl::Status SqliteStore::ForEachRecord(
    const std::function<absl::Status(int64_t sequence, const Record&)>& visit) {
  absl::MutexLock lock(&read_mu_);
  RECKON_RETURN_IF_ERROR(Exec(reader_, "BEGIN", "begin read"));
  auto read = [&]() -> absl::Status {
    RECKON_ASSIGN_OR_RETURN(
        Statement records,
        Statement::Prepare(reader_,
                           absl::StrCat("SELECT ", kRecordColumns,
                                        " FROM records ORDER BY record_seq")));
    while (true) {
      RECKON_ASSIGN_OR_RETURN(bool row, records.Step("read records"));
      if (!row) return absl::OkStatus();
      RECKON_ASSIGN_OR_RETURN(Record record, RecordFromRow(records));
      RECKON_RETURN_IF_ERROR(visit(records.Int(15), record));
    }
  };
  absl::Status status = read();
  Exec(reader_, "COMMIT", "end read").IgnoreError();
  return status;
}

absl::StatusOr<std::vector<Record>> SqliteStore::GetRecords(
    const std::vector<RecordKey>& keys) {
  absl::MutexLock lock(&read_mu_);
  RECKON_RETURN_IF_ERROR(Exec(reader_, "BEGIN", "begin read"));
  auto read = [&]() -> absl::StatusOr<std::vector<Record>> {
    RECKON_ASSIGN_OR_RETURN(
        Statement find,
        Statement::Prepare(
            reader_, absl::StrCat("SELECT ", kRecordColumns,
                                  " FROM records WHERE source = ?1 AND "
                                  "source_record_id = ?2")));
    std::vector<Record> records;
    for (const RecordKey& key : keys) {
      find.BindText(1, key.source);
      find.BindText(2, key.source_record_id);
      RECKON_ASSIGN_OR_RETURN(bool row, find.Step("read record"));
      if (row) {
        RECKON_ASSIGN_OR_RETURN(Record record, RecordFromRow(find));
        records.push_back(std::move(record));
      }
      find.Reset();
    }
    return records;
  };
  absl::StatusOr<std::vector<Record>> result = read();
  Exec(reader_, "COMMIT", "end read").IgnoreError();
  return result;
}

absl::StatusOr<int64_t> SqliteStore::SaveRelink(
    const RelinkRow& relink, const std::vector<EntityAssignment>& assignments,
    const std::vector<EntityChange>& changes, int64_t next_entity) {
  absl::MutexLock lock(&write_mu_);
  RECKON_RETURN_IF_ERROR(Exec(writer_, "BEGIN IMMEDIATE", "begin relink"));
  auto write = [&]() -> absl::StatusOr<int64_t> {
    RECKON_ASSIGN_OR_RETURN(
        Statement insert,
        Statement::Prepare(
            writer_,
            "INSERT INTO relinks (started_unix, finished_unix, records, "
            "entities, candidate_pairs, links, merges, splits) VALUES (?1, "
            "?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
    insert.BindInt(1, relink.started_unix);
    insert.BindInt(2, relink.finished_unix);
    insert.BindInt(3, relink.records);
    insert.BindInt(4, relink.entities);
    insert.BindInt(5, relink.candidate_pairs);
    insert.BindInt(6, relink.links);
    insert.BindInt(7, relink.merges);
    insert.BindInt(8, relink.splits);
    RECKON_RETURN_IF_ERROR(insert.Step("insert relink").status());
    const int64_t number = sqlite3_last_insert_rowid(writer_);
    RECKON_RETURN_IF_ERROR(Exec(writer_, "DELETE FROM entity_assignments",
                                "clear assignments"));
    RECKON_ASSIGN_OR_RETURN(Statement * insert_assignment,
                            WriterStatement(kInsertAssignment));
    RECKON_RETURN_IF_ERROR(
        InsertAssignments(writer_, *insert_assignment, assignments));
    RECKON_ASSIGN_OR_RETURN(
        Statement change,
        Statement::Prepare(writer_,
                           "INSERT INTO entity_changes (relink, kind, "
                           "entity_id, other_entity_id, records) VALUES (?1, "
                           "?2, ?3, ?4, ?5)"));
    for (const EntityChange& row : changes) {
      change.BindInt(1, number);
      change.BindText(2, row.kind == EntityChange::Kind::kMerge ? "merge"
                                                                : "split");
      change.BindText(3, row.entity_id);
      change.BindText(4, row.other_entity_id);
      change.BindInt(5, row.records);
      RECKON_RETURN_IF_ERROR(change.Step("insert entity change").status());
      change.Reset();
    }
    RECKON_ASSIGN_OR_RETURN(Statement * raise, WriterStatement(kRaiseSequence));
    RECKON_RETURN_IF_ERROR(RaiseSequence(*raise, next_entity));
    return number;
  };
  absl::StatusOr<int64_t> result = write();
  if (!result.ok()) {
    Exec(writer_, "ROLLBACK", "rollback").IgnoreError();
    return result;
  }
  RECKON_RETURN_IF_ERROR(Exec(writer_, "COMMIT", "commit relink"));
  NoteCommit();
  return result;
}

absl::Status SqliteStore::SaveAssignments(
    const std::vector<EntityAssignment>& assignments, int64_t next_entity) {
  absl::MutexLock lock(&write_mu_);
  RECKON_RETURN_IF_ERROR(
      Exec(writer_, "BEGIN IMMEDIATE", "begin assignments"));
  auto write = [&]() -> absl::Status {
    RECKON_ASSIGN_OR_RETURN(Statement * insert,
                            WriterStatement(kInsertAssignment));
    RECKON_RETURN_IF_ERROR(InsertAssignments(writer_, *insert, assignments));
    RECKON_ASSIGN_OR_RETURN(Statement * raise, WriterStatement(kRaiseSequence));
    return RaiseSequence(*raise, next_entity);
  };
  absl::Status status = write();
  if (!status.ok()) {
    Exec(writer_, "ROLLBACK", "rollback").IgnoreError();
    return status;
  }
  RECKON_RETURN_IF_ERROR(Exec(writer_, "COMMIT", "commit assignments"));
  NoteCommit();
  return absl::OkStatus();
}

absl::StatusOr<ResolutionState> SqliteStore::LoadResolutionState() {
  absl::MutexLock lock(&read_mu_);
  RECKON_RETURN_IF_ERROR(Exec(reader_, "BEGIN", "begin read"));
  auto read = [&]() -> absl::StatusOr<ResolutionState> {
    ResolutionState state;
    RECKON_ASSIGN_OR_RETURN(
        Statement last,
        Statement::Prepare(
            reader_,
            "SELECT relink, started_unix, finished_unix, records, entities, "
            "candidate_pairs, links, merges, splits FROM relinks ORDER BY "
            "relink DESC LIMIT 1"));
    RECKON_ASSIGN_OR_RETURN(bool found, last.Step("read relink"));
    if (found) {
      state.last_relink = RelinkRow{last.Int(0), last.Int(1), last.Int(2),
                                    last.Int(3), last.Int(4), last.Int(5),
                                    last.Int(6), last.Int(7), last.Int(8)};
    }
    RECKON_ASSIGN_OR_RETURN(
        Statement next,
        Statement::Prepare(reader_, "SELECT next FROM entity_id_sequence"));
    RECKON_ASSIGN_OR_RETURN(found, next.Step("read entity sequence"));
    if (found) state.next_entity = next.Int(0);
    RECKON_ASSIGN_OR_RETURN(
        Statement count,
        Statement::Prepare(reader_,
                           "SELECT COUNT(*) FROM entity_assignments"));
    RECKON_ASSIGN_OR_RETURN(found, count.Step("count assignments"));
    if (found) state.assignments = count.Int(0);
    return state;
  };
  absl::StatusOr<ResolutionState> result = read();
  Exec(reader_, "COMMIT", "end read").IgnoreError();
  return result;
}

absl::Status SqliteStore::ForEachAssignment(
    const std::function<absl::Status(const EntityAssignment&)>& visit) {
  absl::MutexLock lock(&read_mu_);
  RECKON_RETURN_IF_ERROR(Exec(reader_, "BEGIN", "begin read"));
  auto read = [&]() -> absl::Status {
    RECKON_ASSIGN_OR_RETURN(
        Statement rows,
        Statement::Prepare(reader_,
                           "SELECT r.source, r.source_record_id, "
                           "a.entity_id FROM entity_assignments a JOIN "
                           "records r ON r.record_seq = a.record_seq"));
    while (true) {
      RECKON_ASSIGN_OR_RETURN(bool row, rows.Step("read assignments"));
      if (!row) return absl::OkStatus();
      RECKON_RETURN_IF_ERROR(
          visit({rows.Text(0), rows.Text(1), rows.Text(2)}));
    }
  };
  absl::Status status = read();
  Exec(reader_, "COMMIT", "end read").IgnoreError();
  return status;
}

absl::StatusOr<std::vector<EntityChange>> SqliteStore::EntityChanges(
    int64_t relink) {
  absl::MutexLock lock(&read_mu_);
  RECKON_ASSIGN_OR_RETURN(
      Statement rows,
      Statement::Prepare(reader_,
                         "SELECT kind, entity_id, other_entity_id, records "
                         "FROM entity_changes WHERE relink = ?1 ORDER BY "
                         "rowid"));
  rows.BindInt(1, relink);
  std::vector<EntityChange> changes;
  while (true) {
    RECKON_ASSIGN_OR_RETURN(bool row, rows.Step("read entity changes"));
    if (!row) break;
    changes.push_back({rows.Text(0) == "merge" ? EntityChange::Kind::kMerge
                                               : EntityChange::Kind::kSplit,
                       rows.Text(1), rows.Text(2), rows.Int(3)});
  }
  return changes;
}

absl::Status SqliteStore::Checkpoint() {
  absl::MutexLock lock(&write_mu_);
  // SQLite refuses a second checkpoint while one runs, without waiting.
  absl::MutexLock running(&checkpointing_mu_);
  int log_frames = 0;
  int checkpointed = 0;
  if (sqlite3_wal_checkpoint_v2(writer_, nullptr, SQLITE_CHECKPOINT_TRUNCATE,
                                &log_frames, &checkpointed) != SQLITE_OK) {
    return SqliteError(writer_, "checkpoint");
  }
  return absl::OkStatus();
}

}  // namespace reckon::store
