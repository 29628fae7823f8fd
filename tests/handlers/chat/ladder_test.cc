// The escalation ladder (S4) on the handler seam: the real pipeline and database, no HTTP.
// Every hop (升级, 受理, 退回, 办结, 催办) with its timeline row and pushes, every refusal with the
// database unchanged, and the deadline scheduler driven by the fake clock: no double
// escalation across a second pass or a second process on the same file.
#include "handlers/chat/ladder.h"

#include "bot/app.h"
#include "handlers/org/ladder.h"
#include "storage/ladder_store.h"
#include "storage/migrations.h"
#include "tests/support/handler_env.h"

namespace gebi::testing {
namespace {

constexpr int64_t kHour = 3600;

// Fingerprint plus the ladder columns, which the shared fingerprint does not look at.
std::string LadderPrint(HandlerEnv& w) {
  return w.Fingerprint() + " " +
         w.Text("SELECT group_concat(id || level || level_since || level_claimed_by || "
                "COALESCE(urged_at, '-') || COALESCE(reminded_at, '-'), ';') FROM tickets");
}

std::string Level(HandlerEnv& w, int64_t t) {
  return w.Text("SELECT level FROM tickets WHERE id = " + N(t));
}

int64_t Pushes(HandlerEnv& w, const std::string& to, const std::string& kind) {
  return w.Count("SELECT COUNT(*) FROM outbox WHERE recipient = '" + to + "' AND kind = '" +
                 kind + "'");
}

// The newest push text to `to`.
std::string LastPush(HandlerEnv& w, const std::string& to) {
  return w.Text("SELECT json_extract(payload, '$.text') FROM outbox WHERE recipient = '" + to +
                "' ORDER BY id DESC LIMIT 1");
}

handlers::Templates LoadTemplates() {
  auto texts = bot::ReadTemplateDir(std::string(GEBI_SOURCE_DIR) + "/templates");
  REQUIRE_RESULT_OK(texts);
  auto templates = handlers::Templates::Create(*texts);
  REQUIRE_RESULT_OK(templates);
  return std::move(templates).value();
}

handlers::DeadlineRun RunDeadlines(storage::Database& db, const handlers::Templates& texts,
                                   int64_t now, handlers::LadderDefaults defaults = {}) {
  handlers::DeadlineRun run;
  REQUIRE_OK(db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(run, handlers::RunDeadlines(tx, texts, defaults, now, 1000));
    return Status::Ok();
  }));
  return run;
}

TEST_CASE("Ladder: a ticket climbs grid -> community -> street -> district and comes back done",
          "[handlers][ladder]") {
  HandlerEnv w;
  int64_t t = w.Repair("o_demo_floorleader", "楼顶水箱漏水，整栋楼停水");
  const std::string id = N(t);
  REQUIRE(Level(w, t) == "grid");

  // The grid worker sends it up with a reason; community staff are pushed, the reporter
  // learns where it is.
  REQUIRE(w.Say("o_demo_worker1", "升级 " + id + " 水箱归物业管，要社区协调") ==
          w.Render("ladder.escalated", {{"id", id}, {"where", "桂柑社区"}}));
  REQUIRE(Level(w, t) == "community");
  REQUIRE(Pushes(w, "o_demo_staff", "ticket_level") == 1);
  REQUIRE(Has(LastPush(w, "o_demo_staff"), "水箱归物业管，要社区协调"));
  REQUIRE(LastPush(w, "o_demo_floorleader") ==
          w.Render("ladder.push_reporter", {{"id", id}, {"where", "桂柑社区"}}));

  // Community staff take it, then send it on to the street's project execution group.
  REQUIRE(Has(w.Say("o_demo_staff", "受理 " + id), w.Render("ladder.accepted", {{"id", id},
                                                                               {"description", "楼顶水箱漏水，整栋楼停水"}})));
  REQUIRE(w.Text("SELECT level_claimed_by FROM tickets WHERE id = " + id) == "o_demo_staff");
  REQUIRE(w.Say("o_demo_staff", "受理 " + id) ==
          w.Render("ladder.accepted_already", {{"id", id}}));
  REQUIRE(w.Say("o_demo_staff", "升级 " + id + " 物业不配合，需要街道出面") ==
          w.Render("ladder.escalated", {{"id", id}, {"where", "松台街道项目执行组"}}));
  REQUIRE(Level(w, t) == "street");
  REQUIRE(w.Text("SELECT level_claimed_by FROM tickets WHERE id = " + id).empty());
  REQUIRE(Pushes(w, "o_demo_street", "ticket_level") == 1);

  // The street sends it back once (reason required), the community sends it up again.
  REQUIRE(w.Say("o_demo_street", "退回 " + id + " 请社区先找物业书面确认") ==
          w.Render("ladder.sent_back", {{"id", id}, {"where", "桂柑社区"}}));
  REQUIRE(Level(w, t) == "community");
  REQUIRE(Has(LastPush(w, "o_demo_staff"), "请社区先找物业书面确认"));
  w.Say("o_demo_staff", "升级 " + id + " 物业书面拒绝了");
  REQUIRE(w.Say("o_demo_street", "受理 " + id) ==
          w.Render("ladder.accepted", {{"id", id}, {"description", "楼顶水箱漏水，整栋楼停水"}}));
  REQUIRE(w.Say("o_demo_street", "升级 " + id + " 要区里住建部门") ==
          w.Render("ladder.escalated", {{"id", id}, {"where", "鹿城区"}}));
  REQUIRE(Level(w, t) == "district");
  REQUIRE(Pushes(w, "o_demo_district", "ticket_level") == 1);

  // The district resolves it: done, the reporter is asked to rate.
  REQUIRE(w.Say("o_demo_district", "受理 " + id) ==
          w.Render("ladder.accepted", {{"id", id}, {"description", "楼顶水箱漏水，整栋楼停水"}}));
  REQUIRE(w.Say("o_demo_district", "办结 " + id + " 住建局已责令物业更换水箱") ==
          w.Render("ladder.resolved", {{"id", id}}));
  REQUIRE(w.Ticket(t)->status == "done");
  REQUIRE(w.Ticket(t)->done_by == "o_demo_district");
  REQUIRE(Has(LastPush(w, "o_demo_floorleader"), "住建局已责令物业更换水箱"));
  REQUIRE(w.Say("o_demo_floorleader", "评价 " + id + " 5") == w.Render("rate.ok", {{"id", id}}));

  // The timeline: who, when, why, for every hop.
  std::string timeline = w.Text(
      "SELECT group_concat(actor || ':' || action || ':' || from_status || '>' || to_status, ' | ') "
      "FROM (SELECT * FROM ticket_events WHERE ticket_id = " + id + " ORDER BY id)");
  REQUIRE(timeline ==
          "o_demo_floorleader:created:>open | o_demo_worker1:escalated:grid>community | "
          "o_demo_staff:accepted:community>community | o_demo_staff:escalated:community>street | "
          "o_demo_street:returned:street>community | o_demo_staff:escalated:community>street | "
          "o_demo_street:accepted:street>street | o_demo_street:escalated:street>district | "
          "o_demo_district:accepted:district>district | o_demo_district:resolved:open>done | "
          "o_demo_floorleader:rated:done>closed");
  REQUIRE(w.Text("SELECT note FROM ticket_events WHERE ticket_id = " + id +
                 " AND action = 'returned'") == "请社区先找物业书面确认");

  // The numbers of the board: a stay per level, nothing missed.
  std::vector<storage::LevelNumbers> numbers;
  REQUIRE_OK(w.db().WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(numbers, storage::LadderNumbers(tx, 10000));
    return Status::Ok();
  }));
  REQUIRE(numbers.size() == 4);
  REQUIRE(numbers[0].stays == 1);  // grid
  REQUIRE(numbers[1].stays == 2);  // community, twice
  REQUIRE(numbers[2].stays == 2);  // street, twice
  REQUIRE(numbers[3].stays == 1);  // district
  for (const auto& n : numbers) REQUIRE(n.missed == 0);
  for (const auto& n : numbers) REQUIRE(n.active == 0);
}

TEST_CASE("Ladder: every refusal says what to do instead and changes nothing",
          "[handlers][ladder]") {
  HandlerEnv w;
  int64_t t = w.Repair("o_demo_floorleader", "楼道灯坏了");
  const std::string id = N(t);
  const std::string before = LadderPrint(w);
  SECTION("no number, unknown number, no reason, too long a reason") {
    REQUIRE(w.Say("o_demo_worker1", "升级") == w.Render("ladder.escalate_usage"));
    REQUIRE(w.Say("o_demo_worker1", "升级 9999 太难了") ==
            w.Render("ticket.unknown", {{"id", "9999"}}));
    REQUIRE(w.Say("o_demo_worker1", "升级 " + id) ==
            w.Render("ladder.escalate_reason", {{"id", id}}));
    REQUIRE(w.Say("o_demo_worker1", "升级 " + id + " 。。。") ==
            w.Render("ladder.escalate_reason", {{"id", id}}));
    REQUIRE(w.Say("o_demo_worker1", "升级 " + id + " " + std::string(700, 'x')) ==
            w.Render("ladder.too_long"));
    REQUIRE(w.Say("o_demo_worker1", "受理") == w.Render("ladder.accept_usage"));
    REQUIRE(w.Say("o_demo_worker1", "退回") == w.Render("ladder.send_back_usage"));
    REQUIRE(w.Say("o_demo_worker1", "办结") == w.Render("ladder.resolve_usage"));
  }
  SECTION("residents may not use the staff commands; the reporter is pointed to 催办") {
    REQUIRE(w.Say("o_demo_floorleader", "升级 " + id + " 太慢了") ==
            w.Render("not_allowed", {{"command", "升级"}, {"who", "这一级的网格员和工作人员"}}));
    REQUIRE(w.Say("o_demo_jin", "办结 " + id + " 好了") ==
            w.Render("not_allowed", {{"command", "办结"}, {"who", "这一级的网格员和工作人员"}}));
    // 帮助 of a resident names 催办 (and none of the staff commands).
    std::string help = w.Say("o_demo_floorleader", "更多");
    REQUIRE(Has(help, "催办"));
    REQUIRE(!Has(help, "办结"));
    std::string staff_help = w.Say("o_demo_street", "更多");
    REQUIRE(Has(staff_help, "受理"));
    REQUIRE(Has(staff_help, "办结"));
    // Street and district staff's short menu is the ladder's four commands, not the grid's.
    for (const char* upper : {"o_demo_street", "o_demo_district"}) {
      std::string menu = w.Say(upper, "帮助");
      CAPTURE(upper, menu);
      REQUIRE(Has(menu, w.Render("help.line.accept")));
      REQUIRE(Has(menu, w.Render("help.line.resolve")));
      REQUIRE(Has(menu, w.Render("help.line.escalate")));
      REQUIRE(Has(menu, w.Render("help.line.send_back")));
    }
    REQUIRE(!Has(w.Say("o_demo_worker1", "帮助"), w.Render("help.line.accept")));
  }
  SECTION("staff of another level or another grid") {
    // A worker of another grid cannot move this grid's ticket.
    REQUIRE(w.Say("o_demo_worker2", "升级 " + id + " 太难") ==
            w.Render("ladder.not_your_level", {{"id", id}, {"where", "桂柑社区第一网格"}}));
    // At grid level, the community staff may not 受理 (the grid's worker does).
    REQUIRE(w.Say("o_demo_staff", "受理 " + id) ==
            w.Render("ladder.not_your_level", {{"id", id}, {"where", "桂柑社区第一网格"}}));
    // At grid level there is nothing below.
    REQUIRE(w.Say("o_demo_worker1", "退回 " + id + " 不归我") ==
            w.Render("ladder.at_bottom", {{"id", id}}));
    REQUIRE(w.Say("o_demo_worker1", "办结 " + id) ==
            w.Render("ladder.resolve_note", {{"id", id}}));
  }
  SECTION("once it is at the community, the grid worker is told who has it") {
    w.Say("o_demo_worker1", "升级 " + id + " 需要协调");
    const std::string at_community = LadderPrint(w);
    REQUIRE(w.Say("o_demo_worker1", "受理 " + id) ==
            w.Render("ladder.not_your_level", {{"id", id}, {"where", "桂柑社区"}}));
    REQUIRE(w.Say("o_demo_worker1", "升级 " + id + " 再升") ==
            w.Render("ladder.not_your_level", {{"id", id}, {"where", "桂柑社区"}}));
    REQUIRE(w.Say("o_demo_staff", "退回 " + id) ==
            w.Render("ladder.send_back_reason", {{"id", id}}));
    REQUIRE(LadderPrint(w) == at_community);
    return;
  }
  SECTION("a finished ticket moves no more; the top has nothing above") {
    w.Say("o_demo_floorleader", "取消报修 " + id);
    const std::string cancelled = LadderPrint(w);
    REQUIRE(w.Say("o_demo_worker1", "升级 " + id + " 难") ==
            w.Render("ladder.finished",
                     {{"id", id}, {"status", w.Render("ticket.status.cancelled")}}));
    REQUIRE(w.Say("o_demo_floorleader", "催办 " + id) ==
            w.Render("ladder.finished",
                     {{"id", id}, {"status", w.Render("ticket.status.cancelled")}}));
    REQUIRE(LadderPrint(w) == cancelled);
    int64_t u = w.Repair("o_demo_jin", "门锁坏了");
    w.Say("o_demo_worker1", "升级 " + N(u) + " 一");
    w.Say("o_demo_staff", "升级 " + N(u) + " 二");
    w.Say("o_demo_street", "升级 " + N(u) + " 三");
    REQUIRE(Level(w, u) == "district");
    const std::string at_top = LadderPrint(w);
    REQUIRE(w.Say("o_demo_district", "升级 " + N(u) + " 四") ==
            w.Render("ladder.at_top", {{"id", N(u)}}));
    REQUIRE(LadderPrint(w) == at_top);
    return;
  }
  REQUIRE(LadderPrint(w) == before);
}

TEST_CASE("Ladder: 催办 once a day, by the reporter only", "[handlers][ladder]") {
  HandlerEnv w;
  int64_t t = w.Repair("o_demo_floorleader", "楼道灯坏了");
  const std::string id = N(t);
  const std::string before = LadderPrint(w);
  REQUIRE(w.Say("o_demo_jin", "催办 " + id) == w.Render("ticket.reporter_only", {{"id", id}}));
  REQUIRE(LadderPrint(w) == before);
  // Without a number: the reporter's ticket still to solve.
  REQUIRE(w.Say("o_demo_floorleader", "催办") ==
          w.Render("ladder.urged", {{"id", id}, {"where", "桂柑社区第一网格"}}));
  REQUIRE(Pushes(w, "o_demo_worker1", "ticket_urged") == 1);
  REQUIRE(w.Count("SELECT COUNT(*) FROM ticket_events WHERE action = 'urged'") == 1);
  const std::string urged = LadderPrint(w);
  w.clock().Advance(23 * kHour);
  REQUIRE(w.Say("o_demo_floorleader", "催办 " + id) ==
          w.Render("ladder.urged_today", {{"id", id}, {"where", "桂柑社区第一网格"}}));
  REQUIRE(LadderPrint(w) == urged);
  w.clock().Advance(2 * kHour);
  REQUIRE(w.Say("o_demo_floorleader", "催办 " + id) ==
          w.Render("ladder.urged", {{"id", id}, {"where", "桂柑社区第一网格"}}));
  REQUIRE(Pushes(w, "o_demo_worker1", "ticket_urged") == 2);
  // Someone with nothing to urge is told how to see their repairs.
  REQUIRE(w.Say("o_demo_jin", "催办") == w.Render("ladder.urge_usage"));
}

TEST_CASE("Ladder deadlines: unclaimed goes up, claimed is reminded then goes up, never twice",
          "[handlers][ladder]") {
  HandlerEnv w;
  const handlers::Templates texts = LoadTemplates();
  int64_t t = w.Repair("o_demo_floorleader", "楼道灯坏了");
  const std::string id = N(t);
  const int64_t start = w.clock().NowSeconds();

  SECTION("unclaimed 24 h at grid: up to the community, once, even from a second process") {
    REQUIRE(RunDeadlines(w.db(), texts, start + 23 * kHour).escalated == 0);
    REQUIRE(Level(w, t) == "grid");
    auto run = RunDeadlines(w.db(), texts, start + 24 * kHour);
    REQUIRE(run.escalated == 1);
    REQUIRE(Level(w, t) == "community");
    REQUIRE(Pushes(w, "o_demo_staff", "ticket_level") == 1);
    REQUIRE(w.Text("SELECT actor || ':' || note FROM ticket_events WHERE action = 'escalated'") ==
            "system:" + texts.Render("ladder.reason_unclaimed", {{"hours", "24"}}));
    // The same minute again, and a second process on the same file: nothing more.
    REQUIRE(RunDeadlines(w.db(), texts, start + 24 * kHour + 60).escalated == 0);
    auto other = storage::Database::Open(w.db().path());
    REQUIRE_RESULT_OK(other);
    REQUIRE(RunDeadlines(**other, texts, start + 24 * kHour + 120).escalated == 0);
    REQUIRE(w.Count("SELECT COUNT(*) FROM ticket_events WHERE action = 'escalated'") == 1);
    REQUIRE(Pushes(w, "o_demo_staff", "ticket_level") == 1);
    // The community's own clock starts at the hop: 24 h more to the street.
    REQUIRE(RunDeadlines(**other, texts, start + 47 * kHour).escalated == 0);
    REQUIRE(RunDeadlines(**other, texts, start + 48 * kHour).escalated == 1);
    REQUIRE(Level(w, t) == "street");
    REQUIRE(RunDeadlines(w.db(), texts, start + 72 * kHour).escalated == 1);
    REQUIRE(Level(w, t) == "district");
    // At the top an overdue ticket reminds its people once; it cannot go higher.
    auto top = RunDeadlines(w.db(), texts, start + 96 * kHour);
    REQUIRE(top.escalated == 0);
    REQUIRE(top.reminded == 1);
    REQUIRE(RunDeadlines(w.db(), texts, start + 200 * kHour).reminded == 0);
    REQUIRE(Pushes(w, "o_demo_district", "ticket_reminder") == 1);
    std::vector<storage::LevelNumbers> numbers;
    REQUIRE_OK(w.db().WithRead([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(numbers, storage::LadderNumbers(tx, 10000));
      return Status::Ok();
    }));
    REQUIRE(numbers[0].missed == 1);
    REQUIRE(numbers[1].missed == 1);
    REQUIRE(numbers[2].missed == 1);
    REQUIRE(numbers[3].active == 1);
    REQUIRE(numbers[0].median_seconds == 24 * kHour);
  }
  SECTION("claimed: a reminder after 72 h, up after 144 h") {
    w.Say("o_demo_volunteer", "接单 " + id);
    const int64_t claimed = w.clock().NowSeconds();
    REQUIRE(RunDeadlines(w.db(), texts, claimed + 71 * kHour).reminded == 0);
    auto r = RunDeadlines(w.db(), texts, claimed + 72 * kHour);
    REQUIRE(r.reminded == 1);
    REQUIRE(r.escalated == 0);
    REQUIRE(Pushes(w, "o_demo_volunteer", "ticket_reminder") == 1);
    REQUIRE(Pushes(w, "o_demo_worker1", "ticket_reminder") == 1);
    REQUIRE(RunDeadlines(w.db(), texts, claimed + 100 * kHour).reminded == 0);
    REQUIRE(RunDeadlines(w.db(), texts, claimed + 144 * kHour).escalated == 1);
    REQUIRE(Level(w, t) == "community");
    // Whoever held it at grid level holds it no more: the community decides.
    REQUIRE(w.Ticket(t)->status == "open");
    REQUIRE(w.Ticket(t)->claimed_by.empty());
  }
  SECTION("per category and level deadlines from the database override the defaults") {
    REQUIRE_OK(w.db().WithTransaction([&](storage::Tx& tx) {
      return storage::PutDeadline(tx, {"electrical", "grid", 2, 8, 0}, start);
    }));
    REQUIRE(RunDeadlines(w.db(), texts, start + 2 * kHour).escalated == 1);
    REQUIRE(Level(w, t) == "community");
    // Bad rows are refused.
    REQUIRE_OK(w.db().WithTransaction([&](storage::Tx& tx) -> Status {
      REQUIRE(storage::PutDeadline(tx, {"nosuch", "grid", 2, 8, 0}, start).code() ==
              Status::Code::kInvalidArgument);
      REQUIRE(storage::PutDeadline(tx, {"*", "moon", 2, 8, 0}, start).code() ==
              Status::Code::kInvalidArgument);
      REQUIRE(storage::PutDeadline(tx, {"*", "grid", 0, 8, 0}, start).code() ==
              Status::Code::kInvalidArgument);
      REQUIRE(storage::PutDeadline(tx, {"*", "grid", 2, 9999, 0}, start).code() ==
              Status::Code::kInvalidArgument);
      return Status::Ok();
    }));
  }
  SECTION("the config's defaults apply where the database has no row") {
    REQUIRE(RunDeadlines(w.db(), texts, start + 5 * kHour, {4, 10}).escalated == 1);
  }
}

}  // namespace
}  // namespace gebi::testing
