#include "storage/care_store.h"

namespace gebi::storage {

namespace {

constexpr std::string_view kInsertElder =
    "INSERT INTO care_elders(circle_id, name, resident_openid, added_by, created_at) VALUES (?1, "
    "?2, ?3, ?4, ?5)";
#define GEBI_ELDER_COLUMNS                                                                    \
  "e.id, e.circle_id, e.name, e.resident_openid, c.name, (SELECT COUNT(*) FROM care_links l " \
  "WHERE l.elder_id = e.id AND l.role = 'family'), (SELECT COUNT(*) FROM care_links l WHERE " \
  "l.elder_id = e.id AND l.role = 'volunteer')"
constexpr std::string_view kElderById = "SELECT " GEBI_ELDER_COLUMNS
                                        " FROM care_elders e JOIN circles c ON c.id = e.circle_id "
                                        "WHERE e.id = ?1";
constexpr std::string_view kEldersOfCircle =
    "SELECT " GEBI_ELDER_COLUMNS
    " FROM care_elders e JOIN circles c ON c.id = e.circle_id "
    "WHERE e.circle_id = ?1 ORDER BY e.name, e.id";
constexpr std::string_view kAllElders = "SELECT " GEBI_ELDER_COLUMNS
                                        " FROM care_elders e JOIN circles c ON c.id = e.circle_id "
                                        "ORDER BY e.circle_id, e.name, e.id";
constexpr std::string_view kEldersLinked =
    "SELECT " GEBI_ELDER_COLUMNS
    " FROM care_elders e JOIN circles c ON c.id = e.circle_id "
    "JOIN care_links k ON k.elder_id = e.id WHERE k.openid = ?1 AND k.role = ?2 "
    "ORDER BY e.name, e.id";
#undef GEBI_ELDER_COLUMNS
constexpr std::string_view kLink =
    "INSERT OR IGNORE INTO care_links(elder_id, openid, role, added_by, created_at) VALUES (?1, "
    "?2, ?3, ?4, ?5)";
constexpr std::string_view kUnlink =
    "DELETE FROM care_links WHERE elder_id = ?1 AND openid = ?2 AND role = ?3";
constexpr std::string_view kPeople =
    "SELECT k.openid, COALESCE(NULLIF(r.name, ''), NULLIF(m.name, ''), (SELECT m2.name FROM "
    "circle_members m2 WHERE m2.openid = k.openid AND m2.name <> '' LIMIT 1), ''), k.role FROM "
    "care_links k JOIN care_elders e ON e.id = k.elder_id LEFT JOIN residents r ON r.openid = "
    "k.openid LEFT JOIN circle_members m ON m.circle_id = e.circle_id AND m.openid = k.openid "
    "WHERE k.elder_id = ?1 ORDER BY k.role = 'volunteer', 2, k.openid";
constexpr std::string_view kVolunteersOf =
    "SELECT v.openid, COALESCE(r.name, ''), 'volunteer' FROM volunteers v LEFT JOIN residents r "
    "ON r.openid = v.openid WHERE v.community_id = ?1 AND v.active = 1 ORDER BY 2, v.openid";
constexpr std::string_view kIsFamily =
    "SELECT EXISTS (SELECT 1 FROM care_links WHERE openid = ?1 AND role = 'family')";
constexpr std::string_view kSetRequest =
    "INSERT OR REPLACE INTO care_requests(request_id, elder_id) VALUES (?1, ?2)";
constexpr std::string_view kRequestElder =
    "SELECT elder_id FROM care_requests WHERE request_id = ?1";

constexpr std::string_view kInsertRelay =
    "INSERT INTO care_relays(circle_id, elder_id, volunteer, body, media_id, pic_url, parent_id, "
    "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
#define GEBI_RELAY_COLUMNS                                                                    \
  "r.id, r.circle_id, r.elder_id, r.volunteer, r.body, r.media_id, r.pic_url, r.parent_id, "  \
  "r.status, r.recipients, (SELECT COUNT(*) FROM care_relay_recipients x WHERE x.relay_id = " \
  "r.id AND x.thanked_at IS NOT NULL), r.created_at, r.thanked_at"
constexpr std::string_view kRelayById =
    "SELECT " GEBI_RELAY_COLUMNS " FROM care_relays r WHERE r.id = ?1";
constexpr std::string_view kLatestText =
    "SELECT " GEBI_RELAY_COLUMNS
    " FROM care_relays r WHERE r.volunteer = ?1 AND r.parent_id IS NULL AND r.status <> "
    "'rejected' AND r.created_at >= ?2 ORDER BY r.created_at DESC, r.id DESC LIMIT 1";
#undef GEBI_RELAY_COLUMNS
constexpr std::string_view kCountSince =
    "SELECT COUNT(*) FROM care_relays WHERE volunteer = ?1 AND created_at >= ?2";
constexpr std::string_view kCountPhotos = "SELECT COUNT(*) FROM care_relays WHERE parent_id = ?1";
constexpr std::string_view kSetStatus =
    "UPDATE care_relays SET status = ?2 WHERE id = ?1 AND (status = 'pending' OR (status = "
    "'held' AND ?2 = 'rejected'))";
constexpr std::string_view kDeliverable =
    "SELECT COUNT(*) FROM care_relays WHERE id = ?1 AND status IN ('pending', 'held')";
// The family at delivery time; a volunteer who is also family does not get their own relay.
constexpr std::string_view kInsertRecipients =
    "INSERT OR IGNORE INTO care_relay_recipients(relay_id, openid) SELECT r.id, k.openid FROM "
    "care_relays r JOIN care_links k ON k.elder_id = r.elder_id AND k.role = 'family' WHERE "
    "r.id = ?1 AND k.openid <> r.volunteer";
constexpr std::string_view kMarkSent =
    "UPDATE care_relays SET status = 'sent', delivered_at = ?2, recipients = (SELECT COUNT(*) "
    "FROM care_relay_recipients WHERE relay_id = ?1) WHERE id = ?1";
constexpr std::string_view kRecipients =
    "SELECT openid FROM care_relay_recipients WHERE relay_id = ?1 ORDER BY openid";
constexpr std::string_view kLatestTo =
    "SELECT MAX(x.relay_id) FROM care_relay_recipients x JOIN care_relays r ON r.id = "
    "x.relay_id WHERE x.openid = ?1 AND r.status = 'sent'";
constexpr std::string_view kReceived =
    "SELECT COUNT(*) FROM care_relay_recipients x JOIN care_relays r ON r.id = x.relay_id "
    "WHERE x.relay_id = ?1 AND x.openid = ?2 AND r.status = 'sent'";
constexpr std::string_view kThank =
    "UPDATE care_relay_recipients SET thanked_at = ?3 WHERE relay_id = ?1 AND openid = ?2 AND "
    "thanked_at IS NULL";
constexpr std::string_view kMarkThanked =
    "UPDATE care_relays SET thanked_at = ?2 WHERE id = ?1 AND thanked_at IS NULL";
constexpr std::string_view kCountsForElder =
    "SELECT COALESCE(SUM(r.parent_id IS NULL), 0), COALESCE(SUM(r.parent_id IS NOT NULL), 0), "
    "COALESCE(SUM((SELECT COUNT(*) FROM care_relay_recipients x WHERE x.relay_id = r.id AND "
    "x.thanked_at IS NOT NULL)), 0) FROM care_relays r WHERE r.elder_id = ?1 AND r.status = "
    "'sent' AND r.created_at >= ?2";
constexpr std::string_view kThanksOfVolunteer =
    "SELECT COUNT(*) FROM care_relay_recipients x JOIN care_relays r ON r.id = x.relay_id WHERE "
    "r.volunteer = ?1 AND x.thanked_at IS NOT NULL";
constexpr std::string_view kCountsByCircle =
    "SELECT c.id, c.unit_id, (SELECT COUNT(*) FROM care_relays r WHERE r.circle_id = c.id AND "
    "r.status = 'sent'), (SELECT COUNT(*) FROM care_relay_recipients x JOIN care_relays r ON "
    "r.id = x.relay_id WHERE r.circle_id = c.id AND x.thanked_at IS NOT NULL) FROM circles c "
    "WHERE c.kind = 'elderly_care' ORDER BY c.id";

CareElder ReadElder(const Stmt& st) {
  CareElder e;
  e.id = st.Int(0);
  e.circle_id = st.Int(1);
  e.name = st.Text(2);
  if (!st.IsNull(3)) e.resident_openid = st.Text(3);
  e.circle_name = st.Text(4);
  e.family = st.Int(5);
  e.volunteers = st.Int(6);
  return e;
}

CareRelay ReadRelay(const Stmt& st) {
  CareRelay r;
  r.id = st.Int(0);
  r.circle_id = st.Int(1);
  r.elder_id = st.Int(2);
  r.volunteer = st.Text(3);
  r.body = st.Text(4);
  r.media_id = st.Text(5);
  r.pic_url = st.Text(6);
  if (!st.IsNull(7)) r.parent_id = st.Int(7);
  r.status = st.Text(8);
  r.recipients = st.Int(9);
  r.thanks = st.Int(10);
  r.created_at = st.Int(11);
  if (!st.IsNull(12)) r.thanked_at = st.Int(12);
  return r;
}

bool IsLinkRole(std::string_view role) { return role == "family" || role == "volunteer"; }

}  // namespace

Result<int64_t> AddCareElder(Tx& tx, int64_t circle_id, const std::string& name,
                             const std::optional<std::string>& resident_openid,
                             const std::string& by, int64_t now) {
  Status s = tx.Run(kInsertElder, circle_id, name, resident_openid, by, now);
  if (s.code() == Status::Code::kAlreadyExists) {
    return Status::AlreadyExists("circle " + std::to_string(circle_id) + " already has " + name);
  }
  GEBI_RETURN_IF_ERROR(s);
  return tx.LastInsertId();
}

Result<std::optional<CareElder>> GetCareElder(Tx& tx, int64_t id) {
  return tx.QueryFirstRow<CareElder>(kElderById, ReadElder, id);
}

Result<std::vector<CareElder>> EldersOfCircle(Tx& tx, int64_t circle_id) {
  return tx.QueryRows<CareElder>(kEldersOfCircle, ReadElder, circle_id);
}

Result<std::vector<CareElder>> ListCareElders(Tx& tx) {
  return tx.QueryRows<CareElder>(kAllElders, ReadElder);
}

Result<std::vector<CareElder>> EldersLinkedTo(Tx& tx, const std::string& openid,
                                              std::string_view role) {
  return tx.QueryRows<CareElder>(kEldersLinked, ReadElder, openid, role);
}

Result<bool> LinkCare(Tx& tx, int64_t elder_id, const std::string& openid, std::string_view role,
                      const std::string& by, int64_t now) {
  if (!IsLinkRole(role)) return Status::InvalidArgument("care role " + std::string(role));
  GEBI_RETURN_IF_ERROR(tx.Run(kLink, elder_id, openid, role, by, now));
  return tx.Changes() > 0;
}

Result<bool> UnlinkCare(Tx& tx, int64_t elder_id, const std::string& openid,
                        std::string_view role) {
  GEBI_RETURN_IF_ERROR(tx.Run(kUnlink, elder_id, openid, role));
  return tx.Changes() > 0;
}

Result<std::vector<CarePerson>> CarePeople(Tx& tx, int64_t elder_id) {
  auto read = [](const Stmt& st) { return CarePerson{st.Text(0), st.Text(1), st.Text(2)}; };
  return tx.QueryRows<CarePerson>(kPeople, read, elder_id);
}

Result<std::vector<CarePerson>> VolunteersOfCommunity(Tx& tx, int64_t community_id) {
  auto read = [](const Stmt& st) { return CarePerson{st.Text(0), st.Text(1), st.Text(2)}; };
  return tx.QueryRows<CarePerson>(kVolunteersOf, read, community_id);
}

Result<bool> IsCareFamily(Tx& tx, const std::string& openid) {
  GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryInt(kIsFamily, openid));
  return v.value_or(0) != 0;
}

Status SetCareRequest(Tx& tx, int64_t request_id, int64_t elder_id) {
  return tx.Run(kSetRequest, request_id, elder_id);
}

Result<std::optional<int64_t>> CareRequestElder(Tx& tx, int64_t request_id) {
  return tx.QueryInt(kRequestElder, request_id);
}

Result<int64_t> RecordCareRelay(Tx& tx, const CareRelay& r, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kInsertRelay, r.circle_id, r.elder_id, r.volunteer, r.body,
                              r.media_id, r.pic_url, r.parent_id, now));
  return tx.LastInsertId();
}

Result<std::optional<CareRelay>> GetCareRelay(Tx& tx, int64_t id) {
  return tx.QueryFirstRow<CareRelay>(kRelayById, ReadRelay, id);
}

Result<std::optional<CareRelay>> LatestTextRelayOf(Tx& tx, const std::string& volunteer,
                                                   int64_t since) {
  return tx.QueryFirstRow<CareRelay>(kLatestText, ReadRelay, volunteer, since);
}

Result<int64_t> CountRelaysSince(Tx& tx, const std::string& volunteer, int64_t since) {
  GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryInt(kCountSince, volunteer, since));
  return v.value_or(0);
}

Result<int64_t> CountPhotosOf(Tx& tx, int64_t parent_id) {
  GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryInt(kCountPhotos, parent_id));
  return v.value_or(0);
}

Result<bool> SetCareRelayStatus(Tx& tx, int64_t id, std::string_view status) {
  if (status != "held" && status != "rejected") {
    return Status::InvalidArgument("relay status " + std::string(status));
  }
  GEBI_RETURN_IF_ERROR(tx.Run(kSetStatus, id, status));
  return tx.Changes() > 0;
}

Result<std::vector<std::string>> MarkCareRelaySent(Tx& tx, int64_t id, int64_t now) {
  GEBI_ASSIGN_OR_RETURN(auto deliverable, tx.QueryInt(kDeliverable, id));
  if (deliverable.value_or(0) == 0) return std::vector<std::string>();
  GEBI_RETURN_IF_ERROR(tx.Run(kInsertRecipients, id));
  GEBI_RETURN_IF_ERROR(tx.Run(kMarkSent, id, now));
  return tx.QueryRows<std::string>(
      kRecipients, [](const Stmt& st) { return st.Text(0); }, id);
}

Result<std::optional<int64_t>> LatestRelayTo(Tx& tx, const std::string& openid) {
  return tx.QueryInt(kLatestTo, openid);
}

Result<bool> ReceivedRelay(Tx& tx, int64_t relay_id, const std::string& openid) {
  GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryInt(kReceived, relay_id, openid));
  return v.value_or(0) != 0;
}

Result<bool> ThankRelay(Tx& tx, int64_t relay_id, const std::string& openid, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kThank, relay_id, openid, now));
  return tx.Changes() > 0;
}

Result<bool> MarkVolunteerThanked(Tx& tx, int64_t relay_id, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kMarkThanked, relay_id, now));
  return tx.Changes() > 0;
}

Result<CareElderCounts> CountsForElder(Tx& tx, int64_t elder_id, int64_t since) {
  auto read = [](const Stmt& st) { return CareElderCounts{st.Int(0), st.Int(1), st.Int(2)}; };
  GEBI_ASSIGN_OR_RETURN(auto row,
                        tx.QueryFirstRow<CareElderCounts>(kCountsForElder, read, elder_id, since));
  return row.value_or(CareElderCounts{});
}

Result<int64_t> ThanksOfVolunteer(Tx& tx, const std::string& volunteer) {
  GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryInt(kThanksOfVolunteer, volunteer));
  return v.value_or(0);
}

Result<std::vector<CareCircleCounts>> CareCountsByCircle(Tx& tx) {
  auto read = [](const Stmt& st) {
    CareCircleCounts c;
    c.circle_id = st.Int(0);
    if (!st.IsNull(1)) c.unit_id = st.Int(1);
    c.relays = st.Int(2);
    c.thanks = st.Int(3);
    return c;
  };
  return tx.QueryRows<CareCircleCounts>(kCountsByCircle, read);
}

}  // namespace gebi::storage
