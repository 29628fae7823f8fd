#include "bot/admin/json.h"

#include <utility>

#include "handlers/admin/commands.h"
#include "handlers/admin/rules.h"

namespace gebi::bot {

using nlohmann::json;

json AccountJson(const handlers::admin::Principal& p) {
  json j = {{"name", p.name}, {"role", p.role}, {"unit_id", p.unit_id}};
  j["community_id"] = p.CommunityFilter() ? json(*p.CommunityFilter()) : json(nullptr);
  return j;
}

std::string FieldLabel(std::string_view field) {
  static constexpr std::pair<std::string_view, std::string_view> kLabels[] = {
      {"match_kind", "匹配方式"},
      {"pattern", "关键词"},
      {"priority", "优先级"},
      {"enabled", "启用"},
      {"target_kind", "回复方式"},
      {"target", "回复内容"},
      {"community_id", "社区"},
      {"grid_id", "网格"},
      {"note", "备注"},
      {"confirm_shadow", "确认抢走系统命令"},
      {"history_id", "历史版本"},
      {"text", "文字"},
      {"role", "发送人身份"},
      {"key", "模板"},
      {"name", "用户名"},
      {"password", "密码"},
      {"old_password", "旧密码"},
      {"new_password", "新密码"},
      {"reason", "原因"},
      {"status", "状态"},
      {"category", "类别"},
      {"level", "层级"},
      {"days", "天数"},
      {"limit", "条数"},
      {"assignee", "接手的人"},
      {"message", "说明"},
      {"vetted", "认证"},
      {"openid", "志愿者"},
      {"q", "搜索"},
      {"body", "请求内容"},
      {"action", "操作"},
      {"on", "开关"},
      {"claim_hours", "没人受理多久升级（小时）"},
      {"resolve_hours", "受理后多久要办好（小时）"},
      {"consumer", "使用方"},
      {"elder_name", "老人称呼"},
      {"circle_id", "关爱圈"},
  };
  for (const auto& [key, label] : kLabels) {
    if (key == field) return std::string(label);
  }
  return "请求内容";
}

json RuleJson(const storage::Rule& r, const handlers::admin::Principal& who) {
  json j = handlers::admin::RuleToJson(r);
  j["editable"] = who.CanChange(r.community_id);
  j["system"] = handlers::admin::IsSystemRule(r);
  j["target_title"] =
      r.target_kind == "handler" ? handlers::admin::CommandTitle(r.target) : std::string();
  return j;
}

json TicketJson(const storage::TicketRow& r) {
  const auto& t = r.ticket;
  auto opt = [](const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); };
  return {{"id", t.id},
          {"grid_id", t.grid_id},
          {"grid", r.grid_name},
          {"community_id", t.community_id},
          {"community", r.community_name},
          {"reporter", t.reporter},
          {"reporter_name", r.reporter_name},
          {"building", r.reporter_building},
          {"room", r.reporter_room},
          {"phone", r.reporter_phone},
          {"category_label", r.category_label},
          {"claimed_by_name", r.claimed_by_name},
          {"description", t.description},
          {"category", t.category},
          {"priority", t.priority},
          {"status", t.status},
          {"level", t.level},
          {"claimed_by", t.claimed_by},
          {"claimed_at", opt(t.claimed_at)},
          {"done_by", t.done_by},
          {"done_at", opt(t.done_at)},
          {"done_note", t.done_note},
          {"rating", opt(t.rating)},
          {"created_at", t.created_at},
          {"closed_at", opt(t.closed_at)}};
}

}  // namespace gebi::bot
