// The escalation ladder's chat commands. Every refusal (no number, unknown ticket, not the
// sender's level, finished ticket, missing reason, already urged today) is one line that says
// what to do instead, and changes nothing.
#include "handlers/chat/ladder.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "handlers/chat/common.h"
#include "handlers/chat/phrases.h"
#include "handlers/org/ladder.h"
#include "handlers/normalize.h"
#include "storage/ladder_store.h"
#include "storage/org_store.h"
#include "storage/ticket_store.h"

namespace gebi::handlers {

namespace {

using nlohmann::json;

// A reason or a note is a sentence or two (the same cap as a repair description).
constexpr size_t kMaxReasonBytes = 600;
// 催办 counts once per this many seconds.
constexpr int64_t kUrgeEverySeconds = 24 * 3600;
// The reporter's tickets looked at when 催办 comes without a number.
constexpr int kOwnTickets = 10;

bool Active(const storage::Ticket& t) {
  return t.status == "open" || t.status == "reopened" || t.status == "claimed";
}

struct Loaded {
  storage::LadderTicket l;
  std::string id;
  std::string rest;  // the sender's words after the number, as written
};

// Ticket N of "CMD N rest"; on a user mistake sets *reply and returns nullopt.
Result<std::optional<Loaded>> Load(Context& ctx, std::string_view usage_key, Reply* reply) {
  NumberArgs a = ParseNumberAndRest(ctx.args);
  if (a.number < 0) {
    *reply = Text(ctx, usage_key);
    return std::optional<Loaded>();
  }
  const std::string id = std::to_string(a.number);
  GEBI_ASSIGN_OR_RETURN(auto l, storage::GetLadderTicket(ctx.tx, a.number));
  if (!l) {
    *reply = Text(ctx, "ticket.unknown", {{"id", id}});
    return std::optional<Loaded>();
  }
  return std::optional<Loaded>(Loaded{std::move(*l), id, TrimPunct(RawTail(ctx, a.rest))});
}

// The refusals every staff command shares, in order: a finished ticket, not the sender's
// level. Returns the reply, or nullopt when the sender may act.
Result<std::optional<Reply>> StaffRefusal(Context& ctx, const Loaded& x) {
  const storage::Ticket& t = x.l.ticket;
  if (!Active(t)) {
    return std::optional<Reply>(
        Text(ctx, "ladder.finished",
             {{"id", x.id}, {"status", ctx.templates.Render("ticket.status." + t.status)}}));
  }
  GEBI_ASSIGN_OR_RETURN(bool mine, IsLevelStaff(ctx.tx, t, t.level, ctx.msg.from_user));
  if (mine) return std::optional<Reply>();
  GEBI_ASSIGN_OR_RETURN(std::string where, LevelLabel(ctx.tx, ctx.templates, t, t.level));
  if (t.reporter == ctx.msg.from_user) {
    return std::optional<Reply>(Text(ctx, "ladder.reporter_urge", {{"id", x.id}, {"where", where}}));
  }
  return std::optional<Reply>(Text(ctx, "ladder.not_your_level", {{"id", x.id}, {"where", where}}));
}

// Pushes t's reporter one line (kind ticket_level), keyed by the timeline row.
Status TellReporter(Context& ctx, const storage::Ticket& t, const std::string& text,
                    int64_t event_id) {
  if (!HasResidentReporter(t)) return Status::Ok();
  return QueuePush(ctx, t.reporter, "ticket_level", text,
                   json{{"ticket_id", t.id}, {"level", t.level}},
                   fmt::format("ticket_level:{}:{}", event_id, t.reporter));
}

}  // namespace

Result<Reply> HandleEscalate(Context& ctx) {
  Reply reply;
  GEBI_ASSIGN_OR_RETURN(auto x, Load(ctx, "ladder.escalate_usage", &reply));
  if (!x) return reply;
  const storage::Ticket& t = x->l.ticket;
  // The grid worker (or staff above the grid) may send a grid-level ticket up; above the grid
  // only the level's own staff may.
  if (t.level == "grid" && Active(t)) {
    GEBI_ASSIGN_OR_RETURN(bool manage, storage::CanManage(ctx.tx, ctx.msg.from_user, t.grid_id));
    if (!manage) {
      GEBI_ASSIGN_OR_RETURN(auto refusal, StaffRefusal(ctx, *x));
      if (refusal) return *refusal;
    }
  } else {
    GEBI_ASSIGN_OR_RETURN(auto refusal, StaffRefusal(ctx, *x));
    if (refusal) return *refusal;
  }
  const std::string above(storage::LevelAbove(t.level));
  if (above.empty()) return Text(ctx, "ladder.at_top", {{"id", x->id}});
  if (x->rest.empty()) return Text(ctx, "ladder.escalate_reason", {{"id", x->id}});
  if (x->rest.size() > kMaxReasonBytes) return Text(ctx, "ladder.too_long");
  storage::Hop hop{t.level, x->l.level_since, above, ctx.msg.from_user, "escalated", x->rest};
  GEBI_ASSIGN_OR_RETURN(auto ev, storage::MoveLevel(ctx.tx, t.id, hop, ctx.now));
  if (!ev) return Text(ctx, "ladder.moved_meanwhile", {{"id", x->id}});
  GEBI_RETURN_IF_ERROR(AnnounceHop(ctx.tx, ctx.templates, ctx.now, t, hop, *ev));
  GEBI_ASSIGN_OR_RETURN(std::string where, LevelLabel(ctx.tx, ctx.templates, t, above));
  return Text(ctx, "ladder.escalated", {{"id", x->id}, {"where", where}});
}

Result<Reply> HandleUrge(Context& ctx) {
  // Without a number: the sender's newest ticket still to solve.
  if (ParseNumberAndRest(ctx.args).number < 0) {
    GEBI_ASSIGN_OR_RETURN(auto own,
                          storage::TicketsOfReporter(ctx.tx, ctx.msg.from_user, kOwnTickets));
    for (const auto& t : own) {
      if (!Active(t)) continue;
      ctx.args = std::to_string(t.id) + " " + ctx.args;
      break;
    }
  }
  Reply reply;
  GEBI_ASSIGN_OR_RETURN(auto x, Load(ctx, "ladder.urge_usage", &reply));
  if (!x) return reply;
  const storage::Ticket& t = x->l.ticket;
  if (t.reporter != ctx.msg.from_user) return Text(ctx, "ticket.reporter_only", {{"id", x->id}});
  if (!Active(t)) {
    return Text(ctx, "ladder.finished",
                {{"id", x->id}, {"status", ctx.templates.Render("ticket.status." + t.status)}});
  }
  GEBI_ASSIGN_OR_RETURN(std::string where, LevelLabel(ctx.tx, ctx.templates, t, t.level));
  GEBI_ASSIGN_OR_RETURN(bool first,
                        storage::MarkUrged(ctx.tx, t.id, ctx.now - kUrgeEverySeconds, ctx.now));
  if (!first) return Text(ctx, "ladder.urged_today", {{"id", x->id}, {"where", where}});
  GEBI_ASSIGN_OR_RETURN(int64_t ev, storage::AddTicketEvent(
                                        ctx.tx, storage::TicketEvent{0, t.id, ctx.now,
                                                                     ctx.msg.from_user, "urged",
                                                                     t.level, t.level, ""}));
  GEBI_ASSIGN_OR_RETURN(auto people, LevelPeople(ctx.tx, t, t.level));
  std::string holder = x->l.level_claimed_by.empty() ? t.claimed_by : x->l.level_claimed_by;
  if (!holder.empty() && std::find(people.begin(), people.end(), holder) == people.end()) {
    people.push_back(holder);
  }
  const std::string text =
      ctx.templates.Render("ladder.push_urged", {{"id", x->id}, {"description", t.description}});
  for (const auto& p : people) {
    GEBI_RETURN_IF_ERROR(QueuePush(ctx, p, "ticket_urged", text,
                                   json{{"ticket_id", t.id}, {"level", t.level}},
                                   fmt::format("ticket_urged:{}:{}", ev, p)));
  }
  return Text(ctx, "ladder.urged", {{"id", x->id}, {"where", where}});
}

Result<Reply> HandleAccept(Context& ctx) {
  Reply reply;
  GEBI_ASSIGN_OR_RETURN(auto x, Load(ctx, "ladder.accept_usage", &reply));
  if (!x) return reply;
  const storage::Ticket& t = x->l.ticket;
  GEBI_ASSIGN_OR_RETURN(auto refusal, StaffRefusal(ctx, *x));
  if (refusal) return *refusal;
  if (x->l.claimed()) {
    std::string holder = x->l.level_claimed_by.empty() ? t.claimed_by : x->l.level_claimed_by;
    if (holder == ctx.msg.from_user) return Text(ctx, "ladder.accepted_already", {{"id", x->id}});
    return Text(ctx, "ladder.taken", {{"id", x->id}});
  }
  std::optional<int64_t> ev;
  if (t.level == "grid") {
    // At grid level 受理 is the grid worker's 接单.
    GEBI_ASSIGN_OR_RETURN(
        int64_t e, storage::TransitionTicket(
                       ctx.tx, t.id,
                       {{"open", "reopened"}, "claimed", ctx.msg.from_user, "claimed", ""},
                       ctx.now));
    ev = e;
  } else {
    GEBI_ASSIGN_OR_RETURN(ev, storage::AcceptAtLevel(ctx.tx, t.id, t.level, x->l.level_since,
                                                     ctx.msg.from_user, ctx.now));
    if (!ev) return Text(ctx, "ladder.moved_meanwhile", {{"id", x->id}});
  }
  GEBI_ASSIGN_OR_RETURN(std::string where, LevelLabel(ctx.tx, ctx.templates, t, t.level));
  GEBI_RETURN_IF_ERROR(TellReporter(
      ctx, t, ctx.templates.Render("ladder.push_accepted", {{"id", x->id}, {"where", where}}),
      *ev));
  return Text(ctx, "ladder.accepted", {{"id", x->id}, {"description", t.description}});
}

Result<Reply> HandleSendBack(Context& ctx) {
  Reply reply;
  GEBI_ASSIGN_OR_RETURN(auto x, Load(ctx, "ladder.send_back_usage", &reply));
  if (!x) return reply;
  const storage::Ticket& t = x->l.ticket;
  GEBI_ASSIGN_OR_RETURN(auto refusal, StaffRefusal(ctx, *x));
  if (refusal) return *refusal;
  const std::string below(storage::LevelBelow(t.level));
  if (below.empty()) return Text(ctx, "ladder.at_bottom", {{"id", x->id}});
  if (x->rest.empty()) return Text(ctx, "ladder.send_back_reason", {{"id", x->id}});
  if (x->rest.size() > kMaxReasonBytes) return Text(ctx, "ladder.too_long");
  storage::Hop hop{t.level, x->l.level_since, below, ctx.msg.from_user, "returned", x->rest};
  GEBI_ASSIGN_OR_RETURN(auto ev, storage::MoveLevel(ctx.tx, t.id, hop, ctx.now));
  if (!ev) return Text(ctx, "ladder.moved_meanwhile", {{"id", x->id}});
  GEBI_RETURN_IF_ERROR(AnnounceHop(ctx.tx, ctx.templates, ctx.now, t, hop, *ev));
  GEBI_ASSIGN_OR_RETURN(std::string where, LevelLabel(ctx.tx, ctx.templates, t, below));
  return Text(ctx, "ladder.sent_back", {{"id", x->id}, {"where", where}});
}

Result<Reply> HandleResolve(Context& ctx) {
  Reply reply;
  GEBI_ASSIGN_OR_RETURN(auto x, Load(ctx, "ladder.resolve_usage", &reply));
  if (!x) return reply;
  const storage::Ticket& t = x->l.ticket;
  GEBI_ASSIGN_OR_RETURN(auto refusal, StaffRefusal(ctx, *x));
  if (refusal) return *refusal;
  if (x->rest.empty()) return Text(ctx, "ladder.resolve_note", {{"id", x->id}});
  if (x->rest.size() > kMaxReasonBytes) return Text(ctx, "ladder.too_long");
  GEBI_ASSIGN_OR_RETURN(
      int64_t ev,
      storage::TransitionTicket(
          ctx.tx, t.id,
          {{"open", "reopened", "claimed"}, "done", ctx.msg.from_user, "resolved", x->rest},
          ctx.now));
  GEBI_ASSIGN_OR_RETURN(std::string where, LevelLabel(ctx.tx, ctx.templates, t, t.level));
  GEBI_RETURN_IF_ERROR(TellReporter(
      ctx, t,
      ctx.templates.Render("ladder.push_resolved",
                           {{"id", x->id}, {"where", where}, {"note", x->rest}}),
      ev));
  // Whoever held it at grid level hears it is finished.
  if (t.status == "claimed" && t.claimed_by != ctx.msg.from_user) {
    GEBI_RETURN_IF_ERROR(QueuePush(
        ctx, t.claimed_by, "ticket_done",
        ctx.templates.Render("ladder.push_resolved_holder",
                             {{"id", x->id}, {"where", where}, {"note", x->rest}}),
        json{{"ticket_id", t.id}}, fmt::format("ticket_done:{}:{}", ev, t.claimed_by)));
  }
  return Text(ctx, "ladder.resolved", {{"id", x->id}});
}

}  // namespace gebi::handlers
