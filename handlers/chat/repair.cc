// Repairs (S3): 报修 creates a ticket in the sender's grid (category guessed from the editable
// keyword lists, priority for elderly residents living alone) and queues pushes to the grid's
// workers and the best-matching volunteers; 接单 / 完成 / 评价 / 点赞 / 没修好 / 取消报修 move it
// through open -> claimed -> done -> closed (+ reopened, cancelled), each change a timeline row.
// Photos and locations sent within 10 minutes attach to the sender's latest open ticket.
#include "handlers/chat/repair.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "handlers/chat/common.h"
#include "handlers/chat/moderation.h"
#include "handlers/chat/join.h"
#include "handlers/chat/phrases.h"
#include "handlers/normalize.h"
#include "storage/media_store.h"
#include "storage/moderation_store.h"
#include "storage/org_store.h"
#include "storage/outbox.h"
#include "storage/ticket_store.h"
#include "storage/volunteer_store.h"

namespace gebi::handlers {

namespace {

using nlohmann::json;

// A photo or location this soon after 报修 belongs to that ticket.
constexpr int64_t kMediaWindowSeconds = 10 * 60;
// A done ticket nobody rated closes by itself after this.
constexpr int64_t kAutoCloseSeconds = 72 * 3600;
// Volunteers pushed per new ticket: enough that someone answers, few enough not to spam.
constexpr int kVolunteersPerTicket = 3;
// Replies list at most this many tickets (a WeChat text shows ~2000 characters); 更多 pages on.
constexpr int kMaxListed = 10;
// A list pages through at most this many rows: past that, the console is the place to look.
constexpr int kMaxPaged = 200;
// Matched volunteers looked at for a priority ticket (only vetted ones are asked).
constexpr int kVettedCandidates = 20;
// What people add to 报修 that says nothing about what is broken.
constexpr std::string_view kEmptyDescriptions[] = {"一下", "下", "吧", "了", "啊", "呀", "一下吧",
                                                   "东西", "一下东西"};
// A repair description is a sentence or two.
constexpr size_t kMaxDescriptionBytes = 600;

std::string StatusLabel(const Context& ctx, const std::string& status) {
  return ctx.templates.Render("ticket.status." + status);
}

Result<std::string> CategoryLabel(storage::Tx& tx, const std::string& category) {
  GEBI_ASSIGN_OR_RETURN(auto c, storage::GetRepairCategory(tx, category));
  return c ? c->label : category;
}

// What to call the person who acted, in a push to a resident: their name if they are a
// resident, else their role.
Result<std::string> ActorName(Context& ctx, const std::string& openid) {
  GEBI_ASSIGN_OR_RETURN(auto r, storage::GetResident(ctx.tx, openid));
  GEBI_ASSIGN_OR_RETURN(auto v, storage::GetVolunteer(ctx.tx, openid));
  std::string role = v && v->active ? "志愿者" : "网格员";
  if (r && !r->name.empty()) return role + r->name;
  return role;
}

// Loads ticket N from args for a command; on a user mistake sets *reply and returns nullopt.
struct Loaded {
  storage::Ticket ticket;
  std::string rest;
  std::string id;
};
// mine: for reporter commands, the statuses of the sender's own ticket that the command means
// when no number is given (the latest such ticket is taken). Without a number and without such
// a ticket, the command asks for the number and takes the next message as it.
Result<std::optional<Loaded>> Load(Context& ctx, std::string_view usage_key, Reply* reply,
                                   std::initializer_list<std::string_view> mine = {}) {
  GEBI_RETURN_IF_ERROR(
      storage::CloseStaleTickets(ctx.tx, ctx.now - kAutoCloseSeconds, ctx.now).status());
  NumberArgs a = ParseNumberAndRest(ctx.args);
  if (a.number < 0 && mine.size() > 0) {
    GEBI_ASSIGN_OR_RETURN(auto own, storage::TicketsOfReporter(ctx.tx, ctx.msg.from_user, kMaxListed));
    for (const auto& t : own) {
      if (std::find(mine.begin(), mine.end(), t.status) == mine.end()) continue;
      std::string id = std::to_string(t.id);
      return std::optional<Loaded>(Loaded{t, RawTail(ctx, ctx.args), id});
    }
  }
  if (a.number < 0) {
    if (ctx.rule != nullptr && ctx.rule->target_kind == "handler" && ctx.args.empty()) {
      GEBI_RETURN_IF_ERROR(AskNext(ctx, ctx.rule->target, "", usage_key));
    }
    *reply = Text(ctx, usage_key);
    return std::optional<Loaded>();
  }
  GEBI_ASSIGN_OR_RETURN(auto t, storage::GetTicket(ctx.tx, a.number));
  std::string id = std::to_string(a.number);
  if (!t) {
    *reply = Text(ctx, "ticket.unknown", {{"id", id}});
    return std::optional<Loaded>();
  }
  return std::optional<Loaded>(Loaded{std::move(*t), RawTail(ctx, a.rest), id});
}

// Reporter-only commands: others get one line and nothing changes.
bool IsReporter(const Context& ctx, const storage::Ticket& t) {
  return t.reporter == ctx.msg.from_user;
}

// May the sender work on t? Managers of its grid (worker or staff above), or an active
// volunteer of its community.
Result<bool> MayWork(Context& ctx, const storage::Ticket& t) {
  GEBI_ASSIGN_OR_RETURN(bool manage, storage::CanManage(ctx.tx, ctx.msg.from_user, t.grid_id));
  if (manage) return true;
  GEBI_ASSIGN_OR_RETURN(auto v, storage::GetVolunteer(ctx.tx, ctx.msg.from_user));
  return v && v->active && v->community_id == t.community_id;
}

// Pushes text to every worker of t's grid except `except`.
Status PushWorkers(Context& ctx, const storage::Ticket& t, std::string_view kind,
                   const std::string& text, int64_t event_id, const std::string& except) {
  GEBI_ASSIGN_OR_RETURN(auto workers, GridWorkers(ctx.tx, t.grid_id));
  for (const auto& w : workers) {
    if (w == except) continue;
    GEBI_RETURN_IF_ERROR(QueuePush(ctx, w, kind, text,
                                   json{{"ticket_id", t.id}, {"grid_id", t.grid_id}},
                                   fmt::format("{}:{}:{}", kind, event_id, w)));
  }
  return Status::Ok();
}

Status PushOne(Context& ctx, const storage::Ticket& t, const std::string& to, std::string_view kind,
               const std::string& text, int64_t event_id) {
  return QueuePush(ctx, to, kind, text, json{{"ticket_id", t.id}, {"grid_id", t.grid_id}},
                   fmt::format("{}:{}:{}", kind, event_id, to));
}

// Whether openid is a volunteer staff have vetted (认证): only they see who and where.
Result<bool> Vetted(Context& ctx, const std::string& openid) {
  GEBI_ASSIGN_OR_RETURN(auto v, storage::GetVolunteer(ctx.tx, openid));
  return v && v->active && v->vetted_at.has_value();
}

// How the reporter reaches whoever claimed t: the volunteer's phone when they agreed to share
// it, else the grid's contact.
Result<std::string> ReachClaimer(Context& ctx, const storage::Ticket& t, const std::string& who) {
  GEBI_ASSIGN_OR_RETURN(auto v, storage::GetVolunteer(ctx.tx, who));
  if (v && v->share_phone) {
    GEBI_ASSIGN_OR_RETURN(auto r, storage::GetResident(ctx.tx, who));
    if (r && !r->phone.empty()) return ctx.templates.Render("reach.phone", {{"phone", r->phone}});
  }
  GEBI_ASSIGN_OR_RETURN(auto grid, storage::GetUnit(ctx.tx, t.grid_id));
  std::string contact = grid && !grid->contact.empty() ? grid->contact
                                                        : ctx.templates.Render("join.no_contact");
  return ctx.templates.Render("reach.grid", {{"contact", contact}});
}

// One page of lines with the "还有 N 条" line when more wait (and the cursor for 更多).
Result<std::string> Page(Context& ctx, std::string_view list, const std::vector<std::string>& all,
                         int offset) {
  std::string lines;
  const size_t from = std::min(all.size(), static_cast<size_t>(std::max(offset, 0)));
  const size_t to = std::min(all.size(), from + kMaxListed);
  for (size_t i = from; i < to; ++i) lines += (lines.empty() ? "" : "\n") + all[i];
  if (to < all.size()) {
    GEBI_RETURN_IF_ERROR(SaveMore(ctx, list, static_cast<int>(to)));
    lines += "\n" + MoreLine(ctx, all.size() - to);
  } else {
    GEBI_RETURN_IF_ERROR(DropMore(ctx));
  }
  return lines;
}

}  // namespace

Result<Reply> HandleRepair(Context& ctx) {
  GEBI_ASSIGN_OR_RETURN(auto resident, storage::GetResident(ctx.tx, ctx.msg.from_user));
  if (!resident) return NotMemberYet(ctx, "repair.join_first");
  // A phrase found inside the text (…坏了, 帮我修…) is part of the description: keep it all.
  const bool phrase = ctx.rule != nullptr && ctx.rule->match_kind == "contains";
  const std::string source = phrase ? ctx.text : ctx.args;
  const std::string description = TrimPunct(RawTail(ctx, source));
  bool empty = description.empty();
  for (std::string_view filler : kEmptyDescriptions) empty = empty || description == filler;
  if (empty) {
    GEBI_RETURN_IF_ERROR(AskNext(ctx, "repair", "", "repair.ask"));
    return Text(ctx, "repair.ask");
  }
  if (description.size() > kMaxDescriptionBytes) return Text(ctx, "repair.too_long");
  GEBI_ASSIGN_OR_RETURN(auto community,
                        storage::AncestorOfKind(ctx.tx, resident->grid_id, "community"));
  if (!community) return NotMemberYet(ctx, "repair.join_first");
  // Per-sender limits: twenty 报修 in a row must not make twenty tickets and sixty pushes.
  const HandlerSettings::Limits& lim = ctx.settings.limits;
  GEBI_ASSIGN_OR_RETURN(
      storage::ReporterLoad load,
      storage::LoadOfReporter(ctx.tx, ctx.msg.from_user, ctx.now - 3600, description,
                              ctx.now - int64_t{lim.repeat_repair_minutes} * 60));
  if (lim.repeat_repair_minutes > 0 && load.same_text) {
    return Text(ctx, "repair.already_reported", {{"id", std::to_string(*load.same_text)}});
  }
  if (lim.open_tickets_per_resident > 0 && load.open >= lim.open_tickets_per_resident) {
    return Text(ctx, "repair.too_many_open",
                {{"max", std::to_string(lim.open_tickets_per_resident)}});
  }
  if (lim.repairs_per_hour > 0 && load.since >= lim.repairs_per_hour) {
    return Text(ctx, "repair.too_many_recent", {{"max", std::to_string(lim.repairs_per_hour)}});
  }

  storage::Ticket t;
  t.grid_id = resident->grid_id;
  t.community_id = community->id;
  t.reporter = ctx.msg.from_user;
  t.description = description;
  GEBI_ASSIGN_OR_RETURN(t.category, storage::GuessCategory(ctx.tx, source));
  t.priority = resident->elderly_alone ? 1 : 0;
  GEBI_ASSIGN_OR_RETURN(t.id, storage::CreateTicket(ctx.tx, t, ctx.now));
  GEBI_ASSIGN_OR_RETURN(auto category, storage::GetRepairCategory(ctx.tx, t.category));
  std::string label = category ? category->label : t.category;
  GEBI_ASSIGN_OR_RETURN(std::string grid, GridLabel(ctx.tx, t.grid_id));
  std::string id = std::to_string(t.id);
  // Sparks, smoke, gas: a line of what to do right now, and the worker sees it marked urgent.
  const std::string safety_key = "safety." + t.category;
  const bool danger = ctx.templates.Has(safety_key);
  const std::string urgent = danger ? ctx.templates.Render("ticket.urgent_mark") : "";
  std::string priority =
      urgent + (t.priority > 0 ? ctx.templates.Render("ticket.priority_mark") : "");

  GEBI_ASSIGN_OR_RETURN(auto workers, GridWorkers(ctx.tx, t.grid_id));
  std::string to_worker =
      ctx.templates.Render("push.ticket_new_worker", {{"id", id},
                                                      {"priority", priority},
                                                      {"grid", grid},
                                                      {"room", resident->building + resident->room},
                                                      {"name", resident->name},
                                                      {"description", t.description},
                                                      {"category", label}});
  for (const auto& w : workers) {
    GEBI_RETURN_IF_ERROR(QueuePush(ctx, w, "ticket_new", to_worker,
                                   json{{"ticket_id", t.id},
                                        {"grid_id", t.grid_id},
                                        {"category", t.category},
                                        {"priority", t.priority}},
                                   fmt::format("ticket_new:{}:{}", t.id, w)));
  }
  int volunteers = 0;
  json to_volunteers = json::array();
  if (category && !category->skill.empty()) {
    // A priority ticket (an elderly resident living alone) goes only to vetted volunteers.
    GEBI_ASSIGN_OR_RETURN(
        auto matched,
        storage::MatchVolunteers(ctx.tx, t.community_id, category->skill, ctx.msg.from_user,
                                 t.priority > 0 ? kVettedCandidates : kVolunteersPerTicket));
    // Unvetted volunteers learn what is broken and where roughly (the grid), not who or which
    // door: the flag and the room wait until staff vetted them (认证).
    std::string to_volunteer =
        ctx.templates.Render("push.ticket_new_volunteer", {{"id", id},
                                                           {"priority", urgent},
                                                           {"grid", grid},
                                                           {"description", t.description},
                                                           {"category", label}});
    std::string to_vetted = ctx.templates.Render(
        "push.ticket_new_volunteer",
        {{"id", id},
         {"priority", priority},
         {"grid", grid + " " + resident->building + resident->room},
         {"description", t.description},
         {"category", label}});
    for (const auto& v : matched) {
      if (volunteers >= kVolunteersPerTicket) break;
      bool is_worker = std::find(workers.begin(), workers.end(), v) != workers.end();
      if (is_worker) continue;
      GEBI_ASSIGN_OR_RETURN(auto vol, storage::GetVolunteer(ctx.tx, v));
      const bool vetted = vol && vol->vetted_at.has_value();
      if (t.priority > 0 && !vetted) continue;
      ++volunteers;
      to_volunteers.push_back(PendingPush(v, "ticket_new", vetted ? to_vetted : to_volunteer,
                                          json{{"ticket_id", t.id},
                                               {"grid_id", t.grid_id},
                                               {"category", t.category},
                                               {"skill", category->skill}},
                                          fmt::format("ticket_new:{}:{}", t.id, v)));
    }
  }
  // The ticket and the grid worker's push stand whatever happens; the relay of the resident's
  // words to volunteers is screened (handlers/chat/moderation.h) and may wait for a manager.
  std::string held_note;
  if (!to_volunteers.empty()) {
    Relay relay;
    relay.kind = "repair";
    relay.sender = ctx.msg.from_user;
    relay.community_id = t.community_id;
    relay.grid_id = t.grid_id;
    relay.text = t.description;
    relay.payload = json{{"id", t.id}, {"pushes", to_volunteers}};
    GEBI_ASSIGN_OR_RETURN(Screened screened,
                          ScreenRelay(ctx.tx, ctx.templates, ctx.settings, relay, ctx.now));
    if (screened.verdict == Screened::Verdict::kPass) {
      GEBI_RETURN_IF_ERROR(
          DeliverPushes(ctx.tx, ctx.templates, relay.payload, ctx.now).status());
    } else {
      volunteers = 0;
      held_note = "\n" + screened.reply;
    }
  }
  std::string reply = ctx.templates.Render(
      volunteers > 0 ? "repair.created" : "repair.created_workers_only",
      {{"id", id}, {"category", label}});
  if (danger) reply = ctx.templates.Render(safety_key) + "\n" + reply;
  return Reply::Text(std::move(reply) + held_note);
}

Result<Reply> HandleMedia(Context& ctx) {
  const bool image = ctx.msg.msg_type == "image";
  GEBI_ASSIGN_OR_RETURN(auto t, storage::LatestOpenTicketOf(ctx.tx, ctx.msg.from_user,
                                                            ctx.now - kMediaWindowSeconds));
  if (!t) return Text(ctx, image ? "media.no_ticket_image" : "media.no_ticket_location");
  storage::TicketMedia m;
  m.ticket_id = t->id;
  m.kind = image ? "image" : "location";
  m.created_at = ctx.now;
  if (image) {
    m.media_id = ctx.msg.media_id;
    m.pic_url = ctx.msg.pic_url;
  } else {
    m.latitude = ctx.msg.location_x;
    m.longitude = ctx.msg.location_y;
    m.label = ctx.msg.label;
  }
  GEBI_ASSIGN_OR_RETURN(int64_t media_id, storage::AddTicketMedia(ctx.tx, m));
  // Only a photo of a ticket is downloaded (WeChat keeps media 3 days), within a daily quota
  // per sender; past it the ticket keeps the photo's link.
  if (image && !m.media_id.empty()) {
    const int quota = ctx.settings.limits.media_per_day;
    GEBI_ASSIGN_OR_RETURN(int64_t today,
                          storage::CountMediaSince(ctx.tx, ctx.msg.from_user, ctx.now - 86400));
    if (quota == 0 || today < quota) {
      GEBI_RETURN_IF_ERROR(
          storage::QueueMediaFetch(ctx.tx, ctx.msg.from_user, m.media_id, m.pic_url, ctx.now));
    }
  }
  GEBI_RETURN_IF_ERROR(
      storage::AddTicketEvent(
          ctx.tx, storage::TicketEvent{0, t->id, ctx.now, ctx.msg.from_user, "media", t->status,
                                       t->status, fmt::format("{} #{}", m.kind, media_id)})
          .status());
  return Text(ctx, image ? "media.attached_image" : "media.attached_location",
              {{"id", std::to_string(t->id)}});
}

Result<Reply> HandleClaim(Context& ctx) {
  Reply reply;
  GEBI_ASSIGN_OR_RETURN(auto l, Load(ctx, "claim.usage", &reply));
  if (!l) return reply;
  const storage::Ticket& t = l->ticket;
  GEBI_ASSIGN_OR_RETURN(bool may, MayWork(ctx, t));
  if (!may) return Text(ctx, "ticket.not_yours", {{"id", l->id}});
  if (IsReporter(ctx, t)) return Text(ctx, "claim.own_ticket", {{"id", l->id}});
  if (t.status == "claimed" && t.claimed_by == ctx.msg.from_user) {
    return Text(ctx, "claim.already_yours", {{"id", l->id}});
  }
  if (t.status == "claimed" || t.status == "done" || t.status == "closed") {
    return Text(ctx, "claim.taken", {{"id", l->id}});
  }
  if (t.status == "cancelled") return Text(ctx, "ticket.cancelled", {{"id", l->id}});
  GEBI_ASSIGN_OR_RETURN(bool manager, storage::CanManage(ctx.tx, ctx.msg.from_user, t.grid_id));
  GEBI_ASSIGN_OR_RETURN(bool vetted, Vetted(ctx, ctx.msg.from_user));
  if (!manager && !vetted && t.priority > 0) {
    return Text(ctx, "claim.needs_vetting", {{"id", l->id}});
  }
  GEBI_ASSIGN_OR_RETURN(
      int64_t ev,
      storage::TransitionTicket(ctx.tx, t.id,
                                {{"open", "reopened"}, "claimed", ctx.msg.from_user, "claimed", ""},
                                ctx.now));
  GEBI_ASSIGN_OR_RETURN(std::string who, ActorName(ctx, ctx.msg.from_user));
  GEBI_ASSIGN_OR_RETURN(std::string grid, GridLabel(ctx.tx, t.grid_id));
  GEBI_ASSIGN_OR_RETURN(std::string to_claimer, ReachClaimer(ctx, t, ctx.msg.from_user));
  GEBI_RETURN_IF_ERROR(
      PushOne(ctx, t, t.reporter, "ticket_claimed",
              ctx.templates.Render("push.ticket_claimed_reporter",
                                   {{"id", l->id}, {"who", who}, {"reach", to_claimer}}),
              ev));
  GEBI_RETURN_IF_ERROR(PushWorkers(
      ctx, t, "ticket_claimed",
      ctx.templates.Render("push.ticket_claimed_worker",
                           {{"id", l->id}, {"who", who}, {"description", t.description}}),
      ev, ctx.msg.from_user));
  GEBI_ASSIGN_OR_RETURN(auto reporter, storage::GetResident(ctx.tx, t.reporter));
  // The room (and the reporter's phone) go to workers and vetted volunteers; the others meet
  // the resident through the grid worker.
  const bool trusted = manager || vetted;
  std::string room = trusted && reporter ? " " + reporter->building + reporter->room : "";
  std::string reach;
  if (trusted && reporter && !reporter->phone.empty()) {
    reach = ctx.templates.Render("reach.phone", {{"phone", reporter->phone}});
  } else {
    GEBI_ASSIGN_OR_RETURN(auto unit, storage::GetUnit(ctx.tx, t.grid_id));
    reach = ctx.templates.Render(
        "reach.grid", {{"contact", unit && !unit->contact.empty()
                                       ? unit->contact
                                       : ctx.templates.Render("join.no_contact")}});
  }
  return Text(ctx, "claim.ok",
              {{"id", l->id},
               {"grid", grid},
               {"room", room},
               {"description", t.description},
               {"reach", reach}});
}

Result<Reply> HandleDone(Context& ctx) {
  Reply reply;
  GEBI_ASSIGN_OR_RETURN(auto l, Load(ctx, "done.usage", &reply));
  if (!l) return reply;
  const storage::Ticket& t = l->ticket;
  GEBI_ASSIGN_OR_RETURN(bool manage, storage::CanManage(ctx.tx, ctx.msg.from_user, t.grid_id));
  bool claimer = t.status == "claimed" && t.claimed_by == ctx.msg.from_user;
  if (!manage && !claimer) {
    GEBI_ASSIGN_OR_RETURN(bool may, MayWork(ctx, t));
    if (!may) return Text(ctx, "ticket.not_yours", {{"id", l->id}});
    if (t.status == "claimed") return Text(ctx, "done.not_claimer", {{"id", l->id}});
  }
  if (t.status == "open" || t.status == "reopened") {
    return Text(ctx, "done.not_claimed", {{"id", l->id}});
  }
  if (t.status != "claimed") {
    return Text(ctx, "ticket.wrong_state", {{"id", l->id}, {"status", StatusLabel(ctx, t.status)}});
  }
  if (l->rest.empty()) return Text(ctx, "done.need_note", {{"id", l->id}});
  if (l->rest.size() > kMaxDescriptionBytes) return Text(ctx, "repair.too_long");
  GEBI_ASSIGN_OR_RETURN(
      int64_t ev,
      storage::TransitionTicket(
          ctx.tx, t.id, {{"claimed"}, "done", ctx.msg.from_user, "done", l->rest}, ctx.now));
  GEBI_ASSIGN_OR_RETURN(std::string who, ActorName(ctx, ctx.msg.from_user));
  GEBI_RETURN_IF_ERROR(
      PushOne(ctx, t, t.reporter, "ticket_done",
              ctx.templates.Render("push.ticket_done_reporter",
                                   {{"id", l->id}, {"who", who}, {"note", l->rest}}),
              ev));
  GEBI_RETURN_IF_ERROR(
      PushWorkers(ctx, t, "ticket_done",
                  ctx.templates.Render("push.ticket_done_worker",
                                       {{"id", l->id}, {"who", who}, {"note", l->rest}}),
                  ev, ctx.msg.from_user));
  return Text(ctx, "done.ok", {{"id", l->id}});
}

Result<Reply> HandleRate(Context& ctx) {
  // "评价 5" when ticket 5 is not the sender's to rate means five points for their own.
  if (NumberArgs a = ParseNumberAndRest(ctx.args); a.number >= 1 && a.number <= 5 && a.rest.empty()) {
    GEBI_ASSIGN_OR_RETURN(auto named, storage::GetTicket(ctx.tx, a.number));
    if (!named || named->reporter != ctx.msg.from_user || named->status != "done") {
      GEBI_ASSIGN_OR_RETURN(auto own,
                            storage::TicketsOfReporter(ctx.tx, ctx.msg.from_user, kMaxListed));
      for (const auto& t : own) {
        if (t.status != "done") continue;
        ctx.args = std::to_string(t.id) + " " + ctx.args;
        break;
      }
    }
  }
  Reply reply;
  GEBI_ASSIGN_OR_RETURN(auto l, Load(ctx, "rate.usage", &reply, {"done"}));
  if (!l) return reply;
  const storage::Ticket& t = l->ticket;
  if (!IsReporter(ctx, t)) return Text(ctx, "ticket.reporter_only", {{"id", l->id}});
  Score parsed = ParseScore(Normalize(l->rest));  // rest is as written: ５分 too
  const int64_t score = parsed.score;
  const std::string note = parsed.rest;
  if (score < 1 || score > 5) {
    // A wrong score (评价 12 9) gets the usage line; no score at all asks for one.
    if (t.rating || (t.status != "done" && t.status != "closed") || !Normalize(l->rest).empty()) {
      // Fall through to the checks below with a score that cannot be stored.
    } else {
      GEBI_RETURN_IF_ERROR(AskNext(ctx, "rate", l->id, "rate.ask_score"));
      return Text(ctx, "rate.ask_score", {{"id", l->id}});
    }
  }
  if (t.rating) return Text(ctx, "rate.already", {{"id", l->id}});
  if (t.status != "done" && t.status != "closed") {
    return Text(ctx, "rate.not_done", {{"id", l->id}, {"status", StatusLabel(ctx, t.status)}});
  }
  if (score < 1 || score > 5) return Text(ctx, "rate.usage");
  if (note.size() > kMaxDescriptionBytes) return Text(ctx, "repair.too_long");
  storage::Transition tr{{"done", "closed"}, "closed", ctx.msg.from_user, "rated", note};
  tr.rating = score;
  GEBI_ASSIGN_OR_RETURN(int64_t ev, storage::TransitionTicket(ctx.tx, t.id, tr, ctx.now));
  if (!t.done_by.empty()) {
    GEBI_RETURN_IF_ERROR(PushOne(
        ctx, t, t.done_by, "ticket_rated",
        ctx.templates.Render("push.ticket_rated", {{"id", l->id},
                                                   {"score", std::to_string(score)},
                                                   {"note", note.empty() ? "" : "：" + note}}),
        ev));
  }
  return Text(ctx, "rate.ok", {{"id", l->id}});
}

Result<Reply> HandleLike(Context& ctx) {
  Reply reply;
  GEBI_ASSIGN_OR_RETURN(auto l, Load(ctx, "like.usage", &reply, {"done", "closed"}));
  if (!l) return reply;
  const storage::Ticket& t = l->ticket;
  // Neighbours of the ticket's grid (and who runs it) may thank; nobody else sees the ticket.
  if (!IsReporter(ctx, t)) {
    GEBI_ASSIGN_OR_RETURN(auto member, storage::GetResident(ctx.tx, ctx.msg.from_user));
    GEBI_ASSIGN_OR_RETURN(bool manage, storage::CanManage(ctx.tx, ctx.msg.from_user, t.grid_id));
    if (!manage && !(member && member->grid_id == t.grid_id)) {
      return Text(ctx, "ticket.not_yours", {{"id", l->id}});
    }
  }
  if (t.status != "done" && t.status != "closed") {
    return Text(ctx, "like.not_done", {{"id", l->id}});
  }
  if (t.done_by == ctx.msg.from_user) return Text(ctx, "like.own_work", {{"id", l->id}});
  GEBI_ASSIGN_OR_RETURN(bool added, storage::AddLike(ctx.tx, t.id, ctx.msg.from_user, ctx.now));
  if (!added) return Text(ctx, "like.already", {{"id", l->id}});
  GEBI_ASSIGN_OR_RETURN(
      int64_t ev,
      storage::AddTicketEvent(ctx.tx, storage::TicketEvent{0, t.id, ctx.now, ctx.msg.from_user,
                                                           "liked", t.status, t.status, ""}));
  GEBI_RETURN_IF_ERROR(PushOne(ctx, t, t.done_by, "ticket_thanks",
                               ctx.templates.Render("push.ticket_liked", {{"id", l->id}}), ev));
  return Text(ctx, "like.ok", {{"id", l->id}});
}

Result<Reply> HandleReopen(Context& ctx) {
  Reply reply;
  GEBI_ASSIGN_OR_RETURN(auto l, Load(ctx, "reopen.usage", &reply, {"done"}));
  if (!l) return reply;
  const storage::Ticket& t = l->ticket;
  if (!IsReporter(ctx, t)) return Text(ctx, "ticket.reporter_only", {{"id", l->id}});
  if (t.status != "done") {
    return Text(ctx, "reopen.not_done", {{"id", l->id}, {"status", StatusLabel(ctx, t.status)}});
  }
  if (l->rest.size() > kMaxDescriptionBytes) return Text(ctx, "repair.too_long");
  GEBI_ASSIGN_OR_RETURN(
      int64_t ev,
      storage::TransitionTicket(
          ctx.tx, t.id, {{"done"}, "reopened", ctx.msg.from_user, "reopened", l->rest}, ctx.now));
  std::string note = l->rest.empty() ? "" : "：" + l->rest;
  std::string text = ctx.templates.Render(
      "push.ticket_reopened", {{"id", l->id}, {"description", t.description}, {"note", note}});
  GEBI_RETURN_IF_ERROR(PushOne(ctx, t, t.done_by, "ticket_reopened", text, ev));
  GEBI_RETURN_IF_ERROR(PushWorkers(ctx, t, "ticket_reopened", text, ev, t.done_by));
  return Text(ctx, "reopen.ok", {{"id", l->id}});
}

Result<Reply> HandleCancelRepair(Context& ctx) {
  Reply reply;
  GEBI_ASSIGN_OR_RETURN(auto l, Load(ctx, "cancel_repair.usage", &reply));
  if (!l) return reply;
  const storage::Ticket& t = l->ticket;
  if (!IsReporter(ctx, t)) return Text(ctx, "ticket.reporter_only", {{"id", l->id}});
  if (t.status != "open" && t.status != "reopened" && t.status != "claimed") {
    return Text(ctx, "ticket.wrong_state", {{"id", l->id}, {"status", StatusLabel(ctx, t.status)}});
  }
  GEBI_ASSIGN_OR_RETURN(
      int64_t ev,
      storage::TransitionTicket(
          ctx.tx, t.id,
          {{"open", "reopened", "claimed"}, "cancelled", ctx.msg.from_user, "cancelled", ""},
          ctx.now));
  std::string text = ctx.templates.Render("push.ticket_cancelled",
                                          {{"id", l->id}, {"description", t.description}});
  if (t.status == "claimed") {
    GEBI_RETURN_IF_ERROR(PushOne(ctx, t, t.claimed_by, "ticket_cancelled", text, ev));
  }
  GEBI_RETURN_IF_ERROR(PushWorkers(ctx, t, "ticket_cancelled", text, ev, t.claimed_by));
  // Everyone who was asked to help hears it is off, not only whoever claimed it.
  GEBI_ASSIGN_OR_RETURN(auto asked,
                        storage::RecipientsByDedupPrefix(ctx.tx, fmt::format("ticket_new:{}:", t.id)));
  for (const auto& who : asked) {
    if (who == t.claimed_by || who == ctx.msg.from_user) continue;
    GEBI_RETURN_IF_ERROR(PushOne(ctx, t, who, "ticket_cancelled", text, ev));
  }
  return Text(ctx, "cancel_repair.ok", {{"id", l->id}});
}

Result<Reply> HandleFixed(Context& ctx) {
  GEBI_RETURN_IF_ERROR(
      storage::CloseStaleTickets(ctx.tx, ctx.now - kAutoCloseSeconds, ctx.now).status());
  GEBI_ASSIGN_OR_RETURN(auto own, storage::TicketsOfReporter(ctx.tx, ctx.msg.from_user, kMaxListed));
  for (const auto& t : own) {
    if (t.status != "claimed" && t.status != "done") continue;
    const std::string id = std::to_string(t.id);
    if (t.status == "claimed") {
      // The reporter says it is fixed: done, credited to whoever claimed it.
      GEBI_ASSIGN_OR_RETURN(
          int64_t ev, storage::TransitionTicket(ctx.tx, t.id,
                                                {{"claimed"},
                                                 "done",
                                                 t.claimed_by,
                                                 "done",
                                                 ctx.templates.Render("fixed.note")},
                                                ctx.now));
      GEBI_RETURN_IF_ERROR(PushOne(ctx, t, t.claimed_by, "ticket_confirmed",
                                   ctx.templates.Render("push.ticket_confirmed", {{"id", id}}), ev));
    }
    GEBI_RETURN_IF_ERROR(AskNext(ctx, "rate", id, "rate.ask_score"));
    return Text(ctx, "fixed.ask_score", {{"id", id}});
  }
  // A volunteer or worker saying it: they mean 完成 for the ticket they hold.
  GEBI_ASSIGN_OR_RETURN(auto held, storage::TicketsClaimedBy(ctx.tx, ctx.msg.from_user, "claimed", 2));
  if (held.size() == 1) {
    const std::string id = std::to_string(held.front().id);
    GEBI_RETURN_IF_ERROR(AskNext(ctx, "done", id, "done.ask_note"));
    return Text(ctx, "done.ask_note", {{"id", id}});
  }
  return Text(ctx, "fixed.none");
}

Result<Reply> MyRepairsPage(Context& ctx, int offset) {
  GEBI_RETURN_IF_ERROR(
      storage::CloseStaleTickets(ctx.tx, ctx.now - kAutoCloseSeconds, ctx.now).status());
  GEBI_ASSIGN_OR_RETURN(auto tickets,
                        storage::TicketsOfReporter(ctx.tx, ctx.msg.from_user, kMaxPaged));
  if (tickets.empty()) return Text(ctx, "my_repairs.none");
  std::vector<std::string> all;
  for (const auto& t : tickets) {
    all.push_back(fmt::format("{}号 {} — {}", t.id, t.description, StatusLabel(ctx, t.status)));
  }
  GEBI_ASSIGN_OR_RETURN(std::string lines, Page(ctx, "my_repairs", all, offset));
  return Text(ctx, "my_repairs.list", {{"lines", lines}});
}

Result<Reply> HandleMyRepairs(Context& ctx) {
  // "3号修好了吗": the one ticket, when it is the sender's.
  LeadingNumber lead = SplitLeadingNumber(ctx.rule != nullptr && ctx.rule->match_kind == "contains"
                                              ? ctx.text
                                              : ctx.args);
  if (lead.number > 0) {
    GEBI_ASSIGN_OR_RETURN(auto t, storage::GetTicket(ctx.tx, lead.number));
    if (t && t->reporter == ctx.msg.from_user) {
      return Text(ctx, "my_repairs.one", {{"id", std::to_string(t->id)},
                                          {"description", t->description},
                                          {"status", StatusLabel(ctx, t->status)}});
    }
  }
  return MyRepairsPage(ctx, 0);
}

Result<Reply> TicketsPage(Context& ctx, int offset) {
  GEBI_RETURN_IF_ERROR(
      storage::CloseStaleTickets(ctx.tx, ctx.now - kAutoCloseSeconds, ctx.now).status());
  // Staff see their units' tickets with the room; volunteers see their community's claimable
  // ones without personal details (vetted ones also the priority mark and the room).
  GEBI_ASSIGN_OR_RETURN(auto grants, storage::GrantsOf(ctx.tx, ctx.msg.from_user));
  std::vector<storage::Ticket> tickets;
  bool staff = false;
  for (const auto& g : grants) {
    std::optional<int64_t> grid, community;
    if (g.role == "grid_worker") grid = g.unit_id;
    if (g.role == "community_staff") community = g.unit_id;
    if (g.role == "floor_leader") {
      GEBI_ASSIGN_OR_RETURN(auto u, storage::GetUnit(ctx.tx, g.unit_id));
      if (u && u->parent_id) grid = u->parent_id;
    }
    if (!grid && !community) continue;
    staff = true;
    GEBI_ASSIGN_OR_RETURN(auto some, storage::ActiveTickets(ctx.tx, grid, community, kMaxPaged));
    for (auto& t : some) {
      bool dup = false;
      for (const auto& x : tickets) dup = dup || x.id == t.id;
      if (!dup) tickets.push_back(std::move(t));
    }
  }
  bool vetted = false;
  if (!staff && (ctx.roles & kVolunteer) && ctx.community_id) {
    GEBI_ASSIGN_OR_RETURN(vetted, Vetted(ctx, ctx.msg.from_user));
    GEBI_ASSIGN_OR_RETURN(
        auto some, storage::ActiveTickets(ctx.tx, std::nullopt, ctx.community_id, kMaxPaged));
    for (auto& t : some) {
      if (t.status == "claimed" || (!vetted && t.priority > 0)) continue;
      // A ticket whose relay to volunteers waits for review (or was rejected) is not shown to
      // them here either: the list would pass on the words the relay held.
      GEBI_ASSIGN_OR_RETURN(bool withheld, storage::RelayWithheld(ctx.tx, "repair", t.id));
      if (!withheld) tickets.push_back(std::move(t));
    }
  }
  if (!staff && (ctx.roles & (kStreetStaff | kDistrictAdmin))) {
    return Text(ctx, "tickets.street_hint");
  }
  if (tickets.empty()) return Text(ctx, "tickets.none");
  const bool trusted = staff || vetted;
  std::vector<std::string> all;
  const size_t from = static_cast<size_t>(std::max(offset, 0));
  for (size_t i = 0; i < tickets.size(); ++i) {
    const auto& t = tickets[i];
    if (i < from || i >= from + kMaxListed) {
      all.emplace_back();  // only the page's lines are looked up and formatted
      continue;
    }
    GEBI_ASSIGN_OR_RETURN(std::string label, CategoryLabel(ctx.tx, t.category));
    std::string where;
    if (trusted) {
      GEBI_ASSIGN_OR_RETURN(auto r, storage::GetResident(ctx.tx, t.reporter));
      where = r ? r->building + r->room : "";
    } else {
      GEBI_ASSIGN_OR_RETURN(where, GridLabel(ctx.tx, t.grid_id));
    }
    all.push_back(fmt::format("{}号{} {} {}（{}）— {}", t.id,
                              trusted && t.priority > 0
                                  ? ctx.templates.Render("ticket.priority_mark")
                                  : "",
                              where, t.description, label, StatusLabel(ctx, t.status)));
  }
  GEBI_ASSIGN_OR_RETURN(std::string lines, Page(ctx, "tickets", all, offset));
  return Text(ctx, staff ? "tickets.list" : "tickets.list_volunteer", {{"lines", lines}});
}

Result<Reply> HandleTickets(Context& ctx) { return TicketsPage(ctx, 0); }

}  // namespace gebi::handlers
