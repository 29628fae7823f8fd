#include "handlers/admin/stats.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "handlers/roles.h"
#include "storage/admin_query.h"
#include "storage/care_store.h"
#include "storage/org_store.h"

namespace gebi::handlers::admin {

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

std::optional<double> MedianMinutes(std::vector<int64_t> seconds) {
  if (seconds.empty()) return std::nullopt;
  std::sort(seconds.begin(), seconds.end());
  size_t n = seconds.size();
  double median = n % 2 ? seconds[n / 2] : (seconds[n / 2 - 1] + seconds[n / 2]) / 2.0;
  return median / 60.0;
}

std::string Csv(std::string_view field) {
  // RFC 4180: quote when needed; a leading = + - @ is prefixed so spreadsheets show text.
  std::string s(field);
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) s = "'" + s;
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string Minutes(const std::optional<double>& m) { return m ? fmt::format("{:.1f}", *m) : ""; }

Status FillUnits(storage::Tx& tx, std::optional<int64_t> community, int64_t since, Numbers& n) {
  GEBI_ASSIGN_OR_RETURN(auto units, storage::ListCommunityUnits(tx, community));
  GEBI_ASSIGN_OR_RETURN(auto tickets, storage::TicketTimesSince(tx, since));
  GEBI_ASSIGN_OR_RETURN(auto volunteers, storage::ActiveVolunteerCounts(tx));
  GEBI_ASSIGN_OR_RETURN(auto joins, storage::PendingJoinCounts(tx));
  std::map<int64_t, int64_t> volunteers_of(volunteers.begin(), volunteers.end());
  std::map<int64_t, int64_t> joins_of(joins.begin(), joins.end());
  for (const storage::UnitRow& u : units) {
    UnitNumbers un;
    un.unit_id = u.id;
    un.kind = u.kind;
    un.name = u.name;
    un.community_id = u.community_id;
    std::vector<int64_t> claim, done;
    for (const storage::TicketTimes& t : tickets) {
      if ((u.kind == "community" ? t.community_id : t.grid_id) != u.id) continue;
      if (t.created_at >= since) ++un.tickets_opened;
      // A cancelled ticket is not a completed one (even when it was done and reopened first).
      std::optional<int64_t> finished = t.done_at ? t.done_at : t.closed_at;
      if (t.cancelled) {
        if (t.closed_at && *t.closed_at >= since) ++un.tickets_cancelled;
      } else if (finished && *finished >= since) {
        ++un.tickets_closed;
      }
      if (t.claimed_at && *t.claimed_at >= since) claim.push_back(*t.claimed_at - t.created_at);
      if (t.done_at && *t.done_at >= since) done.push_back(*t.done_at - t.created_at);
    }
    un.median_claim_minutes = MedianMinutes(std::move(claim));
    un.median_done_minutes = MedianMinutes(std::move(done));
    if (u.kind == "community") {
      un.active_volunteers = volunteers_of.count(u.id) ? volunteers_of[u.id] : 0;
      for (const storage::UnitRow& g : units) {
        if (g.kind == "grid" && g.community_id == u.id && joins_of.count(g.id)) {
          un.pending_joins += joins_of[g.id];
        }
      }
    } else {
      un.pending_joins = joins_of.count(u.id) ? joins_of[u.id] : 0;
    }
    n.units.push_back(std::move(un));
  }
  return Status::Ok();
}

}  // namespace

Result<Numbers> ComputeNumbers(storage::Database& db, const Principal& principal,
                               std::optional<int64_t> community, int days, int64_t now) {
  if (days < 1 || days > kMaxStatsDays) {
    return Status::InvalidArgument(fmt::format("days: 要在 1 到 {} 天之间", kMaxStatsDays));
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
          GEBI_ASSIGN_OR_RETURN(Sender sender, ResolveSender(tx, openid));
          it = community_of.emplace(openid, sender.community_id).first;
        }
        if (it->second != community) continue;
      }
      per_day[day] += count;
    }
    return FillUnits(tx, community, first * 86400 - kUtcOffsetSeconds, n);
  }));
  for (int64_t d = first; d <= today; ++d) {
    int64_t c = per_day.count(d) ? per_day[d] : 0;
    n.messages_per_day.push_back({DayName(d), c});
    n.messages_total += c;
  }
  return n;
}

std::string NumbersCsv(const Numbers& n) {
  std::string out =
      "unit_id,kind,name,community_id,days,tickets_opened,tickets_closed,tickets_cancelled,"
      "median_claim_minutes,median_done_minutes,active_volunteers,pending_joins\n";
  for (const UnitNumbers& u : n.units) {
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", u.unit_id, u.kind, Csv(u.name),
                       u.community_id, n.days, u.tickets_opened, u.tickets_closed,
                       u.tickets_cancelled,
                       Minutes(u.median_claim_minutes), Minutes(u.median_done_minutes),
                       u.active_volunteers ? std::to_string(*u.active_volunteers) : "",
                       u.pending_joins);
  }
  return out;
}

std::string MessagesCsv(const Numbers& n) {
  std::string out = "day,community,messages\n";
  std::string community = n.community ? std::to_string(*n.community) : "all";
  for (const DayCount& d : n.messages_per_day) {
    out += fmt::format("{},{},{}\n", d.day, community, d.count);
  }
  return out;
}

// ---------- elderly-care relays (S7) ----------

Result<std::vector<CareNumbers>> ListCareNumbers(storage::Database& db,
                                                 const Principal& principal) {
  std::map<std::optional<int64_t>, CareNumbers> by_community;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto circles, storage::CareCountsByCircle(tx));
    for (const auto& c : circles) {
      std::optional<int64_t> community;
      if (c.unit_id) {
        GEBI_ASSIGN_OR_RETURN(auto unit, storage::AncestorOfKind(tx, *c.unit_id, "community"));
        if (unit) community = unit->id;
      }
      if (!principal.CanSee(community)) continue;
      CareNumbers& n = by_community[community];
      if (n.community.empty() && community) {
        GEBI_ASSIGN_OR_RETURN(auto unit, storage::GetUnit(tx, *community));
        if (unit) n.community = unit->name;
      }
      n.community_id = community;
      n.relays += c.relays;
      n.thanks += c.thanks;
    }
    return Status::Ok();
  }));
  std::vector<CareNumbers> out;
  for (auto& [id, n] : by_community) out.push_back(std::move(n));
  return out;
}

}  // namespace gebi::handlers::admin
