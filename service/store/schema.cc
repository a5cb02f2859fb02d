#include "service/store/schema.h"

#include <string_view>
#include <vector>

namespace reckon::store {
namespace {

// Version 1: batches, immutable raw records. Every canonical field is its own
// column, stored exactly as received; extra columns are one blob (see
// EncodeExtra in sqlite_store.cc). Triggers make the raw records append-only
// at the database level, not only by the code's good manners.
constexpr std::string_view kVersion1 = R"sql(
CREATE TABLE batches (
  sequence INTEGER PRIMARY KEY AUTOINCREMENT,
  agency TEXT NOT NULL,
  source TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  committed_unix INTEGER NOT NULL,
  accepted INTEGER NOT NULL,
  rejected INTEGER NOT NULL,
  UNIQUE (agency, source, batch_id)
);
CREATE TABLE records (
  record_seq INTEGER PRIMARY KEY,
  batch_sequence INTEGER NOT NULL REFERENCES batches (sequence),
  batch_index INTEGER NOT NULL,
  source TEXT NOT NULL,
  source_record_id TEXT NOT NULL,
  given_name TEXT NOT NULL,
  surname TEXT NOT NULL,
  patronymic TEXT NOT NULL,
  full_name TEXT NOT NULL,
  sex TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  nationality TEXT NOT NULL,
  passport_no TEXT NOT NULL,
  region TEXT NOT NULL,
  sector TEXT NOT NULL,
  registered_on TEXT NOT NULL,
  extra BLOB NOT NULL,
  UNIQUE (source, source_record_id)
);
CREATE INDEX records_by_batch ON records (batch_sequence, batch_index);
CREATE TRIGGER records_never_updated BEFORE UPDATE ON records
BEGIN
  SELECT RAISE(ABORT, 'raw records are immutable');
END;
CREATE TRIGGER records_never_deleted BEFORE DELETE ON records
BEGIN
  SELECT RAISE(ABORT, 'raw records are immutable');
END;
)sql";

// Version 2: per-record rejections are kept with their batch, so that a
// resubmitted batch gets the first reply back in full; per-source counts are
// kept up to date in the commit's transaction, so that status is O(sources)
// rather than a scan of every record. Existing stores get their counts from
// the records they hold; their old batches have no stored rejections (their
// `rejected` count stays right).
constexpr std::string_view kVersion2 = R"sql(
CREATE TABLE batch_rejections (
  batch_sequence INTEGER NOT NULL REFERENCES batches (sequence),
  batch_index INTEGER NOT NULL,
  source_record_id TEXT NOT NULL,
  field TEXT NOT NULL,
  message TEXT NOT NULL,
  PRIMARY KEY (batch_sequence, batch_index)
);
CREATE TABLE source_counts (
  source TEXT PRIMARY KEY,
  records INTEGER NOT NULL,
  batches INTEGER NOT NULL
);
INSERT INTO source_counts (source, records, batches)
  SELECT b.source,
         (SELECT COUNT(*) FROM records r WHERE r.source = b.source),
         COUNT(*)
  FROM batches b GROUP BY b.source;
)sql";

// Version 3: resolution. Each relink is a row; every stored record's entity
// (by the record's key, so the raw records stay untouched) is replaced at a
// relink and extended as batches are resolved between relinks; entity ids
// are "E" and a number from a sequence that only grows, so an id is never
// given to two entities; every merge and split a relink makes relative to
// the previous entities is logged.
constexpr std::string_view kVersion3 = R"sql(
CREATE TABLE relinks (
  relink INTEGER PRIMARY KEY AUTOINCREMENT,
  started_unix INTEGER NOT NULL,
  finished_unix INTEGER NOT NULL,
  records INTEGER NOT NULL,
  entities INTEGER NOT NULL,
  candidate_pairs INTEGER NOT NULL,
  links INTEGER NOT NULL,
  merges INTEGER NOT NULL,
  splits INTEGER NOT NULL
);
CREATE TABLE entity_assignments (
  source TEXT NOT NULL,
  source_record_id TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  PRIMARY KEY (source, source_record_id)
);
CREATE INDEX entity_assignments_by_entity ON entity_assignments (entity_id);
CREATE TABLE entity_changes (
  relink INTEGER NOT NULL REFERENCES relinks (relink),
  kind TEXT NOT NULL CHECK (kind IN ('merge', 'split')),
  entity_id TEXT NOT NULL,
  other_entity_id TEXT NOT NULL,
  records INTEGER NOT NULL
);
CREATE TABLE entity_id_sequence (next INTEGER NOT NULL);
INSERT INTO entity_id_sequence (next) VALUES (1);
)sql";

// Version 4: no index of the assignments by entity id. Nothing reads the
// assignments by entity (the daemon loads them whole, by record key), and
// at a million rows that index cost each resolved batch's transaction about
// three quarters of its time: a batch's assignments land on random pages of
// it (ids of existing entities), each a page to write and fsync.
constexpr std::string_view kVersion4 = R"sql(
DROP INDEX IF EXISTS entity_assignments_by_entity;
)sql";

// Version 5: assignments keyed by the record's row (records.record_seq)
// instead of its (source, source_record_id). A batch's records get
// consecutive rows, so its assignments append to the table's tree instead
// of landing on random pages of an index keyed by record ids (each a page
// to write to the log and fsync). Existing assignments keep their records;
// one of a record not stored (none should exist) is dropped. No foreign
// key: raw records are never deleted (see version 1).
constexpr std::string_view kVersion5 = R"sql(
CREATE TABLE entity_assignments_by_row (
  record_seq INTEGER PRIMARY KEY,
  entity_id TEXT NOT NULL
);
INSERT INTO entity_assignments_by_row (record_seq, entity_id)
  SELECT r.record_seq, a.entity_id
  FROM entity_assignments a
  JOIN records r ON r.source = a.source
                AND r.source_record_id = a.source_record_id;
DROP TABLE entity_assignments;
ALTER TABLE entity_assignments_by_row RENAME TO entity_assignments;
)sql";

}  // namespace

const std::vector<std::string_view>& SchemaMigrations() {
  static const std::vector<std::string_view> kMigrations = {
      kVersion1, kVersion2, kVersion3, kVersion4, kVersion5};
  return kMigrations;
}

}  // namespace reckon::store
