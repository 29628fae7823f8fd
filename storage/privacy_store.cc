#include "storage/privacy_store.h"

#include <string_view>

namespace gebi::storage {

namespace {

constexpr std::string_view kForgottenText = "[已删除]";

// Rows that are the person's alone: removed. Order respects foreign keys.
constexpr std::string_view kDeletes[] = {
    "DELETE FROM inbound_ledger WHERE openid = ?1",
    "DELETE FROM conversations WHERE openid = ?1",
    "DELETE FROM volunteer_skills WHERE openid = ?1",
    "DELETE FROM volunteers WHERE openid = ?1",
    "DELETE FROM residents WHERE openid = ?1",
    "DELETE FROM ticket_likes WHERE openid = ?1",
    "DELETE FROM role_grants WHERE openid = ?1",
    "DELETE FROM circle_members WHERE openid = ?1",
    "DELETE FROM outbox WHERE recipient = ?1 AND status IN ('pending','sending','inbox','dead')",
    "DELETE FROM media WHERE openid = ?1",
    "DELETE FROM users WHERE openid = ?1",
    // Parking (v8): their plates and the photos they sent.
    "DELETE FROM car_plates WHERE openid = ?1",
    "DELETE FROM parking_media WHERE openid = ?1",
    // Elderly care (v12): their family / volunteer links.
    "DELETE FROM care_links WHERE openid = ?1",
    // Circle join requests (v10) still pending: withdrawn, no owner is asked about them.
    "DELETE FROM circle_join_requests WHERE openid = ?1 AND status = 'pending'",
};

// Rows the numbers need: the person becomes ?2 and their own words ?3.
constexpr std::string_view kAnonymise[] = {
    "UPDATE join_requests SET openid = ?2, name = ?3, building = '', room = '', phone = '' "
    "WHERE openid = ?1",
    "UPDATE tickets SET reporter = ?2, description = ?3, rating_note = '' WHERE reporter = ?1",
    "UPDATE tickets SET claimed_by = ?2 WHERE claimed_by = ?1",
    "UPDATE tickets SET done_by = ?2, done_note = '' WHERE done_by = ?1",
    "UPDATE ticket_events SET actor = ?2, note = '' WHERE actor = ?1",
    "UPDATE outbox SET recipient = ?2, payload = '{}' WHERE recipient = ?1",
    "UPDATE circles SET owner = ?2 WHERE owner = ?1",
    // Suggestions and parking (v8).
    "UPDATE suggestions SET author = ?2, content = ?3 WHERE author = ?1",
    "UPDATE suggestions SET answered_by = ?2 WHERE answered_by = ?1",
    "UPDATE parking_reports SET reporter = ?2 WHERE reporter = ?1",
    "UPDATE parking_reports SET owner = ?2 WHERE owner = ?1",
    "UPDATE parking_reporters SET openid = ?2 WHERE openid = ?1",
    "UPDATE parking_spots SET reporter = ?2 WHERE reporter = ?1",
    // Elderly care (v12): relays a volunteer wrote, relays about an elder who is the person
    // (before the elder is unlinked), relays received (thanks still count).
    "UPDATE care_relays SET volunteer = ?2, body = CASE WHEN body = '' THEN '' ELSE ?3 END, "
    "media_id = '', pic_url = '' WHERE volunteer = ?1",
    "UPDATE care_relays SET body = CASE WHEN body = '' THEN '' ELSE ?3 END, media_id = '', "
    "pic_url = '' WHERE elder_id IN (SELECT id FROM care_elders WHERE resident_openid = ?1)",
    "UPDATE care_elders SET resident_openid = NULL WHERE resident_openid = ?1",
    "UPDATE care_relay_recipients SET openid = ?2 WHERE openid = ?1",
    // Moderation (v13): a held item of theirs is never delivered any more.
    "UPDATE held_items SET sender = ?2, text = ?3, payload = '{}', "
    "status = CASE status WHEN 'held' THEN 'rejected' ELSE status END WHERE sender = ?1",
    "UPDATE held_items SET decided_by = ?2 WHERE decided_by = ?1",
    "UPDATE moderation_strikes SET openid = ?2 WHERE openid = ?1",
    "UPDATE moderation_strikes SET lifted_by = ?2 WHERE lifted_by = ?1",
    "UPDATE circle_removals SET openid = ?2, name = ?3 WHERE openid = ?1",
    "UPDATE circle_removals SET proposed_by = ?2 WHERE proposed_by = ?1",
    "UPDATE circle_removals SET confirmed_by = ?2 WHERE confirmed_by = ?1",
    "UPDATE moderation_appeals SET openid = ?2, reason = ?3 WHERE openid = ?1",
    // Circle join requests (v10) already decided: they are counted.
    "UPDATE circle_join_requests SET openid = ?2, name = ?3, reason = '' WHERE openid = ?1",
    "UPDATE circle_join_requests SET decided_by = ?2 WHERE decided_by = ?1",
};

// Photos of the tickets the person reported: their home, their door.
constexpr std::string_view kTicketMediaFiles =
    "SELECT local_path FROM ticket_media WHERE local_path IS NOT NULL AND ticket_id IN "
    "(SELECT id FROM tickets WHERE reporter = ?1)";
constexpr std::string_view kDeleteTicketMedia =
    "DELETE FROM ticket_media WHERE ticket_id IN (SELECT id FROM tickets WHERE reporter = ?1)";
constexpr std::string_view kOwnMediaFiles =
    "SELECT local_path FROM media WHERE openid = ?1 AND local_path IS NOT NULL";
constexpr std::string_view kFileStillUsed =
    "SELECT (SELECT COUNT(*) FROM media WHERE local_path = ?1) + "
    "(SELECT COUNT(*) FROM ticket_media WHERE local_path = ?1)";
constexpr std::string_view kBlankLedger =
    "UPDATE inbound_ledger SET content = '', reply = ?2 "
    "WHERE created_at < ?1 AND (content != '' OR reply != ?2)";

std::string ReadPath(const Stmt& st) { return st.Text(0); }

}  // namespace

Result<ForgetCounts> ForgetPerson(Tx& tx, const std::string& openid, const std::string& alias) {
  ForgetCounts out;
  std::vector<std::string> files;
  GEBI_ASSIGN_OR_RETURN(files, tx.QueryRows<std::string>(kTicketMediaFiles, ReadPath, openid));
  GEBI_ASSIGN_OR_RETURN(auto own, tx.QueryRows<std::string>(kOwnMediaFiles, ReadPath, openid));
  files.insert(files.end(), own.begin(), own.end());
  GEBI_RETURN_IF_ERROR(tx.Run(kDeleteTicketMedia, openid));
  out.deleted += tx.Changes();
  for (std::string_view sql : kDeletes) {
    GEBI_RETURN_IF_ERROR(tx.Run(sql, openid));
    out.deleted += tx.Changes();
  }
  for (std::string_view sql : kAnonymise) {
    GEBI_RETURN_IF_ERROR(tx.Run(sql, openid, alias, kForgottenText));
    out.anonymised += tx.Changes();
  }
  for (const std::string& f : files) {
    GEBI_ASSIGN_OR_RETURN(auto used, tx.QueryInt(kFileStillUsed, f));
    if (used.value_or(0) == 0) out.files.push_back(f);
  }
  return out;
}

Result<int64_t> BlankLedgerTextBefore(Tx& tx, int64_t before, const std::string& blank_reply) {
  GEBI_RETURN_IF_ERROR(tx.Run(kBlankLedger, before, blank_reply));
  return tx.Changes();
}

}  // namespace gebi::storage
