#include "handlers/admin/ops.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "handlers/chat/join.h"
#include "handlers/roles.h"
#include "storage/join_store.h"
#include "storage/org_store.h"
#include "storage/volunteer_store.h"

namespace gebi::handlers::admin {

namespace {
constexpr int kMaxScan = 5000;  // dead letters scanned per listing
}  // namespace

namespace {
// Who did something on a ticket, in words: "系统", "社区管理员 张主任", or the person's name.
Result<std::string> ActorName(storage::Tx& tx, const std::string& actor) {
  if (actor.empty() || actor == "system") return std::string("系统");
  if (actor.rfind("admin:", 0) == 0) return "管理员 " + actor.substr(6);
  GEBI_ASSIGN_OR_RETURN(std::string name, storage::PersonName(tx, actor));
  return name.empty() ? std::string("未登记姓名的居民") : name;
}

Status QueueTicketPush(storage::Tx& tx, const storage::Ticket& t, const std::string& to,
                       std::string_view kind, const std::string& text, int64_t event_id,
                       int64_t now) {
  if (to.empty()) return Status::Ok();
  storage::OutboxItem item;
  item.recipient = to;
  item.kind = std::string(kind);
  item.payload =
      nlohmann::json{{"text", text}, {"ticket_id", t.id}, {"grid_id", t.grid_id}}.dump();
  item.dedup_key = fmt::format("{}:{}:{}", kind, event_id, to);
  return storage::Enqueue(tx, item, now).status();
}

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
    return Status::InvalidArgument("status: 只能是待审核、已通过或已拒绝");
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
    return Status::InvalidArgument("status: 请从列表里选状态");
  }
  static const std::set<std::string> kLevels = {"", "grid", "community", "street", "district"};
  if (!kLevels.count(filter.level)) return Status::InvalidArgument("level: 请从列表里选层级");
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
    storage::TicketFilter one;
    one.id = id;
    one.limit = 1;
    GEBI_ASSIGN_OR_RETURN(auto rows, storage::ListTicketRows(tx, one));
    if (!rows.empty()) d.row = rows.front();
    GEBI_ASSIGN_OR_RETURN(d.timeline, storage::TicketTimeline(tx, id));
    for (const auto& e : d.timeline) {
      GEBI_ASSIGN_OR_RETURN(std::string who, ActorName(tx, e.actor));
      d.actor_names.push_back(std::move(who));
    }
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

namespace gebi::handlers::admin {

bool IsOverdue(const storage::Ticket& t, int64_t now) {
  if (t.status == "open" || t.status == "reopened") {
    return now - t.updated_at > kUnclaimedOverdueSeconds;
  }
  if (t.status == "claimed") {
    return now - t.claimed_at.value_or(t.updated_at) > kUnfinishedOverdueSeconds;
  }
  return false;
}

void SortForBoard(std::vector<storage::TicketRow>& rows, int64_t now) {
  std::stable_sort(rows.begin(), rows.end(), [now](const auto& a, const auto& b) {
    const bool pa = a.ticket.priority > 0, pb = b.ticket.priority > 0;
    if (pa != pb) return pa;
    const bool oa = IsOverdue(a.ticket, now), ob = IsOverdue(b.ticket, now);
    if (oa != ob) return oa;
    return a.ticket.id > b.ticket.id;
  });
}

Status ActOnTicket(storage::Database& db, const Clock& clock, Pipeline& pipeline,
                   const Principal& principal, int64_t id, const TicketAction& a) {
  if (a.action != "assign" && a.action != "close" && a.action != "cancel") {
    return Status::InvalidArgument("action: 只能是指派、关闭或取消");
  }
  if (a.action == "assign" && a.assignee.empty()) {
    return Status::InvalidArgument("assignee: 请选择接手的人");
  }
  if (a.action != "assign" && a.note.empty()) {
    return Status::InvalidArgument(a.action == "close" ? "message: 关闭时要写处理结果，居民会收到"
                                                       : "message: 取消时要写原因，居民会收到");
  }
  if (a.note.size() > kMaxTicketNoteBytes) return Status::InvalidArgument("message: 太长（最多 200 字）");
  const int64_t now = clock.NowSeconds();
  return db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto t, storage::GetTicket(tx, id));
    if (!t) return Status::NotFound(fmt::format("工单 {} 不存在", id));
    if (!principal.CanChange(t->community_id)) {
      return Status::PermissionDenied(fmt::format("无权处理工单 {}", id));
    }
    GEBI_ASSIGN_OR_RETURN(auto texts, pipeline.TemplatesFor(tx, t->community_id));
    const std::string sid = std::to_string(id);
    const std::string admin = "admin:" + principal.name;
    const std::string before = t->status;
    if (a.action == "assign") {
      GEBI_ASSIGN_OR_RETURN(auto vol, storage::GetVolunteer(tx, a.assignee));
      const bool volunteer = vol && vol->active && vol->community_id == t->community_id;
      GEBI_ASSIGN_OR_RETURN(bool worker, storage::CanManage(tx, a.assignee, t->grid_id));
      if (!volunteer && !worker) {
        return Status::InvalidArgument("assignee: 只能交给本社区的志愿者或本网格的网格员");
      }
      if (t->priority > 0 && !worker && !vol->vetted_at) {
        return Status::InvalidArgument("assignee: 独居老人的工单只能交给已认证的志愿者");
      }
      if (t->status == "claimed" && t->claimed_by == a.assignee) {
        return Status::FailedPrecondition(fmt::format("工单 {} 已经由这个人处理", id));
      }
      const std::string previous = t->status == "claimed" ? t->claimed_by : "";
      GEBI_ASSIGN_OR_RETURN(std::string who, storage::PersonName(tx, a.assignee));
      if (who.empty()) who = "志愿者";
      auto ev = storage::TransitionTicket(
          tx, id,
          {{"open", "reopened", "claimed"}, "claimed", a.assignee, "assigned",
           fmt::format("管理员 {} 指派{}", principal.name, a.note.empty() ? "" : "：" + a.note)},
          now);
      if (!ev.ok()) {
        return ev.status().code() == Status::Code::kFailedPrecondition
                   ? Status::FailedPrecondition(fmt::format("工单 {} 已完成或已关闭，不能再指派", id))
                   : ev.status();
      }
      GEBI_ASSIGN_OR_RETURN(auto reporter, storage::GetResident(tx, t->reporter));
      const std::string room = reporter ? reporter->building + reporter->room : "";
      GEBI_RETURN_IF_ERROR(QueueTicketPush(
          tx, *t, a.assignee, "ticket_assigned",
          texts->Render("push.ticket_assigned",
                        {{"id", sid}, {"description", t->description}, {"room", room}}),
          *ev, now));
      GEBI_RETURN_IF_ERROR(QueueTicketPush(
          tx, *t, t->reporter, "ticket_claimed",
          texts->Render("push.ticket_claimed_reporter", {{"id", sid}, {"who", who}}), *ev, now));
      if (!previous.empty()) {
        GEBI_RETURN_IF_ERROR(QueueTicketPush(
            tx, *t, previous, "ticket_reassigned",
            texts->Render("push.ticket_reassigned", {{"id", sid}, {"description", t->description}}),
            *ev, now));
      }
      return Audit(tx, principal, "ticket.assign", "ticket:" + sid, t->community_id, before,
                   "交给" + who, now);
    }
    const bool close = a.action == "close";
    std::vector<std::string> from = {"open", "reopened", "claimed"};
    if (close) from.push_back("done");
    auto ev = storage::TransitionTicket(
        tx, id, {from, close ? "closed" : "cancelled", admin, close ? "closed" : "cancelled", a.note},
        now);
    if (!ev.ok()) {
      return ev.status().code() == Status::Code::kFailedPrecondition
                 ? Status::FailedPrecondition(fmt::format("工单 {} 已经关闭或取消了", id))
                 : ev.status();
    }
    GEBI_RETURN_IF_ERROR(QueueTicketPush(
        tx, *t, t->reporter, close ? "ticket_closed" : "ticket_cancelled",
        texts->Render(close ? "push.ticket_closed_by_office" : "push.ticket_cancelled_by_office",
                      {{"id", sid}, {"note", a.note}}),
        *ev, now));
    if (t->status == "claimed" && !t->claimed_by.empty()) {
      GEBI_RETURN_IF_ERROR(QueueTicketPush(
          tx, *t, t->claimed_by, "ticket_cancelled",
          texts->Render("push.ticket_cancelled", {{"id", sid}, {"description", t->description}}),
          *ev, now));
    }
    return Audit(tx, principal, close ? "ticket.close" : "ticket.cancel", "ticket:" + sid,
                 t->community_id, before, a.note, now);
  });
}

Result<std::vector<Assignee>> ListAssignees(storage::Database& db, const Principal& principal,
                                            int64_t ticket_id) {
  std::vector<Assignee> out;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto t, storage::GetTicket(tx, ticket_id));
    if (!t) return Status::NotFound(fmt::format("工单 {} 不存在", ticket_id));
    GEBI_RETURN_IF_ERROR(SeeCommunity(principal, t->community_id, "工单"));
    GEBI_ASSIGN_OR_RETURN(auto workers, storage::HoldersOf(tx, t->grid_id, "grid_worker"));
    for (const auto& w : workers) {
      GEBI_ASSIGN_OR_RETURN(std::string name, storage::PersonName(tx, w));
      out.push_back({w, name, "worker", true, {}});
    }
    GEBI_ASSIGN_OR_RETURN(auto vols, storage::ListVolunteerRows(tx, t->community_id, 500));
    for (auto& v : vols) {
      if (!v.active) continue;
      out.push_back({v.openid, v.name, "volunteer", v.vetted_at.has_value(), v.skills});
    }
    return Status::Ok();
  }));
  std::stable_sort(out.begin(), out.end(), [](const Assignee& a, const Assignee& b) {
    return a.vetted > b.vetted;
  });
  return out;
}

Status SetVolunteerVetted(storage::Database& db, const Clock& clock, const Principal& principal,
                          const std::string& openid, bool vet) {
  if (openid.empty()) return Status::InvalidArgument("openid: 请选择志愿者");
  const int64_t now = clock.NowSeconds();
  return db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto v, storage::GetVolunteer(tx, openid));
    if (!v) return Status::NotFound("没有这位志愿者");
    if (!principal.CanChange(v->community_id)) {
      return Status::PermissionDenied("无权认证别的社区的志愿者");
    }
    GEBI_ASSIGN_OR_RETURN(std::string name, storage::PersonName(tx, openid));
    if (vet) {
      GEBI_RETURN_IF_ERROR(storage::VetVolunteer(tx, openid, "admin:" + principal.name, now));
    } else {
      GEBI_RETURN_IF_ERROR(storage::UnvetVolunteer(tx, openid, now));
    }
    return Audit(tx, principal, vet ? "volunteer.vet" : "volunteer.unvet", "volunteer:" + openid,
                 v->community_id, "", name, now);
  });
}

Result<std::vector<storage::ResidentRow>> ListResidents(storage::Database& db,
                                                        const Principal& principal,
                                                        const std::string& query, int limit) {
  if (query.size() > 90) return Status::InvalidArgument("q: 太长（最多 30 个字）");
  std::vector<storage::ResidentRow> out;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(out,
                          storage::ListResidentRows(tx, principal.CommunityFilter(), query, limit));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<storage::UnitRow>> ListUnits(storage::Database& db,
                                                const Principal& principal) {
  std::vector<storage::UnitRow> out;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(out, storage::ListCommunityUnits(tx, principal.CommunityFilter()));
    return Status::Ok();
  }));
  return out;
}

}  // namespace gebi::handlers::admin
