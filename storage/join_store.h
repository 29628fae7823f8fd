// Join requests: a resident asks to join a grid; the grid's worker (or staff above) approves or
// rejects. Free functions over the caller's Tx; thread-safety is the Tx's.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

namespace gebi::storage {

struct JoinRequest {
  int64_t id = 0;
  std::string openid;
  int64_t grid_id = 0;
  std::string name;
  std::string building;
  std::string room;
  std::string phone;
  std::string status = "pending";  // pending | approved | rejected
  std::string reason;              // why rejected
  std::string decided_by;
  int64_t created_at = 0;
  std::optional<int64_t> decided_at;
};

// Inserts r as pending; returns the new id.
Result<int64_t> CreateJoinRequest(Tx& tx, const JoinRequest& r, int64_t now);
Result<std::optional<JoinRequest>> GetJoinRequest(Tx& tx, int64_t id);
// The openid's pending request, if any.
Result<std::optional<JoinRequest>> PendingJoinRequestOf(Tx& tx, const std::string& openid);
// Pending requests of a grid, oldest first.
Result<std::vector<JoinRequest>> PendingJoinRequests(Tx& tx, int64_t grid_id);
// pending -> status (approved | rejected). FailedPrecondition when the request is not pending.
Status DecideJoinRequest(Tx& tx, int64_t id, const std::string& status, const std::string& reason,
                         const std::string& by, int64_t now);

}  // namespace gebi::storage
