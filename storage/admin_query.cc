#include "storage/admin_query.h"

#include "storage/ticket_store.h"

namespace gebi::storage {

namespace {

constexpr std::string_view kJoinRows =
    "SELECT j.id, j.openid, j.grid_id, j.name, j.building, j.room, j.phone, j.status, j.reason, "
    "j.decided_by, j.created_at, j.decided_at, g.name, c.id, c.name "
    "FROM join_requests j JOIN org_units g ON g.id = j.grid_id "
    "LEFT JOIN org_units c ON c.id = g.parent_id "
    "WHERE (?1 IS NULL OR c.id = ?1) AND (?2 = '' OR j.status = ?2) "
    "ORDER BY j.id DESC LIMIT ?3";
// A person's name as the office knows it: the resident's registered name, else the name on
// their latest join request, else ''.
#define GEBI_PERSON_NAME(col)                                                            \
  "COALESCE((SELECT name FROM residents WHERE openid = " col "), (SELECT name FROM "   \
  "join_requests WHERE openid = " col " ORDER BY id DESC LIMIT 1), '')"
constexpr std::string_view kTicketRows =
    "SELECT t.id, t.grid_id, t.community_id, t.reporter, t.description, t.category, t.priority, "
    "t.status, t.level, t.claimed_by, t.claimed_at, t.done_by, t.done_at, t.done_note, t.rating, "
    "t.rating_note, t.created_at, t.updated_at, t.closed_at, g.name, c.name, "
    GEBI_PERSON_NAME("t.reporter") ", COALESCE(r.building, ''), COALESCE(r.room, ''), "
    "COALESCE(r.phone, ''), COALESCE(rc.label, t.category), " GEBI_PERSON_NAME("t.claimed_by")
    " FROM tickets t JOIN org_units g ON g.id = t.grid_id JOIN org_units c ON c.id = t.community_id "
    "LEFT JOIN residents r ON r.openid = t.reporter "
    "LEFT JOIN repair_categories rc ON rc.name = t.category "
    "WHERE (?1 IS NULL OR t.community_id = ?1) AND (?2 IS NULL OR t.grid_id = ?2) "
    "AND (?3 = '' OR t.status = ?3 OR (?3 = 'active' AND t.status IN "
    "('open','reopened','claimed'))) AND (?4 = '' OR t.category = ?4) "
    "AND (?6 = '' OR t.level = ?6) AND (?7 IS NULL OR t.id = ?7) "
    "ORDER BY t.id DESC LIMIT ?5";
constexpr std::string_view kResidentRows =
    "SELECT r.openid, r.name, r.building, r.room, r.phone, r.elderly_alone, r.joined_at, "
    "g.id, g.name, c.id, c.name FROM residents r JOIN org_units g ON g.id = r.grid_id "
    "LEFT JOIN org_units c ON c.id = g.parent_id "
    "WHERE (?1 IS NULL OR c.id = ?1) AND (?2 = '' OR instr(r.name, ?2) > 0 OR "
    "instr(r.building || r.room, ?2) > 0 OR instr(r.phone, ?2) > 0 OR instr(g.name, ?2) > 0) "
    "ORDER BY c.id, g.id, r.name LIMIT ?3";
constexpr std::string_view kPersonName = "SELECT " GEBI_PERSON_NAME("?1");
constexpr std::string_view kVolunteerRows =
    "SELECT v.openid, v.community_id, c.name, v.availability, v.active, v.joined_at, "
    "COALESCE((SELECT group_concat(skill, ',') FROM (SELECT skill FROM volunteer_skills s "
    "WHERE s.openid = v.openid ORDER BY skill)), ''), " GEBI_PERSON_NAME("v.openid") ", "
    "COALESCE((SELECT phone FROM residents WHERE openid = v.openid), ''), v.vetted_at, "
    "v.vetted_by "
    "FROM volunteers v JOIN org_units c ON c.id = v.community_id "
    "WHERE (?1 IS NULL OR v.community_id = ?1) ORDER BY v.active DESC, v.joined_at LIMIT ?2";
#undef GEBI_PERSON_NAME
constexpr std::string_view kCommunityUnits =
    "SELECT u.id, u.kind, u.name, CASE u.kind WHEN 'community' THEN u.id ELSE u.parent_id END AS c "
    "FROM org_units u WHERE u.kind IN ('community','grid') "
    "AND (?1 IS NULL OR u.id = ?1 OR (u.kind = 'grid' AND u.parent_id = ?1)) "
    "ORDER BY c, u.kind = 'grid', u.id";
constexpr std::string_view kTicketTimes =
    "SELECT grid_id, community_id, created_at, claimed_at, done_at, closed_at, "
    "status = 'cancelled' FROM tickets "
    "WHERE created_at >= ?1 OR done_at >= ?1 OR closed_at >= ?1";
constexpr std::string_view kActiveVolunteers =
    "SELECT community_id, COUNT(*) FROM volunteers WHERE active = 1 GROUP BY community_id";
constexpr std::string_view kPendingJoins =
    "SELECT grid_id, COUNT(*) FROM join_requests WHERE status = 'pending' GROUP BY grid_id";

std::optional<int64_t> OptInt(const Stmt& st, int col) {
  if (st.IsNull(col)) return std::nullopt;
  return st.Int(col);
}

Result<std::vector<std::pair<int64_t, int64_t>>> Pairs(Tx& tx, std::string_view sql) {
  return tx.QueryRows<std::pair<int64_t, int64_t>>(
      sql, [](const Stmt& st) { return std::pair<int64_t, int64_t>(st.Int(0), st.Int(1)); });
}

}  // namespace

Result<std::vector<JoinRow>> ListJoinRows(Tx& tx, std::optional<int64_t> community,
                                          const std::string& status, int limit) {
  auto read = [](const Stmt& st) {
    JoinRow r;
    JoinRequest& j = r.request;
    j.id = st.Int(0);
    j.openid = st.Text(1);
    j.grid_id = st.Int(2);
    j.name = st.Text(3);
    j.building = st.Text(4);
    j.room = st.Text(5);
    j.phone = st.Text(6);
    j.status = st.Text(7);
    j.reason = st.Text(8);
    j.decided_by = st.Text(9);
    j.created_at = st.Int(10);
    j.decided_at = OptInt(st, 11);
    r.grid_name = st.Text(12);
    r.community_id = st.Int(13);
    r.community_name = st.Text(14);
    return r;
  };
  return tx.QueryRows<JoinRow>(kJoinRows, read, community, status, limit);
}

Result<std::vector<TicketRow>> ListTicketRows(Tx& tx, const TicketFilter& f) {
  auto read = [](const Stmt& st) {
    TicketRow r;
    r.ticket = ReadTicket(st);
    r.grid_name = st.Text(19);
    r.community_name = st.Text(20);
    r.reporter_name = st.Text(21);
    r.reporter_building = st.Text(22);
    r.reporter_room = st.Text(23);
    r.reporter_phone = st.Text(24);
    r.category_label = st.Text(25);
    r.claimed_by_name = st.Text(26);
    return r;
  };
  return tx.QueryRows<TicketRow>(kTicketRows, read, f.community, f.grid, f.status, f.category,
                                 f.limit, f.level, f.id);
}

Result<std::vector<VolunteerRow>> ListVolunteerRows(Tx& tx, std::optional<int64_t> community,
                                                    int limit) {
  auto read = [](const Stmt& st) {
    VolunteerRow v;
    v.openid = st.Text(0);
    v.community_id = st.Int(1);
    v.community_name = st.Text(2);
    v.availability = st.Text(3);
    v.active = st.Int(4) != 0;
    v.joined_at = st.Int(5);
    v.name = st.Text(7);
    v.phone = st.Text(8);
    v.vetted_at = OptInt(st, 9);
    v.vetted_by = st.Text(10);
    std::string skills = st.Text(6);
    for (size_t pos = 0; pos < skills.size();) {
      size_t comma = skills.find(',', pos);
      if (comma == std::string::npos) comma = skills.size();
      v.skills.push_back(skills.substr(pos, comma - pos));
      pos = comma + 1;
    }
    return v;
  };
  return tx.QueryRows<VolunteerRow>(kVolunteerRows, read, community, limit);
}

Result<std::vector<ResidentRow>> ListResidentRows(Tx& tx, std::optional<int64_t> community,
                                                  const std::string& query, int limit) {
  auto read = [](const Stmt& st) {
    ResidentRow r;
    r.openid = st.Text(0);
    r.name = st.Text(1);
    r.building = st.Text(2);
    r.room = st.Text(3);
    r.phone = st.Text(4);
    r.elderly_alone = st.Int(5) != 0;
    r.joined_at = st.Int(6);
    r.grid_id = st.Int(7);
    r.grid_name = st.Text(8);
    r.community_id = st.IsNull(9) ? 0 : st.Int(9);
    r.community_name = st.Text(10);
    return r;
  };
  return tx.QueryRows<ResidentRow>(kResidentRows, read, community, query, limit);
}

Result<std::string> PersonName(Tx& tx, const std::string& openid) {
  GEBI_ASSIGN_OR_RETURN(auto rows, tx.QueryRows<std::string>(
                                       kPersonName, [](const Stmt& st) { return st.Text(0); },
                                       openid));
  return rows.empty() ? std::string() : rows.front();
}

Result<std::vector<UnitRow>> ListCommunityUnits(Tx& tx, std::optional<int64_t> community) {
  auto read = [](const Stmt& st) { return UnitRow{st.Int(0), st.Text(1), st.Text(2), st.Int(3)}; };
  return tx.QueryRows<UnitRow>(kCommunityUnits, read, community);
}

Result<std::vector<TicketTimes>> TicketTimesSince(Tx& tx, int64_t since) {
  auto read = [](const Stmt& st) {
    return TicketTimes{st.Int(0),     st.Int(1),     st.Int(2),
                       OptInt(st, 3), OptInt(st, 4), OptInt(st, 5), st.Int(6) != 0};
  };
  return tx.QueryRows<TicketTimes>(kTicketTimes, read, since);
}

Result<std::vector<std::pair<int64_t, int64_t>>> ActiveVolunteerCounts(Tx& tx) {
  return Pairs(tx, kActiveVolunteers);
}

Result<std::vector<std::pair<int64_t, int64_t>>> PendingJoinCounts(Tx& tx) {
  return Pairs(tx, kPendingJoins);
}

}  // namespace gebi::storage
