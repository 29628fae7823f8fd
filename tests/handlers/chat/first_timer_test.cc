// Issue 15: the stories S1 (join), S3 (repair, rate) and S5 (volunteer) played the way a
// first-timer writes, counting the messages each goal takes. The counts are the "after"
// figures of the closing note; a change that makes a goal take more messages fails here.
#include <string>

#include "tests/support/handler_env.h"

namespace gebi::testing {
namespace {

// Counts the messages a person sends while playing one goal.
class Player {
 public:
  Player(HandlerEnv& w, std::string openid) : w_(w), openid_(std::move(openid)) {}
  std::string Say(const std::string& text) {
    ++sent_;
    last_ = w_.Say(openid_, text);
    return last_;
  }
  int sent() const { return sent_; }
  void Reset() { sent_ = 0; }
  const std::string& last() const { return last_; }

 private:
  HandlerEnv& w_;
  std::string openid_;
  int sent_ = 0;
  std::string last_;
};

size_t Chars(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

TEST_CASE("S1 S3 played by an elderly first-timer in natural phrasing: messages per goal",
          "[handlers][understanding][stories]") {
  HandlerEnv w;
  const std::string grid = N(w.Count("SELECT id FROM org_units WHERE code = 'GG-01'"));
  const std::string me = "o_first_timer";
  Player p(w, me);

  // Join: scan the door's QR code (an event, not a message), then two messages.
  std::string hello = w.Event(me, "subscribe", "qrscene_grid-" + grid);
  CHECK(Has(hello, "姓名"));
  p.Say("我叫李桂英，住7幢201");
  CHECK(Has(p.last(), "李桂英，7幢201"));
  p.Say("对的");
  CHECK(Has(p.last(), "已提交申请"));
  CHECK(p.sent() == 2);
  // While the worker has not decided, a repair tells the request number and whom to call.
  const int64_t req = w.Count("SELECT MAX(id) FROM join_requests");
  CHECK(Has(w.Say(me, "灯坏了"), N(req) + "号"));
  CHECK(Has(w.Say(me, "灯坏了"), "13800000001"));
  w.Say("o_demo_worker1", "通过 " + N(req));
  CHECK(w.Text("SELECT name || building || room FROM residents WHERE openid = '" + me + "'") ==
        "李桂英7幢201");

  // Repair: the word alone, then what is broken.
  p.Reset();
  CHECK(p.Say("报修") == w.Render("repair.ask"));
  p.Say("楼道灯坏了");
  CHECK(Has(p.last(), "已登记报修"));
  CHECK(p.sent() == 2);
  const int64_t t = w.Count("SELECT MAX(id) FROM tickets");
  CHECK(w.Ticket(t)->description == "楼道灯坏了");

  // Rate: the volunteer fixes it; the resident says so and gives a score.
  w.Say("o_demo_volunteer", "接单 " + N(t));
  p.Reset();
  p.Say("修好了，谢谢");
  p.Say("5分");
  CHECK(Has(p.last(), "谢谢您的评价"));
  CHECK(p.sent() == 2);
  CHECK(w.Ticket(t)->rating == 5);

  // Reach a person: one message gives a phone and asks the worker to call.
  p.Reset();
  p.Say("我不会用");
  CHECK(Has(p.last(), "13800000001"));
  CHECK(p.sent() == 1);
  CHECK(w.Count("SELECT COUNT(*) FROM outbox WHERE kind = 'help_needed' AND recipient = "
                "'o_demo_worker1'") == 1);
  // Asking again the same day does not push the worker again.
  CHECK(Has(p.Say("人工"), "今天已请网格员"));
  CHECK(w.Count("SELECT COUNT(*) FROM outbox WHERE kind = 'help_needed'") == 1);
  w.clock().Advance(24 * 3600);
  p.Say("人工");
  CHECK(w.Count("SELECT COUNT(*) FROM outbox WHERE kind = 'help_needed'") == 2);
}

TEST_CASE("S5 played by a volunteer in natural phrasing", "[handlers][understanding][stories]") {
  HandlerEnv w;
  const std::string me = "o_demo_floorleader";  // a resident of grid 1, not a volunteer yet
  CHECK(Has(w.Say(me, "我要当志愿者"), "您会什么"));
  CHECK(Has(w.Say(me, "水电，周末"), "已登记为志愿者"));
  const int64_t t = w.Repair("o_demo_cleaner", "楼道灯坏了");  // grid 2, same community
  CHECK(Has(w.Say(me, "接单 " + N(t) + "号"), "接单成功"));
  CHECK(w.Say(me, "修好了") == w.Render("done.ask_note", {{"id", N(t)}}));
  CHECK(Has(w.Say(me, "换了灯泡"), "已完成"));
  CHECK(w.Ticket(t)->status == "done");
  CHECK(w.Ticket(t)->done_note == "换了灯泡");
}

TEST_CASE("No dead ends: help is short, unknown text suggests commands and a phone",
          "[handlers][understanding][stories]") {
  HandlerEnv w;
  for (const std::string who : {"o_demo_resident", "o_demo_jin", "o_demo_volunteer",
                                "o_demo_worker1", "o_demo_staff"}) {
    CAPTURE(who);
    std::string help = w.Say(who, "帮助");
    size_t lines = 0;
    for (char c : help) lines += c == '\n';
    CHECK(lines <= 5);  // a heading, at most four commands, the 更多 line
    CHECK(Has(help, "回复「更多」看全部"));
    CHECK(Chars(help) < 120);
    std::string all = w.Say(who, "更多");
    CHECK(Chars(all) > Chars(help));
    std::string unknown = w.Say(who, "今天天气怎么样");
    CHECK(Has(unknown, "没看懂"));
    CHECK(Has(unknown, "「"));
    CHECK(Chars(unknown) < 120);
    CHECK((Has(unknown, "0577") || Has(unknown, "138")));
  }
  // A new resident who wrote about repairs sees 报修 among the suggestions.
  CHECK(Has(w.Say("o_demo_resident", "我想找人修东西"), "报修"));
  // A member's help does not offer joining; a newcomer's does.
  CHECK(!Has(w.Say("o_demo_jin", "帮助"), "加入网格"));
  CHECK(Has(w.Say("o_demo_resident", "帮助"), "加入网格"));
}

TEST_CASE("Lists say how many more there are and 更多 shows them",
          "[handlers][understanding][stories]") {
  HandlerEnv w;
  w.settings().limits.repairs_per_hour = 0;
  w.settings().limits.open_tickets_per_resident = 0;
  w.settings().limits.messages_per_minute = 0;
  for (int i = 0; i < 27; ++i) w.Repair("o_demo_floorleader", "楼道灯坏了 " + N(i));
  std::string first = w.Say("o_demo_volunteer", "工单");
  CHECK(Has(first, "还有 17 条，回复「更多」"));
  std::string second = w.Say("o_demo_volunteer", "更多");
  CHECK(Has(second, "还有 7 条"));
  std::string third = w.Say("o_demo_volunteer", "更多");
  CHECK(!Has(third, "还有"));
  CHECK(Has(third, "楼道灯坏了 26"));
  // The last page was shown: 更多 now lists every command instead of repeating it.
  CHECK(Has(w.Say("o_demo_volunteer", "更多"), "你可以发送的全部指令"));
  // The cursor does not swallow the next message: an intent phrase still routes.
  CHECK(Has(w.Say("o_demo_volunteer", "我家水管漏水"), "已登记报修"));
}

}  // namespace
}  // namespace gebi::testing
