// The console's moderation pages (S10) through the admin API on the real server: the 审核
// queue scoped to the admin's community with names, never openids; 放行 / 驳回 with the chat
// commands' effect (a suggestion answer held from the console included); strikes listed and
// lifted; categories edited only by the district, with a huge pattern, a bad RE2 pattern, too
// many lines and unknown fields refused naming the field and changing nothing; an edit applies
// to the next relay at once (the compiled set follows the version); every write audited.
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "handlers/admin/auth.h"
#include "handlers/org/demo_data.h"
#include "storage/org_store.h"
#include "tests/support/handler_env.h"
#include "tests/support/console_session.h"
#include "tests/support/test_env.h"

namespace gebi::testing {
namespace {

using nlohmann::json;

struct Demo {
  Demo() : clock(SystemClock().NowSeconds()) {
    auto config = TestConfig(dir, /*with_aes=*/false);
    config.server.timestamp_window_seconds = 10 * 365 * 24 * 3600;
    config.limits.messages_per_minute = 0;
    server = std::make_unique<TestServer>(config, &clock);
    REQUIRE_OK(server->app().db().WithTransaction([&](storage::Tx& tx) -> Status {
      std::string report;
      GEBI_RETURN_IF_ERROR(handlers::SeedDemo(tx, clock.NowSeconds(), &report));
      for (auto [code, out] :
           {std::pair<const char*, int64_t*>{"GG", &gg}, {"LO", &lo}, {"LC", &district}}) {
        GEBI_ASSIGN_OR_RETURN(auto u, storage::GetUnitByCode(tx, code));
        if (!u) return Status::NotFound(code);
        *out = u->id;
      }
      return Status::Ok();
    }));
  }
  std::string Say(const std::string& openid, const std::string& text) {
    auto r = server->Client().SendText(openid, text);
    REQUIRE_RESULT_OK(r);
    return r->Text();
  }
  int64_t Count(const std::string& sql) {
    int64_t n = -1;
    REQUIRE_OK(server->app().db().WithRead([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryInt(sql));
      n = v.value_or(0);
      return Status::Ok();
    }));
    return n;
  }
  // What the console's writes change: a refusal leaves it as it was.
  std::string Snapshot() {
    std::string out;
    for (const char* sql :
         {"SELECT COUNT(*) FROM held_items WHERE status = 'held'",
          "SELECT COUNT(*) FROM moderation_strikes WHERE status = 'active'",
          "SELECT COUNT(*) FROM outbox", "SELECT COUNT(*) FROM admin_audit",
          "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'moderation_version'",
          "SELECT SUM(length(keywords) + length(patterns) + enabled) FROM "
          "moderation_categories"}) {
      out += std::to_string(Count(sql)) + ",";
    }
    return out;
  }

  TempDir dir;
  FakeClock clock;
  std::unique_ptr<TestServer> server;
  int64_t gg = 0, lo = 0, district = 0;
};

TEST_CASE("Console moderation: the queue in scope, release and reject, strikes lifted",
          "[integration][moderation][admin]") {
  Demo d;
  ConsoleSession gg(*d.server, "gg_admin", "community", d.gg);
  ConsoleSession lo(*d.server, "lo_admin", "community", d.lo);
  CHECK(Has(d.Say("o_demo_jin", "停车 浙C12345 门口，车主是个王八蛋"), "「人身攻击」"));

  auto queue = Body(gg.Get("/api/v1/moderation/queue"));
  INFO(queue.dump());
  REQUIRE(queue["items"].size() == 1);
  const json& item = queue["items"][0];
  CHECK(item["sender_name"] == "金阿婆");
  CHECK(item["rule"] == "人身攻击");
  CHECK(item["kind_label"] == "停车反映");
  CHECK(item["editable"] == true);
  CHECK(queue.dump().find("o_demo") == std::string::npos);
  CHECK(Body(lo.Get("/api/v1/moderation/queue"))["items"].empty());
  CHECK(gg.Get("/api/v1/moderation/queue?status=whatever")->status == 400);

  // Another community's admin, an unknown id, a bad action: refused, nothing changes.
  std::string before = d.Snapshot();
  CHECK(lo.Post("/api/v1/moderation/held/1/release", json::object())->status == 403);
  CHECK(gg.Post("/api/v1/moderation/held/99/release", json::object())->status == 404);
  CHECK(gg.Post("/api/v1/moderation/held/1/reject", {{"reason", std::string(400, 'x')}})->status ==
        400);
  CHECK(d.Snapshot() == before);

  auto released = Body(gg.Post("/api/v1/moderation/held/1/release", json::object()));
  CHECK(released["count"] == 1);  // the community's office
  CHECK(d.Count("SELECT COUNT(*) FROM outbox WHERE kind = 'parking_new'") == 1);
  before = d.Snapshot();
  CHECK(gg.Post("/api/v1/moderation/held/1/reject", json::object())->status == 409);
  CHECK(d.Snapshot() == before);
  CHECK(d.Count("SELECT COUNT(*) FROM admin_audit WHERE action = 'moderation.release' AND "
                "account_name = 'gg_admin' AND after LIKE '%released%'") == 1);

  // A suggestion answered from the console is screened like one answered in chat.
  CHECK(Has(d.Say("o_demo_jin", "建议 晚上巡逻的喇叭太响了"), "编号 1"));
  auto answered = Body(gg.Post("/api/v1/suggestions/1/answer",
                               {{"action", "reply"}, {"message", "刷单返利了解一下"}}));
  CHECK(answered["held_id"] == 2);
  CHECK(d.Count("SELECT COUNT(*) FROM suggestions WHERE status = 'open'") == 1);
  auto rejected =
      Body(gg.Post("/api/v1/moderation/held/2/reject", {{"reason", "答复写错了，重写一条"}}));
  CHECK(rejected["strikes"] == 0);  // an admin's answer is no one's strike
  CHECK(d.Count("SELECT COUNT(*) FROM suggestions WHERE status = 'open'") == 1);

  // A resident's rejected relay: a strike, listed by name and lifted (ending its mute).
  CHECK(Has(d.Say("o_demo_jin", "停车 浙C54321 东门，傻逼司机"), "「人身攻击」"));
  auto strike = Body(gg.Post("/api/v1/moderation/held/3/reject", {{"reason", "请文明用语"}}));
  CHECK(strike["strikes"] == 1);
  auto violations = Body(gg.Get("/api/v1/moderation/violations"));
  INFO(violations.dump());
  REQUIRE(violations["strikes"].size() == 1);
  CHECK(violations["strikes"][0]["name"] == "金阿婆");
  CHECK(violations.dump().find("o_demo") == std::string::npos);
  CHECK(Body(lo.Get("/api/v1/moderation/violations"))["strikes"].empty());
  const int64_t strike_id = violations["strikes"][0]["id"].get<int64_t>();
  const std::string lift = "/api/v1/moderation/strikes/" + std::to_string(strike_id) + "/lift";
  before = d.Snapshot();
  CHECK(lo.Post(lift, json::object())->status == 403);
  CHECK(d.Snapshot() == before);
  CHECK(gg.Post(lift, json::object())->status == 200);
  CHECK(gg.Post(lift, json::object())->status == 409);
  CHECK(d.Count("SELECT COUNT(*) FROM moderation_strikes WHERE status = 'lifted'") == 1);
  CHECK(d.Count("SELECT COUNT(*) FROM admin_audit WHERE action = 'moderation.lift_strike'") == 1);
}

TEST_CASE("Console moderation rules: the district edits, bad patterns are named, edits apply",
          "[integration][moderation][admin]") {
  Demo d;
  ConsoleSession gg(*d.server, "gg_admin", "community", d.gg);
  ConsoleSession all(*d.server, "district_admin", "district", d.district);
  auto page = Body(all.Get("/api/v1/moderation/categories"));
  REQUIRE(page["categories"].size() == 10);
  CHECK(page["editable"] == true);
  CHECK(Body(gg.Get("/api/v1/moderation/categories"))["editable"] == false);
  const json ads = page["categories"][0];
  const std::string path = "/api/v1/moderation/categories/" + std::to_string(ads["id"].get<int>());

  const std::string before = d.Snapshot();
  CHECK(gg.Put(path, {{"enabled", false}})->status == 403);  // shared by every community
  auto bad = Body(all.Put(path, {{"patterns", "(unclosed"}}));
  CHECK(bad["field"] == "patterns");
  CHECK(bad["error"].get<std::string>().find("缺少 )") != std::string::npos);
  bad = Body(all.Put(path, {{"patterns", "ok\n(a+)\\1"}}));
  CHECK(bad["error"].get<std::string>().find("第 2 行") != std::string::npos);
  bad = Body(all.Put(path, {{"patterns", std::string(300, 'a')}}));
  CHECK(bad["field"] == "patterns");
  CHECK(bad["error"].get<std::string>().find("太长") != std::string::npos);
  CHECK(all.Put(path, {{"keywords", std::string(20000, 'a')}})->status == 400);
  std::string many;
  for (int i = 0; i < 60; ++i) many += "词" + std::to_string(i) + "\n";
  bad = Body(all.Put(path, {{"keywords", many}}));
  CHECK(bad["field"] == "keywords");
  CHECK(Body(all.Put(path, {{"owner", "x"}}))["field"] == "owner");
  CHECK(Body(all.Put(path, {{"title", ""}}))["field"] == "title");
  CHECK(Body(all.Put(path, {{"enabled", "yes"}}))["field"] == "enabled");
  CHECK(all.Put("/api/v1/moderation/categories/999", {{"enabled", false}})->status == 404);
  CHECK(d.Snapshot() == before);

  // Before the edit a text passes; after it, the very next relay is held (no restart).
  CHECK(Has(d.Say("o_demo_jin", "停车 浙C12345 门口，团购接龙看这里"), "已通知社区"));
  auto tried = Body(all.Post("/api/v1/moderation/try", {{"text", "团购接龙看这里"}}));
  CHECK(tried["hit"] == false);
  REQUIRE(
      all.Put(path, {{"keywords", ads["keywords"].get<std::string>() + "\n团购接龙"}})->status ==
      200);
  tried = Body(all.Post("/api/v1/moderation/try", {{"text", "团购接龙看这里"}}));
  CHECK(tried["hit"] == true);
  CHECK(tried["rule"] == "广告");
  CHECK(Has(d.Say("o_demo_jin", "停车 浙C54321 东门，团购接龙看这里"), "「广告」"));
  CHECK(d.Count("SELECT COUNT(*) FROM admin_audit WHERE action = 'moderation.category' AND "
                "account_name = 'district_admin'") == 1);
  // Disabled: it passes again.
  REQUIRE(all.Put(path, {{"enabled", false}})->status == 200);
  CHECK(Has(d.Say("o_demo_jin", "停车 浙C11111 北门，团购接龙看这里"), "已通知社区"));
  // The tester caps what it takes.
  CHECK(all.Post("/api/v1/moderation/try", {{"text", ""}})->status == 400);
  CHECK(all.Post("/api/v1/moderation/try", {{"text", std::string(7000, 'a')}})->status == 400);
}

}  // namespace
}  // namespace gebi::testing
