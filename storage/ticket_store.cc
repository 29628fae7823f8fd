#include "storage/ticket_store.h"

#include <nlohmann/json.hpp>

namespace gebi::storage {

Ticket ReadTicket(const Stmt& st, int first) {
  auto opt = [&](int col) -> std::optional<int64_t> {
    if (st.IsNull(first + col)) return std::nullopt;
    return st.Int(first + col);
  };
  Ticket t;
  t.id = st.Int(first + 0);
  t.grid_id = st.Int(first + 1);
  t.community_id = st.Int(first + 2);
  t.reporter = st.Text(first + 3);
  t.description = st.Text(first + 4);
  t.category = st.Text(first + 5);
  t.priority = st.Int(first + 6);
  t.status = st.Text(first + 7);
  t.level = st.Text(first + 8);
  t.claimed_by = st.Text(first + 9);
  t.claimed_at = opt(10);
  t.done_by = st.Text(first + 11);
  t.done_at = opt(12);
  t.done_note = st.Text(first + 13);
  t.rating = opt(14);
  t.rating_note = st.Text(first + 15);
  t.created_at = st.Int(first + 16);
  t.updated_at = st.Int(first + 17);
  t.closed_at = opt(18);
  return t;
}

namespace {

// level_since set here: the schema's trigger for inserts without it would rewrite the row.
constexpr std::string_view kInsertTicket =
    "INSERT INTO tickets(grid_id, community_id, reporter, description, category, priority, "
    "status, level, level_since, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'open', 'grid', ?7, ?7, ?7)";
#define GEBI_TICKET_COLUMNS                                                               \
  "SELECT id, grid_id, community_id, reporter, description, category, priority, status, " \
  "level, claimed_by, claimed_at, done_by, done_at, done_note, rating, rating_note, "     \
  "created_at, updated_at, closed_at FROM tickets "
constexpr std::string_view kTicketById = GEBI_TICKET_COLUMNS "WHERE id = ?1";
constexpr std::string_view kLatestOpenOf = GEBI_TICKET_COLUMNS
    "WHERE reporter = ?1 AND status IN ('open','claimed','reopened') AND created_at >= ?2 "
    "ORDER BY id DESC LIMIT 1";
constexpr std::string_view kOfReporter =
    GEBI_TICKET_COLUMNS "WHERE reporter = ?1 ORDER BY id DESC LIMIT ?2";
constexpr std::string_view kActiveOfGrid = GEBI_TICKET_COLUMNS
    "WHERE grid_id = ?1 AND status IN ('open','reopened','claimed') "
    "ORDER BY status = 'claimed', priority DESC, id LIMIT ?2";
constexpr std::string_view kActiveOfCommunity = GEBI_TICKET_COLUMNS
    "WHERE community_id = ?1 AND status IN ('open','reopened','claimed') "
    "ORDER BY status = 'claimed', priority DESC, id LIMIT ?2";
constexpr std::string_view kClaimedBy =
    GEBI_TICKET_COLUMNS "WHERE claimed_by = ?1 AND status = ?2 ORDER BY id DESC LIMIT ?3";
#undef GEBI_TICKET_COLUMNS

// One statement for every transition: the CASEs set the columns the new status implies.
constexpr std::string_view kTransition =
    "UPDATE tickets SET status = ?2, updated_at = ?3, "
    "claimed_by = CASE WHEN ?2 = 'claimed' THEN ?4 WHEN ?2 = 'reopened' THEN '' "
    "  ELSE claimed_by END, "
    "claimed_at = CASE WHEN ?2 = 'claimed' THEN ?3 WHEN ?2 = 'reopened' THEN NULL "
    "  ELSE claimed_at END, "
    "done_by = CASE WHEN ?2 = 'done' THEN ?4 ELSE done_by END, "
    "done_at = CASE WHEN ?2 = 'done' THEN ?3 WHEN ?2 = 'reopened' THEN NULL ELSE done_at END, "
    "done_note = CASE WHEN ?2 = 'done' THEN ?5 ELSE done_note END, "
    "rating = COALESCE(?6, rating), "
    "rating_note = CASE WHEN ?6 IS NOT NULL THEN ?5 ELSE rating_note END, "
    "closed_at = CASE WHEN ?2 IN ('closed','cancelled') THEN COALESCE(closed_at, ?3) "
    "  ELSE NULL END "
    "WHERE id = ?1 AND status IN (SELECT value FROM json_each(?7))";
constexpr std::string_view kInsertEvent =
    "INSERT INTO ticket_events(ticket_id, at, actor, action, from_status, to_status, note) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr std::string_view kSelectEvents =
    "SELECT id, ticket_id, at, actor, action, from_status, to_status, note FROM ticket_events "
    "WHERE ticket_id = ?1 ORDER BY id";
constexpr std::string_view kInsertMedia =
    "INSERT INTO ticket_media(ticket_id, kind, media_id, pic_url, local_path, latitude, "
    "longitude, label, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
constexpr std::string_view kSelectMedia =
    "SELECT id, ticket_id, kind, media_id, pic_url, local_path, latitude, longitude, label, "
    "created_at FROM ticket_media WHERE ticket_id = ?1 ORDER BY id";
constexpr std::string_view kCountAction =
    "SELECT COUNT(*) FROM ticket_events WHERE actor = ?1 AND action = ?2";
// A repair counts as completed while it stays fixed: one reopened (and maybe cancelled) later
// does not, and one redone by someone else counts for them.
constexpr std::string_view kCountCompleted =
    "SELECT COUNT(*) FROM tickets WHERE done_by = ?1 AND status IN ('done','closed')";
constexpr std::string_view kCountLikes =
    "SELECT COUNT(*) FROM ticket_likes l JOIN tickets t ON t.id = l.ticket_id "
    "WHERE t.done_by = ?1";
constexpr std::string_view kCountGoodRatings =
    "SELECT COUNT(*) FROM tickets WHERE done_by = ?1 AND rating >= 4";
constexpr std::string_view kInsertLike =
    "INSERT OR IGNORE INTO ticket_likes(ticket_id, openid, created_at) VALUES (?1, ?2, ?3)";
constexpr std::string_view kStaleEvents =
    "INSERT INTO ticket_events(ticket_id, at, actor, action, from_status, to_status, note) "
    "SELECT id, ?2, 'system', 'closed', 'done', 'closed', 'auto-closed 72 h after done' "
    "FROM tickets WHERE status = 'done' AND done_at <= ?1";
constexpr std::string_view kCloseStale =
    "UPDATE tickets SET status = 'closed', closed_at = ?2, updated_at = ?2 "
    "WHERE status = 'done' AND done_at <= ?1";
constexpr std::string_view kSelectCategories =
    "SELECT name, label, skill FROM repair_categories ORDER BY name";
constexpr std::string_view kSelectCategory =
    "SELECT name, label, skill FROM repair_categories WHERE name = ?1";
constexpr std::string_view kOpenOfReporter =
    "SELECT COUNT(*) FROM tickets WHERE reporter = ?1 AND status IN ('open','claimed','reopened')";
constexpr std::string_view kCreatedSince =
    "SELECT COUNT(*) FROM tickets WHERE reporter = ?1 AND created_at >= ?2";
constexpr std::string_view kSameTextSince =
    "SELECT MAX(id) FROM tickets WHERE reporter = ?1 AND description = ?2 AND created_at >= ?3 "
    "AND status != 'cancelled'";
// Longest keyword first: "热水器" (appliance) wins over "水" (plumbing). Only the matching rows
// are sorted, and no keyword is copied out.
constexpr std::string_view kGuessCategory =
    "SELECT category FROM repair_keywords WHERE keyword != '' AND instr(?1, keyword) > 0 "
    "ORDER BY length(keyword) DESC, keyword LIMIT 1";
constexpr std::string_view kUpsertKeyword =
    "INSERT INTO repair_keywords(keyword, category) VALUES (?1, ?2) "
    "ON CONFLICT(keyword) DO UPDATE SET category = excluded.category";

RepairCategory ReadRepairCategory(const Stmt& st) {
  return RepairCategory{st.Text(0), st.Text(1), st.Text(2)};
}

template <typename... Args>
Result<std::vector<Ticket>> Query(Tx& tx, std::string_view sql, const Args&... args) {
  return tx.QueryRows<Ticket>(
      sql, [](const Stmt& st) { return ReadTicket(st); }, args...);
}

template <typename... Args>
Result<std::optional<Ticket>> QueryOne(Tx& tx, std::string_view sql, const Args&... args) {
  return tx.QueryFirstRow<Ticket>(
      sql, [](const Stmt& st) { return ReadTicket(st); }, args...);
}

}  // namespace

Result<int64_t> CreateTicket(Tx& tx, const Ticket& t, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kInsertTicket, t.grid_id, t.community_id, t.reporter, t.description,
                              t.category, t.priority, now));
  int64_t id = tx.LastInsertId();
  GEBI_RETURN_IF_ERROR(
      tx.Run(kInsertEvent, id, now, t.reporter, "created", "", "open", t.description));
  return id;
}

Result<std::optional<Ticket>> GetTicket(Tx& tx, int64_t id) {
  return QueryOne(tx, kTicketById, id);
}

Result<int64_t> TransitionTicket(Tx& tx, int64_t id, const Transition& tr, int64_t now) {
  GEBI_ASSIGN_OR_RETURN(auto before, GetTicket(tx, id));
  if (!before) return Status::NotFound("no ticket " + std::to_string(id));
  nlohmann::json from = tr.from;
  GEBI_RETURN_IF_ERROR(
      tx.Run(kTransition, id, tr.to, now, tr.actor, tr.note, tr.rating, from.dump()));
  if (tx.Changes() == 0) {
    return Status::FailedPrecondition("ticket " + std::to_string(id) + " is " + before->status);
  }
  return AddTicketEvent(
      tx, TicketEvent{0, id, now, tr.actor, tr.action, before->status, tr.to, tr.note});
}

Result<int64_t> AddTicketEvent(Tx& tx, const TicketEvent& e) {
  GEBI_RETURN_IF_ERROR(tx.Run(kInsertEvent, e.ticket_id, e.at, e.actor, e.action, e.from_status,
                              e.to_status, e.note));
  return tx.LastInsertId();
}

Result<std::vector<TicketEvent>> TicketTimeline(Tx& tx, int64_t id) {
  auto read = [](const Stmt& st) {
    return TicketEvent{st.Int(0),  st.Int(1),  st.Int(2),  st.Text(3),
                       st.Text(4), st.Text(5), st.Text(6), st.Text(7)};
  };
  return tx.QueryRows<TicketEvent>(kSelectEvents, read, id);
}

Result<std::optional<Ticket>> LatestOpenTicketOf(Tx& tx, const std::string& reporter,
                                                 int64_t since) {
  return QueryOne(tx, kLatestOpenOf, reporter, since);
}

Result<int64_t> AddTicketMedia(Tx& tx, const TicketMedia& m) {
  GEBI_RETURN_IF_ERROR(tx.Run(kInsertMedia, m.ticket_id, m.kind, m.media_id, m.pic_url,
                              m.local_path, m.latitude, m.longitude, m.label, m.created_at));
  return tx.LastInsertId();
}

Result<std::vector<TicketMedia>> TicketMediaOf(Tx& tx, int64_t ticket_id) {
  auto read = [](const Stmt& st) {
    TicketMedia m;
    m.id = st.Int(0);
    m.ticket_id = st.Int(1);
    m.kind = st.Text(2);
    m.media_id = st.Text(3);
    m.pic_url = st.Text(4);
    if (!st.IsNull(5)) m.local_path = st.Text(5);
    if (!st.IsNull(6)) m.latitude = st.Double(6);
    if (!st.IsNull(7)) m.longitude = st.Double(7);
    m.label = st.Text(8);
    m.created_at = st.Int(9);
    return m;
  };
  return tx.QueryRows<TicketMedia>(kSelectMedia, read, ticket_id);
}

Result<std::vector<Ticket>> TicketsOfReporter(Tx& tx, const std::string& reporter, int limit) {
  return Query(tx, kOfReporter, reporter, limit);
}

Result<std::vector<Ticket>> ActiveTickets(Tx& tx, std::optional<int64_t> grid_id,
                                          std::optional<int64_t> community_id, int limit) {
  if (grid_id) return Query(tx, kActiveOfGrid, *grid_id, limit);
  if (community_id) return Query(tx, kActiveOfCommunity, *community_id, limit);
  return std::vector<Ticket>();
}

Result<std::vector<Ticket>> TicketsClaimedBy(Tx& tx, const std::string& openid,
                                             std::string_view status, int limit) {
  return Query(tx, kClaimedBy, openid, status, limit);
}

Result<ServiceCounts> ServiceCountsOf(Tx& tx, const std::string& openid) {
  ServiceCounts c;
  GEBI_ASSIGN_OR_RETURN(auto claimed, tx.QueryInt(kCountAction, openid, "claimed"));
  GEBI_ASSIGN_OR_RETURN(auto done, tx.QueryInt(kCountCompleted, openid));
  GEBI_ASSIGN_OR_RETURN(auto likes, tx.QueryInt(kCountLikes, openid));
  GEBI_ASSIGN_OR_RETURN(auto good, tx.QueryInt(kCountGoodRatings, openid));
  c.claimed = claimed.value_or(0);
  c.completed = done.value_or(0);
  c.likes = likes.value_or(0);
  c.good_ratings = good.value_or(0);
  return c;
}

Result<bool> AddLike(Tx& tx, int64_t ticket_id, const std::string& openid, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kInsertLike, ticket_id, openid, now));
  return tx.Changes() > 0;
}

Result<int64_t> CloseStaleTickets(Tx& tx, int64_t cutoff, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kStaleEvents, cutoff, now));
  GEBI_RETURN_IF_ERROR(tx.Run(kCloseStale, cutoff, now));
  return static_cast<int64_t>(tx.Changes());
}

Result<std::vector<RepairCategory>> ListRepairCategories(Tx& tx) {
  return tx.QueryRows<RepairCategory>(kSelectCategories, ReadRepairCategory);
}

Result<std::optional<RepairCategory>> GetRepairCategory(Tx& tx, std::string_view name) {
  return tx.QueryFirstRow<RepairCategory>(kSelectCategory, ReadRepairCategory, name);
}

Result<std::string> GuessCategory(Tx& tx, std::string_view text) {
  GEBI_ASSIGN_OR_RETURN(auto category, tx.QueryText(kGuessCategory, text));
  return category.value_or("other");
}

Status PutRepairKeyword(Tx& tx, std::string_view keyword, std::string_view category) {
  GEBI_ASSIGN_OR_RETURN(auto cat, GetRepairCategory(tx, category));
  if (!cat)
    return Status::InvalidArgument("unknown repair category '" + std::string(category) + "'");
  return tx.Run(kUpsertKeyword, keyword, category);
}

Result<ReporterLoad> LoadOfReporter(Tx& tx, const std::string& reporter, int64_t since,
                                    const std::string& description, int64_t repeat_since) {
  ReporterLoad load;
  GEBI_ASSIGN_OR_RETURN(auto open, tx.QueryInt(kOpenOfReporter, reporter));
  GEBI_ASSIGN_OR_RETURN(auto recent, tx.QueryInt(kCreatedSince, reporter, since));
  GEBI_ASSIGN_OR_RETURN(load.same_text,
                        tx.QueryInt(kSameTextSince, reporter, description, repeat_since));
  load.open = open.value_or(0);
  load.since = recent.value_or(0);
  return load;
}

}  // namespace gebi::storage
