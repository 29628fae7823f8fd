#include "storage/org_store.h"

namespace gebi::storage {

namespace {

constexpr std::string_view kSelectUnit =
    "SELECT id, kind, code, parent_id, name, contact FROM org_units WHERE id = ?1";
constexpr std::string_view kSelectUnitByCode =
    "SELECT id, kind, code, parent_id, name, contact FROM org_units WHERE code = ?1";
constexpr std::string_view kSelectUnitsByKind =
    "SELECT id, kind, code, parent_id, name, contact FROM org_units WHERE kind = ?1 ORDER BY id";
constexpr std::string_view kInsertUnit =
    "INSERT INTO org_units(kind, code, parent_id, name, contact, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)";
constexpr std::string_view kUpdateUnit =
    "UPDATE org_units SET kind = ?2, parent_id = ?3, name = ?4, contact = ?5, updated_at = ?6 "
    "WHERE id = ?1";

constexpr std::string_view kInsertGrant =
    "INSERT OR IGNORE INTO role_grants(openid, role, unit_id, source, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr std::string_view kDeleteGrant =
    "DELETE FROM role_grants WHERE openid = ?1 AND role = ?2 AND unit_id = ?3";
constexpr std::string_view kDeleteGrantsBySource =
    "DELETE FROM role_grants WHERE unit_id = ?1 AND role = ?2 AND source = ?3";
constexpr std::string_view kSelectGrants =
    "SELECT role, unit_id, source FROM role_grants WHERE openid = ?1 ORDER BY unit_id, role";
constexpr std::string_view kSelectHolders =
    "SELECT openid FROM role_grants WHERE unit_id = ?1 AND role = ?2 ORDER BY openid";
constexpr std::string_view kHasGrant =
    "SELECT 1 FROM role_grants WHERE openid = ?1 AND role = ?2 AND unit_id = ?3";

constexpr std::string_view kSelectResident =
    "SELECT grid_id, name, building, room, phone, elderly_alone, joined_at FROM residents "
    "WHERE openid = ?1";
constexpr std::string_view kUpsertResident =
    "INSERT INTO residents(openid, grid_id, name, building, room, phone, elderly_alone, "
    "joined_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8) "
    "ON CONFLICT(openid) DO UPDATE SET grid_id = excluded.grid_id, name = excluded.name, "
    "building = excluded.building, room = excluded.room, phone = excluded.phone, "
    "elderly_alone = MAX(elderly_alone, excluded.elderly_alone), "
    "joined_at = excluded.joined_at, updated_at = excluded.updated_at";
constexpr std::string_view kSetElderly =
    "UPDATE residents SET elderly_alone = ?2, updated_at = ?3 WHERE openid = ?1";

constexpr std::string_view kUpsertAddress =
    "INSERT INTO addresses(grid_id, road, num_from, num_to, estate, bld_from, bld_to, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
    "ON CONFLICT(road, num_from, num_to, estate, bld_from, bld_to) DO UPDATE SET "
    "grid_id = excluded.grid_id, updated_at = excluded.updated_at";
constexpr std::string_view kSelectAddresses =
    "SELECT grid_id, road, num_from, num_to, estate, bld_from, bld_to FROM addresses ORDER BY id";

constexpr std::string_view kSelectGridCircle =
    "SELECT id FROM circles WHERE kind = 'grid' AND unit_id = ?1";
constexpr std::string_view kInsertCircle =
    "INSERT INTO circles(kind, name, unit_id, owner, created_at) VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr std::string_view kUpsertMember =
    "INSERT INTO circle_members(circle_id, openid, role, joined_at) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT(circle_id, openid) DO UPDATE SET role = excluded.role";
constexpr std::string_view kLeaveGridCircles =
    "DELETE FROM circle_members WHERE openid = ?1 AND role = 'member' AND circle_id IN "
    "(SELECT id FROM circles WHERE kind = 'grid')";
constexpr std::string_view kSelectCircle =
    "SELECT id, kind, name, unit_id, owner FROM circles WHERE id = ?1";
constexpr std::string_view kFindCircle =
    "SELECT id FROM circles WHERE kind = ?1 AND unit_id = ?2 ORDER BY id LIMIT 1";
constexpr std::string_view kSelectCircleMembers =
    "SELECT openid FROM circle_members WHERE circle_id = ?1 AND role = ?2 ORDER BY openid";

OrgUnit ReadOrgUnit(const Stmt& st) {
  OrgUnit u;
  u.id = st.Int(0);
  u.kind = st.Text(1);
  u.code = st.Text(2);
  if (!st.IsNull(3)) u.parent_id = st.Int(3);
  u.name = st.Text(4);
  u.contact = st.Text(5);
  return u;
}

// The row of a one-column query of openids.
std::string ReadString(const Stmt& st) { return st.Text(0); }

// Deeper trees than this are corrupt (a parent cycle); the real one has five levels.
constexpr int kMaxDepth = 16;

}  // namespace

std::optional<std::string_view> ParentKindOf(std::string_view kind) {
  if (kind == "district") return std::string_view();
  if (kind == "street") return std::string_view("district");
  if (kind == "community") return std::string_view("street");
  if (kind == "grid") return std::string_view("community");
  if (kind == "building") return std::string_view("grid");
  return std::nullopt;
}

std::string_view ManagerRoleOf(std::string_view kind) {
  if (kind == "grid") return "grid_worker";
  if (kind == "community") return "community_staff";
  if (kind == "street") return "street_staff";
  if (kind == "district") return "district_admin";
  if (kind == "building") return "floor_leader";
  return "";
}

bool IsGrantableRole(std::string_view role) {
  return role == "floor_leader" || role == "grid_worker" || role == "volunteer" ||
         role == "community_staff" || role == "street_staff" || role == "district_admin";
}

Result<std::optional<OrgUnit>> GetUnit(Tx& tx, int64_t id) {
  return tx.QueryFirstRow<OrgUnit>(kSelectUnit, ReadOrgUnit, id);
}

Result<std::optional<OrgUnit>> GetUnitByCode(Tx& tx, std::string_view code) {
  return tx.QueryFirstRow<OrgUnit>(kSelectUnitByCode, ReadOrgUnit, code);
}

Result<int64_t> UpsertUnit(Tx& tx, const OrgUnit& unit, int64_t now) {
  GEBI_ASSIGN_OR_RETURN(auto existing, GetUnitByCode(tx, unit.code));
  if (existing) {
    GEBI_RETURN_IF_ERROR(
        tx.Run(kUpdateUnit, existing->id, unit.kind, unit.parent_id, unit.name, unit.contact, now));
    return existing->id;
  }
  GEBI_RETURN_IF_ERROR(
      tx.Run(kInsertUnit, unit.kind, unit.code, unit.parent_id, unit.name, unit.contact, now));
  return tx.LastInsertId();
}

Result<std::vector<OrgUnit>> ListUnits(Tx& tx, std::string_view kind) {
  return tx.QueryRows<OrgUnit>(kSelectUnitsByKind, ReadOrgUnit, kind);
}

Result<std::vector<OrgUnit>> UnitPath(Tx& tx, int64_t id) {
  std::vector<OrgUnit> out;
  std::optional<int64_t> next = id;
  while (next && out.size() < kMaxDepth) {
    GEBI_ASSIGN_OR_RETURN(auto u, GetUnit(tx, *next));
    if (!u) break;
    next = u->parent_id;
    out.push_back(std::move(*u));
  }
  return out;
}

Result<std::string> UnitPathName(Tx& tx, int64_t id) {
  GEBI_ASSIGN_OR_RETURN(auto path, UnitPath(tx, id));
  std::string out;
  for (auto it = path.rbegin(); it != path.rend(); ++it) {
    if (!out.empty()) out += '/';
    out += it->name;
  }
  return out;
}

Result<std::optional<OrgUnit>> AncestorOfKind(Tx& tx, int64_t id, std::string_view kind) {
  GEBI_ASSIGN_OR_RETURN(auto path, UnitPath(tx, id));
  for (auto& u : path) {
    if (u.kind == kind) return std::optional<OrgUnit>(std::move(u));
  }
  return std::optional<OrgUnit>();
}

Status Grant(Tx& tx, const RoleGrant& g, int64_t now) {
  return tx.Run(kInsertGrant, g.openid, g.role, g.unit_id, g.source, now);
}

Result<bool> Revoke(Tx& tx, const std::string& openid, std::string_view role, int64_t unit_id) {
  GEBI_RETURN_IF_ERROR(tx.Run(kDeleteGrant, openid, role, unit_id));
  return tx.Changes() > 0;
}

Status RevokeBySource(Tx& tx, int64_t unit_id, std::string_view role, std::string_view source) {
  return tx.Run(kDeleteGrantsBySource, unit_id, role, source);
}

Result<std::vector<RoleGrant>> GrantsOf(Tx& tx, const std::string& openid) {
  auto read = [&openid](const Stmt& st) {
    return RoleGrant{openid, st.Text(0), st.Int(1), st.Text(2)};
  };
  return tx.QueryRows<RoleGrant>(kSelectGrants, read, openid);
}

Result<std::vector<std::string>> HoldersOf(Tx& tx, int64_t unit_id, std::string_view role) {
  return tx.QueryRows<std::string>(kSelectHolders, ReadString, unit_id, role);
}

Result<bool> CanManage(Tx& tx, const std::string& openid, int64_t unit_id) {
  GEBI_ASSIGN_OR_RETURN(auto path, UnitPath(tx, unit_id));
  for (const OrgUnit& u : path) {
    std::string_view role = ManagerRoleOf(u.kind);
    if (role.empty() || role == "floor_leader") continue;
    GEBI_ASSIGN_OR_RETURN(auto hit, tx.QueryInt(kHasGrant, openid, role, u.id));
    if (hit) return true;
  }
  return false;
}

Result<std::optional<Resident>> GetResident(Tx& tx, const std::string& openid) {
  auto read = [&openid](const Stmt& st) {
    return Resident{openid,     st.Int(0),  st.Text(1),     st.Text(2),
                    st.Text(3), st.Text(4), st.Int(5) != 0, st.Int(6)};
  };
  return tx.QueryFirstRow<Resident>(kSelectResident, read, openid);
}

Status PutResident(Tx& tx, const Resident& r, int64_t now) {
  return tx.Run(kUpsertResident, r.openid, r.grid_id, r.name, r.building, r.room, r.phone,
                static_cast<int64_t>(r.elderly_alone), now);
}

Status SetElderlyAlone(Tx& tx, const std::string& openid, bool on, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kSetElderly, openid, static_cast<int64_t>(on), now));
  if (tx.Changes() == 0) return Status::NotFound("no resident " + openid);
  return Status::Ok();
}

Status UpsertAddress(Tx& tx, const AddressRange& a, int64_t now) {
  return tx.Run(kUpsertAddress, a.grid_id, a.road, a.num_from, a.num_to, a.estate, a.bld_from,
                a.bld_to, now);
}

Result<std::vector<AddressRange>> ListAddresses(Tx& tx) {
  auto read = [](const Stmt& st) {
    return AddressRange{st.Int(0),  st.Text(1), st.Int(2), st.Int(3),
                        st.Text(4), st.Int(5),  st.Int(6)};
  };
  return tx.QueryRows<AddressRange>(kSelectAddresses, read);
}

Result<int64_t> EnsureGridCircle(Tx& tx, int64_t grid_id, const std::string& name, int64_t now) {
  GEBI_ASSIGN_OR_RETURN(auto id, tx.QueryInt(kSelectGridCircle, grid_id));
  if (id) return *id;
  GEBI_RETURN_IF_ERROR(tx.Run(kInsertCircle, "grid", name, grid_id, "", now));
  return tx.LastInsertId();
}

Result<int64_t> CreateCircle(Tx& tx, const Circle& c, int64_t now) {
  static constexpr std::string_view kKinds[] = {"grid",         "building",  "neighbour", "party",
                                                "elderly_care", "car_owner", "interest"};
  bool known = false;
  for (auto k : kKinds) known = known || k == c.kind;
  if (!known) return Status::InvalidArgument("unknown circle kind '" + c.kind + "'");
  GEBI_RETURN_IF_ERROR(tx.Run(kInsertCircle, c.kind, c.name, c.unit_id, c.owner, now));
  int64_t id = tx.LastInsertId();
  if (!c.owner.empty()) GEBI_RETURN_IF_ERROR(PutCircleMember(tx, id, c.owner, "owner", now));
  return id;
}

Status PutCircleMember(Tx& tx, int64_t circle_id, const std::string& openid, std::string_view role,
                       int64_t now) {
  return tx.Run(kUpsertMember, circle_id, openid, role, now);
}

Status LeaveGridCircles(Tx& tx, const std::string& openid) {
  return tx.Run(kLeaveGridCircles, openid);
}

Result<std::optional<Circle>> GetCircle(Tx& tx, int64_t id) {
  auto read = [](const Stmt& st) {
    Circle c{st.Int(0), st.Text(1), st.Text(2), std::nullopt, st.Text(4)};
    if (!st.IsNull(3)) c.unit_id = st.Int(3);
    return c;
  };
  return tx.QueryFirstRow<Circle>(kSelectCircle, read, id);
}

Result<std::optional<Circle>> FindCircle(Tx& tx, std::string_view kind, int64_t unit_id) {
  GEBI_ASSIGN_OR_RETURN(auto id, tx.QueryInt(kFindCircle, kind, unit_id));
  if (!id) return std::optional<Circle>();
  return GetCircle(tx, *id);
}

Result<std::vector<std::string>> CircleMembers(Tx& tx, int64_t circle_id, std::string_view role) {
  return tx.QueryRows<std::string>(kSelectCircleMembers, ReadString, circle_id, role);
}

}  // namespace gebi::storage
