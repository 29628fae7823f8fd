// Repair handlers (S3) on the handler seam: the real pipeline and database, no HTTP. Wrong
// states, the media window, auto-close, hostile and free text; and the handlers called
// directly on a Context.
#include "handlers/chat/repair.h"

#include "tests/support/handler_env.h"

namespace gebi::testing {
namespace {

TEST_CASE("Repair handlers called directly: usage, nothing reported yet, a ticket with its event",
          "[handlers][repair]") {
  HandlerEnv w;
  std::string before = w.Fingerprint();
  REQUIRE(w.Call(handlers::HandleRepair, "o_demo_floorleader", "报修", "报修") ==
          w.Render("repair.usage"));
  REQUIRE(w.Call(handlers::HandleMyRepairs, "o_demo_floorleader", "我的报修") ==
          w.Render("my_repairs.none"));
  REQUIRE(w.Call(handlers::HandleDone, "o_demo_volunteer", "完成 abc", "完成") ==
          w.Render("done.usage"));
  REQUIRE(w.Fingerprint() == before);
  std::string reply =
      w.Call(handlers::HandleRepair, "o_demo_floorleader", "报修 三楼楼道灯坏了", "报修");
  REQUIRE(Has(reply, "已登记报修"));
  int64_t t = w.Count("SELECT MAX(id) FROM tickets");
  REQUIRE(w.Ticket(t)->description == "三楼楼道灯坏了");
  REQUIRE(w.Ticket(t)->status == "open");
  REQUIRE(w.Count("SELECT COUNT(*) FROM ticket_events WHERE ticket_id = " + N(t) +
                  " AND action = 'created'") == 1);
}

TEST_CASE("Repairs: cancel, wrong states, the 10-minute media window, auto-close after 72 h",
          "[handlers][repair]") {
  HandlerEnv w;
  SECTION("the reporter cancels; the claimer is told; nobody can claim it after") {
    int64_t t = w.Repair("o_demo_floorleader", "水管漏水");
    REQUIRE(w.Ticket(t)->category == "plumbing");
    REQUIRE(w.Ticket(t)->priority == 0);
    w.Say("o_demo_volunteer", "接单 " + N(t));
    std::string before = w.Fingerprint();
    REQUIRE(w.Say("o_demo_jin", "取消报修 " + N(t)) ==
            w.Render("ticket.reporter_only", {{"id", N(t)}}));
    REQUIRE(w.Fingerprint() == before);
    REQUIRE(w.Say("o_demo_floorleader", "取消报修 " + N(t)) ==
            w.Render("cancel_repair.ok", {{"id", N(t)}}));
    REQUIRE(w.Ticket(t)->status == "cancelled");
    REQUIRE(w.Count("SELECT COUNT(*) FROM outbox WHERE recipient = 'o_demo_volunteer' AND "
                    "kind = 'ticket_cancelled'") == 1);
    REQUIRE(w.Say("o_demo_worker1", "接单 " + N(t)) ==
            w.Render("ticket.cancelled", {{"id", N(t)}}));
    REQUIRE(w.Say("o_demo_floorleader", "取消报修 " + N(t)) ==
            w.Render("ticket.wrong_state",
                     {{"id", N(t)}, {"status", w.Render("ticket.status.cancelled")}}));
  }
  SECTION("a photo after 10 minutes does not attach") {
    w.Repair("o_demo_floorleader", "门锁坏了");
    w.clock().Advance(11 * 60);
    REQUIRE(w.Image("o_demo_floorleader", "http://x/y.jpg", "M") ==
            w.Render("media.no_ticket_image"));
    REQUIRE(w.Count("SELECT COUNT(*) FROM ticket_media") == 0);
  }
  SECTION("a done ticket closes by itself 72 h later and can still be rated") {
    int64_t t = w.Repair("o_demo_floorleader", "楼道灯不亮");
    w.Say("o_demo_volunteer", "接单 " + N(t));
    w.Say("o_demo_volunteer", "完成 " + N(t) + " 换了灯泡");
    w.clock().Advance(71 * 3600);
    REQUIRE(Has(w.Say("o_demo_floorleader", "我的报修"), w.Render("ticket.status.done")));
    w.clock().Advance(2 * 3600);
    REQUIRE(Has(w.Say("o_demo_floorleader", "我的报修"), w.Render("ticket.status.closed")));
    REQUIRE(w.Count("SELECT COUNT(*) FROM ticket_events WHERE ticket_id = " + N(t) +
                    " AND actor = 'system' AND action = 'closed'") == 1);
    REQUIRE(
        w.Say("o_demo_floorleader", "没修好 " + N(t)) ==
        w.Render("reopen.not_done", {{"id", N(t)}, {"status", w.Render("ticket.status.closed")}}));
    REQUIRE(w.Say("o_demo_floorleader", "评价 " + N(t) + " 4") ==
            w.Render("rate.ok", {{"id", N(t)}}));
    REQUIRE(w.Ticket(t)->rating == 4);
  }
  SECTION("bad input: missing or hostile descriptions") {
    std::string before = w.Fingerprint();
    REQUIRE(w.Say("o_demo_floorleader", "报修") == w.Render("repair.usage"));
    REQUIRE(w.Say("o_demo_floorleader", "报修 " + std::string(700, 'x')) ==
            w.Render("repair.too_long"));
    REQUIRE(w.Say("o_demo_volunteer", "完成 abc") == w.Render("done.usage"));
    REQUIRE(w.Say("o_demo_floorleader", "我的报修") == w.Render("my_repairs.none"));
    REQUIRE(w.Fingerprint() == before);
    int64_t t = w.Repair("o_demo_floorleader", "灯'); DELETE FROM tickets;-- {id} {{");
    REQUIRE(w.Ticket(t)->description == "灯'); DELETE FROM tickets;-- {id} {{");
  }
  SECTION("free text is stored as written: case, full-width punctuation, spacing") {
    int64_t t = w.Repair("o_demo_floorleader", "WiFi路由器和楼道灯，都坏了！");
    REQUIRE(w.Ticket(t)->description == "WiFi路由器和楼道灯，都坏了！");
    // Commands still accept full-width forms: ＃ and full-width digits.
    std::string claimed = w.Say("o_demo_volunteer", "接单 ＃" + N(t));
    REQUIRE(Has(claimed, N(t)));
    REQUIRE(Has(w.Say("o_demo_volunteer", "完成 " + N(t) + " 换了LED灯，已测试"), N(t)));
    REQUIRE(w.Count("SELECT COUNT(*) FROM ticket_events WHERE ticket_id = " + N(t) +
                    " AND note = '换了LED灯，已测试'") == 1);
    REQUIRE(Has(w.Say("o_demo_floorleader", "评价 " + N(t) + " ５ 很好，Thanks"), N(t)));
    REQUIRE(w.Ticket(t)->rating == 5);
  }
}

}  // namespace
}  // namespace gebi::testing
