// The dispatch table against the seeded schema: each row's keywords are exactly the keyword
// rules the migrations seed for it (so `grep 报修` in handlers/dispatch.cc tells the truth),
// every seeded handler rule names a row, and the lookups find rows by name and flow.
#include "handlers/dispatch.h"

#include <map>
#include <set>
#include <string>

#include "storage/migrations.h"
#include "storage/rule_store.h"
#include "tests/support/handler_env.h"
#include "tests/support/test_env.h"

namespace gebi::testing {
namespace {

std::set<std::string> Split(std::string_view keywords) {
  std::set<std::string> out;
  while (!keywords.empty()) {
    size_t bar = keywords.find('|');
    out.insert(std::string(keywords.substr(0, bar)));
    if (bar == std::string_view::npos) break;
    keywords.remove_prefix(bar + 1);
  }
  return out;
}

TEST_CASE("Each dispatch row names the keywords the schema seeds for it", "[handlers][dispatch]") {
  auto db = storage::Database::Open(":memory:");
  REQUIRE_RESULT_OK(db);
  REQUIRE_OK(storage::Migrate(**db));
  std::map<std::string, std::set<std::string>> seeded;
  REQUIRE_OK((*db)->WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto rules, storage::ListRules(tx));
    for (const auto& r : rules) {
      if (r.target_kind == "handler") seeded[r.target].insert(r.pattern);
    }
    return Status::Ok();
  }));
  REQUIRE(!seeded.empty());
  for (const auto& [name, patterns] : seeded) {
    INFO("seeded rules name handler " << name);
    const handlers::HandlerRow* row = handlers::FindHandler(name);
    REQUIRE(row != nullptr);
    CHECK(Split(row->keywords) == patterns);
  }
  for (const handlers::HandlerRow* row : handlers::HandlerTable()) {
    INFO("row " << row->name);
    if (!row->keywords.empty()) CHECK(seeded.count(std::string(row->name)) == 1);
  }
}

TEST_CASE("Dispatch lookups: by name, by flow, unknown names", "[handlers][dispatch]") {
  REQUIRE(handlers::FindHandler("repair") != nullptr);
  REQUIRE(handlers::FindHandler("repair")->keywords.find("报修") != std::string_view::npos);
  REQUIRE(handlers::FindHandler("no_such_handler") == nullptr);
  REQUIRE(handlers::FindFlowHandler("join") == handlers::FindHandler("join.flow"));
  REQUIRE(handlers::FindFlowHandler("") == nullptr);
  REQUIRE(handlers::FindFlowHandler("no_such_flow") == nullptr);
  std::set<std::string_view> names;
  for (const handlers::HandlerRow* row : handlers::HandlerTable()) {
    REQUIRE(row->fn != nullptr);
    REQUIRE(names.insert(row->name).second);  // names are unique
  }
}

TEST_CASE("Each delivery counts on its row and the counters read back per row", "[handlers][dispatch]") {
  HandlerEnv w;
  const handlers::HandlerRow* help = handlers::FindHandler("help");
  const uint64_t before = help->calls.load();
  w.Say("o_demo_resident", "帮助");
  w.Say("o_demo_resident", "菜单");
  REQUIRE(help->calls.load() == before + 2);
  bool listed = false;
  for (const std::string& line : handlers::HandlerCounters()) {
    listed = listed || line.rfind("help calls=", 0) == 0;
  }
  REQUIRE(listed);
}

}  // namespace
}  // namespace gebi::testing
