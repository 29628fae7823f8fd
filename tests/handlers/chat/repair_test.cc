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
  REQUIRE(w.Call(handlers::HandleMyRepairs, "o_demo_floorleader", "我的报修") ==
          w.Render("my_repairs.none"));
  REQUIRE(w.Call(handlers::HandleDone, "o_demo_volunteer", "完成 abc", "完成") ==
          w.Render("done.usage"));
  REQUIRE(w.Fingerprint() == before);
  // The word alone asks what is broken and waits for the next message; no ticket yet.
  REQUIRE(w.Call(handlers::HandleRepair, "o_demo_floorleader", "报修", "报修") ==
          w.Render("repair.ask"));
  REQUIRE(w.Count("SELECT COUNT(*) FROM conversations WHERE flow = 'ask'") == 1);
  REQUIRE(w.Count("SELECT COUNT(*) FROM tickets") == 0);
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
    REQUIRE(w.Say("o_demo_floorleader", "报修") == w.Render("repair.ask"));
    REQUIRE(w.Say("o_demo_floorleader", "取消") == w.Render("cancelled"));
    std::string before = w.Fingerprint();
    REQUIRE(w.Say("o_demo_floorleader", "报修 " + std::string(700, 'x')) ==
            w.Render("repair.too_long"));
    REQUIRE(w.Say("o_demo_volunteer", "完成 abc") == w.Render("done.usage"));
    REQUIRE(w.Say("o_demo_floorleader", "我的报修") == w.Render("my_repairs.none"));
    REQUIRE(w.Fingerprint() == before);
    int64_t t = w.Repair("o_demo_floorleader", "灯'); DELETE FROM tickets;-- {id} {{");
    REQUIRE(w.Ticket(t)->description == "灯'); DELETE FROM tickets;-- {id} {{");
  }
  SECTION("free text is stored as written: case, full-width punctuation, spacing") {
    // Punctuation inside is the sender's; at the two ends it is dropped (issue 15).
    int64_t t = w.Repair("o_demo_floorleader", "WiFi路由器和楼道灯，都坏了！");
    REQUIRE(w.Ticket(t)->description == "WiFi路由器和楼道灯，都坏了");
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

TEST_CASE("Per-sender repair limits: a repeat, too many open, too many in an hour",
          "[handlers][repair][limits]") {
  HandlerEnv w;
  auto& lim = w.settings().limits;
  SECTION("the same text within the window answers with the ticket already reported") {
    int64_t t = w.Repair("o_demo_floorleader", "楼道灯坏了");
    const std::string before = w.Fingerprint();
    CHECK(w.Say("o_demo_floorleader", "报修 楼道灯坏了") ==
          w.Render("repair.already_reported", {{"id", N(t)}}));
    CHECK(w.Fingerprint() == before);  // no ticket, no pushes
    w.clock().Advance(31 * 60);
    CHECK(w.Repair("o_demo_floorleader", "楼道灯坏了") > t);  // later it is a new report
  }
  SECTION("at most open_tickets_per_resident unfinished requests") {
    lim.repairs_per_hour = 0;
    for (int i = 0; i < lim.open_tickets_per_resident; ++i) {
      w.Repair("o_demo_floorleader", "第" + N(i) + "处坏了");
    }
    const std::string before = w.Fingerprint();
    CHECK(w.Say("o_demo_floorleader", "报修 又一处坏了") ==
          w.Render("repair.too_many_open", {{"max", N(lim.open_tickets_per_resident)}}));
    CHECK(w.Fingerprint() == before);
    // Another resident is not limited by them.
    CHECK(Has(w.Say("o_demo_jin", "报修 水管漏水"), "已登记报修"));
  }
  SECTION("at most repairs_per_hour new requests; the next hour is open again") {
    for (int i = 0; i < lim.repairs_per_hour; ++i) w.Repair("o_demo_floorleader", "坏了" + N(i));
    w.Say("o_demo_floorleader", "取消报修 " + N(w.Count("SELECT MAX(id) FROM tickets")));
    const std::string before = w.Fingerprint();
    CHECK(w.Say("o_demo_floorleader", "报修 还有一处") ==
          w.Render("repair.too_many_recent", {{"max", N(lim.repairs_per_hour)}}));
    CHECK(w.Fingerprint() == before);
    w.clock().Advance(3601);
    CHECK(Has(w.Say("o_demo_floorleader", "报修 还有一处"), "已登记报修"));
  }
}

TEST_CASE("Only photos of a ticket are downloaded, within a daily quota per sender",
          "[handlers][repair][limits]") {
  HandlerEnv w;
  const std::string fetches = "SELECT COUNT(*) FROM outbox WHERE kind = 'media_fetch'";
  w.Image("o_demo_floorleader", "http://x/no-ticket.jpg", "M0");  // no ticket: not fetched
  CHECK(w.Count(fetches) == 0);
  w.settings().limits.media_per_day = 2;
  w.Repair("o_demo_floorleader", "门锁坏了");
  for (int i = 1; i <= 3; ++i) {
    CHECK(Has(w.Image("o_demo_floorleader", "http://x/" + N(i) + ".jpg", "M" + N(i)), "照片"));
  }
  CHECK(w.Count("SELECT COUNT(*) FROM ticket_media") == 3);  // all attached
  CHECK(w.Count(fetches) == 2);                              // two downloaded today
}

TEST_CASE("One sender over messages_per_minute is answered politely and nothing runs",
          "[handlers][limits]") {
  HandlerEnv w;
  w.settings().limits.messages_per_minute = 5;
  for (int i = 0; i < 5; ++i) w.Say("o_demo_floorleader", "帮助");
  const int64_t tickets = w.Count("SELECT COUNT(*) FROM tickets");
  CHECK(w.Say("o_demo_floorleader", "报修 灯坏了") == w.Render("rate_limited"));
  CHECK(w.Count("SELECT COUNT(*) FROM tickets") == tickets);
  CHECK(w.Count("SELECT COUNT(*) FROM inbound_ledger WHERE route = 'rate_limited'") == 1);
  CHECK(w.Say("o_demo_jin", "帮助") != w.Render("rate_limited"));  // others are answered
  w.clock().Advance(61);
  CHECK(Has(w.Say("o_demo_floorleader", "报修 灯坏了"), "已登记报修"));
}

}  // namespace
}  // namespace gebi::testing
