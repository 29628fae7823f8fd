// Story S10 through the real webhook server, the real handlers and the outbox worker, with the
// fake WeChat API: a circle notice with an advertisement is held (no member pushed, the other
// manager asked by name), released (each member pushed exactly once), rejected twice (a
// strike, then a mute that refuses the next notice), a removal proposed by the circle's owner
// and confirmed by the grid worker, appeals reaching the staff, and a repair whose volunteer
// relay is held while the grid worker still gets the ticket. Hostile commands (unknown N,
// 放行 by a non-manager, double 放行, 确认踢出 by someone else) change nothing.
#include <map>
#include <nlohmann/json.hpp>

#include "handlers/org/demo_data.h"
#include "storage/circle_store.h"
#include "tests/support/fake_wechat.h"
#include "tests/support/test_env.h"

namespace gebi {
namespace {

using testing::FakeWeChat;

class S10World {
 public:
  S10World() {
    config_ = testing::TestConfig(dir_, /*with_aes=*/false);
    config_.wechat.api_base = fake.base_url();
    config_.wechat.appsecret = "fake-secret";
    config_.push.http_timeout_seconds = 2;
    config_.limits.messages_per_minute = 0;  // the story's managers type fast
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
  int64_t Count(const std::string& sql) {
    int64_t n = -1;
    REQUIRE_OK(server_->app().db().WithRead([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryInt(sql));
      n = v.value_or(0);
      return Status::Ok();
    }));
    return n;
  }
  storage::CircleInfo Circle(const std::string& name) {
    std::optional<storage::CircleInfo> c;
    REQUIRE_OK(server_->app().db().WithRead([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(c, storage::CircleByName(tx, name));
      return Status::Ok();
    }));
    REQUIRE(c.has_value());
    return *c;
  }
  // What the story's commands change: a refusal leaves it as it was.
  std::string Snapshot() {
    std::string out;
    for (const char* table :
         {"held_items", "moderation_strikes", "circle_removals", "moderation_appeals", "notices",
          "circle_members", "outbox", "admin_audit", "tickets"}) {
      out += std::to_string(Count(std::string("SELECT COUNT(*) FROM ") + table)) + ",";
    }
    out += std::to_string(Count("SELECT COUNT(*) FROM held_items WHERE status = 'held'")) + ",";
    out += std::to_string(Count("SELECT COUNT(*) FROM circle_removals WHERE status = 'proposed'"));
    return out;
  }
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

constexpr char kOwner[] = "o_demo_floorleader";  // 王葆蕾 owns the demo building circle
constexpr char kWorker[] = "o_demo_worker1";     // its manager, and the grid's worker
constexpr char kStaff[] = "o_demo_staff";        // 桂柑社区's staff
constexpr char kJin[] = "o_demo_jin";
constexpr char kVolunteer[] = "o_demo_volunteer";
constexpr char kAd[] = "o_s10_advertiser";  // joins the circle as 小广
constexpr char kCircle[] = "桂柑社区第一网格5幢楼幢群";

TEST_CASE("S10: held notice, release, strikes to a mute, removal confirmed, appeals",
          "[integration][moderation]") {
  S10World w;
  // Everyone has written to the account lately (WeChat delivers pushes within 48 hours).
  for (const char* who : {kWorker, kStaff, kJin, kVolunteer}) w.Say(who, "帮助");
  // The circle gets its invite code; three people join.
  CHECK(Has(w.Say(kOwner, std::string("圈子成员 ") + kCircle), "邀请码"));
  const auto circle = w.Circle(kCircle);
  REQUIRE(circle.invite_code.size() == 6);
  CHECK(Has(w.Say(kJin, "加入圈子 " + circle.invite_code), "您已加入"));
  CHECK(Has(w.Say(kVolunteer, "加入圈子 " + circle.invite_code), "您已加入"));
  CHECK(Has(w.Say(kAd, "加入圈子 " + circle.invite_code + " 小广"), "您已加入"));
  w.Drain();

  // A notice with an advertisement is held: nobody in the circle is pushed.
  std::string r =
      w.Say(kOwner, std::string("通知 ") + kCircle + " 楼下新开超市，加我微信 shop888 领优惠券");
  CHECK(Has(r, "共 4 人"));
  r = w.Say(kOwner, "是的");
  CHECK(Has(r, "「广告」"));
  CHECK(Has(r, "第 1 号"));
  CHECK(Has(r, "申诉 1"));
  CHECK(w.Count("SELECT COUNT(*) FROM notices") == 0);
  auto pushed = w.Drain();
  REQUIRE(pushed.size() == 1);  // only the other manager, to decide
  REQUIRE(pushed[kWorker].size() == 1);
  CHECK(Has(pushed[kWorker][0], "【待审核 第 1 号】王葆蕾"));
  CHECK(Has(pushed[kWorker][0], "放行 1"));
  CHECK_FALSE(Has(pushed[kWorker][0], "o_demo"));

  // Refusals change nothing.
  std::string before = w.Snapshot();
  CHECK(Has(w.Say(kJin, "放行 1"), "圈子管理员"));
  CHECK(Has(w.Say(kOwner, "放行 1"), "您自己发的"));
  CHECK(Has(w.Say(kWorker, "放行 99"), "没有第 99 号"));
  CHECK(Has(w.Say("o_demo_worker2", "放行 1"), "不归您审核"));
  CHECK(w.Snapshot() == before);
  CHECK(w.Drain().empty());

  // Released: the notice goes out exactly as it would have, once to each member.
  r = w.Say(kWorker, "放行 1");
  CHECK(Has(r, "已放行第 1 号，已发给 4 人"));
  CHECK(w.Count("SELECT COUNT(*) FROM notices") == 1);
  pushed = w.Drain();
  for (const char* who : {kWorker, kJin, kVolunteer, kAd}) {
    CAPTURE(who);
    REQUIRE(pushed[who].size() == 1);
    CHECK(Has(pushed[who][0], "【通知 1号】"));
    CHECK(Has(pushed[who][0], "楼下新开超市"));
  }
  REQUIRE(pushed[kOwner].size() == 1);
  CHECK(Has(pushed[kOwner][0], "已经发出去了"));
  // Double 放行: refused, nothing goes out twice.
  before = w.Snapshot();
  CHECK(Has(w.Say(kWorker, "放行 1"), "已经放行了"));
  CHECK(w.Snapshot() == before);
  CHECK(w.Drain().empty());

  // Rejected: a strike (a warning); the second mutes the owner in this circle.
  CHECK(Has(w.Say(kOwner, std::string("通知 ") + kCircle + " 紧急扩散，明天全城停水一周"),
            "共 4 人"));
  CHECK(Has(w.Say(kOwner, "是"), "「谣言」"));
  w.Drain();
  r = w.Say(kWorker, "驳回 2 没有这回事，请核实再发");
  CHECK(Has(r, "已驳回第 2 号"));
  CHECK(Has(r, "第 1 次"));
  pushed = w.Drain();
  REQUIRE(pushed[kOwner].size() == 1);
  CHECK(Has(pushed[kOwner][0], "没有这回事"));
  CHECK(Has(pushed[kOwner][0], "申诉 2"));
  CHECK(pushed.count(kJin) == 0);
  CHECK(Has(w.Say(kOwner, std::string("通知 ") + kCircle + " 今晚六合彩开奖"), "共 4 人"));
  CHECK(Has(w.Say(kOwner, "是"), "「赌博」"));
  r = w.Say(kWorker, "驳回 3");
  CHECK(Has(r, "第 2 次"));
  CHECK(Has(r, "已禁言 7 天"));
  pushed = w.Drain();
  REQUIRE(pushed[kOwner].size() == 1);
  CHECK(Has(pushed[kOwner][0], "不能在这个圈子发内容"));
  // Muted: the next notice is refused with until when, and nothing is stored.
  before = w.Snapshot();
  r = w.Say(kOwner, std::string("通知 ") + kCircle + " 明天打扫楼道");
  CHECK(Has(r, "暂时不能在这里发内容"));
  CHECK(Has(r, "到 "));
  CHECK(w.Snapshot() == before);

  // Removal: the owner proposes, the grid worker confirms, the member is out.
  r = w.Say(kOwner, "踢出 小广 多次在群里发广告");
  CHECK(Has(r, "已提议把「小广」移出"));
  pushed = w.Drain();
  REQUIRE(pushed[kWorker].size() == 1);
  CHECK(Has(pushed[kWorker][0], "确认踢出 1"));
  CHECK(Has(w.Say(kOwner, "踢出 小广 又发了"), "已经提议过"));
  before = w.Snapshot();
  CHECK(Has(w.Say(kJin, "确认踢出 1"), "网格员"));  // a resident: the row refuses
  CHECK(Has(w.Say("o_demo_worker2", "确认踢出 1"),
            "要由这个圈子所在网格的网格员确认"));  // another grid's worker
  CHECK(w.Snapshot() == before);
  const int64_t members =
      w.Count("SELECT COUNT(*) FROM circle_members WHERE circle_id = " + std::to_string(circle.id));
  r = w.Say(kWorker, "确认踢出 1");
  CHECK(Has(r, "「小广」已移出"));
  CHECK(w.Count("SELECT COUNT(*) FROM circle_members WHERE circle_id = " +
                std::to_string(circle.id)) == members - 1);
  CHECK(w.Count("SELECT COUNT(*) FROM circle_members WHERE openid = 'o_s10_advertiser'") == 0);
  pushed = w.Drain();
  REQUIRE(pushed[kAd].size() == 1);
  CHECK(Has(pushed[kAd][0], "您已被移出"));
  REQUIRE(pushed[kOwner].size() == 1);
  CHECK(Has(w.Say(kWorker, "确认踢出 1"), "已经确认过了"));

  // Appeals reach the staff: the removed person's, and the owner's about item 3.
  CHECK(Has(w.Say(kAd, "申诉 我没发广告"), "申诉收到了"));
  CHECK(Has(w.Say(kAd, "申诉 我没发广告"), "已经申诉过了"));
  CHECK(Has(w.Say(kOwner, "申诉 3 那是玩笑"), "申诉收到了"));
  CHECK(Has(w.Say(kJin, "申诉 3"), "不是您发的"));
  pushed = w.Drain();
  REQUIRE(pushed[kStaff].size() == 2);
  const std::string appeals = pushed[kStaff][0] + "\n" + pushed[kStaff][1];
  CAPTURE(appeals);
  CHECK(Has(appeals, std::string("【申诉】小广 对被移出") + kCircle));
  CHECK(Has(appeals, "我没发广告"));
  CHECK(Has(appeals, "那是玩笑"));

  // Every act is audited: who, what, rule, decision.
  for (const char* action :
       {"moderation.hold", "moderation.release", "moderation.reject", "moderation.propose_removal",
        "moderation.confirm_removal", "moderation.appeal"}) {
    CAPTURE(action);
    CHECK(w.Count(std::string("SELECT COUNT(*) FROM admin_audit WHERE action = '") + action +
                  "'") >= 1);
  }
  CHECK(w.Count("SELECT COUNT(*) FROM admin_audit WHERE action = 'moderation.release' AND "
                "account_name LIKE '林晓%' AND after LIKE '%广告%' AND after LIKE '%released%'") ==
        1);
}

TEST_CASE("S10: a held repair relay still reaches the grid worker while volunteers wait",
          "[integration][moderation]") {
  S10World w;
  // Everyone has written to the account lately (WeChat delivers pushes within 48 hours).
  for (const char* who : {kWorker, kStaff, kVolunteer}) w.Say(who, "帮助");
  std::string r = w.Say(kOwner, "报修 楼道灯坏了，招商加盟轻松赚钱");
  CHECK(Has(r, "已登记报修"));
  CHECK(Has(r, "「商业推销」"));
  CHECK(w.Count("SELECT COUNT(*) FROM tickets") == 1);
  auto pushed = w.Drain();
  REQUIRE(pushed[kWorker].size() == 1);
  CHECK(Has(pushed[kWorker][0], "楼道灯坏了"));  // the ticket, never lost
  CHECK(pushed.count(kVolunteer) == 0);
  REQUIRE(pushed[kStaff].size() == 1);  // no circle: the community's staff decide
  CHECK(Has(pushed[kStaff][0], "报修"));
  CHECK(Has(w.Say(kStaff, "放行 1"), "已发给 1 人"));
  pushed = w.Drain();
  REQUIRE(pushed[kVolunteer].size() == 1);
  CHECK(Has(pushed[kVolunteer][0], "楼道灯坏了"));
}

}  // namespace
}  // namespace gebi
