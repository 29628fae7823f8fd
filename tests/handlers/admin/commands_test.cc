// The system commands as the console describes them, and the check that refuses a rule which
// would answer a command's keyword or example in its place. No server; one in-memory database
// for the rules the schema ships.
#include "handlers/admin/commands.h"

#include <algorithm>
#include <cctype>

#include "handlers/dispatch.h"
#include "storage/migrations.h"
#include "storage/rule_store.h"
#include "tests/support/rule_factory.h"
#include "tests/support/test_env.h"

namespace gebi::handlers::admin {
namespace {

storage::Rule Handler(int64_t id, std::string kind, std::string pattern, int64_t priority,
                      std::string target) {
  return testing::MakeRule(id, std::move(kind), std::move(pattern), priority, "handler",
                           std::move(target), std::nullopt);
}

storage::Rule Text(int64_t id, std::string kind, std::string pattern, int64_t priority) {
  return testing::MakeRule(id, std::move(kind), std::move(pattern), priority, "text", "回复",
                           std::nullopt);
}

bool HasAsciiWord(const std::string& s) {
  // Two ASCII letters in a row: an English word or a code.
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (std::isalpha(static_cast<unsigned char>(s[i])) &&
        std::isalpha(static_cast<unsigned char>(s[i + 1]))) {
      return true;
    }
  }
  return false;
}

TEST_CASE("Every command with keywords has a Chinese title", "[handlers][admin]") {
  for (const HandlerRow* row : HandlerTable()) {
    if (row->keywords.empty()) continue;
    CAPTURE(row->name);
    const std::string title = CommandTitle(row->name);
    CHECK(!title.empty());
    CHECK_FALSE(HasAsciiWord(title));
  }
  for (const CommandInfo& c : Commands()) {
    CAPTURE(c.handler);
    CHECK(FindHandler(c.handler) != nullptr);
    CHECK_FALSE(HasAsciiWord(std::string(c.description)));
  }
  CHECK(CommandTitle("repair") == "报修");
  CHECK(CommandTitle("no_such_row") == "系统命令");
}

TEST_CASE("IsSystemRule: a shared handler rule on one of the row's keywords",
          "[handlers][admin]") {
  CHECK(IsSystemRule(Handler(1, "prefix", "报修", 20, "repair")));
  CHECK(IsSystemRule(Handler(2, "exact", "帮助", 10, "help")));
  CHECK_FALSE(IsSystemRule(Handler(3, "prefix", "灯泡", 20, "repair")));  // an office keyword
  CHECK_FALSE(IsSystemRule(Text(4, "exact", "报修", 20)));
  auto scoped = Handler(5, "prefix", "报修", 20, "repair");
  scoped.community_id = 7;
  CHECK_FALSE(IsSystemRule(scoped));
}

TEST_CASE("The rules the schema ships take over none of the commands' keywords or examples",
          "[handlers][admin]") {
  auto db = storage::Database::Open(":memory:");
  REQUIRE_RESULT_OK(db);
  REQUIRE_OK(storage::Migrate(**db));
  std::vector<storage::Rule> rules;
  REQUIRE_OK((*db)->WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(rules, storage::ListRules(tx));
    return Status::Ok();
  }));
  REQUIRE(rules.size() > 40);
  for (const storage::Rule& r : rules) {
    CAPTURE(r.pattern, r.target);
    auto shadowed = FindShadowedCommand(rules, r);
    // Empty when nothing is taken over; else the message that would go astray, and where to.
    CHECK((shadowed ? shadowed->text + " -> " + shadowed->handler : std::string()) == "");
  }
}

TEST_CASE("FindShadowedCommand names the command a rule would take over", "[handlers][admin]") {
  const std::vector<storage::Rule> seeded = {
      Handler(1, "exact", "帮助", 10, "help"),
      Handler(2, "prefix", "报修", 20, "repair"),
      Handler(3, "prefix", "通过", 20, "approve"),
  };
  SECTION("a 包含 灯 rule at priority 5 takes 报修 楼道灯坏了") {
    auto s = FindShadowedCommand(seeded, Text(0, "contains", "灯", 5));
    REQUIRE(s);
    CHECK(s->handler == "repair");
    CHECK(s->title == "报修");
    CHECK(s->text == "报修 楼道灯坏了");
  }
  SECTION("the same rule after the commands takes nothing") {
    CHECK_FALSE(FindShadowedCommand(seeded, Text(0, "contains", "灯", 200)));
  }
  SECTION("an exact keyword equal to a command's") {
    auto s = FindShadowedCommand(seeded, Text(0, "exact", "帮助", 1));
    REQUIRE(s);
    CHECK(s->title == "帮助");
  }
  SECTION("equal priority: the older rule (the command) still wins") {
    CHECK_FALSE(FindShadowedCommand(seeded, Text(0, "prefix", "报修", 20)));
  }
  SECTION("an edited rule keeps its id, and its old version is ignored") {
    std::vector<storage::Rule> rules = seeded;
    rules.push_back(Text(9, "exact", "路灯", 5));
    auto edited = Text(9, "prefix", "通过", 5);
    auto s = FindShadowedCommand(rules, edited);
    REQUIRE(s);
    CHECK(s->handler == "approve");
    CHECK_FALSE(FindShadowedCommand(rules, rules.back()));
  }
  SECTION("disabled rules, extra keywords of the command itself and disabled commands") {
    auto off = Text(0, "contains", "灯", 5);
    off.enabled = false;
    CHECK_FALSE(FindShadowedCommand(seeded, off));
    CHECK_FALSE(FindShadowedCommand(seeded, Handler(0, "contains", "灯", 5, "repair")));
    std::vector<storage::Rule> without_repair = seeded;
    without_repair[1].enabled = false;
    CHECK_FALSE(FindShadowedCommand(without_repair, Text(0, "contains", "灯", 5)));
  }
}

}  // namespace
}  // namespace gebi::handlers::admin
