// Repairs (S3): 报修, photos / locations, 接单, 完成, 评价, 点赞, 没修好, 取消报修, 我的报修, 工单,
// 修好了.
// All are HandlerFn (see handlers/dispatch.h for the contract); handlers/dispatch.cc names
// them in the table. Stateless; thread-safe (state lives in the delivery's transaction).
#pragma once

#include "handlers/context.h"
#include "handlers/message.h"

namespace gebi::handlers {

Result<Reply> HandleRepair(Context& ctx);
Result<Reply> HandleMedia(Context& ctx);
Result<Reply> HandleClaim(Context& ctx);
Result<Reply> HandleDone(Context& ctx);
Result<Reply> HandleRate(Context& ctx);
Result<Reply> HandleLike(Context& ctx);
Result<Reply> HandleReopen(Context& ctx);
Result<Reply> HandleCancelRepair(Context& ctx);
Result<Reply> HandleMyRepairs(Context& ctx);
Result<Reply> HandleTickets(Context& ctx);
// 修好了 / 修好啦: the reporter's latest claimed (made done) or done ticket asks for a score;
// a volunteer holding one claimed ticket is asked what they did (完成).
Result<Reply> HandleFixed(Context& ctx);

// The pages 更多 turns: lists from offset on (at most ten lines, then "还有 N 条").
Result<Reply> TicketsPage(Context& ctx, int offset);
Result<Reply> MyRepairsPage(Context& ctx, int offset);

}  // namespace gebi::handlers
