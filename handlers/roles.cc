#include "handlers/roles.h"

#include <string>
#include <utility>

#include "storage/care_store.h"
#include "storage/circle_store.h"
#include "storage/org_store.h"
#include "storage/volunteer_store.h"

namespace gebi::handlers {

namespace {

uint32_t RoleBit(std::string_view role) {
  if (role == "floor_leader") return kFloorLeader;
  if (role == "grid_worker") return kGridWorker;
  if (role == "volunteer") return kVolunteer;
  if (role == "community_staff") return kCommunityStaff;
  if (role == "street_staff") return kStreetStaff;
  if (role == "district_admin") return kDistrictAdmin;
  return 0;
}

}  // namespace

// The community and grid come from the membership, else from the volunteer record or grants.
Result<Sender> ResolveSender(storage::Tx& tx, const std::string& openid) {
  Sender s;
  GEBI_ASSIGN_OR_RETURN(auto resident, storage::GetResident(tx, openid));
  if (resident) s.grid_id = resident->grid_id;
  GEBI_ASSIGN_OR_RETURN(auto volunteer, storage::GetVolunteer(tx, openid));
  if (volunteer && volunteer->active) {
    s.roles |= kVolunteer;
    s.community_id = volunteer->community_id;
  }
  GEBI_ASSIGN_OR_RETURN(auto grants, storage::GrantsOf(tx, openid));
  std::optional<int64_t> staff_unit;
  for (const storage::RoleGrant& g : grants) {
    s.roles |= RoleBit(g.role);
    if (g.role == "grid_worker" && !s.grid_id) s.grid_id = g.unit_id;
    if (!staff_unit && (g.role == "community_staff" || g.role == "grid_worker")) {
      staff_unit = g.unit_id;
    }
  }
  GEBI_ASSIGN_OR_RETURN(bool manages_circle, storage::ManagesAnyCircle(tx, openid));
  if (manages_circle) s.roles |= kCircleManager;
  GEBI_ASSIGN_OR_RETURN(bool care_family, storage::IsCareFamily(tx, openid));
  if (care_family) s.roles |= kCareFamily;
  if (!s.community_id) {
    std::optional<int64_t> from = s.grid_id ? s.grid_id : staff_unit;
    if (from) {
      GEBI_ASSIGN_OR_RETURN(auto community, storage::AncestorOfKind(tx, *from, "community"));
      if (community) s.community_id = community->id;
    }
  }
  return s;
}

std::string RoleNames(uint32_t roles) {
  static constexpr std::pair<uint32_t, std::string_view> kNames[] = {
      {kFloorLeader, "楼道长"},       {kVolunteer, "志愿者"},
      {kGridWorker, "网格员"},        {kCommunityStaff, "社区工作人员"},
      {kStreetStaff, "街道工作人员"}, {kDistrictAdmin, "区管理员"},
      {kCircleManager, "圈子管理员"}, {kCareFamily, "关爱家属"},
  };
  std::string out;
  for (const auto& [bit, name] : kNames) {
    if ((roles & bit) == 0) continue;
    if (!out.empty()) out += "、";
    out += name;
  }
  return out.empty() ? std::string("居民") : out;
}

}  // namespace gebi::handlers
