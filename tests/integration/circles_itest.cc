// Story S6 through the real webhook server, the real handlers and the outbox worker, with the
// fake WeChat API: circles are created and joined (invite code, QR scan, a manager's
// approval), a notice to two circles reaches every member once at the fake API, receipts,
// 通知情况, one reminder to those who have not answered, withdrawing (pending pushes cancelled,
// readers told in their inbox), recruitment with a quota and a waiting list; and every refusal
// of the story answers what to do instead with the database unchanged.
#include <map>
#include <nlohmann/json.hpp>

#include "handlers/org/demo_data.h"
#include "storage/circle_store.h"
#include "storage/notice_store.h"
#include "storage/outbox.h"
#include "tests/support/fake_wechat.h"
#include "tests/support/test_env.h"

namespace gebi {
namespace {

using testing::FakeWeChat;

// The demo district on a real server whose pushes go to the fake WeChat API.
class S6World {
 public:
  S6World() {
    config_ = testing::TestConfig(dir_, /*with_aes=*/false);
    config_.wechat.api_base = fake.base_url();
    config_.wechat.appsecret = "fake-secret";
    config_.push.http_timeout_seconds = 2;
    // The story's manager sends some thirty commands within a minute; a person would not.
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
  std::string Scan(const std::string& openid, const std::string& key) {
    handlers::Message m;
    m.from_user = openid;
    m.msg_type = "event";
    m.event = "SCAN";
    m.event_key = key;
    m.create_time = server_->app().clock().NowSeconds() + (++event_seq_);
    auto r = server_->Client().Send(m, false);
    REQUIRE_RESULT_OK(r);
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
  // Everything the database holds that the story's commands change, as one string: a
  // refusal must leave it as it was.
  std::string Snapshot() {
    std::string out;
    for (const char* table : {"circles", "circle_members", "circle_join_requests", "notices",
                              "notice_recipients", "recruitments", "recruitment_signups"}) {
      out += std::to_string(Count(std::string("SELECT COUNT(*) FROM ") + table)) + ",";
    }
    out += std::to_string(Count("SELECT COUNT(*) FROM outbox")) + ",";
    out += std::to_string(Count("SELECT COUNT(*) FROM notice_recipients WHERE received_at IS NOT "
                                "NULL")) +
           ",";
    out +=
        std::to_string(Count("SELECT COUNT(*) FROM recruitment_signups WHERE status = "
                             "'signed'"));
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

  storage::Database& Db() { return server_->app().db(); }

  FakeWeChat fake;

 private:
  testing::TempDir dir_;
  bot::Config config_;
  std::unique_ptr<testing::TestServer> server_;
  int event_seq_ = 0;
};

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

constexpr char kWorker[] = "o_demo_worker1";  // grid worker of 桂柑社区第一网格
constexpr char kJin[] = "o_demo_jin";         // 金阿婆, a resident living alone
constexpr char kLeader[] = "o_demo_floorleader";
constexpr char kVolunteer[] = "o_demo_volunteer";
constexpr char kNewcomer[] = "o_s6_newcomer";  // follows the account, no grid, no name yet
constexpr char kStranger[] = "o_s6_stranger";  // in no circle at all

TEST_CASE("S6: circles, a notice with receipts, reminder, withdrawal and a recruitment",
          "[integration][circles]") {
  S6World w;

  // A grid worker creates an open building circle and a real-name party circle.
  std::string r = w.Say(kWorker, "建圈 楼栋 5幢邻里群");
  CHECK(Has(r, "已建好「5幢邻里群」"));
  auto building = w.Circle("5幢邻里群");
  CHECK(building.owner == kWorker);
  CHECK(building.join_mode == "open");
  REQUIRE(building.invite_code.size() == 6);
  CHECK(Has(r, building.invite_code));
  r = w.Say(kWorker, "建圈　党员　桂柑党员圈");  // full-width spaces, as a phone IME types them
  CHECK(Has(r, "实名圈子"));
  auto party = w.Circle("桂柑党员圈");
  CHECK(party.join_mode == "approval");

  // Joining: by invite code (with filler punctuation), by QR scan, by a manager's approval.
  r = w.Say(kJin, "加入圈子 " + building.invite_code + "。");
  CHECK(Has(r, "您已加入「5幢邻里群」"));
  CHECK(Has(r, "圈子公约"));
  CHECK(Has(w.Say(kLeader, "加入圈子" + building.invite_code), "您已加入"));
  CHECK(Has(w.Scan(kNewcomer, "circle-" + std::to_string(building.id)), "您已加入「5幢邻里群」"));
  CHECK(Has(w.Say(kVolunteer, "加入圈子 " + building.invite_code), "您已加入"));
  r = w.Say(kVolunteer, "加入圈子 " + party.invite_code);
  CHECK(Has(r, "已提交加入「桂柑党员圈」的申请"));
  const int64_t request =
      w.Count("SELECT id FROM circle_join_requests WHERE openid = 'o_demo_volunteer'");
  auto pushed = w.Drain();
  REQUIRE(pushed[kWorker].size() == 1);  // the circle's owner is asked, once
  CHECK(Has(pushed[kWorker][0], "入圈通过 " + std::to_string(request)));
  CHECK(Has(w.Say(kWorker, "入圈通过 " + std::to_string(request)), "已同意"));
  pushed = w.Drain();
  REQUIRE(pushed[kVolunteer].size() == 1);
  CHECK(Has(pushed[kVolunteer][0], "您已加入「桂柑党员圈」"));
  CHECK(Has(w.Say(kJin, "我的圈子"), "5幢邻里群"));
  CHECK(Has(w.Say(kWorker, "圈子成员 5幢邻里群"), "金阿婆"));

  // A notice to both circles: the count is asked first; the volunteer (in both) counts once.
  r = w.Say(kWorker, "通知 5幢邻里群，桂柑党员圈 周六上午九点社区礼堂家庭教育讲座，欢迎参加！");
  CHECK(Has(r, "共 4 人"));
  CHECK(w.Count("SELECT COUNT(*) FROM notices") == 0);
  r = w.Say(kWorker, "是的");
  CHECK(Has(r, "通知 1号 已发出，共 4 人"));
  pushed = w.Drain();
  CHECK(pushed.size() == 4);
  for (const char* who : {kJin, kLeader, kNewcomer, kVolunteer}) {
    CAPTURE(who);
    REQUIRE(pushed[who].size() == 1);
    CHECK(Has(pushed[who][0], "【通知 1号】"));
    CHECK(Has(pushed[who][0], "家庭教育讲座"));
  }
  CHECK(pushed.count(kWorker) == 0);  // the sender is not sent their own notice

  // Receipts: bare 收到 answers the newest notice; 收到 N names it; twice is harmless.
  CHECK(Has(w.Say(kJin, "收到了，谢谢"), "收到了通知 1号"));
  CHECK(Has(w.Say(kLeader, "收到 1"), "收到了通知 1号"));
  CHECK(Has(w.Say(kLeader, "收到 1"), "已经回复过"));
  r = w.Say(kWorker, "通知情况 1");
  CHECK(Has(r, "2/4 人已收到"));
  CHECK(Has(r, "施青松"));
  CHECK_FALSE(Has(r, "金阿婆"));

  // One reminder, to those who have not answered only; a second is refused.
  CHECK(Has(w.Say(kWorker, "提醒 1"), "已再提醒 2 位"));
  pushed = w.Drain();
  CHECK(pushed.size() == 2);
  CHECK(pushed[kNewcomer].size() == 1);
  CHECK(pushed[kVolunteer].size() == 1);
  CHECK(Has(pushed[kVolunteer][0], "【提醒·通知 1号】"));
  std::string before = w.Snapshot();
  CHECK(Has(w.Say(kWorker, "提醒 1"), "已经提醒过一次"));
  CHECK(w.Snapshot() == before);
  CHECK(w.Drain().empty());

  // Withdrawing a notice that already went out: the readers are told in their inbox.
  CHECK(Has(w.Say(kWorker, "通知 5幢邻里群 明天停电"), "共 4 人"));
  CHECK(Has(w.Say(kWorker, "是"), "通知 2号 已发出"));
  CHECK(w.Drain().size() == 4);
  r = w.Say(kWorker, "撤回 2");
  CHECK(Has(r, "0 条还没送到的已取消，4 位已经看到的人"));
  r = w.Say(kJin, "我的圈子");
  CHECK(Has(r, "通知 2号（5幢邻里群）已撤回"));
  CHECK(Has(w.Say(kJin, "收到 2"), "已经撤回了"));
  // Withdrawing one not yet delivered: its pushes are cancelled, nobody receives it.
  CHECK(Has(w.Say(kWorker, "通知 5幢邻里群 写错了的通知"), "共 4 人"));
  CHECK(Has(w.Say(kWorker, "是"), "通知 3号 已发出"));
  CHECK(Has(w.Say(kWorker, "撤回 3"), "4 条还没送到的已取消，0 位"));
  pushed = w.Drain();
  for (const auto& [who, texts] : pushed) {
    for (const auto& t : texts) CHECK_FALSE(Has(t, "写错了的通知"));
  }
  CHECK(w.Count("SELECT COUNT(*) FROM outbox WHERE dedup_key LIKE 'notice:3:%'") == 0);

  // Recruitment with a quota of 2 in the building circle.
  r = w.Say(kWorker, "招募 2 周六电视台录节目，需要两位志愿者 @5幢邻里群");
  CHECK(Has(r, "招募 1号 已发给「5幢邻里群」共 4 人"));
  pushed = w.Drain();
  CHECK(pushed.size() == 4);
  CHECK(Has(pushed[kJin][0], "报名 1"));
  CHECK(Has(w.Say(kJin, "报名 1"), "已报 1/2 人"));
  CHECK(Has(w.Say(kLeader, "报名1号"), "已报 2/2 人"));
  pushed = w.Drain();
  REQUIRE(pushed[kWorker].size() == 1);  // the organiser hears the quota filled, once
  CHECK(Has(pushed[kWorker][0], "已报满"));
  r = w.Say(kNewcomer, "报名 1");
  CHECK(Has(r, "请回复您的姓名"));  // no name known yet
  r = w.Say(kNewcomer, "小赵");
  CHECK(Has(r, "候补第 1 位"));
  CHECK(Has(w.Say(kJin, "取消报名 1"), "已取消"));
  pushed = w.Drain();
  REQUIRE(pushed[kNewcomer].size() == 1);  // promoted from the waiting list, pushed once
  CHECK(Has(pushed[kNewcomer][0], "转为正式报名"));
  CHECK(pushed.count(kWorker) == 0);  // still full: no second "full" push
  r = w.Say(kWorker, "报名情况 1");
  CHECK(Has(r, "已报 2/2 人"));
  CHECK(Has(r, "王葆蕾"));
  CHECK(Has(r, "小赵"));
  CHECK_FALSE(Has(r, "金阿婆"));
  CHECK(Has(w.Say(kWorker, "结束招募 1"), "已结束"));

  // Refusals: each says what to do instead and changes nothing.
  before = w.Snapshot();
  CHECK(Has(w.Say(kVolunteer, "报名 1"), "已经结束"));             // closed event
  CHECK(Has(w.Say(kJin, "通知 5幢邻里群 大家好"), "圈子管理员"));  // not a manager
  CHECK(Has(w.Say("o_demo_worker2", "通知 5幢邻里群 大家好"), "不是「5幢邻里群」的管理员"));
  CHECK(Has(w.Say(kWorker, "通知 没有这个圈 大家好"), "没找到叫「没有这个圈」的圈子"));
  CHECK(Has(w.Say(kWorker, "通知 5幢邻里群"), "请写上圈子名称和通知内容"));
  CHECK(Has(w.Say(kStranger, "收到 1"), "没有收到过 1 号通知"));
  CHECK(Has(w.Say(kStranger, "收到"), "没有要回复"));
  CHECK(Has(w.Say(kStranger, "退出圈子 5幢邻里群"), "不在「5幢邻里群」里"));
  CHECK(Has(w.Say(kStranger, "加入圈子 000000"), "邀请码「000000」不对"));
  CHECK(Has(w.Say(kStranger, "加入圈子 5幢邻里群"), "要用邀请码"));
  CHECK(Has(w.Say(kJin, "通知情况 1"), "圈子管理员"));
  CHECK(Has(w.Say("o_demo_worker2", "撤回 1"), "不是您发的"));
  CHECK(Has(w.Say(kWorker, "撤回 99"), "没有 99 号通知"));
  CHECK(Has(w.Say(kWorker, "报名情况 99"), "没有 99 号招募"));
  CHECK(Has(w.Say(kWorker, "退出圈子 5幢邻里群"), "圈主，不能退出"));
  CHECK(Has(w.Say(kJin, "建圈 兴趣 广场舞"), "网格员和社区工作人员"));
  CHECK(Has(w.Say(kWorker, "建圈 麻将 麻将群"), "没有「麻将」这种圈子"));
  CHECK(Has(w.Say(kWorker, "建圈 邻里 5幢邻里群"), "已经有叫「5幢邻里群」的圈子"));
  CHECK(Has(w.Say(kWorker, "招募 5000 全小区大扫除"), "人数太多了"));
  CHECK(Has(w.Say(kWorker, "通知 5幢邻里群 " + std::string(600, 'a')), "内容太长了"));
  CHECK(Has(w.Say(kVolunteer, "入圈通过 " + std::to_string(request)), "圈子管理员"));
  CHECK(w.Snapshot() == before);
  CHECK(w.Drain().empty());

  // A manager who says no to the confirmation sends nothing.
  CHECK(Has(w.Say(kWorker, "通知 全部 台风天请关好门窗"), "共"));
  CHECK(Has(w.Say(kWorker, "取消"), "已取消"));
  CHECK(w.Snapshot() == before);

  // Leaving a circle: no more notices from it.
  CHECK(Has(w.Say(kJin, "退出圈子 5幢邻里群"), "已退出"));
  CHECK(Has(w.Say(kWorker, "通知 5幢邻里群 周日义剪"), "共 3 人"));
  CHECK(Has(w.Say(kWorker, "是"), "已发出"));
  pushed = w.Drain();
  CHECK(pushed.count(kJin) == 0);
  CHECK(pushed.size() == 3);
}

TEST_CASE("Help lists the circle commands by role", "[integration][circles]") {
  S6World w;
  std::string resident = w.Say(kJin, "更多");
  CHECK(Has(resident, "加入圈子"));
  CHECK(Has(resident, "收到"));
  CHECK_FALSE(Has(resident, "建圈"));
  CHECK_FALSE(Has(resident, "通知 圈子名称"));
  std::string worker = w.Say(kWorker, "更多");
  CHECK(Has(worker, "建圈"));
  CHECK(Has(worker, "通知 圈子名称"));
  CHECK(Has(worker, "招募"));
  // The floor leader owns the demo building circle: a circle manager sees 通知, not 建圈.
  // The demo's building circle predates invite codes: its owner gets one by asking.
  std::string members = w.Say(kLeader, "圈子成员 桂柑社区第一网格5幢楼幢群");
  auto building = w.Circle("桂柑社区第一网格5幢楼幢群");
  REQUIRE(building.invite_code.size() == 6);
  CHECK(Has(members, "邀请码 " + building.invite_code));
  CHECK(Has(w.Say(kJin, "加入圈子 " + building.invite_code), "您已加入"));
  std::string leader = w.Say(kLeader, "更多");
  CHECK(Has(leader, "通知 圈子名称"));
  CHECK_FALSE(Has(leader, "建圈"));
}

TEST_CASE("A notice to 5,000 members is queued in one delivery, each person once",
          "[integration][circles]") {
  S6World w;
  (void)w.Say(kWorker, "建圈 兴趣 万人合唱团");
  (void)w.Say(kWorker, "建圈 兴趣 二重唱");
  auto choir = w.Circle("万人合唱团");
  auto duet = w.Circle("二重唱");
  constexpr int kMembers = 5000;
  // Members go straight into the store: joining 5,000 times by chat is not the point here.
  // Member 0 is in both circles of the notice and is still pushed once.
  REQUIRE_OK(w.Db().WithTransaction([&](storage::Tx& tx) -> Status {
    for (int i = 0; i < kMembers; ++i) {
      GEBI_ASSIGN_OR_RETURN(
          bool added, storage::AddMember(tx, choir.id, "o_choir_" + std::to_string(i), "", 1));
      (void)added;
    }
    return storage::AddMember(tx, duet.id, "o_choir_0", "", 1).status();
  }));
  CHECK(Has(w.Say(kWorker, "通知 万人合唱团、二重唱 周日下午两点排练"), "共 5000 人"));
  CHECK(Has(w.Say(kWorker, "是"), "共 5000 人"));
  CHECK(w.Count("SELECT COUNT(*) FROM outbox WHERE kind = 'notice'") == kMembers);
  CHECK(w.Count("SELECT COUNT(DISTINCT recipient) FROM outbox WHERE kind = 'notice'") == kMembers);
  CHECK(w.Count("SELECT recipients FROM notices WHERE id = 1") == kMembers);
}

}  // namespace
}  // namespace gebi
