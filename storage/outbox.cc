#include "storage/outbox.h"

namespace gebi::storage {

namespace {
constexpr std::string_view kInsert =
    "INSERT OR IGNORE INTO outbox(recipient, kind, payload, dedup_key, status, attempts, "
    "next_attempt_at, created_at) VALUES (?1, ?2, ?3, ?4, 'pending', 0, ?5, ?5)";
constexpr std::string_view kByRecipient =
    "SELECT id, recipient, kind, payload, dedup_key, status, attempts, next_attempt_at, "
    "last_error, created_at, sent_at FROM outbox WHERE recipient = ?1 ORDER BY id DESC";
constexpr std::string_view kByStatus =
    "SELECT id, recipient, kind, payload, dedup_key, status, attempts, next_attempt_at, "
    "last_error, created_at, sent_at FROM outbox WHERE status = ?1 ORDER BY id LIMIT ?2";

constexpr std::string_view kById =
    "SELECT id, recipient, kind, payload, dedup_key, status, attempts, next_attempt_at, "
    "last_error, created_at, sent_at FROM outbox WHERE id = ?1";
constexpr std::string_view kRequeue =
    "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?2 "
    "WHERE id = ?1 AND status = 'dead'";

Result<std::vector<OutboxItem>> ReadAll(Stmt& st) {
  std::vector<OutboxItem> out;
  for (;;) {
    GEBI_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
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
    out.push_back(std::move(o));
  }
  return out;
}
}  // namespace

Result<bool> Enqueue(Tx& tx, const OutboxItem& item, int64_t now) {
  GEBI_RETURN_IF_ERROR(
      tx.Run(kInsert, item.recipient, item.kind, item.payload, item.dedup_key, now));
  return tx.Changes() > 0;
}

Result<std::vector<OutboxItem>> ListOutboxFor(Tx& tx, const std::string& recipient) {
  GEBI_ASSIGN_OR_RETURN(Stmt st, tx.Prepare(kByRecipient));
  st.BindAll(recipient);
  return ReadAll(st);
}

Result<std::optional<OutboxItem>> GetOutboxItem(Tx& tx, int64_t id) {
  GEBI_ASSIGN_OR_RETURN(Stmt st, tx.Prepare(kById));
  st.BindAll(id);
  GEBI_ASSIGN_OR_RETURN(auto rows, ReadAll(st));
  if (rows.empty()) return std::optional<OutboxItem>();
  return std::optional<OutboxItem>(std::move(rows.front()));
}

Status RequeueDead(Tx& tx, int64_t id, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kRequeue, id, now));
  if (tx.Changes() > 0) return Status::Ok();
  GEBI_ASSIGN_OR_RETURN(auto item, GetOutboxItem(tx, id));
  if (!item) return Status::NotFound("outbox item " + std::to_string(id));
  return Status::FailedPrecondition("outbox item " + std::to_string(id) + " is " + item->status +
                                    ", not dead");
}

Result<std::vector<OutboxItem>> ListOutboxByStatus(Tx& tx, const std::string& status, int limit) {
  GEBI_ASSIGN_OR_RETURN(Stmt st, tx.Prepare(kByStatus));
  st.BindAll(status, limit);
  return ReadAll(st);
}

}  // namespace gebi::storage
