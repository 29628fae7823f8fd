// Parking (S8): reports of badly parked cars (joined when the same plate is reported again
// soon; each reporting neighbour recorded), residents' own plates (pending until staff
// confirm), free spots that expire, photos of either, and a community's setting that sends
// free spots to its car_owner circles. Report states: open -> moved (the owner said 已挪).
// Functions take the caller's Tx; stateless, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

namespace gebi::storage {

struct ParkingReport {
  int64_t id = 0;
  int64_t community_id = 0;
  std::string plate;  // normalised: 浙C12345
  std::string location;
  std::string reporter;  // the first neighbour who reported it
  int64_t reporters = 1;
  std::string owner;   // the confirmed owner who was pushed, "" when none
  std::string status;  // open | moved
  std::optional<int64_t> moved_at;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// Inserts an open report (and its first reporter); returns its id.
Result<int64_t> CreateParkingReport(Tx& tx, const ParkingReport& r, int64_t now);
Result<std::optional<ParkingReport>> GetParkingReport(Tx& tx, int64_t id);
// The open report of plate in community created at or after since (the newest), if any.
Result<std::optional<ParkingReport>> OpenReportOfPlate(Tx& tx, int64_t community_id,
                                                       const std::string& plate, int64_t since);
// Adds openid as a reporter of report id; false (nothing changed) when already one.
Result<bool> AddParkingReporter(Tx& tx, int64_t id, const std::string& openid, int64_t now);
// Everyone who reported report id, first first.
Result<std::vector<std::string>> ParkingReporters(Tx& tx, int64_t id);
// Reports openid made (first or joined) at or after since.
Result<int64_t> CountParkingReportsSince(Tx& tx, const std::string& openid, int64_t since);
// The newest open report whose pushed owner is openid.
Result<std::optional<ParkingReport>> OpenReportOwnedBy(Tx& tx, const std::string& openid);
// open -> moved; false when it was not open.
Result<bool> MarkCarMoved(Tx& tx, int64_t id, int64_t now);
// The console's list: community (nullopt = all), newest first.
Result<std::vector<ParkingReport>> ListParkingReports(Tx& tx, std::optional<int64_t> community,
                                                      int limit);

struct CarPlate {
  int64_t id = 0;
  int64_t community_id = 0;
  int64_t grid_id = 0;
  std::string plate;
  std::string openid;
  std::string status;  // pending | confirmed
  std::string confirmed_by;
  std::optional<int64_t> confirmed_at;
  int64_t created_at = 0;
};

// Registers openid's plate (pending); false when openid already registered it.
Result<bool> RegisterPlate(Tx& tx, const CarPlate& p, int64_t now);
Result<std::optional<CarPlate>> GetPlate(Tx& tx, int64_t id);
Result<std::vector<CarPlate>> PlatesOf(Tx& tx, const std::string& openid);
// Every registration of plate (any community, any status), oldest first.
Result<std::vector<CarPlate>> RegistrationsOfPlate(Tx& tx, const std::string& plate);
// pending -> confirmed; false when it was not pending.
Result<bool> ConfirmPlate(Tx& tx, int64_t id, const std::string& by, int64_t now);
// The confirmed owner of plate in community, if any.
Result<std::optional<std::string>> ConfirmedOwner(Tx& tx, int64_t community_id,
                                                  const std::string& plate);
// The console's list: community (nullopt = all), pending first, newest first.
Result<std::vector<CarPlate>> ListPlates(Tx& tx, std::optional<int64_t> community, int limit);

struct ParkingSpot {
  int64_t id = 0;
  int64_t community_id = 0;
  std::string reporter;
  std::string location;
  int64_t created_at = 0;
  int64_t expires_at = 0;
  int64_t photos = 0;  // parking_media rows of the spot
};

Result<int64_t> CreateParkingSpot(Tx& tx, const ParkingSpot& s);
Result<int64_t> CountSpotsSince(Tx& tx, const std::string& openid, int64_t since);
// Spots of community not expired at now, newest first.
Result<std::vector<ParkingSpot>> ActiveSpots(Tx& tx, int64_t community_id, int64_t now, int limit);
// The console's list (expired too): community (nullopt = all), newest first.
Result<std::vector<ParkingSpot>> ListSpots(Tx& tx, std::optional<int64_t> community, int limit);

// What a photo openid sends now belongs to: their newest report or spot made at or after since.
struct ParkingItem {
  std::string kind;  // report | spot
  int64_t id = 0;
  int64_t created_at = 0;
};
Result<std::optional<ParkingItem>> LatestParkingItemOf(Tx& tx, const std::string& openid,
                                                       int64_t since);
// Attaches a photo to item; returns the row id.
Result<int64_t> AddParkingMedia(Tx& tx, const ParkingItem& item, const std::string& openid,
                                const std::string& media_id, const std::string& pic_url,
                                int64_t now);
// Photos of a report.
Result<int64_t> CountReportPhotos(Tx& tx, int64_t report_id);

// Whether community sends free spots to its car_owner circles (default: no).
Result<bool> SpotsToCarOwners(Tx& tx, int64_t community_id);
Status SetSpotsToCarOwners(Tx& tx, int64_t community_id, bool on, const std::string& by,
                           int64_t now);
// Members of the car_owner circles of community (circles on the community or on one of its
// grids), sorted, each once.
Result<std::vector<std::string>> CarOwnerMembers(Tx& tx, int64_t community_id);

}  // namespace gebi::storage
