// The admin API on the real server over loopback: login, sessions, CSRF, throttling, scopes,
// rules (create / edit / disable / delete / history / rollback / dry run / warnings / MP
// import) reaching the bot at once through the webhook, reply texts, dead letters, numbers,
// the audit row of every write, and the hostile cases of every input path.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "handlers/admin/auth.h"
#include "handlers/org/directory.h"
#include "storage/admin_store.h"
#include "storage/join_store.h"
#include "storage/org_store.h"
#include "storage/outbox.h"
#include "storage/volunteer_store.h"
#include "tests/support/test_env.h"

namespace gebi::testing {
namespace {

using nlohmann::json;

// A console user: keeps the session cookie and the CSRF token like the page does.
class AdminClient {
 public:
  explicit AdminClient(int port) : http_("127.0.0.1", port) {}

  httplib::Result Login(const std::string& name, const std::string& password) {
    auto r = http_.Post("/api/v1/login", json{{"name", name}, {"password", password}}.dump(),
                        "application/json");
    if (r && r->status == 200) {
      std::string set_cookie = r->get_header_value("Set-Cookie");
      cookie_ = set_cookie.substr(0, set_cookie.find(';'));
      csrf_ = json::parse(r->body)["csrf_token"].get<std::string>();
    }
    return r;
  }
  httplib::Headers Headers(bool write) const {
    httplib::Headers h;
    if (!cookie_.empty()) h.emplace("Cookie", cookie_);
    if (write) h.emplace("X-CSRF-Token", csrf_);
    return h;
  }
  httplib::Result Get(const std::string& path) { return http_.Get(path.c_str(), Headers(false)); }
  httplib::Result Post(const std::string& path, const json& body) {
    return http_.Post(path.c_str(), Headers(true), body.dump(), "application/json");
  }
  httplib::Result Put(const std::string& path, const json& body) {
    return http_.Put(path.c_str(), Headers(true), body.dump(), "application/json");
  }
  httplib::Result Delete(const std::string& path) {
    return http_.Delete(path.c_str(), Headers(true));
  }
  httplib::Client& raw() { return http_; }
  std::string& csrf() { return csrf_; }
  const std::string& cookie() const { return cookie_; }

 private:
  httplib::Client http_;
  std::string cookie_;
  std::string csrf_;
};

json Body(const httplib::Result& r) {
  REQUIRE(r);
  json j = json::parse(r->body, nullptr, false);
  INFO(r->body);
  REQUIRE(!j.is_discarded());
  return j;
}

// A small organisation: one district, one street, communities 七社区 and 八社区 with a grid each.
struct Org {
  int64_t district = 0, c7 = 0, c8 = 0, g71 = 0, g81 = 0;
};

Org SeedOrg(bot::App& app) {
  constexpr std::string_view kCsv =
      "kind,code,parent,name,contact,people\n"
      "district,D,,测试区,,\n"
      "street,S,D,测试街道,,\n"
      "community,C7,S,七社区,0577-7,o_staff7\n"
      "community,C8,S,八社区,0577-8,\n"
      "grid,G71,C7,第一网格,,o_worker71\n"
      "grid,G81,C8,第一网格,,o_worker81\n";
  Org org;
  REQUIRE_OK(app.db().WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_RETURN_IF_ERROR(handlers::ImportOrgCsv(tx, kCsv, 1000).status());
    for (auto [code, out] : {std::pair<const char*, int64_t*>{"D", &org.district},
                             {"C7", &org.c7},
                             {"C8", &org.c8},
                             {"G71", &org.g71},
                             {"G81", &org.g81}}) {
      GEBI_ASSIGN_OR_RETURN(auto unit, storage::GetUnitByCode(tx, code));
      REQUIRE(unit);
      *out = unit->id;
    }
    return Status::Ok();
  }));
  return org;
}

// An account with a one-time password, as `gebi admin add` makes it: it must be changed at
// the first login.
std::string MakeInitialAccount(bot::App& app, const std::string& name, const std::string& role,
                               int64_t unit) {
  auto made = handlers::admin::CreateAccount(app.db(), app.clock(), handlers::admin::CliPrincipal(),
                                             name, role, unit);
  REQUIRE_RESULT_OK(made);
  REQUIRE(made->account.must_change);
  return made->password;
}

// An account whose person has already chosen this password (must_change cleared), for the
// tests of everything after the first login.
std::string MakeAccount(bot::App& app, const std::string& name, const std::string& role,
                        int64_t unit) {
  std::string password = MakeInitialAccount(app, name, role, unit);
  REQUIRE_OK(app.db().WithTransaction([&](storage::Tx& tx) {
    return tx.Run("UPDATE admin_accounts SET must_change = 0 WHERE name = ?1", name);
  }));
  return password;
}

// Makes an account (password already chosen) and logs client in with it.
void LogIn(TestServer& server, AdminClient& client, const std::string& name,
           const std::string& role, int64_t unit) {
  auto r = client.Login(name, MakeAccount(server.app(), name, role, unit));
  REQUIRE(r);
  REQUIRE(r->status == 200);
}

int64_t Count(bot::App& app, const std::string& sql) {
  int64_t n = 0;
  REQUIRE_OK(app.db().WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryInt(sql));
    n = v.value_or(0);
    return Status::Ok();
  }));
  return n;
}

// The real server on a fresh database with the seeded districts, communities and grids: the
// start of most cases below.
struct SeededConsole {
  TempDir dir;
  TestServer server{TestConfig(dir, false)};
  const Org org = SeedOrg(server.app());
};

std::string Say(TestServer& server, const std::string& text,
                const std::string& openid = "o_admin_test_resident") {
  auto chat = server.Client();
  auto r = chat.SendText(openid, text, false);
  REQUIRE_RESULT_OK(r);
  REQUIRE(r->status == 200);
  return r->Text();
}

TEST_CASE("Admin login: cookie flags, wrong passwords, throttling, logout",
          "[integration][admin]") {
  TempDir dir;
  auto config = TestConfig(dir, false);
  config.admin.login_max_failures = 3;
  config.admin.login_ip_max_failures = 6;
  TestServer server(config);
  const Org org = SeedOrg(server.app());
  const std::string pw = MakeAccount(server.app(), "alice", "district", org.district);
  AdminClient c(server.port());

  SECTION("the right password gives an HttpOnly SameSite=Strict session and a CSRF token") {
    auto r = c.Login("alice", pw);
    REQUIRE(r->status == 200);
    std::string cookie = r->get_header_value("Set-Cookie");
    CHECK(cookie.find("gebi_admin=") == 0);
    CHECK(cookie.find("HttpOnly") != std::string::npos);
    CHECK(cookie.find("SameSite=Strict") != std::string::npos);
    CHECK(Body(r)["account"]["role"] == "district");
    // Only the hash of the token is stored.
    std::string token = c.cookie().substr(c.cookie().find('=') + 1);
    CHECK(Count(server.app(), "SELECT COUNT(*) FROM admin_sessions WHERE token_hash = '" +
                                  handlers::admin::TokenHash(token) + "'") == 1);
    CHECK(Count(server.app(),
                "SELECT COUNT(*) FROM admin_sessions WHERE token_hash = '" + token + "'") == 0);
    CHECK(Body(c.Get("/api/v1/me"))["account"]["name"] == "alice");
    // Logout ends the session on the server, not just in the browser.
    REQUIRE(c.Post("/api/v1/logout", json::object())->status == 200);
    CHECK(c.Get("/api/v1/me")->status == 401);
  }
  SECTION("a wrong password and an unknown name get the same 401") {
    auto wrong = c.Login("alice", "not-the-password");
    auto unknown = c.Login("nobody", "whatever");
    REQUIRE(wrong->status == 401);
    REQUIRE(unknown->status == 401);
    CHECK(Body(wrong)["error"] == Body(unknown)["error"]);
    CHECK(c.Get("/api/v1/rules")->status == 401);
  }
  SECTION("after repeated failures even the right password waits (429 + Retry-After)") {
    for (int i = 0; i < 3; ++i)
      REQUIRE(c.Login("alice", "wrong" + std::to_string(i))->status == 401);
    auto r = c.Login("alice", pw);
    REQUIRE(r->status == 429);
    CHECK(std::stoi(r->get_header_value("Retry-After")) > 0);
    // Another account from the same address still works until the per-address limit.
    const std::string pw2 = MakeAccount(server.app(), "bob", "community", org.c7);
    REQUIRE(c.Login("bob", pw2)->status == 200);
    for (int i = 0; i < 3; ++i) REQUIRE(c.Login("bob", "wrong")->status != 200);
    CHECK(c.Login("carol", "x")->status == 429);  // 6 failures from this address
  }
  SECTION("bad login bodies are 400 with the field named") {
    auto r = c.raw().Post("/api/v1/login", "{not json", "application/json");
    REQUIRE(r->status == 400);
    CHECK(Body(r)["field"] == "body");
    r = c.raw().Post("/api/v1/login", R"({"name":"alice"})", "application/json");
    REQUIRE(r->status == 400);
    CHECK(Body(r)["field"] == "password");
    r = c.raw().Post("/api/v1/login", R"({"name":5,"password":"x"})", "application/json");
    REQUIRE(r->status == 400);
    CHECK(Body(r)["field"] == "name");
    r = c.raw().Post("/api/v1/login", "name=alice&password=x", "application/x-www-form-urlencoded");
    CHECK(r->status == 400);
  }
  SECTION("a forged or expired cookie is 401") {
    httplib::Headers h{{"Cookie", "gebi_admin=deadbeef"}};
    CHECK(c.raw().Get("/api/v1/rules", h)->status == 401);
  }
}

// Sends one login per thread, all at once; returns the status codes (0: no answer).
std::vector<int> ParallelLogins(int port, const std::vector<json>& bodies,
                                const httplib::Headers& headers = {}) {
  std::vector<int> codes(bodies.size(), 0);
  std::vector<std::thread> threads;
  std::atomic<int> ready{0};
  for (size_t i = 0; i < bodies.size(); ++i) {
    threads.emplace_back([&, i] {
      httplib::Client http("127.0.0.1", port);
      http.set_read_timeout(30, 0);
      // Start together, so the guesses overlap inside the server.
      ready.fetch_add(1);
      while (ready.load() < static_cast<int>(bodies.size())) std::this_thread::yield();
      auto r = http.Post("/api/v1/login", headers, bodies[i].dump(), "application/json");
      if (r) codes[i] = r->status;
    });
  }
  for (auto& t : threads) t.join();
  return codes;
}

TEST_CASE("Parallel wrong guesses cannot pass the per-account limit", "[integration][admin]") {
  TempDir dir;
  auto config = TestConfig(dir, false);
  config.admin.login_max_failures = 5;
  config.admin.login_ip_max_failures = 100;
  // As many hash slots as guesses may pass: no guess is turned away as "busy" here.
  config.admin.max_concurrent_hashes = 5;
  TestServer server(config);
  const Org org = SeedOrg(server.app());
  const std::string pw = MakeAccount(server.app(), "alice", "district", org.district);

  constexpr int kGuesses = 12;
  std::vector<json> bodies;
  for (int i = 0; i < kGuesses; ++i) {
    bodies.push_back({{"name", "alice"}, {"password", "wrong-guess-" + std::to_string(i)}});
  }
  const std::vector<int> codes = ParallelLogins(server.port(), bodies);
  int unauthorized = 0, throttled = 0;
  for (int code : codes) {
    if (code == 401) ++unauthorized;
    if (code == 429) ++throttled;
  }
  CAPTURE(codes);
  // Only the first five reach the password check; the rest are told to wait.
  CHECK(unauthorized <= 5);
  CHECK(unauthorized >= 1);
  CHECK(unauthorized + throttled == kGuesses);
  CHECK(Count(server.app(),
              "SELECT COUNT(*) FROM admin_login_failures "
              "WHERE subject = 'account:alice'") <= 5);
  // And the right password afterwards waits like after five sequential failures.
  AdminClient c(server.port());
  auto r = c.Login("alice", pw);
  REQUIRE(r->status == 429);
  CHECK(std::stoi(r->get_header_value("Retry-After")) > 0);
}

TEST_CASE("At most admin.max_concurrent_hashes password hashes run at once",
          "[integration][admin]") {
  TempDir dir;
  auto config = TestConfig(dir, false);
  config.admin.max_concurrent_hashes = 2;
  TestServer server(config);
  const Org org = SeedOrg(server.app());
  const std::string pw = MakeAccount(server.app(), "alice", "district", org.district);
  AdminClient c(server.port());
  // The test holds the slots itself, as two slow logins would.
  auto a = std::make_unique<handlers::admin::HashSlot>();
  auto b = std::make_unique<handlers::admin::HashSlot>();
  REQUIRE_OK(a->Acquire(2, 0));
  REQUIRE_OK(b->Acquire(2, 0));

  SECTION("with every slot taken a login waits, then gets 429 and counts no failure") {
    const auto start = std::chrono::steady_clock::now();
    auto r = c.Login("alice", pw);
    const auto waited = std::chrono::steady_clock::now() - start;
    REQUIRE(r->status == 429);
    CHECK(Body(r)["error"] == "系统忙，请稍后再试");
    CHECK(waited >= std::chrono::milliseconds(1500));
    CHECK(Count(server.app(), "SELECT COUNT(*) FROM admin_login_failures") == 0);
  }
  SECTION("a slot freed while the login waits lets it through") {
    std::thread release([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      a.reset();
    });
    auto r = c.Login("alice", pw);
    release.join();
    CHECK(r->status == 200);
  }
  SECTION("changing the password waits for a slot too") {
    a.reset();
    REQUIRE(c.Login("alice", pw)->status == 200);
    handlers::admin::HashSlot again;
    REQUIRE_OK(again.Acquire(2, 0));
    auto r = c.Post("/api/v1/me/password",
                    {{"old_password", pw}, {"new_password", "a-new-password-123"}});
    REQUIRE(r->status == 429);
    CHECK(Body(r)["error"] == "系统忙，请稍后再试");
  }
}

TEST_CASE("X-Forwarded-For and X-Real-IP count only from a configured proxy",
          "[integration][admin]") {
  TempDir dir;
  auto config = TestConfig(dir, false);
  config.admin.login_max_failures = 100;
  config.admin.login_ip_max_failures = 3;
  // A wrong guess for a fresh name from the test's 127.0.0.1 with the given headers.
  auto guess = [](httplib::Client& http, int n, httplib::Headers headers) {
    json body = {{"name", "nobody" + std::to_string(n)}, {"password", "wrong"}};
    auto r = http.Post("/api/v1/login", headers, body.dump(), "application/json");
    REQUIRE(r);
    return r->status;
  };
  auto spoofed = [](int n) {
    return httplib::Headers{{"X-Real-IP", "203.0.113." + std::to_string(n)},
                            {"X-Forwarded-For", "198.51.100." + std::to_string(n)}};
  };
  auto failures_of = [](TestServer& server, const std::string& address) {
    return Count(server.app(),
                 "SELECT COUNT(*) FROM admin_login_failures WHERE subject = 'ip:" + address + "'");
  };

  SECTION("no proxy configured, or a proxy elsewhere: the headers change nothing") {
    for (const std::vector<std::string>& proxies :
         {std::vector<std::string>{}, std::vector<std::string>{"10.0.0.1"}}) {
      CAPTURE(proxies);
      TempDir fresh;  // each server its own database
      auto proxied = TestConfig(fresh, false);
      proxied.admin.login_max_failures = config.admin.login_max_failures;
      proxied.admin.login_ip_max_failures = config.admin.login_ip_max_failures;
      proxied.admin.trusted_proxies = proxies;
      TestServer server(proxied);
      httplib::Client http("127.0.0.1", server.port());
      for (int i = 1; i <= 3; ++i) REQUIRE(guess(http, i, spoofed(i)) == 401);
      CHECK(guess(http, 4, spoofed(4)) == 429);  // every guess counted against 127.0.0.1
      CHECK(failures_of(server, "127.0.0.1") == 3);
      CHECK(Count(server.app(),
                  "SELECT COUNT(*) FROM admin_login_failures WHERE subject LIKE "
                  "'ip:%' AND subject <> 'ip:127.0.0.1'") == 0);
    }
  }
  SECTION("127.0.0.1 is our proxy: its headers name the client") {
    config.admin.trusted_proxies = {"10.0.0.1", "127.0.0.1"};
    TestServer server(config);
    httplib::Client http("127.0.0.1", server.port());
    for (int i = 1; i <= 4; ++i) REQUIRE(guess(http, i, spoofed(i)) == 401);  // four clients
    CHECK(failures_of(server, "198.51.100.1") == 1);
    CHECK(failures_of(server, "127.0.0.1") == 0);
    // The last entry not ours is the client; entries before it may be made up.
    REQUIRE(guess(http, 5, {{"X-Forwarded-For", "192.0.2.66, 198.51.100.7, 10.0.0.1"}}) == 401);
    CHECK(failures_of(server, "198.51.100.7") == 1);
    CHECK(failures_of(server, "192.0.2.66") == 0);
    // X-Real-IP when there is no X-Forwarded-For.
    REQUIRE(guess(http, 6, {{"X-Real-IP", "203.0.113.77"}}) == 401);
    CHECK(failures_of(server, "203.0.113.77") == 1);
    // Something that is no address leaves the peer's.
    REQUIRE(guess(http, 7, {{"X-Forwarded-For", "not-an-address"}}) == 401);
    CHECK(failures_of(server, "127.0.0.1") == 1);
    // One client behind the proxy is throttled on its own address.
    httplib::Headers same{{"X-Forwarded-For", "198.51.100.7"}};
    REQUIRE(guess(http, 8, same) == 401);
    REQUIRE(guess(http, 9, same) == 401);
    CHECK(guess(http, 10, same) == 429);
    CHECK(guess(http, 11, spoofed(11)) == 401);
  }
}

TEST_CASE("A one-time password must be changed before anything else", "[integration][admin]") {
  TempDir dir;
  auto config = TestConfig(dir, false);
  TestServer server(config);
  const Org org = SeedOrg(server.app());
  const std::string once = MakeInitialAccount(server.app(), "alice", "district", org.district);
  AdminClient c(server.port());

  auto login = c.Login("alice", once);
  REQUIRE(login->status == 200);
  CHECK(Body(login)["must_change_password"] == true);
  auto me = c.Get("/api/v1/me");
  REQUIRE(me->status == 200);
  CHECK(Body(me)["must_change_password"] == true);
  // Every other call is refused, reads and writes alike.
  for (const char* path : {"/api/v1/rules", "/api/v1/stats", "/api/v1/audit", "/api/v1/joins"}) {
    CAPTURE(path);
    auto r = c.Get(path);
    REQUIRE(r->status == 403);
    CHECK(Body(r)["field"] == "password");
    CHECK(Body(r)["error"] == "请先修改初始密码");
  }
  auto write = c.Post(
      "/api/v1/rules",
      {{"match_kind", "exact"}, {"pattern", "早上好"}, {"target_kind", "text"}, {"target", "hi"}});
  REQUIRE(write->status == 403);
  CHECK(Count(server.app(), "SELECT COUNT(*) FROM rules WHERE pattern = '早上好'") == 0);

  SECTION("changing it clears the flag; the new password opens everything") {
    REQUIRE(c.Post("/api/v1/me/password",
                   {{"old_password", once}, {"new_password", "my-own-password-1"}})
                ->status == 200);
    CHECK(c.Get("/api/v1/me")->status == 401);  // the change ends the session
    REQUIRE(c.Login("alice", "my-own-password-1")->status == 200);
    CHECK(Body(c.Get("/api/v1/me"))["must_change_password"] == false);
    CHECK(c.Get("/api/v1/rules")->status == 200);
    SECTION("`gebi admin passwd` hands out a new one: the flag is back") {
      auto pw = handlers::admin::ResetPassword(server.app().db(), server.app().clock(),
                                               handlers::admin::CliPrincipal(), "alice");
      REQUIRE_RESULT_OK(pw);
      REQUIRE(c.Login("alice", *pw)->status == 200);
      CHECK(Body(c.Get("/api/v1/me"))["must_change_password"] == true);
      CHECK(c.Get("/api/v1/rules")->status == 403);
    }
  }
  SECTION("logout works with the flag set") {
    REQUIRE(c.Post("/api/v1/logout", json::object())->status == 200);
    CHECK(c.Get("/api/v1/me")->status == 401);
  }
}

TEST_CASE_METHOD(SeededConsole,
                 "A rule changed in the admin API answers through the webhook at once",
                 "[integration][admin]") {
  AdminClient c(server.port());
  LogIn(server, c, "admin", "district", org.district);
  const std::string before = Say(server, "停水通知");
  CHECK(before.find("没看懂") != std::string::npos);

  auto created = c.Post("/api/v1/rules", {{"match_kind", "exact"},
                                          {"pattern", "停水通知"},
                                          {"target_kind", "text"},
                                          {"target", "明天 9:00-12:00 停水。"}});
  REQUIRE(created->status == 201);
  const int64_t id = Body(created)["id"].get<int64_t>();
  CHECK(Say(server, "停水通知") == "明天 9:00-12:00 停水。");
  CHECK(Say(server, "停水通知") == "明天 9:00-12:00 停水。");

  SECTION("edit, hits, disable, history and rollback") {
    REQUIRE(c.Put("/api/v1/rules/" + std::to_string(id), {{"target", "改为下午停水。"}})->status ==
            200);
    CHECK(Say(server, "停水通知") == "改为下午停水。");
    auto got = Body(c.Get("/api/v1/rules/" + std::to_string(id)));
    CHECK(got["hits"] == 3);
    REQUIRE(c.Put("/api/v1/rules/" + std::to_string(id), {{"enabled", false}})->status == 200);
    CHECK(Say(server, "停水通知").find("没看懂") != std::string::npos);
    auto history = Body(c.Get("/api/v1/rules/" + std::to_string(id) + "/history"))["history"];
    REQUIRE(history.size() == 3);  // newest first: disable, edit, create
    CHECK(history[2]["action"] == "create");
    auto rolled = c.Post("/api/v1/rules/" + std::to_string(id) + "/rollback",
                         {{"history_id", history[2]["id"]}});
    REQUIRE(rolled->status == 200);
    CHECK(Say(server, "停水通知") == "明天 9:00-12:00 停水。");
    // Every write left an audit row naming who and what.
    CHECK(Count(server.app(),
                "SELECT COUNT(*) FROM admin_audit WHERE account_name = 'admin' AND "
                "object = 'rule:" +
                    std::to_string(id) + "'") == 4);
  }
  SECTION("delete, then rollback re-creates the rule under its id") {
    REQUIRE(c.Delete("/api/v1/rules/" + std::to_string(id))->status == 200);
    CHECK(Say(server, "停水通知").find("没看懂") != std::string::npos);
    CHECK(c.Get("/api/v1/rules/" + std::to_string(id))->status == 404);
    auto history = Body(c.Get("/api/v1/rules/" + std::to_string(id) + "/history"))["history"];
    REQUIRE(history.size() == 2);
    REQUIRE(c.Post("/api/v1/rules/" + std::to_string(id) + "/rollback",
                   {{"history_id", history[1]["id"]}})
                ->status == 200);
    CHECK(Say(server, "停水通知") == "明天 9:00-12:00 停水。");
  }
  SECTION("hostile and wrong input is refused with the field named and changes nothing") {
    const int64_t rules = Count(server.app(), "SELECT COUNT(*) FROM rules");
    const int64_t audit = Count(server.app(), "SELECT COUNT(*) FROM admin_audit");
    struct Case {
      json body;
      const char* field;
    };
    std::vector<Case> cases = {
        {{{"match_kind", "fuzzy"}, {"pattern", "x"}, {"target", "y"}}, "match_kind"},
        {{{"pattern", ""}, {"target", "y"}}, "pattern"},
        {{{"pattern", "   "}, {"target", "y"}}, "pattern"},
        {{{"match_kind", "regex"}, {"pattern", "(["}, {"target", "y"}}, "pattern"},
        {{{"pattern", "x"}, {"target_kind", "handler"}, {"target", "rm -rf"}}, "target"},
        {{{"pattern", "x"}, {"target_kind", "template"}, {"target", "nope"}}, "target"},
        {{{"pattern", "x"}, {"target", ""}}, "target"},
        {{{"pattern", "x"}, {"target", std::string(3000, 'a')}}, "target"},
        {{{"pattern", "x"}, {"target", "y"}, {"priority", "high"}}, "priority"},
        {{{"pattern", "x"}, {"target", "y"}, {"priority", -1}}, "priority"},
        {{{"pattern", "x"}, {"target", "y"}, {"enabled", "yes"}}, "enabled"},
        {{{"pattern", "x"}, {"target", "y"}, {"community_id", "7"}}, "community_id"},
        {{{"pattern", "x"}, {"target", "y"}, {"sql", "DROP TABLE rules"}}, "sql"},
        {json::array({1, 2}), "body"},
    };
    for (const auto& k : cases) {
      CAPTURE(k.body.dump());
      auto r = c.Post("/api/v1/rules", k.body);
      REQUIRE(r->status == 400);
      CHECK(Body(r)["field"] == k.field);
      // The console shows the field by its Chinese name, and the message is Chinese too.
      const std::string label = Body(r)["field_label"].get<std::string>();
      CHECK(!label.empty());
      CHECK(static_cast<unsigned char>(label[0]) >= 0x80);
      const std::string error = Body(r)["error"].get<std::string>();
      CHECK(std::any_of(error.begin(), error.end(),
                        [](char ch) { return static_cast<unsigned char>(ch) >= 0x80; }));
    }
    // Values of the wrong type anywhere in an import are the caller's mistake: 400 or skipped,
    // never a 500.
    auto imported = c.Post(
        "/api/v1/rules/import?dry_run=1",
        {{"keyword_autoreply_info",
          {{"list",
            json::array(
                {{{"rule_name", "x"},
                  {"reply_mode", 5},
                  {"keyword_list_info", json::array({{{"content", "k"}, {"match_mode", 7}}})},
                  {"reply_list_info", json::array({{{"type", "text"}, {"content", "y"}}})}}})}}},
         {"is_autoreply_open", "yes"},
         {"message_default_autoreply_info", {{"type", "text"}, {"content", "d"}}}});
    CAPTURE(imported->body);
    CHECK(imported->status != 500);
    CHECK(imported->status < 500);
    auto r = c.raw().Post("/api/v1/rules", c.Headers(true), "{\"pattern\":", "application/json");
    REQUIRE(r->status == 400);
    CHECK(Body(r)["field"] == "body");
    CHECK(c.Put("/api/v1/rules/999999", {{"target", "x"}})->status == 404);
    CHECK(c.Delete("/api/v1/rules/999999")->status == 404);
    CHECK(c.Post("/api/v1/rules/" + std::to_string(id) + "/rollback", {{"history_id", 999999}})
              ->status == 404);
    CHECK(c.Post("/api/v1/rules/" + std::to_string(id) + "/rollback", {{"history_id", "1"}})
              ->status == 400);
    CHECK(c.Get("/api/v1/nothing-here")->status == 404);
    CHECK(Count(server.app(), "SELECT COUNT(*) FROM rules") == rules);
    CHECK(Count(server.app(), "SELECT COUNT(*) FROM admin_audit") == audit);
  }
  SECTION("writes without the CSRF token are refused") {
    std::string good = c.csrf();
    c.csrf() = "forged";
    CHECK(c.Put("/api/v1/rules/" + std::to_string(id), {{"target", "hacked"}})->status == 403);
    c.csrf() = "";
    CHECK(c.Delete("/api/v1/rules/" + std::to_string(id))->status == 403);
    c.csrf() = good;
    CHECK(Say(server, "停水通知") == "明天 9:00-12:00 停水。");
  }
  SECTION("a rule text with markup is stored and answered verbatim") {
    const std::string hostile = "<script>alert(1)</script>'); DROP TABLE rules; --";
    auto r = c.Post("/api/v1/rules", {{"pattern", "脚本"}, {"target", hostile}});
    REQUIRE(r->status == 201);
    CHECK(Say(server, "脚本") == hostile);
    CHECK(Body(c.Get("/api/v1/rules/" + std::to_string(Body(r)["id"].get<int64_t>())))["target"] ==
          hostile);
  }
}

TEST_CASE_METHOD(SeededConsole, "Community admins see and change only their community",
                 "[integration][admin]") {
  AdminClient district(server.port()), c7(server.port());
  LogIn(server, district, "d", "district", org.district);
  LogIn(server, c7, "c7", "community", org.c7);
  auto other = Body(district.Post(
      "/api/v1/rules", {{"pattern", "八社区"}, {"target", "只在 8"}, {"community_id", org.c8}}));
  const std::string other_path = "/api/v1/rules/" + std::to_string(other["id"].get<int64_t>());

  // Their own rule is scoped to their community without asking.
  auto mine = c7.Post("/api/v1/rules", {{"pattern", "七社区"}, {"target", "只在 7"}});
  REQUIRE(mine->status == 201);
  CHECK(Body(mine)["community_id"] == org.c7);
  CHECK(c7.Post("/api/v1/rules", {{"pattern", "x"}, {"target", "y"}, {"community_id", org.c8}})
            ->status == 403);
  CHECK(c7.Post("/api/v1/rules", {{"pattern", "x"}, {"target", "y"}, {"community_id", nullptr}})
            ->status == 403);
  CHECK(c7.Get(other_path)->status == 403);
  CHECK(c7.Put(other_path, {{"target", "hijack"}})->status == 403);
  CHECK(c7.Delete(other_path)->status == 403);
  // Shared rules are visible (they answer in every community) but read-only.
  auto list = Body(c7.Get("/api/v1/rules"))["rules"];
  bool saw_other = false, saw_shared_readonly = false;
  for (const auto& r : list) {
    saw_other = saw_other || r["community_id"] == org.c8;
    if (r["community_id"].is_null() && r["editable"] == false) saw_shared_readonly = true;
  }
  CHECK_FALSE(saw_other);
  CHECK(saw_shared_readonly);
  CHECK(c7.Put("/api/v1/rules/1", {{"target", "cancel"}})->status == 403);
  CHECK(c7.Get("/api/v1/templates?community_id=" + std::to_string(org.c8))->status == 403);
  CHECK(c7.Put("/api/v1/templates/welcome", {{"text", "全区欢迎"}, {"community_id", nullptr}})
            ->status == 403);
  CHECK(c7.Get("/api/v1/stats?community_id=" + std::to_string(org.c8))->status == 403);
  // The district admin sees both; audit rows of community 7 are visible to c7, others are not.
  CHECK(Body(district.Get("/api/v1/rules"))["rules"].size() == list.size() + 1);
  // Held in a local: a range-for over a member of the temporary Body() would read freed memory
  // (the temporary dies before the loop runs; ASan found it).
  const auto audit = Body(c7.Get("/api/v1/audit"));
  for (const auto& e : audit["audit"]) CHECK(e["community_id"] == org.c7);
}

TEST_CASE_METHOD(SeededConsole, "Dry run says which rule fires for a text and role, and why",
                 "[integration][admin]") {
  AdminClient c(server.port());
  LogIn(server, c, "admin", "district", org.district);
  REQUIRE(c.Post("/api/v1/rules", {{"match_kind", "contains"},
                                   {"pattern", "水"},
                                   {"target", "水务电话 96390"},
                                   {"priority", 300}})
              ->status == 201);
  REQUIRE(c.Post("/api/v1/rules", {{"pattern", "停水"}, {"target", "明天停水"}})->status == 201);

  auto r = Body(c.Post("/api/v1/rules/dry-run", {{"text", "  停水 "}, {"role", "resident"}}));
  CHECK(r["normalized"] == "停水");
  CHECK(r["reply"] == "明天停水");
  CHECK(r["candidates"].size() == 2);
  CHECK(r["candidates"][0]["winner"] == true);
  CHECK(r["why"].get<std::string>().find("完全是「停水」") != std::string::npos);
  r = Body(c.Post("/api/v1/rules/dry-run", {{"text", "自来水发黄"}}));
  CHECK(r["reply"] == "水务电话 96390");
  r = Body(c.Post("/api/v1/rules/dry-run", {{"text", "随便说点"}}));
  CHECK(r["route"] == "default");
  CHECK(r["rule"].is_null());
  r = Body(c.Post("/api/v1/rules/dry-run", {{"text", "帮助"}, {"role", "grid_worker"}}));
  CHECK(r["route"] == "handler:help");
  CHECK(r["allowed"] == true);
  auto bad = c.Post("/api/v1/rules/dry-run", {{"text", "帮助"}, {"role", "king"}});
  REQUIRE(bad->status == 400);
  CHECK(Body(bad)["field"] == "role");
  bad = c.Post("/api/v1/rules/dry-run", {{"role", "resident"}});
  REQUIRE(bad->status == 400);
  CHECK(Body(bad)["field"] == "text");
  bad = c.Post("/api/v1/rules/dry-run", {{"text", std::string(6001, 'a')}, {"role", "resident"}});
  REQUIRE(bad->status == 400);  // capped before any rule is compiled or scanned
  CHECK(Body(bad)["field"] == "text");
  // A dry run changes nothing: no hits, no ledger rows, no audit rows.
  CHECK(Count(server.app(), "SELECT SUM(hits) FROM rules") == 0);
  CHECK(Count(server.app(), "SELECT COUNT(*) FROM inbound_ledger") == 0);
  CHECK(Count(server.app(), "SELECT COUNT(*) FROM admin_audit WHERE action LIKE 'rule.%'") == 2);
}

TEST_CASE_METHOD(SeededConsole, "Rule warnings flag shadowed and duplicate rules",
                 "[integration][admin]") {
  AdminClient c(server.port());
  LogIn(server, c, "admin", "district", org.district);
  auto a =
      Body(c.Post("/api/v1/rules",
                  {{"match_kind", "contains"},
                   {"pattern", "电"},
                   {"target", "电工"},
                   {"priority", 5},
                   {"confirm_shadow", true}}));  // it takes 志愿者 水电 from the volunteer signup
  auto b = Body(c.Post("/api/v1/rules", {{"pattern", "停电"}, {"target", "停电通知"}}));
  auto d = Body(c.Post("/api/v1/rules", {{"pattern", "停电"}, {"target", "重复"}}));
  auto ok = Body(c.Post("/api/v1/rules", {{"pattern", "开会"}, {"target", "周三开会"}}));
  auto warnings = Body(c.Get("/api/v1/rules"))["warnings"];
  std::map<int64_t, std::string> kinds;
  for (const auto& w : warnings) kinds[w["rule_id"].get<int64_t>()] = w["kind"];
  CHECK(kinds[b["id"].get<int64_t>()] == "shadowed");
  CHECK(kinds[d["id"].get<int64_t>()] == "duplicate");
  CHECK(kinds.count(ok["id"].get<int64_t>()) == 0);
  CHECK(kinds.count(a["id"].get<int64_t>()) == 0);
}

TEST_CASE_METHOD(SeededConsole, "The MP console's auto-replies import as rules and texts",
                 "[integration][admin]") {
  AdminClient c(server.port());
  LogIn(server, c, "admin", "district", org.district);
  // The documented shape of get_current_autoreply_info.
  json mp = json::parse(R"({
    "is_add_friend_reply_open": 1,
    "is_autoreply_open": 1,
    "add_friend_autoreply_info": {"type": "text", "content": "欢迎关注鹿城社区！"},
    "message_default_autoreply_info": {"type": "text", "content": "收到，工作人员会尽快回复。"},
    "keyword_autoreply_info": {"list": [
      {"rule_name": "图文", "create_time": 1423028166, "reply_mode": "reply_all",
       "keyword_list_info": [{"type": "text", "match_mode": "contain", "content": "新闻"}],
       "reply_list_info": [{"type": "news", "news_info": {"list": []}}]},
      {"rule_name": "办证", "create_time": 1423027971, "reply_mode": "reply_all",
       "keyword_list_info": [{"type": "text", "match_mode": "equal", "content": "办证"},
                             {"type": "text", "match_mode": "contain", "content": "证明"}],
       "reply_list_info": [{"type": "text", "content": "带身份证到社区一楼。"},
                           {"type": "text", "content": "工作日办理。"}]}
    ]}
  })");
  auto dry = Body(c.Post("/api/v1/rules/import?dry_run=1", mp));
  CHECK(dry["rules"].size() == 2);
  CHECK(dry["skipped"].size() == 1);
  CHECK(Say(server, "办证").find("没看懂") != std::string::npos);  // nothing written yet

  auto done = Body(c.Post("/api/v1/rules/import", mp));
  CHECK(done["rules"].size() == 2);
  CHECK(done["templates"] == json({"welcome", "default"}));
  CHECK(Say(server, "办证") == "带身份证到社区一楼。\n\n工作日办理。");
  CHECK(Say(server, "我要开居住证明") == "带身份证到社区一楼。\n\n工作日办理。");
  CHECK(Say(server, "今天天气") == "收到，工作人员会尽快回复。");
  auto chat = server.Client();
  CHECK(chat.SendEvent("o_new_follower", "subscribe", "")->Text() == "欢迎关注鹿城社区！");
  // Help still wins over imported keywords (they come after the commands).
  CHECK(Say(server, "帮助").find("你可以发送") != std::string::npos);

  auto bad = c.Post("/api/v1/rules/import", {{"keyword_autoreply_info", {{"list", 5}}}});
  REQUIRE(bad->status == 400);
  CHECK(Body(bad)["field"] == "keyword_autoreply_info.list");
}

TEST_CASE_METHOD(SeededConsole, "Reply texts: validation, preview, overrides reach the bot",
                 "[integration][admin]") {
  AdminClient c(server.port());
  LogIn(server, c, "admin", "district", org.district);

  auto bad = c.Put("/api/v1/templates/not_allowed", {{"text", "「{cmd}」不行"}});
  REQUIRE(bad->status == 400);
  CHECK(Body(bad)["field"] == "text");
  bad = c.Put("/api/v1/templates/help", {{"text", "坏的 {commands"}});
  REQUIRE(bad->status == 400);
  // Format specs pad to gigabytes; positional and empty fields name nothing: all refused on
  // save and in previews, naming the field, and nothing is stored.
  for (const char* spec : {"{command:2147483647}", "{command!r}", "{0}", "{}", "{ command}"}) {
    CAPTURE(spec);
    bad = c.Put("/api/v1/templates/not_allowed", {{"text", std::string("「") + spec + "」不行"}});
    REQUIRE(bad->status == 400);
    CHECK(Body(bad)["field"] == "text");
    CHECK(c.Post("/api/v1/templates/preview", {{"key", "not_allowed"}, {"text", spec}})->status ==
          400);
  }
  CHECK(Count(server.app(), "SELECT COUNT(*) FROM template_overrides") == 0);
  CHECK(c.Put("/api/v1/templates/no_such_key", {{"text", "x"}})->status == 400);
  CHECK(c.Put("/api/v1/templates/default", {{"text", ""}})->status == 400);
  CHECK(c.Delete("/api/v1/templates/default")->status == 404);

  auto preview = Body(c.Post("/api/v1/templates/preview",
                             {{"key", "not_allowed"}, {"text", "「{command}」要网格员才能用"}}));
  CHECK(preview["preview"] == "「通过 3」要网格员才能用");

  REQUIRE(c.Put("/api/v1/templates/default", {{"text", "<b>请换个说法</b>"}})->status == 200);
  CHECK(Say(server, "随便说点") == "<b>请换个说法</b>");
  REQUIRE(
      c.Put("/api/v1/templates/default", {{"text", "七社区的默认回复"}, {"community_id", org.c7}})
          ->status == 200);
  auto seven = Body(c.Get("/api/v1/templates?community_id=" + std::to_string(org.c7)))["templates"];
  for (const auto& t : seven) {
    if (t["key"] == "default") {
      CHECK(t["effective"] == "七社区的默认回复");
      CHECK(t["all_override"] == "<b>请换个说法</b>");
    }
  }
  // A resident of no community gets the shared text; the pipeline gives community 7's
  // residents theirs.
  CHECK(Say(server, "随便说点 2") == "<b>请换个说法</b>");
  REQUIRE_OK(server.app().db().WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto texts, server.app().pipeline().TemplatesFor(tx, org.c7));
    CHECK(texts->Render("default") == "七社区的默认回复");
    GEBI_ASSIGN_OR_RETURN(auto shared, server.app().pipeline().TemplatesFor(tx, std::nullopt));
    CHECK(shared->Render("default") == "<b>请换个说法</b>");
    return Status::Ok();
  }));
  REQUIRE(c.Delete("/api/v1/templates/default")->status == 200);
  CHECK(Say(server, "随便说点 3").find("没看懂") != std::string::npos);
  CHECK(Count(server.app(), "SELECT COUNT(*) FROM admin_audit WHERE action LIKE 'template.%'") ==
        3);
}

TEST_CASE_METHOD(SeededConsole, "Dead letters are listed and retried once",
                 "[integration][admin]") {
  AdminClient c(server.port());
  LogIn(server, c, "admin", "district", org.district);
  int64_t id = 0;
  REQUIRE_OK(server.app().db().WithTransaction([&](storage::Tx& tx) -> Status {
    storage::OutboxItem item{0, "o_worker", "join_request", R"({"text":"有新的入格申请"})", "k1"};
    GEBI_ASSIGN_OR_RETURN(bool added, storage::Enqueue(tx, item, 100));
    REQUIRE(added);
    id = tx.LastInsertId();
    return tx.Run(
        "UPDATE outbox SET status = 'dead', attempts = 8, last_error = '43004' "
        "WHERE id = ?1",
        id);
  }));
  auto dead = Body(c.Get("/api/v1/outbox/dead"))["dead"];
  REQUIRE(dead.size() == 1);
  CHECK(dead[0]["text"] == "有新的入格申请");
  CHECK(dead[0]["last_error"] == "43004");
  const std::string path = "/api/v1/outbox/" + std::to_string(id) + "/retry";
  REQUIRE(c.Post(path, json::object())->status == 200);
  CHECK(Count(server.app(), "SELECT COUNT(*) FROM outbox WHERE status = 'pending'") == 1);
  CHECK(c.Post(path, json::object())->status == 409);  // no longer dead
  CHECK(c.Post("/api/v1/outbox/999999/retry", json::object())->status == 404);
  CHECK(Body(c.Get("/api/v1/outbox/dead"))["dead"].empty());
}

TEST_CASE_METHOD(SeededConsole,
                 "Numbers: messages per day as JSON, CSV and SVG, and the console page is served",
                 "[integration][admin]") {
  AdminClient c(server.port());
  LogIn(server, c, "admin", "district", org.district);
  for (int i = 0; i < 3; ++i) Say(server, "你好 " + std::to_string(i));
  auto n = Body(c.Get("/api/v1/stats?days=7"));
  CHECK(n["messages_total"] == 3);
  CHECK(n["messages_per_day"].size() == 7);
  CHECK(n["messages_per_day"][6]["count"] == 3);
  auto csv = c.Get("/api/v1/stats/messages.csv?days=7");
  REQUIRE(csv->status == 200);
  CHECK(csv->body.rfind("day,community,messages\n", 0) == 0);
  CHECK(csv->body.find(",all,3\n") != std::string::npos);
  csv = c.Get("/api/v1/stats.csv?days=7");
  REQUIRE(csv->status == 200);
  CHECK(csv->body.rfind("unit_id,kind,name,community_id,days,tickets_opened", 0) == 0);
  CHECK(csv->body.find(",community,七社区,") != std::string::npos);
  auto svg = c.Get("/api/v1/stats/messages.svg?days=7");
  REQUIRE(svg->status == 200);
  CHECK(svg->get_header_value("Content-Type") == "image/svg+xml");
  CHECK(svg->body.rfind("<svg", 0) == 0);
  CHECK(svg->body.find("<script") == std::string::npos);
  CHECK(c.Get("/api/v1/stats?days=0")->status == 400);
  CHECK(c.Get("/api/v1/stats?days=abc")->status == 400);
  CHECK(c.Get("/api/v1/stats?community_id=1%3B")->status == 400);

  httplib::Client anon("127.0.0.1", server.port());
  auto page = anon.Get("/admin/");
  REQUIRE(page->status == 200);
  CHECK(page->body.find("管理后台") != std::string::npos);
  CHECK(page->get_header_value("Content-Security-Policy").find("script-src 'self'") !=
        std::string::npos);
  CHECK(anon.Get("/admin/app.js")->status == 200);
  CHECK(anon.Get("/api/v1/stats")->status == 401);
}

TEST_CASE_METHOD(SeededConsole,
                 "Join requests approved in the console have the chat command's effect",
                 "[integration][admin]") {
  AdminClient c7(server.port()), c8(server.port());
  LogIn(server, c7, "c7", "community", org.c7);
  LogIn(server, c8, "c8", "community", org.c8);
  // Community 7 has its own texts: the approval push and later replies use them.
  REQUIRE(c7.Put("/api/v1/templates/default",
                 {{"text", "七社区：请回复「帮助」"}, {"community_id", org.c7}})
              ->status == 200);
  int64_t id = 0, other = 0;
  REQUIRE_OK(server.app().db().WithTransaction([&](storage::Tx& tx) -> Status {
    storage::JoinRequest r;
    r.openid = "o_newbie";
    r.grid_id = org.g71;
    r.name = "张<b>三</b>";
    r.building = "5幢";
    r.room = "301";
    GEBI_ASSIGN_OR_RETURN(id, storage::CreateJoinRequest(tx, r, 1000));
    r.openid = "o_other";
    r.grid_id = org.g81;
    GEBI_ASSIGN_OR_RETURN(other, storage::CreateJoinRequest(tx, r, 1000));
    return Status::Ok();
  }));
  // Not a member yet: the shared texts, not community 7's (its office may be named as a contact).
  CHECK(Say(server, "随便说点", "o_newbie").find("七社区：请回复") == std::string::npos);

  auto joins = Body(c7.Get("/api/v1/joins"))["joins"];
  REQUIRE(joins.size() == 1);  // community 8's request is not listed
  CHECK(joins[0]["name"] == "张<b>三</b>");
  const std::string base = "/api/v1/joins/";
  CHECK(c8.Post(base + std::to_string(id) + "/approve", json::object())->status == 403);
  auto bad = c7.Post(base + std::to_string(id) + "/reject", json::object());
  REQUIRE(bad->status == 400);
  CHECK(Body(bad)["field"] == "reason");
  CHECK(c7.Post(base + "999999/approve", json::object())->status == 404);
  CHECK(c7.Get("/api/v1/joins?status=maybe")->status == 400);

  REQUIRE(c7.Post(base + std::to_string(id) + "/approve", json::object())->status == 200);
  CHECK(c7.Post(base + std::to_string(id) + "/approve", json::object())->status == 409);
  // Same effects as 通过 N: a member of the grid, in the grid circle, told by a push.
  CHECK(Count(server.app(),
              "SELECT COUNT(*) FROM residents WHERE openid = 'o_newbie' AND grid_id = " +
                  std::to_string(org.g71)) == 1);
  CHECK(Count(server.app(), "SELECT COUNT(*) FROM circle_members WHERE openid = 'o_newbie'") == 1);
  CHECK(Count(server.app(),
              "SELECT COUNT(*) FROM outbox WHERE recipient = 'o_newbie' AND "
              "kind = 'join_result'") == 1);
  // The grid worker's 通过 in chat now sees it decided.
  auto chat = server.Client();
  CHECK(
      chat.SendText("o_worker71", "通过 " + std::to_string(id))->Text().find(std::to_string(id)) !=
      std::string::npos);
  // Now a resident of community 7, they get community 7's texts from the bot.
  CHECK(Say(server, "随便说点", "o_newbie") == "七社区：请回复「帮助」");
  CHECK(Say(server, "随便说点", "o_other").find("七社区") == std::string::npos);

  // Rejecting (district admin, any community) tells the resident the reason.
  AdminClient d(server.port());
  LogIn(server, d, "d", "district", org.district);
  REQUIRE(
      d.Post(base + std::to_string(other) + "/reject", {{"reason", "不是本小区住户"}})->status ==
      200);
  CHECK(Count(server.app(),
              "SELECT COUNT(*) FROM outbox WHERE recipient = 'o_other' AND "
              "payload LIKE '%不是本小区住户%'") == 1);
  CHECK(Count(server.app(), "SELECT COUNT(*) FROM admin_audit WHERE action LIKE 'join.%'") == 2);

  // Tickets, volunteers and numbers see the new member's repair.
  CHECK(Say(server, "报修 楼道灯坏了", "o_newbie").size() > 0);
  auto tickets = Body(c7.Get("/api/v1/tickets?status=active"))["tickets"];
  REQUIRE(tickets.size() == 1);
  const std::string ticket = "/api/v1/tickets/" + std::to_string(tickets[0]["id"].get<int64_t>());
  auto detail = Body(c7.Get(ticket));
  CHECK(detail["timeline"].size() >= 1);
  CHECK(detail["timeline"][0]["action"] == "created");
  CHECK(c8.Get(ticket)->status == 403);
  CHECK(Body(c8.Get("/api/v1/tickets"))["tickets"].empty());
  CHECK(c7.Get("/api/v1/tickets?status=lost")->status == 400);
  CHECK(c7.Get("/api/v1/tickets?community_id=" + std::to_string(org.c8))->status == 403);
  CHECK(c7.Get("/api/v1/tickets/999999")->status == 404);

  REQUIRE_OK(server.app().db().WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto skills, storage::ListSkills(tx));
    REQUIRE_FALSE(skills.empty());
    storage::Volunteer v;
    v.openid = "o_electrician";
    v.community_id = org.c7;
    v.availability = "周末";
    v.skills = {skills[0]};
    return storage::PutVolunteer(tx, v, 1000);
  }));
  auto volunteers = Body(c7.Get("/api/v1/volunteers"))["volunteers"];
  REQUIRE(volunteers.size() == 1);
  CHECK(volunteers[0]["availability"] == "周末");
  CHECK(Body(c8.Get("/api/v1/volunteers"))["volunteers"].empty());

  auto n = Body(c7.Get("/api/v1/stats?days=30"));
  REQUIRE(n["units"].size() == 2);  // community 7 and its grid
  CHECK(n["units"][0]["kind"] == "community");
  CHECK(n["units"][0]["tickets_opened"] == 1);
  CHECK(n["units"][0]["active_volunteers"] == 1);
  CHECK(n["units"][1]["kind"] == "grid");
  auto csv = c7.Get("/api/v1/stats.csv?days=30");
  REQUIRE(csv->status == 200);
  CHECK(csv->body.find("七社区") != std::string::npos);
  CHECK(c7.Get("/api/v1/stats/tickets.svg")->status == 200);
}

// The seeded rule of a system command's keyword, e.g. 报修 -> repair.
int64_t SeededRuleId(bot::App& app, const std::string& pattern) {
  return Count(app, "SELECT id FROM rules WHERE target_kind = 'handler' AND pattern = '" + pattern +
                        "' AND community_id IS NULL");
}

TEST_CASE_METHOD(SeededConsole,
                 "A rule that would take over a system command is refused unless confirmed",
                 "[integration][admin]") {
  AdminClient c(server.port());
  LogIn(server, c, "admin", "district", org.district);
  const int64_t rules = Count(server.app(), "SELECT COUNT(*) FROM rules");
  const int64_t audit = Count(server.app(), "SELECT COUNT(*) FROM admin_audit");
  const json lamp = {{"match_kind", "contains"},
                     {"pattern", "灯"},
                     {"priority", 5},
                     {"target", "路灯请打 12345。"}};
  auto refused = c.Post("/api/v1/rules", lamp);
  REQUIRE(refused->status == 409);
  const std::string why = Body(refused)["error"].get<std::string>();
  CHECK(why.rfind("这条规则会抢走系统命令「报修」", 0) == 0);
  CHECK(Body(refused)["confirm"] == "confirm_shadow");
  CHECK(Body(refused)["command"] == "报修");
  CHECK(why.find("报修 楼道灯坏了") != std::string::npos);
  CHECK(Count(server.app(), "SELECT COUNT(*) FROM rules") == rules);
  CHECK(Count(server.app(), "SELECT COUNT(*) FROM admin_audit") == audit);
  CHECK(c.Post("/api/v1/rules", {{"pattern", "灯"}, {"target", "y"}, {"confirm_shadow", "yes"}})
            ->status == 400);

  SECTION("after the priority makes way, the same keyword is accepted") {
    json later = lamp;
    later["priority"] = 200;
    REQUIRE(c.Post("/api/v1/rules", later)->status == 201);
    CHECK(Say(server, "小区路灯的事") == "路灯请打 12345。");  // no command word in it
  }
  SECTION("confirmed, it is saved and answers in the command's place") {
    json confirmed = lamp;
    confirmed["confirm_shadow"] = true;
    REQUIRE(c.Post("/api/v1/rules", confirmed)->status == 201);
    CHECK(Say(server, "报修 楼道灯坏了") == "路灯请打 12345。");
  }
  SECTION("an edit that would take over a command is refused the same way") {
    auto made = c.Post("/api/v1/rules", {{"match_kind", "exact"},
                                         {"pattern", "路灯"},
                                         {"priority", 5},
                                         {"target", "路灯请打 12345。"}});
    REQUIRE(made->status == 201);
    const std::string path = "/api/v1/rules/" + std::to_string(Body(made)["id"].get<int64_t>());
    auto edit = c.Put(path, {{"match_kind", "prefix"}, {"pattern", "通过"}});
    REQUIRE(edit->status == 409);
    CHECK(Body(edit)["error"].get<std::string>().find("「通过申请」") != std::string::npos);
    CHECK(Body(c.Get(path))["pattern"] == "路灯");
  }
  SECTION("an extra keyword for the command itself is not a takeover") {
    REQUIRE(c.Post("/api/v1/rules", {{"match_kind", "prefix"},
                                     {"pattern", "坏了"},
                                     {"priority", 20},
                                     {"target_kind", "handler"},
                                     {"target", "repair"}})
                ->status == 201);
  }
}

TEST_CASE_METHOD(SeededConsole,
                 "System command keywords are listed apart: disabled, never deleted or rewritten",
                 "[integration][admin]") {
  AdminClient c(server.port()), c7(server.port());
  LogIn(server, c, "admin", "district", org.district);
  LogIn(server, c7, "c7", "community", org.c7);
  auto list = Body(c.Get("/api/v1/rules"));
  int64_t system = 0;
  for (const auto& r : list["rules"]) system += r["system"].get<bool>() ? 1 : 0;
  CHECK(system > 10);
  bool repair = false;
  for (const auto& cmd : list["commands"]) {
    if (cmd["handler"] != "repair") continue;
    repair = true;
    CHECK(cmd["title"] == "报修");
    CHECK(!cmd["description"].get<std::string>().empty());
    CHECK(!cmd["examples"].empty());
  }
  CHECK(repair);
  const int64_t id = SeededRuleId(server.app(), "报修");
  REQUIRE(id > 0);
  const std::string path = "/api/v1/rules/" + std::to_string(id);
  CHECK(Body(c.Get(path))["target_title"] == "报修");
  auto del = c.Delete(path);
  CHECK(del->status == 409);
  CHECK(Body(del)["error"].get<std::string>().find("不能删除") != std::string::npos);
  CHECK(c.Put(path, {{"pattern", "修东西"}})->status == 409);
  CHECK(c.Put(path, {{"target_kind", "text"}, {"target", "hijacked"}})->status == 409);
  CHECK(c7.Put(path, {{"enabled", false}})->status == 403);  // shared: district only
  CHECK(Body(c.Get(path))["pattern"] == "报修");
  REQUIRE(c.Put(path, {{"enabled", false}})->status == 200);
  CHECK(Body(c.Get(path))["enabled"] == false);
  REQUIRE(c.Put(path, {{"enabled", true}})->status == 200);
  CHECK(Count(server.app(), "SELECT COUNT(*) FROM rules WHERE id = " + std::to_string(id)) == 1);
}

TEST_CASE_METHOD(SeededConsole, "Deleted rules are listed and restored from their history",
                 "[integration][admin]") {
  AdminClient c(server.port()), c8(server.port());
  LogIn(server, c, "c7", "community", org.c7);
  LogIn(server, c8, "c8", "community", org.c8);
  auto made = c.Post("/api/v1/rules", {{"pattern", "停水通知"}, {"target", "明天停水。"}});
  REQUIRE(made->status == 201);
  const int64_t id = Body(made)["id"].get<int64_t>();
  CHECK(Body(c.Get("/api/v1/rules/deleted"))["deleted"].empty());
  REQUIRE(c.Delete("/api/v1/rules/" + std::to_string(id))->status == 200);
  auto deleted = Body(c.Get("/api/v1/rules/deleted"))["deleted"];
  REQUIRE(deleted.size() == 1);
  CHECK(deleted[0]["rule"]["id"] == id);
  CHECK(deleted[0]["rule"]["pattern"] == "停水通知");
  CHECK(deleted[0]["deleted_by"] == "c7");
  CHECK(Body(c8.Get("/api/v1/rules/deleted"))["deleted"].empty());  // another community's
  const std::string rollback = "/api/v1/rules/" + std::to_string(id) + "/rollback";
  CHECK(c8.Post(rollback, {{"history_id", deleted[0]["history_id"]}})->status == 403);
  REQUIRE(c.Post(rollback, {{"history_id", deleted[0]["history_id"]}})->status == 200);
  CHECK(Body(c.Get("/api/v1/rules/deleted"))["deleted"].empty());
  CHECK(Body(c.Get("/api/v1/rules/" + std::to_string(id)))["target"] == "明天停水。");
}

TEST_CASE_METHOD(SeededConsole,
                 "Ticket actions: assign, close and cancel, with pushes, audit and refusals",
                 "[integration][admin]") {
  AdminClient c7(server.port()), c8(server.port());
  LogIn(server, c7, "c7", "community", org.c7);
  LogIn(server, c8, "c8", "community", org.c8);
  REQUIRE_OK(server.app().db().WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_RETURN_IF_ERROR(tx.Run(
        "INSERT INTO residents(openid, grid_id, name, building, room, phone, joined_at, "
        "updated_at) VALUES ('o_res', ?1, '王<i>阿婆</i>', '5幢', '301', '13900000000', 1, 1), "
        "('o_vol', ?1, '李师傅', '6幢', '101', '', 1, 1)",
        org.g71));
    storage::Volunteer v;
    v.openid = "o_vol";
    v.community_id = org.c7;
    v.skills = {};
    return storage::PutVolunteer(tx, v, 1000);
  }));
  CHECK(Say(server, "报修 楼道灯坏了", "o_res").size() > 0);
  auto tickets = Body(c7.Get("/api/v1/tickets?status=active"))["tickets"];
  REQUIRE(tickets.size() == 1);
  CHECK(tickets[0]["reporter_name"] == "王<i>阿婆</i>");
  CHECK(tickets[0]["room"] == "301");
  CHECK(tickets[0]["phone"] == "13900000000");
  CHECK(static_cast<unsigned char>(tickets[0]["category_label"].get<std::string>()[0]) >= 0x80);
  const int64_t id = tickets[0]["id"].get<int64_t>();
  const std::string action = "/api/v1/tickets/" + std::to_string(id) + "/action";
  auto assignees = Body(c7.Get("/api/v1/tickets/" + std::to_string(id) + "/assignees"));
  bool listed = false;
  for (const auto& a : assignees["assignees"]) listed = listed || a["name"] == "李师傅";
  CHECK(listed);
  CHECK(c8.Get("/api/v1/tickets/" + std::to_string(id) + "/assignees")->status == 403);
  const int64_t audit = Count(server.app(), "SELECT COUNT(*) FROM admin_audit");

  struct Bad {
    json body;
    const char* field;
  };
  for (const Bad& b :
       std::vector<Bad>{{{{"action", "explode"}}, "action"},
                        {{{"action", "assign"}}, "assignee"},
                        {{{"action", "assign"}, {"assignee", "o_stranger"}}, "assignee"},
                        {{{"action", "close"}}, "message"},
                        {{{"action", "cancel"}, {"message", std::string(700, 'x')}}, "message"},
                        {{{"action", 7}}, "action"}}) {
    CAPTURE(b.body.dump());
    auto r = c7.Post(action, b.body);
    REQUIRE(r->status == 400);
    CHECK(Body(r)["field"] == b.field);
  }
  CHECK(c8.Post(action, {{"action", "close"}, {"message", "x"}})->status == 403);
  CHECK(c7.Post("/api/v1/tickets/999999/action", {{"action", "close"}, {"message", "x"}})->status ==
        404);
  CHECK(Count(server.app(), "SELECT COUNT(*) FROM admin_audit") == audit);
  CHECK(Count(server.app(), "SELECT COUNT(*) FROM tickets WHERE status = 'open'") == 1);

  SECTION("assign, then close") {
    REQUIRE(c7.Post(action, {{"action", "assign"}, {"assignee", "o_vol"}})->status == 200);
    CHECK(Count(server.app(), "SELECT COUNT(*) FROM tickets WHERE claimed_by = 'o_vol'") == 1);
    CHECK(Count(server.app(),
                "SELECT COUNT(*) FROM outbox WHERE recipient = 'o_vol' AND "
                "kind = 'ticket_assigned'") == 1);
    auto detail = Body(c7.Get("/api/v1/tickets/" + std::to_string(id)));
    CHECK(detail["claimed_by_name"] == "李师傅");
    CHECK(detail["timeline"].back()["action"] == "assigned");
    CHECK(detail["timeline"].back()["actor_name"] == "李师傅");
    CHECK(detail["timeline"].back()["note"].get<std::string>().find("c7") != std::string::npos);
    CHECK(detail["timeline"][0]["actor_name"] == "王<i>阿婆</i>");
    CHECK(c7.Post(action, {{"action", "assign"}, {"assignee", "o_vol"}})->status == 409);
    REQUIRE(c7.Post(action, {{"action", "close"}, {"message", "已经修好"}})->status == 200);
    CHECK(Count(server.app(), "SELECT COUNT(*) FROM tickets WHERE status = 'closed'") == 1);
    CHECK(Count(server.app(),
                "SELECT COUNT(*) FROM outbox WHERE recipient = 'o_res' AND "
                "payload LIKE '%已经修好%'") == 1);
    CHECK(c7.Post(action, {{"action", "cancel"}, {"message", "x"}})->status == 409);
    CHECK(Count(server.app(), "SELECT COUNT(*) FROM admin_audit WHERE action LIKE 'ticket.%'") ==
          2);
  }
  SECTION("cancel tells the resident why") {
    REQUIRE(c7.Post(action, {{"action", "cancel"}, {"message", "重复报修"}})->status == 200);
    CHECK(Count(server.app(), "SELECT COUNT(*) FROM tickets WHERE status = 'cancelled'") == 1);
    CHECK(Count(server.app(),
                "SELECT COUNT(*) FROM outbox WHERE recipient = 'o_res' AND "
                "payload LIKE '%重复报修%'") == 1);
  }
  SECTION("an elderly resident's ticket goes only to a vetted volunteer") {
    REQUIRE_OK(server.app().db().WithTransaction(
        [&](storage::Tx& tx) { return tx.Run("UPDATE tickets SET priority = 1"); }));
    auto r = c7.Post(action, {{"action", "assign"}, {"assignee", "o_vol"}});
    REQUIRE(r->status == 400);
    CHECK(Body(r)["error"].get<std::string>().find("认证") != std::string::npos);
    REQUIRE(
        c7.Post("/api/v1/volunteers/vetting", {{"openid", "o_vol"}, {"vetted", true}})->status ==
        200);
    auto v = Body(c7.Get("/api/v1/volunteers"))["volunteers"];
    REQUIRE(v.size() == 1);
    CHECK(v[0]["vetted"] == true);
    CHECK(v[0]["name"] == "李师傅");
    CHECK(c8.Post("/api/v1/volunteers/vetting", {{"openid", "o_vol"}, {"vetted", false}})->status ==
          403);
    CHECK(
        c7.Post("/api/v1/volunteers/vetting", {{"openid", "o_nobody"}, {"vetted", true}})->status ==
        404);
    REQUIRE(c7.Post(action, {{"action", "assign"}, {"assignee", "o_vol"}})->status == 200);
  }
}

TEST_CASE("Ticket photos: fetched files are served to staff in scope, nothing else is",
          "[integration][admin]") {
  TempDir dir;
  bot::Config config = TestConfig(dir, false);
  TestServer server(config);
  const Org org = SeedOrg(server.app());
  AdminClient c7(server.port()), c8(server.port());
  LogIn(server, c7, "c7", "community", org.c7);
  LogIn(server, c8, "c8", "community", org.c8);
  const std::string jpeg = std::string("\xff\xd8\xff\xe0", 4) + "photo bytes";
  std::filesystem::create_directories(config.storage.data_dir + "/media/ab");
  {
    std::ofstream out(config.storage.data_dir + "/media/ab/abcd.jpg", std::ios::binary);
    out << jpeg;
  }
  int64_t ticket = 0, good = 0, outside = 0, pending = 0;
  REQUIRE_OK(server.app().db().WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_RETURN_IF_ERROR(tx.Run(
        "INSERT INTO tickets(grid_id, community_id, reporter, description, category, created_at, "
        "updated_at) VALUES (?1, ?2, 'o_res', '灯坏了', 'electrical', 1, 1)",
        org.g71, org.c7));
    ticket = tx.LastInsertId();
    const char* kMedia =
        "INSERT INTO ticket_media(ticket_id, kind, media_id, local_path, created_at) "
        "VALUES (?1, 'image', ?2, ?3, 1)";
    GEBI_RETURN_IF_ERROR(tx.Run(kMedia, ticket, "m1", "media/ab/abcd.jpg"));
    good = tx.LastInsertId();
    GEBI_RETURN_IF_ERROR(tx.Run(kMedia, ticket, "m2", "media/../../secret.jpg"));
    outside = tx.LastInsertId();
    GEBI_RETURN_IF_ERROR(tx.Run(kMedia, ticket, "m3", std::optional<std::string>()));
    pending = tx.LastInsertId();
    return Status::Ok();
  }));
  const std::string base = "/api/v1/tickets/" + std::to_string(ticket) + "/photos/";
  auto r = c7.Get(base + std::to_string(good));
  REQUIRE(r->status == 200);
  CHECK(r->body == jpeg);
  CHECK(r->get_header_value("Content-Type") == "image/jpeg");
  auto detail = Body(c7.Get("/api/v1/tickets/" + std::to_string(ticket)));
  REQUIRE(detail["media"].size() == 3);
  CHECK(detail["media"][0]["fetched"] == true);
  CHECK(detail["media"][2]["fetched"] == false);
  CHECK(c8.Get(base + std::to_string(good))->status == 403);     // another community's ticket
  CHECK(c7.Get(base + std::to_string(outside))->status == 404);  // not under media/
  CHECK(c7.Get(base + std::to_string(pending))->status == 404);  // not fetched yet
  CHECK(c7.Get(base + "999999")->status == 404);
  CHECK(c7.Get("/api/v1/tickets/999999/photos/" + std::to_string(good))->status == 404);
}

TEST_CASE_METHOD(SeededConsole,
                 "Pickers and lists by name: units, residents, notices with what to do",
                 "[integration][admin]") {
  AdminClient d(server.port()), c7(server.port());
  LogIn(server, d, "d", "district", org.district);
  LogIn(server, c7, "c7", "community", org.c7);
  auto units = Body(d.Get("/api/v1/units"))["units"];
  CHECK(units.size() == 4);  // two communities, a grid each
  auto own = Body(c7.Get("/api/v1/units"))["units"];
  REQUIRE(own.size() == 2);
  CHECK(own[0]["name"] == "七社区");
  REQUIRE_OK(server.app().db().WithTransaction([&](storage::Tx& tx) -> Status {
    return tx.Run(
        "INSERT INTO residents(openid, grid_id, name, building, room, joined_at, updated_at) "
        "VALUES ('o_a', ?1, '张三', '5幢', '301', 1, 1), ('o_b', ?2, '张四', '1幢', '1', 1, 1)",
        org.g71, org.g81);
  }));
  CHECK(Body(d.Get("/api/v1/residents?q=%E5%BC%A0"))["residents"].size() == 2);  // 张
  auto found = Body(c7.Get("/api/v1/residents?q=301"))["residents"];
  REQUIRE(found.size() == 1);
  CHECK(found[0]["name"] == "张三");
  CHECK(Body(c7.Get("/api/v1/residents?q=%25"))["residents"].empty());  // % is literal
  CHECK(c7.Get("/api/v1/residents?q=" + std::string(100, 'x'))->status == 400);
  // No AppSecret in the test config: the page says pushes cannot leave and what to do.
  auto n = Body(d.Get("/api/v1/notices"));
  REQUIRE(n["problems"].size() == 1);
  CHECK(n["problems"][0].get<std::string>().find("AppSecret") != std::string::npos);
  CHECK(n["counts"].is_object());
}

}  // namespace
}  // namespace gebi::testing
