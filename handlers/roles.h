// Who is writing: roles as bits (a person may hold several, scoped to units by the org model)
// and the sender's place in the organisation, resolved from residents, volunteers and role
// grants. Stateless functions; thread-safe (they use the caller's Tx).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "storage/database.h"

namespace gebi::handlers {

enum Role : uint32_t {
  kResident = 1u << 0,
  kFloorLeader = 1u << 1,
  kGridWorker = 1u << 2,
  kVolunteer = 1u << 3,
  kCommunityStaff = 1u << 4,
  kStreetStaff = 1u << 5,
  kDistrictAdmin = 1u << 6,
  // Owns or manages a circle other than a grid circle (storage/circle_store.h): may send
  // notices and recruit in the circles they run.
  kCircleManager = 1u << 7,
  // Family of an elder in an elderly-care circle (storage/care_store.h): gets care relays and
  // may thank the volunteer.
  kCareFamily = 1u << 8,
};
constexpr uint32_t kAnyone = 0xFFFFFFFFu;
constexpr uint32_t kStaffRoles = kGridWorker | kCommunityStaff | kStreetStaff | kDistrictAdmin;

struct Sender {
  uint32_t roles = kResident;
  std::optional<int64_t> community_id;  // the resident's / volunteer's / staff's community
  std::optional<int64_t> grid_id;       // the resident's grid, else the worker's grid
};

// Resolves the sender: everyone is a resident; role grants add the staff roles, an active
// volunteer row adds the volunteer role. Errors: storage failures.
Result<Sender> ResolveSender(storage::Tx& tx, const std::string& openid);

// "志愿者、网格员" for a roles mask (for the "not allowed" line); "居民" for none.
std::string RoleNames(uint32_t roles);

}  // namespace gebi::handlers
