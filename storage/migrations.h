// The schema ladder. PRAGMA user_version holds the version of a database file; Migrate()
// runs each missing step in its own transaction and bumps the version inside it.
// Steps are append-only: never edit one that has been released. Thread-safe (uses Tx).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "storage/database.h"

namespace gebi::storage {

struct Migration {
  int version;            // 1, 2, 3 ... without gaps
  std::string_view name;  // for logs
  std::string_view sql;   // one or more statements
};

// The whole ladder, in order.
const std::vector<Migration>& AllMigrations();

// Version this binary knows (the last step's).
int LatestSchemaVersion();

// Current PRAGMA user_version of the file.
Result<int> SchemaVersion(Database& db);

// Brings the database up to LatestSchemaVersion(). FailedPrecondition if the file is newer
// than this binary; a failing step rolls back and returns its error naming the version it
// started from. Idempotent.
Status Migrate(Database& db);

// Every CREATE statement of the schema, sorted by name, one per line: the golden-file form.
Result<std::string> DumpSchema(Database& db);

}  // namespace gebi::storage
