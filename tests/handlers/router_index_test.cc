// The router's indexes for contains and anchored regex rules find exactly what a scan of
// every rule in order finds: the first rule by priority, wherever its text sits.
#include "handlers/normalize.h"
#include "handlers/router.h"
#include "tests/support/test_env.h"

namespace gebi::handlers {
namespace {

storage::Rule Rule(int64_t id, std::string kind, std::string pattern, int64_t priority,
                   std::optional<int64_t> community = std::nullopt) {
  storage::Rule r;
  r.id = id;
  r.match_kind = std::move(kind);
  r.pattern = std::move(pattern);
  r.priority = priority;
  r.target_kind = "text";
  r.target = "t" + std::to_string(id);
  r.community_id = community;
  return r;
}

std::string Target(const std::shared_ptr<const Router::Snapshot>& snap, const std::string& text,
                   std::optional<int64_t> community = std::nullopt) {
  auto m = Router::MatchTextIn(*snap, Normalize(text), community);
  return m ? m->rule.target : "none";
}

TEST_CASE("Contains rules match anywhere in the text and the first by priority wins",
          "[handlers]") {
  auto snap = Router::Compile(
      {
          Rule(1, "contains", "电话号码", 30), Rule(2, "contains", "电话", 40),
          Rule(3, "contains", "停水", 20), Rule(4, "contains", "wifi", 35),
          Rule(5, "contains", "物业", 10, 7),  // only for community 7
          Rule(6, "contains", "", 90),         // an empty pattern is in every text
      },
      1);
  CHECK(Target(snap, "社区电话号码多少") == "t1");      // both 1 and 2 occur: 1 comes first
  CHECK(Target(snap, "请问电话是多少") == "t2");        // only 2
  CHECK(Target(snap, "电话多少，今天停水了") == "t3");  // 3 is later in the text, earlier in rules
  CHECK(Target(snap, "楼下WiFi坏了") == "t4");          // normalised to lower case
  CHECK(Target(snap, "找物业") == "t6");                // 5 is out of scope: the empty pattern
  CHECK(Target(snap, "找物业", 7) == "t5");
  CHECK(Target(snap, "今天天气很好") == "t6");
}

TEST_CASE("Anchored regex rules match only at the start and other regexes anywhere", "[handlers]") {
  auto snap = Router::Compile(
      {
          Rule(1, "regex", "^单号(\\d+)$", 10),
          Rule(2, "regex", "^ab+c", 20),      // the quantified b is not part of the literal
          Rule(3, "regex", "^xyz|办事", 30),  // '|': not anchored as a whole
          Rule(4, "regex", "楼(\\d+)", 40),
      },
      1);
  auto m = Router::MatchTextIn(*snap, "单号123", std::nullopt);
  REQUIRE(m);
  CHECK(m->rule.target == "t1");
  CHECK(m->args == "123");
  CHECK(Target(snap, "查单号123") == "none");  // ^ does not match inside the text
  CHECK(Target(snap, "abbbc") == "t2");
  CHECK(Target(snap, "ac") == "none");
  CHECK(Target(snap, "xabc") == "none");
  CHECK(Target(snap, "去办事") == "t3");  // the unanchored branch
  CHECK(Target(snap, "住5楼12") == "t4");
  CHECK(Router::MatchTextIn(*snap, "住5楼12", std::nullopt)->args == "12");
}

}  // namespace
}  // namespace gebi::handlers
