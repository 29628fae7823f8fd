#include "handlers/admin/templates.h"

#include <fmt/format.h>

#include "handlers/admin/template_titles.h"
#include "handlers/texts/template_specs.h"
#include "storage/template_store.h"

namespace gebi::handlers::admin {

namespace {

constexpr size_t kMaxTemplateBytes = 2048;  // WeChat's passive text reply limit

// Sample values for previews, by placeholder name; others show their name.

int64_t Scope(std::optional<int64_t> community) {
  return community.value_or(storage::kAllCommunities);
}

Status CheckScope(const Principal& p, std::optional<int64_t> community) {
  if (!p.CanChange(community)) {
    return Status::PermissionDenied(community ? fmt::format("无权修改社区 {} 的回复", *community)
                                              : "只有区级管理员能修改全区通用的回复");
  }
  return Status::Ok();
}

Status CheckText(const std::string& key, const std::string& text) {
  bool known = false;
  for (const TemplateSpec& s : TemplateSpecs()) known = known || s.key == key;
  if (!known) return Status::InvalidArgument("key: 没有名为「" + key + "」的模板");
  if (text.empty()) return Status::InvalidArgument("text: 不能为空");
  if (text.size() > kMaxTemplateBytes) {
    return Status::InvalidArgument("text: 太长（微信最多 2048 字节）");
  }
  Status s = Templates::Check(key, text);
  if (!s.ok()) return Status::InvalidArgument("text: " + s.message());
  return Status::Ok();
}

}  // namespace

Result<std::vector<TemplateView>> ListTemplates(storage::Database& db, const Templates& base,
                                                const Principal& principal,
                                                std::optional<int64_t> community) {
  if (community && !principal.CanSee(community)) {
    return Status::PermissionDenied(fmt::format("无权查看社区 {}", *community));
  }
  std::vector<storage::TemplateOverride> overrides;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(overrides, storage::ListTemplateOverrides(tx));
    return Status::Ok();
  }));
  std::vector<TemplateView> out;
  for (const TemplateSpec& spec : TemplateSpecs()) {
    TemplateView v;
    v.key = std::string(spec.key);
    for (auto p : spec.placeholders) v.placeholders.emplace_back(p);
    auto it = base.texts().find(spec.key);
    v.base = it == base.texts().end() ? "" : it->second;
    for (const auto& o : overrides) {
      if (o.key != v.key) continue;
      if (o.community_id == storage::kAllCommunities) v.all_override = o.text;
      if (community && o.community_id == *community) v.community_override = o.text;
    }
    v.effective = v.community_override ? *v.community_override
                  : v.all_override     ? *v.all_override
                                       : v.base;
    out.push_back(std::move(v));
  }
  return out;
}

Status SetTemplateText(storage::Tx& tx, const Principal& principal,
                       std::optional<int64_t> community, const std::string& key,
                       const std::string& text, int64_t now) {
  GEBI_RETURN_IF_ERROR(CheckText(key, text));
  GEBI_RETURN_IF_ERROR(CheckScope(principal, community));
  GEBI_ASSIGN_OR_RETURN(auto old, storage::GetTemplateOverride(tx, Scope(community), key));
  storage::TemplateOverride o{Scope(community), key, text, principal.name, now};
  GEBI_RETURN_IF_ERROR(storage::UpsertTemplateOverride(tx, o));
  return Audit(tx, principal, "template.set", fmt::format("template:{}:{}", Scope(community), key),
               community, old ? old->text : "", text, now);
}

Status SetTemplateText(storage::Database& db, const Clock& clock, const Principal& principal,
                       std::optional<int64_t> community, const std::string& key,
                       const std::string& text) {
  GEBI_RETURN_IF_ERROR(CheckText(key, text));
  GEBI_RETURN_IF_ERROR(CheckScope(principal, community));
  const int64_t now = clock.NowSeconds();
  return db.WithTransaction(
      [&](storage::Tx& tx) { return SetTemplateText(tx, principal, community, key, text, now); });
}

Status ResetTemplateText(storage::Database& db, const Clock& clock, const Principal& principal,
                         std::optional<int64_t> community, const std::string& key) {
  GEBI_RETURN_IF_ERROR(CheckScope(principal, community));
  const int64_t now = clock.NowSeconds();
  return db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto old, storage::GetTemplateOverride(tx, Scope(community), key));
    if (!old) return Status::NotFound("模板「" + key + "」没有改过");
    GEBI_RETURN_IF_ERROR(storage::DeleteTemplateOverride(tx, Scope(community), key));
    return Audit(tx, principal, "template.reset",
                 fmt::format("template:{}:{}", Scope(community), key), community, old->text, "",
                 now);
  });
}

Result<std::string> PreviewTemplate(const std::string& key, const std::string& text) {
  GEBI_RETURN_IF_ERROR(CheckText(key, text));
  TemplateArgs args;
  for (const TemplateSpec& s : TemplateSpecs()) {
    if (s.key != key) continue;
    for (auto p : s.placeholders) args.emplace_back(p, PlaceholderSample(p));
  }
  return Templates::RenderText(key, text, args);
}

}  // namespace gebi::handlers::admin
