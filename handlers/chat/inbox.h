// The unread-notice inbox: notices the outbox worker could deliver neither by customer-service
// nor by template message wait in the outbox with status inbox; the next passive text reply
// to that resident carries them ("你有 N 条未读通知：…") and marks them delivered, inside the
// delivery's transaction (so a WeChat retry gets the same reply and nothing twice).
// Stateless functions; thread-safe.
#pragma once

#include <string>

#include "handlers/message.h"
#include "handlers/texts/templates.h"
#include "storage/database.h"

namespace gebi::handlers {

// WeChat shows about 2048 bytes of a passive text reply; notices beyond this budget wait for
// the next reply (the text says how many remain).
inline constexpr size_t kPassiveReplyBudgetBytes = 1900;
// At most this many notices ride along with one reply.
inline constexpr int kMaxNoticesPerReply = 5;

// When reply is a text and openid has unread notices, appends them (oldest first, within the
// budget) and marks those delivered at now. Other reply kinds are left alone.
Status AttachUnreadNotices(storage::Tx& tx, const std::string& openid, const Templates& templates,
                           int64_t now, Reply& reply);

}  // namespace gebi::handlers
