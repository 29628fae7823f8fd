// The escalation ladder in chat (S4): 升级 N 原因 (the grid worker, or staff of the ticket's
// level), 催办 N (the reporter, once a day), 受理 N, 退回 N 原因 and 办结 N 说明 (staff of the
// ticket's current level). Each hop is a timeline row; the new level's people are pushed and
// the reporter learns where the request is now. All are HandlerFn (handlers/dispatch.h).
// Stateless; thread-safe (state lives in the delivery's transaction).
#pragma once

#include "handlers/context.h"
#include "handlers/message.h"

namespace gebi::handlers {

Result<Reply> HandleEscalate(Context& ctx);
Result<Reply> HandleUrge(Context& ctx);
Result<Reply> HandleAccept(Context& ctx);
Result<Reply> HandleSendBack(Context& ctx);
Result<Reply> HandleResolve(Context& ctx);

}  // namespace gebi::handlers
