// The console's escalation board, deadline settings and API keys through the real admin API
// on loopback: the board per level with overdue first, the numbers, district-only settings and
// keys (community accounts refused, nothing changed), bad input named by field, audit rows.
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "handlers/admin/auth.h"
#include "handlers/org/demo_data.h"
#include "storage/ladder_store.h"
#include "storage/org_store.h"
#include "tests/support/console_session.h"
#include "tests/support/test_env.h"

namespace gebi::testing {
namespace {

using nlohmann::json;

struct World {
  World() : clock(SystemClock().NowSeconds()) {
    config = TestConfig(dir, false);
    config.server.timestamp_window_seconds = 10 * 365 * 24 * 3600;
    server = std::make_unique<TestServer>(config, &clock);
    REQUIRE_OK(server->app().db().WithTransaction([&](storage::Tx& tx) -> Status {
      std::string report;
      GEBI_RETURN_IF_ERROR(handlers::SeedDemo(tx, clock.NowSeconds(), &report));
      GEBI_ASSIGN_OR_RETURN(auto d, storage::GetUnitByCode(tx, "LC"));
      GEBI_ASSIGN_OR_RETURN(auto gg, storage::GetUnitByCode(tx, "GG"));
      GEBI_ASSIGN_OR_RETURN(auto lo, storage::GetUnitByCode(tx, "LO"));
      if (!d || !gg || !lo) return Status::NotFound("demo units LC, GG, LO");
      district = d->id;
      guigan = gg->id;
      lingou = lo->id;
      return Status::Ok();
    }));
  }
  std::string Say(const std::string& openid, const std::string& text) {
    auto r = server->Client().SendText(openid, text);
    REQUIRE_RESULT_OK(r);
    return r->Text();
  }
  int64_t Count(const std::string& sql) {
    int64_t n = 0;
    REQUIRE_OK(server->app().db().WithRead([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryInt(sql));
      n = v.value_or(0);
      return Status::Ok();
    }));
    return n;
  }

  TempDir dir;
  FakeClock clock;
  bot::Config config;
  std::unique_ptr<TestServer> server;
  int64_t district = 0, guigan = 0, lingou = 0;
};

TEST_CASE("Console ladder: the board per level, overdue first, numbers for the district",
          "[integration][admin][ladder]") {
  World w;
  w.Say("o_demo_floorleader", "报修 楼道灯坏了");
  const int64_t first = w.Count("SELECT MAX(id) FROM tickets");
  w.clock.Advance(3600);
  w.Say("o_demo_jin", "报修 水管漏水");
  const int64_t second = w.Count("SELECT MAX(id) FROM tickets");
  w.Say("o_demo_worker1", "升级 " + std::to_string(second) + " 要社区协调");
  w.clock.Advance(23 * 3600 + 1800);  // the first has waited 24.5 h at grid level: overdue

  ConsoleSession d(*w.server, "district_admin", "district", w.district);
  json b = Body(d.Get("/api/v1/ladder"));
  REQUIRE(b["district"] == true);
  REQUIRE(b["tickets"].size() == 2);
  REQUIRE(b["tickets"][0]["id"] == first);  // overdue first
  REQUIRE(b["tickets"][0]["overdue"] == true);
  REQUIRE(b["tickets"][0]["level"] == "grid");
  REQUIRE(b["tickets"][0]["waits_for"] == "claim");
  REQUIRE(b["tickets"][1]["id"] == second);
  REQUIRE(b["tickets"][1]["level"] == "community");
  REQUIRE(b["tickets"][1]["where"] == "桂柑社区");
  REQUIRE(b["tickets"][1]["overdue"] == false);
  REQUIRE(b["tickets"][1]["seconds_left"].get<int64_t>() > 0);
  REQUIRE(b["numbers"].size() == 4);
  REQUIRE(b["numbers"][0]["level"] == "grid");
  REQUIRE(b["numbers"][0]["active"] == 1);
  REQUIRE(b["numbers"][1]["active"] == 1);
  REQUIRE(b["numbers"][0]["stays"] == 1);  // the second's stay at grid ended by the hop
  REQUIRE(b["defaults"]["claim_hours"] == 24);

  // A community account sees its community's tickets only, and no settings.
  ConsoleSession lo(*w.server, "lingou", "community", w.lingou);
  json lb = Body(lo.Get("/api/v1/ladder"));
  REQUIRE(lb["tickets"].empty());
  REQUIRE(lb["district"] == false);
  REQUIRE(!lb.contains("numbers"));
  ConsoleSession gg(*w.server, "guigan", "community", w.guigan);
  REQUIRE(Body(gg.Get("/api/v1/ladder"))["tickets"].size() == 2);
}

TEST_CASE("Console ladder: deadlines and API keys are the district's, and bad input is named",
          "[integration][admin][ladder]") {
  World w;
  ConsoleSession d(*w.server, "district_admin", "district", w.district);
  ConsoleSession c(*w.server, "guigan", "community", w.guigan);
  const int64_t audit_before = w.Count("SELECT COUNT(*) FROM admin_audit");

  SECTION("deadlines") {
    auto r = c.Post("/api/v1/ladder/deadlines",
                    {{"category", "*"}, {"level", "grid"}, {"claim_hours", 2}, {"resolve_hours", 8}});
    REQUIRE(r->status == 403);
    REQUIRE(w.Count("SELECT COUNT(*) FROM escalation_deadlines") == 0);
    r = d.Post("/api/v1/ladder/deadlines",
               {{"category", "*"}, {"level", "grid"}, {"claim_hours", 0}, {"resolve_hours", 8}});
    REQUIRE(r->status == 400);
    REQUIRE(Body(r)["field"] == "claim_hours");
    r = d.Post("/api/v1/ladder/deadlines",
               {{"category", "*"}, {"level", "moon"}, {"claim_hours", 2}, {"resolve_hours", 8}});
    REQUIRE(Body(r)["field"] == "level");
    r = d.Post("/api/v1/ladder/deadlines", {{"category", "nosuch"},
                                            {"level", "grid"},
                                            {"claim_hours", 2},
                                            {"resolve_hours", 8}});
    REQUIRE(Body(r)["field"] == "category");
    r = d.Post("/api/v1/ladder/deadlines",
               {{"category", "gas"}, {"level", "grid"}, {"claim_hours", "两"}, {"resolve_hours", 8}});
    REQUIRE(Body(r)["field"] == "claim_hours");
    REQUIRE(w.Count("SELECT COUNT(*) FROM escalation_deadlines") == 0);
    REQUIRE(w.Count("SELECT COUNT(*) FROM admin_audit") == audit_before);
    r = d.Post("/api/v1/ladder/deadlines",
               {{"category", "gas"}, {"level", "grid"}, {"claim_hours", 1}, {"resolve_hours", 4}});
    REQUIRE(r->status == 200);
    json b = Body(d.Get("/api/v1/ladder"));
    REQUIRE(b["deadlines"].size() == 1);
    REQUIRE(b["deadlines"][0]["claim_hours"] == 1);
    REQUIRE(w.Count("SELECT COUNT(*) FROM admin_audit WHERE action = 'ladder.deadline'") == 1);
    r = d.Post("/api/v1/ladder/deadlines", {{"category", "gas"}, {"level", "grid"}, {"remove", true}});
    REQUIRE(r->status == 200);
    REQUIRE(w.Count("SELECT COUNT(*) FROM escalation_deadlines") == 0);
    r = d.Post("/api/v1/ladder/deadlines", {{"category", "gas"}, {"level", "grid"}, {"remove", true}});
    REQUIRE(r->status == 404);
  }
  SECTION("API keys") {
    REQUIRE(c.Get("/api/v1/apikeys")->status == 403);
    REQUIRE(c.Post("/api/v1/apikeys", {{"consumer", "x"}})->status == 403);
    REQUIRE(Body(d.Post("/api/v1/apikeys", {{"consumer", ""}}))["field"] == "consumer");
    json made = Body(d.Post("/api/v1/apikeys", {{"consumer", "区12345平台"}}));
    const std::string key = made["key"];
    REQUIRE(key.rfind("g311_", 0) == 0);
    REQUIRE(d.Post("/api/v1/apikeys", {{"consumer", "区12345平台"}})->status == 409);
    json keys = Body(d.Get("/api/v1/apikeys"));
    REQUIRE(keys["keys"].size() == 1);
    REQUIRE(keys["keys"][0]["prefix"] == key.substr(0, 9));
    REQUIRE(keys["keys"][0].dump().find(key) == std::string::npos);  // never shown again
    // The key works on the Open311 server, and its call counts on the console.
    httplib::Client open311("127.0.0.1", w.server->port());
    auto r = open311.Get("/open311/v2/requests.json", httplib::Params{{"api_key", key}},
                         httplib::Headers{});
    REQUIRE(r->status == 200);
    REQUIRE(Body(d.Get("/api/v1/apikeys"))["keys"][0]["calls_today"] == 1);
    REQUIRE(c.Post("/api/v1/apikeys/revoke", {{"consumer", "区12345平台"}})->status == 403);
    REQUIRE(d.Post("/api/v1/apikeys/revoke", {{"consumer", "区12345平台"}})->status == 200);
    REQUIRE(d.Post("/api/v1/apikeys/revoke", {{"consumer", "区12345平台"}})->status == 404);
    r = open311.Get("/open311/v2/requests.json", httplib::Params{{"api_key", key}},
                    httplib::Headers{});
    REQUIRE(r->status == 403);
    REQUIRE(w.Count("SELECT COUNT(*) FROM admin_audit WHERE action LIKE 'apikey.%'") == 2);
  }
}

}  // namespace
}  // namespace gebi::testing
