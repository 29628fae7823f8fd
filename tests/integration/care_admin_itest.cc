// The console's 关爱 page over the real server: a family request made by chat approved through
// /api/v1 by the community's account, a volunteer assigned and unassigned there, elders added
// (into a care circle, or a new "<称呼>关爱圈"), the month's relays and thanks, and the numbers
// per community; another community's account neither sees nor changes any of it (database
// unchanged); bad input is refused naming its field.
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

TEST_CASE("The console's 关爱 page approves family and assigns volunteers in its community only",
          "[integration][care][admin]") {
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
  auto count = [&](const std::string& sql) {
    int64_t n = -1;
    REQUIRE_OK(app.db().WithRead([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryInt(sql));
      n = v.value_or(0);
      return Status::Ok();
    }));
    return n;
  };
  auto snapshot = [&]() {
    std::string out;
    for (const char* t :
         {"circles", "circle_members", "care_elders", "care_links", "outbox", "admin_audit"}) {
      out += std::to_string(count(std::string("SELECT COUNT(*) FROM ") + t)) + ",";
    }
    return out + std::to_string(
                     count("SELECT COUNT(*) FROM circle_join_requests WHERE status = 'pending'"));
  };
  int64_t circle_id = 0;
  std::string code;
  REQUIRE_OK(app.db().WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto c, storage::CircleByName(tx, "金阿婆关爱圈"));
    REQUIRE(c);
    circle_id = c->id;
    code = c->invite_code;
    return Status::Ok();
  }));
  REQUIRE(say("o_demo_resident", "加入圈子 " + code + " 金阿婆家属").find("作为金阿婆的家属") !=
          std::string::npos);
  const int64_t request = count("SELECT MAX(id) FROM circle_join_requests");
  const int64_t jin = count("SELECT id FROM care_elders WHERE name = '金阿婆'");
  const std::string req = "/api/v1/care/requests/" + std::to_string(request);
  const std::string vols = "/api/v1/care/elders/" + std::to_string(jin) + "/volunteers";

  ConsoleSession mine(server, "guigan", "community", gg);
  ConsoleSession other(server, "linou", "community", lo);

  SECTION("the page: family, volunteers, the request waiting, assignable volunteers") {
    auto [st, page] = mine.GetJson("/api/v1/care");
    REQUIRE(st == 200);
    REQUIRE(page["elders"].size() == 1);
    const json& e = page["elders"][0];
    CHECK(e["name"] == "金阿婆");
    CHECK(e["circle"] == "金阿婆关爱圈");
    CHECK(e["invite_code"] == code);
    CHECK(e["editable"] == true);
    CHECK(e["linked_resident"] == true);
    REQUIRE(e["family"].size() == 1);
    CHECK(e["family"][0]["name"] == "金晓燕（金阿婆女儿）");
    REQUIRE(e["volunteers"].size() == 1);
    CHECK(e["volunteers"][0]["name"] == "施青松");
    REQUIRE(e["pending"].size() == 1);
    CHECK(e["pending"][0]["name"] == "金阿婆家属");
    bool cleaner = false;
    for (const auto& v : page["volunteers"]) {
      cleaner = cleaner || (v["name"] == "江炳文" && v["community_id"] == gg);
    }
    CHECK(cleaner);
    REQUIRE(page["circles"].size() == 1);
    CHECK(page["circles"][0]["id"] == circle_id);
    // Another community sees none of it.
    auto [o1, theirs] = other.GetJson("/api/v1/care");
    CHECK(o1 == 200);
    CHECK(theirs["elders"].empty());
    CHECK(theirs["volunteers"].empty());
    CHECK(theirs["circles"].empty());
  }

  SECTION("another community is refused and changes nothing") {
    const std::string before = snapshot();
    CHECK(other.PostJson(req, {{"approve", true}}).first == 403);
    CHECK(other.PostJson(vols, {{"openid", "o_demo_cleaner"}, {"assign", true}}).first == 403);
    CHECK(other.PostJson("/api/v1/care/elders", {{"circle_id", circle_id}, {"elder_name", "李奶奶"}})
              .first == 403);
    CHECK(snapshot() == before);
  }

  SECTION("bad input is named, unknown ids are 404, nothing changes") {
    const std::string before = snapshot();
    auto [b1, bad1] =
        mine.PostJson("/api/v1/care/elders", {{"circle_id", circle_id}, {"elder_name", ""}});
    CHECK(b1 == 400);
    CHECK(bad1["field"] == "elder_name");
    auto [b2, bad2] =
        mine.PostJson("/api/v1/care/elders",
                  {{"circle_id", circle_id}, {"elder_name", "金阿婆金阿婆金阿婆金阿婆金"}});
    CHECK(b2 == 400);
    CHECK(bad2["field"] == "elder_name");
    auto [b3, bad3] =
        mine.PostJson("/api/v1/care/elders", {{"circle_id", "x"}, {"elder_name", "李奶奶"}});
    CHECK(b3 == 400);
    CHECK(bad3["field"] == "circle_id");
    CHECK(mine.PostJson("/api/v1/care/elders", {{"circle_id", circle_id}, {"elder_name", "金阿婆"}})
              .first == 409);
    auto [b4, bad4] = mine.PostJson(req, {{"approve", false}});
    CHECK(b4 == 400);
    CHECK(bad4["field"] == "reason");
    CHECK(mine.PostJson(req, json::object()).first == 400);
    CHECK(mine.PostJson("/api/v1/care/requests/999", {{"approve", true}}).first == 404);
    CHECK(mine.PostJson(vols, {{"openid", "o_demo_jin"}, {"assign", true}}).first == 404);
    CHECK(mine.PostJson(vols, {{"openid", "o_demo_volunteer"}, {"assign", true}}).first == 409);
    CHECK(mine.PostJson(vols, {{"openid", "o_demo_cleaner"}, {"assign", false}}).first == 404);
    CHECK(mine.PostJson("/api/v1/care/elders/999/volunteers",
                    {{"openid", "o_demo_cleaner"}, {"assign", true}})
              .first == 404);
    CHECK(snapshot() == before);
  }

  SECTION("approve, assign, unassign, add elders; each as in chat and audited") {
    CHECK(mine.PostJson(req, {{"approve", true}}).first == 200);
    CHECK(count("SELECT COUNT(*) FROM care_links WHERE openid = 'o_demo_resident' AND role = "
                "'family'") == 1);
    CHECK(count("SELECT COUNT(*) FROM outbox WHERE recipient = 'o_demo_resident' AND kind = "
                "'circle_join_result'") == 1);
    CHECK(mine.PostJson(req, {{"approve", true}}).first == 409);
    CHECK(mine.PostJson(vols, {{"openid", "o_demo_cleaner"}, {"assign", true}}).first == 200);
    CHECK(count("SELECT COUNT(*) FROM outbox WHERE recipient = 'o_demo_cleaner' AND kind = "
                "'care_assigned'") == 1);
    CHECK(say("o_demo_cleaner", "关爱 金阿婆 帮她买了菜").find("2 位家属") != std::string::npos);
    CHECK(mine.PostJson(vols, {{"openid", "o_demo_cleaner"}, {"assign", false}}).first == 200);
    CHECK(say("o_demo_cleaner", "关爱 金阿婆 又来了").find("还没有被指派") != std::string::npos);
    auto [a1, added] =
        mine.PostJson("/api/v1/care/elders", {{"circle_id", 0}, {"elder_name", "王阿公"}});
    CHECK(a1 == 200);
    CHECK(count("SELECT COUNT(*) FROM circles WHERE name = '王阿公关爱圈' AND kind = "
                "'elderly_care' AND unit_id = " +
                std::to_string(gg)) == 1);
    CHECK(mine.PostJson("/api/v1/care/elders", {{"circle_id", circle_id}, {"elder_name", "李奶奶"}})
              .first == 200);
    CHECK(mine.GetJson("/api/v1/care").second["elders"].size() == 3);
    for (const char* action : {"care.family_approve", "care.volunteer_assign",
                               "care.volunteer_unassign", "care.elder_add"}) {
      CAPTURE(action);
      CHECK(count(std::string("SELECT COUNT(*) FROM admin_audit WHERE action = '") + action +
                  "'") >= 1);
    }
    // The month's numbers and 数据: one relay, thanked once by the daughter.
    CHECK(say("o_demo_jin_family", "谢谢").find("江炳文") != std::string::npos);
    auto [s1, page] = mine.GetJson("/api/v1/care");
    CHECK(s1 == 200);
    for (const auto& e : page["elders"]) {
      if (e["name"] != "金阿婆") continue;
      CHECK(e["relays_month"] == 1);
      CHECK(e["thanks_month"] == 1);
    }
    auto [n1, nums] = mine.GetJson("/api/v1/stats/care");
    CHECK(n1 == 200);
    REQUIRE(nums["communities"].size() == 1);
    CHECK(nums["communities"][0]["community"] == "桂柑社区");
    CHECK(nums["communities"][0]["relays"] == 1);
    CHECK(nums["communities"][0]["thanks"] == 1);
    CHECK(other.GetJson("/api/v1/stats/care").second["communities"].empty());
  }
}

}  // namespace
}  // namespace gebi::testing
