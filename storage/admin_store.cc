#include "storage/admin_store.h"

namespace gebi::storage {

namespace {
constexpr std::string_view kInsertAccount =
    "INSERT INTO admin_accounts(name, password_hash, role, unit_id, disabled, must_change, "
    "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)";
constexpr std::string_view kSelectAccountByName =
    "SELECT id, name, password_hash, role, unit_id, disabled, created_at, updated_at, "
    "last_login_at, must_change FROM admin_accounts WHERE name = ?1";
constexpr std::string_view kSelectAccountById =
    "SELECT id, name, password_hash, role, unit_id, disabled, created_at, updated_at, "
    "last_login_at, must_change FROM admin_accounts WHERE id = ?1";
constexpr std::string_view kSelectAccounts =
    "SELECT id, name, password_hash, role, unit_id, disabled, created_at, updated_at, "
    "last_login_at, must_change FROM admin_accounts ORDER BY name";
constexpr std::string_view kSetPassword =
    "UPDATE admin_accounts SET password_hash = ?2, must_change = ?3, updated_at = ?4 "
    "WHERE id = ?1";
constexpr std::string_view kSetDisabled =
    "UPDATE admin_accounts SET disabled = ?2, updated_at = ?3 WHERE id = ?1";
constexpr std::string_view kTouchLogin =
    "UPDATE admin_accounts SET last_login_at = ?2 WHERE id = ?1";
constexpr std::string_view kDeleteSessionsOf = "DELETE FROM admin_sessions WHERE account_id = ?1";

constexpr std::string_view kInsertSession =
    "INSERT INTO admin_sessions(token_hash, account_id, csrf_token, ip, created_at, last_seen_at, "
    "expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr std::string_view kSelectSession =
    "SELECT token_hash, account_id, csrf_token, ip, created_at, last_seen_at, expires_at "
    "FROM admin_sessions WHERE token_hash = ?1";
constexpr std::string_view kTouchSession =
    "UPDATE admin_sessions SET last_seen_at = ?2, expires_at = ?3 WHERE token_hash = ?1";
constexpr std::string_view kDeleteSession = "DELETE FROM admin_sessions WHERE token_hash = ?1";
constexpr std::string_view kDeleteExpiredSessions =
    "DELETE FROM admin_sessions WHERE expires_at <= ?1";

constexpr std::string_view kInsertFailure =
    "INSERT INTO admin_login_failures(subject, failed_at) VALUES (?1, ?2)";
constexpr std::string_view kDeleteFailure = "DELETE FROM admin_login_failures WHERE rowid = ?1";
constexpr std::string_view kCountFailures =
    "SELECT COUNT(*), COALESCE(MIN(failed_at), 0) FROM admin_login_failures "
    "WHERE subject = ?1 AND failed_at >= ?2";
constexpr std::string_view kClearFailures = "DELETE FROM admin_login_failures WHERE subject = ?1";
constexpr std::string_view kPruneFailures = "DELETE FROM admin_login_failures WHERE failed_at < ?1";

constexpr std::string_view kInsertAudit =
    "INSERT INTO admin_audit(account_id, account_name, community_id, action, object, before, "
    "after, ip, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
constexpr std::string_view kSelectAuditAll =
    "SELECT id, account_id, account_name, community_id, action, object, before, after, ip, "
    "created_at FROM admin_audit ORDER BY id DESC LIMIT ?1";
constexpr std::string_view kSelectAuditOf =
    "SELECT id, account_id, account_name, community_id, action, object, before, after, ip, "
    "created_at FROM admin_audit WHERE community_id = ?2 ORDER BY id DESC LIMIT ?1";

constexpr std::string_view kInsertHistory =
    "INSERT INTO rule_history(rule_id, action, snapshot, account_name, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr std::string_view kSelectHistoryOf =
    "SELECT id, rule_id, action, snapshot, account_name, created_at FROM rule_history "
    "WHERE rule_id = ?1 ORDER BY id DESC";
// The last entry of every rule that no longer exists: its snapshot is the rule as it was.
constexpr std::string_view kSelectDeletedRules =
    "SELECT id, rule_id, action, snapshot, account_name, created_at FROM rule_history h "
    "WHERE action = 'delete' AND rule_id NOT IN (SELECT id FROM rules) "
    "AND id = (SELECT MAX(id) FROM rule_history WHERE rule_id = h.rule_id) "
    "ORDER BY id DESC LIMIT ?1";
constexpr std::string_view kSelectHistoryEntry =
    "SELECT id, rule_id, action, snapshot, account_name, created_at FROM rule_history "
    "WHERE id = ?1";

AdminAccount ReadAdminAccount(const Stmt& st) {
  AdminAccount a;
  a.id = st.Int(0);
  a.name = st.Text(1);
  a.password_hash = st.Text(2);
  a.role = st.Text(3);
  a.unit_id = st.Int(4);
  a.disabled = st.Int(5) != 0;
  a.created_at = st.Int(6);
  a.updated_at = st.Int(7);
  if (!st.IsNull(8)) a.last_login_at = st.Int(8);
  a.must_change = st.Int(9) != 0;
  return a;
}

AuditEntry ReadAuditEntry(const Stmt& st) {
  AuditEntry e;
  e.id = st.Int(0);
  if (!st.IsNull(1)) e.account_id = st.Int(1);
  e.account_name = st.Text(2);
  if (!st.IsNull(3)) e.community_id = st.Int(3);
  e.action = st.Text(4);
  e.object = st.Text(5);
  e.before = st.Text(6);
  e.after = st.Text(7);
  e.ip = st.Text(8);
  e.created_at = st.Int(9);
  return e;
}

RuleHistoryEntry ReadRuleHistoryEntry(const Stmt& st) {
  RuleHistoryEntry h;
  h.id = st.Int(0);
  h.rule_id = st.Int(1);
  h.action = st.Text(2);
  h.snapshot = st.Text(3);
  h.account_name = st.Text(4);
  h.created_at = st.Int(5);
  return h;
}
}  // namespace

Result<int64_t> InsertAdminAccount(Tx& tx, const AdminAccount& a, int64_t now) {
  Status s = tx.Run(kInsertAccount, a.name, a.password_hash, a.role, a.unit_id,
                    static_cast<int64_t>(a.disabled), static_cast<int64_t>(a.must_change), now);
  if (s.code() == Status::Code::kAlreadyExists) {
    return Status::AlreadyExists("admin account '" + a.name + "' exists");
  }
  GEBI_RETURN_IF_ERROR(s);
  return tx.LastInsertId();
}

Result<std::optional<AdminAccount>> GetAdminAccountByName(Tx& tx, const std::string& name) {
  return tx.QueryFirstRow<AdminAccount>(kSelectAccountByName, ReadAdminAccount, name);
}

Result<std::optional<AdminAccount>> GetAdminAccount(Tx& tx, int64_t id) {
  return tx.QueryFirstRow<AdminAccount>(kSelectAccountById, ReadAdminAccount, id);
}

Result<std::vector<AdminAccount>> ListAdminAccounts(Tx& tx) {
  return tx.QueryRows<AdminAccount>(kSelectAccounts, ReadAdminAccount);
}

Status SetAdminPassword(Tx& tx, int64_t id, const std::string& hash, bool must_change,
                        int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kSetPassword, id, hash, static_cast<int64_t>(must_change), now));
  if (tx.Changes() == 0) return Status::NotFound("admin account " + std::to_string(id));
  return tx.Run(kDeleteSessionsOf, id);
}

Status SetAdminDisabled(Tx& tx, int64_t id, bool disabled, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kSetDisabled, id, static_cast<int64_t>(disabled), now));
  if (tx.Changes() == 0) return Status::NotFound("admin account " + std::to_string(id));
  if (disabled) return tx.Run(kDeleteSessionsOf, id);
  return Status::Ok();
}

Status TouchAdminLogin(Tx& tx, int64_t id, int64_t now) { return tx.Run(kTouchLogin, id, now); }

Status InsertAdminSession(Tx& tx, const AdminSession& s) {
  return tx.Run(kInsertSession, s.token_hash, s.account_id, s.csrf_token, s.ip, s.created_at,
                s.last_seen_at, s.expires_at);
}

Result<std::optional<AdminSession>> GetAdminSession(Tx& tx, const std::string& token_hash) {
  auto read = [](const Stmt& st) {
    AdminSession s;
    s.token_hash = st.Text(0);
    s.account_id = st.Int(1);
    s.csrf_token = st.Text(2);
    s.ip = st.Text(3);
    s.created_at = st.Int(4);
    s.last_seen_at = st.Int(5);
    s.expires_at = st.Int(6);
    return s;
  };
  return tx.QueryFirstRow<AdminSession>(kSelectSession, read, token_hash);
}

Status TouchAdminSession(Tx& tx, const std::string& token_hash, int64_t now, int64_t expires_at) {
  return tx.Run(kTouchSession, token_hash, now, expires_at);
}

Status DeleteAdminSession(Tx& tx, const std::string& token_hash) {
  return tx.Run(kDeleteSession, token_hash);
}

Status DeleteExpiredAdminSessions(Tx& tx, int64_t now) {
  return tx.Run(kDeleteExpiredSessions, now);
}

Result<int64_t> RecordLoginFailure(Tx& tx, const std::string& subject, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kInsertFailure, subject, now));
  return tx.LastInsertId();
}

Status DeleteLoginFailure(Tx& tx, int64_t id) { return tx.Run(kDeleteFailure, id); }

Result<FailureWindow> LoginFailuresSince(Tx& tx, const std::string& subject, int64_t since) {
  auto read = [](const Stmt& st) { return FailureWindow{st.Int(0), st.Int(1)}; };
  GEBI_ASSIGN_OR_RETURN(auto w,
                        tx.QueryFirstRow<FailureWindow>(kCountFailures, read, subject, since));
  return w.value_or(FailureWindow());
}

Status ClearLoginFailures(Tx& tx, const std::string& subject) {
  return tx.Run(kClearFailures, subject);
}

Status PruneLoginFailures(Tx& tx, int64_t before) { return tx.Run(kPruneFailures, before); }

Result<int64_t> AppendAudit(Tx& tx, const AuditEntry& e) {
  GEBI_RETURN_IF_ERROR(tx.Run(kInsertAudit, e.account_id, e.account_name, e.community_id, e.action,
                              e.object, e.before, e.after, e.ip, e.created_at));
  return tx.LastInsertId();
}

Result<std::vector<AuditEntry>> ListAudit(Tx& tx, std::optional<int64_t> community, int limit) {
  if (community) return tx.QueryRows<AuditEntry>(kSelectAuditOf, ReadAuditEntry, limit, *community);
  return tx.QueryRows<AuditEntry>(kSelectAuditAll, ReadAuditEntry, limit);
}

Result<int64_t> AppendRuleHistory(Tx& tx, const RuleHistoryEntry& h) {
  GEBI_RETURN_IF_ERROR(
      tx.Run(kInsertHistory, h.rule_id, h.action, h.snapshot, h.account_name, h.created_at));
  return tx.LastInsertId();
}

Result<std::vector<RuleHistoryEntry>> ListRuleHistory(Tx& tx, int64_t rule_id) {
  return tx.QueryRows<RuleHistoryEntry>(kSelectHistoryOf, ReadRuleHistoryEntry, rule_id);
}

Result<std::vector<RuleHistoryEntry>> ListDeletedRules(Tx& tx, int limit) {
  return tx.QueryRows<RuleHistoryEntry>(kSelectDeletedRules, ReadRuleHistoryEntry, limit);
}

Result<std::optional<RuleHistoryEntry>> GetRuleHistoryEntry(Tx& tx, int64_t id) {
  return tx.QueryFirstRow<RuleHistoryEntry>(kSelectHistoryEntry, ReadRuleHistoryEntry, id);
}

}  // namespace gebi::storage
