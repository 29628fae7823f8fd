CREATE INDEX admin_audit_community ON admin_audit(community_id, created_at);
CREATE INDEX admin_audit_created ON admin_audit(created_at);
CREATE INDEX admin_login_failures_subject ON admin_login_failures(subject, failed_at);
CREATE INDEX admin_sessions_account ON admin_sessions(account_id);
CREATE INDEX api_audit_key ON api_audit(key_id, at);
CREATE INDEX car_plates_openid ON car_plates(openid);
CREATE INDEX car_plates_plate ON car_plates(community_id, plate, status);
CREATE UNIQUE INDEX care_elders_name ON care_elders(circle_id, name);
CREATE INDEX care_links_openid ON care_links(openid, role);
CREATE INDEX care_relay_recipients_openid ON care_relay_recipients(openid, relay_id);
CREATE INDEX care_relays_elder ON care_relays(elder_id, created_at);
CREATE INDEX care_relays_volunteer ON care_relays(volunteer, created_at);
CREATE INDEX circle_join_requests_circle ON circle_join_requests(circle_id, status);
CREATE INDEX circle_join_requests_openid ON circle_join_requests(openid, status);
CREATE INDEX circle_members_openid ON circle_members(openid, role);
CREATE UNIQUE INDEX circle_removals_open ON circle_removals(circle_id, openid)
  WHERE status = 'proposed';
CREATE INDEX circle_removals_person ON circle_removals(openid, id);
CREATE UNIQUE INDEX circles_grid ON circles(unit_id) WHERE kind = 'grid';
CREATE UNIQUE INDEX circles_invite ON circles(invite_code) WHERE invite_code IS NOT NULL;
CREATE INDEX circles_name ON circles(name);
CREATE INDEX held_items_sender ON held_items(sender, id);
CREATE INDEX held_items_status ON held_items(status, community_id, id);
CREATE INDEX inbound_ledger_created ON inbound_ledger(created_at);
CREATE INDEX inbound_ledger_openid ON inbound_ledger(openid, created_at, msg_type);
CREATE INDEX join_requests_grid ON join_requests(grid_id, status);
CREATE INDEX join_requests_openid ON join_requests(openid, status);
CREATE INDEX media_openid_created ON media(openid, created_at);
CREATE INDEX moderation_appeals_status ON moderation_appeals(status, community_id, id);
CREATE INDEX moderation_strikes_person ON moderation_strikes(openid, circle_id, status);
CREATE INDEX notice_recipients_openid ON notice_recipients(openid, notice_id);
CREATE INDEX notices_community ON notices(community_id, created_at);
CREATE INDEX org_units_parent ON org_units(parent_id);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_lease ON outbox(status, lease_until);
CREATE INDEX outbox_recipient ON outbox(recipient, status);
CREATE INDEX parking_media_report ON parking_media(report_id);
CREATE INDEX parking_media_spot ON parking_media(spot_id);
CREATE INDEX parking_reports_owner ON parking_reports(owner, status);
CREATE INDEX parking_reports_plate ON parking_reports(community_id, plate, created_at);
CREATE INDEX parking_reports_reporter ON parking_reports(reporter, created_at);
CREATE INDEX parking_spots_community ON parking_spots(community_id, expires_at);
CREATE INDEX parking_spots_reporter ON parking_spots(reporter, created_at);
CREATE UNIQUE INDEX recruitment_signups_one ON recruitment_signups(recruitment_id, openid);
CREATE INDEX recruitment_signups_status ON recruitment_signups(recruitment_id, status, id);
CREATE INDEX recruitments_community ON recruitments(community_id, created_at);
CREATE INDEX residents_grid ON residents(grid_id);
CREATE INDEX role_grants_unit ON role_grants(unit_id, role);
CREATE INDEX rule_history_rule ON rule_history(rule_id, id);
CREATE INDEX suggestions_author ON suggestions(author, created_at);
CREATE INDEX suggestions_community ON suggestions(community_id, created_at);
CREATE INDEX suggestions_open ON suggestions(status, created_at);
CREATE INDEX ticket_events_ticket ON ticket_events(ticket_id, id);
CREATE INDEX ticket_media_ticket ON ticket_media(ticket_id);
CREATE INDEX tickets_claimer ON tickets(claimed_by, status);
CREATE INDEX tickets_grid ON tickets(grid_id, status);
CREATE INDEX tickets_level ON tickets(level, status);
CREATE INDEX tickets_reporter ON tickets(reporter, created_at, status);
CREATE INDEX tickets_status ON tickets(status, done_at);
CREATE INDEX volunteer_skills_skill ON volunteer_skills(skill);
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
CREATE TABLE addresses (
  id          INTEGER PRIMARY KEY,
  grid_id     INTEGER NOT NULL REFERENCES org_units(id),
  road        TEXT NOT NULL DEFAULT '',
  num_from    INTEGER NOT NULL DEFAULT 0,
  num_to      INTEGER NOT NULL DEFAULT 0,
  estate      TEXT NOT NULL DEFAULT '',
  bld_from    INTEGER NOT NULL DEFAULT 0,
  bld_to      INTEGER NOT NULL DEFAULT 0,
  updated_at  INTEGER NOT NULL,
  UNIQUE (road, num_from, num_to, estate, bld_from, bld_to)
);
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
, must_change INTEGER NOT NULL DEFAULT 0);
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
CREATE TABLE admin_login_failures (
  subject   TEXT NOT NULL,
  failed_at INTEGER NOT NULL
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
CREATE TABLE api_audit (
  id          INTEGER PRIMARY KEY,
  key_id      INTEGER REFERENCES api_keys(id),
  at          INTEGER NOT NULL,
  method      TEXT NOT NULL,
  path        TEXT NOT NULL,
  status      INTEGER NOT NULL,
  peer        TEXT NOT NULL DEFAULT ''
);
CREATE TABLE api_keys (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE,
  key_hash     TEXT NOT NULL UNIQUE,
  prefix       TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  revoked_at   INTEGER,
  last_used_at INTEGER
);
CREATE TABLE car_plates (
  id           INTEGER PRIMARY KEY,
  community_id INTEGER NOT NULL REFERENCES org_units(id),
  grid_id      INTEGER NOT NULL REFERENCES org_units(id),
  plate        TEXT NOT NULL,
  openid       TEXT NOT NULL,
  status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','confirmed')),
  confirmed_by TEXT NOT NULL DEFAULT '',
  confirmed_at INTEGER,
  created_at   INTEGER NOT NULL,
  UNIQUE (plate, openid)
);
CREATE TABLE care_elders (
  id              INTEGER PRIMARY KEY,
  circle_id       INTEGER NOT NULL REFERENCES circles(id),
  name            TEXT NOT NULL,
  resident_openid TEXT,
  added_by        TEXT NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL
);
CREATE TABLE care_links (
  elder_id    INTEGER NOT NULL REFERENCES care_elders(id),
  openid      TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('family','volunteer')),
  added_by    TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (elder_id, openid, role)
);
CREATE TABLE care_relay_recipients (
  relay_id    INTEGER NOT NULL REFERENCES care_relays(id),
  openid      TEXT NOT NULL,
  thanked_at  INTEGER,
  PRIMARY KEY (relay_id, openid)
);
CREATE TABLE care_relays (
  id           INTEGER PRIMARY KEY,
  circle_id    INTEGER NOT NULL REFERENCES circles(id),
  elder_id     INTEGER NOT NULL REFERENCES care_elders(id),
  volunteer    TEXT NOT NULL,
  body         TEXT NOT NULL DEFAULT '',
  media_id     TEXT NOT NULL DEFAULT '',
  pic_url      TEXT NOT NULL DEFAULT '',
  parent_id    INTEGER REFERENCES care_relays(id),
  status       TEXT NOT NULL DEFAULT 'pending'
               CHECK (status IN ('pending','sent','held','rejected')),
  recipients   INTEGER NOT NULL DEFAULT 0,
  created_at   INTEGER NOT NULL,
  delivered_at INTEGER,
  thanked_at   INTEGER
);
CREATE TABLE care_requests (
  request_id  INTEGER PRIMARY KEY REFERENCES circle_join_requests(id),
  elder_id    INTEGER NOT NULL REFERENCES care_elders(id)
);
CREATE TABLE circle_join_requests (
  id          INTEGER PRIMARY KEY,
  circle_id   INTEGER NOT NULL REFERENCES circles(id),
  openid      TEXT NOT NULL,
  name        TEXT NOT NULL,
  status      TEXT NOT NULL DEFAULT 'pending'
              CHECK (status IN ('pending','approved','rejected')),
  reason      TEXT NOT NULL DEFAULT '',
  decided_by  TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  decided_at  INTEGER
);
CREATE TABLE circle_members (
  circle_id   INTEGER NOT NULL REFERENCES circles(id),
  openid      TEXT NOT NULL,
  role        TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('owner','manager','member')),
  joined_at   INTEGER NOT NULL, name TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (circle_id, openid)
);
CREATE TABLE circle_removals (
  id           INTEGER PRIMARY KEY,
  circle_id    INTEGER NOT NULL REFERENCES circles(id),
  openid       TEXT NOT NULL,
  name         TEXT NOT NULL DEFAULT '',
  reason       TEXT NOT NULL,
  community_id INTEGER,
  proposed_by  TEXT NOT NULL,
  status       TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed','confirmed')),
  confirmed_by TEXT NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  decided_at   INTEGER
);
CREATE TABLE circles (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('grid','building','neighbour','party',
                'elderly_care','car_owner','interest')),
  name        TEXT NOT NULL,
  unit_id     INTEGER REFERENCES org_units(id),
  owner       TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL
, convention TEXT NOT NULL DEFAULT '', join_mode TEXT NOT NULL DEFAULT 'open'
  CHECK (join_mode IN ('open','approval')), invite_code TEXT);
CREATE TABLE conversations (
  openid     TEXT PRIMARY KEY,
  flow       TEXT NOT NULL,
  step       TEXT NOT NULL,
  slots      TEXT NOT NULL DEFAULT '{}',
  expires_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE district_handoffs (
  ticket_id     INTEGER PRIMARY KEY REFERENCES tickets(id),
  remote_id     TEXT NOT NULL DEFAULT '',
  remote_status TEXT NOT NULL DEFAULT '',
  remote_notes  TEXT NOT NULL DEFAULT '',
  created_at    INTEGER NOT NULL,
  sent_at       INTEGER,
  pulled_at     INTEGER
);
CREATE TABLE escalation_deadlines (
  category      TEXT NOT NULL,
  level         TEXT NOT NULL CHECK (level IN ('grid','community','street','district')),
  claim_hours   INTEGER NOT NULL CHECK (claim_hours BETWEEN 1 AND 2160),
  resolve_hours INTEGER NOT NULL CHECK (resolve_hours BETWEEN 1 AND 2160),
  updated_at    INTEGER NOT NULL,
  PRIMARY KEY (category, level)
);
CREATE TABLE held_items (
  id           INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL,
  sender       TEXT NOT NULL,
  circle_id    INTEGER NOT NULL DEFAULT 0,
  community_id INTEGER,
  rule         TEXT NOT NULL,
  text         TEXT NOT NULL,
  payload      TEXT NOT NULL,
  status       TEXT NOT NULL DEFAULT 'held' CHECK (status IN ('held','released','rejected')),
  decided_by   TEXT NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  decided_at   INTEGER
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
CREATE TABLE join_requests (
  id          INTEGER PRIMARY KEY,
  openid      TEXT NOT NULL,
  grid_id     INTEGER NOT NULL REFERENCES org_units(id),
  name        TEXT NOT NULL,
  building    TEXT NOT NULL DEFAULT '',
  room        TEXT NOT NULL DEFAULT '',
  phone       TEXT NOT NULL DEFAULT '',
  status      TEXT NOT NULL DEFAULT 'pending'
              CHECK (status IN ('pending','approved','rejected')),
  reason      TEXT NOT NULL DEFAULT '',
  decided_by  TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  decided_at  INTEGER
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
CREATE TABLE moderation_appeals (
  id           INTEGER PRIMARY KEY,
  openid       TEXT NOT NULL,
  held_id      INTEGER,
  removal_id   INTEGER,
  community_id INTEGER,
  reason       TEXT NOT NULL DEFAULT '',
  status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
  created_at   INTEGER NOT NULL
);
CREATE TABLE moderation_categories (
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE,
  title       TEXT NOT NULL,
  keywords    TEXT NOT NULL DEFAULT '',
  patterns    TEXT NOT NULL DEFAULT '',
  enabled     INTEGER NOT NULL DEFAULT 1,
  updated_at  INTEGER NOT NULL
);
CREATE TABLE moderation_strikes (
  id           INTEGER PRIMARY KEY,
  openid       TEXT NOT NULL,
  circle_id    INTEGER NOT NULL DEFAULT 0,
  community_id INTEGER,
  held_id      INTEGER,
  rule         TEXT NOT NULL,
  status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','lifted')),
  muted_until  INTEGER,
  lifted_by    TEXT NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  lifted_at    INTEGER
);
CREATE TABLE notice_circles (
  notice_id   INTEGER NOT NULL REFERENCES notices(id),
  circle_id   INTEGER NOT NULL REFERENCES circles(id),
  PRIMARY KEY (notice_id, circle_id)
);
CREATE TABLE notice_recipients (
  notice_id   INTEGER NOT NULL REFERENCES notices(id),
  openid      TEXT NOT NULL,
  received_at INTEGER,
  PRIMARY KEY (notice_id, openid)
);
CREATE TABLE notices (
  id           INTEGER PRIMARY KEY,
  community_id INTEGER REFERENCES org_units(id),
  author       TEXT NOT NULL,
  circles      TEXT NOT NULL,
  body         TEXT NOT NULL,
  status       TEXT NOT NULL DEFAULT 'sent' CHECK (status IN ('sent','withdrawn')),
  recipients   INTEGER NOT NULL DEFAULT 0,
  created_at   INTEGER NOT NULL,
  reminded_at  INTEGER,
  withdrawn_at INTEGER
);
CREATE TABLE open311_tokens (
  token       TEXT PRIMARY KEY,
  ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
  key_id      INTEGER NOT NULL REFERENCES api_keys(id),
  created_at  INTEGER NOT NULL
);
CREATE TABLE org_units (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('district','street','community','grid','building')),
  code        TEXT NOT NULL UNIQUE,
  parent_id   INTEGER REFERENCES org_units(id),
  name        TEXT NOT NULL,
  contact     TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
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
CREATE TABLE parking_media (
  id          INTEGER PRIMARY KEY,
  report_id   INTEGER REFERENCES parking_reports(id),
  spot_id     INTEGER REFERENCES parking_spots(id),
  openid      TEXT NOT NULL,
  media_id    TEXT NOT NULL DEFAULT '',
  pic_url     TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  CHECK ((report_id IS NULL) <> (spot_id IS NULL))
);
CREATE TABLE parking_reporters (
  report_id   INTEGER NOT NULL REFERENCES parking_reports(id),
  openid      TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (report_id, openid)
);
CREATE TABLE parking_reports (
  id           INTEGER PRIMARY KEY,
  community_id INTEGER NOT NULL REFERENCES org_units(id),
  plate        TEXT NOT NULL,
  location     TEXT NOT NULL,
  reporter     TEXT NOT NULL,
  reporters    INTEGER NOT NULL DEFAULT 1,
  owner        TEXT NOT NULL DEFAULT '',
  status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','moved')),
  moved_at     INTEGER,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE TABLE parking_settings (
  community_id       INTEGER PRIMARY KEY REFERENCES org_units(id),
  spots_to_car_owners INTEGER NOT NULL DEFAULT 0,
  updated_by         TEXT NOT NULL DEFAULT '',
  updated_at         INTEGER NOT NULL
);
CREATE TABLE parking_spots (
  id           INTEGER PRIMARY KEY,
  community_id INTEGER NOT NULL REFERENCES org_units(id),
  reporter     TEXT NOT NULL,
  location     TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
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
CREATE TABLE recruitment_circles (
  recruitment_id INTEGER NOT NULL REFERENCES recruitments(id),
  circle_id      INTEGER NOT NULL REFERENCES circles(id),
  PRIMARY KEY (recruitment_id, circle_id)
);
CREATE TABLE recruitment_signups (
  id             INTEGER PRIMARY KEY,
  recruitment_id INTEGER NOT NULL REFERENCES recruitments(id),
  openid         TEXT NOT NULL,
  name           TEXT NOT NULL DEFAULT '',
  status         TEXT NOT NULL CHECK (status IN ('signed','waiting','cancelled')),
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
CREATE TABLE recruitments (
  id           INTEGER PRIMARY KEY,
  community_id INTEGER REFERENCES org_units(id),
  organiser    TEXT NOT NULL,
  body         TEXT NOT NULL,
  quota        INTEGER NOT NULL CHECK (quota > 0),
  circles      TEXT NOT NULL DEFAULT '',
  status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
  created_at   INTEGER NOT NULL,
  closed_at    INTEGER
);
CREATE TABLE repair_categories (
  name        TEXT PRIMARY KEY,
  label       TEXT NOT NULL,
  skill       TEXT NOT NULL DEFAULT ''
);
CREATE TABLE repair_keywords (
  keyword     TEXT PRIMARY KEY,
  category    TEXT NOT NULL REFERENCES repair_categories(name)
);
CREATE TABLE residents (
  openid        TEXT PRIMARY KEY,
  grid_id       INTEGER NOT NULL REFERENCES org_units(id),
  name          TEXT NOT NULL,
  building      TEXT NOT NULL DEFAULT '',
  room          TEXT NOT NULL DEFAULT '',
  phone         TEXT NOT NULL DEFAULT '',
  elderly_alone INTEGER NOT NULL DEFAULT 0,
  joined_at     INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE TABLE role_grants (
  openid      TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('floor_leader','grid_worker','volunteer',
                'community_staff','street_staff','district_admin')),
  unit_id     INTEGER NOT NULL REFERENCES org_units(id),
  source      TEXT NOT NULL DEFAULT 'cli',
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (openid, role, unit_id)
);
CREATE TABLE rule_history (
  id           INTEGER PRIMARY KEY,
  rule_id      INTEGER NOT NULL,
  action       TEXT NOT NULL CHECK (action IN ('create','update','delete','rollback','import')),
  snapshot     TEXT NOT NULL,
  account_name TEXT NOT NULL,
  created_at   INTEGER NOT NULL
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
CREATE TABLE skill_synonyms (
  word        TEXT PRIMARY KEY,
  skill       TEXT NOT NULL REFERENCES skills(name)
);
CREATE TABLE skills (
  name        TEXT PRIMARY KEY,
  sort        INTEGER NOT NULL DEFAULT 100
);
CREATE TABLE suggestions (
  id              INTEGER PRIMARY KEY,
  community_id    INTEGER NOT NULL REFERENCES org_units(id),
  grid_id         INTEGER NOT NULL REFERENCES org_units(id),
  author          TEXT NOT NULL,
  content         TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'open'
                  CHECK (status IN ('open','replied','adopted','declined')),
  answer          TEXT NOT NULL DEFAULT '',
  answered_by     TEXT NOT NULL DEFAULT '',
  answered_at     INTEGER,
  reminded_period INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE TABLE template_overrides (
  community_id INTEGER NOT NULL,
  key          TEXT NOT NULL,
  text         TEXT NOT NULL,
  updated_by   TEXT NOT NULL,
  updated_at   INTEGER NOT NULL,
  PRIMARY KEY (community_id, key)
);
CREATE TABLE ticket_events (
  id          INTEGER PRIMARY KEY,
  ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
  at          INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  action      TEXT NOT NULL,
  from_status TEXT NOT NULL DEFAULT '',
  to_status   TEXT NOT NULL DEFAULT '',
  note        TEXT NOT NULL DEFAULT ''
);
CREATE TABLE ticket_likes (
  ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
  openid      TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (ticket_id, openid)
);
CREATE TABLE ticket_media (
  id          INTEGER PRIMARY KEY,
  ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
  kind        TEXT NOT NULL CHECK (kind IN ('image','location')),
  media_id    TEXT NOT NULL DEFAULT '',
  pic_url     TEXT NOT NULL DEFAULT '',
  local_path  TEXT,
  latitude    REAL,
  longitude   REAL,
  label       TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL
);
CREATE TABLE tickets (
  id           INTEGER PRIMARY KEY,
  grid_id      INTEGER NOT NULL REFERENCES org_units(id),
  community_id INTEGER NOT NULL REFERENCES org_units(id),
  reporter     TEXT NOT NULL,
  description  TEXT NOT NULL,
  category     TEXT NOT NULL,
  priority     INTEGER NOT NULL DEFAULT 0,
  status       TEXT NOT NULL DEFAULT 'open'
               CHECK (status IN ('open','claimed','done','closed','cancelled','reopened')),
  level        TEXT NOT NULL DEFAULT 'grid'
               CHECK (level IN ('grid','community','street','district')),
  claimed_by   TEXT NOT NULL DEFAULT '',
  claimed_at   INTEGER,
  done_by      TEXT NOT NULL DEFAULT '',
  done_at      INTEGER,
  done_note    TEXT NOT NULL DEFAULT '',
  rating       INTEGER,
  rating_note  TEXT NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  closed_at    INTEGER
, level_since INTEGER NOT NULL DEFAULT 0, level_claimed_by TEXT NOT NULL DEFAULT '', level_claimed_at INTEGER, reminded_at INTEGER, urged_at INTEGER);
CREATE TABLE users (
  openid          TEXT PRIMARY KEY,
  first_seen_at   INTEGER NOT NULL,
  last_inbound_at INTEGER NOT NULL,
  subscribed      INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE volunteer_skills (
  openid      TEXT NOT NULL REFERENCES volunteers(openid),
  skill       TEXT NOT NULL REFERENCES skills(name),
  PRIMARY KEY (openid, skill)
);
CREATE TABLE volunteers (
  openid       TEXT PRIMARY KEY,
  community_id INTEGER NOT NULL REFERENCES org_units(id),
  availability TEXT NOT NULL DEFAULT '',
  active       INTEGER NOT NULL DEFAULT 1,
  joined_at    INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
, vetted_at INTEGER, vetted_by TEXT NOT NULL DEFAULT '', share_phone INTEGER NOT NULL DEFAULT 0);
CREATE TRIGGER care_links_people_delete AFTER DELETE ON care_links BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER care_links_people_insert AFTER INSERT ON care_links BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER care_links_people_update AFTER UPDATE ON care_links BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER circle_members_people_delete AFTER DELETE ON circle_members BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER circle_members_people_insert AFTER INSERT ON circle_members BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER circle_members_people_update AFTER UPDATE ON circle_members BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER circles_people_delete AFTER DELETE ON circles BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER circles_people_insert AFTER INSERT ON circles BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER circles_people_update AFTER UPDATE ON circles BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER org_units_people_delete AFTER DELETE ON org_units BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER org_units_people_insert AFTER INSERT ON org_units BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER org_units_people_update AFTER UPDATE ON org_units BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER residents_people_delete AFTER DELETE ON residents BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER residents_people_insert AFTER INSERT ON residents BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER residents_people_update AFTER UPDATE ON residents BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER role_grants_people_delete AFTER DELETE ON role_grants BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER role_grants_people_insert AFTER INSERT ON role_grants BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER role_grants_people_update AFTER UPDATE ON role_grants BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER tickets_level_since AFTER INSERT ON tickets WHEN NEW.level_since = 0 BEGIN UPDATE tickets SET level_since = NEW.created_at WHERE id = NEW.id; END;
CREATE TRIGGER volunteers_people_delete AFTER DELETE ON volunteers BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER volunteers_people_insert AFTER INSERT ON volunteers BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER volunteers_people_update AFTER UPDATE ON volunteers BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
