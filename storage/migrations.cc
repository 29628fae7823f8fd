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

// v2: the community grid. The organisation tree (district > street > community > grid >
// building), role grants scoped to a unit, residents (grid membership), the address
// directory, join requests, circles with owner and managers, repair tickets with their
// timeline and media, editable repair keyword lists, the skills catalogue, volunteers.
// Tickets carry a `level` (grid/community/street/district) so escalation fits later.
constexpr std::string_view kV2Grid = R"sql(
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
CREATE INDEX org_units_parent ON org_units(parent_id);
CREATE TABLE role_grants (
  openid      TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('floor_leader','grid_worker','volunteer',
                'community_staff','street_staff','district_admin')),
  unit_id     INTEGER NOT NULL REFERENCES org_units(id),
  source      TEXT NOT NULL DEFAULT 'cli',
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (openid, role, unit_id)
);
CREATE INDEX role_grants_unit ON role_grants(unit_id, role);
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
CREATE INDEX residents_grid ON residents(grid_id);
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
CREATE INDEX join_requests_grid ON join_requests(grid_id, status);
CREATE INDEX join_requests_openid ON join_requests(openid, status);
CREATE TABLE circles (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('grid','building','neighbour','party',
                'elderly_care','car_owner','interest')),
  name        TEXT NOT NULL,
  unit_id     INTEGER REFERENCES org_units(id),
  owner       TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX circles_grid ON circles(unit_id) WHERE kind = 'grid';
CREATE TABLE circle_members (
  circle_id   INTEGER NOT NULL REFERENCES circles(id),
  openid      TEXT NOT NULL,
  role        TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('owner','manager','member')),
  joined_at   INTEGER NOT NULL,
  PRIMARY KEY (circle_id, openid)
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
);
CREATE INDEX tickets_grid ON tickets(grid_id, status);
CREATE INDEX tickets_reporter ON tickets(reporter, created_at);
CREATE INDEX tickets_status ON tickets(status, done_at);
CREATE INDEX tickets_claimer ON tickets(claimed_by, status);
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
CREATE INDEX ticket_events_ticket ON ticket_events(ticket_id, id);
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
CREATE INDEX ticket_media_ticket ON ticket_media(ticket_id);
CREATE TABLE ticket_likes (
  ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
  openid      TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (ticket_id, openid)
);
CREATE TABLE skills (
  name        TEXT PRIMARY KEY,
  sort        INTEGER NOT NULL DEFAULT 100
);
CREATE TABLE skill_synonyms (
  word        TEXT PRIMARY KEY,
  skill       TEXT NOT NULL REFERENCES skills(name)
);
CREATE TABLE volunteers (
  openid       TEXT PRIMARY KEY,
  community_id INTEGER NOT NULL REFERENCES org_units(id),
  availability TEXT NOT NULL DEFAULT '',
  active       INTEGER NOT NULL DEFAULT 1,
  joined_at    INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE TABLE volunteer_skills (
  openid      TEXT NOT NULL REFERENCES volunteers(openid),
  skill       TEXT NOT NULL REFERENCES skills(name),
  PRIMARY KEY (openid, skill)
);
CREATE INDEX volunteer_skills_skill ON volunteer_skills(skill);
INSERT INTO skills(name, sort) VALUES
  ('水电维修', 1), ('保洁', 2), ('按摩', 3), ('理发', 4), ('陪护', 5), ('跑腿', 6),
  ('手机电脑', 7), ('家电维修', 8), ('开锁换锁', 9);
INSERT INTO skill_synonyms(word, skill) VALUES
  ('水电维修', '水电维修'), ('水电', '水电维修'), ('水电通', '水电维修'), ('电工', '水电维修'),
  ('水管', '水电维修'), ('修灯', '水电维修'), ('electrician', '水电维修'), ('plumber', '水电维修'),
  ('保洁', '保洁'), ('打扫', '保洁'), ('清洁', '保洁'), ('cleaning', '保洁'),
  ('按摩', '按摩'), ('推拿', '按摩'), ('massage', '按摩'),
  ('理发', '理发'), ('剪发', '理发'), ('haircut', '理发'),
  ('陪护', '陪护'), ('陪伴', '陪护'), ('照护', '陪护'), ('陪聊', '陪护'), ('care', '陪护'),
  ('跑腿', '跑腿'), ('代购', '跑腿'), ('买菜', '跑腿'), ('errands', '跑腿'),
  ('手机电脑', '手机电脑'), ('手机', '手机电脑'), ('电脑', '手机电脑'), ('教微信', '手机电脑'),
  ('computer', '手机电脑'), ('phone', '手机电脑'),
  ('家电维修', '家电维修'), ('家电', '家电维修'), ('修家电', '家电维修'), ('appliance', '家电维修'),
  ('开锁换锁', '开锁换锁'), ('开锁', '开锁换锁'), ('换锁', '开锁换锁'), ('locksmith', '开锁换锁');
INSERT INTO repair_categories(name, label, skill) VALUES
  ('electrical', '电', '水电维修'), ('plumbing', '水管', '水电维修'),
  ('appliance', '家电', '家电维修'), ('lock', '门锁', '开锁换锁'),
  ('cleaning', '卫生', '保洁'), ('digital', '手机电脑', '手机电脑'), ('other', '其他', '');
INSERT INTO repair_keywords(keyword, category) VALUES
  ('灯', 'electrical'), ('电', 'electrical'), ('插座', 'electrical'), ('开关', 'electrical'),
  ('跳闸', 'electrical'), ('电线', 'electrical'), ('light', 'electrical'),
  ('水', 'plumbing'), ('管', 'plumbing'), ('漏', 'plumbing'), ('龙头', 'plumbing'),
  ('马桶', 'plumbing'), ('下水', 'plumbing'), ('堵', 'plumbing'), ('leak', 'plumbing'),
  ('冰箱', 'appliance'), ('洗衣机', 'appliance'), ('空调', 'appliance'), ('电视', 'appliance'),
  ('热水器', 'appliance'), ('锁', 'lock'), ('钥匙', 'lock'), ('门', 'lock'),
  ('垃圾', 'cleaning'), ('卫生', 'cleaning'), ('打扫', 'cleaning'),
  ('手机', 'digital'), ('电脑', 'digital'), ('微信', 'digital'), ('wifi', 'digital');
INSERT INTO rules(match_kind, pattern, priority, target_kind, target, note, created_at, updated_at) VALUES
  ('prefix', '加入网格', 20, 'handler', 'join', '加入网格', 0, 0),
  ('prefix', '入网格', 20, 'handler', 'join', '入网格', 0, 0),
  ('prefix', 'join', 20, 'handler', 'join', 'join', 0, 0),
  ('prefix', '通过', 20, 'handler', 'approve', '通过', 0, 0),
  ('prefix', 'approve', 20, 'handler', 'approve', 'approve', 0, 0),
  ('prefix', '拒绝', 20, 'handler', 'reject', '拒绝', 0, 0),
  ('prefix', 'reject', 20, 'handler', 'reject', 'reject', 0, 0),
  ('exact', '待审核', 20, 'handler', 'requests', '待审核', 0, 0),
  ('exact', 'requests', 20, 'handler', 'requests', 'requests', 0, 0),
  ('prefix', '报修', 20, 'handler', 'repair', '报修', 0, 0),
  ('prefix', 'repair', 20, 'handler', 'repair', 'repair', 0, 0),
  ('prefix', '接单', 20, 'handler', 'claim', '接单', 0, 0),
  ('prefix', 'claim', 20, 'handler', 'claim', 'claim', 0, 0),
  ('prefix', '完成', 20, 'handler', 'done', '完成', 0, 0),
  ('prefix', 'done', 20, 'handler', 'done', 'done', 0, 0),
  ('prefix', '评价', 20, 'handler', 'rate', '评价', 0, 0),
  ('prefix', 'rate', 20, 'handler', 'rate', 'rate', 0, 0),
  ('prefix', '点赞', 20, 'handler', 'like', '点赞', 0, 0),
  ('prefix', 'like', 20, 'handler', 'like', 'like', 0, 0),
  ('prefix', '没修好', 20, 'handler', 'reopen', '没修好', 0, 0),
  ('prefix', 'reopen', 20, 'handler', 'reopen', 'reopen', 0, 0),
  ('prefix', '取消报修', 20, 'handler', 'cancel_repair', '取消报修', 0, 0),
  ('prefix', 'cancel repair', 20, 'handler', 'cancel_repair', 'cancel repair', 0, 0),
  ('exact', '我的报修', 20, 'handler', 'my_repairs', '我的报修', 0, 0),
  ('exact', 'my repairs', 20, 'handler', 'my_repairs', 'my repairs', 0, 0),
  ('exact', '工单', 20, 'handler', 'tickets', '工单', 0, 0),
  ('exact', 'tickets', 20, 'handler', 'tickets', 'tickets', 0, 0),
  ('prefix', '志愿者', 20, 'handler', 'volunteer', '志愿者', 0, 0),
  ('prefix', '我要当义工', 20, 'handler', 'volunteer', '我要当义工', 0, 0),
  ('prefix', '我要当志愿者', 20, 'handler', 'volunteer', '我要当志愿者', 0, 0),
  ('prefix', 'volunteer', 20, 'handler', 'volunteer', 'volunteer', 0, 0),
  ('exact', '我的服务', 20, 'handler', 'my_service', '我的服务', 0, 0),
  ('exact', 'my service', 20, 'handler', 'my_service', 'my service', 0, 0),
  ('exact', '退出志愿者', 20, 'handler', 'quit_volunteer', '退出志愿者', 0, 0),
  ('exact', 'quit volunteer', 20, 'handler', 'quit_volunteer', 'quit volunteer', 0, 0);
UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'rules_version';
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

// v4: the admin console. Accounts (argon2id hashes), sessions (only a hash of the cookie is
// stored), failed logins for throttling, the audit log of every write, each rule's history
// for rollback, and reply-text overrides (community_id 0 = every community).
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

// v5: an account whose password was handed out (one-time, printed by the command line) must
// choose its own before using the console; existing accounts are left as they are.
constexpr std::string_view kV5MustChange = R"sql(
ALTER TABLE admin_accounts ADD COLUMN must_change INTEGER NOT NULL DEFAULT 0;
)sql";

// v6: the per-sender media quota counts one sender's photos of the day by an index, not a scan;
// volunteers are vetted by staff before they see an elderly resident's flag and room or claim
// a priority ticket.
constexpr std::string_view kV6Vetting = R"sql(
CREATE INDEX media_openid_created ON media(openid, created_at);
ALTER TABLE volunteers ADD COLUMN vetted_at INTEGER;
ALTER TABLE volunteers ADD COLUMN vetted_by TEXT NOT NULL DEFAULT '';
)sql";

// v7: conversations an elderly first-timer finishes. Intent phrases route to the same handlers
// as the command words (editable rules like every other: 我要报修, …坏了, 修好了, 人工 …); a
// volunteer may agree to show their phone to the resident they help; sparks, smoke and gas are
// categories of their own (their safety line is the reply text safety.<category>).
constexpr std::string_view kV7Phrases = R"sql(
ALTER TABLE volunteers ADD COLUMN share_phone INTEGER NOT NULL DEFAULT 0;
INSERT INTO rules(match_kind, pattern, priority, target_kind, target, note, created_at, updated_at) VALUES
  ('exact', '你好', 20, 'handler', 'help', '问候', 0, 0),
  ('exact', '您好', 20, 'handler', 'help', '问候', 0, 0),
  ('exact', '在吗', 20, 'handler', 'help', '问候', 0, 0),
  ('exact', 'hi', 20, 'handler', 'help', 'greeting', 0, 0),
  ('exact', 'hello', 20, 'handler', 'help', 'greeting', 0, 0),
  ('exact', '更多', 10, 'handler', 'more', '更多', 0, 0),
  ('exact', 'more', 10, 'handler', 'more', 'more', 0, 0),
  ('exact', '人工', 10, 'handler', 'human', '人工', 0, 0),
  ('exact', '转人工', 10, 'handler', 'human', '转人工', 0, 0),
  ('exact', '人工客服', 10, 'handler', 'human', '人工客服', 0, 0),
  ('prefix', '找网格员', 10, 'handler', 'human', '找网格员', 0, 0),
  ('prefix', '找人工', 10, 'handler', 'human', '找人工', 0, 0),
  ('contains', '不会用', 30, 'handler', 'human', '我不会用', 0, 0),
  ('contains', '看不懂', 30, 'handler', 'human', '看不懂', 0, 0),
  ('prefix', '我要报修', 20, 'handler', 'repair', '我要报修', 0, 0),
  ('prefix', '我想报修', 20, 'handler', 'repair', '我想报修', 0, 0),
  ('prefix', '要报修', 20, 'handler', 'repair', '要报修', 0, 0),
  ('prefix', '帮我报修', 20, 'handler', 'repair', '帮我报修', 0, 0),
  ('prefix', '申请报修', 20, 'handler', 'repair', '申请报修', 0, 0),
  ('contains', '坏了', 40, 'handler', 'repair', '…坏了', 0, 0),
  ('contains', '坏掉', 40, 'handler', 'repair', '…坏掉了', 0, 0),
  ('contains', '漏水', 40, 'handler', 'repair', '…漏水', 0, 0),
  ('contains', '堵了', 40, 'handler', 'repair', '…堵了', 0, 0),
  ('contains', '不亮', 40, 'handler', 'repair', '灯不亮', 0, 0),
  ('contains', '不出水', 40, 'handler', 'repair', '不出水', 0, 0),
  ('contains', '跳闸', 40, 'handler', 'repair', '跳闸', 0, 0),
  ('contains', '帮我修', 40, 'handler', 'repair', '帮我修…', 0, 0),
  ('contains', '帮忙修', 40, 'handler', 'repair', '帮忙修…', 0, 0),
  ('contains', '来修', 40, 'handler', 'repair', '找人来修', 0, 0),
  ('contains', '冒火花', 40, 'handler', 'repair', '危险：火花', 0, 0),
  ('contains', '冒烟', 40, 'handler', 'repair', '危险：冒烟', 0, 0),
  ('contains', '煤气', 40, 'handler', 'repair', '危险：煤气', 0, 0),
  ('contains', '燃气', 40, 'handler', 'repair', '危险：燃气', 0, 0),
  ('contains', '漏电', 40, 'handler', 'repair', '危险：漏电', 0, 0),
  ('contains', '没修好', 30, 'handler', 'reopen', '还没修好', 0, 0),
  ('contains', '修好了吗', 25, 'handler', 'my_repairs', '…修好了吗', 0, 0),
  ('contains', '修好没', 25, 'handler', 'my_repairs', '…修好没', 0, 0),
  ('contains', '什么时候来修', 25, 'handler', 'my_repairs', '什么时候来修', 0, 0),
  ('prefix', '报修进度', 15, 'handler', 'my_repairs', '报修进度', 0, 0),
  ('contains', '修好了', 35, 'handler', 'fixed', '修好了，谢谢', 0, 0),
  ('contains', '修好啦', 35, 'handler', 'fixed', '修好啦', 0, 0),
  ('contains', '已经修好', 35, 'handler', 'fixed', '已经修好', 0, 0),
  ('prefix', '认证', 20, 'handler', 'vet', '认证 志愿者', 0, 0),
  ('prefix', 'vet', 20, 'handler', 'vet', 'vet', 0, 0);
INSERT INTO repair_categories(name, label, skill) VALUES
  ('sparks', '电火花', '水电维修'), ('smoke', '冒烟', ''), ('gas', '燃气', '');
INSERT INTO repair_keywords(keyword, category) VALUES
  ('火花', 'sparks'), ('冒火花', 'sparks'), ('漏电', 'sparks'), ('打火', 'sparks'),
  ('冒烟', 'smoke'), ('烧焦', 'smoke'), ('着火', 'smoke'), ('焦味', 'smoke'),
  ('煤气', 'gas'), ('燃气', 'gas'), ('天然气', 'gas'), ('液化气', 'gas');
UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'rules_version';
)sql";

// v8: suggestions (S9), parking (S8). A resident's suggestion is answered by the community's
// staff (reply, adopt, decline); reminded_period counts the overdue reminders already queued.
// Parking reports join when the same plate is reported again within 30 minutes; each
// neighbour who reported it is a parking_reporters row (told when the car is moved). Residents
// register their plates (confirmed by staff); free spots expire; photos of either sit in
// parking_media; a community may send free spots to its car_owner circles. 停车 comes after the
// office's own keyword rules (priority 100): 停车费多少 is a question for them, not a report.
constexpr std::string_view kV8Reports = R"sql(
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
CREATE INDEX suggestions_community ON suggestions(community_id, created_at);
CREATE INDEX suggestions_author ON suggestions(author, created_at);
CREATE INDEX suggestions_open ON suggestions(status, created_at);
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
CREATE INDEX parking_reports_plate ON parking_reports(community_id, plate, created_at);
CREATE INDEX parking_reports_reporter ON parking_reports(reporter, created_at);
CREATE INDEX parking_reports_owner ON parking_reports(owner, status);
CREATE TABLE parking_reporters (
  report_id   INTEGER NOT NULL REFERENCES parking_reports(id),
  openid      TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (report_id, openid)
);
CREATE TABLE parking_spots (
  id           INTEGER PRIMARY KEY,
  community_id INTEGER NOT NULL REFERENCES org_units(id),
  reporter     TEXT NOT NULL,
  location     TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
);
CREATE INDEX parking_spots_community ON parking_spots(community_id, expires_at);
CREATE INDEX parking_spots_reporter ON parking_spots(reporter, created_at);
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
CREATE INDEX parking_media_report ON parking_media(report_id);
CREATE INDEX parking_media_spot ON parking_media(spot_id);
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
CREATE INDEX car_plates_plate ON car_plates(community_id, plate, status);
CREATE INDEX car_plates_openid ON car_plates(openid);
CREATE TABLE parking_settings (
  community_id       INTEGER PRIMARY KEY REFERENCES org_units(id),
  spots_to_car_owners INTEGER NOT NULL DEFAULT 0,
  updated_by         TEXT NOT NULL DEFAULT '',
  updated_at         INTEGER NOT NULL
);
INSERT INTO rules(match_kind, pattern, priority, target_kind, target, note, created_at, updated_at) VALUES
  ('prefix', '建议', 20, 'handler', 'suggest', '建议', 0, 0),
  ('prefix', 'suggest', 20, 'handler', 'suggest', 'suggest', 0, 0),
  ('exact', '我的建议', 15, 'handler', 'my_suggestions', '我的建议', 0, 0),
  ('exact', 'my suggestions', 15, 'handler', 'my_suggestions', 'my suggestions', 0, 0),
  ('prefix', '回复', 20, 'handler', 'answer_suggestion', '回复 建议', 0, 0),
  ('prefix', 'answer', 20, 'handler', 'answer_suggestion', 'answer', 0, 0),
  ('prefix', '采纳', 20, 'handler', 'adopt_suggestion', '采纳 建议', 0, 0),
  ('prefix', 'adopt', 20, 'handler', 'adopt_suggestion', 'adopt', 0, 0),
  ('prefix', '不采纳', 20, 'handler', 'decline_suggestion', '不采纳 建议', 0, 0),
  ('prefix', 'decline', 20, 'handler', 'decline_suggestion', 'decline', 0, 0),
  ('prefix', '停车', 120, 'handler', 'parking', '停车 车牌 位置', 0, 0),
  ('prefix', 'parking', 120, 'handler', 'parking', 'parking', 0, 0),
  ('prefix', '我的车', 20, 'handler', 'my_car', '我的车 车牌', 0, 0),
  ('prefix', 'my car', 20, 'handler', 'my_car', 'my car', 0, 0),
  ('prefix', '确认车牌', 20, 'handler', 'confirm_plate', '确认车牌', 0, 0),
  ('prefix', 'confirm plate', 20, 'handler', 'confirm_plate', 'confirm plate', 0, 0),
  ('prefix', '已挪', 20, 'handler', 'car_moved', '已挪车', 0, 0),
  ('exact', 'moved', 20, 'handler', 'car_moved', 'moved', 0, 0),
  ('prefix', '空位', 20, 'handler', 'free_spot', '空位 位置', 0, 0),
  ('prefix', 'free spot', 20, 'handler', 'free_spot', 'free spot', 0, 0),
  ('exact', '车位', 20, 'handler', 'spots', '车位', 0, 0),
  ('exact', 'spots', 20, 'handler', 'spots', 'spots', 0, 0);
UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'rules_version';
)sql";

// v9: the escalation ladder (grid -> community -> street -> district). A ticket remembers
// since when it sits at its level, who took it there (受理; at grid level the claim of 接单
// counts), whether the overdue reminder went out, and when its reporter last urged (催办). The
// deadlines per category ('*' = every category) and level are editable in the console; a
// level without a row uses the config's [escalation] defaults. Tickets (existing ones, and new
// ones through a trigger, so the ticket store's insert stays as it is) start their level
// clock at creation. The Open311 GeoReport v2 server's consumers hold API keys (stored
// as SHA-256 hashes, revocable), every call is audited (and counted for the rate limit), a
// POST answers a token too; tickets handed to the district's platform remember its id, status
// and notes as last pulled. (The trigger stays on one line: the golden-schema test splits
// statements at ";\n".)
constexpr std::string_view kV9Ladder = R"sql(
ALTER TABLE tickets ADD COLUMN level_since INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN level_claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN level_claimed_at INTEGER;
ALTER TABLE tickets ADD COLUMN reminded_at INTEGER;
ALTER TABLE tickets ADD COLUMN urged_at INTEGER;
UPDATE tickets SET level_since = created_at;
CREATE TRIGGER tickets_level_since AFTER INSERT ON tickets WHEN NEW.level_since = 0 BEGIN UPDATE tickets SET level_since = NEW.created_at WHERE id = NEW.id; END;
CREATE INDEX tickets_level ON tickets(level, status);
CREATE TABLE escalation_deadlines (
  category      TEXT NOT NULL,
  level         TEXT NOT NULL CHECK (level IN ('grid','community','street','district')),
  claim_hours   INTEGER NOT NULL CHECK (claim_hours BETWEEN 1 AND 2160),
  resolve_hours INTEGER NOT NULL CHECK (resolve_hours BETWEEN 1 AND 2160),
  updated_at    INTEGER NOT NULL,
  PRIMARY KEY (category, level)
);
INSERT INTO rules(match_kind, pattern, priority, target_kind, target, note, created_at, updated_at) VALUES
  ('prefix', '升级', 20, 'handler', 'escalate', '升级', 0, 0),
  ('prefix', 'escalate', 20, 'handler', 'escalate', 'escalate', 0, 0),
  ('prefix', '催办', 20, 'handler', 'urge', '催办', 0, 0),
  ('prefix', 'urge', 20, 'handler', 'urge', 'urge', 0, 0),
  ('prefix', '受理', 20, 'handler', 'accept', '受理', 0, 0),
  ('prefix', 'accept', 20, 'handler', 'accept', 'accept', 0, 0),
  ('prefix', '退回', 20, 'handler', 'send_back', '退回', 0, 0),
  ('prefix', 'send back', 20, 'handler', 'send_back', 'send back', 0, 0),
  ('prefix', '办结', 20, 'handler', 'resolve', '办结', 0, 0),
  ('prefix', 'resolve', 20, 'handler', 'resolve', 'resolve', 0, 0);
CREATE TABLE api_keys (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE,
  key_hash     TEXT NOT NULL UNIQUE,
  prefix       TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  revoked_at   INTEGER,
  last_used_at INTEGER
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
CREATE INDEX api_audit_key ON api_audit(key_id, at);
CREATE TABLE open311_tokens (
  token       TEXT PRIMARY KEY,
  ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
  key_id      INTEGER NOT NULL REFERENCES api_keys(id),
  created_at  INTEGER NOT NULL
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
UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'rules_version';
)sql";

// v10: public-good circles (S6). A circle gets its convention text (shown when joining), a join
// mode (open to whoever has the invite code or QR, or approval by a manager for real-name
// circles) and a unique invite code; a member row keeps the name the person gave. Circle join
// requests, numbered notices with one receipt row per recipient, recruitments with a quota and
// their signups (signed or waiting, in arrival order), and the chat commands' keyword rules.
constexpr std::string_view kV10Circles = R"sql(
ALTER TABLE circles ADD COLUMN convention TEXT NOT NULL DEFAULT '';
ALTER TABLE circles ADD COLUMN join_mode TEXT NOT NULL DEFAULT 'open'
  CHECK (join_mode IN ('open','approval'));
ALTER TABLE circles ADD COLUMN invite_code TEXT;
CREATE UNIQUE INDEX circles_invite ON circles(invite_code) WHERE invite_code IS NOT NULL;
CREATE INDEX circles_name ON circles(name);
ALTER TABLE circle_members ADD COLUMN name TEXT NOT NULL DEFAULT '';
CREATE INDEX circle_members_openid ON circle_members(openid, role);
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
CREATE INDEX circle_join_requests_circle ON circle_join_requests(circle_id, status);
CREATE INDEX circle_join_requests_openid ON circle_join_requests(openid, status);
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
CREATE INDEX notices_community ON notices(community_id, created_at);
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
CREATE INDEX notice_recipients_openid ON notice_recipients(openid, notice_id);
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
CREATE INDEX recruitments_community ON recruitments(community_id, created_at);
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
CREATE UNIQUE INDEX recruitment_signups_one ON recruitment_signups(recruitment_id, openid);
CREATE INDEX recruitment_signups_status ON recruitment_signups(recruitment_id, status, id);
INSERT INTO rules(match_kind, pattern, priority, target_kind, target, note, created_at, updated_at) VALUES
  ('prefix', '建圈', 20, 'handler', 'create_circle', '建圈', 0, 0),
  ('prefix', '加入圈子', 20, 'handler', 'join_circle', '加入圈子', 0, 0),
  ('exact', '我的圈子', 20, 'handler', 'my_circles', '我的圈子', 0, 0),
  ('prefix', '退出圈子', 20, 'handler', 'leave_circle', '退出圈子', 0, 0),
  ('prefix', '圈子成员', 20, 'handler', 'circle_members', '圈子成员', 0, 0),
  ('prefix', '入圈通过', 20, 'handler', 'circle_approve', '入圈通过', 0, 0),
  ('prefix', '入圈拒绝', 20, 'handler', 'circle_reject', '入圈拒绝', 0, 0),
  ('prefix', '通知', 20, 'handler', 'notice', '通知', 0, 0),
  ('prefix', 'notice', 20, 'handler', 'notice', 'notice', 0, 0),
  ('prefix', '收到', 20, 'handler', 'receipt', '收到', 0, 0),
  ('prefix', '通知情况', 15, 'handler', 'notice_status', '通知情况', 0, 0),
  ('prefix', '提醒', 20, 'handler', 'notice_remind', '提醒', 0, 0),
  ('prefix', '撤回', 20, 'handler', 'notice_withdraw', '撤回', 0, 0),
  ('prefix', '招募', 20, 'handler', 'recruit', '招募', 0, 0),
  ('prefix', '报名', 20, 'handler', 'signup', '报名', 0, 0),
  ('prefix', '取消报名', 15, 'handler', 'cancel_signup', '取消报名', 0, 0),
  ('prefix', '报名情况', 15, 'handler', 'signups', '报名情况', 0, 0),
  ('prefix', '结束招募', 15, 'handler', 'close_recruit', '结束招募', 0, 0);
UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'rules_version';
)sql";

// v11: more ways people say something is broken. 水管漏了, 门锁坏啦, 墙上渗水 were not
// understood (the reply asked them to try 报修); each phrase is precise enough that it means a
// repair wherever it occurs (not 打不开 or 没电了: a link, a phone; not 堵住: a car blocking a
// gate is a parking report). And ways to offer help:
// 报名志愿者 went to 报名 N (a recruitment's number), so it ranks before 报名. 停车 moves
// before the repair phrases (停车 浙C12345 堵了消防通道 was a repair ticket): without a plate
// it yields to the next rule (the parking row's `takes`), so 停车费多少 still reaches the
// office's own rule.
constexpr std::string_view kV11MorePhrases = R"sql(
INSERT INTO rules(match_kind, pattern, priority, target_kind, target, note, created_at, updated_at) VALUES
  ('contains', '漏了', 40, 'handler', 'repair', '…漏了', 0, 0),
  ('contains', '漏啦', 40, 'handler', 'repair', '…漏啦', 0, 0),
  ('contains', '坏啦', 40, 'handler', 'repair', '…坏啦', 0, 0),
  ('contains', '堵啦', 40, 'handler', 'repair', '…堵啦', 0, 0),
  ('contains', '渗水', 40, 'handler', 'repair', '…渗水', 0, 0),
  ('contains', '滴水', 40, 'handler', 'repair', '…一直滴水', 0, 0),
  ('contains', '失灵', 40, 'handler', 'repair', '…失灵了', 0, 0),
  ('contains', '不好使', 40, 'handler', 'repair', '…不好使', 0, 0),
  ('contains', '修一下', 40, 'handler', 'repair', '麻烦修一下…', 0, 0),
  ('prefix', '报名志愿者', 15, 'handler', 'volunteer', '报名志愿者', 0, 0),
  ('prefix', '报名当志愿者', 15, 'handler', 'volunteer', '报名当志愿者', 0, 0),
  ('prefix', '申请志愿者', 15, 'handler', 'volunteer', '申请志愿者', 0, 0),
  ('prefix', '申请当志愿者', 15, 'handler', 'volunteer', '申请当志愿者', 0, 0),
  ('prefix', '我想当志愿者', 20, 'handler', 'volunteer', '我想当志愿者', 0, 0),
  ('prefix', '我要做志愿者', 20, 'handler', 'volunteer', '我要做志愿者', 0, 0),
  ('prefix', '我想做志愿者', 20, 'handler', 'volunteer', '我想做志愿者', 0, 0);
UPDATE rules SET priority = 35
 WHERE target_kind = 'handler' AND target = 'parking' AND match_kind = 'prefix'
   AND pattern IN ('停车', 'parking') AND priority = 120;
UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'rules_version';
)sql";

// v12: elderly-care relays (S7). An elderly_care circle holds elders (by the 称呼 people call
// them, optionally a resident's openid), each with family members (joined by invite, approved
// through the circle's join requests) and assigned volunteers. A relay is recorded first
// ('pending') and delivered in a second step ('sent'); moderation may hold or reject it in
// between. A photo after 关爱 is a relay of its own, pointing at the 关爱 it follows. Thanks
// are one row per family member and relay.
constexpr std::string_view kV12Care = R"sql(
CREATE TABLE care_elders (
  id              INTEGER PRIMARY KEY,
  circle_id       INTEGER NOT NULL REFERENCES circles(id),
  name            TEXT NOT NULL,
  resident_openid TEXT,
  added_by        TEXT NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX care_elders_name ON care_elders(circle_id, name);
CREATE TABLE care_links (
  elder_id    INTEGER NOT NULL REFERENCES care_elders(id),
  openid      TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('family','volunteer')),
  added_by    TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (elder_id, openid, role)
);
CREATE INDEX care_links_openid ON care_links(openid, role);
CREATE TABLE care_requests (
  request_id  INTEGER PRIMARY KEY REFERENCES circle_join_requests(id),
  elder_id    INTEGER NOT NULL REFERENCES care_elders(id)
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
CREATE INDEX care_relays_volunteer ON care_relays(volunteer, created_at);
CREATE INDEX care_relays_elder ON care_relays(elder_id, created_at);
CREATE TABLE care_relay_recipients (
  relay_id    INTEGER NOT NULL REFERENCES care_relays(id),
  openid      TEXT NOT NULL,
  thanked_at  INTEGER,
  PRIMARY KEY (relay_id, openid)
);
CREATE INDEX care_relay_recipients_openid ON care_relay_recipients(openid, relay_id);
INSERT INTO rules(match_kind, pattern, priority, target_kind, target, note, created_at, updated_at) VALUES
  ('prefix', '添加老人', 20, 'handler', 'care_add_elder', '添加老人', 0, 0),
  ('prefix', '指派志愿者', 20, 'handler', 'care_assign', '指派志愿者', 0, 0),
  ('prefix', '关爱', 20, 'handler', 'care_relay', '关爱', 0, 0),
  ('prefix', '谢谢', 20, 'handler', 'care_thanks', '谢谢', 0, 0),
  ('prefix', '感谢', 20, 'handler', 'care_thanks', '感谢', 0, 0);
UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'rules_version';
)sql";

// v13: moderation under the circle convention (S10). The convention's prohibited kinds are
// categories with keywords and RE2 patterns (one per line, edited in the console; every edit
// bumps meta.moderation_version so the compiled set is rebuilt). A relay that matches is a
// held item (kind + the payload its delivery needs) until a manager releases or rejects it;
// a rejection is a strike of the sender in that circle (circle_id 0: no circle, the
// community's); strikes lead to a mute, then to a removal proposal the grid worker confirms.
// Appeals name a held item (or the latest act against the person) and reach the staff.
constexpr std::string_view kV13Moderation = R"sql(
CREATE TABLE moderation_categories (
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE,
  title       TEXT NOT NULL,
  keywords    TEXT NOT NULL DEFAULT '',
  patterns    TEXT NOT NULL DEFAULT '',
  enabled     INTEGER NOT NULL DEFAULT 1,
  updated_at  INTEGER NOT NULL
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
CREATE INDEX held_items_status ON held_items(status, community_id, id);
CREATE INDEX held_items_sender ON held_items(sender, id);
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
CREATE INDEX moderation_strikes_person ON moderation_strikes(openid, circle_id, status);
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
CREATE INDEX circle_removals_person ON circle_removals(openid, id);
CREATE UNIQUE INDEX circle_removals_open ON circle_removals(circle_id, openid)
  WHERE status = 'proposed';
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
CREATE INDEX moderation_appeals_status ON moderation_appeals(status, community_id, id);
INSERT INTO meta(key, value) VALUES ('moderation_version', '1');
INSERT INTO moderation_categories(code, title, keywords, patterns, updated_at) VALUES
  ('advertising', '广告', '加我微信
加微信咨询
扫码进群
代理招募
免费领取', '(加|\+)\s*(v|vx|wx|微信|薇信|威信)\s*[:：]?\s*[a-z][a-z0-9_-]{5,19}', 0),
  ('rumour', '谣言', '转发保平安
不转不是中国人
紧急扩散
速看马上删
内部消息称', '', 0),
  ('politics', '政治敏感', '颠覆政权
反动言论
法轮功
游行示威', '', 0),
  ('fraud', '诈骗', '刷单返利
安全账户
验证码发给我
先交保证金
中奖了请
高额回报', '', 0),
  ('vulgarity', '低俗', '约炮
裸聊
黄色视频
色情网站', '', 0),
  ('gambling', '赌博', '六合彩
网上赌场
百家乐
时时彩
赌博网站', '', 0),
  ('personal_attack', '人身攻击', '傻逼
王八蛋
你去死
脑残
滚出去', '', 0),
  ('privacy_leak', '泄露隐私', '身份证号是
银行卡号是
银行卡密码', '(^|[^0-9])[1-9][0-9]{16}[0-9x]($|[^0-9])', 0),
  ('commercial', '商业推销', '招商加盟
微商代理
保健品特价
理财产品推荐
低价出售', '', 0),
  ('unsafe_link', '不安全链接', '点击链接领取', '(^|[^a-z0-9])(t\.cn|bit\.ly|dwz\.cn|url\.cn|suo\.im|tinyurl\.com)/
\.apk($|[^a-z0-9])', 0);
INSERT INTO rules(match_kind, pattern, priority, target_kind, target, note, created_at, updated_at) VALUES
  ('prefix', '放行', 20, 'handler', 'release', '放行', 0, 0),
  ('prefix', 'release', 20, 'handler', 'release', 'release', 0, 0),
  ('prefix', '驳回', 20, 'handler', 'reject_held', '驳回', 0, 0),
  ('prefix', '踢出', 20, 'handler', 'remove_member', '踢出', 0, 0),
  ('prefix', '确认踢出', 15, 'handler', 'confirm_removal', '确认踢出', 0, 0),
  ('prefix', '申诉', 20, 'handler', 'appeal', '申诉', 0, 0);
UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'rules_version';
)sql";

// v14: 'people_version' moves with every change to what a sender's roles and community are read
// from, so the pipeline can keep each sender's roles in memory between changes (5-6 statements
// per delivery become one). Triggers, so a change from any process or path (the console, the
// CLI, a migration, gebi forget) moves it.
constexpr std::string_view kV14PeopleVersion = R"sql(
INSERT INTO meta(key, value) VALUES ('people_version', '1');
CREATE TRIGGER residents_people_insert AFTER INSERT ON residents BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER residents_people_update AFTER UPDATE ON residents BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER residents_people_delete AFTER DELETE ON residents BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER volunteers_people_insert AFTER INSERT ON volunteers BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER volunteers_people_update AFTER UPDATE ON volunteers BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER volunteers_people_delete AFTER DELETE ON volunteers BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER role_grants_people_insert AFTER INSERT ON role_grants BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER role_grants_people_update AFTER UPDATE ON role_grants BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER role_grants_people_delete AFTER DELETE ON role_grants BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER circle_members_people_insert AFTER INSERT ON circle_members BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER circle_members_people_update AFTER UPDATE ON circle_members BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER circle_members_people_delete AFTER DELETE ON circle_members BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER circles_people_insert AFTER INSERT ON circles BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER circles_people_update AFTER UPDATE ON circles BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER circles_people_delete AFTER DELETE ON circles BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER care_links_people_insert AFTER INSERT ON care_links BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER care_links_people_update AFTER UPDATE ON care_links BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER care_links_people_delete AFTER DELETE ON care_links BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER org_units_people_insert AFTER INSERT ON org_units BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER org_units_people_update AFTER UPDATE ON org_units BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
CREATE TRIGGER org_units_people_delete AFTER DELETE ON org_units BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'people_version';
END;
)sql";

// v15: the per-sender limits, counted in the writer's transaction, are counted from indexes
// alone. A sender's messages of the last minute (every delivery): with msg_type in the
// index, no row of the ledger is read; before, each counted message cost a seek into the
// table. A reporter's open tickets (every 报修): with status in the index, likewise.
constexpr std::string_view kV15CountFromIndex = R"sql(
DROP INDEX inbound_ledger_openid;
CREATE INDEX inbound_ledger_openid ON inbound_ledger(openid, created_at, msg_type);
DROP INDEX tickets_reporter;
CREATE INDEX tickets_reporter ON tickets(reporter, created_at, status);
)sql";

const std::vector<Migration> kMigrations = {
    {1, "core", kV1Core},
    {2, "grid", kV2Grid},
    {3, "push", kV3Push},
    {4, "admin", kAdmin},
    {5, "must_change", kV5MustChange},
    {6, "vetting", kV6Vetting},
    {7, "phrases", kV7Phrases},
    {8, "reports", kV8Reports},
    {9, "ladder", kV9Ladder},
    {10, "circles", kV10Circles},
    {11, "more repair phrases", kV11MorePhrases},
    {12, "care", kV12Care},
    {13, "moderation", kV13Moderation},
    {14, "people version", kV14PeopleVersion},
    {15, "counts from indexes", kV15CountFromIndex},
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
    GEBI_ASSIGN_OR_RETURN(
        auto statements,
        tx.QueryRows<std::string>("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL "
                                  "AND name NOT LIKE 'sqlite_%' ORDER BY type, name",
                                  [](const Stmt& st) { return st.Text(0); }));
    for (const std::string& sql : statements) {
      out += sql;
      out += ";\n";
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace gebi::storage
