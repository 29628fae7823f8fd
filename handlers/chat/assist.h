// Nobody is left stuck: 人工 / 转人工 / 我不会用 / 找网格员 give a phone and ask the grid worker
// to call (at most one push per resident a day); 更多 shows the next page of the last list (or
// every command); a command word sent alone asks for its argument and the next message is it.
// All are HandlerFn (see handlers/dispatch.h for the contract); handlers/dispatch.cc names
// them in the table. Stateless; thread-safe (state lives in the delivery's transaction).
#pragma once

#include "handlers/context.h"
#include "handlers/message.h"

namespace gebi::handlers {

Result<Reply> HandleHuman(Context& ctx);
Result<Reply> HandleMore(Context& ctx);
// The "ask" flow (see AskNext in handlers/chat/common.h): runs the row that asked, with the
// sender's text as its argument. A photo or an empty text asks again.
Result<Reply> HandleAskFlow(Context& ctx);

}  // namespace gebi::handlers
