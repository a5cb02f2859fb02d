// The SQLite schema of the store and its migrations. Each migration takes
// the database from version i to i + 1 (PRAGMA user_version) and runs in one
// transaction with the version bump, so a crash leaves either the old or the
// new version, never a mix. Migrations are append-only: a released one is
// never edited, a later one changes what it built.
#ifndef RECKON_SERVICE_STORE_SCHEMA_H_
#define RECKON_SERVICE_STORE_SCHEMA_H_

#include <string_view>
#include <vector>

namespace reckon::store {

// The schema version this build writes and reads.
inline constexpr int kSchemaVersion = 5;

// SchemaMigrations()[i] is the SQL that takes version i to version i + 1.
// Its size is kSchemaVersion.
const std::vector<std::string_view>& SchemaMigrations();

}  // namespace reckon::store

#endif  // RECKON_SERVICE_STORE_SCHEMA_H_
