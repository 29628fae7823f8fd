// The organisation model: units (district > street > community > grid > building), role
// grants scoped to a unit, residents (one grid each), the address directory and circles.
// Free functions over the caller's Tx; no state of their own (thread-safety is the Tx's).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.h"

namespace gebi::storage {

struct OrgUnit {
  int64_t id = 0;
  std::string kind;  // district | street | community | grid | building
  std::string code;  // the operator's stable key (from the import file)
  std::optional<int64_t> parent_id;
  std::string name;
  std::string contact;  // phone / office of the unit, shown to residents
};

// The kind a unit of `kind` must have as its parent ("" for a district); nullopt for an unknown
// kind.
std::optional<std::string_view> ParentKindOf(std::string_view kind);
// The role a person who runs a unit of `kind` holds: grid -> grid_worker, community ->
// community_staff, street -> street_staff, district -> district_admin, building ->
// floor_leader. Empty for an unknown kind.
std::string_view ManagerRoleOf(std::string_view kind);
// True for the role names a grant may carry.
bool IsGrantableRole(std::string_view role);

Result<std::optional<OrgUnit>> GetUnit(Tx& tx, int64_t id);
Result<std::optional<OrgUnit>> GetUnitByCode(Tx& tx, std::string_view code);
// Inserts or (same code) updates a unit; returns its id. Ids never change on update.
Result<int64_t> UpsertUnit(Tx& tx, const OrgUnit& unit, int64_t now);
// All units of a kind, by id.
Result<std::vector<OrgUnit>> ListUnits(Tx& tx, std::string_view kind);
// unit and its ancestors, nearest first (unit itself at [0]). Empty when id is unknown.
Result<std::vector<OrgUnit>> UnitPath(Tx& tx, int64_t id);
// "鹿城区/松台街道/桂柑社区/第一网格" for unit id (empty when unknown).
Result<std::string> UnitPathName(Tx& tx, int64_t id);
// The nearest ancestor-or-self of id with the given kind, if any.
Result<std::optional<OrgUnit>> AncestorOfKind(Tx& tx, int64_t id, std::string_view kind);

struct RoleGrant {
  std::string openid;
  std::string role;
  int64_t unit_id = 0;
  std::string source;  // import | cli | demo
};

// Idempotent: granting twice keeps one row (the first source).
Status Grant(Tx& tx, const RoleGrant& g, int64_t now);
// Returns true when a row was removed.
Result<bool> Revoke(Tx& tx, const std::string& openid, std::string_view role, int64_t unit_id);
// Removes the grants of role on unit that came from source (re-import replaces its own).
Status RevokeBySource(Tx& tx, int64_t unit_id, std::string_view role, std::string_view source);
Result<std::vector<RoleGrant>> GrantsOf(Tx& tx, const std::string& openid);
// Openids holding role on unit, sorted.
Result<std::vector<std::string>> HoldersOf(Tx& tx, int64_t unit_id, std::string_view role);
// True when openid runs unit id or one of its ancestors (the manager role of that ancestor's
// kind: the grid's worker, the community's staff, the street's staff, the district's admin).
Result<bool> CanManage(Tx& tx, const std::string& openid, int64_t unit_id);

struct Resident {
  std::string openid;
  int64_t grid_id = 0;
  std::string name;
  std::string building;
  std::string room;
  std::string phone;
  bool elderly_alone = false;
  int64_t joined_at = 0;
};

Result<std::optional<Resident>> GetResident(Tx& tx, const std::string& openid);
// Creates or replaces the membership (keeps elderly_alone of an existing row when replacing).
Status PutResident(Tx& tx, const Resident& r, int64_t now);
// NotFound when openid is not a resident.
Status SetElderlyAlone(Tx& tx, const std::string& openid, bool on, int64_t now);

// One row of the address directory: a road with a house-number range, or an estate with a
// building-number range, belonging to a grid.
struct AddressRange {
  int64_t grid_id = 0;
  std::string road;
  int64_t num_from = 0, num_to = 0;
  std::string estate;
  int64_t bld_from = 0, bld_to = 0;
};
// Inserts or (same road/estate and ranges) moves a range to grid_id.
Status UpsertAddress(Tx& tx, const AddressRange& a, int64_t now);
Result<std::vector<AddressRange>> ListAddresses(Tx& tx);

// Circles: each grid has its grid circle; other kinds have an owner and managers.
struct Circle {
  int64_t id = 0;
  std::string kind;  // grid | building | neighbour | party | elderly_care | car_owner | interest
  std::string name;
  std::optional<int64_t> unit_id;
  std::string owner;
};
// The grid circle of grid_id, created (named name) when missing; returns its id.
Result<int64_t> EnsureGridCircle(Tx& tx, int64_t grid_id, const std::string& name, int64_t now);
// Creates a circle owned by c.owner (who becomes its "owner" member); returns its id.
// InvalidArgument for an unknown kind.
Result<int64_t> CreateCircle(Tx& tx, const Circle& c, int64_t now);
// Adds or changes a member's role in a circle (owner | manager | member).
Status PutCircleMember(Tx& tx, int64_t circle_id, const std::string& openid, std::string_view role,
                       int64_t now);
// Removes openid from every grid circle (before joining another grid).
Status LeaveGridCircles(Tx& tx, const std::string& openid);
Result<std::optional<Circle>> GetCircle(Tx& tx, int64_t id);
// The first circle of kind attached to unit_id, if any.
Result<std::optional<Circle>> FindCircle(Tx& tx, std::string_view kind, int64_t unit_id);
// Openids of a circle with the given member role.
Result<std::vector<std::string>> CircleMembers(Tx& tx, int64_t circle_id, std::string_view role);

}  // namespace gebi::storage
