// Elderly-care relays (S7): elders, their family and volunteers, relays and thanks.
#include "handlers/chat/care.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "handlers/chat/circles.h"
#include "handlers/chat/common.h"
#include "handlers/chat/moderation.h"
#include "handlers/chat/parking.h"
#include "handlers/chat/photos.h"
#include "handlers/chat/phrases.h"
#include "handlers/chat/repair.h"
#include "handlers/normalize.h"
#include "storage/care_store.h"
#include "storage/org_store.h"
#include "storage/parking_store.h"
#include "storage/ticket_store.h"
#include "storage/volunteer_store.h"

namespace gebi::handlers {

namespace {

using nlohmann::json;

// An elder's 称呼 (金阿婆, 王家阿公): what a volunteer types after 关爱.
constexpr size_t kMaxElderChars = 12;
// What a family member writes after the invite code (金阿婆的女儿张丽).
constexpr size_t kMaxGivenChars = 30;
// A relay is a note to a family, read on a phone: a few sentences.
constexpr size_t kMaxRelayChars = 300;
// Relays (texts and photos) one volunteer may send in an hour: a busy lunch round, not a flood.
constexpr int64_t kMaxRelaysPerHour = 30;
// Photos after one 关爱, as many as WeChat lets one pick at once.
constexpr int64_t kMaxPhotosPerRelay = 9;
// Names listed in one reply.
constexpr size_t kMaxNamesListed = 10;

std::string NameList(const std::vector<storage::CareElder>& elders) {
  std::string out;
  for (size_t i = 0; i < elders.size() && i < kMaxNamesListed; ++i) {
    if (i > 0 && elders[i].name == elders[i - 1].name) continue;
    if (!out.empty()) out += "、";
    out += elders[i].name;
  }
  return out;
}

// The elder whose 称呼 text starts with (the longest such name), or nullptr.
const storage::CareElder* ElderAtStart(const std::vector<storage::CareElder>& elders,
                                       std::string_view text) {
  const storage::CareElder* best = nullptr;
  for (const auto& e : elders) {
    if (text.substr(0, e.name.size()) != e.name) continue;
    if (!best || e.name.size() > best->name.size()) best = &e;
  }
  return best;
}

// The elder whose 称呼 text contains (the longest such name), or nullptr.
const storage::CareElder* ElderIn(const std::vector<storage::CareElder>& elders,
                                  std::string_view text) {
  const storage::CareElder* best = nullptr;
  for (const auto& e : elders) {
    if (e.name.empty() || text.find(e.name) == std::string_view::npos) continue;
    if (!best || e.name.size() > best->name.size()) best = &e;
  }
  return best;
}

// Text after a leading name: spaces and punctuation (金阿婆：今天…) dropped.
std::string_view AfterName(std::string_view text, size_t name_bytes) {
  text.remove_prefix(name_bytes);
  while (!text.empty()) {
    const unsigned char lead = static_cast<unsigned char>(text[0]);
    const size_t len = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    if (len > text.size() || !TrimPunct(text.substr(0, len)).empty()) break;
    text.remove_prefix(len);
  }
  return text;
}

// The elders in circles openid may run (staff and the circles' managers).
Result<std::vector<storage::CareElder>> EldersRunBy(storage::Tx& tx, const std::string& openid) {
  GEBI_ASSIGN_OR_RETURN(auto all, storage::ListCareElders(tx));
  std::vector<storage::CareElder> out;
  int64_t checked = -1;
  bool may = false;
  for (auto& e : all) {
    if (e.circle_id != checked) {
      checked = e.circle_id;
      GEBI_ASSIGN_OR_RETURN(auto c, storage::GetCircleInfo(tx, e.circle_id));
      may = false;
      if (c) {
        GEBI_ASSIGN_OR_RETURN(may, MayRunCircle(tx, openid, *c));
      }
    }
    if (may) out.push_back(std::move(e));
  }
  return out;
}

// Whom a family request goes to: the circle's owner and managers and the grid workers of its
// grid, each once.
Result<std::vector<std::string>> Approvers(storage::Tx& tx, const storage::CircleInfo& c) {
  std::vector<std::string> out;
  GEBI_ASSIGN_OR_RETURN(auto members, storage::ListMembers(tx, c.id, 50));
  for (const auto& m : members) {
    if (m.role == "owner" || m.role == "manager") out.push_back(m.openid);
  }
  if (c.unit_id) {
    GEBI_ASSIGN_OR_RETURN(auto workers, GridWorkers(tx, *c.unit_id));
    for (auto& w : workers) {
      if (std::find(out.begin(), out.end(), w) == out.end()) out.push_back(std::move(w));
    }
  }
  return out;
}

Result<std::string> ShownName(storage::Tx& tx, const std::string& openid) {
  GEBI_ASSIGN_OR_RETURN(std::string name, PersonName(tx, openid));
  return name.empty() ? UnnamedLabel(openid) : name;
}

// The refusal for a volunteer muted in circle_id (moderation), checked before anything is
// stored; nullopt when they may relay.
Result<std::optional<std::string>> Muted(Context& ctx, int64_t circle_id) {
  return MutedReply(ctx.tx, ctx.templates, ctx.msg.from_user, {circle_id}, ctx.now);
}

// Screens recorded relay r (number id) under the circle convention. nullopt: deliver it now;
// else what to tell the volunteer (the relay is held for the circle's managers).
Result<std::optional<std::string>> Screen(Context& ctx, const storage::CareRelay& r, int64_t id) {
  std::optional<int64_t> community = ctx.community_id;
  GEBI_ASSIGN_OR_RETURN(auto c, storage::GetCircleInfo(ctx.tx, r.circle_id));
  if (c && c->unit_id) {
    GEBI_ASSIGN_OR_RETURN(auto unit, storage::AncestorOfKind(ctx.tx, *c->unit_id, "community"));
    if (unit) community = unit->id;
  }
  Relay relay = RelayFrom(ctx, "care", {r.circle_id}, community, r.body);
  relay.payload = json{{"id", id}};
  GEBI_ASSIGN_OR_RETURN(Screened s,
                        ScreenRelay(ctx.tx, ctx.templates, ctx.settings, relay, ctx.now));
  if (s.verdict == Screened::Verdict::kPass) return std::optional<std::string>();
  GEBI_RETURN_IF_ERROR(storage::SetCareRelayStatus(
                           ctx.tx, id, s.verdict == Screened::Verdict::kHeld ? "held" : "rejected")
                           .status());
  return std::optional<std::string>(s.reply);
}

// Attaches the image in ctx.msg to text relay parent and delivers it.
Result<Reply> RelayPhoto(Context& ctx, const storage::CareRelay& parent) {
  GEBI_ASSIGN_OR_RETURN(auto elder, storage::GetCareElder(ctx.tx, parent.elder_id));
  const std::string elder_name = elder ? elder->name : "";
  // A photo goes with its words: not while they wait for the managers, never after a 驳回.
  if (parent.status == "held") return Text(ctx, "care.photo_parent_held", {{"elder", elder_name}});
  if (parent.status == "rejected") {
    return Text(ctx, "care.photo_no_relay", {{"elder", elder_name}});
  }
  GEBI_ASSIGN_OR_RETURN(auto muted, Muted(ctx, parent.circle_id));
  if (muted) return Reply::Text(*muted);
  GEBI_ASSIGN_OR_RETURN(int64_t photos, storage::CountPhotosOf(ctx.tx, parent.id));
  if (photos >= kMaxPhotosPerRelay) {
    return Text(ctx, "care.photo_limit",
                {{"max", std::to_string(kMaxPhotosPerRelay)}, {"elder", elder_name}});
  }
  GEBI_ASSIGN_OR_RETURN(int64_t recent,
                        storage::CountRelaysSince(ctx.tx, ctx.msg.from_user, ctx.now - 3600));
  if (recent >= kMaxRelaysPerHour) return Text(ctx, "care.rate_limited");
  storage::CareRelay photo;
  photo.circle_id = parent.circle_id;
  photo.elder_id = parent.elder_id;
  photo.volunteer = ctx.msg.from_user;
  photo.media_id = ctx.msg.media_id;
  photo.pic_url = ctx.msg.pic_url;
  photo.parent_id = parent.id;
  GEBI_ASSIGN_OR_RETURN(int64_t id, storage::RecordCareRelay(ctx.tx, photo, ctx.now));
  GEBI_RETURN_IF_ERROR(KeepPhoto(ctx));
  GEBI_ASSIGN_OR_RETURN(auto held, Screen(ctx, photo, id));
  if (held) return Reply::Text(*held);
  GEBI_ASSIGN_OR_RETURN(int64_t sent, DeliverCareRelay(ctx.tx, ctx.templates, id, ctx.now));
  return Text(ctx, "care.photo_sent",
              {{"elder", elder_name}, {"count", std::to_string(sent)}, {"id", std::to_string(id)}});
}

}  // namespace

Result<int64_t> DeliverCareRelay(storage::Tx& tx, const Templates& templates, int64_t relay_id,
                                 int64_t now) {
  GEBI_ASSIGN_OR_RETURN(auto relay, storage::GetCareRelay(tx, relay_id));
  if (!relay) return Status::NotFound(fmt::format("care relay {}", relay_id));
  if (relay->status == "rejected") {
    return Status::FailedPrecondition(fmt::format("care relay {} was rejected", relay_id));
  }
  if (relay->status == "sent") return int64_t{0};
  GEBI_ASSIGN_OR_RETURN(auto elder, storage::GetCareElder(tx, relay->elder_id));
  if (!elder)
    return Status::NotFound(fmt::format("elder {} of relay {}", relay->elder_id, relay_id));
  GEBI_ASSIGN_OR_RETURN(std::string volunteer, ShownName(tx, relay->volunteer));
  GEBI_ASSIGN_OR_RETURN(auto recipients, storage::MarkCareRelaySent(tx, relay_id, now));
  const std::string id = std::to_string(relay_id);
  const bool photo = relay->body.empty();
  const std::string text = photo ? templates.Render("push.care_photo", {{"elder", elder->name},
                                                                        {"volunteer", volunteer},
                                                                        {"url", relay->pic_url},
                                                                        {"id", id}})
                                 : templates.Render("push.care_relay", {{"elder", elder->name},
                                                                        {"volunteer", volunteer},
                                                                        {"text", relay->body},
                                                                        {"id", id}});
  json extra = {{"relay_id", relay_id}, {"elder_id", relay->elder_id}};
  if (photo && !relay->pic_url.empty()) extra["url"] = relay->pic_url;
  for (const std::string& openid : recipients) {
    GEBI_RETURN_IF_ERROR(QueuePushIn(tx, now, openid, "care_relay", text, extra,
                                     fmt::format("care:{}:{}", relay_id, openid)));
  }
  return static_cast<int64_t>(recipients.size());
}

Result<bool> AssignCareVolunteer(storage::Tx& tx, const Templates& templates, int64_t elder_id,
                                 const std::string& openid, const std::string& by, int64_t now) {
  GEBI_ASSIGN_OR_RETURN(auto elder, storage::GetCareElder(tx, elder_id));
  if (!elder) return Status::NotFound(fmt::format("elder {}", elder_id));
  GEBI_ASSIGN_OR_RETURN(bool added, storage::LinkCare(tx, elder_id, openid, "volunteer", by, now));
  if (!added) return false;
  GEBI_ASSIGN_OR_RETURN(std::string name, PersonName(tx, openid));
  GEBI_ASSIGN_OR_RETURN(bool member, storage::AddMember(tx, elder->circle_id, openid, name, now));
  (void)member;  // a volunteer of another elder in the same circle is a member already
  GEBI_RETURN_IF_ERROR(QueuePushIn(
      tx, now, openid, "care_assigned",
      templates.Render("push.care_assigned",
                       {{"elder", elder->name}, {"circle", elder->circle_name}}),
      json{{"elder_id", elder_id}}, fmt::format("care_assigned:{}:{}:{}", elder_id, openid, now)));
  return true;
}

Status LinkApprovedCareFamily(storage::Tx& tx, const storage::CircleJoinRequest& req,
                              const std::string& by, int64_t now) {
  GEBI_ASSIGN_OR_RETURN(auto elder_id, storage::CareRequestElder(tx, req.id));
  if (!elder_id) return Status::Ok();
  GEBI_ASSIGN_OR_RETURN(bool linked,
                        storage::LinkCare(tx, *elder_id, req.openid, "family", by, now));
  (void)linked;  // approving twice links once
  return Status::Ok();
}

Result<Reply> JoinCareCircle(Context& ctx, const storage::CircleInfo& c, const std::string& given) {
  const std::string& me = ctx.msg.from_user;
  GEBI_ASSIGN_OR_RETURN(auto role, storage::MemberRole(ctx.tx, c.id, me));
  if (role) return Text(ctx, "circle.already_member", {{"circle", c.name}});
  GEBI_ASSIGN_OR_RETURN(auto pending, storage::PendingCircleRequest(ctx.tx, c.id, me));
  if (pending) {
    return Text(ctx, "circle.request_pending",
                {{"id", std::to_string(pending->id)}, {"circle", c.name}});
  }
  GEBI_ASSIGN_OR_RETURN(auto elders, storage::EldersOfCircle(ctx.tx, c.id));
  if (elders.empty()) return Text(ctx, "care.no_elders_yet", {{"circle", c.name}});
  if (given.empty()) {
    // The answer comes back as "加入圈子 <code> <answer>".
    GEBI_RETURN_IF_ERROR(AskNext(ctx, "join_circle", c.invite_code, "care.ask_elder"));
    return Text(ctx, "care.ask_elder", {{"circle", c.name}});
  }
  if (Utf8Chars(given) > kMaxGivenChars) {
    return Text(ctx, "care.given_too_long", {{"max", std::to_string(kMaxGivenChars)}});
  }
  const storage::CareElder* elder = ElderIn(elders, given);
  if (!elder) {
    return Text(ctx, "care.join_elder_unknown", {{"elder", given}, {"code", c.invite_code}});
  }
  GEBI_ASSIGN_OR_RETURN(std::string name, PersonName(ctx.tx, me));
  if (name.empty()) name = given;
  GEBI_ASSIGN_OR_RETURN(int64_t id,
                        storage::CreateCircleJoinRequest(ctx.tx, c.id, me, name, ctx.now));
  GEBI_RETURN_IF_ERROR(storage::SetCareRequest(ctx.tx, id, elder->id));
  const std::string text = ctx.templates.Render(
      "push.care_family_request",
      {{"id", std::to_string(id)}, {"name", name}, {"elder", elder->name}, {"circle", c.name}});
  GEBI_ASSIGN_OR_RETURN(auto approvers, Approvers(ctx.tx, c));
  for (const auto& who : approvers) {
    GEBI_RETURN_IF_ERROR(QueuePush(ctx, who, "circle_join_request", text,
                                   json{{"request_id", id}, {"circle_id", c.id}},
                                   fmt::format("circle_join_request:{}:{}", id, who)));
  }
  return Text(ctx, "care.request_sent", {{"id", std::to_string(id)}, {"elder", elder->name}});
}

Result<Reply> HandleCareAddElder(Context& ctx) {
  auto [word, rest] = SplitFirstWord(ctx.args);
  const std::string name = TrimPunct(word);
  if (name.empty()) return Text(ctx, "care.add_usage");
  if (Utf8Chars(name) > kMaxElderChars) {
    return Text(ctx, "care.elder_too_long", {{"max", std::to_string(kMaxElderChars)}});
  }
  std::string circle_name = TrimPunct(rest);
  const bool named = !circle_name.empty();
  if (!named) circle_name = name + "关爱圈";
  GEBI_ASSIGN_OR_RETURN(auto c, storage::CircleByName(ctx.tx, circle_name));
  if (!c && named) return Text(ctx, "circle.unknown", {{"circle", circle_name}});
  if (!c) {
    GEBI_ASSIGN_OR_RETURN(auto unit, StaffUnitOf(ctx.tx, ctx.msg.from_user));
    if (!unit) return Text(ctx, "circle.no_unit");
    storage::CircleInfo fresh;
    fresh.kind = "elderly_care";
    fresh.name = circle_name;
    fresh.unit_id = unit;
    fresh.owner = ctx.msg.from_user;
    fresh.join_mode = "approval";  // family are approved by the grid worker
    GEBI_ASSIGN_OR_RETURN(fresh.invite_code, NewCircleInviteCode(ctx.tx));
    GEBI_ASSIGN_OR_RETURN(fresh.id, storage::InsertCircle(ctx.tx, fresh, ctx.now));
    c = fresh;
  }
  if (c->kind != "elderly_care") return Text(ctx, "care.not_care_circle", {{"circle", c->name}});
  GEBI_ASSIGN_OR_RETURN(bool may, MayRunCircle(ctx.tx, ctx.msg.from_user, *c));
  if (!may) return Text(ctx, "circle.not_manager", {{"circle", c->name}});
  if (c->invite_code.empty()) {
    GEBI_ASSIGN_OR_RETURN(c->invite_code, NewCircleInviteCode(ctx.tx));
    GEBI_RETURN_IF_ERROR(storage::SetInviteCode(ctx.tx, c->id, c->invite_code));
  }
  auto added = storage::AddCareElder(ctx.tx, c->id, name, std::nullopt, ctx.msg.from_user, ctx.now);
  if (!added.ok() && added.status().code() == Status::Code::kAlreadyExists) {
    return Text(ctx, "care.elder_exists", {{"elder", name}, {"circle", c->name}});
  }
  if (!added.ok()) return added.status();
  return Text(ctx, "care.elder_added",
              {{"elder", name}, {"circle", c->name}, {"code", c->invite_code}});
}

Result<Reply> HandleCareAssign(Context& ctx) {
  auto [word, rest] = SplitFirstWord(ctx.args);
  const std::string elder_name = TrimPunct(word);
  const std::string volunteer_name = TrimPunct(rest);
  if (elder_name.empty() || volunteer_name.empty()) return Text(ctx, "care.assign_usage");
  if (Utf8Chars(elder_name) > kMaxElderChars || Utf8Chars(volunteer_name) > kMaxGivenChars) {
    return Text(ctx, "care.assign_usage");
  }
  GEBI_ASSIGN_OR_RETURN(auto elders, EldersRunBy(ctx.tx, ctx.msg.from_user));
  std::vector<storage::CareElder> same;
  for (const auto& e : elders) {
    if (e.name == elder_name) same.push_back(e);
  }
  if (same.empty()) {
    return Text(ctx, "care.elder_unknown_staff",
                {{"elder", elder_name}, {"elders", elders.empty() ? "—" : NameList(elders)}});
  }
  if (same.size() > 1) return Text(ctx, "care.elder_ambiguous", {{"elder", elder_name}});
  GEBI_ASSIGN_OR_RETURN(auto volunteers, storage::VolunteersNamed(ctx.tx, volunteer_name));
  if (volunteers.empty()) return Text(ctx, "care.volunteer_unknown", {{"name", volunteer_name}});
  if (volunteers.size() > 1) {
    return Text(ctx, "care.volunteer_ambiguous", {{"name", volunteer_name}});
  }
  GEBI_ASSIGN_OR_RETURN(bool added, AssignCareVolunteer(ctx.tx, ctx.templates, same[0].id,
                                                        volunteers[0], ctx.msg.from_user, ctx.now));
  if (!added) {
    return Text(ctx, "care.already_assigned", {{"name", volunteer_name}, {"elder", elder_name}});
  }
  return Text(ctx, "care.assigned",
              {{"name", volunteer_name}, {"elder", elder_name}, {"circle", same[0].circle_name}});
}

Result<Reply> HandleCareRelay(Context& ctx) {
  GEBI_ASSIGN_OR_RETURN(auto elders,
                        storage::EldersLinkedTo(ctx.tx, ctx.msg.from_user, "volunteer"));
  if (elders.empty()) return Text(ctx, "care.not_volunteer");
  if (ctx.args.empty()) return Text(ctx, "care.relay_usage", {{"elder", elders[0].name}});
  const storage::CareElder* elder = ElderAtStart(elders, ctx.args);
  if (!elder) {
    auto [word, rest] = SplitFirstWord(ctx.args);
    (void)rest;
    std::string shown = TrimPunct(word);
    if (Utf8Chars(shown) > kMaxElderChars) shown = "";
    return Text(ctx, "care.elder_not_yours", {{"elder", shown}, {"elders", NameList(elders)}});
  }
  const std::string body = TrimPunct(RawTail(ctx, AfterName(ctx.args, elder->name.size())));
  if (body.empty()) return Text(ctx, "care.relay_empty", {{"elder", elder->name}});
  if (Utf8Chars(body) > kMaxRelayChars) {
    return Text(ctx, "care.relay_too_long", {{"max", std::to_string(kMaxRelayChars)}});
  }
  if (elder->family == 0) {
    GEBI_ASSIGN_OR_RETURN(auto c, storage::GetCircleInfo(ctx.tx, elder->circle_id));
    return Text(ctx, "care.no_family",
                {{"elder", elder->name}, {"code", c ? c->invite_code : std::string("—")}});
  }
  GEBI_ASSIGN_OR_RETURN(int64_t recent,
                        storage::CountRelaysSince(ctx.tx, ctx.msg.from_user, ctx.now - 3600));
  if (recent >= kMaxRelaysPerHour) return Text(ctx, "care.rate_limited");
  GEBI_ASSIGN_OR_RETURN(auto muted, Muted(ctx, elder->circle_id));
  if (muted) return Reply::Text(*muted);
  storage::CareRelay r;
  r.circle_id = elder->circle_id;
  r.elder_id = elder->id;
  r.volunteer = ctx.msg.from_user;
  r.body = body;
  GEBI_ASSIGN_OR_RETURN(int64_t id, storage::RecordCareRelay(ctx.tx, r, ctx.now));
  GEBI_ASSIGN_OR_RETURN(auto held, Screen(ctx, r, id));
  if (held) return Reply::Text(*held);
  GEBI_ASSIGN_OR_RETURN(int64_t sent, DeliverCareRelay(ctx.tx, ctx.templates, id, ctx.now));
  return Text(
      ctx, "care.relay_sent",
      {{"id", std::to_string(id)}, {"elder", elder->name}, {"count", std::to_string(sent)}});
}

Result<Reply> HandleCareImage(Context& ctx) {
  const int64_t since = ctx.now - kPhotoWindowSeconds;
  GEBI_ASSIGN_OR_RETURN(auto relay, storage::LatestTextRelayOf(ctx.tx, ctx.msg.from_user, since));
  GEBI_ASSIGN_OR_RETURN(auto parking,
                        storage::LatestParkingItemOf(ctx.tx, ctx.msg.from_user, since));
  GEBI_ASSIGN_OR_RETURN(auto ticket, storage::LatestOpenTicketOf(ctx.tx, ctx.msg.from_user, since));
  // The newest of the sender's commands takes the photo.
  if (relay && (!parking || parking->created_at <= relay->created_at) &&
      (!ticket || ticket->created_at <= relay->created_at)) {
    return RelayPhoto(ctx, *relay);
  }
  if (!parking && !ticket) {
    GEBI_ASSIGN_OR_RETURN(auto elders,
                          storage::EldersLinkedTo(ctx.tx, ctx.msg.from_user, "volunteer"));
    if (!elders.empty()) return Text(ctx, "care.photo_no_relay", {{"elder", elders[0].name}});
  }
  return HandleImage(ctx);
}

Result<Reply> HandleCareThanks(Context& ctx) {
  NumberArgs a = ParseNumberAndRest(ctx.args);
  std::optional<int64_t> relay_id;
  if (a.number > 0) {
    GEBI_ASSIGN_OR_RETURN(bool received,
                          storage::ReceivedRelay(ctx.tx, a.number, ctx.msg.from_user));
    if (!received) return Text(ctx, "care.thanks_unknown", {{"id", std::to_string(a.number)}});
    relay_id = a.number;
  } else {
    GEBI_ASSIGN_OR_RETURN(relay_id, storage::LatestRelayTo(ctx.tx, ctx.msg.from_user));
  }
  if (!relay_id) {
    // Not a care family: 谢谢 is politeness (or "谢谢，修好了" about a repair).
    if (ctx.text.find("修好") != std::string::npos) return HandleFixed(ctx);
    return Text(ctx, "care.thanks_welcome");
  }
  GEBI_ASSIGN_OR_RETURN(auto relay, storage::GetCareRelay(ctx.tx, *relay_id));
  if (!relay) return Text(ctx, "care.thanks_unknown", {{"id", std::to_string(*relay_id)}});
  // A photo's thanks go to the 关爱 it came with, when the family got that too.
  int64_t target = relay->id;
  if (relay->parent_id) {
    GEBI_ASSIGN_OR_RETURN(bool got_parent,
                          storage::ReceivedRelay(ctx.tx, *relay->parent_id, ctx.msg.from_user));
    if (got_parent) target = *relay->parent_id;
  }
  const std::string id = std::to_string(target);
  GEBI_ASSIGN_OR_RETURN(bool first,
                        storage::ThankRelay(ctx.tx, target, ctx.msg.from_user, ctx.now));
  GEBI_ASSIGN_OR_RETURN(std::string volunteer, ShownName(ctx.tx, relay->volunteer));
  if (!first) return Text(ctx, "care.thanks_again", {{"id", id}, {"volunteer", volunteer}});
  GEBI_ASSIGN_OR_RETURN(bool tell, storage::MarkVolunteerThanked(ctx.tx, target, ctx.now));
  if (tell) {
    GEBI_ASSIGN_OR_RETURN(auto elder, storage::GetCareElder(ctx.tx, relay->elder_id));
    GEBI_ASSIGN_OR_RETURN(int64_t total, storage::ThanksOfVolunteer(ctx.tx, relay->volunteer));
    GEBI_RETURN_IF_ERROR(QueuePush(
        ctx, relay->volunteer, "care_thanks",
        ctx.templates.Render(
            "push.care_thanked",
            {{"elder", elder ? elder->name : ""}, {"id", id}, {"thanks", std::to_string(total)}}),
        json{{"relay_id", target}}, fmt::format("care_thanks:{}", target)));
  }
  return Text(ctx, "care.thanked", {{"id", id}, {"volunteer", volunteer}});
}

}  // namespace gebi::handlers
