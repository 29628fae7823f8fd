// Story S7 through the real webhook server, the real handlers and the outbox worker, with the
// fake WeChat API: a grid worker registers an elder and assigns a volunteer; a family member
// joins by invite code naming the elder and is approved by the grid worker; the volunteer's
// 关爱 text and the photo after it reach that elder's family at the fake API, each once, and
// nobody else (not another elder's family, not other circles' members, not other volunteers);
// the family's 谢谢 is counted and the volunteer told once; and every refusal answers what to do
// instead with the database unchanged.
#include <map>
#include <nlohmann/json.hpp>

#include "handlers/org/demo_data.h"
#include "storage/circle_store.h"
#include "tests/support/fake_wechat.h"
#include "tests/support/test_env.h"

namespace gebi {
namespace {

using testing::FakeWeChat;

class S7World {
 public:
  S7World() {
    config_ = testing::TestConfig(dir_, /*with_aes=*/false);
    config_.wechat.api_base = fake.base_url();
    config_.wechat.appsecret = "fake-secret";
    config_.push.http_timeout_seconds = 2;
    config_.limits.messages_per_minute = 0;
    server_ = std::make_unique<testing::TestServer>(config_);
    REQUIRE_OK(server_->app().db().WithTransaction([&](storage::Tx& tx) {
      std::string report;
      return handlers::SeedDemo(tx, server_->app().clock().NowSeconds(), &report);
    }));
  }

  std::string Say(const std::string& openid, const std::string& text) {
    auto r = server_->Client().SendText(openid, text);
    REQUIRE_RESULT_OK(r);
    REQUIRE(r->status == 200);
    return r->Text();
  }
  std::string Image(const std::string& openid, const std::string& url, const std::string& media) {
    handlers::Message m;
    m.from_user = openid;
    m.msg_type = "image";
    m.msg_id = bot::ChatClient::NextMsgId();
    m.pic_url = url;
    m.media_id = media;
    auto r = server_->Client().Send(m, false);
    REQUIRE_RESULT_OK(r);
    REQUIRE(r->status == 200);
    return r->Text();
  }
  int64_t Count(const std::string& sql) {
    int64_t n = -1;
    REQUIRE_OK(server_->app().db().WithRead([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryInt(sql));
      n = v.value_or(0);
      return Status::Ok();
    }));
    return n;
  }
  std::string InviteCode(const std::string& circle) {
    std::optional<storage::CircleInfo> c;
    REQUIRE_OK(server_->app().db().WithRead([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(c, storage::CircleByName(tx, circle));
      return Status::Ok();
    }));
    REQUIRE(c.has_value());
    return c->invite_code;
  }
  // Everything the story's commands change, as one string: a refusal leaves it as it was.
  std::string Snapshot() {
    std::string out;
    for (const char* table :
         {"circles", "circle_members", "circle_join_requests", "care_elders", "care_links",
          "care_requests", "care_relays", "care_relay_recipients", "outbox"}) {
      out += std::to_string(Count(std::string("SELECT COUNT(*) FROM ") + table)) + ",";
    }
    out += std::to_string(
        Count("SELECT COUNT(*) FROM care_relay_recipients WHERE thanked_at IS NOT NULL"));
    return out;
  }
  // Drains the outbox and returns what reached the fake API since the last call, per openid.
  std::map<std::string, std::vector<std::string>> Drain() {
    server_->app().outbox_worker().DrainOnce();
    std::map<std::string, std::vector<std::string>> by_user;
    for (const auto& d : fake.Deliveries()) by_user[d.touser].push_back(d.text);
    fake.ClearRecords();
    return by_user;
  }

  FakeWeChat fake;

 private:
  testing::TempDir dir_;
  bot::Config config_;
  std::unique_ptr<testing::TestServer> server_;
};

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

constexpr char kWorker[] = "o_demo_worker1";  // grid worker of 桂柑社区第一网格, owns 金阿婆关爱圈
constexpr char kVolunteer[] = "o_demo_volunteer";  // 施青松, assigned to 金阿婆 (demo)
constexpr char kDaughter[] = "o_demo_jin_family";  // 金阿婆's daughter, family (demo)
constexpr char kSon[] = "o_s7_son";                // 金阿婆's son: joins in the story
constexpr char kWangSon[] = "o_s7_wang_son";       // 王阿公's son
constexpr char kCleaner[] = "o_demo_cleaner";      // 江炳文, a volunteer of another elder
constexpr char kJin[] = "o_demo_jin";              // 金阿婆 herself
constexpr char kLeader[] = "o_demo_floorleader";   // in the building circle, not in care

TEST_CASE("S7: relays reach one elder's family only, with the photo, and thanks are counted",
          "[integration][care]") {
  S7World w;
  const std::string jin_code = w.InviteCode("金阿婆关爱圈");

  // Everyone who will be pushed has written recently (the customer-service window is open).
  for (const char* who : {kDaughter, kSon, kWangSon, kCleaner, kJin, kLeader, kVolunteer}) {
    w.Say(who, "我的圈子");
  }

  // The grid worker registers a second elder (its own circle) and assigns the cleaner there.
  std::string r = w.Say(kWorker, "添加老人 王阿公");
  CHECK(Has(r, "王阿公关爱圈"));
  const std::string wang_code = w.InviteCode("王阿公关爱圈");
  CHECK(Has(r, "加入圈子 " + wang_code + " 王阿公家属"));
  CHECK(Has(w.Say(kWorker, "指派志愿者 王阿公 江炳文"), "已请江炳文关爱王阿公"));
  auto pushed = w.Drain();
  REQUIRE(pushed[kCleaner].size() == 1);
  CHECK(Has(pushed[kCleaner][0], "关爱 王阿公"));

  // Family join by invite code naming the elder (voice-input style), approved by the grid
  // worker, who is pushed the request once.
  r = w.Say(kSon, "加入圈子 " + jin_code + " 我是金阿婆的儿子。");
  CHECK(Has(r, "作为金阿婆的家属加入"));
  CHECK(Has(w.Say(kWangSon, "加入圈子 " + wang_code), "哪位老人"));
  CHECK(Has(w.Say(kWangSon, "王阿公"), "作为王阿公的家属加入"));
  pushed = w.Drain();
  REQUIRE(pushed[kWorker].size() == 2);
  const int64_t son_request =
      w.Count("SELECT id FROM circle_join_requests WHERE openid = 'o_s7_son'");
  const int64_t wang_request =
      w.Count("SELECT id FROM circle_join_requests WHERE openid = 'o_s7_wang_son'");
  CHECK(Has(pushed[kWorker][0] + pushed[kWorker][1], "入圈通过 " + std::to_string(son_request)));
  CHECK(Has(w.Say(kWorker, "入圈通过 " + std::to_string(son_request)), "已同意"));
  CHECK(Has(w.Say(kWorker, "入圈通过 " + std::to_string(wang_request)), "已同意"));
  pushed = w.Drain();
  REQUIRE(pushed[kSon].size() == 1);
  CHECK(Has(pushed[kSon][0], "金阿婆关爱圈"));

  // A photo before any 关爱 is not sent, and says what to do.
  std::string before = w.Snapshot();
  CHECK(Has(w.Image(kVolunteer, "http://mmbiz.example/early.jpg", "MEDIA_EARLY"), "请先发「关爱"));
  CHECK(w.Snapshot() == before);
  CHECK(w.Drain().empty());

  // The relay: 金阿婆's family each once, nobody else.
  r = w.Say(kVolunteer, "关爱 金阿婆，今天中午吃了一碗馄饨，下午在活动室下棋。");
  CHECK(Has(r, "已发给金阿婆的 2 位家属"));
  const int64_t relay = w.Count("SELECT MAX(id) FROM care_relays");
  pushed = w.Drain();
  CHECK(pushed.size() == 2);
  for (const char* who : {kDaughter, kSon}) {
    CAPTURE(who);
    REQUIRE(pushed[who].size() == 1);
    CHECK(Has(pushed[who][0], "今天中午吃了一碗馄饨"));
    CHECK(Has(pushed[who][0], "施青松"));
  }
  for (const char* who : {kWangSon, kCleaner, kJin, kLeader, kWorker, kVolunteer}) {
    CAPTURE(who);
    CHECK(pushed.count(who) == 0);
  }

  // The photo within 10 minutes: the same family, once each.
  CHECK(Has(w.Image(kVolunteer, "http://mmbiz.example/lunch.jpg", "MEDIA_LUNCH"),
            "照片已发给金阿婆的 2 位家属"));
  pushed = w.Drain();
  CHECK(pushed.size() == 2);
  for (const char* who : {kDaughter, kSon}) {
    CAPTURE(who);
    REQUIRE(pushed[who].size() == 1);
    CHECK(Has(pushed[who][0], "http://mmbiz.example/lunch.jpg"));
  }

  // The other elder's volunteer relays to his family only.
  CHECK(Has(w.Say(kCleaner, "关爱 王阿公 帮他打扫了厨房"), "1 位家属"));
  pushed = w.Drain();
  CHECK(pushed.size() == 1);
  REQUIRE(pushed[kWangSon].size() == 1);
  CHECK(Has(pushed[kWangSon][0], "帮他打扫了厨房"));

  // Thanks: counted per family member; the volunteer is told once.
  CHECK(Has(w.Say(kDaughter, "谢谢 " + std::to_string(relay)), "已把您的谢意转告施青松"));
  CHECK(Has(w.Say(kSon, "谢谢！"), "已把您的谢意转告施青松"));
  CHECK(Has(w.Say(kSon, "谢谢"), "您已经谢过了"));
  pushed = w.Drain();
  CHECK(pushed.size() == 1);
  REQUIRE(pushed[kVolunteer].size() == 1);
  CHECK(Has(pushed[kVolunteer][0], "金阿婆的家属谢谢您"));
  CHECK(w.Count("SELECT COUNT(*) FROM care_relay_recipients WHERE relay_id = " +
                std::to_string(relay) + " AND thanked_at IS NOT NULL") == 2);

  // Refusals: each says what to do instead and changes nothing; nothing reaches anyone.
  before = w.Snapshot();
  CHECK(Has(w.Say(kCleaner, "关爱 金阿婆 你好"), "您关爱的老人里没有「金阿婆」"));
  CHECK(Has(w.Say(kVolunteer, "关爱 王阿公 你好"), "您关爱的老人里没有「王阿公」"));
  CHECK(Has(w.Say(kVolunteer, "关爱 金阿婆"), "请写上想告诉家属的话"));
  CHECK(Has(w.Say(kVolunteer, "关爱 金阿婆 " + std::string(301 * 3, 'a')), "内容太长了"));
  CHECK(Has(w.Say(kLeader, "关爱 金阿婆 你好"), "关爱志愿者"));  // not a volunteer at all
  CHECK(Has(w.Say("o_demo_massage", "关爱 金阿婆 你好"), "还没有被指派"));
  CHECK(Has(w.Say(kWangSon, "谢谢 " + std::to_string(relay)), "没有找到发给您的"));
  CHECK(Has(w.Say(kSon, "加入圈子 " + jin_code + " 金阿婆家属"), "已经在「金阿婆关爱圈」里"));
  CHECK(Has(w.Say(kLeader, "加入圈子 " + jin_code + " 李奶奶家属"), "没有「李奶奶家属」这位老人"));
  CHECK(Has(w.Say(kLeader, "添加老人 李奶奶"), "网格员"));
  CHECK(Has(w.Say(kVolunteer, "入圈通过 " + std::to_string(son_request)), "圈子管理员"));
  CHECK(Has(w.Say(kWorker, "添加老人 金阿婆"), "已经有金阿婆了"));
  CHECK(Has(w.Say(kWorker, "指派志愿者 金阿婆 张三丰"), "没找到叫「张三丰」的志愿者"));
  CHECK(w.Snapshot() == before);
  CHECK(w.Drain().empty());

  // An elder with no family yet: the relay is refused, not recorded.
  CHECK(Has(w.Say(kWorker, "添加老人 李奶奶 王阿公关爱圈"), "已把李奶奶加进「王阿公关爱圈」"));
  CHECK(Has(w.Say(kWorker, "指派志愿者 李奶奶 江炳文"), "已请江炳文关爱李奶奶"));
  w.Drain();
  before = w.Snapshot();
  CHECK(Has(w.Say(kCleaner, "关爱 李奶奶 今天很好"), "李奶奶还没有家属加入"));
  CHECK(w.Snapshot() == before);
  CHECK(w.Drain().empty());
}

}  // namespace
}  // namespace gebi
