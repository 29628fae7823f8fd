// Rule validation, warnings and the admin principal's scopes, without a server.
#include "handlers/admin/rules.h"

#include "handlers/texts/template_specs.h"
#include "tests/support/rule_factory.h"
#include "tests/support/test_env.h"

namespace gebi::handlers::admin {
namespace {

storage::Rule Text(int64_t id, std::string kind, std::string pattern, int64_t priority,
                   std::optional<int64_t> community = std::nullopt) {
  return testing::MakeRule(id, std::move(kind), std::move(pattern), priority, "text",
                           "reply " + std::to_string(id), community);
}

TEST_CASE("AnalyzeRules finds shadowed and duplicate rules, not community overrides",
          "[handlers][admin]") {
  std::vector<storage::Rule> rules = {
      Text(1, "contains", "电", 5),    Text(2, "exact", "停电", 100),  // shadowed by 1
      Text(3, "exact", "停电", 120),                                   // duplicate of 2
      Text(4, "exact", "开会", 100),                                   // fine
      Text(5, "exact", "开会", 50, 7),  // a community's own answer: fine
      Text(6, "prefix", "报修", 100),   // fine
  };
  rules.push_back(Text(7, "exact", "停用", 1));
  rules.back().enabled = false;
  std::map<int64_t, std::string> kinds;
  for (const auto& w : AnalyzeRules(rules)) kinds[w.rule_id] = w.kind;
  CHECK(kinds[2] == "shadowed");
  CHECK(kinds[3] == "duplicate");
  CHECK(kinds.count(1) == 0);
  CHECK(kinds.count(4) == 0);
  CHECK(kinds.count(5) == 0);
  CHECK(kinds.count(6) == 0);
  CHECK(kinds.count(7) == 0);
}

TEST_CASE("ValidateRule names the bad field", "[handlers][admin]") {
  auto field = [](storage::Rule r) {
    Status s = ValidateRule(r);
    return s.ok() ? std::string("ok") : s.message().substr(0, s.message().find(':'));
  };
  CHECK(field(Text(0, "exact", "x", 1)) == "ok");
  CHECK(field(Text(0, "glob", "x", 1)) == "match_kind");
  CHECK(field(Text(0, "regex", "(", 1)) == "pattern");
  CHECK(field(Text(0, "event", "SCAN", 1)) == "pattern");
  CHECK(field(Text(0, "exact", "x", -5)) == "priority");
  auto r = Text(0, "exact", "x", 1);
  r.target_kind = "handler";
  r.target = "no_such_handler";
  CHECK(field(r) == "target");
  r.target = "help";
  CHECK(field(r) == "ok");
  r = Text(0, "exact", "x", 1, 0);
  CHECK(field(r) == "community_id");
}

TEST_CASE("ValidateRule refuses regexes RE2 cannot run, saying why in Chinese",
          "[handlers][admin]") {
  auto check = [](std::string pattern) {
    return ValidateRule(Text(0, "regex", std::move(pattern), 1));
  };
  // Exponential for a backtracking engine, linear for RE2: nothing to refuse.
  CHECK(check("^(a+)+$").ok());
  CHECK(check("^车牌\\s*([a-z0-9]+)").ok());
  CHECK(check("(?P<no>\\d+)").ok());
  struct Case {
    const char* pattern;
    const char* why;
  };
  const Case refused[] = {
      {"^(ab)\\1$", "反向引用"},  // backreference
      {"^(?=ab)", "先行断言"},    // lookahead
      {"(?<!a)b", "后行断言"},    // lookbehind
      {"(", "缺少 )"},            // unbalanced
      {"a{2000}", "重复次数"},    // over RE2's repeat limit
  };
  for (const Case& c : refused) {
    CAPTURE(c.pattern);
    Status s = check(c.pattern);
    CHECK(s.code() == Status::Code::kInvalidArgument);
    CHECK(s.message().rfind("pattern: 正则表达式不正确：", 0) == 0);
    CHECK(s.message().find(c.why) != std::string::npos);
  }
  CHECK(check(std::string(kMaxRulePatternBytes, 'a')).ok());
  CHECK(check(std::string(kMaxRulePatternBytes + 1, 'a')).message() == "pattern: 太长");
}

TEST_CASE("Admin principals see their own community only", "[handlers][admin]") {
  Principal community;
  community.role = "community";
  community.unit_id = 7;
  CHECK(community.CanChange(7));
  CHECK_FALSE(community.CanChange(8));
  CHECK_FALSE(community.CanChange(std::nullopt));
  CHECK(community.CommunityFilter() == std::optional<int64_t>(7));
  Principal district;
  district.role = "district";
  CHECK(district.CanChange(8));
  CHECK(district.CanChange(std::nullopt));
  CHECK_FALSE(district.CommunityFilter());
  CHECK(SecretEquals("abc", "abc"));
  CHECK_FALSE(SecretEquals("abc", "abd"));
  CHECK_FALSE(SecretEquals("", ""));
  CHECK(TokenHash("t") != TokenHash("u"));
  CHECK(TokenHash("t").size() == 64);
}

TEST_CASE("Templates::WithOverrides applies valid texts and ignores invalid ones",
          "[handlers][admin]") {
  std::vector<TemplateText> texts;
  for (const auto& spec : TemplateSpecs()) texts.push_back({std::string(spec.key), "x", "t"});
  auto base = Templates::Create(texts);
  REQUIRE_RESULT_OK(base);
  auto t = base->WithOverrides({{"default", "新的默认"}, {"not_allowed", "{nope}"}, {"zzz", "y"}});
  CHECK(t.Render("default") == "新的默认");
  CHECK(t.Render("not_allowed") == "x");
  CHECK_FALSE(t.Has("zzz"));
  CHECK(base->Render("default") == "x");
}

}  // namespace
}  // namespace gebi::handlers::admin
