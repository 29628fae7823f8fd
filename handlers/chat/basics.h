// The basic chat handlers: help, the default reply, unfollow, leaving a flow, and ignoring
// events that need no reply.
// All are HandlerFn (see handlers/dispatch.h for the contract); handlers/dispatch.cc names
// them in the table. Stateless; thread-safe (state lives in the delivery's transaction).
#pragma once

#include "handlers/context.h"
#include "handlers/message.h"

namespace gebi::handlers {

Result<Reply> HandleHelp(Context& ctx);
Result<Reply> HandleDefault(Context& ctx);
Result<Reply> HandleUnsubscribe(Context& ctx);
Result<Reply> HandleCancel(Context& ctx);
Result<Reply> HandleIgnore(Context& ctx);

}  // namespace gebi::handlers
