// Operations pages of the admin console, without HTTP: join requests (approve / reject with
// the same effects as 通过 N / 拒绝 N in chat, via ApplyJoinDecision), the tickets board with
// filters and each ticket's timeline, volunteers with skills and service counts, and outbox
// dead letters (notices WeChat refused for good) with retry. Lists are filtered to the
// principal's community; every write leaves an audit row. Thread-safe.
#pragma once

#include <optional>
#include <vector>

#include "handlers/admin/auth.h"
#include "handlers/pipeline.h"
#include "storage/admin_query.h"
#include "storage/clock.h"
#include "storage/database.h"
#include "storage/outbox.h"

namespace gebi::handlers::admin {

// Join requests of a status ("" = any, else pending | approved | rejected), newest first.
// InvalidArgument "status: ..." for another status.
Result<std::vector<storage::JoinRow>> ListJoins(storage::Database& db, const Principal& principal,
                                                const std::string& status, int limit);
// Approves or rejects join request id as the chat commands do (membership, grid circle, push to
// the resident in their community's texts). reason is required to reject ("reason: ...").
// NotFound, PermissionDenied (another community), FailedPrecondition (already decided).
Status DecideJoin(storage::Database& db, const Clock& clock, Pipeline& pipeline,
                  const Principal& principal, int64_t id, bool approve, const std::string& reason);

// Tickets matching filter (its community is forced to the principal's for community admins).
// InvalidArgument "status: ..." for an unknown status; PermissionDenied for another community.
Result<std::vector<storage::TicketRow>> ListTickets(storage::Database& db,
                                                    const Principal& principal,
                                                    storage::TicketFilter filter);
struct TicketDetail {
  storage::TicketRow row;
  std::vector<storage::TicketEvent> timeline;
  std::vector<storage::TicketMedia> media;
};
Result<TicketDetail> GetTicketDetail(storage::Database& db, const Principal& principal, int64_t id);

struct VolunteerView {
  storage::VolunteerRow volunteer;
  storage::ServiceCounts counts;
};
Result<std::vector<VolunteerView>> ListVolunteers(storage::Database& db, const Principal& principal,
                                                  std::optional<int64_t> community, int limit);

struct DeadLetter {
  storage::OutboxItem item;
  std::optional<int64_t> community;  // the recipient's community, if any
};

// Dead letters the principal may see, oldest first, at most limit.
Result<std::vector<DeadLetter>> ListDeadLetters(storage::Database& db, const Principal& principal,
                                                int limit);
// Queues dead letter id again. NotFound, PermissionDenied (another community's recipient),
// FailedPrecondition (not dead).
Status RetryDeadLetter(storage::Database& db, const Clock& clock, const Principal& principal,
                       int64_t id);

}  // namespace gebi::handlers::admin
