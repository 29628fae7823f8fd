#include "handlers/chat/circles.h"

#include <fmt/format.h>

#include <random>
#include <string>
#include <vector>

#include "handlers/chat/care.h"
#include "handlers/chat/common.h"
#include "handlers/chat/phrases.h"
#include "handlers/normalize.h"
#include "storage/org_store.h"

namespace gebi::handlers {

namespace {

using nlohmann::json;

// A circle's name is something a person types after 通知 / 退出圈子: keep it short.
constexpr size_t kMaxNameChars = 20;
// A name given when joining a real-name circle.
constexpr size_t kMaxPersonNameChars = 20;
// Members listed in one 圈子成员 reply (a WeChat text reply holds about 2,000 bytes).
constexpr int kMaxMembersListed = 60;
// Digits of an invite code: easy to read out to an elderly neighbour, 900,000 codes.
constexpr int kInviteDigits = 6;
// Tries to find an unused invite code before giving up (a collision is rare).
constexpr int kInviteTries = 20;

struct KindWord {
  std::string_view word;
  std::string_view kind;
};
// What people call each kind, as typed after 建圈. The first word of a kind is its label.
constexpr KindWord kKindWords[] = {
    {"楼栋", "building"},     {"楼幢", "building"},     {"楼道", "building"},
    {"邻里", "neighbour"},    {"邻居", "neighbour"},    {"党员", "party"},
    {"关爱", "elderly_care"}, {"养老", "elderly_care"}, {"助老", "elderly_care"},
    {"车友", "car_owner"},    {"停车", "car_owner"},    {"兴趣", "interest"},
    {"爱好", "interest"},     {"网格", "grid"},
};

std::string_view KindOfWord(std::string_view word) {
  for (const auto& k : kKindWords) {
    if (word == k.word) return k.kind;
    // "楼栋群", "党员圈": the word with a trailing 群 / 圈 / 圈子.
    if (word.size() > k.word.size() && word.substr(0, k.word.size()) == k.word) {
      std::string_view tail = word.substr(k.word.size());
      if (tail == "群" || tail == "圈" || tail == "圈子") return k.kind;
    }
  }
  return {};
}

std::string KindLabel(std::string_view kind) {
  for (const auto& k : kKindWords) {
    if (k.kind == kind) return std::string(k.word);
  }
  return std::string(kind);
}

std::string KindList() {
  std::string out;
  std::string_view last;
  for (const auto& k : kKindWords) {
    if (k.kind == last || k.kind == "grid") continue;
    last = k.kind;
    if (!out.empty()) out += "、";
    out += k.word;
  }
  return out;
}

// The unit a new circle belongs to: the staff member's own unit (grid, community, street or
// district, in that order of preference).
Result<std::optional<int64_t>> StaffUnit(storage::Tx& tx, const std::string& openid) {
  GEBI_ASSIGN_OR_RETURN(auto grants, storage::GrantsOf(tx, openid));
  for (std::string_view role :
       {"grid_worker", "community_staff", "street_staff", "district_admin"}) {
    for (const auto& g : grants) {
      if (g.role == role) return std::optional<int64_t>(g.unit_id);
    }
  }
  return std::optional<int64_t>();
}

Result<std::string> NewInviteCode(storage::Tx& tx) {
  std::random_device rd;
  std::uniform_int_distribution<int> digit(0, 9);
  for (int i = 0; i < kInviteTries; ++i) {
    std::string code;
    code += static_cast<char>('1' + digit(rd) % 9);  // no leading zero: it may be read as a number
    while (code.size() < static_cast<size_t>(kInviteDigits)) {
      code += static_cast<char>('0' + digit(rd));
    }
    GEBI_ASSIGN_OR_RETURN(bool taken, storage::InviteTaken(tx, code));
    if (!taken) return code;
  }
  return Status::ResourceExhausted("no free invite code after several tries");
}

std::string RoleLabel(const Context& ctx, const std::string& role) {
  if (role == "owner") return ctx.templates.Render("circle.role.owner");
  if (role == "manager") return ctx.templates.Render("circle.role.manager");
  return ctx.templates.Render("circle.role.member");
}

std::string ModeNote(const Context& ctx, const storage::CircleInfo& c) {
  return ctx.templates.Render(c.join_mode == "approval" ? "circle.mode.approval"
                                                        : "circle.mode.open");
}

// Queues the join request's push to the circle's owner and managers.
Status TellManagers(Context& ctx, const storage::CircleInfo& c, int64_t request_id,
                    const std::string& name) {
  GEBI_ASSIGN_OR_RETURN(auto members, storage::ListMembers(ctx.tx, c.id, kMaxMembersListed));
  const std::string text = ctx.templates.Render(
      "push.circle_join_request",
      {{"id", std::to_string(request_id)}, {"name", name}, {"circle", c.name}});
  for (const auto& m : members) {
    if (m.role != "owner" && m.role != "manager") continue;
    GEBI_RETURN_IF_ERROR(QueuePush(ctx, m.openid, "circle_join_request", text,
                                   json{{"request_id", request_id}, {"circle_id", c.id}},
                                   fmt::format("circle_join_request:{}:{}", request_id, m.openid)));
  }
  return Status::Ok();
}

// Joins circle c (open) or asks to (approval). given_name is what the sender wrote after the
// code, if anything; code_prefix is what a follow-up answer is prefixed with.
Result<Reply> JoinCircle(Context& ctx, const storage::CircleInfo& c, std::string given_name) {
  const std::string& me = ctx.msg.from_user;
  if (c.kind == "grid") return Text(ctx, "circle.grid_by_join");
  // Family join an elderly-care circle for one elder (handlers/chat/care.h).
  if (c.kind == "elderly_care") return JoinCareCircle(ctx, c, given_name);
  GEBI_ASSIGN_OR_RETURN(auto role, storage::MemberRole(ctx.tx, c.id, me));
  if (role) return Text(ctx, "circle.already_member", {{"circle", c.name}});
  GEBI_ASSIGN_OR_RETURN(std::string name, PersonName(ctx.tx, me));
  if (Utf8Chars(given_name) > kMaxPersonNameChars) return Text(ctx, "circle.name_too_long");
  if (name.empty()) name = given_name;
  if (c.join_mode == "approval") {
    GEBI_ASSIGN_OR_RETURN(auto pending, storage::PendingCircleRequest(ctx.tx, c.id, me));
    if (pending) {
      return Text(ctx, "circle.request_pending",
                  {{"id", std::to_string(pending->id)}, {"circle", c.name}});
    }
    if (name.empty()) {
      // A real-name circle: ask the name; the answer comes back as "加入圈子 <code> <name>".
      GEBI_RETURN_IF_ERROR(AskNext(ctx, "join_circle", c.invite_code, "circle.ask_name"));
      return Text(ctx, "circle.ask_name", {{"circle", c.name}});
    }
    GEBI_ASSIGN_OR_RETURN(int64_t id,
                          storage::CreateCircleJoinRequest(ctx.tx, c.id, me, name, ctx.now));
    GEBI_RETURN_IF_ERROR(TellManagers(ctx, c, id, name));
    return Text(ctx, "circle.request_sent", {{"id", std::to_string(id)}, {"circle", c.name}});
  }
  GEBI_ASSIGN_OR_RETURN(bool added, storage::AddMember(ctx.tx, c.id, me, name, ctx.now));
  (void)added;  // a member row cannot appear between the check above and here (one Tx)
  return Text(ctx, "circle.joined",
              {{"circle", c.name},
               {"convention",
                c.convention.empty() ? ctx.templates.Render("circle.convention") : c.convention}});
}

// The circle named by the whole of args, or a reply saying none is.
Result<std::optional<storage::CircleInfo>> NamedCircle(Context& ctx, const std::string& name) {
  return storage::CircleByName(ctx.tx, TrimPunct(name));
}

Result<Reply> Decide(Context& ctx, bool approve) {
  NumberArgs a = ParseNumberAndRest(ctx.args);
  if (a.number < 0 || (!approve && a.rest.empty())) {
    return Text(ctx, approve ? "circle.approve_usage" : "circle.reject_usage");
  }
  const std::string id = std::to_string(a.number);
  GEBI_ASSIGN_OR_RETURN(auto req, storage::GetCircleJoinRequest(ctx.tx, a.number));
  if (!req) return Text(ctx, "circle.request_unknown", {{"id", id}});
  GEBI_ASSIGN_OR_RETURN(auto c, storage::GetCircleInfo(ctx.tx, req->circle_id));
  if (!c) return Text(ctx, "circle.request_unknown", {{"id", id}});
  GEBI_ASSIGN_OR_RETURN(bool may, MayRunCircle(ctx.tx, ctx.msg.from_user, *c));
  if (!may) return Text(ctx, "circle.not_manager", {{"circle", c->name}});
  if (req->status != "pending") return Text(ctx, "circle.request_decided", {{"id", id}});
  const std::string reason = approve ? "" : RawTail(ctx, a.rest);
  GEBI_ASSIGN_OR_RETURN(bool applied, storage::DecideCircleJoinRequest(
                                          ctx.tx, req->id, approve ? "approved" : "rejected",
                                          reason, ctx.msg.from_user, ctx.now));
  if (!applied) return Text(ctx, "circle.request_decided", {{"id", id}});
  const std::string dedup = fmt::format("circle_join_result:{}", req->id);
  const json extra = {{"request_id", req->id}, {"circle_id", c->id}, {"approved", approve}};
  if (approve) {
    GEBI_ASSIGN_OR_RETURN(bool added,
                          storage::AddMember(ctx.tx, c->id, req->openid, req->name, ctx.now));
    (void)added;  // already a member (added by the console meanwhile) is fine
    GEBI_RETURN_IF_ERROR(LinkApprovedCareFamily(ctx.tx, *req, ctx.msg.from_user, ctx.now));
    GEBI_RETURN_IF_ERROR(QueuePush(
        ctx, req->openid, "circle_join_result",
        ctx.templates.Render(
            "push.circle_joined",
            {{"circle", c->name},
             {"convention",
              c->convention.empty() ? ctx.templates.Render("circle.convention") : c->convention}}),
        extra, dedup));
    return Text(ctx, "circle.approved", {{"id", id}, {"name", req->name}, {"circle", c->name}});
  }
  GEBI_RETURN_IF_ERROR(QueuePush(
      ctx, req->openid, "circle_join_result",
      ctx.templates.Render("push.circle_rejected", {{"circle", c->name}, {"reason", reason}}),
      extra, dedup));
  return Text(ctx, "circle.rejected", {{"id", id}, {"name", req->name}});
}

}  // namespace

Result<bool> MayRunCircle(storage::Tx& tx, const std::string& openid,
                          const storage::CircleInfo& c) {
  GEBI_ASSIGN_OR_RETURN(auto role, storage::MemberRole(tx, c.id, openid));
  if (role && (*role == "owner" || *role == "manager")) return true;
  if (!c.unit_id) return false;
  return storage::CanManage(tx, openid, *c.unit_id);
}

Result<std::vector<storage::CircleInfo>> CirclesRunBy(storage::Tx& tx, const std::string& openid) {
  GEBI_ASSIGN_OR_RETURN(auto all, storage::ListCircles(tx));
  std::vector<storage::CircleInfo> out;
  for (auto& c : all) {
    GEBI_ASSIGN_OR_RETURN(bool may, MayRunCircle(tx, openid, c));
    if (may) out.push_back(std::move(c));
  }
  return out;
}

Result<std::string> PersonName(storage::Tx& tx, const std::string& openid) {
  GEBI_ASSIGN_OR_RETURN(auto resident, storage::GetResident(tx, openid));
  if (resident && !resident->name.empty()) return resident->name;
  GEBI_ASSIGN_OR_RETURN(
      auto given,
      tx.QueryText("SELECT name FROM circle_members WHERE openid = ?1 AND name <> '' LIMIT 1",
                   openid));
  return given.value_or("");
}

std::string UnnamedLabel(const std::string& openid) {
  (void)openid;  // an openid means nothing to a manager (and is Latin on a Chinese screen)
  return "未留名居民";
}

Result<std::optional<int64_t>> StaffUnitOf(storage::Tx& tx, const std::string& openid) {
  return StaffUnit(tx, openid);
}

Result<std::string> NewCircleInviteCode(storage::Tx& tx) { return NewInviteCode(tx); }

int64_t SceneCircle(std::string_view key, std::string_view prefix) {
  if (key.substr(0, prefix.size()) != prefix) return -1;
  key.remove_prefix(prefix.size());
  if (key.substr(0, 7) != "circle-") return -1;
  int64_t id = ParseNumberArg(key.substr(7));
  return id > 0 ? id : -1;
}

Result<Reply> JoinCircleByScene(Context& ctx, int64_t circle_id) {
  GEBI_ASSIGN_OR_RETURN(auto c, storage::GetCircleInfo(ctx.tx, circle_id));
  if (!c || c->kind == "grid") return Text(ctx, "circle.qr_unknown");
  return JoinCircle(ctx, *c, "");
}

Result<Reply> HandleCreateCircle(Context& ctx) {
  auto [word, rest] = SplitFirstWord(ctx.args);
  if (word.empty()) return Text(ctx, "circle.create_usage", {{"kinds", KindList()}});
  std::string_view kind = KindOfWord(word);
  if (kind.empty()) {
    return Text(ctx, "circle.kind_unknown", {{"word", word}, {"kinds", KindList()}});
  }
  if (kind == "grid") return Text(ctx, "circle.grid_automatic");
  const std::string name = TrimPunct(rest);
  if (name.empty()) return Text(ctx, "circle.create_usage", {{"kinds", KindList()}});
  if (Utf8Chars(name) > kMaxNameChars) {
    return Text(ctx, "circle.circle_name_too_long", {{"max", std::to_string(kMaxNameChars)}});
  }
  if (name == "全部" || name == "all" || ParseNumberArg(name) > 0) {
    return Text(ctx, "circle.name_reserved", {{"name", name}});
  }
  GEBI_ASSIGN_OR_RETURN(auto same, storage::CircleByName(ctx.tx, name));
  if (same) return Text(ctx, "circle.name_taken", {{"name", name}});
  GEBI_ASSIGN_OR_RETURN(auto unit, StaffUnit(ctx.tx, ctx.msg.from_user));
  if (!unit) return Text(ctx, "circle.no_unit");
  storage::CircleInfo c;
  c.kind = std::string(kind);
  c.name = name;
  c.unit_id = unit;
  c.owner = ctx.msg.from_user;
  // Party and elderly-care circles are real-name circles: a manager approves each member.
  c.join_mode = kind == "party" || kind == "elderly_care" ? "approval" : "open";
  GEBI_ASSIGN_OR_RETURN(c.invite_code, NewInviteCode(ctx.tx));
  GEBI_ASSIGN_OR_RETURN(int64_t id, storage::InsertCircle(ctx.tx, c, ctx.now));
  return Text(ctx, "circle.created",
              {{"circle", name},
               {"kind", KindLabel(kind)},
               {"id", std::to_string(id)},
               {"code", c.invite_code},
               {"mode", ModeNote(ctx, c)}});
}

Result<Reply> HandleJoinCircle(Context& ctx) {
  auto [first, rest] = SplitFirstWord(ctx.args);
  const std::string code = TrimPunct(first);  // "123456。" as a phone keyboard ends it
  if (code.empty()) {
    GEBI_RETURN_IF_ERROR(AskNext(ctx, "join_circle", "", "circle.ask_code"));
    return Text(ctx, "circle.ask_code");
  }
  GEBI_ASSIGN_OR_RETURN(auto c, storage::CircleByInvite(ctx.tx, code));
  if (!c) {
    // A circle's name instead of its code: say how to get the code, join nothing.
    GEBI_ASSIGN_OR_RETURN(auto named, NamedCircle(ctx, ctx.args));
    if (named) return Text(ctx, "circle.code_needed", {{"circle", named->name}});
    return Text(ctx, "circle.code_unknown", {{"code", code}});
  }
  return JoinCircle(ctx, *c, TrimPunct(RawTail(ctx, rest)));
}

Result<Reply> HandleMyCircles(Context& ctx) {
  GEBI_ASSIGN_OR_RETURN(auto circles, storage::CirclesOf(ctx.tx, ctx.msg.from_user));
  if (circles.empty()) return Text(ctx, "circle.mine_none");
  std::string lines;
  for (size_t i = 0; i < circles.size(); ++i) {
    const auto& c = circles[i];
    GEBI_ASSIGN_OR_RETURN(auto role, storage::MemberRole(ctx.tx, c.id, ctx.msg.from_user));
    std::string line = fmt::format("{}. {}（{}，{}人）", i + 1, c.name,
                                   RoleLabel(ctx, role.value_or("member")), c.members);
    if (role && *role != "member" && !c.invite_code.empty()) {
      line += ctx.templates.Render("circle.mine_code", {{"code", c.invite_code}});
    }
    lines += (lines.empty() ? "" : "\n") + line;
  }
  return Text(ctx, "circle.mine", {{"lines", lines}, {"total", std::to_string(circles.size())}});
}

Result<Reply> HandleLeaveCircle(Context& ctx) {
  if (ctx.args.empty()) return Text(ctx, "circle.leave_usage");
  GEBI_ASSIGN_OR_RETURN(auto c, NamedCircle(ctx, ctx.args));
  if (!c) return Text(ctx, "circle.unknown", {{"circle", TrimPunct(ctx.args)}});
  GEBI_ASSIGN_OR_RETURN(auto role, storage::MemberRole(ctx.tx, c->id, ctx.msg.from_user));
  if (!role) return Text(ctx, "circle.not_member", {{"circle", c->name}});
  if (c->kind == "grid") return Text(ctx, "circle.grid_leave");
  if (*role == "owner") return Text(ctx, "circle.owner_stays", {{"circle", c->name}});
  GEBI_ASSIGN_OR_RETURN(bool removed, storage::RemoveMember(ctx.tx, c->id, ctx.msg.from_user));
  (void)removed;  // checked above in the same Tx
  return Text(ctx, "circle.left", {{"circle", c->name}, {"code", c->invite_code}});
}

Result<Reply> HandleCircleMembers(Context& ctx) {
  if (ctx.args.empty()) return Text(ctx, "circle.members_usage");
  GEBI_ASSIGN_OR_RETURN(auto c, NamedCircle(ctx, ctx.args));
  if (!c) return Text(ctx, "circle.unknown", {{"circle", TrimPunct(ctx.args)}});
  GEBI_ASSIGN_OR_RETURN(bool may, MayRunCircle(ctx.tx, ctx.msg.from_user, *c));
  if (!may) return Text(ctx, "circle.not_manager", {{"circle", c->name}});
  if (c->kind != "grid" && c->invite_code.empty()) {
    // A circle made before invite codes existed gets one the first time a manager asks.
    GEBI_ASSIGN_OR_RETURN(c->invite_code, NewInviteCode(ctx.tx));
    GEBI_RETURN_IF_ERROR(storage::SetInviteCode(ctx.tx, c->id, c->invite_code));
  }
  GEBI_ASSIGN_OR_RETURN(auto members, storage::ListMembers(ctx.tx, c->id, kMaxMembersListed));
  std::string names;
  for (const auto& m : members) {
    if (!names.empty()) names += "、";
    names += m.name.empty() ? UnnamedLabel(m.openid) : m.name;
    if (m.role != "member") names += "（" + RoleLabel(ctx, m.role) + "）";
  }
  if (c->members > static_cast<int64_t>(members.size())) names += "……";
  GEBI_ASSIGN_OR_RETURN(auto pending, storage::PendingCircleRequests(ctx.tx, c->id));
  std::string waiting;
  for (const auto& r : pending) {
    waiting += ctx.templates.Render("circle.members_pending_line",
                                    {{"id", std::to_string(r.id)}, {"name", r.name}});
  }
  return Text(ctx, "circle.members",
              {{"circle", c->name},
               {"total", std::to_string(c->members)},
               {"names", names},
               {"code", c->invite_code.empty() ? "—" : c->invite_code},
               {"pending", waiting}});
}

Result<Reply> HandleCircleApprove(Context& ctx) { return Decide(ctx, true); }
Result<Reply> HandleCircleReject(Context& ctx) { return Decide(ctx, false); }

}  // namespace gebi::handlers
