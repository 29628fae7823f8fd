// Operations pages of the admin console, without HTTP: outbox dead letters (notices WeChat
// refused for good) with retry. Lists are filtered to the principal's community through the
// recipients' membership (ResolveCommunity); every write leaves an audit row. Thread-safe.
#pragma once

#include <optional>
#include <vector>

#include "handlers/admin_auth.h"
#include "storage/clock.h"
#include "storage/database.h"
#include "storage/outbox.h"

namespace gebi::handlers {

struct DeadLetter {
  storage::OutboxItem item;
  std::optional<int64_t> community;  // the recipient's community, if any
};

// Dead letters the principal may see, oldest first, at most limit.
Result<std::vector<DeadLetter>> ListDeadLetters(storage::Database& db,
                                                const AdminPrincipal& principal, int limit);
// Queues dead letter id again. NotFound, PermissionDenied (another community's recipient),
// FailedPrecondition (not dead).
Status RetryDeadLetter(storage::Database& db, const Clock& clock, const AdminPrincipal& principal,
                       int64_t id);

}  // namespace gebi::handlers
