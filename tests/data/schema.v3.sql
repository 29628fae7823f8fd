CREATE INDEX inbound_ledger_created ON inbound_ledger(created_at);
CREATE INDEX inbound_ledger_openid ON inbound_ledger(openid, created_at);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_lease ON outbox(status, lease_until);
CREATE INDEX outbox_recipient ON outbox(recipient, status);
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
CREATE TABLE conversations (
  openid     TEXT PRIMARY KEY,
  flow       TEXT NOT NULL,
  step       TEXT NOT NULL,
  slots      TEXT NOT NULL DEFAULT '{}',
  expires_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
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
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
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
, channel TEXT NOT NULL DEFAULT '', claimed_by TEXT NOT NULL DEFAULT '', lease_until INTEGER NOT NULL DEFAULT 0);
CREATE TABLE qr_codes (
  scene      TEXT PRIMARY KEY,
  ticket     TEXT NOT NULL,
  url        TEXT NOT NULL,
  poster_a4  TEXT NOT NULL DEFAULT '',
  poster_a5  TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
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
