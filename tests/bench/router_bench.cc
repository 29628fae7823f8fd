// Micro-benchmark of keyword matching: handlers::Router::Compile over 1,000 rules of every
// text kind, then Router::MatchTextIn on texts that hit each kind and on ones that hit none
// (a short message, and a 2,000-character one that every index reads to the end). Figures only.
// Run: build/bench/gebi_bench --benchmark_filter=RuleMatch
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "handlers/normalize.h"
#include "handlers/router.h"

namespace {

// 1,000 rules: the 5 help aliases, then exact, prefix, contains and a few regex rules, with
// priorities spread so the kinds interleave in rule order.
std::vector<gebi::storage::Rule> ThousandRules() {
  std::vector<gebi::storage::Rule> rules;
  auto add = [&](const char* kind, std::string pattern, int64_t priority) {
    gebi::storage::Rule r;
    r.id = static_cast<int64_t>(rules.size()) + 1;
    r.match_kind = kind;
    r.pattern = std::move(pattern);
    r.priority = priority;
    r.target_kind = "text";
    r.target = "reply " + std::to_string(r.id);
    rules.push_back(std::move(r));
  };
  for (const char* p : {"帮助", "help", "?", "菜单", "取消"}) add("exact", p, 10);
  for (int i = 0; i < 395; ++i) add("exact", fmt::format("关键词{}", i), 20 + i % 180);
  for (int i = 0; i < 300; ++i) add("prefix", fmt::format("查询{}", i), 20 + i % 180);
  for (int i = 0; i < 290; ++i) add("contains", fmt::format("话题{}号", i), 20 + i % 180);
  for (int i = 0; i < 10; ++i) add("regex", fmt::format("^单号{}-(\\d+)$", i), 20 + i * 18);
  return rules;
}

void RunMatch(benchmark::State& state, const std::string& text, bool expect_match) {
  auto snap = gebi::handlers::Router::Compile(ThousandRules(), 1);
  std::string normalized = gebi::handlers::Normalize(text);
  auto probe = gebi::handlers::Router::MatchTextIn(*snap, normalized, std::nullopt);
  if (probe.has_value() != expect_match) {
    state.SkipWithError("the rule set does not match the text as the benchmark expects");
    return;
  }
  for (auto _ : state) {
    auto m = gebi::handlers::Router::MatchTextIn(*snap, normalized, std::nullopt);
    benchmark::DoNotOptimize(m);
  }
  state.SetLabel(probe ? probe->why : "no rule");
}

void BM_RuleMatch1000Exact(benchmark::State& state) { RunMatch(state, "帮助", true); }
BENCHMARK(BM_RuleMatch1000Exact);

void BM_RuleMatch1000Prefix(benchmark::State& state) { RunMatch(state, "查询150 明天上午", true); }
BENCHMARK(BM_RuleMatch1000Prefix);

void BM_RuleMatch1000Contains(benchmark::State& state) {
  RunMatch(state, "请问话题200号怎么报名", true);
}
BENCHMARK(BM_RuleMatch1000Contains);

void BM_RuleMatch1000Regex(benchmark::State& state) { RunMatch(state, "单号9-12345", true); }
BENCHMARK(BM_RuleMatch1000Regex);

// Worst case: a chatty message that no rule matches.
void BM_RuleMatch1000Miss(benchmark::State& state) {
  RunMatch(state, "今天楼下的路灯又不亮了，晚上回家有点黑，麻烦看一下", false);
}
BENCHMARK(BM_RuleMatch1000Miss);

// A 2,000-character message (about 6 KB of UTF-8) that no rule matches: every index reads the
// whole text, so a cost per prefix of the text or per rule shows here first.
std::string LongChattyMiss() {
  const std::string sentence = "今天楼下的路灯又不亮了，晚上回家有点黑，麻烦看一下，谢谢物业。";
  std::string out;
  size_t chars = 0;
  for (size_t at = 0;; at = (at + 1) % sentence.size()) {
    const bool starts_char = (static_cast<unsigned char>(sentence[at]) & 0xC0) != 0x80;
    if (starts_char && chars++ == 2000) break;
    out += sentence[at];
  }
  return out;
}

void BM_RuleMatch1000Miss2000Chars(benchmark::State& state) {
  RunMatch(state, LongChattyMiss(), false);
}
BENCHMARK(BM_RuleMatch1000Miss2000Chars);

void BM_RuleCompile1000(benchmark::State& state) {
  auto rules = ThousandRules();
  for (auto _ : state) {
    auto snap = gebi::handlers::Router::Compile(rules, 1);
    benchmark::DoNotOptimize(snap);
  }
}
BENCHMARK(BM_RuleCompile1000);

}  // namespace
