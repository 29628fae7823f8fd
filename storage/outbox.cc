#include "storage/outbox.h"

namespace gebi::storage {

namespace {
#define GEBI_OUTBOX_COLUMNS                                                                  \
  "id, recipient, kind, payload, dedup_key, status, attempts, next_attempt_at, last_error, " \
  "created_at, sent_at, channel, claimed_by, lease_until"

constexpr std::string_view kInsert =
    "INSERT OR IGNORE INTO outbox(recipient, kind, payload, dedup_key, status, attempts, "
    "next_attempt_at, created_at) VALUES (?1, ?2, ?3, ?4, 'pending', 0, ?5, ?5)";
// dedup_key >= prefix AND < prefix + U+10FFFF's lead byte: the keys that start with prefix.
constexpr std::string_view kRecipientsByPrefix =
    "SELECT DISTINCT recipient FROM outbox WHERE dedup_key >= ?1 AND dedup_key < ?2 "
    "ORDER BY recipient";
constexpr std::string_view kByRecipient =
    "SELECT " GEBI_OUTBOX_COLUMNS " FROM outbox WHERE recipient = ?1 ORDER BY id DESC";
constexpr std::string_view kByStatus =
    "SELECT " GEBI_OUTBOX_COLUMNS " FROM outbox WHERE status = ?1 ORDER BY id LIMIT ?2";
constexpr std::string_view kById = "SELECT " GEBI_OUTBOX_COLUMNS " FROM outbox WHERE id = ?1";
constexpr std::string_view kCountByStatus =
    "SELECT status, COUNT(*) FROM outbox GROUP BY status ORDER BY status";
// Two queries, not one with OR: each walks its own index in order and stops at the limit. With
// OR, SQLite gathered every due row from both indexes and sorted them for each claim, so
// draining a notice to 5,000 members read 5,000 rows per push.
constexpr std::string_view kSelectExpiredLeases =
    "SELECT " GEBI_OUTBOX_COLUMNS
    " FROM outbox WHERE status = 'sending' AND lease_until <= ?1 "
    "ORDER BY lease_until, id LIMIT ?2";
constexpr std::string_view kSelectPendingDue =
    "SELECT " GEBI_OUTBOX_COLUMNS
    " FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?1 "
    "ORDER BY next_attempt_at, id LIMIT ?2";
constexpr std::string_view kClaim =
    "UPDATE outbox SET status = 'sending', attempts = attempts + 1, claimed_by = ?2, "
    "lease_until = ?3 WHERE id = ?1";
constexpr std::string_view kAnyDue =
    "SELECT EXISTS (SELECT 1 FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?1) "
    "OR EXISTS (SELECT 1 FROM outbox WHERE status = 'sending' AND lease_until <= ?1)";
constexpr std::string_view kNextDue =
    "SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending'";
constexpr std::string_view kMarkSent =
    "UPDATE outbox SET status = 'sent', channel = ?2, sent_at = ?3, last_error = '', "
    "claimed_by = '', lease_until = 0 WHERE id = ?1 AND status = 'sending'";
constexpr std::string_view kMarkInbox =
    "UPDATE outbox SET status = 'inbox', channel = 'inbox', claimed_by = '', lease_until = 0 "
    "WHERE id = ?1 AND status = 'sending'";
constexpr std::string_view kMarkRetry =
    "UPDATE outbox SET status = 'pending', next_attempt_at = ?2, last_error = ?3, channel = ?4, "
    "claimed_by = '', lease_until = 0 WHERE id = ?1 AND status = 'sending'";
constexpr std::string_view kMarkDead =
    "UPDATE outbox SET status = 'dead', last_error = ?2, claimed_by = '', lease_until = 0 "
    "WHERE id = ?1 AND status = 'sending'";
constexpr std::string_view kRelease =
    "UPDATE outbox SET status = 'pending', attempts = MAX(attempts - 1, 0), next_attempt_at = ?2, "
    "last_error = ?3, claimed_by = '', lease_until = 0 WHERE id = ?1 AND status = 'sending'";
constexpr std::string_view kRetry =
    "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?2, channel = '', "
    "claimed_by = '', lease_until = 0 WHERE id = ?1 AND status IN ('dead', 'pending')";
constexpr std::string_view kInbox =
    "SELECT " GEBI_OUTBOX_COLUMNS
    " FROM outbox WHERE recipient = ?1 AND status = 'inbox' ORDER BY id LIMIT ?2";
constexpr std::string_view kCountInbox =
    "SELECT COUNT(*) FROM outbox WHERE recipient = ?1 AND status = 'inbox'";
constexpr std::string_view kInboxDelivered =
    "UPDATE outbox SET status = 'sent', channel = 'inbox', sent_at = ?2 "
    "WHERE id = ?1 AND status = 'inbox'";
#undef GEBI_OUTBOX_COLUMNS

OutboxItem ReadOutboxItem(const Stmt& st) {
  OutboxItem o;
  o.id = st.Int(0);
  o.recipient = st.Text(1);
  o.kind = st.Text(2);
  o.payload = st.Text(3);
  o.dedup_key = st.Text(4);
  o.status = st.Text(5);
  o.attempts = st.Int(6);
  o.next_attempt_at = st.Int(7);
  o.last_error = st.Text(8);
  o.created_at = st.Int(9);
  if (!st.IsNull(10)) o.sent_at = st.Int(10);
  o.channel = st.Text(11);
  o.claimed_by = st.Text(12);
  o.lease_until = st.Int(13);
  return o;
}

Result<bool> RunChanged(Tx& tx, Status s) {
  GEBI_RETURN_IF_ERROR(s);
  return tx.Changes() > 0;
}
}  // namespace

Result<bool> Enqueue(Tx& tx, const OutboxItem& item, int64_t now) {
  GEBI_RETURN_IF_ERROR(
      tx.Run(kInsert, item.recipient, item.kind, item.payload, item.dedup_key, now));
  return tx.Changes() > 0;
}

Result<std::vector<OutboxItem>> ListOutboxFor(Tx& tx, const std::string& recipient) {
  return tx.QueryRows<OutboxItem>(kByRecipient, ReadOutboxItem, recipient);
}

Result<std::vector<OutboxItem>> ListOutboxByStatus(Tx& tx, const std::string& status, int limit) {
  return tx.QueryRows<OutboxItem>(kByStatus, ReadOutboxItem, status, limit);
}

Result<std::optional<OutboxItem>> GetOutboxItem(Tx& tx, int64_t id) {
  return tx.QueryFirstRow<OutboxItem>(kById, ReadOutboxItem, id);
}

Result<std::vector<std::pair<std::string, int64_t>>> CountOutboxByStatus(Tx& tx) {
  return tx.QueryRows<std::pair<std::string, int64_t>>(kCountByStatus, [](const Stmt& st) {
    return std::pair<std::string, int64_t>(st.Text(0), st.Int(1));
  });
}

Result<std::vector<OutboxItem>> ClaimDue(Tx& tx, const std::string& worker, int64_t now,
                                         int64_t lease_until, int limit) {
  // A dead worker's rows first: they were due before anything pending now.
  GEBI_ASSIGN_OR_RETURN(std::vector<OutboxItem> rows,
                        tx.QueryRows<OutboxItem>(kSelectExpiredLeases, ReadOutboxItem, now, limit));
  if (static_cast<int>(rows.size()) < limit) {
    GEBI_ASSIGN_OR_RETURN(std::vector<OutboxItem> pending,
                          tx.QueryRows<OutboxItem>(kSelectPendingDue, ReadOutboxItem, now,
                                                   limit - static_cast<int>(rows.size())));
    for (OutboxItem& o : pending) rows.push_back(std::move(o));
  }
  for (OutboxItem& o : rows) {
    GEBI_RETURN_IF_ERROR(tx.Run(kClaim, o.id, worker, lease_until));
    o.status = "sending";
    o.attempts += 1;
    o.claimed_by = worker;
    o.lease_until = lease_until;
  }
  return rows;
}

Result<bool> AnyDue(Tx& tx, int64_t now) {
  GEBI_ASSIGN_OR_RETURN(auto any, tx.QueryInt(kAnyDue, now));
  return any.value_or(0) != 0;
}

Result<std::optional<int64_t>> NextDueAt(Tx& tx) { return tx.QueryInt(kNextDue); }

Result<bool> MarkSent(Tx& tx, int64_t id, const std::string& channel, int64_t now) {
  return RunChanged(tx, tx.Run(kMarkSent, id, channel, now));
}

Result<bool> MarkInbox(Tx& tx, int64_t id, int64_t now) {
  return RunChanged(tx, tx.Run(kMarkInbox, id));
}

Result<bool> MarkRetry(Tx& tx, int64_t id, int64_t next_at, const std::string& error,
                       const std::string& channel) {
  return RunChanged(tx, tx.Run(kMarkRetry, id, next_at, error, channel));
}

Result<bool> MarkDead(Tx& tx, int64_t id, const std::string& error) {
  return RunChanged(tx, tx.Run(kMarkDead, id, error));
}

Result<bool> ReleaseClaim(Tx& tx, int64_t id, int64_t next_at, const std::string& error) {
  return RunChanged(tx, tx.Run(kRelease, id, next_at, error));
}

Status RetryOutboxItem(Tx& tx, int64_t id, int64_t now) {
  GEBI_ASSIGN_OR_RETURN(auto item, GetOutboxItem(tx, id));
  if (!item) return Status::NotFound("no outbox row " + std::to_string(id));
  if (item->status != "dead" && item->status != "pending") {
    return Status::FailedPrecondition("outbox row " + std::to_string(id) + " is " + item->status +
                                      ", only dead or pending rows can be retried");
  }
  return tx.Run(kRetry, id, now);
}

Result<std::vector<OutboxItem>> ListInbox(Tx& tx, const std::string& openid, int limit) {
  return tx.QueryRows<OutboxItem>(kInbox, ReadOutboxItem, openid, limit);
}

Result<int64_t> CountInbox(Tx& tx, const std::string& openid) {
  GEBI_ASSIGN_OR_RETURN(auto n, tx.QueryInt(kCountInbox, openid));
  return n.value_or(0);
}

Status MarkInboxDelivered(Tx& tx, int64_t id, int64_t now) {
  return tx.Run(kInboxDelivered, id, now);
}

Result<std::vector<std::string>> RecipientsByDedupPrefix(Tx& tx, std::string_view prefix) {
  std::string upper = std::string(prefix) + "\xf4\x90";  // past every UTF-8 continuation
  return tx.QueryRows<std::string>(
      kRecipientsByPrefix, [](const Stmt& st) { return st.Text(0); }, prefix, upper);
}

}  // namespace gebi::storage
