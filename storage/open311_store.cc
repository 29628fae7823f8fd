#include "storage/open311_store.h"

#include <nlohmann/json.hpp>

namespace gebi::storage {

namespace {

constexpr std::string_view kInsertKey =
    "INSERT INTO api_keys(name, key_hash, prefix, created_at) VALUES (?1, ?2, ?3, ?4)";
constexpr std::string_view kKeyTaken = "SELECT 1 FROM api_keys WHERE name = ?1 OR key_hash = ?2";
#define GEBI_KEY_COLUMNS \
  "SELECT id, name, key_hash, prefix, created_at, revoked_at, last_used_at FROM api_keys "
constexpr std::string_view kListKeys = GEBI_KEY_COLUMNS "ORDER BY name";
constexpr std::string_view kKeyByHash = GEBI_KEY_COLUMNS "WHERE key_hash = ?1";
#undef GEBI_KEY_COLUMNS
constexpr std::string_view kRevokeKey =
    "UPDATE api_keys SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL";
constexpr std::string_view kTouchKey = "UPDATE api_keys SET last_used_at = ?2 WHERE id = ?1";

constexpr std::string_view kInsertAudit =
    "INSERT INTO api_audit(key_id, at, method, path, status, peer) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr std::string_view kCallsSince =
    "SELECT COUNT(*) FROM api_audit WHERE key_id = ?1 AND at >= ?2";
constexpr std::string_view kRefusedSince =
    "SELECT COUNT(*) FROM api_audit WHERE key_id IS NULL AND at >= ?1";
constexpr std::string_view kAuditSince =
    "SELECT COALESCE(k.name, ''), COUNT(*), SUM(a.status >= 400) FROM api_audit a "
    "LEFT JOIN api_keys k ON k.id = a.key_id WHERE a.at >= ?1 GROUP BY 1 ORDER BY 1";

constexpr std::string_view kInsertToken =
    "INSERT INTO open311_tokens(token, ticket_id, key_id, created_at) VALUES (?1, ?2, ?3, ?4)";
constexpr std::string_view kTicketOfToken = "SELECT ticket_id FROM open311_tokens WHERE token = ?1";

// Only columns that may leave: never reporter, claimed_by, done_by or a phone. A resident's
// ticket says the building; a ticket a consumer posted says the address it gave.
constexpr std::string_view kPublicTickets =
    "SELECT t.id, t.category, COALESCE(c.label, t.category), t.description, t.status, t.level, "
    "t.done_note, t.created_at, t.updated_at, t.level_since, t.level_claimed_at, t.claimed_at, "
    "t.done_at, COALESCE(g.code, ''), COALESCE(g.name, ''), COALESCE(cm.name, ''), "
    "CASE WHEN t.reporter LIKE 'open311:%' THEN COALESCE((SELECT m.label FROM ticket_media m "
    "  WHERE m.ticket_id = t.id AND m.kind = 'location' ORDER BY m.id LIMIT 1), '') "
    "  ELSE COALESCE(r.building, '') END, t.grid_id, t.community_id "
    "FROM tickets t "
    "LEFT JOIN repair_categories c ON c.name = t.category "
    "LEFT JOIN org_units g ON g.id = t.grid_id "
    "LEFT JOIN org_units cm ON cm.id = t.community_id "
    "LEFT JOIN residents r ON r.openid = t.reporter "
    "WHERE (?1 = '[]' OR t.id IN (SELECT value FROM json_each(?1))) "
    "AND (?2 = '[]' OR t.category IN (SELECT value FROM json_each(?2))) "
    "AND (?3 IS NULL OR t.created_at >= ?3) AND (?4 IS NULL OR t.created_at <= ?4) "
    "AND (?5 = '' OR (?5 = 'open' AND t.status IN ('open','claimed','reopened')) "
    "  OR (?5 = 'closed' AND t.status IN ('done','closed','cancelled'))) "
    "ORDER BY t.id DESC LIMIT ?6";

constexpr std::string_view kStartHandoff =
    "INSERT INTO district_handoffs(ticket_id, created_at) VALUES (?1, ?2) "
    "ON CONFLICT(ticket_id) DO NOTHING";
#define GEBI_HANDOFF_COLUMNS                                                                  \
  "SELECT ticket_id, remote_id, remote_status, remote_notes, created_at, sent_at, pulled_at " \
  "FROM district_handoffs "
constexpr std::string_view kGetHandoff = GEBI_HANDOFF_COLUMNS "WHERE ticket_id = ?1";
constexpr std::string_view kHandoffsToPull = GEBI_HANDOFF_COLUMNS
    "WHERE remote_id <> '' AND remote_status <> 'closed' "
    "ORDER BY COALESCE(pulled_at, 0), ticket_id LIMIT ?1";
#undef GEBI_HANDOFF_COLUMNS
constexpr std::string_view kHandoffSent =
    "UPDATE district_handoffs SET remote_id = ?2, sent_at = ?3 WHERE ticket_id = ?1";
constexpr std::string_view kHandoffPull =
    "UPDATE district_handoffs SET remote_status = ?2, remote_notes = ?3, pulled_at = ?4 "
    "WHERE ticket_id = ?1";

ApiKey ReadKey(const Stmt& st) {
  ApiKey k;
  k.id = st.Int(0);
  k.name = st.Text(1);
  k.key_hash = st.Text(2);
  k.prefix = st.Text(3);
  k.created_at = st.Int(4);
  if (!st.IsNull(5)) k.revoked_at = st.Int(5);
  if (!st.IsNull(6)) k.last_used_at = st.Int(6);
  return k;
}

Handoff ReadHandoff(const Stmt& st) {
  Handoff h;
  h.ticket_id = st.Int(0);
  h.remote_id = st.Text(1);
  h.remote_status = st.Text(2);
  h.remote_notes = st.Text(3);
  h.created_at = st.Int(4);
  if (!st.IsNull(5)) h.sent_at = st.Int(5);
  if (!st.IsNull(6)) h.pulled_at = st.Int(6);
  return h;
}

}  // namespace

Result<int64_t> AddApiKey(Tx& tx, const ApiKey& k, int64_t now) {
  GEBI_ASSIGN_OR_RETURN(auto taken, tx.QueryInt(kKeyTaken, k.name, k.key_hash));
  if (taken) return Status::AlreadyExists("an API key named " + k.name + " exists");
  GEBI_RETURN_IF_ERROR(tx.Run(kInsertKey, k.name, k.key_hash, k.prefix, now));
  return tx.LastInsertId();
}

Result<std::vector<ApiKey>> ListApiKeys(Tx& tx) { return tx.QueryRows<ApiKey>(kListKeys, ReadKey); }

Result<bool> RevokeApiKey(Tx& tx, std::string_view name, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kRevokeKey, std::string(name), now));
  return tx.Changes() > 0;
}

Result<std::optional<ApiKey>> ApiKeyByHash(Tx& tx, std::string_view key_hash) {
  return tx.QueryFirstRow<ApiKey>(kKeyByHash, ReadKey, std::string(key_hash));
}

Status TouchApiKey(Tx& tx, int64_t id, int64_t now) { return tx.Run(kTouchKey, id, now); }

Status AddApiAudit(Tx& tx, std::optional<int64_t> key_id, int64_t now, std::string_view method,
                   std::string_view path, int status, std::string_view peer) {
  return tx.Run(kInsertAudit, key_id, now, std::string(method), std::string(path), int64_t{status},
                std::string(peer));
}

Result<int64_t> CallsSince(Tx& tx, int64_t key_id, int64_t since) {
  GEBI_ASSIGN_OR_RETURN(auto n, tx.QueryInt(kCallsSince, key_id, since));
  return n.value_or(0);
}

Result<int64_t> RefusedCallsSince(Tx& tx, int64_t since) {
  GEBI_ASSIGN_OR_RETURN(auto n, tx.QueryInt(kRefusedSince, since));
  return n.value_or(0);
}

Result<std::vector<AuditCount>> ApiAuditSince(Tx& tx, int64_t since) {
  return tx.QueryRows<AuditCount>(
      kAuditSince,
      [](const Stmt& st) {
        return AuditCount{st.Text(0), st.Int(1), st.Int(2)};
      },
      since);
}

Status PutOpen311Token(Tx& tx, std::string_view token, int64_t ticket_id, int64_t key_id,
                       int64_t now) {
  return tx.Run(kInsertToken, std::string(token), ticket_id, key_id, now);
}

Result<std::optional<int64_t>> TicketOfOpen311Token(Tx& tx, std::string_view token) {
  return tx.QueryInt(kTicketOfToken, std::string(token));
}

Result<std::vector<PublicTicket>> PublicTickets(Tx& tx, const PublicFilter& f) {
  const std::string ids = nlohmann::json(f.ids).dump();
  const std::string categories = nlohmann::json(f.categories).dump();
  auto read = [](const Stmt& st) {
    PublicTicket p;
    p.id = st.Int(0);
    p.category = st.Text(1);
    p.category_label = st.Text(2);
    p.description = st.Text(3);
    p.status = st.Text(4);
    p.level = st.Text(5);
    p.done_note = st.Text(6);
    p.created_at = st.Int(7);
    p.updated_at = st.Int(8);
    p.level_since = st.Int(9);
    if (!st.IsNull(10)) p.level_claimed_at = st.Int(10);
    if (!st.IsNull(11)) p.claimed_at = st.Int(11);
    if (!st.IsNull(12)) p.done_at = st.Int(12);
    p.grid_code = st.Text(13);
    p.grid_name = st.Text(14);
    p.community_name = st.Text(15);
    p.building = st.Text(16);
    p.grid_id = st.Int(17);
    p.community_id = st.Int(18);
    return p;
  };
  return tx.QueryRows<PublicTicket>(kPublicTickets, read, ids, categories, f.start, f.end, f.status,
                                    int64_t{f.limit});
}

Result<bool> StartHandoff(Tx& tx, int64_t ticket_id, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kStartHandoff, ticket_id, now));
  return tx.Changes() > 0;
}

Result<std::optional<Handoff>> GetHandoff(Tx& tx, int64_t ticket_id) {
  return tx.QueryFirstRow<Handoff>(kGetHandoff, ReadHandoff, ticket_id);
}

Status MarkHandoffSent(Tx& tx, int64_t ticket_id, std::string_view remote_id, int64_t now) {
  return tx.Run(kHandoffSent, ticket_id, std::string(remote_id), now);
}

Result<bool> RecordHandoffPull(Tx& tx, int64_t ticket_id, std::string_view status,
                               std::string_view notes, int64_t now) {
  GEBI_ASSIGN_OR_RETURN(auto before, GetHandoff(tx, ticket_id));
  if (!before) return Status::NotFound("no hand-off of ticket " + std::to_string(ticket_id));
  GEBI_RETURN_IF_ERROR(
      tx.Run(kHandoffPull, ticket_id, std::string(status), std::string(notes), now));
  return before->remote_status != status || before->remote_notes != notes;
}

Result<std::vector<Handoff>> HandoffsToPull(Tx& tx, int limit) {
  return tx.QueryRows<Handoff>(kHandoffsToPull, ReadHandoff, int64_t{limit});
}

}  // namespace gebi::storage
