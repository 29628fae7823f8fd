// Volunteers: 志愿者 signup, 我的服务, 退出志愿者, and 认证 (staff vet a volunteer).
// All are HandlerFn (see handlers/dispatch.h for the contract); handlers/dispatch.cc names
// them in the table. Stateless; thread-safe (state lives in the delivery's transaction).
#pragma once

#include "handlers/context.h"
#include "handlers/message.h"

namespace gebi::handlers {

Result<Reply> HandleVolunteer(Context& ctx);
Result<Reply> HandleMyService(Context& ctx);
Result<Reply> HandleQuitVolunteer(Context& ctx);
// 认证 <name>: a grid worker or staff above vets a volunteer they run; from then on the
// volunteer sees the elderly flag and the room, and may claim priority tickets.
Result<Reply> HandleVet(Context& ctx);

}  // namespace gebi::handlers
