// Admin console storage: accounts (argon2id hashes, never passwords), sessions (only a hash of
// the cookie token is stored), failed logins (for throttling), the audit log of every write,
// and each keyword rule's history (for rollback). Functions take the caller's Tx, so a change
// and its audit row commit together. Thread-compatible like Tx.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

namespace gebi::storage {

struct AdminAccount {
  int64_t id = 0;
  std::string name;
  std::string password_hash;  // crypto_pwhash_str output (argon2id)
  std::string role;           // district | street | community
  int64_t unit_id = 0;        // the district, street or community the role covers
  bool disabled = false;
  bool must_change = false;  // its password was handed out: choose one before anything else
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::optional<int64_t> last_login_at;
};

// Inserts account (its id is ignored); returns the new id. AlreadyExists when the name is taken.
Result<int64_t> InsertAdminAccount(Tx& tx, const AdminAccount& account, int64_t now);
Result<std::optional<AdminAccount>> GetAdminAccountByName(Tx& tx, const std::string& name);
Result<std::optional<AdminAccount>> GetAdminAccount(Tx& tx, int64_t id);
// Every account, by name.
Result<std::vector<AdminAccount>> ListAdminAccounts(Tx& tx);
// Replaces the hash, sets must_change (true for a handed-out password, false for one the
// person chose) and ends every session of the account. NotFound for an unknown id.
Status SetAdminPassword(Tx& tx, int64_t id, const std::string& password_hash, bool must_change,
                        int64_t now);
// Disables or enables the account; disabling ends its sessions. NotFound for an unknown id.
Status SetAdminDisabled(Tx& tx, int64_t id, bool disabled, int64_t now);
Status TouchAdminLogin(Tx& tx, int64_t id, int64_t now);

struct AdminSession {
  std::string token_hash;  // hex hash of the cookie token
  int64_t account_id = 0;
  std::string csrf_token;  // sent back in X-CSRF-Token on every write
  std::string ip;
  int64_t created_at = 0;
  int64_t last_seen_at = 0;
  int64_t expires_at = 0;
};

Status InsertAdminSession(Tx& tx, const AdminSession& session);
Result<std::optional<AdminSession>> GetAdminSession(Tx& tx, const std::string& token_hash);
// Slides the idle expiry. No error when the session is gone.
Status TouchAdminSession(Tx& tx, const std::string& token_hash, int64_t now, int64_t expires_at);
Status DeleteAdminSession(Tx& tx, const std::string& token_hash);
// Removes sessions whose expires_at <= now.
Status DeleteExpiredAdminSessions(Tx& tx, int64_t now);

// Failed logins, keyed by subject ("account:<name>" or "ip:<address>"). Returns the row's
// id, so a login can record its attempt as a failure before checking the password and
// delete that row when the password turns out right.
Result<int64_t> RecordLoginFailure(Tx& tx, const std::string& subject, int64_t now);
// Deletes the failure row id (from RecordLoginFailure). No error when it is gone.
Status DeleteLoginFailure(Tx& tx, int64_t id);
// How many failures of subject since `since`, and the oldest of them (0 when none).
struct FailureWindow {
  int64_t count = 0;
  int64_t oldest = 0;
};
Result<FailureWindow> LoginFailuresSince(Tx& tx, const std::string& subject, int64_t since);
Status ClearLoginFailures(Tx& tx, const std::string& subject);
// Forgets failures older than before (housekeeping).
Status PruneLoginFailures(Tx& tx, int64_t before);

struct AuditEntry {
  int64_t id = 0;
  std::optional<int64_t> account_id;  // nullopt: the command line
  std::string account_name;
  std::optional<int64_t> community_id;  // the community the change concerns; nullopt = all
  std::string action;                   // e.g. "rule.update", "template.set", "join.approve"
  std::string object;                   // e.g. "rule:12", "template:3:welcome"
  std::string before;                   // short JSON/text summary, "" when none
  std::string after;
  std::string ip;
  int64_t created_at = 0;
};

Result<int64_t> AppendAudit(Tx& tx, const AuditEntry& entry);
// Newest first, at most limit. community: nullopt = every row; a value = rows of that
// community only.
Result<std::vector<AuditEntry>> ListAudit(Tx& tx, std::optional<int64_t> community, int limit);

struct RuleHistoryEntry {
  int64_t id = 0;
  int64_t rule_id = 0;
  std::string action;    // create | update | delete | rollback | import
  std::string snapshot;  // the rule after the change as JSON (before it, for delete)
  std::string account_name;
  int64_t created_at = 0;
};

Result<int64_t> AppendRuleHistory(Tx& tx, const RuleHistoryEntry& entry);
// The rule's history, newest first.
Result<std::vector<RuleHistoryEntry>> ListRuleHistory(Tx& tx, int64_t rule_id);
Result<std::optional<RuleHistoryEntry>> GetRuleHistoryEntry(Tx& tx, int64_t id);
// Rules deleted and not restored: the "delete" entry of each (its snapshot is the rule before
// the delete), newest first, at most limit.
Result<std::vector<RuleHistoryEntry>> ListDeletedRules(Tx& tx, int limit);

}  // namespace gebi::storage
