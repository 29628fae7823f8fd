// The inbound ledger: one row per WeChat delivery key, written in the same transaction as the
// delivery's effects, with the reply it got. It makes effects exactly-once across retries
// and restarts, and is the message log staff read back (S11). Functions take the caller's Tx.
#pragma once

#include <optional>
#include <string>

#include "storage/database.h"

namespace gebi::storage {

struct LedgerEntry {
  std::string dedup_key;
  std::string openid;
  std::string msg_type;
  std::string event;
  std::string content;  // text, or a short summary of a non-text message
  std::string route;    // which rule/handler answered
  std::string outcome;  // "ok" or "failed"
  std::string reply;    // the reply as stored by the pipeline (opaque here)
  int64_t created_at = 0;
};

// The successful entry for key, or nullopt. IOError on SQLite failure.
Result<std::optional<LedgerEntry>> FindHandled(Tx& tx, const std::string& dedup_key);

// Inserts or replaces the entry for entry.dedup_key.
Status RecordDelivery(Tx& tx, const LedgerEntry& entry);

// Messages (not events) from openid recorded at or after since, counted up to cap: the
// per-sender rate limit. Walks the (openid, created_at) index and stops at cap, so one
// sender's flood costs each of its deliveries at most cap index steps.
Result<int64_t> CountMessagesSince(Tx& tx, const std::string& openid, int64_t since, int64_t cap);

}  // namespace gebi::storage
