#include "handlers/admin_ops.h"

#include <fmt/format.h>

#include "handlers/dispatch.h"

namespace gebi::handlers {

namespace {
constexpr int kMaxScan = 5000;  // dead letters scanned per listing
}  // namespace

Result<std::vector<DeadLetter>> ListDeadLetters(storage::Database& db,
                                                const AdminPrincipal& principal, int limit) {
  std::vector<DeadLetter> out;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto items, storage::ListOutboxByStatus(tx, "dead", kMaxScan));
    for (auto& item : items) {
      if (static_cast<int>(out.size()) >= limit) break;
      GEBI_ASSIGN_OR_RETURN(auto community, ResolveCommunity(tx, item.recipient));
      if (!principal.IsDistrict() && !principal.CanSee(community)) continue;
      out.push_back({std::move(item), community});
    }
    return Status::Ok();
  }));
  return out;
}

Status RetryDeadLetter(storage::Database& db, const Clock& clock, const AdminPrincipal& principal,
                       int64_t id) {
  const int64_t now = clock.NowSeconds();
  return db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto item, storage::GetOutboxItem(tx, id));
    if (!item) return Status::NotFound(fmt::format("通知 {} 不存在", id));
    GEBI_ASSIGN_OR_RETURN(auto community, ResolveCommunity(tx, item->recipient));
    if (!principal.IsDistrict() && !principal.CanSee(community)) {
      return Status::PermissionDenied(fmt::format("无权处理通知 {}", id));
    }
    GEBI_RETURN_IF_ERROR(storage::RequeueDead(tx, id, now));
    return Audit(tx, principal, "outbox.retry", fmt::format("outbox:{}", id), community,
                 "dead: " + item->last_error, "pending", now);
  });
}

}  // namespace gebi::handlers
