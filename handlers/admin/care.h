// Console services for elderly-care relays (S7), scoped like every console list: a community
// account sees and changes the elders of its own community's care circles (the community above
// the circle's unit), a district account every community. Per elder: family, volunteers, family
// requests waiting, relays and thanks this month; add an elder, assign or unassign a volunteer,
// approve or refuse a family request. Each call runs in its own
// transaction; changes are audited. Thread-safe (the Database is).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "handlers/admin/auth.h"
#include "handlers/pipeline.h"
#include "storage/care_store.h"
#include "storage/clock.h"
#include "storage/database.h"

namespace gebi::handlers::admin {

struct CareFamilyRequest {
  int64_t id = 0;  // the circle join request
  std::string name;
  int64_t created_at = 0;
};

struct CareElderView {
  storage::CareElder elder;
  std::optional<int64_t> community_id;
  std::string unit_name;    // "桂柑社区第一网格"
  std::string invite_code;  // the circle's, for the family
  std::vector<storage::CarePerson> family;
  std::vector<storage::CarePerson> volunteers;
  std::vector<CareFamilyRequest> pending;  // family requests naming this elder, oldest first
  storage::CareElderCounts month;          // since the 1st of this month (UTC+8)
  bool editable = false;
};

struct CareCircleChoice {
  int64_t id = 0;
  std::string name;
};

struct CareVolunteerChoice {
  int64_t community_id = 0;  // the community the volunteer serves
  std::string openid;
  std::string name;
};

struct CarePage {
  std::vector<CareElderView> elders;            // by circle, then name
  std::vector<CareCircleChoice> circles;        // care circles the principal may change
  std::vector<CareVolunteerChoice> volunteers;  // assignable: the elders' communities' volunteers
};

// The 关爱 page for principal at now.
Result<CarePage> LoadCarePage(storage::Database& db, const Principal& principal, int64_t now);

// Adds elder name (at most 12 characters) to care circle circle_id, or when circle_id is 0 to a
// new circle "<name>关爱圈" of the principal's community. Returns the elder id.
// InvalidArgument "elder_name: ..." / "circle_id: ..."; NotFound; PermissionDenied outside the
// scope; AlreadyExists when the circle has that elder.
Result<int64_t> AddCareElderFromConsole(storage::Database& db, const Clock& clock,
                                        const Principal& principal, int64_t circle_id,
                                        const std::string& name);
// Assigns (assign = true) or unassigns a volunteer of the elder's community; the volunteer is
// pushed on assignment. NotFound for an unknown elder or a person who is not an active
// volunteer of that community; PermissionDenied outside the scope; AlreadyExists / NotFound
// when already (not) assigned.
Status SetCareVolunteerFromConsole(storage::Database& db, const Clock& clock, Pipeline& pipeline,
                                   const Principal& principal, int64_t elder_id,
                                   const std::string& openid, bool assign);
// Approves or refuses (reason required, at most 100 characters) a family request, as 入圈通过 /
// 入圈拒绝 do in chat; the person is pushed. NotFound for an unknown request or one that names no
// elder; FailedPrecondition when already decided; PermissionDenied outside the scope.
Status DecideCareFamilyFromConsole(storage::Database& db, const Clock& clock, Pipeline& pipeline,
                                   const Principal& principal, int64_t request_id, bool approve,
                                   const std::string& reason);

// Relays and thanks per community: ListCareNumbers in handlers/admin/stats.h.

}  // namespace gebi::handlers::admin
