// Issue 15, item 1: how residents actually write. Each table row is one phrasing sent through
// the real pipeline (rules, flows, handlers, SQLite); it asserts where the message landed (the
// route the ledger recorded) and what was stored (name, building and room, description,
// category, ticket number, score). More than 150 phrasings in all.
#include <string>
#include <vector>

#include "tests/support/handler_env.h"

namespace gebi::testing {
namespace {

// Turns off the per-sender limits: one resident sends many repairs here.
void NoLimits(HandlerEnv& w) {
  w.settings().limits.repairs_per_hour = 0;
  w.settings().limits.open_tickets_per_resident = 0;
  w.settings().limits.repeat_repair_minutes = 0;
  w.settings().limits.messages_per_minute = 0;
}

bool EndsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string Slot(HandlerEnv& w, const std::string& openid, const std::string& name) {
  return w.Text("SELECT json_extract(slots, '$." + name + "') FROM conversations WHERE openid = '" +
                openid + "'");
}

struct NameCase {
  std::string text, name, building, room, phone;
};

TEST_CASE("Joining: names, rooms and phones as people write them", "[handlers][understanding]") {
  const std::vector<NameCase> cases = {
      {"张三 5幢301", "张三", "5幢", "301", ""},
      {"我叫李桂英，住7幢201", "李桂英", "7幢", "201", ""},
      {"李桂英，7幢201", "李桂英", "7幢", "201", ""},
      {"5幢302室 王秀英 电话13912345678", "王秀英", "5幢", "302", "13912345678"},
      {"王秀英，5号楼3单元302", "王秀英", "5幢", "3单元302", ""},
      {"王秀英 五幢三零二", "王秀英", "5幢", "302", ""},
      {"陈明 23号201", "陈明", "23号", "201", ""},
      {"王秀英 5-302", "王秀英", "5幢", "302", ""},
      {"王秀英 5号楼302", "王秀英", "5幢", "302", ""},
      {"王秀英 5栋302室", "王秀英", "5幢", "302", ""},
      {"王秀英5幢302", "王秀英", "5幢", "302", ""},
      {"5幢302 王秀英", "王秀英", "5幢", "302", ""},
      {"我是王秀英，住在5幢302", "王秀英", "5幢", "302", ""},
      {"姓名：王秀英 住址：5幢302", "王秀英", "5幢", "302", ""},
      {"王秀英 5幢 302", "王秀英", "5幢", "302", ""},
      {"王秀英 ５幢３０２", "王秀英", "5幢", "302", ""},
      {"王秀英 五号楼三单元三零二", "王秀英", "5幢", "3单元302", ""},
      {"王秀英 十二幢101", "王秀英", "12幢", "101", ""},
      {"陈明 二十三号二零一", "陈明", "23号", "201", ""},
      {"陈明 信河街23号201", "陈明", "信河街23号", "201", ""},
      {"陈明，信河街23号201室", "陈明", "信河街23号", "201", ""},
      {"王秀英 5幢302 13912345678", "王秀英", "5幢", "302", "13912345678"},
      {"王秀英 手机13912345678 5幢302", "王秀英", "5幢", "302", "13912345678"},
      {"zhang san 5-301", "zhang san", "5幢", "301", ""},
      {"王秀英 5座302", "王秀英", "5幢", "302", ""},
      {"我叫王秀英 5幢302", "王秀英", "5幢", "302", ""},
      {"王秀英住5幢302", "王秀英", "5幢", "302", ""},
      {"王秀英 家住5幢302室", "王秀英", "5幢", "302", ""},
      {"5幢302室，王秀英", "王秀英", "5幢", "302", ""},
      {"王秀英。5幢302。", "王秀英", "5幢", "302", ""},
      {"欧阳秀英 5幢302", "欧阳秀英", "5幢", "302", ""},
      {"王秀英 5幢302号", "王秀英", "5幢", "302", ""},
      {"王 秀英 5幢302", "王秀英", "5幢", "302", ""},
      {"王秀英 5 幢 302", "王秀英", "5幢", "302", ""},
      {"王秀英，7幢2单元201", "王秀英", "7幢", "2单元201", ""},
      {"名字王秀英 房号5幢302", "王秀英", "5幢", "302", ""},
      {"王秀英 电话：13912345678 5幢302", "王秀英", "5幢", "302", "13912345678"},
      {"王二小 5幢302", "王二小", "5幢", "302", ""},
      {"李桂英 7幢201室", "李桂英", "7幢", "201", ""},
      {"我的名字叫李桂英，家住7幢201", "李桂英", "7幢", "201", ""},
  };
  HandlerEnv w;
  const std::string grid = N(w.Count("SELECT id FROM org_units WHERE code = 'GG-01'"));
  int i = 0;
  for (const auto& c : cases) {
    CAPTURE(c.text);
    const std::string who = "o_name_" + N(++i);
    w.Event(who, "subscribe", "qrscene_grid-" + grid);
    std::string reply = w.Say(who, c.text);
    CHECK(w.LastRoute(who) == "flow:join");
    CHECK(Has(reply, "请核对"));
    CHECK(Slot(w, who, "name") == c.name);
    CHECK(Slot(w, who, "building") == c.building);
    CHECK(Slot(w, who, "room") == c.room);
    CHECK(Slot(w, who, "phone") == c.phone);
  }
}

TEST_CASE("Joining: a room without a name or a name without a room is asked again",
          "[handlers][understanding]") {
  const std::vector<std::string> cases = {"5幢302", "王秀英", "王秀英 302", "不知道", "你好啊"};
  HandlerEnv w;
  const std::string grid = N(w.Count("SELECT id FROM org_units WHERE code = 'GG-01'"));
  int i = 0;
  for (const auto& text : cases) {
    CAPTURE(text);
    const std::string who = "o_noname_" + N(++i);
    w.Event(who, "subscribe", "qrscene_grid-" + grid);
    std::string reply = w.Say(who, text);
    CHECK(reply == w.Render("join.ask_name_again"));
    CHECK(w.LastRoute(who) == "flow:join");
    CHECK(w.Text("SELECT step FROM conversations WHERE openid = '" + who + "'") == "ask_name");
  }
}

TEST_CASE("Joining: yes and no as people say them", "[handlers][understanding]") {
  const std::vector<std::string> yes = {"是",  "是的",   "对",     "对的", "好",   "好的", "嗯",
                                        "可以", "确认",   "没错",   "对的。", "好的！", "嗯嗯", "是啊",
                                        "ok",  "行",     "没问题", "确定", "对了", "好的呀"};
  const std::vector<std::string> no = {"否",   "不是", "不对", "不要", "算了",
                                       "重填", "错了", "不对！", "要改", "不行"};
  HandlerEnv w;
  const std::string grid = N(w.Count("SELECT id FROM org_units WHERE code = 'GG-01'"));
  int i = 0;
  for (const auto& text : yes) {
    CAPTURE(text);
    const std::string who = "o_yes_" + N(++i);
    w.Event(who, "subscribe", "qrscene_grid-" + grid);
    w.Say(who, "李桂英，住7幢201");
    std::string reply = w.Say(who, text);
    CHECK(Has(reply, "已提交申请"));
    CHECK(w.Text("SELECT name || '/' || building || room FROM join_requests WHERE openid = '" +
                 who + "'") == "李桂英/7幢201");
  }
  for (const auto& text : no) {
    CAPTURE(text);
    const std::string who = "o_no_" + N(++i);
    w.Event(who, "subscribe", "qrscene_grid-" + grid);
    w.Say(who, "李桂英，住7幢201");
    CHECK(w.Say(who, text) == w.Render("join.ask_name_again"));
    CHECK(w.Count("SELECT COUNT(*) FROM join_requests WHERE openid = '" + who + "'") == 0);
    CHECK(w.Text("SELECT step FROM conversations WHERE openid = '" + who + "'") == "ask_name");
  }
}

struct RepairCase {
  std::string text, description, category;
};

// Each text, sent by who, files a repair with that description and category.
void CheckRepairs(HandlerEnv& w, const std::string& who, const std::vector<RepairCase>& cases) {
  for (const auto& c : cases) {
    CAPTURE(c.text);
    std::string reply = w.Say(who, c.text);
    CHECK(EndsWith(w.LastRoute(who), ":repair"));
    CHECK(Has(reply, "已登记报修"));
    const int64_t t = w.Count("SELECT MAX(id) FROM tickets");
    CHECK(Has(reply, N(t) + " 号"));
    CHECK(w.Ticket(t)->description == c.description);
    CHECK(w.Ticket(t)->category == c.category);
    CHECK(w.Ticket(t)->reporter == who);
  }
}

TEST_CASE("Repairs: command words, intent phrases, punctuation and filler",
          "[handlers][understanding]") {
  const std::vector<RepairCase> cases = {
      {"报修 楼道灯坏了", "楼道灯坏了", "electrical"},
      {"报修，楼道灯坏了。", "楼道灯坏了", "electrical"},
      {"我要报修 楼道灯坏了", "楼道灯坏了", "electrical"},
      {"我要报修，厨房水管漏水", "厨房水管漏水", "plumbing"},
      {"灯坏了", "灯坏了", "electrical"},
      {"楼道灯坏了", "楼道灯坏了", "electrical"},
      {"帮我修一下水管", "帮我修一下水管", "plumbing"},
      {"厨房漏水了", "厨房漏水了", "plumbing"},
      {"卫生间下水道堵了", "卫生间下水道堵了", "plumbing"},
      {"家里的灯不亮了", "家里的灯不亮了", "electrical"},
      {"插座冒火花", "插座冒火花", "sparks"},
      {"厨房有煤气味", "厨房有煤气味", "gas"},
      {"屋里冒烟了", "屋里冒烟了", "smoke"},
      {"报修 门锁坏了", "门锁坏了", "lock"},
      {"报修：热水器坏了！", "热水器坏了", "appliance"},
      {"申请报修 空调坏了", "空调坏了", "appliance"},
      {"帮我报修 马桶堵了", "马桶堵了", "plumbing"},
      {"我想报修，楼下路灯不亮", "楼下路灯不亮", "electrical"},
      {"要报修 洗衣机坏掉了", "洗衣机坏掉了", "appliance"},
      {"水龙头坏了，一直滴水", "水龙头坏了，一直滴水", "plumbing"},
      {"家里跳闸了", "家里跳闸了", "electrical"},
      {"能不能找人来修一下冰箱", "能不能找人来修一下冰箱", "appliance"},
      {"报修 5幢楼道灯坏了", "5幢楼道灯坏了", "electrical"},
      {"repair light broken", "light broken", "electrical"},
      {"报修　楼道灯坏了", "楼道灯坏了", "electrical"},
      {"报修楼道灯坏了", "楼道灯坏了", "electrical"},
      {"楼道的灯坏掉了", "楼道的灯坏掉了", "electrical"},
      {"水管爆了，漏水", "水管爆了，漏水", "plumbing"},
      {"门坏了关不上", "门坏了关不上", "lock"},
      {"厨房不出水了", "厨房不出水了", "plumbing"},
      {"帮忙修下电灯", "帮忙修下电灯", "electrical"},
      {"报修 电视坏了", "电视坏了", "appliance"},
      {"报修 wifi连不上", "wifi连不上", "digital"},
      {"厨房燃气灶打不着火", "厨房燃气灶打不着火", "gas"},
      {"家里漏电了", "家里漏电了", "sparks"},
      {"报修。。。楼道灯坏了", "楼道灯坏了", "electrical"},
      {"我要报修：楼梯扶手坏了", "楼梯扶手坏了", "other"},
      {"您好，我家灯坏了", "您好，我家灯坏了", "electrical"},
      {"REPAIR Kitchen Leak", "Kitchen Leak", "plumbing"},
      {"报修 楼道灯坏了~", "楼道灯坏了", "electrical"},
      {"水管漏了", "水管漏了", "plumbing"},
      {"屋顶漏啦，快来看看", "屋顶漏啦，快来看看", "plumbing"},
      {"门锁坏啦", "门锁坏啦", "lock"},
      {"下水道堵啦", "下水道堵啦", "plumbing"},
      {"墙上渗水了", "墙上渗水了", "plumbing"},
      {"水龙头一直滴水", "水龙头一直滴水", "plumbing"},
      {"楼道声控灯失灵了", "楼道声控灯失灵了", "electrical"},
      {"门锁不好使了", "门锁不好使了", "lock"},
      {"麻烦修一下楼道的灯", "麻烦修一下楼道的灯", "electrical"},
  };
  HandlerEnv w;
  NoLimits(w);
  CheckRepairs(w, "o_demo_floorleader", cases);
}

TEST_CASE("A resident's words that start with a staff command are their repair, not a refusal",
          "[handlers][understanding]") {
  HandlerEnv w;
  NoLimits(w);
  const std::string who = "o_demo_jin";  // a resident: no 提醒, 通知 or 撤回 of her own
  const std::vector<RepairCase> cases = {
      {"提醒一下，楼道灯坏了", "提醒一下，楼道灯坏了", "electrical"},
      {"通知一下物业，水管漏了", "通知一下物业，水管漏了", "plumbing"},
      {"撤回来的时候发现家里漏水了", "撤回来的时候发现家里漏水了", "plumbing"},
  };
  CheckRepairs(w, who, cases);
  // The command itself, with nothing else it could mean, still says who may use it.
  const int64_t tickets = w.Count("SELECT COUNT(*) FROM tickets");
  CHECK(Has(w.Say(who, "提醒 3"), "「提醒」是"));
  CHECK(Has(w.Say(who, "撤回 3"), "「撤回」是"));
  CHECK(w.Count("SELECT COUNT(*) FROM tickets") == tickets);
}

TEST_CASE("A command word alone asks, and the next message is its argument",
          "[handlers][understanding]") {
  struct AskCase {
    std::string first, second, description;
  };
  const std::vector<AskCase> cases = {
      {"报修", "楼道灯坏了", "楼道灯坏了"},
      {"我要报修", "厨房水管漏水。", "厨房水管漏水"},
      {"报修 一下", "门锁坏了", "门锁坏了"},
      {"报修！", "热水器不热", "热水器不热"},
      {"repair", "light broken", "light broken"},
      {"我想报修", "灯坏了", "灯坏了"},
  };
  HandlerEnv w;
  NoLimits(w);
  const std::string who = "o_demo_floorleader";
  for (const auto& c : cases) {
    CAPTURE(c.first, c.second);
    const int64_t before = w.Count("SELECT COUNT(*) FROM tickets");
    CHECK(w.Say(who, c.first) == w.Render("repair.ask"));
    CHECK(w.Count("SELECT COUNT(*) FROM tickets") == before);
    std::string reply = w.Say(who, c.second);
    CHECK(w.LastRoute(who) == "flow:ask");
    CHECK(Has(reply, "已登记报修"));
    CHECK(w.Ticket(w.Count("SELECT MAX(id) FROM tickets"))->description == c.description);
  }
  SECTION("志愿者 alone asks for the skills") {
    CHECK(Has(w.Say(who, "志愿者"), "您会什么"));
    CHECK(Has(w.Say(who, "水电 周末"), "已登记为志愿者"));
    CHECK(w.LastRoute(who) == "flow:ask");
    CHECK(w.Count("SELECT COUNT(*) FROM volunteer_skills WHERE openid = '" + who +
                  "' AND skill = '水电维修'") == 1);
  }
  SECTION("报名志愿者, 我想当志愿者: the offer of help, not a recruitment's 报名 N") {
    for (const char* text : {"报名志愿者", "我想当志愿者", "申请当志愿者。"}) {
      CAPTURE(text);
      CHECK(Has(w.Say(who, text), "您会什么"));
      CHECK(EndsWith(w.LastRoute(who), ":volunteer"));
    }
    CHECK(Has(w.Say(who, "报名志愿者 水电 周末"), "已登记为志愿者"));
    CHECK(Has(w.Say(who, "报名 3"), "3"));  // 报名 N still reaches the recruitment
    CHECK(EndsWith(w.LastRoute(who), ":signup"));
  }
  SECTION("接单 alone asks for the number") {
    const int64_t t = w.Repair("o_demo_jin", "楼道灯坏了");
    CHECK(w.Say("o_demo_worker1", "接单") == w.Render("claim.usage"));
    CHECK(Has(w.Say("o_demo_worker1", N(t) + "号"), "接单成功"));
    CHECK(w.Ticket(t)->claimed_by == "o_demo_worker1");
  }
}

TEST_CASE("Ticket numbers as people write them: 2号, #2, ＃2, ２, 二号, 第2号",
          "[handlers][understanding]") {
  const std::vector<std::string> forms = {"{}", "#{}", "＃{}", "{}号", "第{}号", "No.{}", "{}号单"};
  for (const auto& form : forms) {
    CAPTURE(form);
    HandlerEnv w;
    NoLimits(w);
    w.Repair("o_demo_floorleader", "楼道灯坏了");
    const int64_t t = w.Repair("o_demo_floorleader", "水管漏水");
    std::string number = form;
    number.replace(number.find("{}"), 2, N(t));
    CHECK(Has(w.Say("o_demo_floorleader", "取消报修 " + number), "已取消"));
    CHECK(w.Ticket(t)->status == "cancelled");
    CHECK(w.Ticket(t - 1)->status == "open");
  }
  for (const std::string text : {"取消报修 ２", "取消报修 二号", "取消报修 两号"}) {
    CAPTURE(text);
    HandlerEnv w;
    NoLimits(w);
    w.Repair("o_demo_floorleader", "楼道灯坏了");
    const int64_t t = w.Repair("o_demo_floorleader", "水管漏水");
    REQUIRE(t == 2);
    CHECK(Has(w.Say("o_demo_floorleader", text), "已取消"));
    CHECK(w.Ticket(2)->status == "cancelled");
    CHECK(w.Ticket(1)->status == "open");
  }
}

TEST_CASE("Ratings as people give them: 5分, 五星, 五, no number, 修好了",
          "[handlers][understanding]") {
  struct RateCase {
    std::string text;  // {} is the ticket number
    int score;
    std::string note;
  };
  const std::vector<RateCase> cases = {
      {"评价 {} 5", 5, ""},
      {"评价 {} 5分", 5, ""},
      {"评价 {} 五", 5, ""},
      {"评价 {} 五星", 5, ""},
      {"评价 {}号 4分", 4, ""},
      {"评价 #{} 3", 3, ""},
      {"评价 {} 5分 修得很好", 5, "修得很好"},
      {"评价 5分", 5, ""},
      {"评价 五星好评", 5, "好评"},
      {"评价 {} 满分", 5, ""},
      {"评价 {}号5分", 5, ""},
      {"评价 4", 4, ""},
  };
  HandlerEnv w;
  NoLimits(w);
  const std::string me = "o_demo_floorleader";
  auto done_ticket = [&] {
    const int64_t t = w.Repair(me, "楼道灯坏了");
    w.Say("o_demo_worker1", "接单 " + N(t));
    w.Say("o_demo_worker1", "完成 " + N(t) + " 换了灯泡");
    REQUIRE(w.Ticket(t)->status == "done");
    return t;
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    const int64_t t = done_ticket();
    std::string text = c.text;
    if (auto at = text.find("{}"); at != std::string::npos) text.replace(at, 2, N(t));
    std::string reply = w.Say(me, text);
    CHECK(EndsWith(w.LastRoute(me), ":rate"));
    CHECK(Has(reply, "谢谢您的评价"));
    CHECK(w.Ticket(t)->rating == c.score);
    CHECK(w.Ticket(t)->rating_note == c.note);
  }
  SECTION("评价 alone asks for the score of the latest done ticket") {
    const int64_t t = done_ticket();
    CHECK(w.Say(me, "评价") == w.Render("rate.ask_score", {{"id", N(t)}}));
    CHECK(Has(w.Say(me, "五星"), "谢谢您的评价"));
    CHECK(w.LastRoute(me) == "flow:ask");
    CHECK(w.Ticket(t)->rating == 5);
  }
  SECTION("修好了，谢谢 on a claimed ticket: done for the claimer, then the score") {
    const int64_t t = w.Repair(me, "水管漏水");
    w.Say("o_demo_volunteer", "接单 " + N(t));
    CHECK(w.Say(me, "修好了，谢谢") == w.Render("fixed.ask_score", {{"id", N(t)}}));
    CHECK(EndsWith(w.LastRoute(me), ":fixed"));
    CHECK(w.Ticket(t)->status == "done");
    CHECK(w.Ticket(t)->done_by == "o_demo_volunteer");
    CHECK(Has(w.Say(me, "5分"), "谢谢您的评价"));
    CHECK(w.Ticket(t)->rating == 5);
    CHECK(w.Count("SELECT COUNT(*) FROM outbox WHERE recipient = 'o_demo_volunteer' AND kind = "
                  "'ticket_confirmed'") == 1);
  }
}

TEST_CASE("Intent phrases land in their flows", "[handlers][understanding]") {
  struct IntentCase {
    std::string who, text, handler;
  };
  const std::vector<IntentCase> cases = {
      {"o_demo_floorleader", "人工", "human"},
      {"o_demo_floorleader", "转人工", "human"},
      {"o_demo_floorleader", "我不会用", "human"},
      {"o_demo_floorleader", "我不会用这个", "human"},
      {"o_demo_floorleader", "找网格员", "human"},
      {"o_demo_floorleader", "找人工", "human"},
      {"o_demo_floorleader", "看不懂", "human"},
      {"o_demo_floorleader", "人工客服", "human"},
      {"o_demo_resident", "你好", "help"},
      {"o_demo_resident", "您好", "help"},
      {"o_demo_resident", "在吗", "help"},
      {"o_demo_floorleader", "1号修好了吗", "my_repairs"},
      {"o_demo_floorleader", "什么时候来修", "my_repairs"},
      {"o_demo_floorleader", "还没修好", "reopen"},
      {"o_demo_floorleader", "更多", "more"},
  };
  HandlerEnv w;
  NoLimits(w);
  w.Repair("o_demo_floorleader", "楼道灯坏了");
  CHECK(Has(w.Say("o_demo_floorleader", "1号修好了吗"), "1号 楼道灯坏了"));
  for (const auto& c : cases) {
    CAPTURE(c.text);
    std::string reply = w.Say(c.who, c.text);
    CHECK(EndsWith(w.LastRoute(c.who), ":" + c.handler));
    CHECK(!reply.empty());
  }
}

}  // namespace
}  // namespace gebi::testing
