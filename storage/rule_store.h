// Keyword rules: the router's table, stored as data so staff can change it without a restart.
// Every change bumps meta.rules_version; the router re-reads the table when it moves.
// Functions take the caller's Tx.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

namespace gebi::storage {

struct Rule {
  int64_t id = 0;
  std::string match_kind;  // exact | prefix | contains | regex | event
  std::string pattern;     // for event: the event name, lower-case (subscribe, scan, click:KEY)
  int64_t priority = 100;  // lower fires first
  bool enabled = true;
  std::string target_kind;              // handler | template | text
  std::string target;                   // handler name, template key, or literal reply text
  std::optional<int64_t> community_id;  // nullopt = everywhere
  std::string note;
  int64_t hits = 0;
  int64_t updated_at = 0;
};

// Every rule (enabled or not) ordered by priority, then id.
Result<std::vector<Rule>> ListRules(Tx& tx);
Result<std::optional<Rule>> GetRule(Tx& tx, int64_t id);
// Inserts rule (its id is ignored) and returns the new id.
Result<int64_t> InsertRule(Tx& tx, const Rule& rule, int64_t now);
// NotFound when no rule has rule.id.
Status UpdateRule(Tx& tx, const Rule& rule, int64_t now);
// NotFound when no rule has that id.
Status DeleteRule(Tx& tx, int64_t id);
// Re-inserts a deleted rule under its old id (rollback). AlreadyExists when the id is in use.
Status RestoreRule(Tx& tx, const Rule& rule, int64_t now);
// The counter bumped by every change above.
Result<int64_t> RulesVersion(Tx& tx);
// Adds n to the rule's hit count (does not bump the version).
Status AddRuleHits(Tx& tx, int64_t id, int64_t n);

}  // namespace gebi::storage
