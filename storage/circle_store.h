// Public-good circles beyond the grid (S6): a circle's convention, join mode and invite code,
// its members with the names they gave, manager-approved join requests, and the lookups the
// chat commands and the console need. Grid circles live here too (storage/org_store.h creates
// them and follows grid membership). Free functions over the caller's Tx; no state of their
// own (thread-safety is the Tx's).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.h"

namespace gebi::storage {

struct CircleInfo {
  int64_t id = 0;
  std::string kind;  // grid | building | neighbour | party | elderly_care | car_owner | interest
  std::string name;
  std::optional<int64_t> unit_id;
  std::string owner;
  std::string convention;   // shown to whoever joins
  std::string join_mode;    // open | approval
  std::string invite_code;  // digits; empty for grid circles (they follow grid membership)
  int64_t members = 0;      // member rows of every role
  int64_t created_at = 0;
};

struct CircleMember {
  std::string openid;
  std::string role;  // owner | manager | member
  std::string name;  // the resident's name, else the name given when joining, else ""
  int64_t joined_at = 0;
};

struct CircleJoinRequest {
  int64_t id = 0;
  int64_t circle_id = 0;
  std::string openid;
  std::string name;
  std::string status;  // pending | approved | rejected
  std::string reason;
  int64_t created_at = 0;
};

// The kinds a circle may have, as stored.
bool IsCircleKind(std::string_view kind);

// Creates a circle (c.id and c.members are ignored); its owner becomes its "owner" member.
// Returns the id. InvalidArgument for an unknown kind or a grid circle (those come from the
// organisation import); AlreadyExists when the invite code is taken.
Result<int64_t> InsertCircle(Tx& tx, const CircleInfo& c, int64_t now);
Result<std::optional<CircleInfo>> GetCircleInfo(Tx& tx, int64_t id);
// The circle named exactly name (names are stored normalised), if any.
Result<std::optional<CircleInfo>> CircleByName(Tx& tx, std::string_view name);
Result<std::optional<CircleInfo>> CircleByInvite(Tx& tx, std::string_view code);
// True when code is already some circle's invite code.
Result<bool> InviteTaken(Tx& tx, std::string_view code);
// Circles openid belongs to (any role), by name.
Result<std::vector<CircleInfo>> CirclesOf(Tx& tx, const std::string& openid);
// Every circle, by id (the console filters by scope).
Result<std::vector<CircleInfo>> ListCircles(Tx& tx);
// Gives circle id the invite code (a circle made before codes existed has none).
// AlreadyExists when another circle has it.
Status SetInviteCode(Tx& tx, int64_t id, const std::string& code);
// Changes the editable fields (name, convention, join mode). NotFound for an unknown id.
Status UpdateCircle(Tx& tx, int64_t id, const std::string& name, const std::string& convention,
                    const std::string& join_mode);

// openid's role in circle_id ("owner", "manager", "member"), or nullopt when not a member.
Result<std::optional<std::string>> MemberRole(Tx& tx, int64_t circle_id, const std::string& openid);
// Adds openid as a member; an existing member keeps their role (an owner is never demoted).
// Returns true when a row was added.
Result<bool> AddMember(Tx& tx, int64_t circle_id, const std::string& openid,
                       const std::string& name, int64_t now);
// Sets an existing member's role (manager | member); NotFound when openid is not a member,
// FailedPrecondition for the owner.
Status SetMemberRole(Tx& tx, int64_t circle_id, const std::string& openid, std::string_view role);
// Removes openid from circle_id; returns true when a row was removed.
Result<bool> RemoveMember(Tx& tx, int64_t circle_id, const std::string& openid);
// Members of a circle (owner and managers first, then by name), at most limit.
Result<std::vector<CircleMember>> ListMembers(Tx& tx, int64_t circle_id, int limit);
// True when openid owns or manages a circle (not counting grid circles).
Result<bool> ManagesAnyCircle(Tx& tx, const std::string& openid);

// Join requests of approval circles.
Result<int64_t> CreateCircleJoinRequest(Tx& tx, int64_t circle_id, const std::string& openid,
                                        const std::string& name, int64_t now);
Result<std::optional<CircleJoinRequest>> GetCircleJoinRequest(Tx& tx, int64_t id);
// openid's pending request for circle_id, if any.
Result<std::optional<CircleJoinRequest>> PendingCircleRequest(Tx& tx, int64_t circle_id,
                                                              const std::string& openid);
// Pending requests of a circle, oldest first.
Result<std::vector<CircleJoinRequest>> PendingCircleRequests(Tx& tx, int64_t circle_id);
// status: approved | rejected. Applies only to a pending request; returns true when it did.
Result<bool> DecideCircleJoinRequest(Tx& tx, int64_t id, std::string_view status,
                                     const std::string& reason, const std::string& by, int64_t now);

}  // namespace gebi::storage
