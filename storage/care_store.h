// Elderly-care circles (S7): the elders of an elderly_care circle (by the 称呼 people call them),
// their family members and assigned volunteers, family join requests (a circle join request
// that names an elder), and relays: a volunteer's text or photo recorded first and delivered to
// that elder's family in a second step. Relay states:
//   pending --deliver--> sent        (pushes queued to the family, one recipient row each)
//   pending --hold-----> held --deliver--> sent
//   pending/held --reject--> rejected (never delivered)
// Free functions over the caller's Tx; no state of their own (thread-safety is the Tx's).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.h"

namespace gebi::storage {

struct CareElder {
  int64_t id = 0;
  int64_t circle_id = 0;
  std::string name;                            // the 称呼, normalised: 金阿婆
  std::optional<std::string> resident_openid;  // linked resident, if any
  std::string circle_name;
  int64_t family = 0;      // family links
  int64_t volunteers = 0;  // volunteer links
};

struct CarePerson {
  std::string openid;
  std::string name;  // resident name, else the name given in the circle, else ""
  std::string role;  // family | volunteer
};

struct CareRelay {
  int64_t id = 0;
  int64_t circle_id = 0;
  int64_t elder_id = 0;
  std::string volunteer;
  std::string body;      // empty for a photo
  std::string media_id;  // a photo's WeChat media id, else ""
  std::string pic_url;
  std::optional<int64_t> parent_id;  // the 关爱 a photo follows
  std::string status;                // pending | sent | held | rejected
  int64_t recipients = 0;
  int64_t thanks = 0;  // recipient rows with a thank-you
  int64_t created_at = 0;
  std::optional<int64_t> thanked_at;  // when the volunteer was told of the first thanks
};

// Adds elder name to circle_id (an elderly_care circle; the caller checks). Returns the id.
// AlreadyExists when the circle already has an elder of that name.
Result<int64_t> AddCareElder(Tx& tx, int64_t circle_id, const std::string& name,
                             const std::optional<std::string>& resident_openid,
                             const std::string& by, int64_t now);
Result<std::optional<CareElder>> GetCareElder(Tx& tx, int64_t id);
// Elders of one circle, by name.
Result<std::vector<CareElder>> EldersOfCircle(Tx& tx, int64_t circle_id);
// Every elder, by circle then name (the console filters by scope).
Result<std::vector<CareElder>> ListCareElders(Tx& tx);
// Elders openid is linked to in role (family | volunteer), by name.
Result<std::vector<CareElder>> EldersLinkedTo(Tx& tx, const std::string& openid,
                                              std::string_view role);

// Links openid to elder_id in role (family | volunteer); returns true when a row was added.
Result<bool> LinkCare(Tx& tx, int64_t elder_id, const std::string& openid, std::string_view role,
                      const std::string& by, int64_t now);
// Removes a link; returns true when a row was removed.
Result<bool> UnlinkCare(Tx& tx, int64_t elder_id, const std::string& openid, std::string_view role);
// The family and volunteers of an elder (family first, then by name).
Result<std::vector<CarePerson>> CarePeople(Tx& tx, int64_t elder_id);
// Active volunteers of community_id (role "volunteer"), by name: whom the console may assign.
Result<std::vector<CarePerson>> VolunteersOfCommunity(Tx& tx, int64_t community_id);
// True when openid is family of some elder.
Result<bool> IsCareFamily(Tx& tx, const std::string& openid);

// Ties circle join request request_id to elder_id (a family member asking to join).
Status SetCareRequest(Tx& tx, int64_t request_id, int64_t elder_id);
// The elder a join request names, if it names one.
Result<std::optional<int64_t>> CareRequestElder(Tx& tx, int64_t request_id);

// Records a relay in state pending (r.id, status, recipients, thanks are ignored). Returns the id.
Result<int64_t> RecordCareRelay(Tx& tx, const CareRelay& r, int64_t now);
Result<std::optional<CareRelay>> GetCareRelay(Tx& tx, int64_t id);
// volunteer's newest text relay (not a photo, not rejected) created at or after since.
Result<std::optional<CareRelay>> LatestTextRelayOf(Tx& tx, const std::string& volunteer,
                                                   int64_t since);
// Relays (text and photos) volunteer recorded at or after since: the hourly cap.
Result<int64_t> CountRelaysSince(Tx& tx, const std::string& volunteer, int64_t since);
// Photos recorded after text relay parent_id.
Result<int64_t> CountPhotosOf(Tx& tx, int64_t parent_id);
// Sets a pending relay to held or rejected, or a held one to rejected; true when it did.
Result<bool> SetCareRelayStatus(Tx& tx, int64_t id, std::string_view status);
// Marks a pending or held relay sent: one recipient row per current family member of its elder
// (the volunteer excluded), recipients counted, delivered_at stamped. Returns the recipients'
// openids, sorted; empty (and nothing changed) when the relay was not pending or held.
Result<std::vector<std::string>> MarkCareRelaySent(Tx& tx, int64_t id, int64_t now);

// The newest sent relay openid received, if any.
Result<std::optional<int64_t>> LatestRelayTo(Tx& tx, const std::string& openid);
// True when openid received relay id.
Result<bool> ReceivedRelay(Tx& tx, int64_t relay_id, const std::string& openid);
// Records openid's thanks for relay_id; true when it is the first from openid for it.
Result<bool> ThankRelay(Tx& tx, int64_t relay_id, const std::string& openid, int64_t now);
// Stamps the relay's thanked_at once; true when this call did (the volunteer is told once).
Result<bool> MarkVolunteerThanked(Tx& tx, int64_t relay_id, int64_t now);

// Relays (text and photos) and thank-yous per elder since a time: for the console.
struct CareElderCounts {
  int64_t relays = 0;
  int64_t photos = 0;
  int64_t thanks = 0;
};
Result<CareElderCounts> CountsForElder(Tx& tx, int64_t elder_id, int64_t since);
// Thank-yous a volunteer received in total.
Result<int64_t> ThanksOfVolunteer(Tx& tx, const std::string& volunteer);

// Delivered relays (text and photos) and thank-yous per circle, with the circle's unit (the
// console sums them per community).
struct CareCircleCounts {
  int64_t circle_id = 0;
  std::optional<int64_t> unit_id;
  int64_t relays = 0;
  int64_t thanks = 0;
};
Result<std::vector<CareCircleCounts>> CareCountsByCircle(Tx& tx);

}  // namespace gebi::storage
