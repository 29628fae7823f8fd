#include "storage/template_store.h"

namespace gebi::storage {

namespace {
constexpr std::string_view kSelectAll =
    "SELECT community_id, key, text, updated_by, updated_at FROM template_overrides "
    "ORDER BY community_id, key";
constexpr std::string_view kSelectOne =
    "SELECT community_id, key, text, updated_by, updated_at FROM template_overrides "
    "WHERE community_id = ?1 AND key = ?2";
constexpr std::string_view kUpsert =
    "INSERT INTO template_overrides(community_id, key, text, updated_by, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(community_id, key) DO UPDATE SET "
    "text = excluded.text, updated_by = excluded.updated_by, updated_at = excluded.updated_at";
constexpr std::string_view kDelete =
    "DELETE FROM template_overrides WHERE community_id = ?1 AND key = ?2";
// INSERT OR IGNORE first: a database migrated before the counter existed still gets one.
constexpr std::string_view kEnsureVersion =
    "INSERT OR IGNORE INTO meta(key, value) VALUES ('templates_version', '1')";
constexpr std::string_view kBumpVersion =
    "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'templates_version'";
constexpr std::string_view kSelectVersion =
    "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'templates_version'";

TemplateOverride ReadTemplateOverride(const Stmt& st) {
  TemplateOverride o;
  o.community_id = st.Int(0);
  o.key = st.Text(1);
  o.text = st.Text(2);
  o.updated_by = st.Text(3);
  o.updated_at = st.Int(4);
  return o;
}

Status Bump(Tx& tx) {
  GEBI_RETURN_IF_ERROR(tx.Run(kEnsureVersion));
  return tx.Run(kBumpVersion);
}
}  // namespace

Result<std::vector<TemplateOverride>> ListTemplateOverrides(Tx& tx) {
  return tx.QueryRows<TemplateOverride>(kSelectAll, ReadTemplateOverride);
}

Result<std::optional<TemplateOverride>> GetTemplateOverride(Tx& tx, int64_t community_id,
                                                            const std::string& key) {
  return tx.QueryFirstRow<TemplateOverride>(kSelectOne, ReadTemplateOverride, community_id, key);
}

Status UpsertTemplateOverride(Tx& tx, const TemplateOverride& o) {
  GEBI_RETURN_IF_ERROR(tx.Run(kUpsert, o.community_id, o.key, o.text, o.updated_by, o.updated_at));
  return Bump(tx);
}

Status DeleteTemplateOverride(Tx& tx, int64_t community_id, const std::string& key) {
  GEBI_RETURN_IF_ERROR(tx.Run(kDelete, community_id, key));
  if (tx.Changes() == 0) {
    return Status::NotFound("template override " + std::to_string(community_id) + ":" + key);
  }
  return Bump(tx);
}

Result<int64_t> TemplatesVersion(Tx& tx) {
  GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryInt(kSelectVersion));
  return v.value_or(0);
}

}  // namespace gebi::storage
