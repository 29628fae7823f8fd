#include "storage/notice_store.h"

#include <nlohmann/json.hpp>

namespace gebi::storage {

namespace {

// Circle ids travel as one JSON array parameter, read with json_each: one statement whatever
// their number.
constexpr std::string_view kCountAudience =
    "SELECT COUNT(DISTINCT openid) FROM circle_members WHERE circle_id IN "
    "(SELECT value FROM json_each(?1)) AND openid <> ?2";
constexpr std::string_view kAudience =
    "SELECT DISTINCT openid FROM circle_members WHERE circle_id IN "
    "(SELECT value FROM json_each(?1)) AND openid <> ?2 ORDER BY openid";
constexpr std::string_view kInsertNotice =
    "INSERT INTO notices(community_id, author, circles, body, created_at) VALUES (?1, ?2, ?3, ?4, "
    "?5)";
constexpr std::string_view kInsertNoticeCircles =
    "INSERT OR IGNORE INTO notice_circles(notice_id, circle_id) SELECT ?1, value FROM "
    "json_each(?2)";
constexpr std::string_view kInsertRecipients =
    "INSERT OR IGNORE INTO notice_recipients(notice_id, openid) SELECT DISTINCT ?1, m.openid FROM "
    "circle_members m WHERE m.circle_id IN (SELECT circle_id FROM notice_circles WHERE "
    "notice_id = ?1) AND m.openid <> ?2";
constexpr std::string_view kSetRecipientCount =
    "UPDATE notices SET recipients = (SELECT COUNT(*) FROM notice_recipients WHERE notice_id = "
    "?1) WHERE id = ?1";
// One outbox row per recipient, the same payload for all: dedup "notice:<id>:<openid>".
constexpr std::string_view kQueuePushes =
    "INSERT OR IGNORE INTO outbox(recipient, kind, payload, dedup_key, status, attempts, "
    "next_attempt_at, created_at) SELECT openid, 'notice', ?2, 'notice:' || ?1 || ':' || openid, "
    "'pending', 0, ?3, ?3 FROM notice_recipients WHERE notice_id = ?1";
#define GEBI_NOTICE_COLUMNS                                                              \
  "n.id, n.community_id, n.author, n.circles, n.body, n.status, n.recipients, (SELECT "  \
  "COUNT(*) FROM notice_recipients r WHERE r.notice_id = n.id AND r.received_at IS NOT " \
  "NULL), n.created_at, n.reminded_at, n.withdrawn_at"
constexpr std::string_view kNoticeById =
    "SELECT " GEBI_NOTICE_COLUMNS " FROM notices n WHERE n.id = ?1";
constexpr std::string_view kNoticesAll =
    "SELECT " GEBI_NOTICE_COLUMNS " FROM notices n ORDER BY n.id DESC LIMIT ?1";
constexpr std::string_view kNoticesOf =
    "SELECT " GEBI_NOTICE_COLUMNS
    " FROM notices n WHERE n.community_id = ?1 ORDER BY n.id DESC LIMIT ?2";
#undef GEBI_NOTICE_COLUMNS
constexpr std::string_view kNoticeCircleIds =
    "SELECT circle_id FROM notice_circles WHERE notice_id = ?1 ORDER BY circle_id";
constexpr std::string_view kRecipients =
    "SELECT nr.openid, COALESCE(NULLIF(r.name, ''), (SELECT m.name FROM circle_members m WHERE "
    "m.openid = nr.openid AND m.name <> '' LIMIT 1), ''), nr.received_at FROM notice_recipients "
    "nr LEFT JOIN residents r ON r.openid = nr.openid WHERE nr.notice_id = ?1 ORDER BY "
    "nr.received_at IS NOT NULL, 2, nr.openid LIMIT ?2";
constexpr std::string_view kIsRecipient =
    "SELECT COUNT(*) FROM notice_recipients WHERE notice_id = ?1 AND openid = ?2";
constexpr std::string_view kLatestUnreceived =
    "SELECT MAX(nr.notice_id) FROM notice_recipients nr JOIN notices n ON n.id = nr.notice_id "
    "WHERE nr.openid = ?1 AND nr.received_at IS NULL AND n.status = 'sent'";
constexpr std::string_view kMarkReceived =
    "UPDATE notice_recipients SET received_at = ?3 WHERE notice_id = ?1 AND openid = ?2 AND "
    "received_at IS NULL";
constexpr std::string_view kQueueReminders =
    "INSERT OR IGNORE INTO outbox(recipient, kind, payload, dedup_key, status, attempts, "
    "next_attempt_at, created_at) SELECT openid, 'notice', ?2, 'notice:' || ?1 || ':remind:' || "
    "openid, 'pending', 0, ?3, ?3 FROM notice_recipients WHERE notice_id = ?1 AND received_at IS "
    "NULL";
constexpr std::string_view kStampReminded = "UPDATE notices SET reminded_at = ?2 WHERE id = ?1";
// The notice's pushes sit in the dedup key range ["notice:<id>:", "notice:<id>;"): ';' follows
// ':' in byte order, so the range is exactly the keys with that prefix (an index range scan).
constexpr std::string_view kTellReaders =
    "INSERT OR IGNORE INTO outbox(recipient, kind, payload, dedup_key, status, attempts, "
    "next_attempt_at, created_at, channel) SELECT DISTINCT recipient, 'notice_withdrawn', ?2, "
    "'notice:' || ?1 || ':withdrawn:' || recipient, 'inbox', 0, ?3, ?3, 'inbox' FROM outbox WHERE "
    "dedup_key >= ?4 AND dedup_key < ?5 AND kind = 'notice' AND status IN ('sent', 'sending')";
constexpr std::string_view kCancelPending =
    "DELETE FROM outbox WHERE dedup_key >= ?1 AND dedup_key < ?2 AND kind = 'notice' AND status "
    "IN ('pending', 'inbox')";
constexpr std::string_view kWithdraw =
    "UPDATE notices SET status = 'withdrawn', withdrawn_at = ?2 WHERE id = ?1 AND status = 'sent'";
constexpr std::string_view kStats =
    "SELECT n.community_id, COUNT(*), SUM(n.recipients), SUM((SELECT COUNT(*) FROM "
    "notice_recipients r WHERE r.notice_id = n.id AND r.received_at IS NOT NULL)) FROM notices "
    "n GROUP BY n.community_id ORDER BY n.community_id";

constexpr std::string_view kInsertRecruitment =
    "INSERT INTO recruitments(community_id, organiser, body, quota, circles, created_at) VALUES "
    "(?1, ?2, ?3, ?4, ?5, ?6)";
constexpr std::string_view kInsertRecruitmentCircles =
    "INSERT OR IGNORE INTO recruitment_circles(recruitment_id, circle_id) SELECT ?1, value FROM "
    "json_each(?2)";
#define GEBI_RECRUIT_COLUMNS                                                                   \
  "r.id, r.community_id, r.organiser, r.body, r.quota, r.circles, r.status, (SELECT COUNT(*) " \
  "FROM recruitment_signups s WHERE s.recruitment_id = r.id AND s.status = 'signed'), "        \
  "(SELECT COUNT(*) FROM recruitment_signups s WHERE s.recruitment_id = r.id AND s.status = "  \
  "'waiting'), r.created_at"
constexpr std::string_view kRecruitById =
    "SELECT " GEBI_RECRUIT_COLUMNS " FROM recruitments r WHERE r.id = ?1";
constexpr std::string_view kRecruitAll =
    "SELECT " GEBI_RECRUIT_COLUMNS " FROM recruitments r ORDER BY r.id DESC LIMIT ?1";
constexpr std::string_view kRecruitOf =
    "SELECT " GEBI_RECRUIT_COLUMNS
    " FROM recruitments r WHERE r.community_id = ?1 ORDER BY r.id DESC LIMIT ?2";
#undef GEBI_RECRUIT_COLUMNS
constexpr std::string_view kRecruitCircleIds =
    "SELECT circle_id FROM recruitment_circles WHERE recruitment_id = ?1 ORDER BY circle_id";
constexpr std::string_view kSignupOf =
    "SELECT id, openid, name, status FROM recruitment_signups WHERE recruitment_id = ?1 AND "
    "openid = ?2";
constexpr std::string_view kCountSigned =
    "SELECT COUNT(*) FROM recruitment_signups WHERE recruitment_id = ?1 AND status = 'signed'";
// A repeated signup after a cancel goes to the back of the line: a fresh row (new id).
constexpr std::string_view kDeleteSignup =
    "DELETE FROM recruitment_signups WHERE recruitment_id = ?1 AND openid = ?2";
constexpr std::string_view kInsertSignup =
    "INSERT INTO recruitment_signups(recruitment_id, openid, name, status, created_at, "
    "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)";
constexpr std::string_view kSetSignup =
    "UPDATE recruitment_signups SET status = ?3, updated_at = ?4 WHERE recruitment_id = ?1 AND "
    "openid = ?2";
constexpr std::string_view kFirstWaiting =
    "SELECT openid FROM recruitment_signups WHERE recruitment_id = ?1 AND status = 'waiting' "
    "ORDER BY id LIMIT 1";
constexpr std::string_view kListSignups =
    "SELECT id, openid, name, status FROM recruitment_signups WHERE recruitment_id = ?1 AND "
    "status <> 'cancelled' ORDER BY status = 'waiting', id";
constexpr std::string_view kCloseRecruit =
    "UPDATE recruitments SET status = 'closed', closed_at = ?2 WHERE id = ?1 AND status = 'open'";

std::string IdsJson(const std::vector<int64_t>& ids) { return nlohmann::json(ids).dump(); }

Notice ReadNotice(const Stmt& st) {
  Notice n;
  n.id = st.Int(0);
  if (!st.IsNull(1)) n.community_id = st.Int(1);
  n.author = st.Text(2);
  n.circles = st.Text(3);
  n.body = st.Text(4);
  n.status = st.Text(5);
  n.recipients = st.Int(6);
  n.received = st.Int(7);
  n.created_at = st.Int(8);
  if (!st.IsNull(9)) n.reminded_at = st.Int(9);
  if (!st.IsNull(10)) n.withdrawn_at = st.Int(10);
  return n;
}

Recruitment ReadRecruitment(const Stmt& st) {
  Recruitment r;
  r.id = st.Int(0);
  if (!st.IsNull(1)) r.community_id = st.Int(1);
  r.organiser = st.Text(2);
  r.body = st.Text(3);
  r.quota = st.Int(4);
  r.circles = st.Text(5);
  r.status = st.Text(6);
  r.signed_up = st.Int(7);
  r.waiting = st.Int(8);
  r.created_at = st.Int(9);
  return r;
}

Signup ReadSignup(const Stmt& st) { return Signup{st.Int(0), st.Text(1), st.Text(2), st.Text(3)}; }

int64_t ReadInt(const Stmt& st) { return st.Int(0); }

}  // namespace

Result<int64_t> CountCircleAudience(Tx& tx, const std::vector<int64_t>& circle_ids,
                                    const std::string& except) {
  GEBI_ASSIGN_OR_RETURN(auto n, tx.QueryInt(kCountAudience, IdsJson(circle_ids), except));
  return n.value_or(0);
}

Result<int64_t> CreateNotice(Tx& tx, const Notice& n, const std::vector<int64_t>& circle_ids,
                             int64_t now) {
  if (circle_ids.empty()) return Status::InvalidArgument("a notice needs at least one circle");
  GEBI_RETURN_IF_ERROR(tx.Run(kInsertNotice, n.community_id, n.author, n.circles, n.body, now));
  const int64_t id = tx.LastInsertId();
  GEBI_RETURN_IF_ERROR(tx.Run(kInsertNoticeCircles, id, IdsJson(circle_ids)));
  GEBI_RETURN_IF_ERROR(tx.Run(kInsertRecipients, id, n.author));
  GEBI_RETURN_IF_ERROR(tx.Run(kSetRecipientCount, id));
  return id;
}

Result<int64_t> QueueNoticePushes(Tx& tx, int64_t id, const std::string& payload_json,
                                  int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kQueuePushes, id, payload_json, now));
  return static_cast<int64_t>(tx.Changes());
}

Result<std::vector<std::string>> CircleAudience(Tx& tx, const std::vector<int64_t>& circle_ids,
                                                const std::string& except) {
  return tx.QueryRows<std::string>(
      kAudience, [](const Stmt& st) { return st.Text(0); }, IdsJson(circle_ids), except);
}

Result<std::optional<Notice>> GetNotice(Tx& tx, int64_t id) {
  return tx.QueryFirstRow<Notice>(kNoticeById, ReadNotice, id);
}

Result<std::vector<int64_t>> NoticeCircleIds(Tx& tx, int64_t id) {
  return tx.QueryRows<int64_t>(kNoticeCircleIds, ReadInt, id);
}

Result<std::vector<Notice>> ListNotices(Tx& tx, std::optional<int64_t> community_id, int limit) {
  if (community_id) return tx.QueryRows<Notice>(kNoticesOf, ReadNotice, *community_id, limit);
  return tx.QueryRows<Notice>(kNoticesAll, ReadNotice, limit);
}

Result<std::vector<NoticeRecipient>> NoticeRecipients(Tx& tx, int64_t id, int limit) {
  auto read = [](const Stmt& st) {
    NoticeRecipient r{st.Text(0), st.Text(1), std::nullopt};
    if (!st.IsNull(2)) r.received_at = st.Int(2);
    return r;
  };
  return tx.QueryRows<NoticeRecipient>(kRecipients, read, id, limit);
}

Result<bool> IsNoticeRecipient(Tx& tx, int64_t id, const std::string& openid) {
  GEBI_ASSIGN_OR_RETURN(auto n, tx.QueryInt(kIsRecipient, id, openid));
  return n.value_or(0) > 0;
}

Result<std::optional<int64_t>> LatestUnreceived(Tx& tx, const std::string& openid) {
  return tx.QueryInt(kLatestUnreceived, openid);
}

Result<bool> MarkReceived(Tx& tx, int64_t id, const std::string& openid, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kMarkReceived, id, openid, now));
  return tx.Changes() > 0;
}

Result<int64_t> QueueReminders(Tx& tx, int64_t id, const std::string& payload_json, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kQueueReminders, id, payload_json, now));
  const int64_t queued = tx.Changes();
  GEBI_RETURN_IF_ERROR(tx.Run(kStampReminded, id, now));
  return queued;
}

Result<WithdrawCounts> WithdrawNotice(Tx& tx, int64_t id, const std::string& told_payload_json,
                                      int64_t now) {
  const std::string from = "notice:" + std::to_string(id) + ":";
  const std::string to = "notice:" + std::to_string(id) + ";";
  WithdrawCounts c;
  GEBI_RETURN_IF_ERROR(tx.Run(kTellReaders, id, told_payload_json, now, from, to));
  c.told = tx.Changes();
  GEBI_RETURN_IF_ERROR(tx.Run(kCancelPending, from, to));
  c.cancelled = tx.Changes();
  GEBI_RETURN_IF_ERROR(tx.Run(kWithdraw, id, now));
  return c;
}

Result<std::vector<NoticeStats>> NoticeStatsByCommunity(Tx& tx) {
  auto read = [](const Stmt& st) {
    NoticeStats s;
    if (!st.IsNull(0)) s.community_id = st.Int(0);
    s.notices = st.Int(1);
    s.recipients = st.Int(2);
    s.received = st.Int(3);
    return s;
  };
  return tx.QueryRows<NoticeStats>(kStats, read);
}

Result<int64_t> CreateRecruitment(Tx& tx, const Recruitment& r,
                                  const std::vector<int64_t>& circle_ids, int64_t now) {
  GEBI_RETURN_IF_ERROR(
      tx.Run(kInsertRecruitment, r.community_id, r.organiser, r.body, r.quota, r.circles, now));
  const int64_t id = tx.LastInsertId();
  if (!circle_ids.empty()) {
    GEBI_RETURN_IF_ERROR(tx.Run(kInsertRecruitmentCircles, id, IdsJson(circle_ids)));
  }
  return id;
}

Result<std::optional<Recruitment>> GetRecruitment(Tx& tx, int64_t id) {
  return tx.QueryFirstRow<Recruitment>(kRecruitById, ReadRecruitment, id);
}

Result<std::vector<int64_t>> RecruitmentCircleIds(Tx& tx, int64_t id) {
  return tx.QueryRows<int64_t>(kRecruitCircleIds, ReadInt, id);
}

Result<std::vector<Recruitment>> ListRecruitments(Tx& tx, std::optional<int64_t> community_id,
                                                  int limit) {
  if (community_id) {
    return tx.QueryRows<Recruitment>(kRecruitOf, ReadRecruitment, *community_id, limit);
  }
  return tx.QueryRows<Recruitment>(kRecruitAll, ReadRecruitment, limit);
}

Result<std::optional<Signup>> GetSignup(Tx& tx, int64_t id, const std::string& openid) {
  return tx.QueryFirstRow<Signup>(kSignupOf, ReadSignup, id, openid);
}

Result<std::string> SignUp(Tx& tx, int64_t id, const std::string& openid, const std::string& name,
                           int64_t quota, int64_t now) {
  GEBI_ASSIGN_OR_RETURN(auto taken, tx.QueryInt(kCountSigned, id));
  const std::string status = taken.value_or(0) < quota ? "signed" : "waiting";
  GEBI_RETURN_IF_ERROR(tx.Run(kDeleteSignup, id, openid));
  GEBI_RETURN_IF_ERROR(tx.Run(kInsertSignup, id, openid, name, status, now));
  return status;
}

Result<std::optional<std::string>> CancelSignup(Tx& tx, int64_t id, const std::string& openid,
                                                int64_t now) {
  GEBI_ASSIGN_OR_RETURN(auto s, GetSignup(tx, id, openid));
  if (!s || s->status == "cancelled") return Status::NotFound(openid + " has not signed up");
  GEBI_RETURN_IF_ERROR(tx.Run(kSetSignup, id, openid, "cancelled", now));
  if (s->status != "signed") return std::optional<std::string>();
  GEBI_ASSIGN_OR_RETURN(auto next, tx.QueryText(kFirstWaiting, id));
  if (!next) return std::optional<std::string>();
  GEBI_RETURN_IF_ERROR(tx.Run(kSetSignup, id, *next, "signed", now));
  return next;
}

Result<std::vector<Signup>> ListSignups(Tx& tx, int64_t id) {
  return tx.QueryRows<Signup>(kListSignups, ReadSignup, id);
}

Result<bool> CloseRecruitment(Tx& tx, int64_t id, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kCloseRecruit, id, now));
  return tx.Changes() > 0;
}

}  // namespace gebi::storage
