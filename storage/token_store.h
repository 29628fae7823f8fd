// The WeChat access token as the database keeps it (one row per token mode), plus named
// leases: a row that at most one holder owns until it expires, so that of all threads and
// processes sharing the database only one fetches a new token at a time. Functions take the
// caller's Tx; callers serialise through Database.
#pragma once

#include <optional>
#include <string>

#include "storage/database.h"

namespace gebi::storage {

struct StoredToken {
  std::string mode;            // stable | classic
  std::string token;           // empty until the first fetch
  int64_t fetched_at = 0;      // unix seconds
  int64_t refresh_at = 0;      // fetch a new one from here on (e.g. 80 % of its life)
  int64_t expires_at = 0;      // WeChat stops accepting it here
  std::string rejected_token;  // the last token an API call refused (40001/40014/42001)
  int64_t blocked_until = 0;   // after 40164 / a bad secret: no fetch before this
  std::string last_error;      // why it is blocked (never contains the secret)
};

// The row of mode, or nullopt when none was ever written.
Result<std::optional<StoredToken>> GetToken(Tx& tx, const std::string& mode);
// Stores a freshly fetched token; clears the block and the rejected token.
Status SaveToken(Tx& tx, const std::string& mode, const std::string& token, int64_t fetched_at,
                 int64_t refresh_at, int64_t expires_at);
// Marks token as refused by WeChat: when it is still the stored one, it is due for refresh
// now and remembered as rejected. A token that was already replaced is left alone, so many
// callers reporting the same stale token cause one refresh.
Status RejectToken(Tx& tx, const std::string& mode, const std::string& token);
// Blocks fetching until `until` and records why.
Status BlockToken(Tx& tx, const std::string& mode, int64_t until, const std::string& error);

// Takes lease `name` for holder until expires_at when it is free or expired (or already
// held by holder). true = taken.
Result<bool> TryAcquireLease(Tx& tx, const std::string& name, const std::string& holder,
                             int64_t now, int64_t expires_at);
// Frees the lease if holder holds it.
Status ReleaseLease(Tx& tx, const std::string& name, const std::string& holder);

}  // namespace gebi::storage
