// Issue 15, item 3: safety and privacy. The elderly flag and the room reach grid workers and
// vetted volunteers only; unvetted volunteers cannot claim priority tickets; after a claim each
// side learns how to reach the other; a cancellation reaches everyone who was asked; sparks,
// smoke and gas get a safety line and an urgent push; 点赞 stays inside the ticket's grid;
// cancelled tickets are not counted as completed.
#include "handlers/admin/stats.h"
#include "handlers/chat/repair.h"
#include "tests/support/handler_env.h"

namespace gebi::testing {
namespace {

int64_t Pushes(HandlerEnv& w, const std::string& to, const std::string& kind) {
  return w.Count("SELECT COUNT(*) FROM outbox WHERE recipient = '" + to + "' AND kind = '" +
                 kind + "'");
}

std::string LastPush(HandlerEnv& w, const std::string& to, const std::string& kind) {
  return w.Text("SELECT json_extract(payload, '$.text') FROM outbox WHERE recipient = '" + to +
                "' AND kind = '" + kind + "' ORDER BY id DESC LIMIT 1");
}

TEST_CASE("Elderly flag and room: workers and vetted volunteers only", "[handlers][safety]") {
  HandlerEnv w;
  w.settings().limits.repairs_per_hour = 0;
  const std::string flag = w.Render("ticket.priority_mark");
  // 金阿婆 lives alone: her ticket is a priority one.
  const int64_t t1 = w.Repair("o_demo_jin", "楼道灯坏了");
  CHECK(w.Ticket(t1)->priority == 1);
  CHECK(Has(LastPush(w, "o_demo_worker1", "ticket_new"), flag));
  CHECK(Has(LastPush(w, "o_demo_worker1", "ticket_new"), "5幢102"));
  CHECK(Pushes(w, "o_demo_volunteer", "ticket_new") == 0);  // not vetted: not asked
  CHECK(w.Say("o_demo_volunteer", "接单 " + N(t1)) ==
        w.Render("claim.needs_vetting", {{"id", N(t1)}}));
  CHECK(w.Ticket(t1)->status == "open");
  std::string list = w.Say("o_demo_volunteer", "工单");
  CHECK(!Has(list, flag));
  CHECK(!Has(list, "5幢102"));

  // A resident or a volunteer cannot vet; the grid worker can.
  CHECK(Has(w.Say("o_demo_volunteer", "认证 施青松"), "网格员"));
  CHECK(w.Say("o_demo_worker1", "认证 施青松") == w.Render("vet.ok", {{"name", "施青松"}}));
  CHECK(w.Count("SELECT COUNT(*) FROM volunteers WHERE openid = 'o_demo_volunteer' AND "
                "vetted_at IS NOT NULL AND vetted_by = 'o_demo_worker1'") == 1);
  CHECK(Pushes(w, "o_demo_volunteer", "vetted") == 1);
  CHECK(w.Say("o_demo_worker1", "认证 不存在的人") ==
        w.Render("vet.unknown", {{"name", "不存在的人"}}));

  const int64_t t2 = w.Repair("o_demo_jin", "厨房灯不亮");
  CHECK(Has(LastPush(w, "o_demo_volunteer", "ticket_new"), flag));
  CHECK(Has(LastPush(w, "o_demo_volunteer", "ticket_new"), "5幢102"));
  std::string claimed = w.Say("o_demo_volunteer", "接单 " + N(t2));
  CHECK(Has(claimed, "接单成功"));
  CHECK(Has(claimed, "5幢102"));
}

TEST_CASE("After a claim both sides know how to reach each other", "[handlers][safety]") {
  HandlerEnv w;
  SECTION("the volunteer did not share a phone: the grid worker's contact") {
    const int64_t t = w.Repair("o_demo_floorleader", "水管漏水");
    std::string claimed = w.Say("o_demo_volunteer", "接单 " + N(t));
    CHECK(Has(claimed, "13800000001"));      // the grid worker, for the unvetted volunteer
    CHECK(!Has(claimed, "5幢301"));           // the room waits for vetting
    CHECK(Has(LastPush(w, "o_demo_floorleader", "ticket_claimed"), "13800000001"));
  }
  SECTION("the volunteer agreed to share their phone") {
    REQUIRE_OK(w.db().WithTransaction([](storage::Tx& tx) {
      return tx.Run("UPDATE residents SET phone = '13911112222' WHERE openid = 'o_demo_volunteer'");
    }));
    CHECK(Has(w.Say("o_demo_volunteer", "志愿者 水电 公开电话"), "水电维修"));
    CHECK(w.Count("SELECT share_phone FROM volunteers WHERE openid = 'o_demo_volunteer'") == 1);
    const int64_t t = w.Repair("o_demo_floorleader", "水管漏水");
    w.Say("o_demo_volunteer", "接单 " + N(t));
    CHECK(Has(LastPush(w, "o_demo_floorleader", "ticket_claimed"), "13911112222"));
  }
}

TEST_CASE("A cancelled repair is announced to everyone who was asked", "[handlers][safety]") {
  HandlerEnv w;
  const int64_t t = w.Repair("o_demo_floorleader", "水管漏水");
  REQUIRE(Pushes(w, "o_demo_volunteer", "ticket_new") == 1);
  CHECK(Has(w.Say("o_demo_floorleader", "取消报修 " + N(t)), "已取消"));
  CHECK(Pushes(w, "o_demo_volunteer", "ticket_cancelled") == 1);
  CHECK(Pushes(w, "o_demo_worker1", "ticket_cancelled") == 1);
}

TEST_CASE("Sparks, smoke and gas: a safety line and an urgent push", "[handlers][safety]") {
  HandlerEnv w;
  w.settings().limits.repairs_per_hour = 0;
  for (const std::string text : {"插座冒火花", "厨房有煤气味", "屋里冒烟了"}) {
    CAPTURE(text);
    std::string reply = w.Say("o_demo_floorleader", text);
    CHECK(Has(reply, "注意安全"));
    CHECK(Has(reply, "已登记报修"));
    CHECK(Has(LastPush(w, "o_demo_worker1", "ticket_new"), w.Render("ticket.urgent_mark")));
  }
  std::string plain = w.Say("o_demo_floorleader", "报修 楼道灯坏了");
  CHECK(!Has(plain, "注意安全"));
  CHECK(!Has(LastPush(w, "o_demo_worker1", "ticket_new"), w.Render("ticket.urgent_mark")));
}

TEST_CASE("点赞 only by members of the ticket's grid", "[handlers][safety]") {
  HandlerEnv w;
  const int64_t t = w.Repair("o_demo_floorleader", "楼道灯坏了");
  w.Say("o_demo_worker1", "接单 " + N(t));
  w.Say("o_demo_worker1", "完成 " + N(t) + " 换了灯泡");
  // 江炳文 lives in grid 2 of the same community: not his grid's ticket.
  CHECK(w.Say("o_demo_cleaner", "点赞 " + N(t)) == w.Render("ticket.not_yours", {{"id", N(t)}}));
  CHECK(w.Say("o_demo_jin", "点赞 " + N(t)) == w.Render("like.ok", {{"id", N(t)}}));
  CHECK(w.Count("SELECT COUNT(*) FROM ticket_likes WHERE ticket_id = " + N(t)) == 1);
}

TEST_CASE("Numbers count cancelled tickets apart from completed ones", "[handlers][safety]") {
  HandlerEnv w;
  const int64_t cancelled = w.Repair("o_demo_floorleader", "楼道灯坏了");
  w.Say("o_demo_floorleader", "取消报修 " + N(cancelled));
  const int64_t fixed = w.Repair("o_demo_floorleader", "水管漏水");
  w.Say("o_demo_worker1", "接单 " + N(fixed));
  w.Say("o_demo_worker1", "完成 " + N(fixed) + " 换了水管");
  handlers::admin::Principal district;
  district.name = "test";
  district.role = "district";
  district.unit_id = w.Count("SELECT id FROM org_units WHERE kind = 'district'");
  auto n = handlers::admin::ComputeNumbers(w.db(), district, std::nullopt, 7, w.clock().NowSeconds());
  REQUIRE_RESULT_OK(n);
  const int64_t grid = w.Count("SELECT id FROM org_units WHERE code = 'GG-01'");
  bool seen = false;
  for (const auto& u : n->units) {
    if (u.unit_id != grid) continue;
    seen = true;
    CHECK(u.tickets_opened == 2);
    CHECK(u.tickets_closed == 1);
    CHECK(u.tickets_cancelled == 1);
  }
  CHECK(seen);
  CHECK(Has(handlers::admin::NumbersCsv(*n), "tickets_closed,tickets_cancelled"));
}

}  // namespace
}  // namespace gebi::testing
