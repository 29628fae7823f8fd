// Public-good circles in chat (S6, S10): staff and grid workers create a circle (建圈 类型 名称)
// and become its owner; people join by the circle's invite code (加入圈子 邀请码) or its QR code
// (scene "circle-<id>"), at once for an open circle, after a manager's approval (入圈通过 N /
// 入圈拒绝 N 原因) for a real-name one; 我的圈子, 退出圈子 名称, and 圈子成员 名称 for managers.
// Grid circles follow grid membership (handlers/chat/join.cc) and are never joined here.
// Stateless; thread-safe (each call works in its delivery's Tx).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "handlers/context.h"
#include "storage/circle_store.h"

namespace gebi::handlers {

Result<Reply> HandleCreateCircle(Context& ctx);
Result<Reply> HandleJoinCircle(Context& ctx);
Result<Reply> HandleMyCircles(Context& ctx);
Result<Reply> HandleLeaveCircle(Context& ctx);
Result<Reply> HandleCircleMembers(Context& ctx);
Result<Reply> HandleCircleApprove(Context& ctx);
Result<Reply> HandleCircleReject(Context& ctx);

// The circle id of a QR EventKey "<prefix>circle-<id>", or -1.
int64_t SceneCircle(std::string_view key, std::string_view prefix);
// Joins (or asks to join) circle id after a QR scan; an unknown circle is answered politely.
Result<Reply> JoinCircleByScene(Context& ctx, int64_t circle_id);

// True when openid may run circle c: its owner or a manager, or staff who run the circle's
// unit (storage::CanManage).
Result<bool> MayRunCircle(storage::Tx& tx, const std::string& openid, const storage::CircleInfo& c);
// The circles openid may run (for 通知 全部 and the console), by id.
Result<std::vector<storage::CircleInfo>> CirclesRunBy(storage::Tx& tx, const std::string& openid);
// The name a person is known by: their resident name, else a name given in a circle, else "".
Result<std::string> PersonName(storage::Tx& tx, const std::string& openid);
// How a person without a name is listed to managers ("未留名居民"): never their openid.
std::string UnnamedLabel(const std::string& openid);

// The unit a circle openid creates belongs to: their grid, else community, street or district
// (the first grant of that order), or nullopt for someone without a grant.
Result<std::optional<int64_t>> StaffUnitOf(storage::Tx& tx, const std::string& openid);
// An unused 6-digit invite code. ResourceExhausted when several tries all collide.
Result<std::string> NewCircleInviteCode(storage::Tx& tx);

}  // namespace gebi::handlers
