#include "storage/migrations.h"

#include <fmt/format.h>

namespace gebi::storage {

namespace {

// v1: the foundation. Inbound ledger (exactly-once + message log), keyword rules, users'
// last contact, conversations, the outbox, and a small key/value meta table.
constexpr std::string_view kV1Core = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE inbound_ledger (
  dedup_key   TEXT PRIMARY KEY,
  openid      TEXT NOT NULL,
  msg_type    TEXT NOT NULL,
  event       TEXT NOT NULL DEFAULT '',
  content     TEXT NOT NULL DEFAULT '',
  route       TEXT NOT NULL DEFAULT '',
  outcome     TEXT NOT NULL DEFAULT 'ok',
  reply       TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL
);
CREATE INDEX inbound_ledger_openid ON inbound_ledger(openid, created_at);
CREATE INDEX inbound_ledger_created ON inbound_ledger(created_at);
CREATE TABLE rules (
  id          INTEGER PRIMARY KEY,
  match_kind  TEXT NOT NULL CHECK (match_kind IN ('exact','prefix','contains','regex','event')),
  pattern     TEXT NOT NULL,
  priority    INTEGER NOT NULL DEFAULT 100,
  enabled     INTEGER NOT NULL DEFAULT 1,
  target_kind TEXT NOT NULL CHECK (target_kind IN ('handler','template','text')),
  target      TEXT NOT NULL,
  community_id INTEGER,
  note        TEXT NOT NULL DEFAULT '',
  hits        INTEGER NOT NULL DEFAULT 0,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE TABLE users (
  openid          TEXT PRIMARY KEY,
  first_seen_at   INTEGER NOT NULL,
  last_inbound_at INTEGER NOT NULL,
  subscribed      INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE conversations (
  openid     TEXT PRIMARY KEY,
  flow       TEXT NOT NULL,
  step       TEXT NOT NULL,
  slots      TEXT NOT NULL DEFAULT '{}',
  expires_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  recipient       TEXT NOT NULL,
  kind            TEXT NOT NULL,
  payload         TEXT NOT NULL,
  dedup_key       TEXT NOT NULL UNIQUE,
  status          TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending','sending','sent','inbox','dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  sent_at         INTEGER
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_recipient ON outbox(recipient, status);
INSERT INTO meta(key, value) VALUES ('rules_version', '1');
INSERT INTO rules(match_kind, pattern, priority, target_kind, target, note, created_at, updated_at) VALUES
  ('exact', '帮助', 10, 'handler', 'help', '帮助', 0, 0),
  ('exact', 'help', 10, 'handler', 'help', 'help', 0, 0),
  ('exact', '?', 10, 'handler', 'help', '?', 0, 0),
  ('exact', '？', 10, 'handler', 'help', 'full-width ?', 0, 0),
  ('exact', '菜单', 10, 'handler', 'help', '菜单', 0, 0),
  ('exact', '取消', 10, 'handler', 'cancel', '取消', 0, 0),
  ('exact', 'cancel', 10, 'handler', 'cancel', 'cancel', 0, 0),
  ('event', 'subscribe', 10, 'handler', 'welcome', 'follow', 0, 0);
)sql";

// v3: pushes. The outbox learns which channel delivered a row (custom / template / inbox /
// media) and who holds it (a lease, so a crashed worker's rows are taken again); the access
// token and its refresh lease live here so several processes share one fetch; fetched media
// and permanent grid QR codes are recorded.
constexpr std::string_view kV3Push = R"sql(
ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
CREATE INDEX outbox_lease ON outbox(status, lease_until);
CREATE TABLE access_token (
  mode           TEXT PRIMARY KEY CHECK (mode IN ('stable','classic')),
  token          TEXT NOT NULL DEFAULT '',
  fetched_at     INTEGER NOT NULL DEFAULT 0,
  refresh_at     INTEGER NOT NULL DEFAULT 0,
  expires_at     INTEGER NOT NULL DEFAULT 0,
  rejected_token TEXT NOT NULL DEFAULT '',
  blocked_until  INTEGER NOT NULL DEFAULT 0,
  last_error     TEXT NOT NULL DEFAULT ''
);
CREATE TABLE leases (
  name       TEXT PRIMARY KEY,
  holder     TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE TABLE media (
  media_id     TEXT PRIMARY KEY,
  openid       TEXT NOT NULL,
  pic_url      TEXT NOT NULL DEFAULT '',
  sha256       TEXT,
  local_path   TEXT,
  content_type TEXT NOT NULL DEFAULT '',
  bytes        INTEGER NOT NULL DEFAULT 0,
  created_at   INTEGER NOT NULL,
  fetched_at   INTEGER
);
CREATE TABLE qr_codes (
  scene      TEXT PRIMARY KEY,
  ticket     TEXT NOT NULL,
  url        TEXT NOT NULL,
  poster_a4  TEXT NOT NULL DEFAULT '',
  poster_a5  TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
)sql";

const std::vector<Migration> kMigrations = {
    {1, "core", kV1Core},
    {3, "push", kV3Push},
};

}  // namespace

const std::vector<Migration>& AllMigrations() { return kMigrations; }

int LatestSchemaVersion() { return kMigrations.back().version; }

Result<int> SchemaVersion(Database& db) {
  int version = 0;
  Status s = db.WithRead([&](Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryInt("PRAGMA user_version"));
    version = static_cast<int>(v.value_or(0));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return version;
}

Status Migrate(Database& db) {
  GEBI_ASSIGN_OR_RETURN(int current, SchemaVersion(db));
  if (current > LatestSchemaVersion()) {
    return Status::FailedPrecondition(
        fmt::format("database {} has schema version {}, newer than this binary's {}; upgrade gebi",
                    db.path(), current, LatestSchemaVersion()));
  }
  for (const Migration& m : kMigrations) {
    if (m.version <= current) continue;
    Status s = db.WithTransaction([&](Tx& tx) -> Status {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryInt("PRAGMA user_version"));
      if (v.value_or(0) >= m.version) return Status::Ok();
      GEBI_RETURN_IF_ERROR(tx.Exec(m.sql));
      return tx.Exec(fmt::format("PRAGMA user_version = {}", m.version));
    });
    if (!s.ok()) {
      return s.WithContext(
          fmt::format("migration from version {} to {} ({})", m.version - 1, m.version, m.name));
    }
  }
  return Status::Ok();
}

Result<std::string> DumpSchema(Database& db) {
  std::string out;
  Status s = db.WithRead([&](Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(Stmt st, tx.Prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL "
                                              "AND name NOT LIKE 'sqlite_%' ORDER BY type, name"));
    for (;;) {
      GEBI_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out += st.Text(0);
      out += ";\n";
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace gebi::storage
