#include "handlers/admin/care.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <set>

#include "handlers/chat/care.h"
#include "handlers/chat/circles.h"
#include "handlers/chat/common.h"
#include "handlers/chat/phrases.h"
#include "handlers/normalize.h"
#include "storage/circle_store.h"
#include "storage/org_store.h"

namespace gebi::handlers::admin {

namespace {

// An elder's 称呼, as in chat (handlers/chat/care.cc).
constexpr size_t kMaxElderChars = 12;
// A refusal's reason is read on a phone.
constexpr size_t kMaxReasonChars = 100;
constexpr int64_t kUtcOffsetSeconds = 8 * 3600;  // China Standard Time, no daylight saving

// The start of now's month in UTC+8, as a Unix time (Howard Hinnant's civil-date algorithms).
int64_t MonthStart(int64_t now) {
  const int64_t days = (now + kUtcOffsetSeconds) / 86400;
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t day_of_month = doy - (153 * mp + 2) / 5 + 1;
  return (days - (day_of_month - 1)) * 86400 - kUtcOffsetSeconds;
}

Result<std::optional<int64_t>> CommunityOfUnit(storage::Tx& tx, std::optional<int64_t> unit) {
  if (!unit) return std::optional<int64_t>();
  GEBI_ASSIGN_OR_RETURN(auto c, storage::AncestorOfKind(tx, *unit, "community"));
  if (!c) return std::optional<int64_t>();
  return std::optional<int64_t>(c->id);
}

// The elder, checked against the principal's scope for a change.
Result<storage::CareElder> ChangeableElder(storage::Tx& tx, const Principal& principal, int64_t id,
                                           std::optional<int64_t>* community) {
  GEBI_ASSIGN_OR_RETURN(auto e, storage::GetCareElder(tx, id));
  if (!e) return Status::NotFound(fmt::format("老人 {} 不存在", id));
  GEBI_ASSIGN_OR_RETURN(auto c, storage::GetCircleInfo(tx, e->circle_id));
  if (!c) return Status::NotFound(fmt::format("老人 {} 的圈子不存在", id));
  GEBI_ASSIGN_OR_RETURN(*community, CommunityOfUnit(tx, c->unit_id));
  if (!principal.CanChange(*community)) {
    return Status::PermissionDenied(fmt::format("无权管理「{}」", c->name));
  }
  return *e;
}

}  // namespace

Result<CarePage> LoadCarePage(storage::Database& db, const Principal& principal, int64_t now) {
  CarePage page;
  const int64_t month = MonthStart(now);
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto circles, storage::ListCircles(tx));
    for (const auto& c : circles) {
      if (c.kind != "elderly_care") continue;
      GEBI_ASSIGN_OR_RETURN(auto community, CommunityOfUnit(tx, c.unit_id));
      if (!principal.CanSee(community)) continue;
      const bool editable = principal.CanChange(community);
      if (editable) page.circles.push_back({c.id, c.name});
      std::string unit_name;
      if (c.unit_id) {
        GEBI_ASSIGN_OR_RETURN(auto unit, storage::GetUnit(tx, *c.unit_id));
        if (unit && unit->kind == "grid") {
          GEBI_ASSIGN_OR_RETURN(unit_name, GridLabel(tx, unit->id));
        } else if (unit) {
          unit_name = unit->name;
        }
      }
      GEBI_ASSIGN_OR_RETURN(auto requests, storage::PendingCircleRequests(tx, c.id));
      GEBI_ASSIGN_OR_RETURN(auto elders, storage::EldersOfCircle(tx, c.id));
      for (auto& e : elders) {
        CareElderView v;
        v.community_id = community;
        v.unit_name = unit_name;
        v.invite_code = c.invite_code;
        v.editable = editable;
        GEBI_ASSIGN_OR_RETURN(auto people, storage::CarePeople(tx, e.id));
        for (auto& p : people) {
          if (p.name.empty()) p.name = UnnamedLabel(p.openid);
          (p.role == "family" ? v.family : v.volunteers).push_back(std::move(p));
        }
        for (const auto& r : requests) {
          GEBI_ASSIGN_OR_RETURN(auto elder_id, storage::CareRequestElder(tx, r.id));
          if (elder_id && *elder_id == e.id) v.pending.push_back({r.id, r.name, r.created_at});
        }
        GEBI_ASSIGN_OR_RETURN(v.month, storage::CountsForElder(tx, e.id, month));
        v.elder = std::move(e);
        page.elders.push_back(std::move(v));
      }
    }
    std::set<int64_t> communities;
    for (const auto& v : page.elders) {
      if (v.editable && v.community_id) communities.insert(*v.community_id);
    }
    for (int64_t community : communities) {
      GEBI_ASSIGN_OR_RETURN(auto volunteers, storage::VolunteersOfCommunity(tx, community));
      for (auto& p : volunteers) {
        page.volunteers.push_back(
            {community, p.openid, p.name.empty() ? UnnamedLabel(p.openid) : p.name});
      }
    }
    return Status::Ok();
  }));
  return page;
}

Result<int64_t> AddCareElderFromConsole(storage::Database& db, const Clock& clock,
                                        const Principal& principal, int64_t circle_id,
                                        const std::string& name_in) {
  const std::string name = TrimPunct(name_in);
  if (name.empty()) return Status::InvalidArgument("elder_name: 请写老人的称呼，例如：金阿婆");
  if (Utf8Chars(name) > kMaxElderChars) {
    return Status::InvalidArgument(fmt::format("elder_name: 称呼最多 {} 个字", kMaxElderChars));
  }
  const int64_t now = clock.NowSeconds();
  int64_t id = 0;
  GEBI_RETURN_IF_ERROR(db.WithTransaction([&](storage::Tx& tx) -> Status {
    std::optional<storage::CircleInfo> c;
    std::optional<int64_t> community;
    if (circle_id == 0) {
      community = principal.CommunityFilter();
      if (!community) return Status::InvalidArgument("circle_id: 请选一个关爱圈");
      const std::string circle_name = name + "关爱圈";
      GEBI_ASSIGN_OR_RETURN(auto same, storage::CircleByName(tx, circle_name));
      if (same) {
        return Status::AlreadyExists(fmt::format("已经有「{}」了，请从列表里选它", circle_name));
      }
      storage::CircleInfo fresh;
      fresh.kind = "elderly_care";
      fresh.name = circle_name;
      fresh.unit_id = community;
      fresh.owner = "";
      fresh.join_mode = "approval";
      GEBI_ASSIGN_OR_RETURN(fresh.invite_code, NewCircleInviteCode(tx));
      GEBI_ASSIGN_OR_RETURN(fresh.id, storage::InsertCircle(tx, fresh, now));
      c = fresh;
    } else {
      GEBI_ASSIGN_OR_RETURN(c, storage::GetCircleInfo(tx, circle_id));
      if (!c) return Status::NotFound(fmt::format("圈子 {} 不存在", circle_id));
      if (c->kind != "elderly_care") return Status::InvalidArgument("circle_id: 请选一个关爱圈");
      GEBI_ASSIGN_OR_RETURN(community, CommunityOfUnit(tx, c->unit_id));
      if (!principal.CanChange(community)) {
        return Status::PermissionDenied(fmt::format("无权管理「{}」", c->name));
      }
    }
    auto added =
        storage::AddCareElder(tx, c->id, name, std::nullopt, "console:" + principal.name, now);
    if (!added.ok() && added.status().code() == Status::Code::kAlreadyExists) {
      return Status::AlreadyExists(fmt::format("「{}」里已经有{}了", c->name, name));
    }
    if (!added.ok()) return added.status();
    id = *added;
    return Audit(tx, principal, "care.elder_add", fmt::format("care_elder:{}", id), community, "",
                 c->name + " " + name, now);
  }));
  return id;
}

Status SetCareVolunteerFromConsole(storage::Database& db, const Clock& clock, Pipeline& pipeline,
                                   const Principal& principal, int64_t elder_id,
                                   const std::string& openid, bool assign) {
  const int64_t now = clock.NowSeconds();
  return db.WithTransaction([&](storage::Tx& tx) -> Status {
    std::optional<int64_t> community;
    GEBI_ASSIGN_OR_RETURN(auto e, ChangeableElder(tx, principal, elder_id, &community));
    if (assign) {
      if (!community) return Status::NotFound("这个关爱圈不在哪个社区下，请在微信里指派");
      GEBI_ASSIGN_OR_RETURN(auto volunteers, storage::VolunteersOfCommunity(tx, *community));
      bool found = false;
      for (const auto& v : volunteers) found = found || v.openid == openid;
      if (!found) return Status::NotFound("openid: 这个人不是本社区的志愿者");
      GEBI_ASSIGN_OR_RETURN(auto texts, pipeline.TemplatesFor(tx, community));
      GEBI_ASSIGN_OR_RETURN(bool added, AssignCareVolunteer(tx, *texts, e.id, openid,
                                                            "console:" + principal.name, now));
      if (!added) return Status::AlreadyExists("这位志愿者已经在关爱这位老人了");
    } else {
      GEBI_ASSIGN_OR_RETURN(bool removed, storage::UnlinkCare(tx, e.id, openid, "volunteer"));
      if (!removed) return Status::NotFound("openid: 这位志愿者没有在关爱这位老人");
    }
    return Audit(tx, principal, assign ? "care.volunteer_assign" : "care.volunteer_unassign",
                 fmt::format("care_elder:{}", e.id), community, "", e.name, now);
  });
}

Status DecideCareFamilyFromConsole(storage::Database& db, const Clock& clock, Pipeline& pipeline,
                                   const Principal& principal, int64_t request_id, bool approve,
                                   const std::string& reason_in) {
  const std::string reason = TrimPunct(reason_in);
  if (!approve && reason.empty()) return Status::InvalidArgument("reason: 请写上不同意的原因");
  if (Utf8Chars(reason) > kMaxReasonChars) {
    return Status::InvalidArgument(fmt::format("reason: 原因最多 {} 个字", kMaxReasonChars));
  }
  const int64_t now = clock.NowSeconds();
  return db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto req, storage::GetCircleJoinRequest(tx, request_id));
    if (!req) return Status::NotFound(fmt::format("申请 {} 不存在", request_id));
    GEBI_ASSIGN_OR_RETURN(auto elder_id, storage::CareRequestElder(tx, request_id));
    if (!elder_id) return Status::NotFound(fmt::format("申请 {} 不是关爱家属的申请", request_id));
    std::optional<int64_t> community;
    GEBI_ASSIGN_OR_RETURN(auto e, ChangeableElder(tx, principal, *elder_id, &community));
    if (req->status != "pending") return Status::FailedPrecondition("这个申请已经处理过了");
    GEBI_ASSIGN_OR_RETURN(auto c, storage::GetCircleInfo(tx, req->circle_id));
    if (!c) return Status::NotFound(fmt::format("申请 {} 的圈子不存在", request_id));
    const std::string by = "console:" + principal.name;
    GEBI_ASSIGN_OR_RETURN(bool applied,
                          storage::DecideCircleJoinRequest(
                              tx, req->id, approve ? "approved" : "rejected", reason, by, now));
    if (!applied) return Status::FailedPrecondition("这个申请已经处理过了");
    GEBI_ASSIGN_OR_RETURN(auto texts, pipeline.TemplatesFor(tx, community));
    const nlohmann::json extra = {
        {"request_id", req->id}, {"circle_id", c->id}, {"approved", approve}};
    std::string text;
    if (approve) {
      GEBI_ASSIGN_OR_RETURN(bool added, storage::AddMember(tx, c->id, req->openid, req->name, now));
      (void)added;  // already a member is fine
      GEBI_RETURN_IF_ERROR(LinkApprovedCareFamily(tx, *req, by, now));
      text =
          texts->Render("push.circle_joined",
                        {{"circle", c->name},
                         {"convention", c->convention.empty() ? texts->Render("circle.convention")
                                                              : c->convention}});
    } else {
      text = texts->Render("push.circle_rejected", {{"circle", c->name}, {"reason", reason}});
    }
    GEBI_RETURN_IF_ERROR(QueuePushIn(tx, now, req->openid, "circle_join_result", text, extra,
                                     fmt::format("circle_join_result:{}", req->id)));
    return Audit(tx, principal, approve ? "care.family_approve" : "care.family_reject",
                 fmt::format("circle_join_request:{}", req->id), community, "pending",
                 req->name + " " + e.name, now);
  });
}

}  // namespace gebi::handlers::admin
