// The Open311 GeoReport v2 server's logic, without HTTP (bot/open311/ is its edge): discovery,
// services, services/{code}, requests (GET with service_request_id, service_code, start_date,
// end_date and status filters; POST creates a ticket), requests/{id} and tokens/{token}. The
// answer is a JSON value plus the XML element names the edge renders it with. Field names,
// W3C dates (with the +08:00 offset) and status values (open, closed) follow the spec; errors
// are its list of {code, description} with 400 / 403 / 404 (and 429 past the rate limit).
// requests, requests/{id} and tokens need an api_key; every such call is audited. Residents'
// openids and phone numbers never leave; addresses only at building level. Stateless;
// thread-safe (state lives in the Database).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "handlers/org/ladder.h"
#include "handlers/texts/templates.h"
#include "storage/database.h"

namespace gebi::handlers {

struct Open311Settings {
  std::string base_url;         // the server's /open311/v2 address, for discovery
  int requests_per_minute = 60;  // per API key
  int max_results = 200;         // GET requests
  LadderDefaults ladder;         // for expected_datetime
};

struct Open311Call {
  std::string method;    // GET | POST
  std::string resource;  // "discovery", "services", "services/gas", "requests", "requests/12",
                         // "tokens/abc": the path after /open311/v2/ without the extension
  std::string format;    // json | xml (anything else: 404)
  std::map<std::string, std::string> params;  // query and form fields (first value wins)
  std::string peer;                           // the client's address, for the audit
};

struct Open311Answer {
  int status = 200;
  nlohmann::json body;   // an array of objects, or an object (discovery, service definition)
  std::string xml_root;  // services, service_requests, errors, discovery, service_definition
  std::string xml_item;  // the element of each array entry (service, request, error)
};

// Answers one call. Storage failures become a 500 answer in the spec's error shape (never a
// throw); the edge logs it.
Open311Answer HandleOpen311(storage::Database& db, const Templates& texts, int64_t now,
                            const Open311Settings& settings, const Open311Call& call);

// "2026-12-02T10:25:40+08:00" for a Unix time (China Standard Time, no daylight saving).
std::string W3CDate(int64_t unix_seconds);
// Parses a W3C / ISO 8601 date-time with seconds and an offset ("Z" or "+hh:mm"); nullopt
// for anything else.
std::optional<int64_t> ParseW3CDate(std::string_view text);

// API keys: a new random key ("g311_" + 40 hex digits), its stored hash (hex SHA-256).
std::string NewApiKey();
std::string HashApiKey(std::string_view key);
// Issues a key for consumer name (1..60 characters) and returns it: it is shown once and only
// its hash is kept. AlreadyExists for a name in use; InvalidArgument for a bad name.
Result<std::string> IssueApiKey(storage::Database& db, std::string_view name, int64_t now);

}  // namespace gebi::handlers
