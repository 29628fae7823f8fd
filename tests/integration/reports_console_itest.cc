// The console's suggestions (S9), parking (S8) and looking-back (S11) pages through the admin
// API on the real server: each admin sees and changes only their community; answers and
// confirmations reach the people as pushes; refusals change nothing; the message record is
// searched, shown as a conversation and exported as kept (masked), safe for spreadsheets.
#include <httplib.h>

#include <map>
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
  std::string Text(const std::string& sql) {
    std::string s;
    REQUIRE_OK(server->app().db().WithRead([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryText(sql));
      s = v.value_or("");
      return Status::Ok();
    }));
    return s;
  }

  TempDir dir;
  FakeClock clock;
  std::unique_ptr<TestServer> server;
  int64_t gg = 0, lo = 0, district = 0;
};

TEST_CASE(
    "Console suggestions: scoped list, overdue first, answers pushed, refusals change "
    "nothing, answered on time per community",
    "[integration][suggestions][admin]") {
  Demo d;
  CHECK(Has(d.Say("o_demo_jin", "建议 晚上巡逻的喇叭太响了"), "编号 1"));
  d.clock.Advance(8 * 86400);
  CHECK(Has(d.Say("o_demo_cleaner", "建议 菜场门口多放两个垃圾桶"), "编号 2"));
  // Logged in now: a session ends after 7 days.
  ConsoleSession gg(*d.server, "gg_admin", "community", d.gg);
  ConsoleSession lo(*d.server, "lo_admin", "community", d.lo);
  ConsoleSession all(*d.server, "district_admin", "district", d.district);

  auto listed = Body(gg.Get("/api/v1/suggestions"));
  INFO(listed.dump());
  auto list = listed["suggestions"];
  REQUIRE(list.size() == 2);
  CHECK(list[0]["id"] == 1);  // overdue first, although older
  CHECK(list[0]["overdue"] == true);
  CHECK(list[0]["author_name"] == "金阿婆");
  CHECK(list[1]["overdue"] == false);
  CHECK(Body(lo.Get("/api/v1/suggestions"))["suggestions"].empty());
  CHECK(Body(all.Get("/api/v1/suggestions"))["suggestions"].size() == 2);

  const int64_t outbox = d.Count("SELECT COUNT(*) FROM outbox");
  auto r = lo.Post("/api/v1/suggestions/1/answer", {{"action", "reply"}, {"message", "好的"}});
  CHECK(r->status == 403);
  r = gg.Post("/api/v1/suggestions/1/answer", {{"action", "decline"}, {"message", "  "}});
  CHECK(r->status == 400);
  CHECK(Body(r)["field"] == "message");
  r = gg.Post("/api/v1/suggestions/1/answer", {{"action", "delete"}, {"message", "x"}});
  CHECK(r->status == 400);
  CHECK(Body(r)["field"] == "action");
  r = gg.Post("/api/v1/suggestions/1/answer",
              {{"action", "reply"}, {"message", std::string(700, 'x')}});
  CHECK(r->status == 400);
  CHECK(gg.Post("/api/v1/suggestions/99/answer", {{"action", "adopt"}})->status == 404);
  CHECK(d.Count("SELECT COUNT(*) FROM outbox") == outbox);
  CHECK(d.Count("SELECT COUNT(*) FROM suggestions WHERE status <> 'open'") == 0);

  r = gg.Post("/api/v1/suggestions/2/answer", {{"action", "adopt"}, {"message", "明天就放"}});
  CHECK(r->status == 200);
  CHECK(d.Count("SELECT COUNT(*) FROM outbox WHERE recipient = 'o_demo_cleaner' AND "
                "kind = 'suggestion_answer' AND payload LIKE '%明天就放%'") == 1);
  CHECK(d.Count("SELECT COUNT(*) FROM admin_audit WHERE action = 'suggestion.adopt' AND "
                "account_name = 'gg_admin'") == 1);
  CHECK(gg.Post("/api/v1/suggestions/2/answer", {{"action", "decline"}, {"message", "改了"}})
            ->status == 409);
  CHECK(Has(d.Say("o_demo_cleaner", "我的建议"), "已采纳"));

  auto numbers = Body(all.Get("/api/v1/suggestions/numbers"))["communities"];
  REQUIRE(numbers.size() == 1);
  CHECK(numbers[0]["community"] == "桂柑社区");
  CHECK(numbers[0]["total"] == 2);
  CHECK(numbers[0]["answered"] == 1);
  CHECK(numbers[0]["on_time"] == 1);  // the adopted one; the overdue one is still open
  CHECK(Body(lo.Get("/api/v1/suggestions/numbers"))["communities"].empty());
}

TEST_CASE(
    "Console parking: plates confirmed in scope, reports without the reporter, spot "
    "sharing per community",
    "[integration][parking][admin]") {
  Demo d;
  ConsoleSession gg(*d.server, "gg_admin", "community", d.gg);
  ConsoleSession lo(*d.server, "lo_admin", "community", d.lo);
  CHECK(Has(d.Say("o_demo_volunteer", "我的车 浙C12345"), "已登记"));
  CHECK(Has(d.Say("o_demo_jin", "停车 浙C12345 3幢门口"), "第 1 号"));
  CHECK(Has(d.Say("o_demo_jin", "空位 3幢东边"), "已登记"));

  auto page = Body(gg.Get("/api/v1/parking"));
  REQUIRE(page["reports"].size() == 1);
  CHECK(page["reports"][0]["plate"] == "浙C12345");
  CHECK(page["reports"][0]["owner_known"] == false);  // registered, not yet confirmed
  CHECK(page["reports"][0].dump().find("o_demo_jin") == std::string::npos);
  CHECK(page["reports"][0].dump().find("金阿婆") == std::string::npos);
  REQUIRE(page["spots"].size() == 1);
  CHECK(page["spots"][0]["active"] == true);
  REQUIRE(page["plates"].size() == 1);
  const int64_t plate = page["plates"][0]["id"];
  CHECK(page["plates"][0]["owner_name"] == "施青松");
  CHECK(Body(lo.Get("/api/v1/parking"))["plates"].empty());

  const std::string path = "/api/v1/parking/plates/" + std::to_string(plate) + "/confirm";
  CHECK(lo.Post(path, json::object())->status == 403);
  CHECK(d.Text("SELECT status FROM car_plates") == "pending");
  CHECK(gg.Post(path, json::object())->status == 200);
  CHECK(d.Text("SELECT status FROM car_plates") == "confirmed");
  CHECK(d.Count("SELECT COUNT(*) FROM outbox WHERE recipient = 'o_demo_volunteer' AND "
                "kind = 'plate_confirmed'") == 1);
  CHECK(gg.Post(path, json::object())->status == 409);
  CHECK(gg.Post("/api/v1/parking/plates/999/confirm", json::object())->status == 404);

  // Spot sharing: only one's own community; a bad body is named.
  CHECK(lo.Post("/api/v1/parking/spot-sharing", {{"community_id", d.gg}, {"on", true}})->status ==
        403);
  auto bad = gg.Post("/api/v1/parking/spot-sharing", {{"community_id", d.gg}, {"on", "yes"}});
  CHECK(bad->status == 400);
  CHECK(Body(bad)["field"] == "on");
  CHECK(d.Count("SELECT COUNT(*) FROM parking_settings") == 0);
  CHECK(gg.Post("/api/v1/parking/spot-sharing", {{"community_id", d.gg}, {"on", true}})->status ==
        200);
  CHECK(d.Count("SELECT spots_to_car_owners FROM parking_settings WHERE community_id = " +
                std::to_string(d.gg)) == 1);
  CHECK(d.Count("SELECT COUNT(*) FROM admin_audit WHERE action = 'parking.spot_sharing'") == 1);
}

TEST_CASE(
    "Looking back: the record searched in scope, one conversation as a timeline and as "
    "CSV, masked as kept",
    "[integration][lookback][admin]") {
  Demo d;
  ConsoleSession gg(*d.server, "gg_admin", "community", d.gg);
  ConsoleSession lo(*d.server, "lo_admin", "community", d.lo);
  d.Say("o_demo_jin", "快递放在门口被人拿走了，我的电话13912345678");
  d.Say("o_demo_jin", "=HYPERLINK(\"http://x\")");
  d.Say("o_demo_jin", "建议 快递柜装在门口");
  d.Say("o_demo_cleaner", "快递员说放在了3幢");

  auto found = Body(
      gg.Get("/api/v1/lookback?text=" + httplib::detail::encode_query_param("快递")))["messages"];
  REQUIRE(found.size() == 3);
  CHECK(found[0]["name"] == "江炳文");  // newest first
  bool masked = false;
  for (const auto& m : found) {
    CHECK(m["content"].get<std::string>().find("13912345678") == std::string::npos);
    masked = masked || m["content"].get<std::string>().find("139****5678") != std::string::npos;
  }
  CHECK(masked);
  CHECK(Body(gg.Get("/api/v1/lookback?person=" + httplib::detail::encode_query_param("金阿婆") +
                    "&text=" + httplib::detail::encode_query_param("快递")))["messages"]
            .size() == 2);
  CHECK(Body(lo.Get("/api/v1/lookback?text=" +
                    httplib::detail::encode_query_param("快递")))["messages"]
            .empty());
  // Dates: nothing before the messages were written.
  CHECK(
      Body(gg.Get("/api/v1/lookback?to=" + std::to_string(d.clock.NowSeconds() - 3600)))["messages"]
          .empty());
  // LIKE wildcards are taken literally.
  CHECK(Body(gg.Get("/api/v1/lookback?text=%25"))["messages"].empty());
  CHECK(gg.Get("/api/v1/lookback?text=" + std::string(200, 'x'))->status == 400);
  CHECK(gg.Get("/api/v1/lookback?ticket=abc")->status == 400);

  CHECK(lo.Get("/api/v1/lookback/conversation?openid=o_demo_jin")->status == 403);
  CHECK(gg.Get("/api/v1/lookback/conversation")->status == 400);
  auto conv = Body(gg.Get("/api/v1/lookback/conversation?openid=o_demo_jin"));
  CHECK(conv["name"] == "金阿婆");
  std::map<std::string, int> kinds;
  for (const auto& e : conv["entries"]) kinds[e["kind"].get<std::string>()]++;
  CHECK(kinds["in"] == 3);
  CHECK(kinds["reply"] == 3);
  CHECK(conv.dump().find("13912345678") == std::string::npos);

  auto csv = gg.Get("/api/v1/lookback/conversation.csv?openid=o_demo_jin");
  REQUIRE(csv);
  REQUIRE(csv->status == 200);
  CHECK(csv->get_header_value("Content-Type").find("text/csv") == 0);
  CHECK(Has(csv->body, "时间（北京时间）,谁,内容"));
  CHECK(Has(csv->body, "金阿婆,快递放在门口被人拿走了"));
  CHECK(Has(csv->body, "139****5678"));
  CHECK(!Has(csv->body, "13912345678"));
  CHECK(Has(csv->body, "\"'=HYPERLINK(\"\"http://x\"\")\""));  // shown as text, never run
  CHECK(Has(csv->body, "公众号自动回复,建议已收到"));
  // The download is audited: whose record, by whom.
  const auto audit = Body(gg.Get("/api/v1/audit"))["audit"];
  REQUIRE_FALSE(audit.empty());
  CHECK(audit[0]["action"] == "lookback.export");
  CHECK(audit[0]["object"] == "person:金阿婆");
  CHECK(audit[0]["account"] == "gg_admin");
  // A refused export writes nothing.
  CHECK(lo.Get("/api/v1/lookback/conversation.csv?openid=o_demo_jin")->status == 403);
  CHECK(Body(gg.Get("/api/v1/audit"))["audit"].size() == audit.size());
}

}  // namespace
}  // namespace gebi::testing
