// Joining a grid (S1, S2): follow (a grid QR scene starts joining), SCAN, 加入网格 and its
// conversation, 通过 / 拒绝 by the grid worker, 待审核; and the decision shared with the console.
// All are HandlerFn (see handlers/dispatch.h for the contract); handlers/dispatch.cc names
// them in the table. Stateless; thread-safe (state lives in the delivery's transaction).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "handlers/context.h"
#include "handlers/message.h"
#include "handlers/texts/templates.h"
#include "storage/database.h"
#include "storage/join_store.h"

namespace gebi::handlers {

Result<Reply> HandleWelcome(Context& ctx);
Result<Reply> HandleScan(Context& ctx);
Result<Reply> HandleJoin(Context& ctx);
Result<Reply> HandleJoinFlow(Context& ctx);
Result<Reply> HandleApprove(Context& ctx);
Result<Reply> HandleReject(Context& ctx);
Result<Reply> HandleJoinRequests(Context& ctx);
// The 待审核 list from offset on (更多 turns its pages).
Result<Reply> JoinRequestsPage(Context& ctx, int offset);

// The reply to someone not in a grid yet who tried what members do: a pending request's number,
// its grid and whom to call (who decides it), else the text join_key (how to join).
Result<Reply> NotMemberYet(Context& ctx, std::string_view join_key);

// The effects of deciding the pending join request req, shared by 通过 N / 拒绝 N and the admin
// console: the request's new status (decided by `by`: an openid, or "admin:<name>"), on
// approval the membership and the grid circle, and the push telling the resident (a rejection
// carries reason and the community office). REQUIRES: req.status == "pending" (else
// DecideJoinRequest returns FailedPrecondition and nothing changes).
Status ApplyJoinDecision(storage::Tx& tx, const Templates& texts, const storage::JoinRequest& req,
                         bool approve, const std::string& reason, const std::string& by,
                         int64_t now);

}  // namespace gebi::handlers
