#include "handlers/org/ladder.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "handlers/chat/common.h"

namespace gebi::handlers {

namespace {

using nlohmann::json;

constexpr int64_t kHour = 3600;

}  // namespace

bool HasResidentReporter(const storage::Ticket& t) { return t.reporter.rfind("open311:", 0) != 0; }

Result<std::optional<storage::OrgUnit>> LevelUnit(storage::Tx& tx, const storage::Ticket& t,
                                                  std::string_view level) {
  if (level == "grid") return storage::GetUnit(tx, t.grid_id);
  if (level == "community") return storage::GetUnit(tx, t.community_id);
  if (level == "street" || level == "district") {
    return storage::AncestorOfKind(tx, t.community_id, level);
  }
  return std::optional<storage::OrgUnit>();
}

Result<std::vector<std::string>> LevelPeople(storage::Tx& tx, const storage::Ticket& t,
                                             std::string_view level) {
  GEBI_ASSIGN_OR_RETURN(auto unit, LevelUnit(tx, t, level));
  if (!unit) return std::vector<std::string>();
  return storage::HoldersOf(tx, unit->id, storage::ManagerRoleOf(unit->kind));
}

Result<bool> IsLevelStaff(storage::Tx& tx, const storage::Ticket& t, std::string_view level,
                          const std::string& openid) {
  GEBI_ASSIGN_OR_RETURN(auto people, LevelPeople(tx, t, level));
  return std::find(people.begin(), people.end(), openid) != people.end();
}

Result<std::string> LevelLabel(storage::Tx& tx, const Templates& texts, const storage::Ticket& t,
                               std::string_view level) {
  if (level == "grid") return GridLabel(tx, t.grid_id);
  GEBI_ASSIGN_OR_RETURN(auto unit, LevelUnit(tx, t, level));
  std::string name = unit ? unit->name : "";
  return texts.Render(fmt::format("ladder.where.{}", level), {{"unit", name}});
}

Status AnnounceHop(storage::Tx& tx, const Templates& texts, int64_t now,
                   const storage::Ticket& t, const storage::Hop& hop, int64_t event_id) {
  const std::string id = std::to_string(t.id);
  GEBI_ASSIGN_OR_RETURN(std::string where, LevelLabel(tx, texts, t, hop.to));
  GEBI_ASSIGN_OR_RETURN(std::string from, LevelLabel(tx, texts, t, hop.from));
  GEBI_ASSIGN_OR_RETURN(std::string grid, GridLabel(tx, t.grid_id));
  const bool up = hop.action == "escalated";
  const std::string to_people = texts.Render(
      up ? "ladder.push_escalated" : "ladder.push_returned",
      {{"id", id}, {"from", from}, {"grid", grid}, {"description", t.description},
       {"reason", hop.note}});
  GEBI_ASSIGN_OR_RETURN(auto people, LevelPeople(tx, t, hop.to));
  const json extra{{"ticket_id", t.id}, {"level", hop.to}};
  for (const auto& p : people) {
    if (p == hop.actor) continue;
    GEBI_RETURN_IF_ERROR(QueuePushIn(tx, now, p, "ticket_level", to_people, extra,
                                     fmt::format("ticket_level:{}:{}", event_id, p)));
  }
  if (!HasResidentReporter(t)) return Status::Ok();
  const std::string to_reporter =
      texts.Render("ladder.push_reporter", {{"id", id}, {"where", where}});
  return QueuePushIn(tx, now, t.reporter, "ticket_level", to_reporter, extra,
                     fmt::format("ticket_level:{}:{}", event_id, t.reporter));
}

Result<storage::Deadline> DeadlineOf(storage::Tx& tx, const storage::Ticket& t,
                                     const LadderDefaults& defaults) {
  GEBI_ASSIGN_OR_RETURN(auto row, storage::DeadlineFor(tx, t.category, t.level));
  if (row) return *row;
  return storage::Deadline{"*", t.level, defaults.claim_hours, defaults.resolve_hours, 0};
}

DeadlineAt NextDeadline(const storage::LadderTicket& l, const storage::Deadline& d) {
  if (!l.claimed()) {
    // A reopened ticket waits from when it was last finished, not from when it reached its
    // level: it would otherwise jump up the moment it is reopened.
    int64_t start = std::max(l.level_since, l.ticket.done_at.value_or(0));
    return {start + d.claim_hours * kHour, "claim"};
  }
  const int64_t due = l.claimed_at() + d.resolve_hours * kHour;
  if (!l.reminded_at) return {due, "reminder"};
  return {due + d.resolve_hours * kHour, "resolve"};
}

Result<DeadlineRun> RunDeadlines(storage::Tx& tx, const Templates& texts,
                                 const LadderDefaults& defaults, int64_t now, int max_tickets) {
  DeadlineRun run;
  GEBI_ASSIGN_OR_RETURN(auto active, storage::ActiveLadderTickets(tx, "", max_tickets));
  for (const auto& l : active) {
    const storage::Ticket& t = l.ticket;
    GEBI_ASSIGN_OR_RETURN(storage::Deadline d, DeadlineOf(tx, t, defaults));
    DeadlineAt next = NextDeadline(l, d);
    if (now < next.at) continue;
    const std::string above(storage::LevelAbove(t.level));
    const std::string id = std::to_string(t.id);
    if (next.what == "reminder" || above.empty()) {
      // Claimed and overdue (or overdue at the top): one reminder per level.
      GEBI_ASSIGN_OR_RETURN(bool first, storage::MarkReminded(tx, t.id, t.level, l.level_since, now));
      if (!first) continue;
      const std::string note = texts.Render(
          next.what == "claim" ? "ladder.reason_unclaimed" : "ladder.reason_unresolved",
          {{"hours", std::to_string(next.what == "claim" ? d.claim_hours : d.resolve_hours)}});
      GEBI_ASSIGN_OR_RETURN(
          int64_t ev, storage::AddTicketEvent(tx, storage::TicketEvent{0, t.id, now, "system",
                                                                       "reminded", t.level,
                                                                       t.level, note}));
      const std::string text = texts.Render(
          "ladder.push_reminder", {{"id", id}, {"description", t.description}, {"reason", note}});
      GEBI_ASSIGN_OR_RETURN(auto people, LevelPeople(tx, t, t.level));
      std::string holder = l.level_claimed_by.empty() ? t.claimed_by : l.level_claimed_by;
      if (!holder.empty() && std::find(people.begin(), people.end(), holder) == people.end()) {
        people.push_back(holder);
      }
      for (const auto& p : people) {
        GEBI_RETURN_IF_ERROR(QueuePushIn(tx, now, p, "ticket_reminder", text,
                                         json{{"ticket_id", t.id}, {"level", t.level}},
                                         fmt::format("ticket_reminder:{}:{}", ev, p)));
      }
      ++run.reminded;
      continue;
    }
    const std::string note = texts.Render(
        next.what == "claim" ? "ladder.reason_unclaimed" : "ladder.reason_unresolved",
        {{"hours", std::to_string(next.what == "claim" ? d.claim_hours : 2 * d.resolve_hours)}});
    storage::Hop hop{t.level, l.level_since, above, "system", "escalated", note};
    GEBI_ASSIGN_OR_RETURN(auto ev, storage::MoveLevel(tx, t.id, hop, now));
    if (!ev) continue;  // someone moved or finished it meanwhile
    GEBI_RETURN_IF_ERROR(AnnounceHop(tx, texts, now, t, hop, *ev));
    ++run.escalated;
  }
  return run;
}

}  // namespace gebi::handlers
