#include "storage/join_store.h"

namespace gebi::storage {

namespace {

constexpr std::string_view kInsert =
    "INSERT INTO join_requests(openid, grid_id, name, building, room, phone, status, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7)";
constexpr std::string_view kById =
    "SELECT id, openid, grid_id, name, building, room, phone, status, reason, decided_by, "
    "created_at, decided_at FROM join_requests WHERE id = ?1";
constexpr std::string_view kPendingOf =
    "SELECT id, openid, grid_id, name, building, room, phone, status, reason, decided_by, "
    "created_at, decided_at FROM join_requests WHERE openid = ?1 AND status = 'pending' "
    "ORDER BY id DESC LIMIT 1";
constexpr std::string_view kPendingOfGrid =
    "SELECT id, openid, grid_id, name, building, room, phone, status, reason, decided_by, "
    "created_at, decided_at FROM join_requests WHERE grid_id = ?1 AND status = 'pending' "
    "ORDER BY id";
constexpr std::string_view kDecide =
    "UPDATE join_requests SET status = ?2, reason = ?3, decided_by = ?4, decided_at = ?5 "
    "WHERE id = ?1 AND status = 'pending'";

JoinRequest Read(const Stmt& st) {
  JoinRequest r;
  r.id = st.Int(0);
  r.openid = st.Text(1);
  r.grid_id = st.Int(2);
  r.name = st.Text(3);
  r.building = st.Text(4);
  r.room = st.Text(5);
  r.phone = st.Text(6);
  r.status = st.Text(7);
  r.reason = st.Text(8);
  r.decided_by = st.Text(9);
  r.created_at = st.Int(10);
  if (!st.IsNull(11)) r.decided_at = st.Int(11);
  return r;
}

template <typename... Args>
Result<std::vector<JoinRequest>> Query(Tx& tx, std::string_view sql, const Args&... args) {
  return tx.QueryRows<JoinRequest>(sql, Read, args...);
}

template <typename... Args>
Result<std::optional<JoinRequest>> QueryOne(Tx& tx, std::string_view sql, const Args&... args) {
  return tx.QueryFirstRow<JoinRequest>(sql, Read, args...);
}

}  // namespace

Result<int64_t> CreateJoinRequest(Tx& tx, const JoinRequest& r, int64_t now) {
  GEBI_RETURN_IF_ERROR(
      tx.Run(kInsert, r.openid, r.grid_id, r.name, r.building, r.room, r.phone, now));
  return tx.LastInsertId();
}

Result<std::optional<JoinRequest>> GetJoinRequest(Tx& tx, int64_t id) {
  return QueryOne(tx, kById, id);
}

Result<std::optional<JoinRequest>> PendingJoinRequestOf(Tx& tx, const std::string& openid) {
  return QueryOne(tx, kPendingOf, openid);
}

Result<std::vector<JoinRequest>> PendingJoinRequests(Tx& tx, int64_t grid_id) {
  return Query(tx, kPendingOfGrid, grid_id);
}

Status DecideJoinRequest(Tx& tx, int64_t id, const std::string& status, const std::string& reason,
                         const std::string& by, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kDecide, id, status, reason, by, now));
  if (tx.Changes() == 0) {
    return Status::FailedPrecondition("join request " + std::to_string(id) + " is not pending");
  }
  return Status::Ok();
}

}  // namespace gebi::storage
