// Declarations of every handler function the dispatch table (dispatch.cc) names. One .cc file
// per capability defines its functions. All are HandlerFn; see dispatch.h for the contract.
#pragma once

#include "handlers/dispatch.h"

namespace gebi::handlers {

// basics.cc: help, the default reply, unfollow, leaving a flow.
Result<Reply> HandleHelp(Context& ctx);
Result<Reply> HandleDefault(Context& ctx);
Result<Reply> HandleUnsubscribe(Context& ctx);
Result<Reply> HandleCancel(Context& ctx);
Result<Reply> HandleIgnore(Context& ctx);

// join.cc: follow (a grid QR scene starts joining), SCAN, 加入网格 and its flow, 通过 / 拒绝,
// 待审核.
Result<Reply> HandleWelcome(Context& ctx);
Result<Reply> HandleScan(Context& ctx);
Result<Reply> HandleJoin(Context& ctx);
Result<Reply> HandleJoinFlow(Context& ctx);
Result<Reply> HandleApprove(Context& ctx);
Result<Reply> HandleReject(Context& ctx);
Result<Reply> HandleJoinRequests(Context& ctx);

// repair.cc: 报修, photos / locations, 接单, 完成, 评价, 点赞, 没修好, 取消报修, 我的报修, 工单.
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

// volunteer.cc: 志愿者 signup, 我的服务, 退出志愿者.
Result<Reply> HandleVolunteer(Context& ctx);
Result<Reply> HandleMyService(Context& ctx);
Result<Reply> HandleQuitVolunteer(Context& ctx);

}  // namespace gebi::handlers
