// Moderation through the handlers (no HTTP): the seeded categories and the advertiser signal
// on texts as people write them (and the demo's and the other stories' texts passing
// untouched), caps and bad patterns, a held repair relay that still reaches the grid worker,
// strikes to a mute that refuses the next relay, hostile 放行 / 驳回 / 踢出 / 申诉 changing
// nothing, and help listing the commands by role.
#include "handlers/chat/moderation.h"

#include "bot/app.h"
#include "handlers/admin/auth.h"
#include "handlers/normalize.h"
#include "handlers/privacy.h"
#include "storage/circle_store.h"
#include "storage/moderation_store.h"
#include "tests/support/handler_env.h"

namespace gebi::testing {
namespace {

using handlers::CompileCategories;
using handlers::HasContactSignal;
using handlers::MatchCategories;

std::vector<storage::ModerationCategory> Seeded(HandlerEnv& w) {
  std::vector<storage::ModerationCategory> out;
  REQUIRE_OK(w.db().WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(out, storage::ListModerationCategories(tx));
    return Status::Ok();
  }));
  return out;
}

std::string RuleOf(const handlers::CompiledCategories& c, const std::string& text) {
  auto hit = MatchCategories(c, handlers::Normalize(text));
  return hit ? hit->title : "";
}

TEST_CASE("The seeded categories catch the convention's ten kinds as people write them",
          "[handlers][moderation]") {
  HandlerEnv w;
  auto compiled = CompileCategories(Seeded(w));
  struct Case {
    const char* text;
    const char* rule;
  };
  const Case cases[] = {
      {"周末特价，加我微信详聊", "广告"},
      {"需要的加Ｖ：ｗｘ＿ｓａｌｅ８８", "广告"},  // full-width, as a phone IME types it
      {"紧急扩散！明天自来水有毒", "谣言"},
      {"法轮功", "政治敏感"},
      {"刷单返利，日赚三百", "诈骗"},
      {"把验证码发给我就行", "诈骗"},
      {"裸聊加群", "低俗"},
      {"今晚六合彩开奖", "赌博"},
      {"你这个王八蛋", "人身攻击"},
      {"他身份证号是330302199001011234", "泄露隐私"},
      {"330302199001011234", "泄露隐私"},
      {"招商加盟，轻松致富", "商业推销"},
      {"领红包点这里 t.cn/A6xyz", "不安全链接"},
      {"下载 http://x.example/app.apk 安装", "不安全链接"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    CHECK(RuleOf(*compiled, c.text) == c.rule);
  }
}

TEST_CASE("The stories' own texts trip no seeded category", "[handlers][moderation]") {
  HandlerEnv w;
  auto compiled = CompileCategories(Seeded(w));
  for (const char* text : {"周六上午九点社区礼堂家庭教育讲座，欢迎参加！",
                           "台风天请关好门窗",
                           "周六停水",
                           "明天打扫楼道",
                           "周日义剪",
                           "周六电视台录节目，需要两位志愿者",
                           "全小区大扫除",
                           "楼道灯坏了，有事打我电话13912345678",
                           "家里两盏电灯都不亮了",
                           "厨房水管漏水",
                           "wifi坏了,ok",
                           "3 号楼 2 单元 301",
                           "3幢门口",
                           "东门口",
                           "堵住消防通道了",
                           "喇叭音量是消防要求的",
                           "已经转给巡逻队了",
                           "下周开始调小音量",
                           "晚上巡逻的喇叭太响了",
                           "菜场门口多放两个垃圾桶",
                           "快递柜装在门口",
                           "社区服务电话：0577-88000000（工作日）",
                           "网格员林晓 13800000001",
                           "浙C12345",
                           "大家好",
                           "电视坏了",
                           "门锁坏了"}) {
    CAPTURE(text);
    CHECK(RuleOf(*compiled, text).empty());
  }
}

TEST_CASE("Contact signal: phone numbers and links, not rooms, plates or landlines",
          "[handlers][moderation]") {
  for (const char* text : {"有事打13912345678", "电话 139-1234-5678", "http://a.b", "www.shop",
                           "看 shop.taobao.com 下单", "联系 abc.cn"}) {
    CAPTURE(text);
    CHECK(HasContactSignal(handlers::Normalize(text)));
  }
  for (const char* text : {"5幢301", "浙C12345", "0577-88000000", "周六上午九点", "2号楼1单元",
                           "123456789012345", "楼道灯坏了"}) {
    CAPTURE(text);
    CHECK_FALSE(HasContactSignal(handlers::Normalize(text)));
  }
}

TEST_CASE("Compiling skips disabled categories, bad patterns and lines over the caps",
          "[handlers][moderation]") {
  storage::ModerationCategory a;
  a.id = 1;
  a.code = "a";
  a.title = "甲";
  a.keywords = "坏词\n" + std::string(handlers::kMaxModerationPatternBytes + 1, 'x');
  a.patterns = "(unclosed\n(a+)\\1\n(?=look)\nfoo[0-9]+bar";
  storage::ModerationCategory b = a;
  b.id = 2;
  b.code = "b";
  b.title = "乙";
  b.keywords = "别的词";
  b.patterns = "";
  b.enabled = false;
  auto c = CompileCategories({a, b});
  CHECK(RuleOf(*c, "有坏词") == "甲");
  CHECK(RuleOf(*c, "foo123bar") == "甲");
  CHECK(RuleOf(*c, "别的词").empty());  // disabled
  CHECK(RuleOf(*c, std::string(handlers::kMaxModerationPatternBytes + 1, 'x')).empty());
  // Past the line cap: the first kMaxModerationLines count, the rest are ignored.
  storage::ModerationCategory many = a;
  many.keywords.clear();
  many.patterns.clear();
  for (size_t i = 0; i < handlers::kMaxModerationLines + 5; ++i) {
    many.keywords += "词" + std::to_string(i) + "号\n";
  }
  auto m = CompileCategories({many});
  CHECK(RuleOf(*m, "词0号") == "甲");
  CHECK(RuleOf(*m, "词" + std::to_string(handlers::kMaxModerationLines + 2) + "号").empty());
  // A long text of a near-miss is one linear pass (RE2): it simply does not match.
  CHECK(RuleOf(*c, std::string(6000, 'a') + "foo" + std::string(2000, '1')).empty());
  // Nothing enabled: nothing matches.
  b.enabled = false;
  CHECK(RuleOf(*CompileCategories({b}), "别的词").empty());
}

TEST_CASE("A new member's phone number or link in a circle relay is held for review",
          "[handlers][moderation]") {
  HandlerEnv w;
  auto files = bot::ReadTemplateDir(std::string(GEBI_SOURCE_DIR) + "/templates");
  REQUIRE_RESULT_OK(files);
  auto texts = handlers::Templates::Create(*files);
  REQUIRE_RESULT_OK(texts);
  const int64_t circle = w.Count("SELECT id FROM circles WHERE name = '桂柑社区第一网格5幢楼幢群'");
  REQUIRE(circle > 0);
  REQUIRE_OK(w.db().WithTransaction([&](storage::Tx& tx) {
    return storage::AddMember(tx, circle, "o_demo_jin", "", w.clock().NowSeconds()).status();
  }));
  auto screen = [&](const std::string& sender, const std::string& text) {
    handlers::Relay r;
    r.kind = "notice";
    r.sender = sender;
    r.circle_ids = {circle};
    r.text = text;
    r.payload = nlohmann::json::object();
    handlers::Screened out;
    REQUIRE_OK(w.db().WithTransaction([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(
          out, handlers::ScreenRelay(tx, *texts, w.settings(), r, w.clock().NowSeconds()));
      return Status::Ok();
    }));
    return out;
  };
  auto held = screen("o_demo_jin", "需要家政的打我电话 139-1234-5678");
  CHECK(held.verdict == handlers::Screened::Verdict::kHeld);
  CHECK(held.rule == handlers::kNewMemberRule);
  CHECK(Has(held.reply, "新成员发联系方式"));
  CHECK(screen("o_demo_jin", "看这里 www.jiazheng.cn").verdict ==
        handlers::Screened::Verdict::kHeld);
  CHECK(screen("o_demo_jin", "明天楼下义剪，大家来").verdict == handlers::Screened::Verdict::kPass);
  // The circle's owner answers for it; a member of more than a week is no newcomer.
  CHECK(screen("o_demo_floorleader", "有事打我电话13912345678").verdict ==
        handlers::Screened::Verdict::kPass);
  w.clock().Advance(7 * 86400 + 1);
  CHECK(screen("o_demo_jin", "需要家政的打我电话 139-1234-5678").verdict ==
        handlers::Screened::Verdict::kPass);
  CHECK(w.Count("SELECT COUNT(*) FROM held_items WHERE rule = '新成员发联系方式'") == 2);
}

TEST_CASE("A held repair relay: the ticket and the grid worker's push stand, volunteers wait",
          "[handlers][moderation]") {
  HandlerEnv w;
  const std::string r = w.Say("o_demo_floorleader", "报修 楼道灯坏了，招商加盟轻松赚钱");
  CHECK(Has(r, "已登记报修 1 号"));
  CHECK(Has(r, "「商业推销」"));
  CHECK(Has(r, "申诉"));
  CHECK(w.Count("SELECT COUNT(*) FROM tickets") == 1);
  CHECK(w.Count("SELECT COUNT(*) FROM outbox WHERE recipient = 'o_demo_worker1' AND kind = "
                "'ticket_new'") == 1);
  CHECK(w.Count("SELECT COUNT(*) FROM outbox WHERE recipient = 'o_demo_volunteer'") == 0);
  CHECK(w.Count("SELECT COUNT(*) FROM held_items WHERE kind = 'repair' AND status = 'held'") == 1);
  // The community's staff decide (no circle); the volunteer gets the relay exactly once.
  CHECK(w.Count("SELECT COUNT(*) FROM outbox WHERE recipient = 'o_demo_staff' AND kind = "
                "'moderation_held'") == 1);
  // Nor does the volunteer read the held words in their 工单 list meanwhile.
  CHECK_FALSE(Has(w.Say("o_demo_volunteer", "工单"), "招商加盟"));
  CHECK(Has(w.Say("o_demo_staff", "放行 1"), "已放行第 1 号，已发给 1 人"));
  CHECK(Has(w.Say("o_demo_volunteer", "工单"), "招商加盟"));
  CHECK(w.Count("SELECT COUNT(*) FROM outbox WHERE recipient = 'o_demo_volunteer' AND kind = "
                "'ticket_new'") == 1);
}

TEST_CASE("A held recruitment and a held suggestion answer go out only when released",
          "[handlers][moderation]") {
  HandlerEnv w;
  const std::string circle = "桂柑社区第一网格5幢楼幢群";
  CHECK(Has(w.Say("o_demo_floorleader", "圈子成员 " + circle), "邀请码"));
  const std::string code =
      w.Text("SELECT invite_code FROM circles WHERE name = '桂柑社区第一网格5幢楼幢群'");
  CHECK(Has(w.Say("o_demo_jin", "加入圈子 " + code), "您已加入"));
  // Recruitment: nothing is created or pushed until a manager releases it.
  std::string r = w.Say("o_demo_floorleader", "招募 5 刷单返利，日赚三百 @" + circle);
  CHECK(Has(r, "「诈骗」"));
  CHECK(w.Count("SELECT COUNT(*) FROM recruitments") == 0);
  CHECK(w.Count("SELECT COUNT(*) FROM outbox WHERE kind = 'recruit'") == 0);
  CHECK(Has(w.Say("o_demo_worker1", "放行 1"), "已放行第 1 号，已发给 2 人"));
  CHECK(w.Count("SELECT COUNT(*) FROM recruitments WHERE quota = 5") == 1);
  CHECK(w.Count("SELECT COUNT(*) FROM outbox WHERE kind = 'recruit'") == 2);
  CHECK(Has(w.Say("o_demo_jin", "报名 1"), "已报 1/5 人"));
  // A suggestion's answer in chat: held, then delivered as the answer when released.
  CHECK(Has(w.Say("o_demo_jin", "建议 晚上巡逻的喇叭太响了"), "编号 1"));
  r = w.Say("o_demo_worker1", "回复 1 加我微信详聊");
  CHECK(Has(r, "「广告」"));
  CHECK(w.Text("SELECT status FROM suggestions WHERE id = 1") == "open");
  CHECK(w.Count("SELECT COUNT(*) FROM outbox WHERE kind = 'suggestion_answer'") == 0);
  CHECK(Has(w.Say("o_demo_staff", "放行 2"), "已放行第 2 号"));
  CHECK(w.Text("SELECT status FROM suggestions WHERE id = 1") == "replied");
  CHECK(w.Text("SELECT answer FROM suggestions WHERE id = 1") == "加我微信详聊");
  CHECK(w.Count("SELECT COUNT(*) FROM outbox WHERE kind = 'suggestion_answer' AND recipient = "
                "'o_demo_jin'") == 1);
}

TEST_CASE("Rejections strike, the second mutes, a muted person's relay is refused",
          "[handlers][moderation]") {
  HandlerEnv w;
  const std::string jin = "o_demo_jin";
  CHECK(Has(w.Say(jin, "停车 浙C12345 门口，车主是个王八蛋"), "「人身攻击」"));
  CHECK(w.Count("SELECT COUNT(*) FROM outbox WHERE kind = 'parking_new'") == 0);
  std::string r = w.Say("o_demo_staff", "驳回 1 请文明用语");
  CHECK(Has(r, "已驳回第 1 号"));
  CHECK(Has(r, "第 1 次"));
  CHECK(w.Text("SELECT payload FROM outbox WHERE recipient = 'o_demo_jin' AND kind = "
               "'moderation_rejected'")
            .find("请文明用语") != std::string::npos);
  CHECK(Has(w.Say(jin, "停车 浙C54321 东门，车主是个王八蛋"), "「人身攻击」"));
  r = w.Say("o_demo_staff", "驳回 2");
  CHECK(Has(r, "第 2 次"));
  CHECK(Has(r, "已禁言 7 天"));
  const std::string before = w.Fingerprint();
  const int64_t held = w.Count("SELECT COUNT(*) FROM held_items");
  r = w.Say(jin, "停车 浙C11111 北门");
  CHECK(Has(r, "暂时不能在这里发内容"));
  CHECK(w.Count("SELECT COUNT(*) FROM held_items") == held);
  CHECK(w.Count("SELECT COUNT(*) FROM outbox WHERE kind = 'parking_new'") == 0);
  (void)before;
  // After the mute: relayed again.
  w.clock().Advance(7 * 86400 + 1);
  CHECK(Has(w.Say(jin, "停车 浙C22222 北门"), "已通知社区"));
  CHECK(w.Count("SELECT COUNT(*) FROM outbox WHERE kind = 'parking_new'") >= 1);
  // Audit: who, what, rule, decision.
  CHECK(w.Count("SELECT COUNT(*) FROM admin_audit WHERE action = 'moderation.hold'") == 2);
  CHECK(w.Count("SELECT COUNT(*) FROM admin_audit WHERE action = 'moderation.reject' AND after "
                "LIKE '%人身攻击%' AND after LIKE '%rejected%'") == 2);
  // Forgetting the person leaves no openid or words of theirs in the moderation rows.
  REQUIRE_RESULT_OK(
      handlers::ForgetPerson(w.db(), w.clock(), handlers::admin::CliPrincipal(), "o_demo_jin"));
  for (const char* sql :
       {"SELECT COUNT(*) FROM held_items WHERE sender = 'o_demo_jin' OR text LIKE '%王八蛋%'",
        "SELECT COUNT(*) FROM moderation_strikes WHERE openid = 'o_demo_jin'",
        "SELECT COUNT(*) FROM admin_audit WHERE object || before || after LIKE '%o_demo_jin%'"}) {
    CAPTURE(sql);
    CHECK(w.Count(sql) == 0);
  }
}

TEST_CASE("Hostile moderation commands say what to do instead and change nothing",
          "[handlers][moderation]") {
  HandlerEnv w;
  CHECK(Has(w.Say("o_demo_jin", "停车 浙C12345 门口，加我微信 wxabc123"), "「广告」"));
  const std::string before = w.Fingerprint();
  const auto state = [&] {
    return w.Text("SELECT group_concat(status) FROM held_items") + "|" +
           N(w.Count("SELECT COUNT(*) FROM moderation_strikes")) + "|" +
           N(w.Count("SELECT COUNT(*) FROM circle_removals")) + "|" +
           N(w.Count("SELECT COUNT(*) FROM moderation_appeals")) + "|" +
           N(w.Count("SELECT COUNT(*) FROM admin_audit"));
  };
  const std::string held = state();
  CHECK(Has(w.Say("o_demo_jin", "放行 1"), "圈子管理员"));      // not a manager: the row's roles
  CHECK(Has(w.Say("o_demo_worker2", "放行 1"), "不归您审核"));  // another grid's worker
  CHECK(Has(w.Say("o_demo_staff", "放行 99"), "没有第 99 号"));
  CHECK(Has(w.Say("o_demo_staff", "放行"), "请这样写：放行 12"));
  CHECK(Has(w.Say("o_demo_staff", "驳回 abc"), "请这样写"));
  CHECK(Has(w.Say("o_demo_staff", "驳回 1 " + std::string(400, 'x')), "太长"));
  CHECK(Has(w.Say("o_demo_jin", "申诉 99"), "不是您发的"));
  CHECK(Has(w.Say("o_demo_volunteer", "申诉"), "不用申诉"));
  CHECK(Has(w.Say("o_demo_worker1", "确认踢出 5"), "没有第 5 号"));
  CHECK(Has(w.Say("o_demo_floorleader", "踢出 不存在的人 发广告"), "没有叫「不存在的人」"));
  CHECK(Has(w.Say("o_demo_floorleader", "踢出 金阿婆"), "请写上原因"));
  CHECK(w.Fingerprint() == before);
  CHECK(state() == held);
  // Double 放行: the second is refused and nothing goes out twice.
  CHECK(Has(w.Say("o_demo_staff", "放行 1"), "已放行第 1 号"));
  const std::string after = state();
  const int64_t pushes = w.Count("SELECT COUNT(*) FROM outbox");
  CHECK(Has(w.Say("o_demo_staff", "放行 1"), "已经放行了"));
  CHECK(Has(w.Say("o_demo_staff", "驳回 1"), "已经放行了"));
  CHECK(state() == after);
  CHECK(w.Count("SELECT COUNT(*) FROM outbox") == pushes);
}

TEST_CASE("Help lists the moderation commands by role", "[handlers][moderation]") {
  HandlerEnv w;
  const std::string resident = w.Say("o_demo_jin", "更多");
  CHECK(Has(resident, w.Render("help.line.appeal")));
  for (const char* key : {"help.line.release", "help.line.reject_held", "help.line.remove_member",
                          "help.line.confirm_removal"}) {
    CAPTURE(key);
    CHECK_FALSE(Has(resident, w.Render(key)));
  }
  const std::string manager = w.Say("o_demo_floorleader", "更多");  // owns the building circle
  for (const char* key :
       {"help.line.release", "help.line.reject_held", "help.line.remove_member"}) {
    CAPTURE(key);
    CHECK(Has(manager, w.Render(key)));
  }
  CHECK_FALSE(Has(manager, w.Render("help.line.confirm_removal")));
  const std::string worker = w.Say("o_demo_worker1", "更多");
  CHECK(Has(worker, w.Render("help.line.confirm_removal")));
}

}  // namespace
}  // namespace gebi::testing
