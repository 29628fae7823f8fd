#include "storage/moderation_store.h"

namespace gebi::storage {

namespace {

constexpr std::string_view kListCategories =
    "SELECT id, code, title, keywords, patterns, enabled, updated_at FROM moderation_categories "
    "ORDER BY id";
constexpr std::string_view kGetCategory =
    "SELECT id, code, title, keywords, patterns, enabled, updated_at FROM moderation_categories "
    "WHERE id = ?1";
constexpr std::string_view kUpdateCategory =
    "UPDATE moderation_categories SET title = ?2, keywords = ?3, patterns = ?4, enabled = ?5, "
    "updated_at = ?6 WHERE id = ?1";
constexpr std::string_view kBumpVersion =
    "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'moderation_version'";
constexpr std::string_view kSelectVersion =
    "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'moderation_version'";

#define GEBI_HELD_COLUMNS                                                           \
  "SELECT id, kind, sender, circle_id, community_id, rule, text, payload, status, " \
  "decided_by, created_at, decided_at FROM held_items "
constexpr std::string_view kInsertHeld =
    "INSERT INTO held_items(kind, sender, circle_id, community_id, rule, text, payload, "
    "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
constexpr std::string_view kGetHeld = GEBI_HELD_COLUMNS "WHERE id = ?1";
constexpr std::string_view kDecideHeld =
    "UPDATE held_items SET status = ?2, decided_by = ?3, decided_at = ?4 "
    "WHERE id = ?1 AND status = 'held'";
constexpr std::string_view kListHeld = GEBI_HELD_COLUMNS
    "WHERE (?1 IS NULL OR community_id = ?1) AND (?2 = '' OR status = ?2) "
    "ORDER BY id DESC LIMIT ?3";
constexpr std::string_view kLatestHeldOf = GEBI_HELD_COLUMNS
    "WHERE sender = ?1 AND status IN ('held','rejected') ORDER BY id DESC LIMIT 1";
#undef GEBI_HELD_COLUMNS
constexpr std::string_view kRelayWithheld =
    "SELECT COUNT(*) FROM held_items WHERE kind = ?1 AND status IN ('held','rejected') "
    "AND json_extract(payload, '$.id') = ?2";

#define GEBI_STRIKE_COLUMNS                                                          \
  "SELECT id, openid, circle_id, community_id, held_id, rule, status, muted_until, " \
  "lifted_by, created_at FROM moderation_strikes "
constexpr std::string_view kInsertStrike =
    "INSERT INTO moderation_strikes(openid, circle_id, community_id, held_id, rule, muted_until, "
    "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr std::string_view kGetStrike = GEBI_STRIKE_COLUMNS "WHERE id = ?1";
constexpr std::string_view kActiveStrikes =
    "SELECT COUNT(*) FROM moderation_strikes WHERE openid = ?1 AND circle_id = ?2 "
    "AND status = 'active'";
constexpr std::string_view kMutedUntil =
    "SELECT MAX(muted_until) FROM moderation_strikes WHERE openid = ?1 AND circle_id = ?2 "
    "AND status = 'active' AND muted_until > ?3";
constexpr std::string_view kLiftStrike =
    "UPDATE moderation_strikes SET status = 'lifted', lifted_by = ?2, lifted_at = ?3 "
    "WHERE id = ?1 AND status = 'active'";
constexpr std::string_view kListStrikes =
    GEBI_STRIKE_COLUMNS "WHERE (?1 IS NULL OR community_id = ?1) ORDER BY id DESC LIMIT ?2";
#undef GEBI_STRIKE_COLUMNS

#define GEBI_REMOVAL_COLUMNS                                                  \
  "SELECT id, circle_id, community_id, openid, reason, proposed_by, status, " \
  "confirmed_by, created_at, name FROM circle_removals "
constexpr std::string_view kInsertRemoval =
    "INSERT INTO circle_removals(circle_id, community_id, openid, reason, proposed_by, "
    "created_at, name) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr std::string_view kGetRemoval = GEBI_REMOVAL_COLUMNS "WHERE id = ?1";
constexpr std::string_view kConfirmRemoval =
    "UPDATE circle_removals SET status = 'confirmed', confirmed_by = ?2, decided_at = ?3 "
    "WHERE id = ?1 AND status = 'proposed'";
constexpr std::string_view kListRemovals =
    GEBI_REMOVAL_COLUMNS "WHERE (?1 IS NULL OR community_id = ?1) ORDER BY id DESC LIMIT ?2";
constexpr std::string_view kLatestRemovalOf =
    GEBI_REMOVAL_COLUMNS "WHERE openid = ?1 ORDER BY id DESC LIMIT 1";
#undef GEBI_REMOVAL_COLUMNS

#define GEBI_APPEAL_COLUMNS                                                           \
  "SELECT id, openid, held_id, removal_id, community_id, reason, status, created_at " \
  "FROM moderation_appeals "
constexpr std::string_view kInsertAppeal =
    "INSERT INTO moderation_appeals(openid, held_id, removal_id, community_id, reason, "
    "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr std::string_view kHasOpenAppeal =
    "SELECT COUNT(*) FROM moderation_appeals WHERE openid = ?1 AND status = 'open' "
    "AND held_id IS ?2 AND removal_id IS ?3";
constexpr std::string_view kCloseAppeal =
    "UPDATE moderation_appeals SET status = 'closed' WHERE id = ?1 AND status = 'open'";
constexpr std::string_view kGetAppeal = GEBI_APPEAL_COLUMNS "WHERE id = ?1";
constexpr std::string_view kListAppeals =
    GEBI_APPEAL_COLUMNS "WHERE (?1 IS NULL OR community_id = ?1) ORDER BY id DESC LIMIT ?2";
#undef GEBI_APPEAL_COLUMNS

constexpr std::string_view kCircleManagers =
    "SELECT openid FROM circle_members WHERE circle_id = ?1 AND role IN ('owner','manager') "
    "ORDER BY openid";
constexpr std::string_view kCircleJoinedAt =
    "SELECT joined_at FROM circle_members WHERE circle_id = ?1 AND openid = ?2";
constexpr std::string_view kCircleMembersNamed =
    "SELECT m.openid FROM circle_members m LEFT JOIN residents r ON r.openid = m.openid "
    "WHERE m.circle_id = ?1 AND (m.name = ?2 OR r.name = ?2) ORDER BY m.openid LIMIT 10";

std::string ReadOpenid(const Stmt& st) { return st.Text(0); }

std::optional<int64_t> OptInt(const Stmt& st, int col) {
  if (st.IsNull(col)) return std::nullopt;
  return st.Int(col);
}

ModerationCategory ReadCategory(const Stmt& st) {
  ModerationCategory c;
  c.id = st.Int(0);
  c.code = st.Text(1);
  c.title = st.Text(2);
  c.keywords = st.Text(3);
  c.patterns = st.Text(4);
  c.enabled = st.Int(5) != 0;
  c.updated_at = st.Int(6);
  return c;
}

HeldItem ReadHeld(const Stmt& st) {
  HeldItem h;
  h.id = st.Int(0);
  h.kind = st.Text(1);
  h.sender = st.Text(2);
  h.circle_id = st.Int(3);
  h.community_id = OptInt(st, 4);
  h.rule = st.Text(5);
  h.text = st.Text(6);
  h.payload = st.Text(7);
  h.status = st.Text(8);
  h.decided_by = st.Text(9);
  h.created_at = st.Int(10);
  h.decided_at = OptInt(st, 11);
  return h;
}

Strike ReadStrike(const Stmt& st) {
  Strike s;
  s.id = st.Int(0);
  s.openid = st.Text(1);
  s.circle_id = st.Int(2);
  s.community_id = OptInt(st, 3);
  s.held_id = OptInt(st, 4);
  s.rule = st.Text(5);
  s.status = st.Text(6);
  s.muted_until = OptInt(st, 7);
  s.lifted_by = st.Text(8);
  s.created_at = st.Int(9);
  return s;
}

Removal ReadRemoval(const Stmt& st) {
  Removal r;
  r.id = st.Int(0);
  r.circle_id = st.Int(1);
  r.community_id = OptInt(st, 2);
  r.openid = st.Text(3);
  r.reason = st.Text(4);
  r.proposed_by = st.Text(5);
  r.status = st.Text(6);
  r.confirmed_by = st.Text(7);
  r.created_at = st.Int(8);
  r.name = st.Text(9);
  return r;
}

Appeal ReadAppeal(const Stmt& st) {
  Appeal a;
  a.id = st.Int(0);
  a.openid = st.Text(1);
  a.held_id = OptInt(st, 2);
  a.removal_id = OptInt(st, 3);
  a.community_id = OptInt(st, 4);
  a.reason = st.Text(5);
  a.status = st.Text(6);
  a.created_at = st.Int(7);
  return a;
}

}  // namespace

Result<std::vector<ModerationCategory>> ListModerationCategories(Tx& tx) {
  return tx.QueryRows<ModerationCategory>(kListCategories, ReadCategory);
}

Result<std::optional<ModerationCategory>> GetModerationCategory(Tx& tx, int64_t id) {
  return tx.QueryFirstRow<ModerationCategory>(kGetCategory, ReadCategory, id);
}

Result<bool> UpdateModerationCategory(Tx& tx, const ModerationCategory& c, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kUpdateCategory, c.id, c.title, c.keywords, c.patterns,
                              static_cast<int64_t>(c.enabled), now));
  if (tx.Changes() == 0) return false;
  GEBI_RETURN_IF_ERROR(tx.Run(kBumpVersion));
  return true;
}

Result<int64_t> ModerationVersion(Tx& tx) {
  GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryInt(kSelectVersion));
  return v.value_or(0);
}

Result<int64_t> InsertHeldItem(Tx& tx, const HeldItem& h, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kInsertHeld, h.kind, h.sender, h.circle_id, h.community_id, h.rule,
                              h.text, h.payload, now));
  return tx.LastInsertId();
}

Result<std::optional<HeldItem>> GetHeldItem(Tx& tx, int64_t id) {
  return tx.QueryFirstRow<HeldItem>(kGetHeld, ReadHeld, id);
}

Result<bool> DecideHeldItem(Tx& tx, int64_t id, std::string_view status, const std::string& by,
                            int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kDecideHeld, id, std::string(status), by, now));
  return tx.Changes() > 0;
}

Result<std::vector<HeldItem>> ListHeldItems(Tx& tx, std::optional<int64_t> community,
                                            std::string_view status, int limit) {
  return tx.QueryRows<HeldItem>(kListHeld, ReadHeld, community, std::string(status),
                                int64_t{limit});
}

Result<bool> RelayWithheld(Tx& tx, std::string_view kind, int64_t id) {
  GEBI_ASSIGN_OR_RETURN(auto n, tx.QueryInt(kRelayWithheld, std::string(kind), id));
  return n.value_or(0) > 0;
}

Result<std::optional<HeldItem>> LatestHeldOf(Tx& tx, const std::string& sender) {
  return tx.QueryFirstRow<HeldItem>(kLatestHeldOf, ReadHeld, sender);
}

Result<int64_t> InsertStrike(Tx& tx, const Strike& s, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kInsertStrike, s.openid, s.circle_id, s.community_id, s.held_id,
                              s.rule, s.muted_until, now));
  return tx.LastInsertId();
}

Result<std::optional<Strike>> GetStrike(Tx& tx, int64_t id) {
  return tx.QueryFirstRow<Strike>(kGetStrike, ReadStrike, id);
}

Result<int64_t> ActiveStrikes(Tx& tx, const std::string& openid, int64_t circle_id) {
  GEBI_ASSIGN_OR_RETURN(auto n, tx.QueryInt(kActiveStrikes, openid, circle_id));
  return n.value_or(0);
}

Result<std::optional<int64_t>> MutedUntil(Tx& tx, const std::string& openid, int64_t circle_id,
                                          int64_t now) {
  return tx.QueryInt(kMutedUntil, openid, circle_id, now);
}

Result<bool> LiftStrike(Tx& tx, int64_t id, const std::string& by, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kLiftStrike, id, by, now));
  return tx.Changes() > 0;
}

Result<std::vector<Strike>> ListStrikes(Tx& tx, std::optional<int64_t> community, int limit) {
  return tx.QueryRows<Strike>(kListStrikes, ReadStrike, community, int64_t{limit});
}

Result<int64_t> InsertRemoval(Tx& tx, const Removal& r, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kInsertRemoval, r.circle_id, r.community_id, r.openid, r.reason,
                              r.proposed_by, now, r.name));
  return tx.LastInsertId();
}

Result<std::optional<Removal>> GetRemoval(Tx& tx, int64_t id) {
  return tx.QueryFirstRow<Removal>(kGetRemoval, ReadRemoval, id);
}

Result<bool> ConfirmRemoval(Tx& tx, int64_t id, const std::string& by, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kConfirmRemoval, id, by, now));
  return tx.Changes() > 0;
}

Result<std::vector<Removal>> ListRemovals(Tx& tx, std::optional<int64_t> community, int limit) {
  return tx.QueryRows<Removal>(kListRemovals, ReadRemoval, community, int64_t{limit});
}

Result<std::optional<Removal>> LatestRemovalOf(Tx& tx, const std::string& openid) {
  return tx.QueryFirstRow<Removal>(kLatestRemovalOf, ReadRemoval, openid);
}

Result<int64_t> InsertAppeal(Tx& tx, const Appeal& a, int64_t now) {
  GEBI_RETURN_IF_ERROR(
      tx.Run(kInsertAppeal, a.openid, a.held_id, a.removal_id, a.community_id, a.reason, now));
  return tx.LastInsertId();
}

Result<bool> HasOpenAppeal(Tx& tx, const std::string& openid, std::optional<int64_t> held_id,
                           std::optional<int64_t> removal_id) {
  GEBI_ASSIGN_OR_RETURN(auto n, tx.QueryInt(kHasOpenAppeal, openid, held_id, removal_id));
  return n.value_or(0) > 0;
}

Result<bool> CloseAppeal(Tx& tx, int64_t id) {
  GEBI_RETURN_IF_ERROR(tx.Run(kCloseAppeal, id));
  return tx.Changes() > 0;
}

Result<std::optional<Appeal>> GetAppeal(Tx& tx, int64_t id) {
  return tx.QueryFirstRow<Appeal>(kGetAppeal, ReadAppeal, id);
}

Result<std::vector<Appeal>> ListAppeals(Tx& tx, std::optional<int64_t> community, int limit) {
  return tx.QueryRows<Appeal>(kListAppeals, ReadAppeal, community, int64_t{limit});
}

Result<std::vector<std::string>> CircleManagers(Tx& tx, int64_t circle_id) {
  return tx.QueryRows<std::string>(kCircleManagers, ReadOpenid, circle_id);
}

Result<std::optional<int64_t>> CircleJoinedAt(Tx& tx, int64_t circle_id,
                                              const std::string& openid) {
  return tx.QueryInt(kCircleJoinedAt, circle_id, openid);
}

Result<std::vector<std::string>> CircleMembersNamed(Tx& tx, int64_t circle_id,
                                                    const std::string& name) {
  return tx.QueryRows<std::string>(kCircleMembersNamed, ReadOpenid, circle_id, name);
}

}  // namespace gebi::storage
