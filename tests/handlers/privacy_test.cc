// Privacy by default: numbers masked in the message record, a person forgotten everywhere
// with the numbers kept, old text blanked, and unfollowing ends what the person had going.
#include "handlers/privacy.h"

#include "tests/support/handler_env.h"

namespace gebi::testing {
namespace {

TEST_CASE("ID-card and mobile numbers are masked however they are typed", "[handlers][privacy]") {
  using handlers::MaskPersonalNumbers;
  CHECK(MaskPersonalNumbers("电话13912345678") == "电话139****5678");
  CHECK(MaskPersonalNumbers("电话 139 1234 5678。") == "电话 139 **** 5678。");
  CHECK(MaskPersonalNumbers("139-1234-5678") == "139-****-5678");
  CHECK(MaskPersonalNumbers("身份证330106198001011234") == "身份证**************1234");
  CHECK(MaskPersonalNumbers("身份证 3301 0619 8001 0112 3X") == "身份证 **** **** **** **12 3X");
  CHECK(MaskPersonalNumbers("33010619800101123x") == "**************123x");
  CHECK(MaskPersonalNumbers("330106800101123") == "***********1123");  // 15-digit card
  // A room and then a phone, typed as groups: the phone is found inside the run.
  CHECK(MaskPersonalNumbers("5幢 301 13912345678") == "5幢 301 139****5678");
  // A room typed with a dash, then a phone: not one 15-digit card.
  CHECK(MaskPersonalNumbers("5-302 13912345678") == "5-302 139****5678");
  CHECK(MaskPersonalNumbers("5302 13912345678") == "5302 139****5678");
  CHECK(MaskPersonalNumbers("330106 19800101 1234") == "****** ******** 1234");
  CHECK(MaskPersonalNumbers("13912345678 330106198001011234") ==
        "139****5678 **************1234");
  // Not personal numbers: kept as written.
  CHECK(MaskPersonalNumbers("报修 3 号楼 2 单元 301") == "报修 3 号楼 2 单元 301");
  CHECK(MaskPersonalNumbers("单号 12345678901234567890") == "单号 12345678901234567890");
  CHECK(MaskPersonalNumbers("23912345678") == "23912345678");  // not a mobile prefix
  CHECK(MaskPersonalNumbers("") == "");
  // Linear: a long hostile run of digits and separators finishes and changes nothing.
  std::string hostile;
  for (int i = 0; i < 20000; ++i) hostile += "1 ";
  CHECK(MaskPersonalNumbers(hostile).size() == hostile.size());
}

TEST_CASE("The message record keeps texts with their numbers masked", "[handlers][privacy]") {
  HandlerEnv w;
  w.Say("o_demo_resident", "我的电话是13912345678，身份证330106198001011234");
  CHECK(w.Count("SELECT COUNT(*) FROM inbound_ledger WHERE content LIKE '%13912345678%' "
                "OR content LIKE '%330106198001011234%'") == 0);
  CHECK(w.Count("SELECT COUNT(*) FROM inbound_ledger WHERE content LIKE '%139****5678%'") == 1);
}

TEST_CASE("Forgetting a person removes their rows and keeps the numbers without them",
          "[handlers][privacy]") {
  HandlerEnv w;
  int64_t t = w.Repair("o_demo_floorleader", "楼道灯坏了，电话13912345678");
  w.Say("o_demo_volunteer", "接单 " + N(t));
  const int64_t tickets = w.Count("SELECT COUNT(*) FROM tickets");
  REQUIRE(w.Count("SELECT COUNT(*) FROM residents WHERE openid = 'o_demo_floorleader'") == 1);

  // Circle join requests: one decided by someone else, one still pending.
  REQUIRE_OK(w.db().WithTransaction([](storage::Tx& tx) {
    return tx.Run(
        "INSERT INTO circle_join_requests(circle_id, openid, name, status, reason, created_at) "
        "SELECT id, 'o_demo_floorleader', '楼长老王', s.status, '不认识', 1 FROM circles, "
        "(SELECT 'rejected' AS status UNION ALL SELECT 'pending') s WHERE circles.id = "
        "(SELECT MIN(id) FROM circles)");
  }));
  REQUIRE(w.Count("SELECT COUNT(*) FROM circle_join_requests") == 2);
  auto forgotten = handlers::ForgetPerson(w.db(), w.clock(), handlers::admin::CliPrincipal(),
                                          "o_demo_floorleader");
  REQUIRE_RESULT_OK(forgotten);
  CHECK(forgotten->deleted > 0);
  CHECK(forgotten->anonymised > 0);
  // Nowhere under the openid any more.
  for (const char* sql : {"SELECT COUNT(*) FROM residents WHERE openid = 'o_demo_floorleader'",
                          "SELECT COUNT(*) FROM inbound_ledger WHERE openid = 'o_demo_floorleader'",
                          "SELECT COUNT(*) FROM users WHERE openid = 'o_demo_floorleader'",
                          "SELECT COUNT(*) FROM role_grants WHERE openid = 'o_demo_floorleader'",
                          "SELECT COUNT(*) FROM circle_members WHERE openid = 'o_demo_floorleader'",
                          "SELECT COUNT(*) FROM circles WHERE owner = 'o_demo_floorleader'",
                          "SELECT COUNT(*) FROM tickets WHERE reporter = 'o_demo_floorleader'",
                          "SELECT COUNT(*) FROM ticket_events WHERE actor = 'o_demo_floorleader'",
                          "SELECT COUNT(*) FROM outbox WHERE recipient = 'o_demo_floorleader'",
                          "SELECT COUNT(*) FROM tickets WHERE description LIKE '%13912345678%'"}) {
    CAPTURE(sql);
    CHECK(w.Count(sql) == 0);
  }
  // Nor in any text column of any table, whatever new tables come to hold.
  using Column = std::pair<std::string, std::string>;  // table, column
  std::vector<Column> columns;
  REQUIRE_OK(w.db().WithRead([&](storage::Tx& tx) -> Status {
    auto read = [](const storage::Stmt& st) { return Column(st.Text(0), st.Text(1)); };
    GEBI_ASSIGN_OR_RETURN(columns,
                          tx.QueryRows<Column>("SELECT m.name, c.name FROM sqlite_master m, "
                                               "pragma_table_info(m.name) c "
                                               "WHERE m.type = 'table' AND c.type = 'TEXT'",
                                               read));
    return Status::Ok();
  }));
  REQUIRE(columns.size() > 50);
  for (const auto& [table, column] : columns) {
    CAPTURE(table, column);
    CHECK(w.Count("SELECT COUNT(*) FROM \"" + table + "\" WHERE instr(\"" + column +
                  "\", 'o_demo_floorleader') > 0") == 0);
  }
  // The pending request is withdrawn; the decided one is counted, without name or reason.
  CHECK(w.Count("SELECT COUNT(*) FROM circle_join_requests WHERE status = 'pending'") == 0);
  CHECK(w.Count("SELECT COUNT(*) FROM circle_join_requests WHERE openid LIKE 'forgotten-%' AND "
                "name = '[已删除]' AND reason = ''") == 1);
  // The numbers stay: the ticket, claimed by the volunteer, under an alias.
  CHECK(w.Count("SELECT COUNT(*) FROM tickets") == tickets);
  CHECK(w.Ticket(t)->reporter.rfind("forgotten-", 0) == 0);
  CHECK(w.Ticket(t)->claimed_by == "o_demo_volunteer");
  // One audit row, naming the alias and never the openid.
  CHECK(w.Count("SELECT COUNT(*) FROM admin_audit WHERE action = 'person.forget' AND "
                "object LIKE 'person:forgotten-%'") == 1);
  CHECK(w.Count("SELECT COUNT(*) FROM admin_audit WHERE object || before || after "
                "LIKE '%o_demo_floorleader%'") == 0);
  // Others go on as before.
  CHECK(Has(w.Say("o_demo_volunteer", "完成 " + N(t) + " 换了灯泡"), N(t)));
  CHECK(handlers::ForgetPerson(w.db(), w.clock(), handlers::admin::CliPrincipal(), "")
            .status()
            .code() == Status::Code::kInvalidArgument);
}

TEST_CASE("Message text older than the retention is blanked once and the rows stay",
          "[handlers][privacy]") {
  HandlerEnv w;
  w.Say("o_demo_resident", "帮助");
  w.Say("o_demo_resident", "我叫张三");
  w.clock().Advance(181 * 86400);
  w.Say("o_demo_resident", "帮助");  // new, inside the retention
  auto blanked = handlers::ExpireLedgerText(w.db(), w.clock().NowSeconds(), 180);
  REQUIRE_RESULT_OK(blanked);
  CHECK(*blanked == 2);
  CHECK(w.Count("SELECT COUNT(*) FROM inbound_ledger") == 3);
  CHECK(w.Count("SELECT COUNT(*) FROM inbound_ledger WHERE content = ''") == 2);
  CHECK(w.Count("SELECT COUNT(*) FROM inbound_ledger WHERE content LIKE '%张三%'") == 0);
  auto again = handlers::ExpireLedgerText(w.db(), w.clock().NowSeconds(), 180);
  REQUIRE_RESULT_OK(again);
  CHECK(*again == 0);  // idempotent
}

TEST_CASE("Unfollowing clears the conversation, withdraws a pending join, stops volunteering",
          "[handlers][privacy]") {
  HandlerEnv w;
  // A volunteer who is matched to requests.
  REQUIRE(w.Count("SELECT active FROM volunteers WHERE openid = 'o_demo_volunteer'") == 1);
  w.Event("o_demo_volunteer", "unsubscribe");
  CHECK(w.Count("SELECT active FROM volunteers WHERE openid = 'o_demo_volunteer'") == 0);
  // A newcomer half-way through joining, with a request pending.
  w.Event("o_newcomer", "SCAN",
          "grid-" + N(w.Count("SELECT id FROM org_units WHERE code = 'GG-01'")));
  w.Say("o_newcomer", "王秀英 5幢302");
  w.Say("o_newcomer", "是");
  REQUIRE(w.Count("SELECT COUNT(*) FROM join_requests WHERE openid = 'o_newcomer' AND "
                  "status = 'pending'") == 1);
  w.Say("o_newcomer", "加入网格");  // a conversation in progress
  w.Event("o_newcomer", "unsubscribe");
  CHECK(w.Count("SELECT COUNT(*) FROM join_requests WHERE openid = 'o_newcomer' AND "
                "status = 'pending'") == 0);
  CHECK(w.Count("SELECT COUNT(*) FROM join_requests WHERE openid = 'o_newcomer' AND "
                "decided_by = 'system'") == 1);
  CHECK(w.Count("SELECT COUNT(*) FROM conversations WHERE openid = 'o_newcomer'") == 0);
}

}  // namespace
}  // namespace gebi::testing
