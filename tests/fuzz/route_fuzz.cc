// libFuzzer target: Normalize and the keyword router, which see every text a resident types.
// The rule set is fixed (every match kind, overlapping keywords, a community-scoped rule, a
// disabled one); when the first byte is odd, the first line of the input also becomes a rule of
// a kind picked by the second byte, so Compile sees hostile patterns too (admins type them).
// Checks Normalize's offsets contract and that a match always names an enabled rule.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "handlers/normalize.h"
#include "handlers/router.h"

namespace {

using gebi::handlers::Router;

gebi::storage::Rule MakeRule(int64_t id, std::string kind, std::string pattern, int64_t priority,
                             std::optional<int64_t> community = std::nullopt) {
  gebi::storage::Rule r;
  r.id = id;
  r.match_kind = std::move(kind);
  r.pattern = std::move(pattern);
  r.priority = priority;
  r.target_kind = "handler";
  r.target = "t" + std::to_string(id);
  r.community_id = community;
  return r;
}

std::vector<gebi::storage::Rule> FixedRules() {
  std::vector<gebi::storage::Rule> rules = {
      MakeRule(1, "exact", "帮助", 10),       MakeRule(2, "prefix", "报修", 20),
      MakeRule(3, "contains", "电话", 30),    MakeRule(4, "regex", "^车牌\\s*([a-z0-9]+)", 40),
      MakeRule(5, "prefix", "help", 5),       MakeRule(6, "contains", "报修", 50),
      MakeRule(7, "exact", "只在社区", 1, 7), MakeRule(8, "contains", "a", 60),
      MakeRule(9, "contains", "aa", 61),      MakeRule(10, "prefix", "#", 62),
      MakeRule(11, "regex", "(\\d{11})", 70), MakeRule(12, "regex", "(.)", 200),
      MakeRule(13, "exact", "", 3),           MakeRule(14, "prefix", "停车 ", 15),
  };
  rules.push_back(MakeRule(15, "exact", "停用", 1));
  rules.back().enabled = false;
  return rules;
}

void CheckMatch(const std::optional<gebi::handlers::RuleMatch>& m) {
  if (m && !m->rule.enabled) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::shared_ptr<const Router::Snapshot> fixed = Router::Compile(FixedRules(), 1);
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  std::vector<uint32_t> offsets;
  const std::string normalized = gebi::handlers::Normalize(text, &offsets);
  // The last entry is the end of the last kept character (trailing whitespace is dropped).
  if (offsets.size() != normalized.size() + 1 || offsets.back() > text.size()) __builtin_trap();
  for (size_t i = 1; i < offsets.size(); ++i) {
    if (offsets[i] < offsets[i - 1] || offsets[i] > text.size()) __builtin_trap();
  }
  // Normalising is idempotent: the router relies on it to compare stored keywords and texts.
  if (gebi::handlers::Normalize(normalized) != normalized) __builtin_trap();

  CheckMatch(Router::MatchTextIn(*fixed, normalized, std::nullopt));
  CheckMatch(Router::MatchTextIn(*fixed, normalized, 7));
  // Matching takes normalised text, but a caller bug could pass raw text: still no crash.
  CheckMatch(Router::MatchTextIn(*fixed, text, std::nullopt));

  if (size >= 2 && (data[0] & 1) != 0) {
    static const char* const kKinds[] = {"exact", "prefix", "contains", "regex", "event"};
    const std::string_view body = text.substr(2);
    const size_t nl = body.find('\n');
    const std::string_view pattern = body.substr(0, nl);
    const std::string_view rest = nl == std::string_view::npos ? "" : body.substr(nl + 1);
    auto rules = FixedRules();
    rules.push_back(MakeRule(100, kKinds[data[1] % 5], std::string(pattern), data[1] / 5));
    auto snap = Router::Compile(rules, 2);
    CheckMatch(Router::MatchTextIn(*snap, gebi::handlers::Normalize(rest), std::nullopt));
  }
  return 0;
}
