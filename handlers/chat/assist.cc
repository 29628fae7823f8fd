#include "handlers/chat/assist.h"

#include <fmt/format.h>

#include <string>

#include "handlers/chat/basics.h"
#include "handlers/chat/common.h"
#include "handlers/chat/join.h"
#include "handlers/chat/repair.h"
#include "handlers/dispatch.h"
#include "storage/conversation_store.h"
#include "storage/org_store.h"
#include "storage/outbox.h"

namespace gebi::handlers {

namespace {

// One "please call this resident" push per resident and day: a worried resident who sends 人工
// five times still costs the worker one notice. Days are China's (UTC+8).
constexpr int64_t kChinaOffsetSeconds = 8 * 3600;
constexpr int64_t kDaySeconds = 24 * 3600;

}  // namespace

Result<Reply> HandleHuman(Context& ctx) {
  GEBI_ASSIGN_OR_RETURN(Contact contact, ContactFor(ctx));
  std::vector<std::string> workers;
  if (contact.grid_id > 0) {
    GEBI_ASSIGN_OR_RETURN(workers, GridWorkers(ctx.tx, contact.grid_id));
  }
  if (workers.empty()) return Text(ctx, "human.call", {{"contact", contact.text}});
  GEBI_ASSIGN_OR_RETURN(auto resident, storage::GetResident(ctx.tx, ctx.msg.from_user));
  std::string who = resident && !resident->name.empty() ? resident->name
                                                        : ctx.templates.Render("human.someone");
  std::string room = resident ? resident->building + resident->room : "";
  std::string phone = resident && !resident->phone.empty() ? " 电话" + resident->phone : "";
  if (!resident) {
    GEBI_ASSIGN_OR_RETURN(auto pending, storage::PendingJoinRequestOf(ctx.tx, ctx.msg.from_user));
    if (pending) {
      who = pending->name;
      room = pending->building + pending->room;
      phone = pending->phone.empty() ? "" : " 电话" + pending->phone;
    }
  }
  const std::string text = ctx.templates.Render(
      "push.help_needed", {{"who", who}, {"room", room.empty() ? "" : "（" + room + "）"},
                           {"phone", phone}});
  const int64_t day = (ctx.now + kChinaOffsetSeconds) / kDaySeconds;
  bool queued = false;
  for (const auto& w : workers) {
    if (w == ctx.msg.from_user) continue;
    storage::OutboxItem item;
    item.recipient = w;
    item.kind = "help_needed";
    item.payload = nlohmann::json{{"text", text}, {"openid", ctx.msg.from_user}}.dump();
    item.dedup_key = fmt::format("help_needed:{}:{}:{}", ctx.msg.from_user, day, w);
    GEBI_ASSIGN_OR_RETURN(bool inserted, storage::Enqueue(ctx.tx, item, ctx.now));
    queued = queued || inserted;
  }
  return Text(ctx, queued ? "human.asked" : "human.asked_today", {{"contact", contact.text}});
}

Result<Reply> HandleMore(Context& ctx) {
  std::optional<MoreCursor> cursor = PeekMore(ctx);
  if (!cursor) return FullHelp(ctx);
  if (cursor->list == "tickets") return TicketsPage(ctx, cursor->offset);
  if (cursor->list == "my_repairs") return MyRepairsPage(ctx, cursor->offset);
  if (cursor->list == "requests") return JoinRequestsPage(ctx, cursor->offset);
  return FullHelp(ctx);
}

Result<Reply> HandleAskFlow(Context& ctx) {
  nlohmann::json slots = FlowSlots(ctx);
  const std::string row_name = slots.value("row", "");
  const std::string prefix = slots.value("prefix", "");
  const std::string prompt = slots.value("prompt", "");
  const HandlerRow* row = FindHandler(row_name);
  if (ctx.text.empty() && row != nullptr && !prompt.empty()) {
    return Text(ctx, prompt, {{"id", prefix}});  // a photo or a sticker: ask again
  }
  GEBI_RETURN_IF_ERROR(storage::ClearConversation(ctx.tx, ctx.msg.from_user));
  ctx.conversation.reset();
  if (row == nullptr || row->flow.size() > 0 || (row->roles & ctx.roles) == 0) {
    return HandleDefault(ctx);
  }
  ctx.rule = nullptr;
  ctx.args = prefix.empty() ? ctx.text : prefix + " " + ctx.text;
  return row->fn(ctx);
}

}  // namespace gebi::handlers
