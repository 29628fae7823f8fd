// Keyword rules as the admin console edits them, without HTTP: field validation (naming the
// field), scoped create / edit / delete with an audit row and a history snapshot in the same
// transaction, rollback to any snapshot, shadow / duplicate warnings, the dry-run tester
// ("which rule fires for this text from this role, and why") and the import of the MP
// console's rules (get_current_autoreply_info JSON). Changes bump meta.rules_version, so the
// running bot uses them on its next message. Thread-safe (state lives in the Database).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "handlers/admin/auth.h"
#include "handlers/texts/templates.h"
#include "storage/clock.h"
#include "storage/database.h"
#include "storage/rule_store.h"

namespace gebi::handlers::admin {

// Longest pattern and literal reply: WeChat's passive text reply is at most 2048 bytes.
constexpr size_t kMaxRulePatternBytes = 300;
constexpr size_t kMaxRuleTextBytes = 2048;
// Longest text the dry-run tester takes: 2,000 Chinese characters.
constexpr size_t kMaxDryRunTextBytes = 6000;

// Why RE2 refuses pattern, in words an admin can act on ("缺少 )"); nullopt when it compiles.
// Shared by the keyword rules and the moderation categories (handlers/admin/moderation.h).
std::optional<std::string> RegexProblem(const std::string& pattern);

nlohmann::json RuleToJson(const storage::Rule& rule);
// Applies the fields present in j over base (a new rule: a default Rule). InvalidArgument
// "<field>: <why>" for a wrong type or an unknown field.
Result<storage::Rule> RuleFromJson(const nlohmann::json& j, const storage::Rule& base);
// Checks a rule's fields: kinds, non-empty pattern, a regex that compiles, a handler or
// template that exists, text length, priority range. InvalidArgument "<field>: <why>".
Status ValidateRule(const storage::Rule& rule);

struct RuleWarning {
  int64_t rule_id = 0;
  std::string kind;  // shadowed | duplicate | invalid_target
  int64_t other_rule_id = 0;
  std::string message;  // Chinese, for the console
};
// Shadowed rules (an earlier rule always answers the rule's own keyword first) and duplicates
// (same kind and pattern in the same scope). Disabled rules are not analysed.
std::vector<RuleWarning> AnalyzeRules(const std::vector<storage::Rule>& rules);

// Rules visible to principal (community admins: their community's and the shared ones).
Result<std::vector<storage::Rule>> ListRules(storage::Database& db, const Principal& principal);
// A single rule; NotFound, or PermissionDenied when out of scope.
Result<storage::Rule> GetRule(storage::Database& db, const Principal& principal, int64_t id);
// Creates a rule from JSON fields. A community admin's rule is scoped to their community.
// InvalidArgument naming the field; PermissionDenied for another community;
// FailedPrecondition naming the command when the rule would answer one of a system command's
// keywords or examples in its place (handlers/admin/commands.h), unless fields has
// "confirm_shadow": true. UpdateRule checks the same, and refuses to change anything but
// "enabled" of a system command's seeded keyword; DeleteRule refuses to delete one.
Result<storage::Rule> CreateRule(storage::Database& db, const Clock& clock,
                                 const Principal& principal, const nlohmann::json& fields);
// Changes the given fields of rule id. NotFound, PermissionDenied, InvalidArgument.
Result<storage::Rule> UpdateRule(storage::Database& db, const Clock& clock,
                                 const Principal& principal, int64_t id,
                                 const nlohmann::json& fields);
Status DeleteRule(storage::Database& db, const Clock& clock, const Principal& principal,
                  int64_t id);
Result<std::vector<storage::RuleHistoryEntry>> RuleHistory(storage::Database& db,
                                                           const Principal& principal, int64_t id);
// Puts rule id back to the snapshot of history entry history_id (re-creating a deleted rule
// under its old id). NotFound when the entry is not this rule's.
struct DeletedRule {
  int64_t history_id = 0;  // the "delete" entry: RollbackRule(rule.id, history_id) restores it
  storage::Rule rule;      // as it was before the delete, under its old id
  std::string deleted_by;  // account name
  int64_t deleted_at = 0;
};
// Rules deleted and not restored that principal may see, newest first, at most limit.
Result<std::vector<DeletedRule>> ListDeletedRules(storage::Database& db,
                                                  const Principal& principal, int limit);
Result<storage::Rule> RollbackRule(storage::Database& db, const Clock& clock,
                                   const Principal& principal, int64_t id, int64_t history_id);

struct DryRunCandidate {
  storage::Rule rule;
  std::string why;  // how it matches
  bool winner = false;
};
struct DryRunResult {
  std::string normalized;                   // the text as the router sees it
  std::optional<storage::Rule> rule;        // the rule that fires
  std::string why;                          // one line: how it matched, or why nothing did
  std::string route;                        // "text", "template:<key>", "handler:<name>", "default"
  bool allowed = true;                      // false: the role may not use the handler
  std::string reply;                        // the reply text, or a description of the handler
  std::vector<DryRunCandidate> candidates;  // every enabled rule that matches, in firing order
};
// Which rule fires for text sent by a person with role (resident, grid_worker, volunteer,
// community_staff, street_staff, district_admin, floor_leader) in community, and why. Reads
// the stored rules (the same the bot uses). InvalidArgument "role: ..." for an unknown role.
Result<DryRunResult> DryRun(storage::Database& db, const Templates& templates,
                            const Principal& principal, const std::string& text,
                            const std::string& role, std::optional<int64_t> community);

struct ImportReport {
  std::vector<storage::Rule> rules;    // created (or, for a dry run, to be created)
  std::vector<std::string> templates;  // template keys set (welcome, default)
  std::vector<std::string> skipped;    // "rule_name: why", Chinese
};
// Imports the keyword rules of the MP console (get_current_autoreply_info JSON): equal ->
// exact, contain -> contains, text replies (several joined by a blank line); the follow reply
// and the default reply become the welcome / default texts of the principal's scope.
// Non-text replies (news, image, voice, video) are reported as skipped. dry_run: nothing is
// written. InvalidArgument naming the field for a body of the wrong shape.
Result<ImportReport> ImportMpRules(storage::Database& db, const Clock& clock,
                                   const Principal& principal, const nlohmann::json& body,
                                   bool dry_run);

}  // namespace gebi::handlers::admin
