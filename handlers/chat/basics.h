// The basic chat handlers: help, the default reply, unfollow, leaving a flow, and ignoring
// events that need no reply.
// All are HandlerFn (see handlers/dispatch.h for the contract); handlers/dispatch.cc names
// them in the table. Stateless; thread-safe (state lives in the delivery's transaction).
#pragma once

#include "handlers/context.h"
#include "handlers/message.h"

namespace gebi::handlers {

// The short menu of the sender's main role (at most kMenuLines lines) and how to see all.
Result<Reply> HandleHelp(Context& ctx);
// Every command the sender may use (what 更多 shows when no list is waiting).
Result<Reply> FullHelp(Context& ctx);
// Unknown text: the two or three closest commands for the sender's role and a phone to call.
Result<Reply> HandleDefault(Context& ctx);
Result<Reply> HandleUnsubscribe(Context& ctx);
Result<Reply> HandleCancel(Context& ctx);
Result<Reply> HandleIgnore(Context& ctx);

}  // namespace gebi::handlers
