// Suggestions (S9) and parking (S8) through the real webhook server on loopback, with the fake
// WeChat API receiving the pushes: who is told what (each once), refusals that change nothing,
// overdue reminders once per period and plate variants, joined reports, the owner's push
// without the reporter's identity, and free spots expiring, all on a FakeClock.
#include <map>
#include <nlohmann/json.hpp>

#include "bot/maintenance.h"
#include "handlers/org/demo_data.h"
#include "storage/org_store.h"
#include "storage/parking_store.h"
#include "tests/support/fake_wechat.h"
#include "tests/support/handler_env.h"
#include "tests/support/test_env.h"

namespace gebi::testing {
namespace {

// The demo district on a real server with the fake WeChat API and a FakeClock.
class World {
 public:
  World() : clock_(SystemClock().NowSeconds()) {
    config_ = TestConfig(dir_, /*with_aes=*/false);
    config_.server.timestamp_window_seconds = 10 * 365 * 24 * 3600;
    config_.wechat.api_base = fake.base_url();
    config_.wechat.appsecret = "fake-secret";
    config_.push.http_timeout_seconds = 2;
    config_.limits.messages_per_minute = 0;  // the clock stands still between messages
    server_ = std::make_unique<TestServer>(config_, &clock_);
    REQUIRE_OK(app().db().WithTransaction([&](storage::Tx& tx) {
      std::string report;
      return handlers::SeedDemo(tx, clock_.NowSeconds(), &report);
    }));
  }

  bot::App& app() { return server_->app(); }
  FakeClock& clock() { return clock_; }

  std::string Say(const std::string& openid, const std::string& text) {
    auto r = server_->Client().SendText(openid, text);
    REQUIRE_RESULT_OK(r);
    REQUIRE(r->status == 200);
    return r->Text();
  }
  std::string Image(const std::string& openid, const std::string& media) {
    handlers::Message m;
    m.from_user = openid;
    m.msg_type = "image";
    m.msg_id = bot::ChatClient::NextMsgId();
    m.pic_url = "http://mmbiz.qpic.cn/" + media;
    m.media_id = media;
    auto r = server_->Client().Send(m, false);
    REQUIRE_RESULT_OK(r);
    return r->Text();
  }
  // Opens the 48 h customer-service window of each (they wrote to the account).
  void Open(std::initializer_list<std::string> who) {
    for (const auto& w : who) Say(w, "帮助");
  }
  // Sends everything due; returns what the fake API received since the last call, by openid.
  std::map<std::string, std::vector<std::string>> Drain() {
    for (int i = 0; i < 3; ++i) app().outbox_worker().DrainOnce();
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& d : fake.Deliveries()) out[d.touser].push_back(d.text);
    fake.ClearRecords();
    return out;
  }
  int64_t Count(const std::string& sql) {
    int64_t n = -1;
    REQUIRE_OK(app().db().WithRead([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryInt(sql));
      n = v.value_or(0);
      return Status::Ok();
    }));
    return n;
  }
  std::string Fingerprint() {
    std::string f;
    for (const char* t : {"suggestions", "parking_reports", "parking_reporters", "parking_spots",
                          "parking_media", "car_plates", "outbox", "conversations"}) {
      f += std::string(t) + "=" + std::to_string(Count(std::string("SELECT COUNT(*) FROM ") + t)) +
           " ";
    }
    f += "answers=" +
         std::to_string(Count("SELECT COUNT(*) FROM suggestions WHERE status <> 'open'"));
    return f;
  }

  FakeWeChat fake;

 private:
  TempDir dir_;
  FakeClock clock_;
  bot::Config config_;
  std::unique_ptr<TestServer> server_;
};

int Mentions(const std::vector<std::string>& texts, const std::string& needle) {
  int n = 0;
  for (const auto& t : texts) n += t.find(needle) != std::string::npos;
  return n;
}

TEST_CASE(
    "S9: a suggestion reaches the staff, is answered and pushed back, and overdue ones are "
    "pushed again once per period",
    "[integration][suggestions]") {
  World w;
  w.Open({"o_demo_jin", "o_demo_staff", "o_demo_staff_lo", "o_demo_worker1"});
  w.Drain();

  std::string r = w.Say("o_demo_jin", "建议：晚上巡逻的喇叭声音太响了，能不能小一点？");
  CHECK(Has(r, "编号 1"));
  CHECK(Has(r, "7 天内"));
  auto got = w.Drain();
  REQUIRE(got["o_demo_staff"].size() == 1);  // the community's staff, once
  CHECK(Has(got["o_demo_staff"][0], "巡逻的喇叭声音太响了"));
  CHECK(Has(got["o_demo_staff"][0], "回复 1"));
  CHECK(got["o_demo_staff_lo"].empty());  // another community hears nothing
  CHECK(got["o_demo_jin"].empty());

  SECTION("refusals say what to do instead and change nothing") {
    const std::string before = w.Fingerprint();
    CHECK(Has(w.Say("o_demo_jin", "回复 1 好的"), "网格员和社区工作人员"));
    CHECK(Has(w.Say("o_demo_staff_lo", "采纳 1"), "不是您负责的社区"));
    CHECK(Has(w.Say("o_demo_staff", "不采纳 1"), "要写原因"));
    CHECK(Has(w.Say("o_demo_staff", "回复 1"), "请写上答复的内容"));
    CHECK(Has(w.Say("o_demo_staff", "回复 99 好的"), "没有 99 号建议"));
    CHECK(Has(w.Say("o_demo_staff", "回复 好的"), "请这样写"));
    CHECK(Has(w.Say("o_demo_resident", "建议 多装几个路灯"), "加入网格"));
    CHECK(w.Fingerprint() == before);
    CHECK(w.Drain().empty());
  }

  SECTION("unanswered after 7 days: pushed again once per period, then answered") {
    w.clock().Advance(7 * 86400 + 3600);
    w.Open({"o_demo_staff", "o_demo_jin"});
    bot::Maintenance m(w.app());
    REQUIRE_RESULT_OK(m.RunOnce());
    REQUIRE_RESULT_OK(m.RunOnce());  // the same period again: nothing more
    got = w.Drain();
    REQUIRE(got["o_demo_staff"].size() == 1);
    CHECK(Has(got["o_demo_staff"][0], "已等了 7 天"));
    CHECK(got["o_demo_jin"].empty());
    CHECK(Has(w.Say("o_demo_jin", "我的建议"), "已超时"));

    w.clock().Advance(7 * 86400);
    w.Open({"o_demo_staff", "o_demo_jin"});
    REQUIRE_RESULT_OK(m.RunOnce());
    got = w.Drain();
    REQUIRE(got["o_demo_staff"].size() == 1);
    CHECK(Has(got["o_demo_staff"][0], "已等了 14 天"));

    CHECK(Has(w.Say("o_demo_staff", "采纳 1 下周开始调小音量"), "已答复 1 号建议（已采纳）"));
    got = w.Drain();
    REQUIRE(got["o_demo_jin"].size() == 1);
    CHECK(Has(got["o_demo_jin"][0], "已被社区采纳"));
    CHECK(Has(got["o_demo_jin"][0], "下周开始调小音量"));
    // Answered: no more reminders, and a final answer cannot be changed.
    w.clock().Advance(7 * 86400);
    REQUIRE_RESULT_OK(m.RunOnce());
    CHECK(w.Count("SELECT COUNT(*) FROM outbox WHERE kind = 'suggestion_overdue'") == 2);
    CHECK(Has(w.Say("o_demo_staff", "不采纳 1 改主意了"), "已经答复过了（已采纳）"));
    CHECK(Has(w.Say("o_demo_jin", "我的建议"), "已采纳"));
  }

  SECTION("a reply, then a decline with its reason, each pushed to the resident once") {
    CHECK(Has(w.Say("o_demo_worker1", "回复 1 已经转给巡逻队了"), "已答复 1 号建议"));
    CHECK(Has(w.Say("o_demo_staff", "不采纳 1 喇叭音量是消防要求的"), "不采纳"));
    got = w.Drain();
    REQUIRE(got["o_demo_jin"].size() == 2);
    CHECK(Mentions(got["o_demo_jin"], "已经转给巡逻队了") == 1);
    CHECK(Mentions(got["o_demo_jin"], "原因：喇叭音量是消防要求的") == 1);
    CHECK(w.Count("SELECT COUNT(*) FROM suggestions WHERE status = 'declined' AND "
                  "answered_by = 'o_demo_staff' AND answered_at IS NOT NULL") == 1);
    // Answered in time: no reminder after the days pass.
    w.clock().Advance(8 * 86400);
    bot::Maintenance m(w.app());
    REQUIRE_RESULT_OK(m.RunOnce());
    CHECK(w.Count("SELECT COUNT(*) FROM outbox WHERE kind = 'suggestion_overdue'") == 0);
  }
}

TEST_CASE(
    "停车 with a plate outranks the repair phrases, and without one yields to the office's rule",
    "[integration][parking]") {
  World w;
  CHECK(Has(w.Say("o_demo_jin", "停车 浙C12345 3幢门口，堵了消防通道，门口的灯都坏了"),
            "第 1 号停车反映：浙C12345"));
  CHECK(w.Count("SELECT COUNT(*) FROM tickets") == 0);
  // The office's own answer to a question that starts with 停车 (a console rule, priority 100).
  REQUIRE_OK(w.app().db().WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_RETURN_IF_ERROR(
        tx.Exec("INSERT INTO rules(match_kind, pattern, priority, target_kind, target, note, "
                "created_at, updated_at) VALUES ('contains', '停车费', 100, 'text', "
                "'小区停车费每月 150 元。', '', 0, 0)"));
    return tx.Exec(
        "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'rules_version'");
  }));
  CHECK(w.Say("o_demo_jin", "停车费多少") == "小区停车费每月 150 元。");
  // No plate and no other rule: the parking reply says what is missing.
  CHECK(Has(w.Say("o_demo_jin", "停车 门口有辆车乱停"), "没认出车牌号"));
  CHECK(w.Count("SELECT COUNT(*) FROM parking_reports") == 1);
}

TEST_CASE(
    "S8: plates in any writing, joined reports, the owner asked to move without the "
    "reporter's identity, free spots that expire",
    "[integration][parking]") {
  World w;
  w.fake.AddMedia("MEDIA_CAR_1", "\x89PNG car", "image/png");
  w.Open({"o_demo_jin", "o_demo_staff", "o_demo_volunteer", "o_demo_floorleader", "o_demo_cleaner",
          "o_demo_staff_lo"});
  w.Drain();

  // The volunteer registers his new-energy car; the staff confirm it in chat.
  CHECK(Has(w.Say("o_demo_volunteer", "我的车 浙C·D12345"), "已登记 浙CD12345"));
  auto got = w.Drain();
  REQUIRE(got["o_demo_staff"].size() == 1);
  CHECK(Has(got["o_demo_staff"][0], "确认车牌 浙CD12345"));
  {
    const std::string before = w.Fingerprint();
    CHECK(Has(w.Say("o_demo_jin", "确认车牌 浙CD12345"), "网格员和社区工作人员"));
    CHECK(Has(w.Say("o_demo_staff_lo", "确认车牌 浙CD12345"), "没有待确认的"));
    CHECK(Has(w.Say("o_demo_staff", "确认车牌 门口那辆"), "请这样写"));
    CHECK(w.Fingerprint() == before);
  }
  CHECK(Has(w.Say("o_demo_staff", "确认车牌 浙cd12345"), "已确认 浙CD12345"));
  got = w.Drain();
  REQUIRE(got["o_demo_volunteer"].size() == 1);
  CHECK(Has(got["o_demo_volunteer"][0], "已确认您的车"));

  // Three neighbours report the same car, written three ways.
  std::string r = w.Say("o_demo_jin", "停车 浙c d12345 3幢门口，堵住消防通道了");
  CHECK(Has(r, "第 1 号停车反映：浙CD12345"));
  CHECK(Has(r, "也已提醒车主"));
  CHECK(Has(w.Image("o_demo_jin", "MEDIA_CAR_1"), "附在第 1 号停车反映上"));
  CHECK(w.Count("SELECT COUNT(*) FROM parking_media WHERE report_id = 1") == 1);
  got = w.Drain();
  REQUIRE(got["o_demo_staff"].size() == 1);
  CHECK(Has(got["o_demo_staff"][0], "浙CD12345"));
  REQUIRE(got["o_demo_volunteer"].size() == 1);
  const std::string to_owner = got["o_demo_volunteer"][0];
  CHECK(Has(to_owner, "请挪车"));
  CHECK(Has(to_owner, "3幢门口"));
  for (const char* secret : {"金阿婆", "o_demo_jin", "5幢", "102"}) {
    CAPTURE(secret);
    CHECK(!Has(to_owner, secret));  // never who reported it
  }
  CHECK(Has(w.Say("o_demo_floorleader", "停车 浙C-D12345 3幢门口"), "已有 2 位邻居反映"));
  CHECK(Has(w.Say("o_demo_cleaner", "停车 浙CD12345"), "停在哪里"));
  CHECK(Has(w.Say("o_demo_cleaner", "3幢门口"), "已有 3 位邻居反映"));
  CHECK(Has(w.Say("o_demo_jin", "停车 浙CD12345 3幢门口"), "您已经反映过"));
  CHECK(w.Count("SELECT COUNT(*) FROM parking_reports") == 1);
  CHECK(w.Count("SELECT reporters FROM parking_reports WHERE id = 1") == 3);
  got = w.Drain();
  CHECK(got["o_demo_volunteer"].empty());  // the owner is asked once per report
  CHECK(Mentions(got["o_demo_staff"], "已有 3 位邻居反映") == 1);

  // Not a plate: a clear reply, nothing stored.
  {
    const std::string before = w.Fingerprint();
    for (const char* text : {"停车 门口有辆车乱停", "停车 浙C1234 门口", "停车 浙CI2345 门口",
                             "停车 浙C123456 门口", "停车 ABC12345 门口"}) {
      CAPTURE(text);
      CHECK(Has(w.Say("o_demo_jin", text), "没认出车牌号"));
    }
    CHECK(Has(w.Say("o_demo_resident", "停车 浙C12345 门口"), "加入网格"));
    CHECK(Has(w.Say("o_demo_jin", "停车 浙C12345 " + std::string(200, 'x')), "太长"));
    CHECK(w.Fingerprint() == before);
  }

  // The owner moves the car: every reporter is told, nobody learns who the owner is.
  CHECK(Has(w.Say("o_demo_volunteer", "已挪"), "已告诉反映的邻居"));
  got = w.Drain();
  for (const char* who : {"o_demo_jin", "o_demo_floorleader", "o_demo_cleaner"}) {
    CAPTURE(who);
    REQUIRE(got[who].size() == 1);
    CHECK(Has(got[who][0], "已经挪车了"));
    CHECK(!Has(got[who][0], "施青松"));
  }
  CHECK(Has(w.Say("o_demo_volunteer", "已挪"), "没有要您挪的车"));

  // Another plate, 7 characters, three writings; after 30 minutes a new report starts.
  CHECK(Has(w.Say("o_demo_jin", "停车 浙C·12345 东门口"), "第 2 号"));
  CHECK(!Has(w.Say("o_demo_jin", "停车 浙C·12345 东门口"), "第 3 号"));
  CHECK(Has(w.Say("o_demo_floorleader", "停车 浙c 12345 东门口"), "已有 2 位邻居反映"));
  w.clock().Advance(31 * 60);
  CHECK(Has(w.Say("o_demo_cleaner", "停车 浙C12345 东门口"), "第 3 号"));

  // Free spots: listed newest first, gone after parking.spot_minutes (30).
  w.Open({"o_demo_jin", "o_demo_cleaner", "o_demo_floorleader"});
  CHECK(Has(w.Say("o_demo_jin", "空位 3幢东边"), "30 分钟内"));
  w.clock().Advance(5 * 60);
  CHECK(Has(w.Say("o_demo_floorleader", "空位 菜场门口"), "已登记"));
  r = w.Say("o_demo_cleaner", "车位");
  REQUIRE(Has(r, "菜场门口"));
  REQUIRE(Has(r, "3幢东边"));
  CHECK(r.find("菜场门口") < r.find("3幢东边"));
  CHECK(Has(w.Say("o_demo_staff_lo", "车位"), "加入网格"));  // not a resident of GG
  w.clock().Advance(26 * 60);  // the first is 31 minutes old, the second 26
  r = w.Say("o_demo_cleaner", "车位");
  CHECK(Has(r, "菜场门口"));
  CHECK(!Has(r, "3幢东边"));
  w.clock().Advance(5 * 60);
  CHECK(Has(w.Say("o_demo_cleaner", "车位"), "现在没有"));
  CHECK(w.Drain()["o_demo_cleaner"].empty());  // spots go to car owners only when enabled

  // The community sends spots to its car_owner circle.
  REQUIRE_OK(w.app().db().WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto gg, storage::GetUnitByCode(tx, "GG"));
    if (!gg) return Status::NotFound("GG");
    GEBI_RETURN_IF_ERROR(
        tx.Run("INSERT INTO circles(kind, name, unit_id, owner, created_at) VALUES "
               "('car_owner', '桂柑车友', ?1, 'o_demo_staff', 0)",
               gg->id));
    const int64_t circle = tx.LastInsertId();
    for (const char* who : {"o_demo_cleaner", "o_demo_jin"}) {
      GEBI_RETURN_IF_ERROR(
          tx.Run("INSERT INTO circle_members(circle_id, openid, joined_at) VALUES (?1, ?2, 0)",
                 circle, who));
    }
    return storage::SetSpotsToCarOwners(tx, gg->id, true, "test", 0);
  }));
  w.Open({"o_demo_jin", "o_demo_cleaner"});
  w.Drain();
  CHECK(Has(w.Say("o_demo_jin", "空位 5幢北边"), "已登记"));
  got = w.Drain();
  REQUIRE(got["o_demo_cleaner"].size() == 1);
  CHECK(Has(got["o_demo_cleaner"][0], "5幢北边"));
  CHECK(got["o_demo_jin"].empty());  // not to the reporter
}

}  // namespace
}  // namespace gebi::testing
