// Notices with receipts (S6): a circle's manager, or staff over the circle's unit, sends
// 通知 <圈子[,圈子…]|全部> <内容>; the bot names the audience and its size and waits for 确认
// (flow "notice"); then notice N is queued once per person (several circles: once each) in the
// delivery's transaction. Members answer 收到 [N]; the sender asks 通知情况 N, 提醒 N (one
// re-send to those who have not answered) and 撤回 N (pushes not yet delivered are cancelled,
// people who already read it are told in their inbox). Recruitment with a quota (招募 人数 内容
// [@圈子…], 报名 N, 取消报名 N, 报名情况 N, 结束招募 N) shares the audience rules.
// Stateless; thread-safe (each call works in its delivery's Tx).
#pragma once

#include <nlohmann/json.hpp>

#include "handlers/context.h"
#include "storage/notice_store.h"

namespace gebi::handlers {

Result<Reply> HandleNotice(Context& ctx);
Result<Reply> HandleNoticeFlow(Context& ctx);
Result<Reply> HandleReceipt(Context& ctx);
Result<Reply> HandleNoticeStatus(Context& ctx);
Result<Reply> HandleNoticeRemind(Context& ctx);
Result<Reply> HandleNoticeWithdraw(Context& ctx);

// The shared cores of 提醒 N and 撤回 N (chat and console). RemindNotice queues the one
// reminder to recipients without a receipt and returns how many; FailedPrecondition when the
// notice is withdrawn or was reminded before. WithdrawNoticeNow cancels what is not delivered
// and tells the readers; FailedPrecondition when it is already withdrawn.
Result<int64_t> RemindNotice(storage::Tx& tx, const Templates& texts, const storage::Notice& n,
                             int64_t now);
Result<storage::WithdrawCounts> WithdrawNoticeNow(storage::Tx& tx, const Templates& texts,
                                                  const storage::Notice& n, int64_t now);

// The notice and recruitment relays as the moderation table delivers them (a held one is
// delivered later from the same payload; handlers/chat/moderation.h). Notice payload:
// {"author", "circle_ids": [..], "circles": "names as shown", "body", "community_id"|null}; the
// notice, its recipients and their pushes are created now; returns {notice id, queued}.
// Recruitment payload: {"organiser", "body", "quota", "circle_ids", "circles",
// "community_id"}; returns {recruitment id, members pushed}.
struct Delivered;
Result<Delivered> DeliverNotice(storage::Tx& tx, const Templates& texts,
                                const nlohmann::json& payload, int64_t now);
Result<Delivered> DeliverRecruitment(storage::Tx& tx, const Templates& texts,
                                     const nlohmann::json& payload, int64_t now);

Result<Reply> HandleRecruit(Context& ctx);
Result<Reply> HandleSignup(Context& ctx);
Result<Reply> HandleCancelSignup(Context& ctx);
Result<Reply> HandleSignups(Context& ctx);
Result<Reply> HandleCloseRecruit(Context& ctx);

}  // namespace gebi::handlers
