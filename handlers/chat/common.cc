#include "handlers/chat/common.h"

#include "handlers/chat/phrases.h"
#include "storage/conversation_store.h"
#include "storage/join_store.h"
#include "storage/org_store.h"
#include "storage/outbox.h"

namespace gebi::handlers {

Reply Text(const Context& ctx, std::string_view key, const TemplateArgs& args) {
  return Reply::Text(ctx.templates.Render(key, args));
}

Status QueuePush(Context& ctx, const std::string& recipient, std::string_view kind,
                 const std::string& text, nlohmann::json extra, const std::string& dedup_key) {
  return QueuePushIn(ctx.tx, ctx.now, recipient, kind, text, std::move(extra), dedup_key);
}

Status QueuePushIn(storage::Tx& tx, int64_t now, const std::string& recipient,
                   std::string_view kind, const std::string& text, nlohmann::json extra,
                   const std::string& dedup_key) {
  if (recipient.empty()) return Status::Ok();
  // A ticket another platform posted through Open311 has no WeChat reporter to push to.
  if (recipient.rfind("open311:", 0) == 0) return Status::Ok();
  nlohmann::json payload = extra.is_object() ? std::move(extra) : nlohmann::json::object();
  payload["text"] = text;
  storage::OutboxItem item;
  item.recipient = recipient;
  item.kind = std::string(kind);
  item.payload = payload.dump();
  item.dedup_key = dedup_key;
  GEBI_ASSIGN_OR_RETURN(bool inserted, storage::Enqueue(tx, item, now));
  (void)inserted;  // a repeat of the same cause is meant to be a no-op
  return Status::Ok();
}

Result<std::string> GridLabel(storage::Tx& tx, int64_t grid_id) {
  GEBI_ASSIGN_OR_RETURN(auto path, storage::UnitPath(tx, grid_id));
  if (path.empty()) return std::string();
  std::string label = path.size() > 1 && path[1].kind == "community" ? path[1].name : "";
  return label + path[0].name;
}

NumberArgs ParseNumberAndRest(std::string_view args) {
  LeadingNumber lead = SplitLeadingNumber(args);
  NumberArgs out;
  out.number = lead.number > 0 ? lead.number : -1;
  out.rest = out.number > 0 ? lead.rest : std::string();
  return out;
}

Result<std::vector<std::string>> GridWorkers(storage::Tx& tx, int64_t grid_id) {
  return storage::HoldersOf(tx, grid_id, "grid_worker");
}

Status SaveFlow(Context& ctx, std::string_view flow, std::string_view step,
                const nlohmann::json& slots) {
  storage::Conversation c;
  c.openid = ctx.msg.from_user;
  c.flow = std::string(flow);
  c.step = std::string(step);
  c.slots = slots.dump();
  c.expires_at = ctx.now + ctx.settings.flow_ttl_seconds;
  c.updated_at = ctx.now;
  return storage::PutConversation(ctx.tx, c);
}

nlohmann::json FlowSlots(const Context& ctx) {
  if (!ctx.conversation) return nlohmann::json::object();
  auto j = nlohmann::json::parse(ctx.conversation->slots, nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : nlohmann::json::object();
}

Status AskNext(Context& ctx, std::string_view row, std::string_view prefix,
               std::string_view prompt_key) {
  return SaveFlow(ctx, "ask", "arg",
                  nlohmann::json{{"row", std::string(row)},
                                 {"prefix", std::string(prefix)},
                                 {"prompt", std::string(prompt_key)}});
}

Status SaveMore(Context& ctx, std::string_view list, int offset) {
  nlohmann::json slots = FlowSlots(ctx);
  slots["_more"] = {{"list", std::string(list)}, {"offset", offset}};
  storage::Conversation c;
  c.openid = ctx.msg.from_user;
  c.flow = ctx.conversation ? ctx.conversation->flow : "more";
  c.step = ctx.conversation ? ctx.conversation->step : "list";
  c.slots = slots.dump();
  c.expires_at = ctx.now + ctx.settings.flow_ttl_seconds;
  c.updated_at = ctx.now;
  return storage::PutConversation(ctx.tx, c);
}

std::optional<MoreCursor> PeekMore(const Context& ctx) {
  nlohmann::json slots = FlowSlots(ctx);
  auto it = slots.find("_more");
  if (it == slots.end() || !it->is_object()) return std::nullopt;
  MoreCursor c;
  c.list = it->value("list", "");
  c.offset = it->value("offset", 0);
  if (c.list.empty() || c.offset <= 0) return std::nullopt;
  return c;
}

Status DropMore(Context& ctx) {
  if (!PeekMore(ctx)) return Status::Ok();
  if (ctx.conversation->flow == "more") {
    GEBI_RETURN_IF_ERROR(storage::ClearConversation(ctx.tx, ctx.msg.from_user));
    ctx.conversation.reset();
    return Status::Ok();
  }
  nlohmann::json slots = FlowSlots(ctx);
  slots.erase("_more");
  ctx.conversation->slots = slots.dump();
  return storage::PutConversation(ctx.tx, *ctx.conversation);
}

std::string MoreLine(const Context& ctx, size_t rest) {
  return ctx.templates.Render("list.more", {{"rest", std::to_string(rest)}});
}

Result<Contact> ContactFor(Context& ctx) {
  // A grid worker asking for help is not sent to themself: staff get the community office.
  int64_t grid_id = (ctx.roles & kStaffRoles) == 0 ? ctx.grid_id.value_or(0) : 0;
  GEBI_ASSIGN_OR_RETURN(auto pending, storage::PendingJoinRequestOf(ctx.tx, ctx.msg.from_user));
  if (pending) grid_id = pending->grid_id;
  if (grid_id > 0) {
    GEBI_ASSIGN_OR_RETURN(auto grid, storage::GetUnit(ctx.tx, grid_id));
    if (grid && grid->kind == "grid" && !grid->contact.empty()) {
      return Contact{grid->contact, grid->id};
    }
    GEBI_ASSIGN_OR_RETURN(auto community, storage::AncestorOfKind(ctx.tx, grid_id, "community"));
    if (community && !community->contact.empty()) {
      return Contact{community->name + " " + community->contact,
                     grid && grid->kind == "grid" ? grid->id : 0};
    }
  }
  if (ctx.community_id) {
    GEBI_ASSIGN_OR_RETURN(auto community, storage::GetUnit(ctx.tx, *ctx.community_id));
    if (community && !community->contact.empty()) {
      return Contact{community->name + " " + community->contact, 0};
    }
  }
  // Not in any community yet: the street office answers for all of them.
  for (std::string_view kind : {"street", "district", "community"}) {
    GEBI_ASSIGN_OR_RETURN(auto units, storage::ListUnits(ctx.tx, kind));
    for (const auto& u : units) {
      if (!u.contact.empty()) return Contact{u.name + " " + u.contact, 0};
    }
  }
  return Contact{ctx.templates.Render("join.no_contact"), 0};
}

}  // namespace gebi::handlers
