#include "bot/admin/json.h"

#include "handlers/admin/rules.h"

namespace gebi::bot {

using nlohmann::json;

json AccountJson(const handlers::admin::Principal& p) {
  json j = {{"name", p.name}, {"role", p.role}, {"unit_id", p.unit_id}};
  j["community_id"] = p.CommunityFilter() ? json(*p.CommunityFilter()) : json(nullptr);
  return j;
}

json RuleJson(const storage::Rule& r, const handlers::admin::Principal& who) {
  json j = handlers::admin::RuleToJson(r);
  j["editable"] = who.CanChange(r.community_id);
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
