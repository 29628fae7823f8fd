#include "storage/ladder_store.h"

#include <algorithm>
#include <map>

namespace gebi::storage {

namespace {

// Hours a deadline may be: an hour at least (the scheduler looks every minute), 90 days at most.
constexpr int64_t kMinHours = 1;
constexpr int64_t kMaxHours = 2160;

#define GEBI_LADDER_COLUMNS                                                               \
  "SELECT id, grid_id, community_id, reporter, description, category, priority, status, " \
  "level, claimed_by, claimed_at, done_by, done_at, done_note, rating, rating_note, "     \
  "created_at, updated_at, closed_at, level_since, level_claimed_by, level_claimed_at, "  \
  "reminded_at, urged_at FROM tickets "
constexpr std::string_view kLadderById = GEBI_LADDER_COLUMNS "WHERE id = ?1";
constexpr std::string_view kActiveAtLevel = GEBI_LADDER_COLUMNS
    "WHERE status IN ('open','reopened','claimed') AND (?1 = '' OR level = ?1) "
    "ORDER BY level_since, id LIMIT ?2";
#undef GEBI_LADDER_COLUMNS

// The compare-and-set of every hop: only from the level and the moment the caller saw.
constexpr std::string_view kMoveLevel =
    "UPDATE tickets SET level = ?4, level_since = ?5, level_claimed_by = '', "
    "level_claimed_at = NULL, reminded_at = NULL, updated_at = ?5, "
    "status = CASE WHEN status = 'claimed' THEN 'open' ELSE status END, "
    "claimed_by = CASE WHEN status = 'claimed' THEN '' ELSE claimed_by END, "
    "claimed_at = CASE WHEN status = 'claimed' THEN NULL ELSE claimed_at END "
    "WHERE id = ?1 AND level = ?2 AND level_since = ?3 "
    "AND status IN ('open','reopened','claimed')";
constexpr std::string_view kAccept =
    "UPDATE tickets SET level_claimed_by = ?4, level_claimed_at = ?5, updated_at = ?5 "
    "WHERE id = ?1 AND level = ?2 AND level_since = ?3 AND level_claimed_by = '' "
    "AND status IN ('open','reopened','claimed')";
constexpr std::string_view kRemind =
    "UPDATE tickets SET reminded_at = ?4 "
    "WHERE id = ?1 AND level = ?2 AND level_since = ?3 AND reminded_at IS NULL";
constexpr std::string_view kUrge =
    "UPDATE tickets SET urged_at = ?3 WHERE id = ?1 AND (urged_at IS NULL OR urged_at < ?2)";
constexpr std::string_view kInsertEvent =
    "INSERT INTO ticket_events(ticket_id, at, actor, action, from_status, to_status, note) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

constexpr std::string_view kSelectDeadlines =
    "SELECT category, level, claim_hours, resolve_hours, updated_at FROM escalation_deadlines "
    "ORDER BY category <> '*', category, "
    "CASE level WHEN 'grid' THEN 0 WHEN 'community' THEN 1 WHEN 'street' THEN 2 ELSE 3 END";
constexpr std::string_view kDeadlineFor =
    "SELECT category, level, claim_hours, resolve_hours, updated_at FROM escalation_deadlines "
    "WHERE level = ?2 AND category IN (?1, '*') ORDER BY category = '*' LIMIT 1";
constexpr std::string_view kUpsertDeadline =
    "INSERT INTO escalation_deadlines(category, level, claim_hours, resolve_hours, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(category, level) DO UPDATE SET "
    "claim_hours = excluded.claim_hours, resolve_hours = excluded.resolve_hours, "
    "updated_at = excluded.updated_at";
constexpr std::string_view kDeleteDeadline =
    "DELETE FROM escalation_deadlines WHERE category = ?1 AND level = ?2";
constexpr std::string_view kCategoryExists = "SELECT 1 FROM repair_categories WHERE name = ?1";

// The newest ladder-relevant timeline rows, oldest first within each ticket.
constexpr std::string_view kStayEvents =
    "SELECT ticket_id, at, action, from_status, to_status FROM ("
    "  SELECT id, ticket_id, at, action, from_status, to_status FROM ticket_events "
    "  WHERE action IN ('created','escalated','returned','done','resolved','cancelled','closed',"
    "  'rated') "
    "  ORDER BY id DESC LIMIT ?1) ORDER BY ticket_id, id";
constexpr std::string_view kActivePerLevel =
    "SELECT level, COUNT(*) FROM tickets WHERE status IN ('open','reopened','claimed') "
    "GROUP BY level";
constexpr std::string_view kMissedPerLevel =
    "SELECT from_status, COUNT(*) FROM ticket_events WHERE action = 'escalated' "
    "AND actor = 'system' GROUP BY from_status";

LadderTicket ReadLadder(const Stmt& st) {
  LadderTicket l;
  l.ticket = ReadTicket(st, 0);
  auto opt = [&](int i) { return st.IsNull(i) ? std::optional<int64_t>() : st.Int(i); };
  l.level_since = st.Int(19);
  l.level_claimed_by = st.Text(20);
  l.level_claimed_at = opt(21);
  l.reminded_at = opt(22);
  l.urged_at = opt(23);
  return l;
}

Deadline ReadDeadline(const Stmt& st) {
  return Deadline{st.Text(0), st.Text(1), st.Int(2), st.Int(3), st.Int(4)};
}

}  // namespace

int LevelIndex(std::string_view level) {
  for (size_t i = 0; i < kLadderLevels.size(); ++i) {
    if (kLadderLevels[i] == level) return static_cast<int>(i);
  }
  return -1;
}

std::string_view LevelAbove(std::string_view level) {
  int i = LevelIndex(level);
  if (i < 0 || i + 1 >= static_cast<int>(kLadderLevels.size())) return "";
  return kLadderLevels[i + 1];
}

std::string_view LevelBelow(std::string_view level) {
  int i = LevelIndex(level);
  if (i <= 0) return "";
  return kLadderLevels[i - 1];
}

bool LadderTicket::claimed() const {
  return level_claimed_at.has_value() || (ticket.level == "grid" && ticket.status == "claimed");
}

int64_t LadderTicket::claimed_at() const {
  if (level_claimed_at) return *level_claimed_at;
  if (ticket.level == "grid" && ticket.status == "claimed") return ticket.claimed_at.value_or(0);
  return 0;
}

Result<std::optional<LadderTicket>> GetLadderTicket(Tx& tx, int64_t id) {
  return tx.QueryFirstRow<LadderTicket>(kLadderById, ReadLadder, id);
}

Result<std::vector<LadderTicket>> ActiveLadderTickets(Tx& tx, std::string_view level,
                                                      int limit) {
  return tx.QueryRows<LadderTicket>(kActiveAtLevel, ReadLadder, std::string(level), limit);
}

Result<std::optional<int64_t>> MoveLevel(Tx& tx, int64_t id, const Hop& hop, int64_t now) {
  if (LevelIndex(hop.from) < 0 || LevelIndex(hop.to) < 0) {
    return Status::InvalidArgument("unknown level " + hop.from + " or " + hop.to);
  }
  GEBI_RETURN_IF_ERROR(tx.Run(kMoveLevel, id, hop.from, hop.since, hop.to, now));
  if (tx.Changes() == 0) return std::optional<int64_t>();
  GEBI_RETURN_IF_ERROR(
      tx.Run(kInsertEvent, id, now, hop.actor, hop.action, hop.from, hop.to, hop.note));
  return std::optional<int64_t>(tx.LastInsertId());
}

Result<std::optional<int64_t>> AcceptAtLevel(Tx& tx, int64_t id, std::string_view level,
                                             int64_t since, const std::string& openid,
                                             int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kAccept, id, std::string(level), since, openid, now));
  if (tx.Changes() == 0) return std::optional<int64_t>();
  GEBI_RETURN_IF_ERROR(tx.Run(kInsertEvent, id, now, openid, "accepted", std::string(level),
                              std::string(level), std::string()));
  return std::optional<int64_t>(tx.LastInsertId());
}

Result<bool> MarkReminded(Tx& tx, int64_t id, std::string_view level, int64_t since,
                          int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kRemind, id, std::string(level), since, now));
  return tx.Changes() > 0;
}

Result<bool> MarkUrged(Tx& tx, int64_t id, int64_t not_before, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kUrge, id, not_before, now));
  return tx.Changes() > 0;
}

Result<std::vector<Deadline>> ListDeadlines(Tx& tx) {
  return tx.QueryRows<Deadline>(kSelectDeadlines, ReadDeadline);
}

Result<std::optional<Deadline>> DeadlineFor(Tx& tx, std::string_view category,
                                            std::string_view level) {
  return tx.QueryFirstRow<Deadline>(kDeadlineFor, ReadDeadline, std::string(category),
                                    std::string(level));
}

Status PutDeadline(Tx& tx, const Deadline& d, int64_t now) {
  if (LevelIndex(d.level) < 0) return Status::InvalidArgument("unknown level " + d.level);
  for (int64_t h : {d.claim_hours, d.resolve_hours}) {
    if (h < kMinHours || h > kMaxHours) {
      return Status::InvalidArgument("hours must be 1..2160, not " + std::to_string(h));
    }
  }
  if (d.category != "*") {
    GEBI_ASSIGN_OR_RETURN(auto known, tx.QueryInt(kCategoryExists, d.category));
    if (!known) return Status::InvalidArgument("unknown category " + d.category);
  }
  return tx.Run(kUpsertDeadline, d.category, d.level, d.claim_hours, d.resolve_hours, now);
}

Result<bool> DeleteDeadline(Tx& tx, std::string_view category, std::string_view level) {
  GEBI_RETURN_IF_ERROR(tx.Run(kDeleteDeadline, std::string(category), std::string(level)));
  return tx.Changes() > 0;
}

Result<std::vector<LevelNumbers>> LadderNumbers(Tx& tx, int max_events) {
  std::vector<LevelNumbers> out;
  for (std::string_view level : kLadderLevels) out.push_back(LevelNumbers{std::string(level)});
  auto at = [&](const std::string& level) -> LevelNumbers* {
    int i = LevelIndex(level);
    return i < 0 ? nullptr : &out[static_cast<size_t>(i)];
  };
  struct Pair {
    std::string key;
    int64_t n;
  };
  auto read_pair = [](const Stmt& st) { return Pair{st.Text(0), st.Int(1)}; };
  GEBI_ASSIGN_OR_RETURN(auto active, tx.QueryRows<Pair>(kActivePerLevel, read_pair));
  for (const Pair& p : active) {
    if (LevelNumbers* n = at(p.key)) n->active = p.n;
  }
  GEBI_ASSIGN_OR_RETURN(auto missed, tx.QueryRows<Pair>(kMissedPerLevel, read_pair));
  for (const Pair& p : missed) {
    if (LevelNumbers* n = at(p.key)) n->missed = p.n;
  }
  struct Row {
    int64_t ticket = 0, at = 0;
    std::string action, from, to;
  };
  GEBI_ASSIGN_OR_RETURN(
      auto rows, tx.QueryRows<Row>(
                     kStayEvents,
                     [](const Stmt& st) {
                       return Row{st.Int(0), st.Int(1), st.Text(2), st.Text(3), st.Text(4)};
                     },
                     max_events));
  std::map<std::string, std::vector<int64_t>> stays;
  int64_t ticket = -1;
  std::string level;  // the level of the stay that began at `began` ("" = unknown start)
  int64_t began = 0;
  for (const Row& r : rows) {
    if (r.ticket != ticket) {
      ticket = r.ticket;
      level.clear();
    }
    if (r.action == "created") {
      level = "grid";
      began = r.at;
    } else if (r.action == "escalated" || r.action == "returned") {
      if (!level.empty() && level == r.from) stays[level].push_back(r.at - began);
      level = r.to;
      began = r.at;
    } else if (!level.empty()) {  // done / cancelled / closed / rated: the stay ends
      stays[level].push_back(r.at - began);
      level.clear();
    }
  }
  for (auto& [lv, v] : stays) {
    LevelNumbers* n = at(lv);
    if (n == nullptr || v.empty()) continue;
    std::sort(v.begin(), v.end());
    n->stays = static_cast<int64_t>(v.size());
    n->median_seconds = v[v.size() / 2];
  }
  return out;
}

}  // namespace gebi::storage
