#include "handlers/org/district.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "handlers/chat/common.h"
#include "handlers/org/ladder.h"
#include "storage/ladder_store.h"
#include "storage/open311_store.h"
#include "storage/outbox.h"
#include "storage/ticket_store.h"

namespace gebi::handlers {

namespace {

// District notes are shown to the reporter; longer ones are cut (a WeChat text stays short).
constexpr size_t kMaxNotesBytes = 600;

std::string CutUtf8(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return std::string(s.substr(0, end));
}

}  // namespace

Result<int> QueueDistrictHandoffs(storage::Tx& tx, int64_t now, int limit) {
  GEBI_ASSIGN_OR_RETURN(auto at_district, storage::ActiveLadderTickets(tx, "district", limit));
  int queued = 0;
  for (const auto& l : at_district) {
    GEBI_ASSIGN_OR_RETURN(bool fresh, storage::StartHandoff(tx, l.ticket.id, now));
    if (!fresh) continue;
    storage::OutboxItem item;
    item.recipient = std::string(kDistrictRecipient);
    item.kind = std::string(kDistrictHandoffKind);
    item.payload = nlohmann::json{{"text", ""}, {"ticket_id", l.ticket.id}}.dump();
    item.dedup_key = fmt::format("{}:{}", kDistrictHandoffKind, l.ticket.id);
    GEBI_RETURN_IF_ERROR(storage::Enqueue(tx, item, now).status());
    GEBI_RETURN_IF_ERROR(
        storage::AddTicketEvent(tx, storage::TicketEvent{0, l.ticket.id, now, "system",
                                                         "handed_off", "district", "district",
                                                         ""})
            .status());
    ++queued;
  }
  return queued;
}

Result<bool> ApplyDistrictStatus(storage::Tx& tx, const Templates& texts, int64_t now,
                                 int64_t ticket_id, std::string_view status,
                                 std::string_view raw_notes) {
  const std::string notes = CutUtf8(raw_notes, kMaxNotesBytes);
  const std::string st = status == "closed" ? "closed" : "open";
  GEBI_ASSIGN_OR_RETURN(auto before, storage::GetHandoff(tx, ticket_id));
  if (!before) return Status::NotFound("ticket " + std::to_string(ticket_id) + " not handed off");
  GEBI_ASSIGN_OR_RETURN(bool changed, storage::RecordHandoffPull(tx, ticket_id, st, notes, now));
  // The first pull of a request the district merely has open says nothing new to the reporter.
  const bool first_open = before->remote_status.empty() && st == "open" && notes.empty();
  if (!changed || first_open) return false;
  GEBI_ASSIGN_OR_RETURN(auto t, storage::GetTicket(tx, ticket_id));
  if (!t) return Status::NotFound("no ticket " + std::to_string(ticket_id));
  const bool active = t->status == "open" || t->status == "reopened" || t->status == "claimed";
  int64_t ev = 0;
  if (st == "closed" && active) {
    GEBI_ASSIGN_OR_RETURN(
        ev, storage::TransitionTicket(
                tx, ticket_id,
                {{"open", "reopened", "claimed"}, "done", "district", "resolved", notes}, now));
  } else {
    GEBI_ASSIGN_OR_RETURN(
        ev, storage::AddTicketEvent(tx, storage::TicketEvent{0, ticket_id, now, "district",
                                                             "district_update", t->status,
                                                             t->status, st + " " + notes}));
  }
  if (!HasResidentReporter(*t)) return true;
  const std::string id = std::to_string(ticket_id);
  const std::string text =
      st == "closed" ? texts.Render("ladder.push_district_closed", {{"id", id}, {"note", notes}})
                     : texts.Render("ladder.push_district_update", {{"id", id}, {"note", notes}});
  GEBI_RETURN_IF_ERROR(QueuePushIn(tx, now, t->reporter, "ticket_level", text,
                                   nlohmann::json{{"ticket_id", ticket_id}, {"level", "district"}},
                                   fmt::format("ticket_district:{}:{}", ev, t->reporter)));
  return true;
}

}  // namespace gebi::handlers
