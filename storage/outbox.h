// The outbox: notices to push to WeChat users, written in the same transaction as the change
// that causes them and drained later by bot/'s worker. A dedup key makes enqueueing
// idempotent. Functions take the caller's Tx.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

namespace gebi::storage {

struct OutboxItem {
  int64_t id = 0;
  std::string recipient;  // openid
  std::string kind;       // notice kind, e.g. "join_request", "ticket_new"
  std::string payload;    // JSON object text: at least {"text": "..."}
  std::string dedup_key;  // unique; a second enqueue with the same key is a no-op
  std::string status;     // pending | sending | sent | inbox | dead
  int64_t attempts = 0;
  int64_t next_attempt_at = 0;
  std::string last_error;
  int64_t created_at = 0;
  std::optional<int64_t> sent_at;
};

// Queues item (status pending, due now). Returns true when inserted, false when the dedup key
// was already there.
Result<bool> Enqueue(Tx& tx, const OutboxItem& item, int64_t now);
// Rows for one recipient (newest first), for tests and the admin console.
Result<std::vector<OutboxItem>> ListOutboxFor(Tx& tx, const std::string& recipient);
// One row, or nullopt.
Result<std::optional<OutboxItem>> GetOutboxItem(Tx& tx, int64_t id);
// Puts a dead letter back in the queue (pending, due now, attempts reset). NotFound for an
// unknown id, FailedPrecondition when the row is not dead.
Status RequeueDead(Tx& tx, int64_t id, int64_t now);
// All rows with the given status (oldest first), at most limit.
Result<std::vector<OutboxItem>> ListOutboxByStatus(Tx& tx, const std::string& status, int limit);

}  // namespace gebi::storage
