// Test support: a console user logged in over HTTP, as the admin page is. The account is made
// through the CLI principal (no first-login password change) and the session keeps the cookie
// and the CSRF token the page keeps. Requests go to a TestServer on loopback.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "tests/support/test_env.h"

namespace gebi::testing {

class ConsoleSession {
 public:
  // Creates account name (role community / district / ..., over unit) and logs it in.
  ConsoleSession(TestServer& server, const std::string& name, const std::string& role,
                 int64_t unit);

  httplib::Result Get(const std::string& path);
  httplib::Result Post(const std::string& path, const nlohmann::json& body);
  httplib::Result Put(const std::string& path, const nlohmann::json& body);
  // The same, answered as (status, body as JSON; discarded when it is none).
  std::pair<int, nlohmann::json> GetJson(const std::string& path);
  std::pair<int, nlohmann::json> PostJson(const std::string& path, const nlohmann::json& body);
  std::pair<int, nlohmann::json> PutJson(const std::string& path, const nlohmann::json& body);

 private:
  httplib::Headers Headers(bool write) const;
  httplib::Client http_;
  std::string cookie_;
  std::string csrf_;
};

// r's body as JSON; REQUIREs an answer that is JSON.
nlohmann::json Body(const httplib::Result& r);

}  // namespace gebi::testing
