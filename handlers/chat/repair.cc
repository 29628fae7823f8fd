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
#include "handlers/normalize.h"
#include "storage/media_store.h"
#include "storage/org_store.h"
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
// Replies list at most this many tickets (a WeChat text shows ~2000 characters).
constexpr int kMaxListed = 10;
// A repair description is a sentence or two.
constexpr size_t kMaxDescriptionBytes = 600;

Reply Text(const Context& ctx, std::string_view key, const TemplateArgs& args = {}) {
  return Reply::Text(ctx.templates.Render(key, args));
}

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
Result<std::optional<Loaded>> Load(Context& ctx, std::string_view usage_key, Reply* reply) {
  GEBI_RETURN_IF_ERROR(
      storage::CloseStaleTickets(ctx.tx, ctx.now - kAutoCloseSeconds, ctx.now).status());
  NumberArgs a = ParseNumberAndRest(ctx.args);
  if (a.number < 0) {
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

}  // namespace

Result<Reply> HandleRepair(Context& ctx) {
  GEBI_ASSIGN_OR_RETURN(auto resident, storage::GetResident(ctx.tx, ctx.msg.from_user));
  if (!resident) return Text(ctx, "repair.join_first");
  if (ctx.args.empty()) return Text(ctx, "repair.usage");
  if (ctx.args.size() > kMaxDescriptionBytes) return Text(ctx, "repair.too_long");
  GEBI_ASSIGN_OR_RETURN(auto community,
                        storage::AncestorOfKind(ctx.tx, resident->grid_id, "community"));
  if (!community) return Text(ctx, "repair.join_first");
  const std::string description = RawTail(ctx, ctx.args);
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
  GEBI_ASSIGN_OR_RETURN(t.category, storage::GuessCategory(ctx.tx, ctx.args));
  t.priority = resident->elderly_alone ? 1 : 0;
  GEBI_ASSIGN_OR_RETURN(t.id, storage::CreateTicket(ctx.tx, t, ctx.now));
  GEBI_ASSIGN_OR_RETURN(auto category, storage::GetRepairCategory(ctx.tx, t.category));
  std::string label = category ? category->label : t.category;
  GEBI_ASSIGN_OR_RETURN(std::string grid, GridLabel(ctx.tx, t.grid_id));
  std::string id = std::to_string(t.id);
  std::string priority = t.priority > 0 ? ctx.templates.Render("ticket.priority_mark") : "";

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
  if (category && !category->skill.empty()) {
    GEBI_ASSIGN_OR_RETURN(auto matched,
                          storage::MatchVolunteers(ctx.tx, t.community_id, category->skill,
                                                   ctx.msg.from_user, kVolunteersPerTicket));
    std::string to_volunteer =
        ctx.templates.Render("push.ticket_new_volunteer", {{"id", id},
                                                           {"priority", priority},
                                                           {"grid", grid},
                                                           {"description", t.description},
                                                           {"category", label}});
    for (const auto& v : matched) {
      bool is_worker = std::find(workers.begin(), workers.end(), v) != workers.end();
      if (is_worker) continue;
      ++volunteers;
      GEBI_RETURN_IF_ERROR(QueuePush(ctx, v, "ticket_new", to_volunteer,
                                     json{{"ticket_id", t.id},
                                          {"grid_id", t.grid_id},
                                          {"category", t.category},
                                          {"skill", category->skill}},
                                     fmt::format("ticket_new:{}:{}", t.id, v)));
    }
  }
  return Text(ctx, volunteers > 0 ? "repair.created" : "repair.created_workers_only",
              {{"id", id}, {"category", label}});
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
  GEBI_ASSIGN_OR_RETURN(
      int64_t ev,
      storage::TransitionTicket(ctx.tx, t.id,
                                {{"open", "reopened"}, "claimed", ctx.msg.from_user, "claimed", ""},
                                ctx.now));
  GEBI_ASSIGN_OR_RETURN(std::string who, ActorName(ctx, ctx.msg.from_user));
  GEBI_ASSIGN_OR_RETURN(std::string grid, GridLabel(ctx.tx, t.grid_id));
  GEBI_RETURN_IF_ERROR(PushOne(
      ctx, t, t.reporter, "ticket_claimed",
      ctx.templates.Render("push.ticket_claimed_reporter", {{"id", l->id}, {"who", who}}), ev));
  GEBI_RETURN_IF_ERROR(PushWorkers(
      ctx, t, "ticket_claimed",
      ctx.templates.Render("push.ticket_claimed_worker",
                           {{"id", l->id}, {"who", who}, {"description", t.description}}),
      ev, ctx.msg.from_user));
  GEBI_ASSIGN_OR_RETURN(auto reporter, storage::GetResident(ctx.tx, t.reporter));
  std::string room = reporter ? reporter->building + reporter->room : "";
  return Text(ctx, "claim.ok",
              {{"id", l->id}, {"grid", grid}, {"room", room}, {"description", t.description}});
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
  Reply reply;
  GEBI_ASSIGN_OR_RETURN(auto l, Load(ctx, "rate.usage", &reply));
  if (!l) return reply;
  const storage::Ticket& t = l->ticket;
  if (!IsReporter(ctx, t)) return Text(ctx, "ticket.reporter_only", {{"id", l->id}});
  auto [score_text, note] = SplitFirstWord(l->rest);
  int64_t score = ParseNumberArg(Normalize(score_text));  // rest is as written: ５ too
  if (score < 1 || score > 5) return Text(ctx, "rate.usage");
  if (t.rating) return Text(ctx, "rate.already", {{"id", l->id}});
  if (t.status != "done" && t.status != "closed") {
    return Text(ctx, "rate.not_done", {{"id", l->id}, {"status", StatusLabel(ctx, t.status)}});
  }
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
  GEBI_ASSIGN_OR_RETURN(auto l, Load(ctx, "like.usage", &reply));
  if (!l) return reply;
  const storage::Ticket& t = l->ticket;
  // Neighbours of the same community may thank; nobody else sees the ticket.
  if (!IsReporter(ctx, t) && ctx.community_id != t.community_id) {
    return Text(ctx, "ticket.not_yours", {{"id", l->id}});
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
  GEBI_ASSIGN_OR_RETURN(auto l, Load(ctx, "reopen.usage", &reply));
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
  return Text(ctx, "cancel_repair.ok", {{"id", l->id}});
}

Result<Reply> HandleMyRepairs(Context& ctx) {
  GEBI_RETURN_IF_ERROR(
      storage::CloseStaleTickets(ctx.tx, ctx.now - kAutoCloseSeconds, ctx.now).status());
  GEBI_ASSIGN_OR_RETURN(auto tickets,
                        storage::TicketsOfReporter(ctx.tx, ctx.msg.from_user, kMaxListed));
  if (tickets.empty()) return Text(ctx, "my_repairs.none");
  std::string lines;
  for (const auto& t : tickets) {
    lines += fmt::format("{}{}号 {} — {}", lines.empty() ? "" : "\n", t.id, t.description,
                         StatusLabel(ctx, t.status));
  }
  return Text(ctx, "my_repairs.list", {{"lines", lines}});
}

Result<Reply> HandleTickets(Context& ctx) {
  GEBI_RETURN_IF_ERROR(
      storage::CloseStaleTickets(ctx.tx, ctx.now - kAutoCloseSeconds, ctx.now).status());
  // Staff see their units' tickets with the room; volunteers see their community's claimable
  // ones without personal details.
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
    GEBI_ASSIGN_OR_RETURN(auto some, storage::ActiveTickets(ctx.tx, grid, community, kMaxListed));
    for (auto& t : some) {
      bool dup = false;
      for (const auto& x : tickets) dup = dup || x.id == t.id;
      if (!dup) tickets.push_back(std::move(t));
    }
  }
  if (!staff && (ctx.roles & kVolunteer) && ctx.community_id) {
    GEBI_ASSIGN_OR_RETURN(
        auto some, storage::ActiveTickets(ctx.tx, std::nullopt, ctx.community_id, kMaxListed));
    for (auto& t : some) {
      if (t.status != "claimed") tickets.push_back(std::move(t));
    }
  }
  if (!staff && (ctx.roles & (kStreetStaff | kDistrictAdmin))) {
    return Text(ctx, "tickets.street_hint");
  }
  if (tickets.empty()) return Text(ctx, "tickets.none");
  std::string lines;
  int n = 0;
  for (const auto& t : tickets) {
    if (++n > kMaxListed) break;
    GEBI_ASSIGN_OR_RETURN(std::string label, CategoryLabel(ctx.tx, t.category));
    std::string where;
    if (staff) {
      GEBI_ASSIGN_OR_RETURN(auto r, storage::GetResident(ctx.tx, t.reporter));
      where = r ? r->building + r->room : "";
    } else {
      GEBI_ASSIGN_OR_RETURN(where, GridLabel(ctx.tx, t.grid_id));
    }
    lines += fmt::format("{}{}号{} {} {}（{}）— {}", lines.empty() ? "" : "\n", t.id,
                         t.priority > 0 ? ctx.templates.Render("ticket.priority_mark") : "", where,
                         t.description, label, StatusLabel(ctx, t.status));
  }
  return Text(ctx, staff ? "tickets.list" : "tickets.list_volunteer", {{"lines", lines}});
}

}  // namespace gebi::handlers
