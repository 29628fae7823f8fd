#include "tests/support/console_session.h"

#include "handlers/admin/auth.h"

namespace gebi::testing {

using nlohmann::json;

namespace {

std::pair<int, json> Answer(const httplib::Result& r) {
  REQUIRE(r);
  INFO(r->body);
  return {r->status, json::parse(r->body, nullptr, false)};
}

}  // namespace

ConsoleSession::ConsoleSession(TestServer& server, const std::string& name, const std::string& role,
                               int64_t unit)
    : http_("127.0.0.1", server.port()) {
  bot::App& app = server.app();
  auto made = handlers::admin::CreateAccount(app.db(), app.clock(), handlers::admin::CliPrincipal(),
                                             name, role, unit);
  REQUIRE_RESULT_OK(made);
  REQUIRE_OK(app.db().WithTransaction([&](storage::Tx& tx) {
    return tx.Run("UPDATE admin_accounts SET must_change = 0 WHERE name = ?1", name);
  }));
  auto r = http_.Post("/api/v1/login", json{{"name", name}, {"password", made->password}}.dump(),
                      "application/json");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  const std::string set_cookie = r->get_header_value("Set-Cookie");
  cookie_ = set_cookie.substr(0, set_cookie.find(';'));
  csrf_ = json::parse(r->body)["csrf_token"].get<std::string>();
}

httplib::Headers ConsoleSession::Headers(bool write) const {
  httplib::Headers h{{"Cookie", cookie_}};
  if (write) h.emplace("X-CSRF-Token", csrf_);
  return h;
}

httplib::Result ConsoleSession::Get(const std::string& path) {
  return http_.Get(path.c_str(), Headers(false));
}
httplib::Result ConsoleSession::Post(const std::string& path, const json& body) {
  return http_.Post(path.c_str(), Headers(true), body.dump(), "application/json");
}
httplib::Result ConsoleSession::Put(const std::string& path, const json& body) {
  return http_.Put(path.c_str(), Headers(true), body.dump(), "application/json");
}
std::pair<int, json> ConsoleSession::GetJson(const std::string& path) { return Answer(Get(path)); }
std::pair<int, json> ConsoleSession::PostJson(const std::string& path, const json& body) {
  return Answer(Post(path, body));
}
std::pair<int, json> ConsoleSession::PutJson(const std::string& path, const json& body) {
  return Answer(Put(path, body));
}

json Body(const httplib::Result& r) {
  REQUIRE(r);
  INFO(r->body);
  json j = json::parse(r->body, nullptr, false);
  REQUIRE(!j.is_discarded());
  return j;
}

}  // namespace gebi::testing
