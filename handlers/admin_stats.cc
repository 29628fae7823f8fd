#include "handlers/admin_stats.h"

#include <fmt/format.h>

#include <map>

#include "handlers/dispatch.h"

namespace gebi::handlers {

namespace {

constexpr int64_t kUtcOffsetSeconds = 8 * 3600;  // China Standard Time, no daylight saving

constexpr std::string_view kMessagesPerSenderDay =
    "SELECT openid, (created_at + ?2) / 86400 AS d, COUNT(*) FROM inbound_ledger "
    "WHERE created_at >= ?1 GROUP BY openid, d";

std::string DayName(int64_t day_index) {
  // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
  int64_t z = day_index + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return fmt::format("{:04}-{:02}-{:02}", y + (m <= 2), m, d);
}

}  // namespace

Result<Numbers> ComputeNumbers(storage::Database& db, const AdminPrincipal& principal,
                               std::optional<int64_t> community, int days, int64_t now) {
  if (days < 1 || days > kMaxStatsDays) {
    return Status::InvalidArgument(fmt::format("days: must be 1..{}", kMaxStatsDays));
  }
  if (!community) community = principal.CommunityFilter();
  if (community && !principal.CanSee(community)) {
    return Status::PermissionDenied(fmt::format("无权查看社区 {}", *community));
  }
  Numbers n;
  n.community = community;
  n.days = days;
  const int64_t today = (now + kUtcOffsetSeconds) / 86400;
  const int64_t first = today - days + 1;
  std::map<int64_t, int64_t> per_day;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(storage::Stmt st, tx.Prepare(kMessagesPerSenderDay));
    st.BindAll(first * 86400 - kUtcOffsetSeconds, kUtcOffsetSeconds);
    std::map<std::string, std::optional<int64_t>> community_of;
    std::vector<std::tuple<std::string, int64_t, int64_t>> rows;
    for (;;) {
      GEBI_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      rows.emplace_back(st.Text(0), st.Int(1), st.Int(2));
    }
    for (const auto& [openid, day, count] : rows) {
      if (community) {
        auto it = community_of.find(openid);
        if (it == community_of.end()) {
          GEBI_ASSIGN_OR_RETURN(auto c, ResolveCommunity(tx, openid));
          it = community_of.emplace(openid, c).first;
        }
        if (it->second != community) continue;
      }
      per_day[day] += count;
    }
    return Status::Ok();
  }));
  for (int64_t d = first; d <= today; ++d) {
    int64_t c = per_day.count(d) ? per_day[d] : 0;
    n.messages_per_day.push_back({DayName(d), c});
    n.messages_total += c;
  }
  return n;
}

std::string NumbersCsv(const Numbers& n) {
  std::string out = "day,community,messages\n";
  std::string community = n.community ? std::to_string(*n.community) : "all";
  for (const DayCount& d : n.messages_per_day) {
    out += fmt::format("{},{},{}\n", d.day, community, d.count);
  }
  return out;
}

}  // namespace gebi::handlers
