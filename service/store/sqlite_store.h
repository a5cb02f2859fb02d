// SqliteStore: reckond's durable store, one SQLite database in WAL mode in
// the daemon's data directory (`DIR/reckon.db`).
//
// Guarantees:
// - A batch is committed in one transaction with synchronous=FULL: once
//   CommitBatch returns OK the batch survives kill -9 and power loss, and a
//   crash at any moment leaves either the whole batch or none of it.
//   CommitBatches commits several batches in one transaction (one fsync for
//   all): each gets the result it would have had committed alone after the
//   ones before it, and a crash or an SQLite failure leaves all of them or
//   none.
// - Batches are idempotent by (agency, source, batch id): committing the same
//   key again stores nothing and returns the first commit's result with
//   `duplicate` set, so a resubmitted batch is never counted twice.
// - Raw records are stored exactly as received and never rewritten or
//   deleted (enforced by triggers in the schema). A record whose
//   (source, source_record_id) is already stored is rejected, not replaced.
// - The schema is versioned (PRAGMA user_version) and migrated on Open.
//
//   RECKON_ASSIGN_OR_RETURN(std::unique_ptr<SqliteStore> store,
//                           SqliteStore::Open("/var/lib/reckon"));
//   RECKON_ASSIGN_OR_RETURN(CommitResult result, store->CommitBatch(batch));
//
// Thread-safety: all methods may be called from many threads at once.
// Commits are serialized on one write connection; reads use a separate
// connection and see the last committed state (WAL readers never wait for
// the writer). A thread of the store's own copies the log into the
// database (passive WAL checkpoints) beside the commits, never inside one:
// once the log holds `checkpoint_log_pages` pages, or when commits pause.
// Several processes may open the same directory: SQLite's
// locking serializes their writes (waiting up to `busy_timeout_ms`).
#ifndef RECKON_SERVICE_STORE_SQLITE_STORE_H_
#define RECKON_SERVICE_STORE_SQLITE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

#include "linkage/base/record.h"

struct sqlite3;
struct sqlite3_stmt;

namespace reckon::store {

class Statement;
class StatementCache;

// Identifies a batch for idempotency.
struct BatchKey {
  std::string agency;
  std::string source;
  std::string batch_id;
};

// Why one record of a batch was not stored.
struct RecordRejection {
  // Position of the record in the batch, from 0.
  int64_t index = 0;
  std::string source_record_id;
  // Canonical field name, or empty for the whole record.
  std::string field;
  std::string message;

  friend bool operator==(const RecordRejection&,
                         const RecordRejection&) = default;
};

// A record with its position in the submitted batch.
struct IndexedRecord {
  int64_t index = 0;
  Record record;
};

// Resolution state (schema version 3 on): which entity each stored record
// belongs to, the relinks that decided it, and the merges and splits each
// relink made relative to the entities before it. An assignment names a
// stored record (from version 5 it is kept by the record's row).
struct EntityAssignment {
  std::string source;
  std::string source_record_id;
  std::string entity_id;
};

struct BatchToCommit {
  BatchKey key;
  // The records to store. REQUIRES: each record's source equals key.source
  // and its source_record_id is not empty.
  std::vector<IndexedRecord> records;
  // Records the caller already rejected (unparseable values); kept with the
  // batch and returned in its result.
  std::vector<RecordRejection> rejections;
  // Entity assignments of the batch's records, resolved before the commit:
  // stored in the batch's own transaction (so that a crash leaves the
  // records and their assignments, or neither) when every record of the
  // batch is stored; otherwise (a record id already stored, a duplicate
  // batch) none is. With them the entity sequence is raised to
  // `next_entity` (see SaveAssignments). REQUIRES: they name records of
  // this batch.
  std::vector<EntityAssignment> assignments;
  int64_t next_entity = 0;
};

struct CommitResult {
  // True if the key had been committed before; the other fields are then
  // those of the first commit.
  bool duplicate = false;
  // The batch's commit sequence number, from 1.
  int64_t sequence = 0;
  int64_t accepted = 0;
  int64_t rejected = 0;
  // Sorted by index.
  std::vector<RecordRejection> rejections;
  // Whether BatchToCommit::assignments were stored with the records.
  bool assignments_stored = false;
};

struct SourceStats {
  std::string source;
  int64_t records = 0;
  int64_t batches = 0;
};

struct StoreStats {
  int64_t batches = 0;
  int64_t records = 0;
  // Sorted by source.
  std::vector<SourceStats> sources;
  int schema_version = 0;
};

struct StoredBatch {
  BatchKey key;
  int64_t sequence = 0;
  int64_t committed_unix = 0;
  int64_t accepted = 0;
  int64_t rejected = 0;
  // The stored records in batch order.
  std::vector<IndexedRecord> records;
  std::vector<RecordRejection> rejections;
};

struct EntityChange {
  enum class Kind { kMerge, kSplit };
  Kind kind = Kind::kMerge;
  // Merge: the entity that absorbed `other_entity_id`. Split: the entity
  // that lost `records` records to the new entity `other_entity_id`.
  std::string entity_id;
  std::string other_entity_id;
  int64_t records = 0;
};

struct RelinkRow {
  int64_t relink = 0;  // assigned by SaveRelink, from 1
  int64_t started_unix = 0;
  int64_t finished_unix = 0;
  int64_t records = 0;
  int64_t entities = 0;
  int64_t candidate_pairs = 0;
  int64_t links = 0;
  int64_t merges = 0;
  int64_t splits = 0;
};

struct ResolutionState {
  std::optional<RelinkRow> last_relink;
  // The next entity number to hand out; ids below it may have been used.
  int64_t next_entity = 1;
  int64_t assignments = 0;
};

struct StoreOptions {
  // Milliseconds a commit waits for another process's write lock.
  int busy_timeout_ms = 10000;
  // The log is copied into the database once it holds this many pages
  // (4 KiB each), or after a second without commits. A page written by
  // several commits in between is copied once: at a million records each
  // batch rewrites about a thousand pages of the index of record ids, many
  // of them the same from batch to batch.
  int checkpoint_log_pages = 16384;
};

class SqliteStore {
 public:
  // Opens (creating if missing) `dir`/reckon.db, switches it to WAL mode and
  // migrates its schema to kSchemaVersion. Fails with kInvalidArgument if
  // `dir` cannot be created, kFailedPrecondition if the database was written
  // by a newer schema version, kUnavailable or kDataLoss if SQLite cannot
  // open or read it.
  static absl::StatusOr<std::unique_ptr<SqliteStore>> Open(
      const std::string& dir, StoreOptions options = {});

  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;
  ~SqliteStore();

  // Commits `batch` durably, or finds it already committed (see the file
  // comment). Records whose (source, source_record_id) is already stored are
  // rejected with field "source_record_id". Returns kInvalidArgument if a
  // record breaks a REQUIRES of BatchToCommit (nothing is written), or
  // kUnavailable/kInternal if SQLite fails (the transaction is rolled back).
  absl::StatusOr<CommitResult> CommitBatch(const BatchToCommit& batch);

  // Commits `batches` in order in ONE transaction (group commit: one fsync
  // for all of them). Result i is batch i's: what CommitBatch would have
  // returned had the batches been committed one after another (a batch
  // whose key an earlier one of the group has is a duplicate of it, counted
  // once). A batch that breaks a REQUIRES gets kInvalidArgument and is left
  // out; if SQLite fails for any batch, the transaction is rolled back and
  // every other batch gets that error too, saying so: none of them is
  // written.
  std::vector<absl::StatusOr<CommitResult>> CommitBatches(
      const std::vector<const BatchToCommit*>& batches);

  // Whether a batch with `key` is committed (as of the last commit). A
  // cheap look-up, for callers that prepare work a duplicate would waste.
  absl::StatusOr<bool> HasBatch(const BatchKey& key);

  // The committed batch with `key`, with its records, or std::nullopt.
  absl::StatusOr<std::optional<StoredBatch>> GetBatch(const BatchKey& key);

  absl::StatusOr<StoreStats> Stats();

  // Calls `visit` for every stored record in commit order, with the batch
  // sequence it came in; stops early and returns the error if `visit` fails.
  // This is how the matching core loads what the store holds.
  absl::Status ForEachRecord(
      const std::function<absl::Status(int64_t sequence, const Record&)>&
          visit);

  // Records with the given keys, in the order given; keys not stored are
  // skipped.
  absl::StatusOr<std::vector<Record>> GetRecords(
      const std::vector<RecordKey>& keys);

  // In one transaction: replaces every entity assignment with
  // `assignments`, adds `relink` (its number is returned) with `changes`,
  // and raises the entity sequence to `next_entity` (it never goes down).
  // kInvalidArgument (nothing written) if an assignment names a record not
  // stored.
  absl::StatusOr<int64_t> SaveRelink(
      const RelinkRow& relink, const std::vector<EntityAssignment>& assignments,
      const std::vector<EntityChange>& changes, int64_t next_entity);

  // In one transaction: inserts or replaces `assignments` (records resolved
  // between relinks) and raises the entity sequence to `next_entity`.
  // kInvalidArgument (nothing written) if one names a record not stored.
  absl::Status SaveAssignments(const std::vector<EntityAssignment>& assignments,
                               int64_t next_entity);

  absl::StatusOr<ResolutionState> LoadResolutionState();

  // Calls `visit` for every stored assignment.
  absl::Status ForEachAssignment(
      const std::function<absl::Status(const EntityAssignment&)>& visit);

  // The merges and splits logged by relink number `relink`.
  absl::StatusOr<std::vector<EntityChange>> EntityChanges(int64_t relink);

  // Copies the WAL into the database file and truncates the WAL (PRAGMA
  // wal_checkpoint(TRUNCATE)); called on graceful shutdown.
  absl::Status Checkpoint();

  const std::string& path() const { return path_; }

 private:
  SqliteStore(std::string path, sqlite3* writer, sqlite3* reader,
              sqlite3* checkpointer, int checkpoint_log_pages);

  // Wakes the checkpointer after a commit.
  void NoteCommit() ABSL_LOCKS_EXCLUDED(checkpoint_mu_);
  // SQLite's WAL hook on the writer: the log's size after each commit.
  static int OnWalCommit(void* store, sqlite3* db, const char* name,
                         int log_pages);
  // The checkpointer thread: a passive checkpoint once the log holds
  // checkpoint_log_pages pages or commits have paused for a second, until
  // the store closes.
  void RunCheckpoints() ABSL_LOCKS_EXCLUDED(checkpoint_mu_);

  absl::StatusOr<CommitResult> CommitLocked(const BatchToCommit& batch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // The writer's prepared statements, kept for its lifetime.
  absl::StatusOr<Statement*> WriterStatement(const char* sql)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  absl::StatusOr<std::optional<CommitResult>> FindCommitted(
      sqlite3* db, const BatchKey& key);

  const std::string path_;
  absl::Mutex write_mu_;
  sqlite3* const writer_ ABSL_GUARDED_BY(write_mu_);
  std::unique_ptr<StatementCache> writer_statements_
      ABSL_GUARDED_BY(write_mu_);
  absl::Mutex read_mu_;
  sqlite3* const reader_ ABSL_GUARDED_BY(read_mu_);
  // Used by the checkpointer thread only.
  sqlite3* const checkpointer_;
  absl::Mutex checkpoint_mu_;
  // Held while a checkpoint runs (the thread's or Checkpoint()'s).
  absl::Mutex checkpointing_mu_ ABSL_ACQUIRED_AFTER(write_mu_);
  uint64_t commits_ ABSL_GUARDED_BY(checkpoint_mu_) = 0;
  // Pages in the log after the last commit (as the WAL hook said).
  int log_pages_ ABSL_GUARDED_BY(checkpoint_mu_) = 0;
  const int checkpoint_log_pages_;
  bool stop_checkpoints_ ABSL_GUARDED_BY(checkpoint_mu_) = false;
  std::thread checkpoint_thread_;
};

// Encodes extra columns as the `extra` blob: for each pair, the name and
// the value, each as a 4-byte little-endian length and the bytes.
std::string EncodeExtra(
    const std::vector<std::pair<std::string, std::string>>& extra);

// Decodes what EncodeExtra wrote; kDataLoss if `blob` is malformed.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> DecodeExtra(
    std::string_view blob);

}  // namespace reckon::store

#endif  // RECKON_SERVICE_STORE_SQLITE_STORE_H_
