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
// An open ticket nobody claimed this long, or a claimed one not done this long, is overdue:
// the board lists it right after the elderly-priority ones.
constexpr int64_t kUnclaimedOverdueSeconds = 4 * 3600;  // a resident waits half a day at most
constexpr int64_t kUnfinishedOverdueSeconds = 48 * 3600;
// Whether t is overdue at now (see above).
bool IsOverdue(const storage::Ticket& t, int64_t now);
// Orders tickets as the board shows them: elderly priority first, then overdue, then newest.
void SortForBoard(std::vector<storage::TicketRow>& rows, int64_t now);

struct TicketDetail {
  storage::TicketRow row;
  std::vector<storage::TicketEvent> timeline;
  std::vector<std::string> actor_names;  // per timeline row: who, in words ("系统", a name)
  std::vector<storage::TicketMedia> media;
};
Result<TicketDetail> GetTicketDetail(storage::Database& db, const Principal& principal, int64_t id);

// What the console does to a ticket. assign: to assignee (a volunteer of the ticket's
// community, or a grid worker / staff of its grid; an elderly-priority ticket only to a vetted
// volunteer or staff), from open, reopened or claimed; close: with note, from any state but
// closed or cancelled; cancel: with note, from open, reopened or claimed. Each appends a
// timeline row naming the account, pushes the reporter (and the assignee / the claimer it
// takes the ticket from) and writes an audit row. InvalidArgument naming the field ("action",
// "assignee", "message" for the note), NotFound, PermissionDenied (another community), FailedPrecondition
// (wrong state).
struct TicketAction {
  std::string action;  // assign | close | cancel
  std::string assignee;  // openid, for assign
  std::string note;
};
constexpr size_t kMaxTicketNoteBytes = 600;  // 200 Chinese characters: a push is short
Status ActOnTicket(storage::Database& db, const Clock& clock, Pipeline& pipeline,
                   const Principal& principal, int64_t id, const TicketAction& action);

// People a ticket of grid may be assigned to, for the console's picker: active volunteers of
// its community (vetted first) and the grid's workers. PermissionDenied, NotFound.
struct Assignee {
  std::string openid;
  std::string name;  // "" when unknown
  std::string kind;  // volunteer | worker
  bool vetted = false;
  std::vector<std::string> skills;
};
Result<std::vector<Assignee>> ListAssignees(storage::Database& db, const Principal& principal,
                                            int64_t ticket_id);

// Marks a volunteer vetted (vet) or not, by the account. NotFound, PermissionDenied.
Status SetVolunteerVetted(storage::Database& db, const Clock& clock, const Principal& principal,
                          const std::string& openid, bool vet);

// Registered residents whose name, room, phone or grid contains query, in the principal's
// scope. InvalidArgument "q: ..." when query is too long.
Result<std::vector<storage::ResidentRow>> ListResidents(storage::Database& db,
                                                        const Principal& principal,
                                                        const std::string& query, int limit);

// Communities and grids the principal may see (for pickers by name).
Result<std::vector<storage::UnitRow>> ListUnits(storage::Database& db, const Principal& principal);

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
