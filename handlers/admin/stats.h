// The numbers page of the admin console, without HTTP: per community and per grid over a
// window of days — tickets opened and closed, median minutes to claim and to done, active
// volunteers, pending joins — and messages received per day (inbound_ledger), as values and
// as CSV. Days are China Standard Time (UTC+8), the deployment's zone. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "handlers/admin/auth.h"
#include "storage/database.h"

namespace gebi::handlers::admin {

constexpr int kMaxStatsDays = 366;

struct DayCount {
  std::string day;  // YYYY-MM-DD (UTC+8)
  int64_t count = 0;
};

struct UnitNumbers {
  int64_t unit_id = 0;
  std::string kind;  // community | grid
  std::string name;
  int64_t community_id = 0;
  int64_t tickets_opened = 0;                  // created in the window
  int64_t tickets_closed = 0;                  // done or closed in the window (fixed)
  int64_t tickets_cancelled = 0;               // cancelled by the reporter in the window
  std::optional<double> median_claim_minutes;  // created -> claimed, tickets claimed in window
  std::optional<double> median_done_minutes;   // created -> done, tickets done in window
  std::optional<int64_t> active_volunteers;    // communities only (volunteers serve one)
  int64_t pending_joins = 0;                   // now
};

struct Numbers {
  std::optional<int64_t> community;  // nullopt: every community
  int days = 0;
  std::vector<DayCount> messages_per_day;  // one entry per day, oldest first, zeros included
  int64_t messages_total = 0;
  std::vector<UnitNumbers> units;  // communities, each followed by its grids
};

// Numbers for community over the last `days` days up to now. PermissionDenied when principal
// may not see community (a community admin asking for nullopt gets their own community);
// InvalidArgument "days: ..." outside 1..kMaxStatsDays.
Result<Numbers> ComputeNumbers(storage::Database& db, const Principal& principal,
                               std::optional<int64_t> community, int days, int64_t now);

// The per-unit numbers as CSV (header line, one line per community or grid).
std::string NumbersCsv(const Numbers& numbers);
// Messages per day as CSV (header line, one line per day).
std::string MessagesCsv(const Numbers& numbers);

// Elderly-care relays (S7): delivered relays (texts and photos) and thank-yous per community in
// principal's scope, by community id.
struct CareNumbers {
  std::optional<int64_t> community_id;
  std::string community;
  int64_t relays = 0;
  int64_t thanks = 0;
};
Result<std::vector<CareNumbers>> ListCareNumbers(storage::Database& db, const Principal& principal);

}  // namespace gebi::handlers::admin
