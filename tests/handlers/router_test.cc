// The router: keyword matching by kind and priority, community scope, reload on version, its
// indexes (hash, prefix trie, Aho–Corasick, RE2) agreeing with a plain scan of every rule, and
// regex rules that stay linear on hostile patterns and texts.
#include "handlers/router.h"

#include <fmt/format.h>

#include <random>

#include "handlers/normalize.h"
#include "storage/migrations.h"
#include "tests/support/rule_factory.h"
#include "tests/support/test_env.h"

namespace gebi::handlers {
namespace {

// A rule answered by the handler named target.
storage::Rule MakeRule(int64_t id, std::string kind, std::string pattern, int64_t priority,
                       std::string target, std::optional<int64_t> community = std::nullopt) {
  return testing::MakeRule(id, std::move(kind), std::move(pattern), priority, "handler",
                           std::move(target), community);
}

TEST_CASE("Normalize trims, folds full-width forms and ASCII case", "[handlers]") {
  CHECK(Normalize("  HELP  ") == "help");
  CHECK(Normalize("？") == "?");
  CHECK(Normalize("报修　＃１２") == "报修 #12");
  CHECK(Normalize("ＡＢＣ\t\n def") == "abc def");
  CHECK(Normalize("张三  5幢301") == "张三 5幢301");
  CHECK(Normalize("") == "");
  CHECK(ParseNumberArg("#12") == 12);
  CHECK(ParseNumberArg("12") == 12);
  CHECK(ParseNumberArg("12a") == -1);
  CHECK(ParseNumberArg("") == -1);
}

// Found by tests/fuzz/route_fuzz.cc: a 3-byte lead byte swallowed the two bytes after it even
// when they were not continuation bytes.
TEST_CASE("Normalize passes invalid UTF-8 through byte by byte", "[handlers]") {
  CHECK(Normalize("\xEF<\x01") == "\xEF<\x01");  // was "!" (decoded as U+FF01)
  CHECK(Normalize("\xE8 AB") == "\xE8 ab");      // the space and 'A' were kept raw
  CHECK(Normalize("x\xE8") == "x\xE8");
  CHECK(Normalize("\xEF\xBC\x81") == "!");  // a valid full-width form still folds
}

TEST_CASE("Excerpt keeps whole characters and marks a cut", "[handlers]") {
  CHECK(Excerpt("楼道灯坏了", 3) == "楼道灯…");
  CHECK(Excerpt("楼道灯", 3) == "楼道灯");
  CHECK(Excerpt("ab楼道", 3) == "ab楼…");
  CHECK(Excerpt("", 2).empty());
  CHECK(Excerpt("灯", 0) == "…");
}

TEST_CASE("Normalize maps every output byte back to the input", "[handlers]") {
  std::vector<uint32_t> off;
  const std::string raw = "  报修　WiFi坏了，ＯＫ  ";
  std::string n = Normalize(raw, &off);
  REQUIRE(n == "报修 wifi坏了,ok");
  REQUIRE(off.size() == n.size() + 1);
  // The suffix after the keyword maps back to the words as written.
  size_t at = n.find("wifi");
  REQUIRE(raw.substr(off[at], off.back() - off[at]) == "WiFi坏了，ＯＫ");
  REQUIRE(off.back() == raw.size() - 2);  // trailing spaces are not part of the text
}

TEST_CASE("Router picks the first rule by priority across match kinds", "[handlers]") {
  std::vector<storage::Rule> rules = {
      MakeRule(1, "exact", "帮助", 10, "help"),
      MakeRule(2, "prefix", "报修", 20, "repair"),
      MakeRule(3, "contains", "电话", 30, "phone"),
      MakeRule(4, "regex", "^车牌\\s*([a-z0-9]+)", 40, "plate"),
      MakeRule(5, "prefix", "help", 5, "help_en"),
      MakeRule(6, "contains", "报修", 50, "late"),
      MakeRule(7, "exact", "只在社区", 1, "scoped", 7),
  };
  rules.push_back(MakeRule(8, "exact", "停用", 1, "off"));
  rules.back().enabled = false;
  auto snap = Router::Compile(rules, 1);

  auto match = [&](std::string text, std::optional<int64_t> community = std::nullopt) {
    return Router::MatchTextIn(*snap, Normalize(text), community);
  };
  SECTION("exact") { REQUIRE(match("帮助")->rule.target == "help"); }
  SECTION("prefix with and without a space gives the rest as args") {
    auto m = match("报修 楼道灯坏了");
    REQUIRE(m->rule.target == "repair");
    REQUIRE(m->args == "楼道灯坏了");
    REQUIRE(match("报修楼道灯坏了")->args == "楼道灯坏了");
  }
  SECTION("an ASCII keyword needs a word boundary") {
    REQUIRE(match("HELP me")->rule.target == "help_en");
    REQUIRE_FALSE(match("helpful"));
  }
  SECTION("contains and regex with a capture group") {
    REQUIRE(match("社区电话多少")->rule.target == "phone");
    auto m = match("车牌 浙C12345");
    REQUIRE_FALSE(m);  // the regex wants ASCII after 车牌
    m = match("车牌 ab123");
    REQUIRE(m->rule.target == "plate");
    REQUIRE(m->args == "ab123");
  }
  SECTION("the lower priority number wins when several match") {
    REQUIRE(match("报修 电话坏了")->rule.target == "repair");  // 20 beats contains 30 and 50
  }
  SECTION("community-scoped rules fire only for that community") {
    REQUIRE_FALSE(match("只在社区"));
    REQUIRE_FALSE(match("只在社区", 3));
    REQUIRE(match("只在社区", 7)->rule.target == "scoped");
  }
  SECTION("disabled rules never fire, unknown text matches nothing") {
    REQUIRE_FALSE(match("停用"));
    REQUIRE_FALSE(match("随便说点什么"));
  }
}

TEST_CASE("Router reloads rules when the stored version moves", "[handlers]") {
  auto opened = storage::Database::Open(":memory:");
  REQUIRE(opened.ok());
  auto& db = **opened;
  REQUIRE_OK(storage::Migrate(db));
  Router router;
  auto fire = [&](const std::string& text) {
    std::string target;
    REQUIRE_OK(db.WithRead([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(auto m, router.MatchText(tx, Normalize(text), std::nullopt));
      target = m ? m->rule.target : "";
      return Status::Ok();
    }));
    return target;
  };
  REQUIRE(fire("帮助") == "help");
  REQUIRE(fire("早上好") == "");
  int64_t id = 0;
  REQUIRE_OK(db.WithTransaction([&](storage::Tx& tx) -> Status {
    storage::Rule r = MakeRule(0, "exact", "早上好", 10, "help");
    GEBI_ASSIGN_OR_RETURN(id, storage::InsertRule(tx, r, 1));
    return Status::Ok();
  }));
  REQUIRE(fire("早上好") == "help");
  REQUIRE_OK(db.WithTransaction([&](storage::Tx& tx) { return storage::DeleteRule(tx, id); }));
  REQUIRE(fire("早上好") == "");
  REQUIRE(db.WithTransaction([&](storage::Tx& tx) {
              return storage::DeleteRule(tx, id);
            }).IsNotFound());
}

TEST_CASE("Templates refuse unknown placeholders and keys, naming them", "[handlers]") {
  auto texts = bot::ReadTemplateDir(std::string(GEBI_SOURCE_DIR) + "/templates");
  REQUIRE(texts.ok());
  REQUIRE(Templates::Create(*texts).ok());

  SECTION("an unknown placeholder names file and key") {
    auto bad = *texts;
    for (auto& t : bad) {
      if (t.key == "default") t.text = "hello {nobody}";
    }
    auto s = Templates::Create(bad).status();
    REQUIRE(s.code() == Status::Code::kInvalidArgument);
    REQUIRE(s.message().find("'default'") != std::string::npos);
    REQUIRE(s.message().find("replies.toml") != std::string::npos);
  }
  SECTION("a missing key is named") {
    auto bad = *texts;
    bad.erase(std::remove_if(bad.begin(), bad.end(), [](auto& t) { return t.key == "busy"; }),
              bad.end());
    auto s = Templates::Create(bad).status();
    REQUIRE(s.message().find("'busy'") != std::string::npos);
  }
  SECTION("rendering fills named arguments and leaves user text alone") {
    auto t = Templates::Create(*texts);
    std::string out = t->Render("not_allowed", {{"command", "{evil} <b>"}});
    REQUIRE(out.find("{evil} <b>") != std::string::npos);
  }
}

// The router's indexes for contains and anchored regex rules find exactly what a scan of
// every rule in order finds: the first rule by priority, wherever its text sits.

// A text rule for the index tests: its target names its id.
storage::Rule TextRule(int64_t id, std::string kind, std::string pattern, int64_t priority,
                       std::optional<int64_t> community = std::nullopt) {
  return testing::MakeRule(id, std::move(kind), std::move(pattern), priority, "text",
                           "t" + std::to_string(id), community);
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
          TextRule(1, "contains", "电话号码", 30), TextRule(2, "contains", "电话", 40),
          TextRule(3, "contains", "停水", 20), TextRule(4, "contains", "wifi", 35),
          TextRule(5, "contains", "物业", 10, 7),  // only for community 7
          TextRule(6, "contains", "", 90),         // an empty pattern is in every text
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

TEST_CASE("A rule the sender may not use yields to another that matches, else still fires",
          "[handlers]") {
  auto snap = Router::Compile(
      {
          TextRule(1, "prefix", "提醒", 20),      // a grid worker's command
          TextRule(2, "contains", "灯坏了", 50),  // a resident's repair phrase
          TextRule(3, "regex", "^(提醒)", 10),    // ranked first, not usable either
      },
      1);
  const Router::RuleFilter resident = [](const storage::Rule& r) { return r.id == 2; };
  auto m = Router::MatchTextIn(*snap, "提醒一下,楼道灯坏了", std::nullopt, resident);
  REQUIRE(m);
  CHECK(m->rule.id == 2);
  CHECK(m->why == "contains '灯坏了'");
  // Nothing usable matches: the first match fires, and its handler refuses with a next step.
  m = Router::MatchTextIn(*snap, "提醒 3", std::nullopt, resident);
  REQUIRE(m);
  CHECK(m->rule.id == 3);
  // A sender who may use everything gets the first match, as without a filter.
  const Router::RuleFilter worker = [](const storage::Rule&) { return true; };
  CHECK(Router::MatchTextIn(*snap, "提醒一下,楼道灯坏了", std::nullopt, worker)->rule.id == 3);
}

TEST_CASE("Anchored regex rules match only at the start and other regexes anywhere", "[handlers]") {
  auto snap = Router::Compile(
      {
          TextRule(1, "regex", "^单号(\\d+)$", 10),
          TextRule(2, "regex", "^ab+c", 20),      // the quantified b is not part of the literal
          TextRule(3, "regex", "^xyz|办事", 30),  // '|': not anchored as a whole
          TextRule(4, "regex", "楼(\\d+)", 40),
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

// The plain scan the indexes must agree with: every enabled rule in (priority, id) order, the
// first in scope that matches wins. Regex rules are matched through a snapshot of that one
// rule (as the admin dry run does); the other kinds by string comparison alone.
std::optional<RuleMatch> ScanMatch(std::vector<storage::Rule> rules, std::string_view text,
                                   std::optional<int64_t> community) {
  std::stable_sort(rules.begin(), rules.end(), [](const auto& a, const auto& b) {
    return a.priority != b.priority ? a.priority < b.priority : a.id < b.id;
  });
  auto trim = [](std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return std::string(s);
  };
  auto word = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; };
  for (const storage::Rule& r : rules) {
    if (!r.enabled) continue;
    if (r.community_id && (!community || *community != *r.community_id)) continue;
    const std::string p = Normalize(r.pattern);
    if (r.match_kind == "exact" && text == p) return RuleMatch{r, "", "exact '" + p + "'"};
    if (r.match_kind == "prefix" && !p.empty() && text.substr(0, p.size()) == p) {
      const size_t n = p.size();
      const bool cut = n < text.size() && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80;
      const bool glued = n < text.size() && word(text[n - 1]) && word(text[n]);
      if (!cut && !glued) return RuleMatch{r, trim(text.substr(n)), "prefix '" + p + "'"};
    }
    if (r.match_kind == "contains" && text.find(p) != std::string_view::npos) {
      return RuleMatch{r, "", "contains '" + p + "'"};
    }
    if (r.match_kind == "regex") {
      auto one = Router::Compile({r}, 0);
      if (auto m = Router::MatchTextIn(*one, text, community)) return m;
    }
  }
  return std::nullopt;
}

std::string Show(const std::optional<RuleMatch>& m) {
  return m ? "#" + std::to_string(m->rule.id) + " args='" + m->args + "' why=" + m->why : "none";
}

TEST_CASE("The indexes find what a plain scan finds on random rules and texts", "[handlers]") {
  // Small alphabets so patterns overlap, repeat and nest: ASCII words (word boundaries),
  // spaces (trimmed args), Chinese characters, and stray UTF-8 bytes (a lead byte alone, a
  // continuation byte alone) so byte and character boundaries disagree.
  const std::vector<std::string> pieces = {"a",    "b",    "ab", "1",    "_",    " ",    "报", "修",
                                           "报修", "电话", "话", "停水", "\xe6", "\x8a", "aa"};
  const std::vector<std::string> regexes = {"^a+b",   "报(.)",      "^(a+)+$", "b$",
                                            "(\\d+)", "^报修 (.*)", "(a)\\1",  "(?=a)b"};
  std::mt19937 rng(20240611);
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  auto phrase = [&](size_t max_pieces) {
    std::string s;
    for (size_t k = pick(max_pieces + 1); k > 0; --k) s += pieces[pick(pieces.size())];
    return s;
  };
  const char* kinds[] = {"exact", "prefix", "contains", "contains", "prefix", "regex"};
  for (int round = 0; round < 3000; ++round) {
    std::vector<storage::Rule> rules;
    for (size_t n = 1 + pick(25); rules.size() < n;) {
      const std::string kind = kinds[pick(6)];
      std::optional<int64_t> community;
      if (pick(4) == 0) community = 7 + static_cast<int64_t>(pick(2));
      rules.push_back(TextRule(static_cast<int64_t>(rules.size()) + 1, kind,
                               kind == "regex" ? regexes[pick(regexes.size())] : phrase(3),
                               static_cast<int64_t>(pick(6)), community));
      if (pick(10) == 0) rules.back().enabled = false;
    }
    auto snap = Router::Compile(rules, 1);
    for (int t = 0; t < 10; ++t) {
      // Texts sometimes start with a rule's own pattern, so exact and prefix hits are common.
      std::string text = pick(3) == 0 ? Normalize(rules[pick(rules.size())].pattern) : "";
      text += phrase(8);
      const std::optional<int64_t> community =
          pick(2) == 0 ? std::nullopt : std::optional<int64_t>(7);
      std::string rule_list;
      for (const auto& r : rules) {
        rule_list += fmt::format("#{} {} '{}' p{} c{} {}\n", r.id, r.match_kind, r.pattern,
                                 r.priority, r.community_id.value_or(0), r.enabled ? "" : "off");
      }
      CAPTURE(round, text, community.value_or(0), rule_list);
      REQUIRE(Show(Router::MatchTextIn(*snap, text, community)) ==
              Show(ScanMatch(rules, text, community)));
      // With a filter (the sender's roles): the first usable match, else the first match.
      const Router::RuleFilter usable = [](const storage::Rule& r) { return r.id % 3 != 0; };
      std::vector<storage::Rule> usable_rules;
      for (const auto& r : rules) {
        if (usable(r)) usable_rules.push_back(r);
      }
      auto expected = ScanMatch(usable_rules, text, community);
      if (!expected) expected = ScanMatch(rules, text, community);
      REQUIRE(Show(Router::MatchTextIn(*snap, text, community, usable)) == Show(expected));
    }
  }
}

TEST_CASE("Matching a huge text walks it once and finds the same rules", "[handlers]") {
  // A 1 MiB text used to cost a copy and a hash of every prefix. It needs no limit to be
  // fast now; the results are what the plain scan gives.
  std::vector<storage::Rule> rules = {
      TextRule(1, "prefix", "报修", 30),      TextRule(2, "contains", "aaaaab", 20),
      TextRule(3, "contains", "aab", 40),     TextRule(4, "exact", "报修", 10),
      TextRule(5, "prefix", "报修 aaa", 50),  TextRule(6, "regex", "^(a+)+$", 60),
      TextRule(7, "regex", "报修 (a+)b$", 5),
  };
  for (int i = 0; i < 500; ++i) {
    rules.push_back(TextRule(100 + i, "contains", fmt::format("话题{}号", i), 100));
    rules.push_back(TextRule(1000 + i, "prefix", fmt::format("查询{}", i), 100));
  }
  auto snap = Router::Compile(rules, 1);
  const std::string many(1 << 20, 'a');
  for (const std::string& text : {"报修 " + many, "报修 " + many + "b", many, many + "b"}) {
    CAPTURE(text.size());
    REQUIRE(Show(Router::MatchTextIn(*snap, text, std::nullopt)) ==
            Show(ScanMatch(rules, text, std::nullopt)));
  }
  CHECK(Target(snap, "报修 " + many) == "t1");
  CHECK(Target(snap, "报修 " + many + "b") == "t7");
  CHECK(Target(snap, many) == "t6");
  CHECK(Target(snap, many + "b") == "t2");
}

TEST_CASE("Regex rules run on RE2: no catastrophic backtracking, UTF-8 characters", "[handlers]") {
  auto snap =
      Router::Compile({TextRule(1, "regex", "^(a+)+$", 10), TextRule(2, "regex", "^(.)", 20),
                       TextRule(3, "regex", "(x+x+)+y", 30)},
                      1);
  // A backtracking engine takes 2^n steps on these; RE2 is linear in the text.
  const std::string as(35, 'a');
  auto m = Router::MatchTextIn(*snap, as, std::nullopt);
  REQUIRE(m);
  CHECK(m->rule.target == "t1");
  CHECK(m->args == as);  // the first group, as std::regex gave it
  CHECK(Target(snap, as + "!") == "t2");
  const std::string long_as(100000, 'a');
  CHECK(Target(snap, long_as) == "t1");
  CHECK(Target(snap, long_as + "!") == "t2");  // no match for 1, and no stack overflow
  const std::string xs(50000, 'x');
  snap = Router::Compile({TextRule(3, "regex", "(x+x+)+y", 30)}, 1);
  CHECK(Target(snap, xs) == "none");
  CHECK(Target(snap, xs + "y") == "t3");
  // '.' takes one character, not one byte of it.
  snap = Router::Compile({TextRule(2, "regex", "^(.)", 20)}, 1);
  CHECK(Router::MatchTextIn(*snap, "报修", std::nullopt)->args == "报");
}

TEST_CASE("A stored regex RE2 cannot compile never fires and does not stop the others",
          "[handlers]") {
  // Saved before the switch from std::regex: a backreference and a lookahead.
  auto opened = storage::Database::Open(":memory:");
  REQUIRE(opened.ok());
  auto& db = **opened;
  REQUIRE_OK(storage::Migrate(db));
  REQUIRE_OK(db.WithTransaction([&](storage::Tx& tx) -> Status {
    for (const storage::Rule& r :
         {TextRule(0, "regex", "^(ab)\\1", 1), TextRule(0, "regex", "^(?=ab)", 2),
          TextRule(0, "regex", "^ab(.*)", 3)}) {
      GEBI_RETURN_IF_ERROR(storage::InsertRule(tx, r, 1).status());
    }
    return Status::Ok();
  }));
  Router router;
  std::optional<RuleMatch> m;
  REQUIRE_OK(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(m, router.MatchText(tx, "abab", std::nullopt));
    return Status::Ok();
  }));
  REQUIRE(m);
  CHECK(m->rule.pattern == "^ab(.*)");
  CHECK(m->args == "ab");
  CHECK(m->why == "regex /^ab(.*)/");
}

}  // namespace
}  // namespace gebi::handlers
