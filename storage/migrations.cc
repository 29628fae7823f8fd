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

// Admin console: accounts (argon2id hashes), sessions (only a hash of the cookie is stored),
// failed logins for throttling, the audit log of every write, each rule's history for
// rollback, and reply-text overrides (community_id 0 = every community).
constexpr std::string_view kAdmin = R"sql(
CREATE TABLE admin_accounts (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('district','street','community')),
  unit_id       INTEGER NOT NULL,
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  last_login_at INTEGER
);
CREATE TABLE admin_sessions (
  token_hash   TEXT PRIMARY KEY,
  account_id   INTEGER NOT NULL REFERENCES admin_accounts(id) ON DELETE CASCADE,
  csrf_token   TEXT NOT NULL,
  ip           TEXT NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
);
CREATE INDEX admin_sessions_account ON admin_sessions(account_id);
CREATE TABLE admin_login_failures (
  subject   TEXT NOT NULL,
  failed_at INTEGER NOT NULL
);
CREATE INDEX admin_login_failures_subject ON admin_login_failures(subject, failed_at);
CREATE TABLE admin_audit (
  id           INTEGER PRIMARY KEY,
  account_id   INTEGER,
  account_name TEXT NOT NULL,
  community_id INTEGER,
  action       TEXT NOT NULL,
  object       TEXT NOT NULL,
  before       TEXT NOT NULL DEFAULT '',
  after        TEXT NOT NULL DEFAULT '',
  ip           TEXT NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL
);
CREATE INDEX admin_audit_created ON admin_audit(created_at);
CREATE INDEX admin_audit_community ON admin_audit(community_id, created_at);
CREATE TABLE rule_history (
  id           INTEGER PRIMARY KEY,
  rule_id      INTEGER NOT NULL,
  action       TEXT NOT NULL CHECK (action IN ('create','update','delete','rollback','import')),
  snapshot     TEXT NOT NULL,
  account_name TEXT NOT NULL,
  created_at   INTEGER NOT NULL
);
CREATE INDEX rule_history_rule ON rule_history(rule_id, id);
CREATE TABLE template_overrides (
  community_id INTEGER NOT NULL,
  key          TEXT NOT NULL,
  text         TEXT NOT NULL,
  updated_by   TEXT NOT NULL,
  updated_at   INTEGER NOT NULL,
  PRIMARY KEY (community_id, key)
);
INSERT INTO meta(key, value) VALUES ('templates_version', '1');
)sql";

const std::vector<Migration> kMigrations = {
    {1, "core", kV1Core},
    {2, "admin", kAdmin},
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
