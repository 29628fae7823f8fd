// Declarations of every handler function the dispatch table (dispatch.cc) names. One .cc file
// per capability defines its functions. All are HandlerFn; see dispatch.h for the contract.
#pragma once

#include "handlers/dispatch.h"

namespace gebi::handlers {

// basics.cc: help, the default reply, follow / unfollow, leaving a flow.
Result<Reply> HandleHelp(Context& ctx);
Result<Reply> HandleDefault(Context& ctx);
Result<Reply> HandleWelcome(Context& ctx);
Result<Reply> HandleUnsubscribe(Context& ctx);
Result<Reply> HandleCancel(Context& ctx);
Result<Reply> HandleIgnore(Context& ctx);

}  // namespace gebi::handlers
