#include "storage/parking_store.h"

namespace gebi::storage {

namespace {

constexpr std::string_view kInsertReport =
    "INSERT INTO parking_reports(community_id, plate, location, reporter, owner, created_at, "
    "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)";
constexpr std::string_view kInsertReporter =
    "INSERT OR IGNORE INTO parking_reporters(report_id, openid, created_at) VALUES (?1, ?2, ?3)";
constexpr std::string_view kBumpReporters =
    "UPDATE parking_reports SET reporters = reporters + 1, updated_at = ?2 WHERE id = ?1";
#define GEBI_REPORT_COLUMNS                                                        \
  "SELECT id, community_id, plate, location, reporter, reporters, owner, status, " \
  "moved_at, created_at, updated_at FROM parking_reports "
constexpr std::string_view kReportById = GEBI_REPORT_COLUMNS "WHERE id = ?1";
constexpr std::string_view kOpenOfPlate = GEBI_REPORT_COLUMNS
    "WHERE community_id = ?1 AND plate = ?2 AND status = 'open' AND created_at >= ?3 "
    "ORDER BY id DESC LIMIT 1";
constexpr std::string_view kOpenOwnedBy =
    GEBI_REPORT_COLUMNS "WHERE owner = ?1 AND status = 'open' ORDER BY id DESC LIMIT 1";
constexpr std::string_view kListReports =
    GEBI_REPORT_COLUMNS "WHERE (?1 IS NULL OR community_id = ?1) ORDER BY id DESC LIMIT ?2";
#undef GEBI_REPORT_COLUMNS
constexpr std::string_view kReporters =
    "SELECT openid FROM parking_reporters WHERE report_id = ?1 ORDER BY created_at, openid";
constexpr std::string_view kCountReportsSince =
    "SELECT COUNT(*) FROM parking_reporters WHERE openid = ?1 AND created_at >= ?2";
constexpr std::string_view kMarkMoved =
    "UPDATE parking_reports SET status = 'moved', moved_at = ?2, updated_at = ?2 "
    "WHERE id = ?1 AND status = 'open'";

constexpr std::string_view kInsertPlate =
    "INSERT OR IGNORE INTO car_plates(community_id, grid_id, plate, openid, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
#define GEBI_PLATE_COLUMNS                                                                \
  "SELECT id, community_id, grid_id, plate, openid, status, confirmed_by, confirmed_at, " \
  "created_at FROM car_plates "
constexpr std::string_view kPlateById = GEBI_PLATE_COLUMNS "WHERE id = ?1";
constexpr std::string_view kPlatesOf = GEBI_PLATE_COLUMNS "WHERE openid = ?1 ORDER BY id";
constexpr std::string_view kRegistrations = GEBI_PLATE_COLUMNS "WHERE plate = ?1 ORDER BY id";
constexpr std::string_view kListPlates = GEBI_PLATE_COLUMNS
    "WHERE (?1 IS NULL OR community_id = ?1) ORDER BY status = 'confirmed', id DESC LIMIT ?2";
#undef GEBI_PLATE_COLUMNS
constexpr std::string_view kConfirmPlate =
    "UPDATE car_plates SET status = 'confirmed', confirmed_by = ?2, confirmed_at = ?3 "
    "WHERE id = ?1 AND status = 'pending'";
constexpr std::string_view kConfirmedOwner =
    "SELECT openid FROM car_plates WHERE community_id = ?1 AND plate = ?2 AND "
    "status = 'confirmed' ORDER BY confirmed_at, id LIMIT 1";

constexpr std::string_view kInsertSpot =
    "INSERT INTO parking_spots(community_id, reporter, location, created_at, expires_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
#define GEBI_SPOT_COLUMNS                                                             \
  "SELECT s.id, s.community_id, s.reporter, s.location, s.created_at, s.expires_at, " \
  "(SELECT COUNT(*) FROM parking_media m WHERE m.spot_id = s.id) FROM parking_spots s "
constexpr std::string_view kActiveSpots = GEBI_SPOT_COLUMNS
    "WHERE s.community_id = ?1 AND s.expires_at > ?2 ORDER BY s.created_at DESC, s.id DESC "
    "LIMIT ?3";
constexpr std::string_view kListSpots =
    GEBI_SPOT_COLUMNS "WHERE (?1 IS NULL OR s.community_id = ?1) ORDER BY s.id DESC LIMIT ?2";
#undef GEBI_SPOT_COLUMNS
constexpr std::string_view kCountSpotsSince =
    "SELECT COUNT(*) FROM parking_spots WHERE reporter = ?1 AND created_at >= ?2";

constexpr std::string_view kLatestItem =
    "SELECT kind, id, created_at FROM ("
    "  SELECT 'report' AS kind, report_id AS id, created_at FROM parking_reporters "
    "  WHERE openid = ?1 AND created_at >= ?2 "
    "  UNION ALL SELECT 'spot', id, created_at FROM parking_spots "
    "  WHERE reporter = ?1 AND created_at >= ?2) "
    "ORDER BY created_at DESC, kind = 'report' LIMIT 1";
constexpr std::string_view kInsertMedia =
    "INSERT INTO parking_media(report_id, spot_id, openid, media_id, pic_url, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr std::string_view kCountReportPhotos =
    "SELECT COUNT(*) FROM parking_media WHERE report_id = ?1";

constexpr std::string_view kGetSetting =
    "SELECT spots_to_car_owners FROM parking_settings WHERE community_id = ?1";
constexpr std::string_view kPutSetting =
    "INSERT INTO parking_settings(community_id, spots_to_car_owners, updated_by, updated_at) "
    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(community_id) DO UPDATE SET "
    "spots_to_car_owners = excluded.spots_to_car_owners, updated_by = excluded.updated_by, "
    "updated_at = excluded.updated_at";
constexpr std::string_view kCarOwners =
    "SELECT DISTINCT m.openid FROM circle_members m JOIN circles c ON c.id = m.circle_id "
    "WHERE c.kind = 'car_owner' AND (c.unit_id = ?1 OR c.unit_id IN "
    "(SELECT id FROM org_units WHERE parent_id = ?1)) ORDER BY m.openid";

ParkingReport ReadReport(const Stmt& st) {
  ParkingReport r;
  r.id = st.Int(0);
  r.community_id = st.Int(1);
  r.plate = st.Text(2);
  r.location = st.Text(3);
  r.reporter = st.Text(4);
  r.reporters = st.Int(5);
  r.owner = st.Text(6);
  r.status = st.Text(7);
  if (!st.IsNull(8)) r.moved_at = st.Int(8);
  r.created_at = st.Int(9);
  r.updated_at = st.Int(10);
  return r;
}

CarPlate ReadPlate(const Stmt& st) {
  CarPlate p;
  p.id = st.Int(0);
  p.community_id = st.Int(1);
  p.grid_id = st.Int(2);
  p.plate = st.Text(3);
  p.openid = st.Text(4);
  p.status = st.Text(5);
  p.confirmed_by = st.Text(6);
  if (!st.IsNull(7)) p.confirmed_at = st.Int(7);
  p.created_at = st.Int(8);
  return p;
}

ParkingSpot ReadSpot(const Stmt& st) {
  return ParkingSpot{st.Int(0), st.Int(1), st.Text(2), st.Text(3), st.Int(4), st.Int(5), st.Int(6)};
}

std::string ReadText(const Stmt& st) { return st.Text(0); }

}  // namespace

Result<int64_t> CreateParkingReport(Tx& tx, const ParkingReport& r, int64_t now) {
  GEBI_RETURN_IF_ERROR(
      tx.Run(kInsertReport, r.community_id, r.plate, r.location, r.reporter, r.owner, now));
  const int64_t id = tx.LastInsertId();
  GEBI_RETURN_IF_ERROR(tx.Run(kInsertReporter, id, r.reporter, now));
  return id;
}

Result<std::optional<ParkingReport>> GetParkingReport(Tx& tx, int64_t id) {
  return tx.QueryFirstRow<ParkingReport>(kReportById, ReadReport, id);
}

Result<std::optional<ParkingReport>> OpenReportOfPlate(Tx& tx, int64_t community_id,
                                                       const std::string& plate, int64_t since) {
  return tx.QueryFirstRow<ParkingReport>(kOpenOfPlate, ReadReport, community_id, plate, since);
}

Result<bool> AddParkingReporter(Tx& tx, int64_t id, const std::string& openid, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kInsertReporter, id, openid, now));
  if (tx.Changes() == 0) return false;
  GEBI_RETURN_IF_ERROR(tx.Run(kBumpReporters, id, now));
  return true;
}

Result<std::vector<std::string>> ParkingReporters(Tx& tx, int64_t id) {
  return tx.QueryRows<std::string>(kReporters, ReadText, id);
}

Result<int64_t> CountParkingReportsSince(Tx& tx, const std::string& openid, int64_t since) {
  GEBI_ASSIGN_OR_RETURN(auto n, tx.QueryInt(kCountReportsSince, openid, since));
  return n.value_or(0);
}

Result<std::optional<ParkingReport>> OpenReportOwnedBy(Tx& tx, const std::string& openid) {
  return tx.QueryFirstRow<ParkingReport>(kOpenOwnedBy, ReadReport, openid);
}

Result<bool> MarkCarMoved(Tx& tx, int64_t id, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kMarkMoved, id, now));
  return tx.Changes() > 0;
}

Result<std::vector<ParkingReport>> ListParkingReports(Tx& tx, std::optional<int64_t> community,
                                                      int limit) {
  return tx.QueryRows<ParkingReport>(kListReports, ReadReport, community, limit);
}

Result<bool> RegisterPlate(Tx& tx, const CarPlate& p, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kInsertPlate, p.community_id, p.grid_id, p.plate, p.openid, now));
  return tx.Changes() > 0;
}

Result<std::optional<CarPlate>> GetPlate(Tx& tx, int64_t id) {
  return tx.QueryFirstRow<CarPlate>(kPlateById, ReadPlate, id);
}

Result<std::vector<CarPlate>> PlatesOf(Tx& tx, const std::string& openid) {
  return tx.QueryRows<CarPlate>(kPlatesOf, ReadPlate, openid);
}

Result<std::vector<CarPlate>> RegistrationsOfPlate(Tx& tx, const std::string& plate) {
  return tx.QueryRows<CarPlate>(kRegistrations, ReadPlate, plate);
}

Result<bool> ConfirmPlate(Tx& tx, int64_t id, const std::string& by, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kConfirmPlate, id, by, now));
  return tx.Changes() > 0;
}

Result<std::optional<std::string>> ConfirmedOwner(Tx& tx, int64_t community_id,
                                                  const std::string& plate) {
  return tx.QueryText(kConfirmedOwner, community_id, plate);
}

Result<std::vector<CarPlate>> ListPlates(Tx& tx, std::optional<int64_t> community, int limit) {
  return tx.QueryRows<CarPlate>(kListPlates, ReadPlate, community, limit);
}

Result<int64_t> CreateParkingSpot(Tx& tx, const ParkingSpot& s) {
  GEBI_RETURN_IF_ERROR(
      tx.Run(kInsertSpot, s.community_id, s.reporter, s.location, s.created_at, s.expires_at));
  return tx.LastInsertId();
}

Result<int64_t> CountSpotsSince(Tx& tx, const std::string& openid, int64_t since) {
  GEBI_ASSIGN_OR_RETURN(auto n, tx.QueryInt(kCountSpotsSince, openid, since));
  return n.value_or(0);
}

Result<std::vector<ParkingSpot>> ActiveSpots(Tx& tx, int64_t community_id, int64_t now, int limit) {
  return tx.QueryRows<ParkingSpot>(kActiveSpots, ReadSpot, community_id, now, limit);
}

Result<std::vector<ParkingSpot>> ListSpots(Tx& tx, std::optional<int64_t> community, int limit) {
  return tx.QueryRows<ParkingSpot>(kListSpots, ReadSpot, community, limit);
}

Result<std::optional<ParkingItem>> LatestParkingItemOf(Tx& tx, const std::string& openid,
                                                       int64_t since) {
  return tx.QueryFirstRow<ParkingItem>(
      kLatestItem,
      [](const Stmt& st) {
        return ParkingItem{st.Text(0), st.Int(1), st.Int(2)};
      },
      openid, since);
}

Result<int64_t> AddParkingMedia(Tx& tx, const ParkingItem& item, const std::string& openid,
                                const std::string& media_id, const std::string& pic_url,
                                int64_t now) {
  std::optional<int64_t> report, spot;
  (item.kind == "report" ? report : spot) = item.id;
  GEBI_RETURN_IF_ERROR(tx.Run(kInsertMedia, report, spot, openid, media_id, pic_url, now));
  return tx.LastInsertId();
}

Result<int64_t> CountReportPhotos(Tx& tx, int64_t report_id) {
  GEBI_ASSIGN_OR_RETURN(auto n, tx.QueryInt(kCountReportPhotos, report_id));
  return n.value_or(0);
}

Result<bool> SpotsToCarOwners(Tx& tx, int64_t community_id) {
  GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryInt(kGetSetting, community_id));
  return v.value_or(0) != 0;
}

Status SetSpotsToCarOwners(Tx& tx, int64_t community_id, bool on, const std::string& by,
                           int64_t now) {
  return tx.Run(kPutSetting, community_id, on ? 1 : 0, by, now);
}

Result<std::vector<std::string>> CarOwnerMembers(Tx& tx, int64_t community_id) {
  return tx.QueryRows<std::string>(kCarOwners, ReadText, community_id);
}

}  // namespace gebi::storage
