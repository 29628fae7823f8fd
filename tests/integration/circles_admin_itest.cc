// The console's circles, notices and recruitments over the real server: a circle and a notice
// made by chat, then read, reminded, withdrawn and managed through /api/v1 by the community's
// account; another community's account neither sees nor changes them (database unchanged);
// bad input is refused naming its field; the receipt rate per community.
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "handlers/admin/auth.h"
#include "handlers/org/demo_data.h"
#include "storage/circle_store.h"
#include "storage/org_store.h"
#include "tests/support/console_session.h"
#include "tests/support/test_env.h"

namespace gebi::testing {
namespace {

using nlohmann::json;

TEST_CASE("The console reads, reminds and withdraws notices in its own community only",
          "[integration][circles][admin]") {
  TempDir dir;
  bot::Config config = TestConfig(dir, /*with_aes=*/false);
  config.limits.messages_per_minute = 0;
  TestServer server(config);
  bot::App& app = server.app();
  int64_t gg = 0, lo = 0;
  REQUIRE_OK(app.db().WithTransaction([&](storage::Tx& tx) -> Status {
    std::string report;
    GEBI_RETURN_IF_ERROR(handlers::SeedDemo(tx, app.clock().NowSeconds(), &report));
    GEBI_ASSIGN_OR_RETURN(auto a, storage::GetUnitByCode(tx, "GG"));
    GEBI_ASSIGN_OR_RETURN(auto b, storage::GetUnitByCode(tx, "LO"));
    REQUIRE((a && b));
    gg = a->id;
    lo = b->id;
    return Status::Ok();
  }));
  auto chat = server.Client();
  auto say = [&](const std::string& who, const std::string& text) {
    auto r = chat.SendText(who, text);
    REQUIRE_RESULT_OK(r);
    return r->Text();
  };
  REQUIRE(say("o_demo_worker1", "建圈 楼栋 5幢邻里群").find("已建好") != std::string::npos);
  int64_t circle_id = 0;
  std::string code;
  REQUIRE_OK(app.db().WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto c, storage::CircleByName(tx, "5幢邻里群"));
    REQUIRE(c);
    circle_id = c->id;
    code = c->invite_code;
    return Status::Ok();
  }));
  for (const char* who : {"o_demo_jin", "o_demo_floorleader", "o_demo_volunteer"}) {
    REQUIRE(say(who, "加入圈子 " + code).find("您已加入") != std::string::npos);
  }
  REQUIRE(say("o_demo_worker1", "通知 5幢邻里群 周六停水").find("共 3 人") != std::string::npos);
  REQUIRE(say("o_demo_worker1", "是").find("通知 1号 已发出") != std::string::npos);
  REQUIRE(say("o_demo_jin", "收到").find("通知 1") != std::string::npos);
  REQUIRE(say("o_demo_worker1", "招募 1 周六录节目 @5幢邻里群").find("招募 1号") !=
          std::string::npos);
  REQUIRE(say("o_demo_jin", "报名 1").find("报名成功") != std::string::npos);
  REQUIRE(say("o_demo_volunteer", "报名 1").find("候补第 1 位") != std::string::npos);

  ConsoleSession mine(server, "guigan", "community", gg);
  ConsoleSession other(server, "linou", "community", lo);
  const std::string cid = std::to_string(circle_id);

  SECTION("lists: circles, notices with receipts, recruitments, numbers") {
    auto [st, circles] = mine.GetJson("/api/v1/circles");
    REQUIRE(st == 200);
    bool found = false;
    for (const auto& c : circles["circles"]) {
      if (c["name"] != "5幢邻里群") continue;
      found = true;
      CHECK(c["invite_code"] == code);
      CHECK(c["member_count"] == 4);
      CHECK(c["editable"] == true);
    }
    CHECK(found);
    auto [st2, notices] = mine.GetJson("/api/v1/circle-notices");
    REQUIRE(st2 == 200);
    REQUIRE(notices["notices"].size() == 1);
    CHECK(notices["notices"][0]["received"] == 1);
    CHECK(notices["notices"][0]["recipients"] == 3);
    auto [st3, rec] = mine.GetJson("/api/v1/recruitments");
    REQUIRE(st3 == 200);
    REQUIRE(rec["recruitments"].size() == 1);
    CHECK(rec["recruitments"][0]["signed_up"] == 1);
    CHECK(rec["recruitments"][0]["waiting"] == 1);
    auto [st4, nums] = mine.GetJson("/api/v1/stats/circle-notices");
    REQUIRE(st4 == 200);
    REQUIRE(nums["communities"].size() == 1);
    CHECK(nums["communities"][0]["community"] == "桂柑社区");
    CHECK(nums["communities"][0]["received"] == 1);
    // Another community sees none of it.
    auto [o1, oc] = other.GetJson("/api/v1/circles");
    CHECK(o1 == 200);
    for (const auto& c : oc["circles"]) CHECK(c["name"] != "5幢邻里群");
    CHECK(other.GetJson("/api/v1/circle-notices").second["notices"].empty());
    CHECK(other.GetJson("/api/v1/recruitments").second["recruitments"].empty());
    CHECK(other.GetJson("/api/v1/stats/circle-notices").second["communities"].empty());
  }

  SECTION("remind once, withdraw once; another community is refused and changes nothing") {
    CHECK(other.PostJson("/api/v1/circle-notices/1/remind", json::object()).first == 403);
    CHECK(other.PostJson("/api/v1/circle-notices/1/withdraw", json::object()).first == 403);
    CHECK(other.PutJson("/api/v1/circles/" + cid, {{"join_mode", "approval"}}).first == 403);
    CHECK(other
              .PostJson("/api/v1/circles/" + cid + "/managers",
                    {{"openid", "o_demo_jin"}, {"manager", true}})
              .first == 403);
    auto [st, n] = mine.GetJson("/api/v1/circle-notices");
    CHECK(n["notices"][0]["reminded"] == false);
    CHECK(n["notices"][0]["status"] == "sent");

    auto [r1, reminded] = mine.PostJson("/api/v1/circle-notices/1/remind", json::object());
    CHECK(r1 == 200);
    CHECK(reminded["reminded"] == 2);
    CHECK(mine.PostJson("/api/v1/circle-notices/1/remind", json::object()).first == 409);
    auto [w1, withdrawn] = mine.PostJson("/api/v1/circle-notices/1/withdraw", json::object());
    CHECK(w1 == 200);
    CHECK(withdrawn["cancelled"].get<int>() + withdrawn["told"].get<int>() >= 3);
    CHECK(mine.PostJson("/api/v1/circle-notices/1/withdraw", json::object()).first == 409);
    CHECK(mine.PostJson("/api/v1/circle-notices/99/withdraw", json::object()).first == 404);
  }

  SECTION("managers and settings, with bad input named") {
    auto [m1, made] = mine.PostJson("/api/v1/circles/" + cid + "/managers",
                                {{"openid", "o_demo_jin"}, {"manager", true}});
    CHECK(m1 == 200);
    // 金阿婆 now runs the circle: she may send a notice by chat.
    CHECK(say("o_demo_jin", "通知 5幢邻里群 明天打扫楼道").find("共 3 人") != std::string::npos);
    CHECK(mine.PostJson("/api/v1/circles/" + cid + "/managers",
                    {{"openid", "o_demo_worker1"}, {"manager", false}})
              .first == 409);  // the owner stays
    CHECK(mine.PostJson("/api/v1/circles/" + cid + "/managers",
                    {{"openid", "o_nobody"}, {"manager", true}})
              .first == 404);
    auto [b1, bad] = mine.PostJson("/api/v1/circles/" + cid + "/managers", {{"openid", "o_demo_jin"}});
    CHECK(b1 == 400);
    CHECK(bad["field"] == "manager");
    auto [b2, bad2] = mine.PutJson("/api/v1/circles/" + cid, {{"join_mode", "anyone"}});
    CHECK(b2 == 400);
    CHECK(bad2["field"] == "join_mode");
    auto [b3, bad3] = mine.PutJson("/api/v1/circles/" + cid,
                               {{"join_mode", "open"}, {"convention", std::string(400 * 3, 'a')}});
    CHECK(b3 == 400);
    CHECK(bad3["field"] == "convention");
    auto [u1, ok] = mine.PutJson("/api/v1/circles/" + cid,
                             {{"join_mode", "approval"}, {"convention", "实名加入，互相帮忙。"}});
    CHECK(u1 == 200);
    REQUIRE_OK(app.db().WithRead([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(auto c, storage::GetCircleInfo(tx, circle_id));
      REQUIRE(c);
      CHECK(c->join_mode == "approval");
      CHECK(c->convention == "实名加入，互相帮忙。");
      return Status::Ok();
    }));
    CHECK(say("o_demo_massage", "加入圈子 " + code).find("已提交加入") != std::string::npos);
  }
}

}  // namespace
}  // namespace gebi::testing
