#include "storage/circle_store.h"

namespace gebi::storage {

namespace {

#define GEBI_CIRCLE_COLUMNS                                                                  \
  "c.id, c.kind, c.name, c.unit_id, c.owner, c.convention, c.join_mode, "                    \
  "COALESCE(c.invite_code, ''), (SELECT COUNT(*) FROM circle_members m WHERE m.circle_id = " \
  "c.id), c.created_at"

constexpr std::string_view kInsert =
    "INSERT INTO circles(kind, name, unit_id, owner, created_at, convention, join_mode, "
    "invite_code) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULLIF(?8, ''))";
constexpr std::string_view kById = "SELECT " GEBI_CIRCLE_COLUMNS " FROM circles c WHERE c.id = ?1";
constexpr std::string_view kByName =
    "SELECT " GEBI_CIRCLE_COLUMNS " FROM circles c WHERE c.name = ?1 ORDER BY c.id LIMIT 1";
constexpr std::string_view kByInvite =
    "SELECT " GEBI_CIRCLE_COLUMNS " FROM circles c WHERE c.invite_code = ?1";
constexpr std::string_view kInviteTaken = "SELECT COUNT(*) FROM circles WHERE invite_code = ?1";
constexpr std::string_view kOfMember =
    "SELECT " GEBI_CIRCLE_COLUMNS
    " FROM circles c JOIN circle_members cm ON cm.circle_id = c.id WHERE cm.openid = ?1 "
    "ORDER BY c.name";
constexpr std::string_view kAll = "SELECT " GEBI_CIRCLE_COLUMNS " FROM circles c ORDER BY c.id";
constexpr std::string_view kSetInvite = "UPDATE circles SET invite_code = ?2 WHERE id = ?1";
constexpr std::string_view kUpdate =
    "UPDATE circles SET name = ?2, convention = ?3, join_mode = ?4 WHERE id = ?1";
constexpr std::string_view kMemberRole =
    "SELECT role FROM circle_members WHERE circle_id = ?1 AND openid = ?2";
constexpr std::string_view kAddMember =
    "INSERT OR IGNORE INTO circle_members(circle_id, openid, role, joined_at, name) "
    "VALUES (?1, ?2, 'member', ?3, ?4)";
constexpr std::string_view kSetRole =
    "UPDATE circle_members SET role = ?3 WHERE circle_id = ?1 AND openid = ?2";
constexpr std::string_view kRemoveMember =
    "DELETE FROM circle_members WHERE circle_id = ?1 AND openid = ?2";
constexpr std::string_view kListMembers =
    "SELECT m.openid, m.role, COALESCE(NULLIF(r.name, ''), m.name), m.joined_at "
    "FROM circle_members m LEFT JOIN residents r ON r.openid = m.openid WHERE m.circle_id = ?1 "
    "ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'manager' THEN 1 ELSE 2 END, 3, m.openid "
    "LIMIT ?2";
constexpr std::string_view kManagesAny =
    "SELECT EXISTS (SELECT 1 FROM circle_members m JOIN circles c ON c.id = m.circle_id "
    "WHERE m.openid = ?1 AND m.role IN ('owner', 'manager') AND c.kind <> 'grid')";
constexpr std::string_view kInsertRequest =
    "INSERT INTO circle_join_requests(circle_id, openid, name, created_at) VALUES (?1, ?2, ?3, ?4)";
#define GEBI_REQUEST_COLUMNS "id, circle_id, openid, name, status, reason, created_at"
constexpr std::string_view kRequestById =
    "SELECT " GEBI_REQUEST_COLUMNS " FROM circle_join_requests WHERE id = ?1";
constexpr std::string_view kPendingOf =
    "SELECT " GEBI_REQUEST_COLUMNS
    " FROM circle_join_requests WHERE circle_id = ?1 AND openid = ?2 AND status = 'pending' "
    "ORDER BY id LIMIT 1";
constexpr std::string_view kPendingOfCircle =
    "SELECT " GEBI_REQUEST_COLUMNS
    " FROM circle_join_requests WHERE circle_id = ?1 AND status = 'pending' ORDER BY id";
constexpr std::string_view kDecide =
    "UPDATE circle_join_requests SET status = ?2, reason = ?3, decided_by = ?4, decided_at = ?5 "
    "WHERE id = ?1 AND status = 'pending'";
#undef GEBI_REQUEST_COLUMNS
#undef GEBI_CIRCLE_COLUMNS

CircleInfo ReadCircle(const Stmt& st) {
  CircleInfo c;
  c.id = st.Int(0);
  c.kind = st.Text(1);
  c.name = st.Text(2);
  if (!st.IsNull(3)) c.unit_id = st.Int(3);
  c.owner = st.Text(4);
  c.convention = st.Text(5);
  c.join_mode = st.Text(6);
  c.invite_code = st.Text(7);
  c.members = st.Int(8);
  c.created_at = st.Int(9);
  return c;
}

CircleJoinRequest ReadRequest(const Stmt& st) {
  return CircleJoinRequest{st.Int(0),  st.Int(1),  st.Text(2), st.Text(3),
                           st.Text(4), st.Text(5), st.Int(6)};
}

}  // namespace

bool IsCircleKind(std::string_view kind) {
  static constexpr std::string_view kKinds[] = {"grid",         "building",  "neighbour", "party",
                                                "elderly_care", "car_owner", "interest"};
  for (auto k : kKinds) {
    if (k == kind) return true;
  }
  return false;
}

Result<int64_t> InsertCircle(Tx& tx, const CircleInfo& c, int64_t now) {
  if (!IsCircleKind(c.kind) || c.kind == "grid") {
    return Status::InvalidArgument("circle kind '" + c.kind + "' cannot be created here");
  }
  if (!c.invite_code.empty()) {
    GEBI_ASSIGN_OR_RETURN(bool taken, InviteTaken(tx, c.invite_code));
    if (taken) return Status::AlreadyExists("invite code " + c.invite_code + " is taken");
  }
  GEBI_RETURN_IF_ERROR(tx.Run(kInsert, c.kind, c.name, c.unit_id, c.owner, now, c.convention,
                              c.join_mode.empty() ? "open" : c.join_mode, c.invite_code));
  const int64_t id = tx.LastInsertId();
  if (!c.owner.empty()) {
    GEBI_RETURN_IF_ERROR(tx.Run(
        "INSERT INTO circle_members(circle_id, openid, role, joined_at) VALUES (?1, ?2, 'owner', "
        "?3) ON CONFLICT(circle_id, openid) DO UPDATE SET role = 'owner'",
        id, c.owner, now));
  }
  return id;
}

Result<std::optional<CircleInfo>> GetCircleInfo(Tx& tx, int64_t id) {
  return tx.QueryFirstRow<CircleInfo>(kById, ReadCircle, id);
}

Result<std::optional<CircleInfo>> CircleByName(Tx& tx, std::string_view name) {
  return tx.QueryFirstRow<CircleInfo>(kByName, ReadCircle, name);
}

Result<std::optional<CircleInfo>> CircleByInvite(Tx& tx, std::string_view code) {
  return tx.QueryFirstRow<CircleInfo>(kByInvite, ReadCircle, code);
}

Result<bool> InviteTaken(Tx& tx, std::string_view code) {
  GEBI_ASSIGN_OR_RETURN(auto n, tx.QueryInt(kInviteTaken, code));
  return n.value_or(0) > 0;
}

Result<std::vector<CircleInfo>> CirclesOf(Tx& tx, const std::string& openid) {
  return tx.QueryRows<CircleInfo>(kOfMember, ReadCircle, openid);
}

Result<std::vector<CircleInfo>> ListCircles(Tx& tx) {
  return tx.QueryRows<CircleInfo>(kAll, ReadCircle);
}

Status SetInviteCode(Tx& tx, int64_t id, const std::string& code) {
  GEBI_ASSIGN_OR_RETURN(bool taken, InviteTaken(tx, code));
  if (taken) return Status::AlreadyExists("invite code " + code + " is taken");
  return tx.Run(kSetInvite, id, code);
}

Status UpdateCircle(Tx& tx, int64_t id, const std::string& name, const std::string& convention,
                    const std::string& join_mode) {
  GEBI_RETURN_IF_ERROR(tx.Run(kUpdate, id, name, convention, join_mode));
  if (tx.Changes() == 0) return Status::NotFound("circle " + std::to_string(id));
  return Status::Ok();
}

Result<std::optional<std::string>> MemberRole(Tx& tx, int64_t circle_id,
                                              const std::string& openid) {
  return tx.QueryText(kMemberRole, circle_id, openid);
}

Result<bool> AddMember(Tx& tx, int64_t circle_id, const std::string& openid,
                       const std::string& name, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kAddMember, circle_id, openid, now, name));
  return tx.Changes() > 0;
}

Status SetMemberRole(Tx& tx, int64_t circle_id, const std::string& openid, std::string_view role) {
  GEBI_ASSIGN_OR_RETURN(auto current, MemberRole(tx, circle_id, openid));
  if (!current) return Status::NotFound(openid + " is not a member");
  if (*current == "owner") return Status::FailedPrecondition("the owner keeps their role");
  return tx.Run(kSetRole, circle_id, openid, role);
}

Result<bool> RemoveMember(Tx& tx, int64_t circle_id, const std::string& openid) {
  GEBI_RETURN_IF_ERROR(tx.Run(kRemoveMember, circle_id, openid));
  return tx.Changes() > 0;
}

Result<std::vector<CircleMember>> ListMembers(Tx& tx, int64_t circle_id, int limit) {
  auto read = [](const Stmt& st) {
    return CircleMember{st.Text(0), st.Text(1), st.Text(2), st.Int(3)};
  };
  return tx.QueryRows<CircleMember>(kListMembers, read, circle_id, limit);
}

Result<bool> ManagesAnyCircle(Tx& tx, const std::string& openid) {
  GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryInt(kManagesAny, openid));
  return v.value_or(0) != 0;
}

Result<int64_t> CreateCircleJoinRequest(Tx& tx, int64_t circle_id, const std::string& openid,
                                        const std::string& name, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kInsertRequest, circle_id, openid, name, now));
  return tx.LastInsertId();
}

Result<std::optional<CircleJoinRequest>> GetCircleJoinRequest(Tx& tx, int64_t id) {
  return tx.QueryFirstRow<CircleJoinRequest>(kRequestById, ReadRequest, id);
}

Result<std::optional<CircleJoinRequest>> PendingCircleRequest(Tx& tx, int64_t circle_id,
                                                              const std::string& openid) {
  return tx.QueryFirstRow<CircleJoinRequest>(kPendingOf, ReadRequest, circle_id, openid);
}

Result<std::vector<CircleJoinRequest>> PendingCircleRequests(Tx& tx, int64_t circle_id) {
  return tx.QueryRows<CircleJoinRequest>(kPendingOfCircle, ReadRequest, circle_id);
}

Result<bool> DecideCircleJoinRequest(Tx& tx, int64_t id, std::string_view status,
                                     const std::string& reason, const std::string& by,
                                     int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kDecide, id, status, reason, by, now));
  return tx.Changes() > 0;
}

}  // namespace gebi::storage
