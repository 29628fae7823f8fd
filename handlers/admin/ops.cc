#include "handlers/admin/ops.h"

#include <fmt/format.h>

#include <set>

#include "handlers/chat/join.h"
#include "handlers/roles.h"
#include "storage/join_store.h"
#include "storage/org_store.h"

namespace gebi::handlers::admin {

namespace {
constexpr int kMaxScan = 5000;  // dead letters scanned per listing
}  // namespace

namespace {
Status SeeCommunity(const Principal& p, int64_t community, std::string_view what) {
  if (!p.CanSee(community)) {
    return Status::PermissionDenied(fmt::format("无权查看社区 {} 的{}", community, what));
  }
  return Status::Ok();
}
}  // namespace

Result<std::vector<storage::JoinRow>> ListJoins(storage::Database& db, const Principal& principal,
                                                const std::string& status, int limit) {
  if (!status.empty() && status != "pending" && status != "approved" && status != "rejected") {
    return Status::InvalidArgument("status: must be pending, approved or rejected");
  }
  std::vector<storage::JoinRow> out;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(out,
                          storage::ListJoinRows(tx, principal.CommunityFilter(), status, limit));
    return Status::Ok();
  }));
  return out;
}

Status DecideJoin(storage::Database& db, const Clock& clock, Pipeline& pipeline,
                  const Principal& principal, int64_t id, bool approve, const std::string& reason) {
  if (!approve && reason.empty()) return Status::InvalidArgument("reason: 拒绝时要写原因");
  if (reason.size() > 500) return Status::InvalidArgument("reason: 太长");
  const int64_t now = clock.NowSeconds();
  return db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto req, storage::GetJoinRequest(tx, id));
    if (!req) return Status::NotFound(fmt::format("申请 {} 不存在", id));
    GEBI_ASSIGN_OR_RETURN(auto community, storage::AncestorOfKind(tx, req->grid_id, "community"));
    std::optional<int64_t> cid;
    if (community) cid = community->id;
    if (!principal.CanChange(cid)) {
      return Status::PermissionDenied(fmt::format("无权处理申请 {}", id));
    }
    if (req->status != "pending") {
      return Status::FailedPrecondition(fmt::format("申请 {} 已经处理过了", id));
    }
    // The push goes out in the texts of the resident's (new) community, as in chat.
    GEBI_ASSIGN_OR_RETURN(auto texts, pipeline.TemplatesFor(tx, cid));
    GEBI_RETURN_IF_ERROR(
        ApplyJoinDecision(tx, *texts, *req, approve, reason, "admin:" + principal.name, now));
    return Audit(tx, principal, approve ? "join.approve" : "join.reject",
                 fmt::format("join:{}", id), cid, "pending",
                 approve ? std::string("approved") : "rejected: " + reason, now);
  });
}

Result<std::vector<storage::TicketRow>> ListTickets(storage::Database& db,
                                                    const Principal& principal,
                                                    storage::TicketFilter filter) {
  static const std::set<std::string> kStatuses = {"",     "active", "open",      "claimed",
                                                  "done", "closed", "cancelled", "reopened"};
  if (!kStatuses.count(filter.status)) {
    return Status::InvalidArgument(
        "status: must be active, open, claimed, done, closed, cancelled or reopened");
  }
  if (filter.community) GEBI_RETURN_IF_ERROR(SeeCommunity(principal, *filter.community, "工单"));
  if (!filter.community) filter.community = principal.CommunityFilter();
  std::vector<storage::TicketRow> out;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(out, storage::ListTicketRows(tx, filter));
    return Status::Ok();
  }));
  return out;
}

Result<TicketDetail> GetTicketDetail(storage::Database& db, const Principal& principal,
                                     int64_t id) {
  TicketDetail d;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto t, storage::GetTicket(tx, id));
    if (!t) return Status::NotFound(fmt::format("工单 {} 不存在", id));
    GEBI_RETURN_IF_ERROR(SeeCommunity(principal, t->community_id, "工单"));
    d.row.ticket = *t;
    GEBI_ASSIGN_OR_RETURN(auto grid, storage::GetUnit(tx, t->grid_id));
    GEBI_ASSIGN_OR_RETURN(auto community, storage::GetUnit(tx, t->community_id));
    d.row.grid_name = grid ? grid->name : "";
    d.row.community_name = community ? community->name : "";
    GEBI_ASSIGN_OR_RETURN(d.timeline, storage::TicketTimeline(tx, id));
    GEBI_ASSIGN_OR_RETURN(d.media, storage::TicketMediaOf(tx, id));
    return Status::Ok();
  }));
  return d;
}

Result<std::vector<VolunteerView>> ListVolunteers(storage::Database& db, const Principal& principal,
                                                  std::optional<int64_t> community, int limit) {
  if (community) GEBI_RETURN_IF_ERROR(SeeCommunity(principal, *community, "志愿者"));
  if (!community) community = principal.CommunityFilter();
  std::vector<VolunteerView> out;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto rows, storage::ListVolunteerRows(tx, community, limit));
    for (auto& v : rows) {
      GEBI_ASSIGN_OR_RETURN(storage::ServiceCounts counts, storage::ServiceCountsOf(tx, v.openid));
      out.push_back({std::move(v), counts});
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<DeadLetter>> ListDeadLetters(storage::Database& db, const Principal& principal,
                                                int limit) {
  std::vector<DeadLetter> out;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto items, storage::ListOutboxByStatus(tx, "dead", kMaxScan));
    for (auto& item : items) {
      if (static_cast<int>(out.size()) >= limit) break;
      GEBI_ASSIGN_OR_RETURN(Sender sender, ResolveSender(tx, item.recipient));
      std::optional<int64_t> community = sender.community_id;
      if (!principal.IsDistrict() && !principal.CanSee(community)) continue;
      out.push_back({std::move(item), community});
    }
    return Status::Ok();
  }));
  return out;
}

Status RetryDeadLetter(storage::Database& db, const Clock& clock, const Principal& principal,
                       int64_t id) {
  const int64_t now = clock.NowSeconds();
  return db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto item, storage::GetOutboxItem(tx, id));
    if (!item) return Status::NotFound(fmt::format("通知 {} 不存在", id));
    GEBI_ASSIGN_OR_RETURN(Sender sender, ResolveSender(tx, item->recipient));
    std::optional<int64_t> community = sender.community_id;
    if (!principal.IsDistrict() && !principal.CanSee(community)) {
      return Status::PermissionDenied(fmt::format("无权处理通知 {}", id));
    }
    if (item->status != "dead") {
      return Status::FailedPrecondition(fmt::format("通知 {} 不是发送失败的通知", id));
    }
    GEBI_RETURN_IF_ERROR(storage::RetryOutboxItem(tx, id, now));
    return Audit(tx, principal, "outbox.retry", fmt::format("outbox:{}", id), community,
                 "dead: " + item->last_error, "pending", now);
  });
}

}  // namespace gebi::handlers::admin
