#include "handlers/admin/circles.h"

#include <fmt/format.h>

#include "handlers/chat/circles.h"
#include "handlers/chat/common.h"
#include "handlers/chat/notices.h"
#include "handlers/normalize.h"
#include "storage/org_store.h"
#include "storage/qr_store.h"

namespace gebi::handlers::admin {

namespace {

// Members and recipients a console card lists; bigger circles say how many more there are.
constexpr int kMaxListed = 500;
// A convention is read on a phone when joining: a few lines.
constexpr size_t kMaxConventionChars = 300;

Result<std::optional<int64_t>> CommunityOfUnit(storage::Tx& tx, std::optional<int64_t> unit) {
  if (!unit) return std::optional<int64_t>();
  GEBI_ASSIGN_OR_RETURN(auto c, storage::AncestorOfKind(tx, *unit, "community"));
  if (!c) return std::optional<int64_t>();
  return std::optional<int64_t>(c->id);
}

// The circle id, checked against the principal's scope for a change.
Result<storage::CircleInfo> ChangeableCircle(storage::Tx& tx, const Principal& principal,
                                             int64_t id, std::optional<int64_t>* community) {
  GEBI_ASSIGN_OR_RETURN(auto c, storage::GetCircleInfo(tx, id));
  if (!c) return Status::NotFound(fmt::format("圈子 {} 不存在", id));
  GEBI_ASSIGN_OR_RETURN(*community, CommunityOfUnit(tx, c->unit_id));
  if (!principal.CanChange(*community)) {
    return Status::PermissionDenied(fmt::format("无权管理圈子「{}」", c->name));
  }
  return *c;
}

Result<storage::Notice> ChangeableNotice(storage::Tx& tx, const Principal& principal, int64_t id) {
  GEBI_ASSIGN_OR_RETURN(auto n, storage::GetNotice(tx, id));
  if (!n) return Status::NotFound(fmt::format("通知 {} 不存在", id));
  if (!principal.CanChange(n->community_id)) {
    return Status::PermissionDenied(fmt::format("无权处理通知 {}", id));
  }
  return *n;
}

}  // namespace

Result<std::vector<CircleView>> ListCircleViews(storage::Database& db, const Principal& principal) {
  std::vector<CircleView> out;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto circles, storage::ListCircles(tx));
    for (auto& c : circles) {
      CircleView v;
      GEBI_ASSIGN_OR_RETURN(v.community_id, CommunityOfUnit(tx, c.unit_id));
      if (!principal.CanSee(v.community_id)) continue;
      if (c.unit_id) {
        GEBI_ASSIGN_OR_RETURN(auto unit, storage::GetUnit(tx, *c.unit_id));
        if (unit && unit->kind == "grid") {
          GEBI_ASSIGN_OR_RETURN(v.unit_name, GridLabel(tx, unit->id));
        } else if (unit) {
          v.unit_name = unit->name;
        }
      }
      GEBI_ASSIGN_OR_RETURN(v.members, storage::ListMembers(tx, c.id, kMaxListed));
      GEBI_ASSIGN_OR_RETURN(v.pending, storage::PendingCircleRequests(tx, c.id));
      GEBI_ASSIGN_OR_RETURN(auto qr, storage::GetQrCode(tx, fmt::format("circle-{}", c.id)));
      v.has_qr = qr.has_value() && !qr->url.empty();
      v.circle = std::move(c);
      out.push_back(std::move(v));
    }
    return Status::Ok();
  }));
  return out;
}

Status SetCircleManager(storage::Database& db, const Clock& clock, const Principal& principal,
                        int64_t circle_id, const std::string& openid, bool manager) {
  const int64_t now = clock.NowSeconds();
  return db.WithTransaction([&](storage::Tx& tx) -> Status {
    std::optional<int64_t> community;
    GEBI_ASSIGN_OR_RETURN(auto c, ChangeableCircle(tx, principal, circle_id, &community));
    GEBI_ASSIGN_OR_RETURN(auto role, storage::MemberRole(tx, c.id, openid));
    if (!role) return Status::NotFound("openid: 这个人不在圈子里");
    if (*role == "owner") return Status::FailedPrecondition("圈主一直是管理员，不用改");
    GEBI_RETURN_IF_ERROR(storage::SetMemberRole(tx, c.id, openid, manager ? "manager" : "member"));
    return Audit(tx, principal, manager ? "circle.manager_add" : "circle.manager_remove",
                 fmt::format("circle:{}", c.id), community, *role, c.name, now);
  });
}

Status UpdateCircleSettings(storage::Database& db, const Clock& clock, const Principal& principal,
                            int64_t circle_id, const std::string& convention,
                            const std::string& join_mode) {
  if (Utf8Chars(convention) > kMaxConventionChars) {
    return Status::InvalidArgument(
        fmt::format("convention: 公约最多 {} 个字", kMaxConventionChars));
  }
  if (join_mode != "open" && join_mode != "approval") {
    return Status::InvalidArgument("join_mode: 请从列表里选加入方式");
  }
  const int64_t now = clock.NowSeconds();
  return db.WithTransaction([&](storage::Tx& tx) -> Status {
    std::optional<int64_t> community;
    GEBI_ASSIGN_OR_RETURN(auto c, ChangeableCircle(tx, principal, circle_id, &community));
    if (c.kind == "grid" && join_mode != "open") {
      return Status::InvalidArgument("join_mode: 网格圈跟着入格审核走，不用另设");
    }
    GEBI_RETURN_IF_ERROR(storage::UpdateCircle(tx, c.id, c.name, convention, join_mode));
    return Audit(tx, principal, "circle.update", fmt::format("circle:{}", c.id), community,
                 c.join_mode + " " + c.convention, join_mode + " " + convention, now);
  });
}

Result<std::vector<NoticeView>> ListNoticeViews(storage::Database& db, const Principal& principal,
                                                int limit) {
  std::vector<NoticeView> out;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto notices,
                          storage::ListNotices(tx, principal.CommunityFilter(), limit));
    for (auto& n : notices) {
      if (!principal.CanSee(n.community_id)) continue;
      NoticeView v;
      GEBI_ASSIGN_OR_RETURN(v.recipients, storage::NoticeRecipients(tx, n.id, kMaxListed));
      v.notice = std::move(n);
      out.push_back(std::move(v));
    }
    return Status::Ok();
  }));
  return out;
}

Result<int64_t> RemindNoticeFromConsole(storage::Database& db, const Clock& clock,
                                        Pipeline& pipeline, const Principal& principal,
                                        int64_t id) {
  const int64_t now = clock.NowSeconds();
  int64_t queued = 0;
  GEBI_RETURN_IF_ERROR(db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto n, ChangeableNotice(tx, principal, id));
    if (n.received >= n.recipients) return Status::FailedPrecondition("大家都收到了，不用提醒");
    GEBI_ASSIGN_OR_RETURN(auto texts, pipeline.TemplatesFor(tx, n.community_id));
    GEBI_ASSIGN_OR_RETURN(queued, RemindNotice(tx, *texts, n, now));
    return Audit(tx, principal, "notice.remind", fmt::format("notice:{}", id), n.community_id, "",
                 std::to_string(queued), now);
  }));
  return queued;
}

Result<storage::WithdrawCounts> WithdrawNoticeFromConsole(storage::Database& db, const Clock& clock,
                                                          Pipeline& pipeline,
                                                          const Principal& principal, int64_t id) {
  const int64_t now = clock.NowSeconds();
  storage::WithdrawCounts counts;
  GEBI_RETURN_IF_ERROR(db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto n, ChangeableNotice(tx, principal, id));
    GEBI_ASSIGN_OR_RETURN(auto texts, pipeline.TemplatesFor(tx, n.community_id));
    GEBI_ASSIGN_OR_RETURN(counts, WithdrawNoticeNow(tx, *texts, n, now));
    return Audit(tx, principal, "notice.withdraw", fmt::format("notice:{}", id), n.community_id,
                 "sent", "withdrawn", now);
  }));
  return counts;
}

Result<std::vector<RecruitmentView>> ListRecruitmentViews(storage::Database& db,
                                                          const Principal& principal, int limit) {
  std::vector<RecruitmentView> out;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto list,
                          storage::ListRecruitments(tx, principal.CommunityFilter(), limit));
    for (auto& r : list) {
      if (!principal.CanSee(r.community_id)) continue;
      RecruitmentView v;
      GEBI_ASSIGN_OR_RETURN(v.organiser_name, PersonName(tx, r.organiser));
      GEBI_ASSIGN_OR_RETURN(v.signups, storage::ListSignups(tx, r.id));
      v.recruitment = std::move(r);
      out.push_back(std::move(v));
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<NoticeNumbers>> ListNoticeNumbers(storage::Database& db,
                                                     const Principal& principal) {
  std::vector<NoticeNumbers> out;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto stats, storage::NoticeStatsByCommunity(tx));
    for (const auto& s : stats) {
      if (!principal.CanSee(s.community_id)) continue;
      NoticeNumbers n{s.community_id, "", s.notices, s.recipients, s.received};
      if (s.community_id) {
        GEBI_ASSIGN_OR_RETURN(auto unit, storage::GetUnit(tx, *s.community_id));
        if (unit) n.community = unit->name;
      }
      out.push_back(std::move(n));
    }
    return Status::Ok();
  }));
  return out;
}

}  // namespace gebi::handlers::admin
