// The hand-off to the district's government platform (S4's last rung), without HTTP: tickets
// that reached district level are queued for an Open311 POST through the outbox (kind
// district_handoff: retries and dead letters as every push), and what the district later says
// about a ticket (status, notes) is applied: the reporter is pushed, a timeline row is added,
// and a ticket the district closed is done. bot/push/district.h does the HTTP. Stateless
// functions over the caller's Tx.
#pragma once

#include <string>
#include <string_view>

#include "handlers/texts/templates.h"
#include "storage/database.h"

namespace gebi::handlers {

// Outbox kind and recipient of a hand-off row (payload {"text": "", "ticket_id": N}).
inline constexpr std::string_view kDistrictHandoffKind = "district_handoff";
inline constexpr std::string_view kDistrictRecipient = "district";

// Queues every active district-level ticket not handed off yet (at most limit); returns how
// many. Idempotent: a ticket is queued once (its hand-off row is created in the same
// transaction), whoever runs it.
Result<int> QueueDistrictHandoffs(storage::Tx& tx, int64_t now, int limit);

// What a pull of the district's GET requests/{id} saw for ticket_id: status (open | closed)
// and status_notes. When either changed since the last pull: a timeline row ("district"), a
// push to the reporter, and when closed the ticket becomes done (if still to solve). Returns
// whether anything changed. NotFound when the ticket was never handed off.
Result<bool> ApplyDistrictStatus(storage::Tx& tx, const Templates& texts, int64_t now,
                                 int64_t ticket_id, std::string_view status,
                                 std::string_view notes);

}  // namespace gebi::handlers
