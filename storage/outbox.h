// The outbox: notices to push to WeChat users (and background jobs such as media fetches),
// written in the same transaction as the change that causes them and drained later by bot/'s
// worker. A dedup key makes enqueueing idempotent. A worker claims due rows under a lease;
// a row whose lease ran out (its worker crashed) is due again. Functions take the caller's Tx.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

namespace gebi::storage {

// Outbox kind of a media download job (payload {"text": "", "media_id": ...}).
inline constexpr std::string_view kMediaFetchKind = "media_fetch";

struct OutboxItem {
  int64_t id = 0;
  std::string recipient;  // openid
  std::string kind;       // notice kind, e.g. "join_request", "ticket_new", or "media_fetch"
  std::string payload;    // JSON object text: at least {"text": "..."}
  std::string dedup_key;  // unique; a second enqueue with the same key is a no-op
  std::string status;     // pending | sending | sent | inbox | dead
  int64_t attempts = 0;   // claims so far (a claim counts even when the worker then crashed)
  int64_t next_attempt_at = 0;
  std::string last_error;
  int64_t created_at = 0;
  std::optional<int64_t> sent_at;
  std::string channel;     // custom | template | inbox | media once delivered; while pending,
                           // the channel to start from ('' = plan afresh)
  std::string claimed_by;  // worker id holding the row while sending
  int64_t lease_until = 0;
};

// Queues item (status pending, due now). Returns true when inserted, false when the dedup key
// was already there.
Result<bool> Enqueue(Tx& tx, const OutboxItem& item, int64_t now);
// The distinct recipients of rows whose dedup key starts with prefix (e.g. "ticket_new:12:":
// everyone asked to help with ticket 12), sorted. A range scan of the dedup key's index.
Result<std::vector<std::string>> RecipientsByDedupPrefix(Tx& tx, std::string_view prefix);
// Rows for one recipient (newest first), for tests and the admin console.
Result<std::vector<OutboxItem>> ListOutboxFor(Tx& tx, const std::string& recipient);
// All rows with the given status (oldest first), at most limit.
Result<std::vector<OutboxItem>> ListOutboxByStatus(Tx& tx, const std::string& status, int limit);
// One row, or nullopt.
Result<std::optional<OutboxItem>> GetOutboxItem(Tx& tx, int64_t id);
// Counts per status (pending, sending, sent, inbox, dead).
Result<std::vector<std::pair<std::string, int64_t>>> CountOutboxByStatus(Tx& tx);

// Claims up to limit due rows for worker: pending rows with next_attempt_at <= now, and
// sending rows whose lease ended (their worker died). Each becomes sending, attempts + 1,
// claimed_by = worker, lease_until = lease_until. Expired leases first, then pending rows,
// each oldest first. Reads only the rows it claims (each kind walks its own index).
Result<std::vector<OutboxItem>> ClaimDue(Tx& tx, const std::string& worker, int64_t now,
                                         int64_t lease_until, int limit);
// Whether ClaimDue(now) would find a row: a read, so a poll that finds nothing takes no write
// lock.
Result<bool> AnyDue(Tx& tx, int64_t now);
// The earliest next_attempt_at of a pending row, or nullopt when none is pending.
Result<std::optional<int64_t>> NextDueAt(Tx& tx);

// Outcomes of a claimed row. Each applies only while the row is still sending (a row that
// another worker already finished is left alone); returns true when it applied.
Result<bool> MarkSent(Tx& tx, int64_t id, const std::string& channel, int64_t now);
// The notice waits for the recipient's next message (channel inbox).
Result<bool> MarkInbox(Tx& tx, int64_t id, int64_t now);
// Back to pending, due at next_at; channel is where the next attempt starts.
Result<bool> MarkRetry(Tx& tx, int64_t id, int64_t next_at, const std::string& error,
                       const std::string& channel);
// Dead letter: no more attempts until an operator retries it.
Result<bool> MarkDead(Tx& tx, int64_t id, const std::string& error);
// Back to pending without counting the attempt (the failure was ours, e.g. no access token).
Result<bool> ReleaseClaim(Tx& tx, int64_t id, int64_t next_at, const std::string& error);

// Operator retry (`gebi outbox retry ID`): a dead or pending row becomes pending, due now,
// attempts 0, channel planned afresh. NotFound for an unknown id; FailedPrecondition for a
// row that is sent, in an inbox, or being sent.
Status RetryOutboxItem(Tx& tx, int64_t id, int64_t now);

// Unread notices waiting in openid's inbox, oldest first, at most limit.
Result<std::vector<OutboxItem>> ListInbox(Tx& tx, const std::string& openid, int limit);
Result<int64_t> CountInbox(Tx& tx, const std::string& openid);
// Marks an inbox row delivered with a passive reply (status sent, channel inbox).
Status MarkInboxDelivered(Tx& tx, int64_t id, int64_t now);

}  // namespace gebi::storage
