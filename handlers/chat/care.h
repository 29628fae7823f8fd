// Elderly-care relays (S7). A grid worker (or community staff) adds an elder to an elderly_care
// circle (添加老人 称呼 [圈子名称]; without a name the circle "<称呼>关爱圈" is made) and assigns
// registered volunteers (指派志愿者 称呼 志愿者姓名). Family ask to join by the circle's invite
// code naming their elder (加入圈子 邀请码 金阿婆家属, or answer the question); the circle's
// grid workers and managers are pushed and approve with 入圈通过 N (handlers/chat/circles.h).
// An assigned volunteer's 关爱 称呼 内容, and a photo within 10 minutes after it, are relayed to
// that elder's family only; family answer 谢谢 [N] (counted; the volunteer is told once).
// A relay is recorded first and delivered by DeliverCareRelay, so a check can sit between.
// Stateless; thread-safe (each call works in its delivery's Tx).
#pragma once

#include <string>

#include "handlers/context.h"
#include "handlers/texts/templates.h"
#include "storage/circle_store.h"

namespace gebi::handlers {

Result<Reply> HandleCareAddElder(Context& ctx);
Result<Reply> HandleCareAssign(Context& ctx);
Result<Reply> HandleCareRelay(Context& ctx);
Result<Reply> HandleCareThanks(Context& ctx);
// An image message: a care photo when the sender's 关爱 is the newest thing they did in the last
// 10 minutes; a clear reply for an assigned volunteer with nothing to attach it to; else the
// parking / repair photo flows (HandleImage in handlers/chat/parking.h).
Result<Reply> HandleCareImage(Context& ctx);

// The join of elderly_care circle c by the sender (from 加入圈子 or a QR scan): given is what
// they wrote after the code (raw). Asks which elder when it names none; else files a circle
// join request tied to the elder and pushes it to the circle's managers and grid workers.
Result<Reply> JoinCareCircle(Context& ctx, const storage::CircleInfo& c, const std::string& given);

// After an approved circle join request: links the person as family of the elder the request
// names (nothing for a request that names none). by is who approved.
Status LinkApprovedCareFamily(storage::Tx& tx, const storage::CircleJoinRequest& req,
                              const std::string& by, int64_t now);

// Delivers recorded relay relay_id: one push per family member of its elder (outbox kind
// care_relay, dedup "care:<id>:<openid>"), the relay marked sent. Returns the number of family
// members it went to; 0 when it was already sent. NotFound for an unknown id;
// FailedPrecondition for a rejected relay. Errors: storage failures.
Result<int64_t> DeliverCareRelay(storage::Tx& tx, const Templates& templates, int64_t relay_id,
                                 int64_t now);

// Assigns volunteer openid to elder_id (also a member of the elder's circle) and pushes them
// how to relay; returns false when they were already assigned. by is who assigned.
Result<bool> AssignCareVolunteer(storage::Tx& tx, const Templates& templates, int64_t elder_id,
                                 const std::string& openid, const std::string& by, int64_t now);

}  // namespace gebi::handlers
