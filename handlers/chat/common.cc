#include "handlers/chat/common.h"

#include "handlers/normalize.h"
#include "storage/conversation_store.h"
#include "storage/org_store.h"
#include "storage/outbox.h"

namespace gebi::handlers {

Status QueuePush(Context& ctx, const std::string& recipient, std::string_view kind,
                 const std::string& text, nlohmann::json extra, const std::string& dedup_key) {
  return QueuePushIn(ctx.tx, ctx.now, recipient, kind, text, std::move(extra), dedup_key);
}

Status QueuePushIn(storage::Tx& tx, int64_t now, const std::string& recipient,
                   std::string_view kind, const std::string& text, nlohmann::json extra,
                   const std::string& dedup_key) {
  if (recipient.empty()) return Status::Ok();
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
  auto [first, rest] = SplitFirstWord(args);
  NumberArgs out;
  out.number = ParseNumberArg(first);
  out.rest = rest;
  if (out.number <= 0) out.number = -1;
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

}  // namespace gebi::handlers
