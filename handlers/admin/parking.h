// The console's parking page (S8), without HTTP: reports, free spots and registered plates of
// the principal's scope; confirming a plate (the owner is pushed, as with 确认车牌 in chat);
// and a community's setting that sends free spots to its car_owner circles. Every write
// leaves an audit row. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "handlers/admin/auth.h"
#include "handlers/pipeline.h"
#include "storage/clock.h"
#include "storage/database.h"
#include "storage/parking_store.h"

namespace gebi::handlers::admin {

struct ParkingPage {
  struct Report {
    storage::ParkingReport report;
    std::string community_name;
    int64_t photos = 0;
    bool owner_known = false;  // a confirmed owner was asked to move (never shown by name)
  };
  struct Spot {
    storage::ParkingSpot spot;
    std::string community_name;
    std::string reporter_name;
    bool active = false;
  };
  struct Plate {
    storage::CarPlate plate;
    std::string community_name;
    std::string grid_name;
    std::string owner_name;
  };
  struct Setting {
    int64_t community_id = 0;
    std::string community_name;
    bool spots_to_car_owners = false;
  };
  std::vector<Report> reports;
  std::vector<Spot> spots;
  std::vector<Plate> plates;
  std::vector<Setting> settings;  // the communities the principal may change
};
Result<ParkingPage> GetParkingPage(storage::Database& db, const Principal& principal, int64_t now,
                                   int limit);

// Confirms registration plate_id (pending -> confirmed) and pushes its owner. NotFound;
// PermissionDenied (another community); FailedPrecondition (already confirmed, or the plate is
// confirmed to someone else in the community).
Status ConfirmPlateFromConsole(storage::Database& db, const Clock& clock, Pipeline& pipeline,
                               const Principal& principal, int64_t plate_id);

// Turns community's "free spots to the car_owner circles" on or off. InvalidArgument
// "community_id" when it is no community; PermissionDenied for another community.
Status SetSpotSharing(storage::Database& db, const Clock& clock, const Principal& principal,
                      int64_t community_id, bool on);

}  // namespace gebi::handlers::admin
