#include "storage/rule_store.h"

namespace gebi::storage {

namespace {
constexpr std::string_view kSelectAll =
    "SELECT id, match_kind, pattern, priority, enabled, target_kind, target, community_id, note, "
    "hits, updated_at FROM rules ORDER BY priority, id";
constexpr std::string_view kSelectOne =
    "SELECT id, match_kind, pattern, priority, enabled, target_kind, target, community_id, note, "
    "hits, updated_at FROM rules WHERE id = ?1";
constexpr std::string_view kInsert =
    "INSERT INTO rules(match_kind, pattern, priority, enabled, target_kind, target, community_id, "
    "note, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)";
constexpr std::string_view kUpdate =
    "UPDATE rules SET match_kind = ?2, pattern = ?3, priority = ?4, enabled = ?5, "
    "target_kind = ?6, target = ?7, community_id = ?8, note = ?9, updated_at = ?10 WHERE id = ?1";
constexpr std::string_view kRestore =
    "INSERT INTO rules(id, match_kind, pattern, priority, enabled, target_kind, target, "
    "community_id, note, hits, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)";
constexpr std::string_view kDelete = "DELETE FROM rules WHERE id = ?1";
constexpr std::string_view kBumpVersion =
    "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'rules_version'";
constexpr std::string_view kSelectVersion =
    "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'rules_version'";
constexpr std::string_view kAddHits = "UPDATE rules SET hits = hits + ?2 WHERE id = ?1";

Rule ReadRule(const Stmt& st) {
  Rule r;
  r.id = st.Int(0);
  r.match_kind = st.Text(1);
  r.pattern = st.Text(2);
  r.priority = st.Int(3);
  r.enabled = st.Int(4) != 0;
  r.target_kind = st.Text(5);
  r.target = st.Text(6);
  if (!st.IsNull(7)) r.community_id = st.Int(7);
  r.note = st.Text(8);
  r.hits = st.Int(9);
  r.updated_at = st.Int(10);
  return r;
}
}  // namespace

Result<std::vector<Rule>> ListRules(Tx& tx) { return tx.QueryRows<Rule>(kSelectAll, ReadRule); }

Result<std::optional<Rule>> GetRule(Tx& tx, int64_t id) {
  return tx.QueryFirstRow<Rule>(kSelectOne, ReadRule, id);
}

Result<int64_t> InsertRule(Tx& tx, const Rule& r, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kInsert, r.match_kind, r.pattern, r.priority,
                              static_cast<int64_t>(r.enabled), r.target_kind, r.target,
                              r.community_id, r.note, now));
  int64_t id = tx.LastInsertId();
  GEBI_RETURN_IF_ERROR(tx.Run(kBumpVersion));
  return id;
}

Status UpdateRule(Tx& tx, const Rule& r, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kUpdate, r.id, r.match_kind, r.pattern, r.priority,
                              static_cast<int64_t>(r.enabled), r.target_kind, r.target,
                              r.community_id, r.note, now));
  if (tx.Changes() == 0) return Status::NotFound("rule " + std::to_string(r.id));
  return tx.Run(kBumpVersion);
}

Status DeleteRule(Tx& tx, int64_t id) {
  GEBI_RETURN_IF_ERROR(tx.Run(kDelete, id));
  if (tx.Changes() == 0) return Status::NotFound("rule " + std::to_string(id));
  return tx.Run(kBumpVersion);
}

Status RestoreRule(Tx& tx, const Rule& r, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kRestore, r.id, r.match_kind, r.pattern, r.priority,
                              static_cast<int64_t>(r.enabled), r.target_kind, r.target,
                              r.community_id, r.note, r.hits, now));
  return tx.Run(kBumpVersion);
}

Result<int64_t> RulesVersion(Tx& tx) {
  GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryInt(kSelectVersion));
  return v.value_or(0);
}

Status AddRuleHits(Tx& tx, int64_t id, int64_t n) { return tx.Run(kAddHits, id, n); }

}  // namespace gebi::storage
