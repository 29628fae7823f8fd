// The escalation ladder of repair tickets: grid -> community -> street -> district. A ticket's
// level, since when it sits there, who took it at that level (受理), the overdue reminder and
// the reporter's last 催办; the editable deadlines per category and level; the numbers of the
// console's escalation board. Every change is a compare-and-set on (id, level, level_since), so
// two processes (or a retried scheduler run) never move a ticket twice. Free functions over the
// caller's Tx; no state of their own.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.h"
#include "storage/ticket_store.h"

namespace gebi::storage {

// The levels, lowest first.
inline constexpr std::array<std::string_view, 4> kLadderLevels = {"grid", "community", "street",
                                                                  "district"};
// 0..3 for a level, -1 for anything else.
int LevelIndex(std::string_view level);
// The level above / below, or "" at the top / bottom (and for an unknown level).
std::string_view LevelAbove(std::string_view level);
std::string_view LevelBelow(std::string_view level);

// A ticket with its ladder columns.
struct LadderTicket {
  Ticket ticket;
  int64_t level_since = 0;           // when it reached its level
  std::string level_claimed_by;      // who took it at this level (受理); "" when nobody
  std::optional<int64_t> level_claimed_at;
  std::optional<int64_t> reminded_at;  // the overdue reminder at this level went out
  std::optional<int64_t> urged_at;     // the reporter's last 催办

  // Whether someone has taken it at its level: 受理 at any level, or 接单 (status claimed) at
  // grid level. claimed_at() is when (0 when nobody).
  bool claimed() const;
  int64_t claimed_at() const;
};

Result<std::optional<LadderTicket>> GetLadderTicket(Tx& tx, int64_t id);
// Tickets still to solve (open, reopened, claimed) at level ("" = every level), oldest at
// their level first; at most limit.
Result<std::vector<LadderTicket>> ActiveLadderTickets(Tx& tx, std::string_view level, int limit);

// One hop: moves ticket id from level `from` (there since `since`) to level `to`, forgets who
// took it there (a claimed ticket becomes open again: the new level decides who works on it)
// and appends a timeline row (action, from_status = from, to_status = to, note). Returns the
// timeline row's id, or nullopt when the ticket is no longer at (from, since) or no longer to
// solve (someone else moved or finished it first: nothing changed).
struct Hop {
  std::string from;
  int64_t since = 0;
  std::string to;
  std::string actor;   // openid, or "system"
  std::string action;  // escalated | returned
  std::string note;    // the reason
};
Result<std::optional<int64_t>> MoveLevel(Tx& tx, int64_t id, const Hop& hop, int64_t now);

// 受理 at a level above grid: openid takes ticket id while it is at (level, since) and nobody
// took it there. Returns the timeline row's id ("accepted"), or nullopt when that no longer
// holds.
Result<std::optional<int64_t>> AcceptAtLevel(Tx& tx, int64_t id, std::string_view level,
                                             int64_t since, const std::string& openid,
                                             int64_t now);
// The overdue reminder at (level, since): true when this call set it (a second call, or a
// second process, gets false and must not remind again).
Result<bool> MarkReminded(Tx& tx, int64_t id, std::string_view level, int64_t since,
                          int64_t now);
// 催办: true when the reporter had not urged since not_before (and now has: urged_at = now).
Result<bool> MarkUrged(Tx& tx, int64_t id, int64_t not_before, int64_t now);

// Deadlines: hours an unclaimed ticket waits at a level before it goes up (claim_hours), and
// hours a claimed one may stay unresolved before a reminder (and as long again before it goes
// up: resolve_hours). category "*" is every category without its own row.
struct Deadline {
  std::string category;
  std::string level;
  int64_t claim_hours = 24;
  int64_t resolve_hours = 72;
  int64_t updated_at = 0;
};
// Sorted by category ("*" first) then level (grid first).
Result<std::vector<Deadline>> ListDeadlines(Tx& tx);
// The row for (category, level), else ("*", level), else nullopt (the caller's default).
Result<std::optional<Deadline>> DeadlineFor(Tx& tx, std::string_view category,
                                            std::string_view level);
// Inserts or replaces a row. InvalidArgument for an unknown level or category (not "*" and not
// a repair category) or hours outside 1..2160.
Status PutDeadline(Tx& tx, const Deadline& d, int64_t now);
// True when a row was removed.
Result<bool> DeleteDeadline(Tx& tx, std::string_view category, std::string_view level);

// Numbers of the console's board, per level (in kLadderLevels order).
struct LevelNumbers {
  std::string level;
  int64_t active = 0;          // tickets to solve at this level now
  int64_t median_seconds = 0;  // median time tickets spent at this level (finished stays)
  int64_t stays = 0;           // how many finished stays the median is over
  int64_t missed = 0;          // deadlines missed here: the scheduler moved them up
};
// Stays are measured from the timeline: a stay at a level begins at creation (grid) or at the
// hop onto it, and ends at the next hop or at done / cancelled / closed. Over at most the
// newest max_events timeline rows of ladder and finishing actions.
Result<std::vector<LevelNumbers>> LadderNumbers(Tx& tx, int max_events);

}  // namespace gebi::storage
