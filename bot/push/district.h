// The district hand-off's HTTP side: an Open311 GeoReport v2 client toward
// config.district.open311_base. SendHandoff POSTs one ticket (a district_handoff outbox row;
// the outbox worker retries or dead-letters by the returned code) and records the district's
// service_request_id; PullDistrict GETs requests/{id} for every handed-off ticket still open
// there and applies what changed (handlers/org/district.h). Residents' openids and phones are never
// sent; the address is at building level. No HTTP call runs inside a database transaction.
// Stateless functions; thread-safe.
#pragma once

#include <string>

#include "bot/config.h"
#include "handlers/texts/templates.h"
#include "storage/clock.h"
#include "storage/database.h"

namespace gebi::bot {

// POSTs ticket_id to the district and records its id. Returns the district's
// service_request_id (also when an earlier attempt already recorded it: nothing is sent twice).
// Unavailable: the district did not answer, answered 5xx or 429 (try again later);
// InvalidArgument / PermissionDenied / NotFound: it refused the request (a dead letter);
// FailedPrecondition: no [district] open311_base configured.
Result<std::string> SendHandoff(storage::Database& db, const Clock& clock, const Config& config,
                                int64_t ticket_id);

// Pulls the status of up to limit handed-off tickets; returns how many changed. A ticket the
// district does not answer for is skipped this round (logged), the others go on.
Result<int> PullDistrict(storage::Database& db, const Clock& clock, const Config& config,
                         const handlers::Templates& texts, int limit);

}  // namespace gebi::bot
