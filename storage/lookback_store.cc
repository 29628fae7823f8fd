#include "storage/lookback_store.h"

namespace gebi::storage {

namespace {

// People and their community: residents (by grid), volunteers, and role grants on the
// community, one of its grids or a building of a grid.
#define GEBI_PEOPLE_OF_COMMUNITY                                                      \
  "SELECT r.openid FROM residents r JOIN org_units g ON g.id = r.grid_id "            \
  "WHERE g.parent_id = ?1 "                                                           \
  "UNION SELECT openid FROM volunteers WHERE community_id = ?1 "                      \
  "UNION SELECT rg.openid FROM role_grants rg JOIN org_units u ON u.id = rg.unit_id " \
  "LEFT JOIN org_units p ON p.id = u.parent_id "                                      \
  "WHERE u.id = ?1 OR u.parent_id = ?1 OR p.parent_id = ?1"

constexpr std::string_view kSearch =
    "SELECT l.openid, COALESCE((SELECT name FROM residents WHERE openid = l.openid), ''), "
    "l.msg_type, l.content, l.reply, l.route, l.created_at FROM inbound_ledger l "
    "WHERE l.created_at BETWEEN ?2 AND ?3 "
    "AND (?1 IS NULL OR l.openid IN (" GEBI_PEOPLE_OF_COMMUNITY
    ")) "
    "AND (?4 = '' OR l.openid = ?4 OR l.openid IN (SELECT openid FROM residents WHERE name = ?4)) "
    "AND (?5 IS NULL OR l.openid IN (SELECT reporter FROM tickets WHERE id = ?5 "
    "     UNION SELECT actor FROM ticket_events WHERE ticket_id = ?5)) "
    "AND (?6 = '' OR l.content LIKE ?6 ESCAPE '\\' OR l.reply LIKE ?6 ESCAPE '\\') "
    "ORDER BY l.created_at DESC, l.rowid DESC LIMIT ?7";
constexpr std::string_view kInCommunity =
    "SELECT COUNT(*) FROM (" GEBI_PEOPLE_OF_COMMUNITY ") WHERE openid = ?2";
#undef GEBI_PEOPLE_OF_COMMUNITY

constexpr std::string_view kTimeline =
    "SELECT at, kind, text, detail, ticket FROM ("
    "  SELECT created_at AS at, 0 AS seq, rowid AS id, 'in' AS kind, content AS text, "
    "         route AS detail, 0 AS ticket FROM inbound_ledger "
    "  WHERE openid = ?1 AND created_at BETWEEN ?2 AND ?3 "
    "  UNION ALL SELECT created_at, 1, rowid, 'reply', reply, route, 0 FROM inbound_ledger "
    "  WHERE openid = ?1 AND created_at BETWEEN ?2 AND ?3 AND reply <> '' "
    "  UNION ALL SELECT created_at, 2, id, 'push', payload, status, 0 FROM outbox "
    "  WHERE recipient = ?1 AND kind <> 'media_fetch' AND created_at BETWEEN ?2 AND ?3 "
    "  UNION ALL SELECT at, 3, id, 'action', note, action, ticket_id FROM ticket_events "
    "  WHERE actor = ?1 AND at BETWEEN ?2 AND ?3) "
    "ORDER BY at, seq, id LIMIT ?4";

// text as a LIKE pattern matching it anywhere, with % _ and \ taken literally.
std::string LikeAnywhere(const std::string& text) {
  if (text.empty()) return text;
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

}  // namespace

Result<std::vector<LookbackMessage>> SearchMessages(Tx& tx, const LookbackFilter& f) {
  return tx.QueryRows<LookbackMessage>(
      kSearch,
      [](const Stmt& st) {
        return LookbackMessage{st.Text(0), st.Text(1), st.Text(2), st.Text(3),
                               st.Text(4), st.Text(5), st.Int(6)};
      },
      f.community, f.from, f.to, f.person, f.ticket_id, LikeAnywhere(f.text), f.limit);
}

Result<bool> PersonInCommunity(Tx& tx, const std::string& openid, int64_t community) {
  GEBI_ASSIGN_OR_RETURN(auto n, tx.QueryInt(kInCommunity, community, openid));
  return n.value_or(0) > 0;
}

Result<std::vector<TimelineEntry>> PersonTimeline(Tx& tx, const std::string& openid, int64_t from,
                                                  int64_t to, int limit) {
  return tx.QueryRows<TimelineEntry>(
      kTimeline,
      [](const Stmt& st) {
        return TimelineEntry{st.Int(0), st.Text(1), st.Text(2), st.Text(3), st.Int(4)};
      },
      openid, from, to, limit);
}

}  // namespace gebi::storage
