// What the Open311 GeoReport v2 server and the district hand-off keep: consumers' API keys
// (only a SHA-256 hash and a short prefix are stored; revocable), the audit of every call
// (also the rate limit's counter), the tokens POST answers, the public view of tickets (no
// openid, no phone, address at building level) and the district's copy of handed-off tickets.
// Free functions over the caller's Tx; no state of their own.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.h"

namespace gebi::storage {

struct ApiKey {
  int64_t id = 0;
  std::string name;      // the consumer ("区12345平台")
  std::string key_hash;  // hex SHA-256 of the key
  std::string prefix;    // the key's first characters, to tell keys apart in lists
  int64_t created_at = 0;
  std::optional<int64_t> revoked_at;
  std::optional<int64_t> last_used_at;
};

// Inserts a key; returns its id. AlreadyExists when the name (or the hash) is taken.
Result<int64_t> AddApiKey(Tx& tx, const ApiKey& k, int64_t now);
// Every key, by name.
Result<std::vector<ApiKey>> ListApiKeys(Tx& tx);
// Revokes the key named name; true when it was active (false: unknown or already revoked).
Result<bool> RevokeApiKey(Tx& tx, std::string_view name, int64_t now);
// The key with this hash, revoked or not; nullopt when none.
Result<std::optional<ApiKey>> ApiKeyByHash(Tx& tx, std::string_view key_hash);
Status TouchApiKey(Tx& tx, int64_t id, int64_t now);

// One audited call (key_id nullopt: no valid key). path is the route without the query.
Status AddApiAudit(Tx& tx, std::optional<int64_t> key_id, int64_t now, std::string_view method,
                   std::string_view path, int status, std::string_view peer);
// Calls of key_id audited at or after since.
Result<int64_t> CallsSince(Tx& tx, int64_t key_id, int64_t since);
// Refused calls (no valid key) audited at or after since.
Result<int64_t> RefusedCallsSince(Tx& tx, int64_t since);
// Audited calls per key name ("" for calls without a valid key) at or after since.
struct AuditCount {
  std::string name;
  int64_t calls = 0;
  int64_t refused = 0;  // status >= 400
};
Result<std::vector<AuditCount>> ApiAuditSince(Tx& tx, int64_t since);

Status PutOpen311Token(Tx& tx, std::string_view token, int64_t ticket_id, int64_t key_id,
                       int64_t now);
Result<std::optional<int64_t>> TicketOfOpen311Token(Tx& tx, std::string_view token);

// The public view of a ticket: what may leave through Open311.
struct PublicTicket {
  int64_t id = 0;
  std::string category;        // service_code
  std::string category_label;  // service_name
  std::string description;     // as reported (callers mask personal numbers)
  std::string status;          // the ticket's status (open, claimed, ... cancelled)
  std::string level;
  std::string done_note;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  int64_t level_since = 0;
  std::optional<int64_t> level_claimed_at;
  std::optional<int64_t> claimed_at;
  std::optional<int64_t> done_at;
  std::string grid_code;       // address_id
  std::string grid_name;       // 第一网格
  std::string community_name;  // 桂柑社区
  std::string building;        // the reporter's building (5幢), or a consumer's address_string
  int64_t grid_id = 0;
  int64_t community_id = 0;
};
struct PublicFilter {
  std::vector<int64_t> ids;             // empty: any
  std::vector<std::string> categories;  // empty: any
  std::optional<int64_t> start, end;    // created_at range, inclusive
  std::string status;                   // open | closed | "" (any)
  int limit = 200;
};
// Newest first.
Result<std::vector<PublicTicket>> PublicTickets(Tx& tx, const PublicFilter& f);

// The district's copy of a handed-off ticket.
struct Handoff {
  int64_t ticket_id = 0;
  std::string remote_id;      // the district's service_request_id ("" until it answered)
  std::string remote_status;  // open | closed as last pulled
  std::string remote_notes;   // status_notes as last pulled
  int64_t created_at = 0;
  std::optional<int64_t> sent_at;
  std::optional<int64_t> pulled_at;
};
// Creates the row when missing; true when this call created it.
Result<bool> StartHandoff(Tx& tx, int64_t ticket_id, int64_t now);
Result<std::optional<Handoff>> GetHandoff(Tx& tx, int64_t ticket_id);
// Records the district's id once it answered the POST.
Status MarkHandoffSent(Tx& tx, int64_t ticket_id, std::string_view remote_id, int64_t now);
// Records what a pull saw; true when status or notes changed.
Result<bool> RecordHandoffPull(Tx& tx, int64_t ticket_id, std::string_view status,
                               std::string_view notes, int64_t now);
// Handed-off tickets with a district id whose remote status is not closed, least recently
// pulled first; at most limit.
Result<std::vector<Handoff>> HandoffsToPull(Tx& tx, int limit);

}  // namespace gebi::storage
