#include "handlers/demo_data.h"

#include <fmt/format.h>

#include "storage/rule_store.h"

namespace gebi::handlers {

namespace {

// Keyword rules a community office typically starts with, as data it can edit later.
struct DemoRule {
  const char* kind;
  const char* pattern;
  const char* text;
};
constexpr DemoRule kDemoRules[] = {
    {"exact", "办事时间", "社区办事时间：周一至周五 8:30-12:00，14:00-17:30。"},
    {"contains", "社区电话", "社区服务电话：0577-88000000（工作日）。"},
};

}  // namespace

Status SeedDemo(storage::Tx& tx, int64_t now, std::string* report) {
  GEBI_ASSIGN_OR_RETURN(auto rules, storage::ListRules(tx));
  int added = 0;
  for (const DemoRule& d : kDemoRules) {
    bool present = false;
    for (const auto& r : rules)
      present = present || (r.match_kind == d.kind && r.pattern == d.pattern);
    if (present) continue;
    storage::Rule r;
    r.match_kind = d.kind;
    r.pattern = d.pattern;
    r.priority = 50;
    r.target_kind = "text";
    r.target = d.text;
    r.note = "demo";
    GEBI_ASSIGN_OR_RETURN(int64_t id, storage::InsertRule(tx, r, now));
    (void)id;
    ++added;
  }
  report->append(fmt::format("keyword rules: {} demo rules added (办事时间, 社区电话)\n", added));
  report->append("resident openid: o_demo_resident\n");
  return Status::Ok();
}

}  // namespace gebi::handlers
