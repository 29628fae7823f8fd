#include "handlers/admin/ladder.h"

#include <algorithm>

#include "handlers/chat/common.h"
#include "handlers/org/open311.h"

namespace gebi::handlers::admin {

namespace {

constexpr int64_t kDay = 24 * 3600;
// Timeline rows the board's medians look at: months of a district's tickets.
constexpr int kNumbersEvents = 50000;

Status DistrictOnly(const Principal& p) {
  if (p.IsDistrict()) return Status::Ok();
  return Status::PermissionDenied("升级设置和接口密钥只有区里的账号能看和改");
}

}  // namespace

Result<LadderBoard> GetLadderBoard(storage::Database& db, const Templates& texts,
                                   const Principal& principal, const LadderDefaults& defaults,
                                   int64_t now, int limit) {
  LadderBoard board;
  board.district = principal.IsDistrict();
  const std::optional<int64_t> community = principal.CommunityFilter();
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto active, storage::ActiveLadderTickets(tx, "", limit));
    for (auto& l : active) {
      if (community && l.ticket.community_id != *community) continue;
      LadderRow row;
      GEBI_ASSIGN_OR_RETURN(row.where, LevelLabel(tx, texts, l.ticket, l.ticket.level));
      GEBI_ASSIGN_OR_RETURN(row.grid, GridLabel(tx, l.ticket.grid_id));
      GEBI_ASSIGN_OR_RETURN(auto c, storage::GetRepairCategory(tx, l.ticket.category));
      row.category = c ? c->label : l.ticket.category;
      GEBI_ASSIGN_OR_RETURN(storage::Deadline d, DeadlineOf(tx, l.ticket, defaults));
      row.deadline = NextDeadline(l, d);
      row.l = std::move(l);
      board.rows.push_back(std::move(row));
    }
    if (board.district) {
      GEBI_ASSIGN_OR_RETURN(board.numbers, storage::LadderNumbers(tx, kNumbersEvents));
      GEBI_ASSIGN_OR_RETURN(board.deadlines, storage::ListDeadlines(tx));
      GEBI_ASSIGN_OR_RETURN(board.categories, storage::ListRepairCategories(tx));
    }
    return Status::Ok();
  }));
  std::stable_sort(board.rows.begin(), board.rows.end(),
                   [now](const LadderRow& a, const LadderRow& b) {
                     const bool ao = a.deadline.at <= now, bo = b.deadline.at <= now;
                     if (ao != bo) return ao;
                     return a.deadline.at < b.deadline.at;
                   });
  return board;
}

Status SetLadderDeadline(storage::Database& db, const Clock& clock, const Principal& principal,
                         const storage::Deadline& d, bool remove) {
  GEBI_RETURN_IF_ERROR(DistrictOnly(principal));
  if (storage::LevelIndex(d.level) < 0) return Status::InvalidArgument("level: 请选择哪一级");
  const int64_t now = clock.NowSeconds();
  const std::string object = "deadline:" + d.category + ":" + d.level;
  return db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto before, storage::DeadlineFor(tx, d.category, d.level));
    std::string was = before && before->category == d.category
                          ? std::to_string(before->claim_hours) + "/" +
                                std::to_string(before->resolve_hours)
                          : "";
    if (remove) {
      GEBI_ASSIGN_OR_RETURN(bool gone, storage::DeleteDeadline(tx, d.category, d.level));
      if (!gone) return Status::NotFound("没有这条设置");
      return Audit(tx, principal, "ladder.deadline_reset", object, std::nullopt, was, "", now);
    }
    if (d.claim_hours < 1 || d.claim_hours > 2160) {
      return Status::InvalidArgument("claim_hours: 要在 1 到 2160 小时之间");
    }
    if (d.resolve_hours < 1 || d.resolve_hours > 2160) {
      return Status::InvalidArgument("resolve_hours: 要在 1 到 2160 小时之间");
    }
    Status s = storage::PutDeadline(tx, d, now);
    if (s.code() == Status::Code::kInvalidArgument) {
      return Status::InvalidArgument("category: 没有这个报修类别");
    }
    GEBI_RETURN_IF_ERROR(s);
    return Audit(tx, principal, "ladder.deadline", object, std::nullopt, was,
                 std::to_string(d.claim_hours) + "/" + std::to_string(d.resolve_hours), now);
  });
}

Result<std::vector<ApiKeyRow>> ListApiKeyRows(storage::Database& db, const Principal& principal,
                                              int64_t now) {
  GEBI_RETURN_IF_ERROR(DistrictOnly(principal));
  std::vector<ApiKeyRow> rows;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto keys, storage::ListApiKeys(tx));
    GEBI_ASSIGN_OR_RETURN(auto counts, storage::ApiAuditSince(tx, now - kDay));
    for (auto& k : keys) {
      ApiKeyRow row;
      for (const auto& c : counts) {
        if (c.name != k.name) continue;
        row.calls_today = c.calls;
        row.refused_today = c.refused;
      }
      row.key = std::move(k);
      rows.push_back(std::move(row));
    }
    return Status::Ok();
  }));
  return rows;
}

Result<std::string> AddApiKeyFor(storage::Database& db, const Clock& clock,
                                 const Principal& principal, const std::string& name) {
  GEBI_RETURN_IF_ERROR(DistrictOnly(principal));
  const int64_t now = clock.NowSeconds();
  auto key = IssueApiKey(db, name, now);
  if (key.status().code() == Status::Code::kInvalidArgument) {
    return Status::InvalidArgument("consumer: 请写上使用方的名称（最多 60 个字）");
  }
  if (key.status().code() == Status::Code::kAlreadyExists) {
    return Status::AlreadyExists("consumer: 已经有叫这个名字的密钥了");
  }
  if (!key.ok()) return key.status();
  GEBI_RETURN_IF_ERROR(db.WithTransaction([&](storage::Tx& tx) {
    return Audit(tx, principal, "apikey.add", "apikey:" + name, std::nullopt, "", name, now);
  }));
  return key;
}

Status RevokeApiKeyOf(storage::Database& db, const Clock& clock, const Principal& principal,
                      const std::string& name) {
  GEBI_RETURN_IF_ERROR(DistrictOnly(principal));
  const int64_t now = clock.NowSeconds();
  return db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(bool revoked, storage::RevokeApiKey(tx, name, now));
    if (!revoked) return Status::NotFound("没有这个正在使用的密钥");
    return Audit(tx, principal, "apikey.revoke", "apikey:" + name, std::nullopt, name, "", now);
  });
}

}  // namespace gebi::handlers::admin
