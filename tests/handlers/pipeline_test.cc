// The pipeline keeps each sender's roles, the reply texts and the rules in memory between
// changes (version counters): every table roles are read from moves the people version, a
// change is seen by the very next message, whoever made it, and what a transaction that
// rolled back read is never kept. The replies it answered lately are kept for retries.
#include "handlers/pipeline.h"

#include <fmt/format.h>

#include <string>

#include "storage/rule_store.h"
#include "storage/template_store.h"
#include "storage/user_store.h"
#include "tests/support/handler_env.h"

namespace gebi::testing {
namespace {

int64_t PeopleVersion(HandlerEnv& w) {
  int64_t v = 0;
  REQUIRE_OK(w.db().WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(v, storage::PeopleVersion(tx));
    return Status::Ok();
  }));
  return v;
}

void Exec(HandlerEnv& w, const std::string& sql) {
  REQUIRE_OK(w.db().WithTransaction([&](storage::Tx& tx) { return tx.Exec(sql); }));
}

TEST_CASE("Every table a sender's roles come from moves the people version",
          "[handlers][pipeline]") {
  HandlerEnv w;
  for (const char* table : {"residents", "volunteers", "role_grants", "circle_members", "circles",
                            "care_links", "org_units"}) {
    INFO(table);
    REQUIRE(w.Count(std::string("SELECT COUNT(*) FROM ") + table) > 0);  // the demo has rows
    const int64_t before = PeopleVersion(w);
    Exec(w, fmt::format("UPDATE {0} SET rowid = rowid WHERE rowid = (SELECT MIN(rowid) FROM {0})",
                        table));
    CHECK(PeopleVersion(w) == before + 1);
  }
  // Inserting and deleting move it too.
  const int64_t before = PeopleVersion(w);
  Exec(w,
       "INSERT INTO role_grants(openid, role, unit_id, created_at) "
       "SELECT 'o_version_probe', 'community_staff', id, 0 FROM org_units "
       "WHERE kind = 'community' LIMIT 1");
  Exec(w, "DELETE FROM role_grants WHERE openid = 'o_version_probe'");
  CHECK(PeopleVersion(w) == before + 2);
  // Messages, tickets and the user row do not.
  const int64_t now = PeopleVersion(w);
  w.Say("o_demo_jin", "帮助");
  w.Say("o_demo_jin", "报修 楼道灯坏了");
  CHECK(PeopleVersion(w) == now);
}

TEST_CASE("A role given or taken away is seen by the sender's next message",
          "[handlers][pipeline]") {
  HandlerEnv w;
  w.Say("o_demo_jin", "帮助");  // the first reply may carry unread notices
  const std::string as_resident = w.Say("o_demo_jin", "帮助");
  CHECK(w.Say("o_demo_jin", "帮助") == as_resident);  // remembered: the same reply
  Exec(w,
       "INSERT INTO role_grants(openid, role, unit_id, created_at) "
       "SELECT 'o_demo_jin', 'community_staff', id, 0 FROM org_units "
       "WHERE kind = 'community' ORDER BY id LIMIT 1");
  const std::string as_staff = w.Say("o_demo_jin", "帮助");
  CHECK(as_staff != as_resident);  // staff see their own commands at once
  Exec(w, "DELETE FROM role_grants WHERE openid = 'o_demo_jin'");
  CHECK(w.Say("o_demo_jin", "帮助") == as_resident);
}

TEST_CASE("Texts and rules read in a transaction that rolled back are not kept",
          "[handlers][pipeline]") {
  HandlerEnv w;
  w.Say("o_demo_jin", "帮助");  // the texts and rules of the current versions are in memory
  auto override_help = [](const std::string& text) {
    return storage::TemplateOverride{storage::kAllCommunities, "help", text, "test", 0};
  };
  auto rule = [](const std::string& reply) {
    storage::Rule r;
    r.match_kind = "exact";
    r.pattern = "开放时间";
    r.target_kind = "text";
    r.target = reply;
    return r;
  };
  // An edit that fails after its own transaction read the new texts and rules: the version
  // numbers it moved to come again with the next edit.
  Status s = w.db().WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_RETURN_IF_ERROR(storage::UpsertTemplateOverride(tx, override_help("作废的说明")));
    GEBI_RETURN_IF_ERROR(storage::InsertRule(tx, rule("作废的时间"), 0).status());
    GEBI_ASSIGN_OR_RETURN(auto communities,
                          tx.QueryRows<int64_t>("SELECT id FROM org_units WHERE kind = 'community'",
                                                [](const storage::Stmt& st) { return st.Int(0); }));
    for (int64_t c : communities) {
      GEBI_ASSIGN_OR_RETURN(auto texts, w.pipeline().TemplatesFor(tx, c));
      CHECK(texts->Render("help") == "作废的说明");
    }
    GEBI_ASSIGN_OR_RETURN(auto rules, w.pipeline().router().Current(tx));
    CHECK(handlers::Router::MatchTextIn(*rules, "开放时间", std::nullopt).has_value());
    return Status::Aborted("the edit fails after all");
  });
  REQUIRE(s.code() == Status::Code::kAborted);
  CHECK(w.Say("o_demo_jin", "帮助").find("作废的说明") == std::string::npos);
  REQUIRE_OK(w.db().WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_RETURN_IF_ERROR(storage::UpsertTemplateOverride(tx, override_help("新的说明")));
    return storage::InsertRule(tx, rule("早八点到晚六点"), 0).status();
  }));
  CHECK(w.Say("o_demo_jin", "帮助").find("新的说明") != std::string::npos);
  CHECK(w.Say("o_demo_jin", "开放时间").find("早八点到晚六点") != std::string::npos);
}

TEST_CASE("A retry of a delivery answered lately is answered from memory, for a minute",
          "[handlers][pipeline]") {
  HandlerEnv w;
  handlers::Message m;
  m.from_user = "o_demo_jin";
  m.to_user = "gh_test";
  m.msg_type = "text";
  m.content = "帮助";
  m.msg_id = "88001";
  m.create_time = w.clock().NowSeconds();
  auto first = w.pipeline().Handle(m);
  REQUIRE_RESULT_OK(first);
  CHECK_FALSE(first->duplicate);
  REQUIRE_FALSE(first->reply.content.empty());

  // The retry: the same reply and route, and not one statement run for it.
  const uint64_t statements = w.db().statements();
  w.clock().Advance(15);
  auto retry = w.pipeline().Handle(m);
  REQUIRE_RESULT_OK(retry);
  CHECK(retry->duplicate);
  CHECK(retry->reply.content == first->reply.content);
  CHECK(retry->route == first->route);
  CHECK(w.db().statements() == statements);
  CHECK(w.Count("SELECT COUNT(*) FROM inbound_ledger WHERE dedup_key = 'm:gh_test:88001'") == 1);

  // Past a minute the ledger answers: the same reply, read from it.
  w.clock().Advance(60);
  auto later = w.pipeline().Handle(m);
  REQUIRE_RESULT_OK(later);
  CHECK(later->duplicate);
  CHECK(later->reply.content == first->reply.content);
  CHECK(w.db().statements() > statements);

  // What the ledger no longer holds (gebi forget, from another process) is not answered from
  // memory once the minute is over: the delivery is handled as new.
  REQUIRE_OK(w.db().WithTransaction([](storage::Tx& tx) {
    return tx.Exec("DELETE FROM inbound_ledger WHERE dedup_key = 'm:gh_test:88001'");
  }));
  w.clock().Advance(61);
  auto anew = w.pipeline().Handle(m);
  REQUIRE_RESULT_OK(anew);
  CHECK_FALSE(anew->duplicate);
  CHECK(w.Count("SELECT COUNT(*) FROM inbound_ledger WHERE dedup_key = 'm:gh_test:88001'") == 1);
}

}  // namespace
}  // namespace gebi::testing
