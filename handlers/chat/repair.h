// Repairs (S3): 报修, photos / locations, 接单, 完成, 评价, 点赞, 没修好, 取消报修, 我的报修, 工单.
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

}  // namespace gebi::handlers
