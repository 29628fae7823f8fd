#include "handlers/chat/notices.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "handlers/chat/circles.h"
#include "handlers/chat/common.h"
#include "handlers/chat/moderation.h"
#include "handlers/chat/phrases.h"
#include "handlers/normalize.h"
#include "storage/circle_store.h"
#include "storage/conversation_store.h"
#include "storage/notice_store.h"
#include "storage/org_store.h"

namespace gebi::handlers {

namespace {

using nlohmann::json;

constexpr std::string_view kFlow = "notice";
// A notice is read on a phone by elderly people: a few short paragraphs at most.
constexpr size_t kMaxBodyChars = 500;
// Circles named in one 通知 / 招募 (each is looked up and checked).
constexpr size_t kMaxCircles = 20;
// Names listed in 通知情况 / 报名情况 replies (a text reply holds about 2,000 bytes).
constexpr int kMaxNamesListed = 40;
// Places a recruitment may offer.
constexpr int64_t kMaxQuota = 1000;

// "a,b、c" -> {"a", "b", "c"} (empty parts dropped). The normaliser already made "，" a ",".
std::vector<std::string> SplitNames(std::string_view list) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    std::string t = TrimPunct(cur);
    if (!t.empty()) out.push_back(t);
    cur.clear();
  };
  for (size_t i = 0; i < list.size();) {
    if (list[i] == ',' || list[i] == ';') {
      flush();
      ++i;
    } else if (list.substr(i, 3) == "、") {
      flush();
      i += 3;
    } else {
      cur += list[i++];
    }
  }
  flush();
  return out;
}

// The circles a list of names stands for, checked against what the sender may run. On a
// refusal, `refusal` is set and nothing else is.
struct Audience {
  std::vector<storage::CircleInfo> circles;
  std::optional<Reply> refusal;
};

Result<Audience> ResolveCircles(Context& ctx, const std::vector<std::string>& names) {
  Audience a;
  if (names.size() > kMaxCircles) {
    a.refusal = Text(ctx, "notice.too_many_circles", {{"max", std::to_string(kMaxCircles)}});
    return a;
  }
  if (names.size() == 1 && (names[0] == "全部" || names[0] == "all" || names[0] == "所有")) {
    GEBI_ASSIGN_OR_RETURN(a.circles, CirclesRunBy(ctx.tx, ctx.msg.from_user));
    if (a.circles.empty()) a.refusal = Text(ctx, "notice.none_to_run");
    return a;
  }
  for (const std::string& name : names) {
    GEBI_ASSIGN_OR_RETURN(auto c, storage::CircleByName(ctx.tx, name));
    if (!c) {
      a.refusal = Text(ctx, "circle.unknown", {{"circle", name}});
      return a;
    }
    GEBI_ASSIGN_OR_RETURN(bool may, MayRunCircle(ctx.tx, ctx.msg.from_user, *c));
    if (!may) {
      a.refusal = Text(ctx, "circle.not_manager", {{"circle", c->name}});
      return a;
    }
    bool seen = false;
    for (const auto& have : a.circles) seen = seen || have.id == c->id;
    if (!seen) a.circles.push_back(std::move(*c));
  }
  return a;
}

std::string JoinNames(const std::vector<storage::CircleInfo>& circles) {
  std::string out;
  for (const auto& c : circles) {
    if (!out.empty()) out += "、";
    out += c.name;
  }
  return out;
}

std::vector<int64_t> Ids(const std::vector<storage::CircleInfo>& circles) {
  std::vector<int64_t> ids;
  for (const auto& c : circles) ids.push_back(c.id);
  return ids;
}

// The community a notice or recruitment is counted under: its first circle's, else the
// sender's.
Result<std::optional<int64_t>> CommunityOf(Context& ctx,
                                           const std::vector<storage::CircleInfo>& circles) {
  for (const auto& c : circles) {
    if (!c.unit_id) continue;
    GEBI_ASSIGN_OR_RETURN(auto community, storage::AncestorOfKind(ctx.tx, *c.unit_id, "community"));
    if (community) return std::optional<int64_t>(community->id);
  }
  return ctx.community_id;
}

// The sender may follow notice n: its author, or whoever runs one of its circles.
Result<bool> MayFollowNotice(Context& ctx, const storage::Notice& n) {
  if (n.author == ctx.msg.from_user) return true;
  GEBI_ASSIGN_OR_RETURN(auto ids, storage::NoticeCircleIds(ctx.tx, n.id));
  for (int64_t id : ids) {
    GEBI_ASSIGN_OR_RETURN(auto c, storage::GetCircleInfo(ctx.tx, id));
    if (!c) continue;
    GEBI_ASSIGN_OR_RETURN(bool may, MayRunCircle(ctx.tx, ctx.msg.from_user, *c));
    if (may) return true;
  }
  return false;
}

// The notice numbered in ctx.args that the sender may follow, or the refusal to send.
struct Followed {
  std::optional<storage::Notice> notice;
  std::optional<Reply> refusal;
};
Result<Followed> FollowedNotice(Context& ctx, std::string_view usage_key) {
  Followed f;
  NumberArgs a = ParseNumberAndRest(ctx.args);
  if (a.number < 0) {
    f.refusal = Text(ctx, usage_key);
    return f;
  }
  GEBI_ASSIGN_OR_RETURN(auto n, storage::GetNotice(ctx.tx, a.number));
  if (!n) {
    f.refusal = Text(ctx, "notice.unknown", {{"id", std::to_string(a.number)}});
    return f;
  }
  GEBI_ASSIGN_OR_RETURN(bool may, MayFollowNotice(ctx, *n));
  if (!may) {
    f.refusal = Text(ctx, "notice.not_yours", {{"id", std::to_string(n->id)}});
    return f;
  }
  f.notice = std::move(n);
  return f;
}

std::string NameOr(const std::string& name, const std::string& openid) {
  return name.empty() ? UnnamedLabel(openid) : name;
}

// Sends the confirmed notice: the notice, its recipients and their pushes in this delivery's
// transaction.
Result<Reply> Send(Context& ctx, const json& slots) {
  GEBI_RETURN_IF_ERROR(storage::ClearConversation(ctx.tx, ctx.msg.from_user));
  std::vector<std::string> names;
  for (const auto& n : slots.value("circles", json::array())) {
    if (n.is_string()) names.push_back(n.get<std::string>());
  }
  const std::string body = slots.value("body", "");
  if (names.empty() || body.empty()) return Text(ctx, "notice.usage");
  // Checked again: a circle may have been renamed or a manager removed since the question.
  GEBI_ASSIGN_OR_RETURN(Audience a, ResolveCircles(ctx, names));
  if (a.refusal) return *a.refusal;
  GEBI_ASSIGN_OR_RETURN(auto community, CommunityOf(ctx, a.circles));
  Relay relay = RelayFrom(ctx, "notice", Ids(a.circles), community, body);
  relay.payload = json{{"author", ctx.msg.from_user},
                       {"circle_ids", Ids(a.circles)},
                       {"circles", JoinNames(a.circles)},
                       {"body", body},
                       {"community_id", community ? json(*community) : json()}};
  GEBI_ASSIGN_OR_RETURN(Screened screened,
                        ScreenRelay(ctx.tx, ctx.templates, ctx.settings, relay, ctx.now));
  if (screened.verdict != Screened::Verdict::kPass) return Reply::Text(screened.reply);
  GEBI_ASSIGN_OR_RETURN(Delivered d, DeliverNotice(ctx.tx, ctx.templates, relay.payload, ctx.now));
  return Text(ctx, "notice.sent",
              {{"id", std::to_string(d.id)}, {"count", std::to_string(d.count)}});
}

std::vector<int64_t> IdsOf(const json& payload) {
  std::vector<int64_t> ids;
  for (const auto& id : payload.value("circle_ids", json::array())) {
    if (id.is_number_integer()) ids.push_back(id.get<int64_t>());
  }
  return ids;
}

std::optional<int64_t> CommunityIn(const json& payload) {
  auto it = payload.find("community_id");
  if (it == payload.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

// Recruitment: the sender may follow r (its organiser, or whoever runs one of its circles).
Result<bool> MayFollowRecruitment(Context& ctx, const storage::Recruitment& r) {
  if (r.organiser == ctx.msg.from_user) return true;
  GEBI_ASSIGN_OR_RETURN(auto ids, storage::RecruitmentCircleIds(ctx.tx, r.id));
  for (int64_t id : ids) {
    GEBI_ASSIGN_OR_RETURN(auto c, storage::GetCircleInfo(ctx.tx, id));
    if (!c) continue;
    GEBI_ASSIGN_OR_RETURN(bool may, MayRunCircle(ctx.tx, ctx.msg.from_user, *c));
    if (may) return true;
  }
  return false;
}

struct Event {
  std::optional<storage::Recruitment> recruitment;
  std::optional<Reply> refusal;
  std::string rest;
};
Result<Event> NumberedRecruitment(Context& ctx, std::string_view usage_key) {
  Event e;
  NumberArgs a = ParseNumberAndRest(ctx.args);
  if (a.number < 0) {
    e.refusal = Text(ctx, usage_key);
    return e;
  }
  GEBI_ASSIGN_OR_RETURN(auto r, storage::GetRecruitment(ctx.tx, a.number));
  if (!r) {
    e.refusal = Text(ctx, "recruit.unknown", {{"id", std::to_string(a.number)}});
    return e;
  }
  e.recruitment = std::move(r);
  e.rest = a.rest;
  return e;
}

}  // namespace

Result<Reply> HandleNotice(Context& ctx) {
  auto [target, rest] = SplitFirstWord(ctx.args);
  if (target.empty() || rest.empty()) return Text(ctx, "notice.usage");
  const std::string body = TrimPunct(RawTail(ctx, rest)).empty() ? "" : RawTail(ctx, rest);
  if (body.empty()) return Text(ctx, "notice.usage");
  if (Utf8Chars(body) > kMaxBodyChars) {
    return Text(ctx, "notice.too_long", {{"max", std::to_string(kMaxBodyChars)}});
  }
  std::vector<std::string> names = SplitNames(target);
  GEBI_ASSIGN_OR_RETURN(Audience a, ResolveCircles(ctx, names));
  if (a.refusal) return *a.refusal;
  GEBI_ASSIGN_OR_RETURN(auto muted, MutedReply(ctx.tx, ctx.templates, ctx.msg.from_user,
                                               Ids(a.circles), ctx.now));
  if (muted) return Reply::Text(*muted);
  GEBI_ASSIGN_OR_RETURN(int64_t count,
                        storage::CountCircleAudience(ctx.tx, Ids(a.circles), ctx.msg.from_user));
  if (count == 0) return Text(ctx, "notice.nobody", {{"circle", JoinNames(a.circles)}});
  json circle_names = json::array();
  for (const auto& c : a.circles) circle_names.push_back(c.name);
  GEBI_RETURN_IF_ERROR(
      SaveFlow(ctx, kFlow, "confirm", json{{"circles", circle_names}, {"body", body}}));
  return Text(ctx, "notice.confirm",
              {{"circle", JoinNames(a.circles)}, {"count", std::to_string(count)}, {"body", body}});
}

Result<Reply> HandleNoticeFlow(Context& ctx) {
  const std::string step = ctx.conversation ? ctx.conversation->step : "";
  json slots = FlowSlots(ctx);
  if (step == "confirm") {
    if (IsYes(ctx.text) || ctx.text == "发送" || ctx.text == "发") return Send(ctx, slots);
    if (IsNo(ctx.text)) {
      GEBI_RETURN_IF_ERROR(storage::ClearConversation(ctx.tx, ctx.msg.from_user));
      return Text(ctx, "notice.not_sent");
    }
    return Text(ctx, "notice.confirm_again");
  }
  GEBI_RETURN_IF_ERROR(storage::ClearConversation(ctx.tx, ctx.msg.from_user));
  return Text(ctx, "notice.usage");
}

Result<Reply> HandleReceipt(Context& ctx) {
  const std::string& me = ctx.msg.from_user;
  LeadingNumber lead = SplitLeadingNumber(ctx.args);
  int64_t id = lead.number;
  if (id <= 0) {
    GEBI_ASSIGN_OR_RETURN(auto latest, storage::LatestUnreceived(ctx.tx, me));
    if (!latest) return Text(ctx, "receipt.none");
    id = *latest;
  }
  const std::string ids = std::to_string(id);
  GEBI_ASSIGN_OR_RETURN(auto n, storage::GetNotice(ctx.tx, id));
  bool mine = false;
  if (n) {
    GEBI_ASSIGN_OR_RETURN(mine, storage::IsNoticeRecipient(ctx.tx, id, me));
  }
  if (!n || !mine) return Text(ctx, "receipt.not_yours", {{"id", ids}});
  if (n->status == "withdrawn") return Text(ctx, "receipt.withdrawn", {{"id", ids}});
  GEBI_ASSIGN_OR_RETURN(bool marked, storage::MarkReceived(ctx.tx, id, me, ctx.now));
  if (!marked) return Text(ctx, "receipt.already", {{"id", ids}});
  GEBI_ASSIGN_OR_RETURN(auto more, storage::LatestUnreceived(ctx.tx, me));
  if (more) {
    return Text(ctx, "receipt.ok_more", {{"id", ids}, {"next", std::to_string(*more)}});
  }
  return Text(ctx, "receipt.ok", {{"id", ids}});
}

Result<Reply> HandleNoticeStatus(Context& ctx) {
  GEBI_ASSIGN_OR_RETURN(Followed f, FollowedNotice(ctx, "notice.status_usage"));
  if (f.refusal) return *f.refusal;
  const storage::Notice& n = *f.notice;
  GEBI_ASSIGN_OR_RETURN(auto people, storage::NoticeRecipients(ctx.tx, n.id, kMaxNamesListed));
  std::string waiting;
  int64_t listed = 0;
  for (const auto& p : people) {
    if (p.received_at) continue;
    if (!waiting.empty()) waiting += "、";
    waiting += NameOr(p.name, p.openid);
    ++listed;
  }
  const int64_t not_yet = n.recipients - n.received;
  if (not_yet > listed) waiting += "……";
  const std::string id = std::to_string(n.id);
  if (n.status == "withdrawn") {
    return Text(ctx, "notice.status_withdrawn",
                {{"id", id},
                 {"received", std::to_string(n.received)},
                 {"total", std::to_string(n.recipients)}});
  }
  if (not_yet == 0) {
    return Text(ctx, "notice.status_all",
                {{"id", id}, {"circle", n.circles}, {"total", std::to_string(n.recipients)}});
  }
  return Text(ctx, "notice.status",
              {{"id", id},
               {"circle", n.circles},
               {"received", std::to_string(n.received)},
               {"total", std::to_string(n.recipients)},
               {"waiting", std::to_string(not_yet)},
               {"names", waiting}});
}

Result<Reply> HandleNoticeRemind(Context& ctx) {
  GEBI_ASSIGN_OR_RETURN(Followed f, FollowedNotice(ctx, "notice.remind_usage"));
  if (f.refusal) return *f.refusal;
  const storage::Notice& n = *f.notice;
  const std::string id = std::to_string(n.id);
  if (n.status == "withdrawn") return Text(ctx, "notice.is_withdrawn", {{"id", id}});
  if (n.received >= n.recipients)
    return Text(ctx, "notice.status_all",
                {{"id", id}, {"circle", n.circles}, {"total", std::to_string(n.recipients)}});
  if (n.reminded_at) return Text(ctx, "notice.reminded_before", {{"id", id}});
  GEBI_ASSIGN_OR_RETURN(int64_t queued, RemindNotice(ctx.tx, ctx.templates, n, ctx.now));
  return Text(ctx, "notice.reminded", {{"id", id}, {"count", std::to_string(queued)}});
}

Result<Reply> HandleNoticeWithdraw(Context& ctx) {
  GEBI_ASSIGN_OR_RETURN(Followed f, FollowedNotice(ctx, "notice.withdraw_usage"));
  if (f.refusal) return *f.refusal;
  const storage::Notice& n = *f.notice;
  const std::string id = std::to_string(n.id);
  if (n.status == "withdrawn") return Text(ctx, "notice.is_withdrawn", {{"id", id}});
  GEBI_ASSIGN_OR_RETURN(auto counts, WithdrawNoticeNow(ctx.tx, ctx.templates, n, ctx.now));
  return Text(ctx, "notice.withdrawn",
              {{"id", id},
               {"cancelled", std::to_string(counts.cancelled)},
               {"told", std::to_string(counts.told)}});
}

Result<int64_t> RemindNotice(storage::Tx& tx, const Templates& texts, const storage::Notice& n,
                             int64_t now) {
  if (n.status == "withdrawn") return Status::FailedPrecondition("通知已经撤回了");
  if (n.reminded_at) return Status::FailedPrecondition("这条通知已经提醒过一次了");
  const std::string id = std::to_string(n.id);
  const std::string text =
      texts.Render("push.notice_remind", {{"id", id}, {"circle", n.circles}, {"body", n.body}});
  json payload = {{"text", text}, {"notice_id", n.id}};
  return storage::QueueReminders(tx, n.id, payload.dump(), now);
}

Result<storage::WithdrawCounts> WithdrawNoticeNow(storage::Tx& tx, const Templates& texts,
                                                  const storage::Notice& n, int64_t now) {
  if (n.status == "withdrawn") return Status::FailedPrecondition("通知已经撤回了");
  const std::string told =
      texts.Render("push.notice_withdrawn", {{"id", std::to_string(n.id)}, {"circle", n.circles}});
  json payload = {{"text", told}, {"notice_id", n.id}};
  return storage::WithdrawNotice(tx, n.id, payload.dump(), now);
}

Result<Reply> HandleRecruit(Context& ctx) {
  NumberArgs a = ParseNumberAndRest(ctx.args);
  if (a.number <= 0 || a.rest.empty()) return Text(ctx, "recruit.usage");
  if (a.number > kMaxQuota) {
    return Text(ctx, "recruit.quota_too_big", {{"max", std::to_string(kMaxQuota)}});
  }
  // "内容 @圈子 @圈子": the sender's own words up to the first @, circle names after each.
  const std::string raw = RawTail(ctx, a.rest);
  size_t at = std::min(raw.find('@'), raw.find("＠"));
  const std::string body_raw = raw.substr(0, at);
  std::vector<std::string> names;
  if (at != std::string::npos) {
    // "@a @b", "@a,b" and "@a、b" alike: every separator becomes a comma.
    std::string list = Normalize(raw.substr(at));
    std::replace(list.begin(), list.end(), '@', ',');
    std::replace(list.begin(), list.end(), ' ', ',');
    names = SplitNames(list);
  }
  const std::string body = TrimPunct(body_raw);
  if (body.empty()) return Text(ctx, "recruit.usage");
  if (Utf8Chars(body) > kMaxBodyChars) {
    return Text(ctx, "notice.too_long", {{"max", std::to_string(kMaxBodyChars)}});
  }
  Audience audience;
  if (!names.empty()) {
    GEBI_ASSIGN_OR_RETURN(audience, ResolveCircles(ctx, names));
    if (audience.refusal) return *audience.refusal;
  }
  GEBI_ASSIGN_OR_RETURN(auto community, CommunityOf(ctx, audience.circles));
  Relay relay = RelayFrom(ctx, "recruit", Ids(audience.circles), community, body);
  relay.payload = json{{"organiser", ctx.msg.from_user},
                       {"body", body},
                       {"quota", a.number},
                       {"circle_ids", Ids(audience.circles)},
                       {"circles", JoinNames(audience.circles)},
                       {"community_id", community ? json(*community) : json()}};
  GEBI_ASSIGN_OR_RETURN(Screened screened,
                        ScreenRelay(ctx.tx, ctx.templates, ctx.settings, relay, ctx.now));
  if (screened.verdict != Screened::Verdict::kPass) return Reply::Text(screened.reply);
  GEBI_ASSIGN_OR_RETURN(Delivered d,
                        DeliverRecruitment(ctx.tx, ctx.templates, relay.payload, ctx.now));
  const std::string ids = std::to_string(d.id);
  if (d.count == 0) {
    return Text(ctx, "recruit.created_open", {{"id", ids}, {"quota", std::to_string(a.number)}});
  }
  return Text(ctx, "recruit.created",
              {{"id", ids},
               {"quota", std::to_string(a.number)},
               {"circle", JoinNames(audience.circles)},
               {"count", std::to_string(d.count)}});
}

Result<Delivered> DeliverNotice(storage::Tx& tx, const Templates& texts, const json& payload,
                                int64_t now) {
  storage::Notice n;
  n.community_id = CommunityIn(payload);
  n.author = payload.value("author", "");
  n.circles = payload.value("circles", "");
  n.body = payload.value("body", "");
  GEBI_ASSIGN_OR_RETURN(int64_t id, storage::CreateNotice(tx, n, IdsOf(payload), now));
  const std::string text = texts.Render(
      "push.notice", {{"id", std::to_string(id)}, {"circle", n.circles}, {"body", n.body}});
  json push = {{"text", text}, {"notice_id", id}};
  GEBI_ASSIGN_OR_RETURN(int64_t queued, storage::QueueNoticePushes(tx, id, push.dump(), now));
  return Delivered{id, queued};
}

Result<Delivered> DeliverRecruitment(storage::Tx& tx, const Templates& texts, const json& payload,
                                     int64_t now) {
  storage::Recruitment r;
  r.community_id = CommunityIn(payload);
  r.organiser = payload.value("organiser", "");
  r.body = payload.value("body", "");
  r.quota = payload.value("quota", int64_t{1});
  r.circles = payload.value("circles", "");
  const std::vector<int64_t> circle_ids = IdsOf(payload);
  GEBI_ASSIGN_OR_RETURN(int64_t id, storage::CreateRecruitment(tx, r, circle_ids, now));
  const std::string ids = std::to_string(id);
  int64_t pushed = 0;
  if (!circle_ids.empty()) {
    GEBI_ASSIGN_OR_RETURN(auto people, storage::CircleAudience(tx, circle_ids, r.organiser));
    const std::string text = texts.Render(
        "push.recruit",
        {{"id", ids}, {"circle", r.circles}, {"body", r.body}, {"quota", std::to_string(r.quota)}});
    for (const auto& p : people) {
      GEBI_RETURN_IF_ERROR(QueuePushIn(tx, now, p, "recruit", text, json{{"recruitment_id", id}},
                                       fmt::format("recruit:{}:{}", id, p)));
    }
    pushed = static_cast<int64_t>(people.size());
  }
  return Delivered{id, pushed};
}

Result<Reply> HandleSignup(Context& ctx) {
  GEBI_ASSIGN_OR_RETURN(Event e, NumberedRecruitment(ctx, "recruit.signup_usage"));
  if (e.refusal) return *e.refusal;
  const storage::Recruitment& r = *e.recruitment;
  const std::string id = std::to_string(r.id);
  const std::string& me = ctx.msg.from_user;
  if (r.status != "open") return Text(ctx, "recruit.closed", {{"id", id}});
  GEBI_ASSIGN_OR_RETURN(auto circle_ids, storage::RecruitmentCircleIds(ctx.tx, r.id));
  if (!circle_ids.empty()) {
    bool member = false;
    for (int64_t c : circle_ids) {
      GEBI_ASSIGN_OR_RETURN(auto role, storage::MemberRole(ctx.tx, c, me));
      member = member || role.has_value();
    }
    if (!member) return Text(ctx, "recruit.members_only", {{"id", id}, {"circle", r.circles}});
  }
  GEBI_ASSIGN_OR_RETURN(auto existing, storage::GetSignup(ctx.tx, r.id, me));
  if (existing && existing->status == "signed") {
    return Text(ctx, "recruit.already_signed", {{"id", id}});
  }
  if (existing && existing->status == "waiting") {
    return Text(ctx, "recruit.already_waiting", {{"id", id}});
  }
  GEBI_ASSIGN_OR_RETURN(std::string name, PersonName(ctx.tx, me));
  std::string given = TrimPunct(RawTail(ctx, e.rest));
  if (Utf8Chars(given) > 20) return Text(ctx, "circle.name_too_long");
  if (name.empty()) name = given;
  if (name.empty()) {
    GEBI_RETURN_IF_ERROR(AskNext(ctx, "signup", id, "recruit.ask_name"));
    return Text(ctx, "recruit.ask_name", {{"id", id}});
  }
  GEBI_ASSIGN_OR_RETURN(std::string status,
                        storage::SignUp(ctx.tx, r.id, me, name, r.quota, ctx.now));
  if (status == "waiting") {
    return Text(ctx, "recruit.waiting", {{"id", id}, {"position", std::to_string(r.waiting + 1)}});
  }
  const int64_t taken = r.signed_up + 1;
  if (taken == r.quota) {
    GEBI_RETURN_IF_ERROR(QueuePush(
        ctx, r.organiser, "recruit_full",
        ctx.templates.Render("push.recruit_full",
                             {{"id", id}, {"quota", std::to_string(r.quota)}, {"body", r.body}}),
        json{{"recruitment_id", r.id}}, fmt::format("recruit_full:{}", r.id)));
  }
  return Text(ctx, "recruit.signed",
              {{"id", id}, {"taken", std::to_string(taken)}, {"quota", std::to_string(r.quota)}});
}

Result<Reply> HandleCancelSignup(Context& ctx) {
  GEBI_ASSIGN_OR_RETURN(Event e, NumberedRecruitment(ctx, "recruit.cancel_usage"));
  if (e.refusal) return *e.refusal;
  const storage::Recruitment& r = *e.recruitment;
  const std::string id = std::to_string(r.id);
  if (r.status != "open") return Text(ctx, "recruit.closed", {{"id", id}});
  GEBI_ASSIGN_OR_RETURN(auto existing, storage::GetSignup(ctx.tx, r.id, ctx.msg.from_user));
  if (!existing || existing->status == "cancelled") {
    return Text(ctx, "recruit.not_signed", {{"id", id}});
  }
  GEBI_ASSIGN_OR_RETURN(auto promoted,
                        storage::CancelSignup(ctx.tx, r.id, ctx.msg.from_user, ctx.now));
  if (promoted) {
    GEBI_ASSIGN_OR_RETURN(auto row, storage::GetSignup(ctx.tx, r.id, *promoted));
    GEBI_RETURN_IF_ERROR(
        QueuePush(ctx, *promoted, "recruit_promoted",
                  ctx.templates.Render("push.recruit_promoted", {{"id", id}, {"body", r.body}}),
                  json{{"recruitment_id", r.id}},
                  fmt::format("recruit_promoted:{}:{}", r.id, row ? row->id : 0)));
  }
  return Text(ctx, "recruit.cancelled", {{"id", id}});
}

Result<Reply> HandleSignups(Context& ctx) {
  GEBI_ASSIGN_OR_RETURN(Event e, NumberedRecruitment(ctx, "recruit.list_usage"));
  if (e.refusal) return *e.refusal;
  const storage::Recruitment& r = *e.recruitment;
  const std::string id = std::to_string(r.id);
  GEBI_ASSIGN_OR_RETURN(bool may, MayFollowRecruitment(ctx, r));
  if (!may) return Text(ctx, "recruit.not_yours", {{"id", id}});
  GEBI_ASSIGN_OR_RETURN(auto signups, storage::ListSignups(ctx.tx, r.id));
  std::string signed_names, waiting_names;
  int listed = 0;
  for (const auto& s : signups) {
    if (++listed > kMaxNamesListed) break;
    std::string& into = s.status == "signed" ? signed_names : waiting_names;
    if (!into.empty()) into += "、";
    into += NameOr(s.name, s.openid);
  }
  if (static_cast<int>(signups.size()) > kMaxNamesListed) {
    (waiting_names.empty() ? signed_names : waiting_names) += "……";
  }
  std::string waiting_line;
  if (r.waiting > 0) {
    waiting_line = ctx.templates.Render(
        "recruit.list_waiting", {{"waiting", std::to_string(r.waiting)}, {"names", waiting_names}});
  }
  return Text(ctx, "recruit.list",
              {{"id", id},
               {"body", r.body},
               {"taken", std::to_string(r.signed_up)},
               {"quota", std::to_string(r.quota)},
               {"names", signed_names.empty() ? "—" : signed_names},
               {"waiting", waiting_line},
               {"status", ctx.templates.Render(r.status == "open" ? "recruit.status.open"
                                                                  : "recruit.status.closed")}});
}

Result<Reply> HandleCloseRecruit(Context& ctx) {
  GEBI_ASSIGN_OR_RETURN(Event e, NumberedRecruitment(ctx, "recruit.close_usage"));
  if (e.refusal) return *e.refusal;
  const storage::Recruitment& r = *e.recruitment;
  const std::string id = std::to_string(r.id);
  GEBI_ASSIGN_OR_RETURN(bool may, MayFollowRecruitment(ctx, r));
  if (!may) return Text(ctx, "recruit.not_yours", {{"id", id}});
  GEBI_ASSIGN_OR_RETURN(bool closed, storage::CloseRecruitment(ctx.tx, r.id, ctx.now));
  if (!closed) return Text(ctx, "recruit.closed", {{"id", id}});
  return Text(
      ctx, "recruit.closed_ok",
      {{"id", id}, {"taken", std::to_string(r.signed_up)}, {"quota", std::to_string(r.quota)}});
}

}  // namespace gebi::handlers
