// Help, default reply, follow / unfollow and cancel: the replies every account needs.
#include "handlers/chat/basics.h"

#include <string>

#include "handlers/dispatch.h"
#include "storage/conversation_store.h"
#include "storage/join_store.h"
#include "storage/user_store.h"
#include "storage/volunteer_store.h"

namespace gebi::handlers {

Result<Reply> HandleHelp(Context& ctx) {
  std::string lines;
  for (const HandlerRow* row : HandlerTable()) {
    if (row->help_key.empty() || (row->roles & ctx.roles) == 0) continue;
    if (!lines.empty()) lines += '\n';
    lines += ctx.templates.Render(row->help_key);
  }
  return Reply::Text(ctx.templates.Render("help", {{"commands", lines}}));
}

Result<Reply> HandleDefault(Context& ctx) { return Reply::Text(ctx.templates.Render("default")); }

// Unfollowing ends what the person was doing with us: no conversation waits, a pending join
// request is withdrawn (the grid worker is not left deciding on someone gone), and a volunteer
// stops being matched to requests they can no longer receive.
Result<Reply> HandleUnsubscribe(Context& ctx) {
  const std::string& openid = ctx.msg.from_user;
  GEBI_RETURN_IF_ERROR(storage::SetSubscribed(ctx.tx, openid, false, ctx.now));
  GEBI_RETURN_IF_ERROR(storage::ClearConversation(ctx.tx, openid));
  GEBI_ASSIGN_OR_RETURN(auto pending, storage::PendingJoinRequestOf(ctx.tx, openid));
  if (pending) {
    GEBI_RETURN_IF_ERROR(storage::DecideJoinRequest(ctx.tx, pending->id, "rejected",
                                                    ctx.templates.Render("join.withdrawn"),
                                                    "system", ctx.now));
  }
  GEBI_ASSIGN_OR_RETURN(bool was_volunteer, storage::DeactivateVolunteer(ctx.tx, openid, ctx.now));
  (void)was_volunteer;   // nothing to do either way
  return Reply::None();  // nobody reads a reply to an unfollow
}

Result<Reply> HandleCancel(Context& ctx) {
  if (!ctx.conversation) return Reply::Text(ctx.templates.Render("nothing_to_cancel"));
  GEBI_RETURN_IF_ERROR(storage::ClearConversation(ctx.tx, ctx.msg.from_user));
  return Reply::Text(ctx.templates.Render("cancelled"));
}

Result<Reply> HandleIgnore(Context& ctx) { return Reply::None(); }

}  // namespace gebi::handlers
