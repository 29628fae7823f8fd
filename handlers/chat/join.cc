// Joining a grid (S1, S2): by the grid's QR code (subscribe / SCAN events) or by address text,
// a short flow asks for name and building-room, confirms, creates a join request and queues a
// push to the grid's workers; a worker (or staff above) approves or rejects it.
// Flow "join" steps: ask_address -> (pick_grid) -> ask_name -> confirm.
#include "handlers/chat/join.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "handlers/chat/circles.h"
#include "handlers/chat/common.h"
#include "handlers/chat/phrases.h"
#include "handlers/normalize.h"
#include "handlers/org/directory.h"
#include "handlers/privacy.h"
#include "storage/conversation_store.h"
#include "storage/join_store.h"
#include "storage/org_store.h"
#include "storage/user_store.h"

namespace gebi::handlers {

namespace {

using nlohmann::json;

constexpr std::string_view kFlow = "join";
// Pending requests a worker sees in one 待审核 reply (更多 pages on).
constexpr int kMaxListed = 10;

// Contacts of every community office, one line each ("桂柑社区 0577-88000000").
Result<std::string> OfficeContacts(storage::Tx& tx) {
  GEBI_ASSIGN_OR_RETURN(auto communities, storage::ListUnits(tx, "community"));
  std::string out;
  for (const auto& c : communities) {
    if (c.contact.empty()) continue;
    if (!out.empty()) out += "\n";
    out += c.name + " " + c.contact;
  }
  return out;
}

// Starts the name step for grid_id; the reply names the grid and its contact (S2).
Result<Reply> AskName(Context& ctx, int64_t grid_id, std::string_view intro_key) {
  GEBI_ASSIGN_OR_RETURN(std::string label, GridLabel(ctx.tx, grid_id));
  GEBI_ASSIGN_OR_RETURN(auto grid, storage::GetUnit(ctx.tx, grid_id));
  GEBI_ASSIGN_OR_RETURN(std::string path, storage::UnitPathName(ctx.tx, grid_id));
  GEBI_RETURN_IF_ERROR(SaveFlow(ctx, kFlow, "ask_name", json{{"grid_id", grid_id}}));
  std::string contact = grid && !grid->contact.empty() ? grid->contact : "";
  return Text(ctx, intro_key,
              {{"grid", label},
               {"path", path},
               {"contact", contact.empty() ? ctx.templates.Render("join.no_contact") : contact}});
}

// Checks that apply before any join starts: a pending request, or already in that grid.
Result<std::optional<Reply>> Blocked(Context& ctx, std::optional<int64_t> grid_id) {
  GEBI_ASSIGN_OR_RETURN(auto pending, storage::PendingJoinRequestOf(ctx.tx, ctx.msg.from_user));
  if (pending) {
    GEBI_ASSIGN_OR_RETURN(std::string label, GridLabel(ctx.tx, pending->grid_id));
    GEBI_ASSIGN_OR_RETURN(auto grid, storage::GetUnit(ctx.tx, pending->grid_id));
    std::string contact =
        grid && !grid->contact.empty() ? grid->contact : ctx.templates.Render("join.no_contact");
    return std::optional<Reply>(Text(
        ctx, "join.pending",
        {{"id", std::to_string(pending->id)}, {"grid", label}, {"contact", contact}}));
  }
  GEBI_ASSIGN_OR_RETURN(auto resident, storage::GetResident(ctx.tx, ctx.msg.from_user));
  if (resident && (!grid_id || *grid_id == resident->grid_id)) {
    GEBI_ASSIGN_OR_RETURN(std::string label, GridLabel(ctx.tx, resident->grid_id));
    return std::optional<Reply>(Text(ctx, "join.already_member", {{"grid", label}}));
  }
  return std::optional<Reply>();
}

// Answers an address: the grid (and asks the name), candidates to pick from, or the offices.
Result<Reply> FromAddress(Context& ctx, std::string_view address) {
  GEBI_ASSIGN_OR_RETURN(AddressMatch m, ResolveAddress(ctx.tx, address));
  if (m.grid_id) {
    GEBI_ASSIGN_OR_RETURN(auto blocked, Blocked(ctx, m.grid_id));
    if (blocked) {
      GEBI_RETURN_IF_ERROR(storage::ClearConversation(ctx.tx, ctx.msg.from_user));
      return *blocked;
    }
    return AskName(ctx, *m.grid_id, "join.found");
  }
  if (!m.candidates.empty()) {
    std::string lines;
    json ids = json::array();
    for (size_t i = 0; i < m.candidates.size(); ++i) {
      GEBI_ASSIGN_OR_RETURN(std::string label, GridLabel(ctx.tx, m.candidates[i].grid_id));
      lines +=
          fmt::format("{}{}. {}（{}）", i == 0 ? "" : "\n", i + 1, label, m.candidates[i].where);
      ids.push_back(m.candidates[i].grid_id);
    }
    GEBI_RETURN_IF_ERROR(SaveFlow(ctx, kFlow, "pick_grid", json{{"candidates", ids}}));
    return Text(ctx, "join.candidates", {{"candidates", lines}});
  }
  GEBI_ASSIGN_OR_RETURN(std::string offices, OfficeContacts(ctx.tx));
  GEBI_RETURN_IF_ERROR(SaveFlow(ctx, kFlow, "ask_address", json::object()));
  return Text(ctx, "join.no_match", {{"offices", offices}});
}

// Starts joining grid_id from a QR scene; intro_key greets (subscribe) or not (SCAN).
Result<Reply> JoinByScene(Context& ctx, int64_t grid_id) {
  GEBI_ASSIGN_OR_RETURN(auto grid, storage::GetUnit(ctx.tx, grid_id));
  if (!grid || grid->kind != "grid") return Text(ctx, "join.qr_unknown");
  GEBI_ASSIGN_OR_RETURN(auto blocked, Blocked(ctx, grid_id));
  if (blocked) return *blocked;
  return AskName(ctx, grid_id, "join.qr_start");
}

// The grid id of an EventKey "<prefix>grid-<id>", or -1.
int64_t SceneGrid(std::string_view key, std::string_view prefix) {
  if (key.substr(0, prefix.size()) != prefix) return -1;
  key.remove_prefix(prefix.size());
  if (key.substr(0, 5) != "grid-") return -1;
  int64_t id = ParseNumberArg(key.substr(5));
  return id > 0 ? id : -1;
}

Result<Reply> Submit(Context& ctx, const json& slots) {
  storage::JoinRequest r;
  r.openid = ctx.msg.from_user;
  r.grid_id = slots.value("grid_id", int64_t{0});
  r.name = slots.value("name", "");
  r.building = slots.value("building", "");
  r.room = slots.value("room", "");
  r.phone = slots.value("phone", "");
  GEBI_ASSIGN_OR_RETURN(int64_t id, storage::CreateJoinRequest(ctx.tx, r, ctx.now));
  GEBI_RETURN_IF_ERROR(storage::ClearConversation(ctx.tx, ctx.msg.from_user));
  GEBI_ASSIGN_OR_RETURN(std::string label, GridLabel(ctx.tx, r.grid_id));
  GEBI_ASSIGN_OR_RETURN(auto workers, GridWorkers(ctx.tx, r.grid_id));
  std::vector<std::string> recipients = workers;
  if (recipients.empty()) {
    // No worker on this grid: the community's staff verify instead.
    GEBI_ASSIGN_OR_RETURN(auto community, storage::AncestorOfKind(ctx.tx, r.grid_id, "community"));
    if (community) {
      GEBI_ASSIGN_OR_RETURN(recipients,
                            storage::HoldersOf(ctx.tx, community->id, "community_staff"));
    }
  }
  std::string phone = r.phone.empty() ? "" : " 电话" + r.phone;
  std::string text = ctx.templates.Render("push.join_request", {{"id", std::to_string(id)},
                                                                {"grid", label},
                                                                {"name", r.name},
                                                                {"room", r.building + r.room},
                                                                {"phone", phone}});
  for (const auto& w : recipients) {
    GEBI_RETURN_IF_ERROR(QueuePush(ctx, w, "join_request", text,
                                   json{{"request_id", id}, {"grid_id", r.grid_id}},
                                   fmt::format("join_request:{}:{}", id, w)));
  }
  return Text(ctx, "join.submitted", {{"id", std::to_string(id)}, {"grid", label}});
}

// Decides a request for approve / reject; returns the reply.
Result<Reply> Decide(Context& ctx, bool approve) {
  NumberArgs a = ParseNumberAndRest(ctx.args);
  std::string_view usage = approve ? "join.approve_usage" : "join.reject_usage";
  if (a.number < 0 || (!approve && a.rest.empty())) return Text(ctx, usage);
  std::string id = std::to_string(a.number);
  GEBI_ASSIGN_OR_RETURN(auto req, storage::GetJoinRequest(ctx.tx, a.number));
  if (!req) return Text(ctx, "join.request_unknown", {{"id", id}});
  GEBI_ASSIGN_OR_RETURN(bool may, storage::CanManage(ctx.tx, ctx.msg.from_user, req->grid_id));
  if (!may) return Text(ctx, "join.not_your_grid", {{"id", id}});
  if (req->status != "pending") {
    return Text(
        ctx, "join.already_decided",
        {{"id", id},
         {"status", ctx.templates.Render(req->status == "approved" ? "join.status.approved"
                                                                   : "join.status.rejected")}});
  }
  const std::string reason = approve ? "" : RawTail(ctx, a.rest);
  GEBI_RETURN_IF_ERROR(
      ApplyJoinDecision(ctx.tx, ctx.templates, *req, approve, reason, ctx.msg.from_user, ctx.now));
  if (approve) {
    return Text(ctx, "join.approved",
                {{"id", id}, {"name", req->name}, {"room", req->building + req->room}});
  }
  return Text(ctx, "join.rejected", {{"id", id}, {"name", req->name}});
}

}  // namespace

Result<Reply> HandleWelcome(Context& ctx) {
  GEBI_RETURN_IF_ERROR(storage::SetSubscribed(ctx.tx, ctx.msg.from_user, true, ctx.now));
  int64_t grid = SceneGrid(ctx.msg.event_key, "qrscene_");
  if (grid > 0) return JoinByScene(ctx, grid);
  int64_t circle = SceneCircle(ctx.msg.event_key, "qrscene_");
  if (circle > 0) return JoinCircleByScene(ctx, circle);
  return Reply::Text(ctx.templates.Render("welcome"));
}

Result<Reply> HandleScan(Context& ctx) {
  int64_t grid = SceneGrid(ctx.msg.event_key, "");
  if (grid > 0) return JoinByScene(ctx, grid);
  int64_t circle = SceneCircle(ctx.msg.event_key, "");
  if (circle > 0) return JoinCircleByScene(ctx, circle);
  return Text(ctx, "scan.unknown");
}

Result<Reply> HandleJoin(Context& ctx) {
  GEBI_ASSIGN_OR_RETURN(auto blocked, Blocked(ctx, std::nullopt));
  if (blocked && ctx.args.empty()) return *blocked;
  // A member giving an address may be moving; a pending request still blocks.
  GEBI_ASSIGN_OR_RETURN(auto pending, storage::PendingJoinRequestOf(ctx.tx, ctx.msg.from_user));
  if (pending) return *blocked;
  if (ctx.args.empty()) {
    GEBI_RETURN_IF_ERROR(SaveFlow(ctx, kFlow, "ask_address", json::object()));
    return Text(ctx, "join.ask_address");
  }
  return FromAddress(ctx, ctx.args);
}

Result<Reply> HandleJoinFlow(Context& ctx) {
  const std::string step = ctx.conversation ? ctx.conversation->step : "";
  json slots = FlowSlots(ctx);
  const std::string& text = ctx.text;
  if (step == "ask_address") {
    if (text.empty()) return Text(ctx, "join.ask_address");
    return FromAddress(ctx, text);
  }
  if (step == "pick_grid") {
    json ids = slots.value("candidates", json::array());
    int64_t n = ParseNumberArg(text);
    if (n >= 1 && n <= static_cast<int64_t>(ids.size()) && ids[n - 1].is_number_integer()) {
      return AskName(ctx, ids[n - 1].get<int64_t>(), "join.found");
    }
    if (text.empty() || n >= 0) {
      return Text(ctx, "join.pick_again", {{"max", std::to_string(ids.size())}});
    }
    return FromAddress(ctx, text);  // another address
  }
  if (step == "ask_name") {
    if (ContainsIdCardNumber(text)) return Text(ctx, "join.no_id_number");
    auto nr = ParseNameRoom(text);
    if (!nr) {
      // Any address text here moves the flow to that address's grid (S2).
      if (!text.empty()) {
        GEBI_ASSIGN_OR_RETURN(AddressMatch m, ResolveAddress(ctx.tx, text));
        if (m.grid_id) return AskName(ctx, *m.grid_id, "join.found");
      }
      return Text(ctx, "join.ask_name_again");
    }
    slots["name"] = nr->name;
    slots["building"] = nr->building;
    slots["room"] = nr->room;
    slots["phone"] = nr->phone;
    GEBI_RETURN_IF_ERROR(SaveFlow(ctx, kFlow, "confirm", slots));
    GEBI_ASSIGN_OR_RETURN(std::string label, GridLabel(ctx.tx, slots.value("grid_id", int64_t{0})));
    return Text(ctx, "join.confirm",
                {{"name", nr->name},
                 {"room", nr->building + nr->room},
                 {"phone", nr->phone.empty() ? "" : "，电话" + nr->phone},
                 {"grid", label}});
  }
  if (step == "confirm") {
    if (IsYes(text)) {
      // The grid may have been removed by a re-import meanwhile; never submit to nowhere.
      GEBI_ASSIGN_OR_RETURN(auto grid,
                            storage::GetUnit(ctx.tx, slots.value("grid_id", int64_t{0})));
      if (!grid) {
        GEBI_RETURN_IF_ERROR(storage::ClearConversation(ctx.tx, ctx.msg.from_user));
        return Text(ctx, "join.qr_unknown");
      }
      return Submit(ctx, slots);
    }
    if (IsNo(text)) {
      GEBI_RETURN_IF_ERROR(SaveFlow(ctx, kFlow, "ask_name", slots));
      return Text(ctx, "join.ask_name_again");
    }
    return Text(ctx, "join.confirm_again");
  }
  // Unknown step (an older binary's flow): start over politely.
  GEBI_RETURN_IF_ERROR(storage::ClearConversation(ctx.tx, ctx.msg.from_user));
  return Text(ctx, "join.ask_address_restart");
}

Status ApplyJoinDecision(storage::Tx& tx, const Templates& texts, const storage::JoinRequest& req,
                         bool approve, const std::string& reason, const std::string& by,
                         int64_t now) {
  GEBI_ASSIGN_OR_RETURN(std::string label, GridLabel(tx, req.grid_id));
  json extra = {{"request_id", req.id}, {"grid_id", req.grid_id}, {"approved", approve}};
  const std::string dedup = fmt::format("join_result:{}", req.id);
  if (approve) {
    GEBI_RETURN_IF_ERROR(storage::DecideJoinRequest(tx, req.id, "approved", "", by, now));
    GEBI_RETURN_IF_ERROR(storage::LeaveGridCircles(tx, req.openid));
    storage::Resident res{req.openid, req.grid_id, req.name, req.building,
                          req.room,   req.phone,   false,    now};
    GEBI_RETURN_IF_ERROR(storage::PutResident(tx, res, now));
    GEBI_ASSIGN_OR_RETURN(int64_t circle, storage::EnsureGridCircle(tx, req.grid_id, label, now));
    GEBI_RETURN_IF_ERROR(storage::PutCircleMember(tx, circle, req.openid, "member", now));
    return QueuePushIn(tx, now, req.openid, "join_result",
                       texts.Render("push.join_approved", {{"grid", label}}), extra, dedup);
  }
  GEBI_RETURN_IF_ERROR(storage::DecideJoinRequest(tx, req.id, "rejected", reason, by, now));
  GEBI_ASSIGN_OR_RETURN(auto community, storage::AncestorOfKind(tx, req.grid_id, "community"));
  std::string office = community ? community->name + " " + community->contact : "";
  return QueuePushIn(
      tx, now, req.openid, "join_result",
      texts.Render("push.join_rejected", {{"grid", label}, {"reason", reason}, {"office", office}}),
      extra, dedup);
}

Result<Reply> HandleApprove(Context& ctx) { return Decide(ctx, true); }
Result<Reply> HandleReject(Context& ctx) { return Decide(ctx, false); }

Result<Reply> JoinRequestsPage(Context& ctx, int offset) {
  GEBI_ASSIGN_OR_RETURN(auto grids, storage::ListUnits(ctx.tx, "grid"));
  std::vector<std::string> all;
  for (const auto& g : grids) {
    GEBI_ASSIGN_OR_RETURN(auto pending, storage::PendingJoinRequests(ctx.tx, g.id));
    if (pending.empty()) continue;
    GEBI_ASSIGN_OR_RETURN(bool may, storage::CanManage(ctx.tx, ctx.msg.from_user, g.id));
    if (!may) continue;
    GEBI_ASSIGN_OR_RETURN(std::string label, GridLabel(ctx.tx, g.id));
    for (const auto& r : pending) {
      all.push_back(fmt::format("{}号 {} {}{} {}", r.id, r.name, r.building, r.room, label));
    }
  }
  if (all.empty()) return Text(ctx, "join.requests_none");
  const size_t from = std::min(all.size(), static_cast<size_t>(std::max(offset, 0)));
  const size_t to = std::min(all.size(), from + kMaxListed);
  std::string lines;
  for (size_t i = from; i < to; ++i) lines += (lines.empty() ? "" : "\n") + all[i];
  if (to < all.size()) {
    GEBI_RETURN_IF_ERROR(SaveMore(ctx, "requests", static_cast<int>(to)));
    lines += "\n" + MoreLine(ctx, all.size() - to);
  } else {
    GEBI_RETURN_IF_ERROR(DropMore(ctx));
  }
  return Text(ctx, "join.requests", {{"lines", lines}, {"total", std::to_string(all.size())}});
}

Result<Reply> HandleJoinRequests(Context& ctx) { return JoinRequestsPage(ctx, 0); }

Result<Reply> NotMemberYet(Context& ctx, std::string_view join_key) {
  GEBI_ASSIGN_OR_RETURN(auto pending, storage::PendingJoinRequestOf(ctx.tx, ctx.msg.from_user));
  if (!pending) return Text(ctx, join_key);
  GEBI_ASSIGN_OR_RETURN(std::string label, GridLabel(ctx.tx, pending->grid_id));
  GEBI_ASSIGN_OR_RETURN(auto grid, storage::GetUnit(ctx.tx, pending->grid_id));
  std::string contact =
      grid && !grid->contact.empty() ? grid->contact : ctx.templates.Render("join.no_contact");
  return Text(ctx, "join.pending_wait",
              {{"id", std::to_string(pending->id)}, {"grid", label}, {"contact", contact}});
}

}  // namespace gebi::handlers
