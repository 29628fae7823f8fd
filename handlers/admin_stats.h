// The numbers page of the admin console, without HTTP: per community (or the whole district)
// and per day, messages received (inbound_ledger), as values and as CSV. Days are China
// Standard Time (UTC+8), the deployment's zone. Thread-safe (reads the Database).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "handlers/admin_auth.h"
#include "storage/database.h"

namespace gebi::handlers {

constexpr int kMaxStatsDays = 366;

struct DayCount {
  std::string day;  // YYYY-MM-DD (UTC+8)
  int64_t count = 0;
};

struct Numbers {
  std::optional<int64_t> community;  // nullopt: every community
  int days = 0;
  std::vector<DayCount> messages_per_day;  // one entry per day, oldest first, zeros included
  int64_t messages_total = 0;
};

// Numbers for community over the last `days` days up to now. PermissionDenied when principal
// may not see community (a community admin asking for nullopt gets their own community);
// InvalidArgument "days: ..." outside 1..kMaxStatsDays.
Result<Numbers> ComputeNumbers(storage::Database& db, const AdminPrincipal& principal,
                               std::optional<int64_t> community, int days, int64_t now);

// The numbers as CSV (header line, one line per day).
std::string NumbersCsv(const Numbers& numbers);

}  // namespace gebi::handlers
