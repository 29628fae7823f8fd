#include "handlers/admin/rules.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <set>

#include "handlers/admin/commands.h"
#include "handlers/admin/templates.h"
#include "handlers/dispatch.h"
#include "handlers/normalize.h"
#include "handlers/roles.h"
#include "handlers/router.h"
#include "handlers/texts/template_specs.h"
#include "storage/admin_store.h"

namespace gebi::handlers::admin {

using nlohmann::json;

namespace {

// obj[key] when it is a string, fallback when absent; a value of another type reads as "?"
// (which no caller accepts), so a wrong type is reported, never thrown.
std::string StringOr(const json& obj, const char* key, const char* fallback) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return fallback;
  return it->is_string() ? it->get<std::string>() : "?";
}

constexpr int64_t kMaxPriority = 100000;
constexpr size_t kMaxImportRules = 1000;  // the MP console allows 200; refuse absurd bodies

std::optional<int64_t> CommunityOf(const storage::Rule& r) { return r.community_id; }

const std::set<std::string>& RuleFields() {
  static const std::set<std::string> k = {"match_kind",  "pattern", "priority",     "enabled",
                                          "target_kind", "target",  "community_id", "note",
                                          "id",          "hits",    "updated_at",   "editable",
                                          "system",      "target_title", "confirm_shadow"};
  return k;
}

struct RoleName {
  const char* name;
  uint32_t bits;
};
constexpr RoleName kRoleNames[] = {
    {"resident", kResident},
    {"floor_leader", kResident | kFloorLeader},
    {"grid_worker", kResident | kGridWorker},
    {"volunteer", kResident | kVolunteer},
    {"community_staff", kResident | kCommunityStaff},
    {"street_staff", kResident | kStreetStaff},
    {"district_admin", kResident | kDistrictAdmin},
};

Status CheckScope(const Principal& p, std::optional<int64_t> community) {
  if (!p.CanChange(community)) {
    return Status::PermissionDenied(community ? fmt::format("无权修改社区 {} 的规则", *community)
                                              : "只有区级管理员能修改全区通用的规则");
  }
  return Status::Ok();
}

Status Record(storage::Tx& tx, const Principal& p, const std::string& action,
              const storage::Rule& rule, const std::string& before, int64_t now) {
  storage::RuleHistoryEntry h;
  h.rule_id = rule.id;
  h.action = action;
  h.snapshot = RuleToJson(rule).dump();
  h.account_name = p.name;
  h.created_at = now;
  GEBI_RETURN_IF_ERROR(storage::AppendRuleHistory(tx, h).status());
  return Audit(tx, p, "rule." + action, "rule:" + std::to_string(rule.id), CommunityOf(rule),
               before, action == "delete" ? "" : h.snapshot, now);
}

Result<storage::Rule> LoadRule(storage::Tx& tx, int64_t id) {
  GEBI_ASSIGN_OR_RETURN(auto rule, storage::GetRule(tx, id));
  if (!rule) return Status::NotFound(fmt::format("规则 {} 不存在", id));
  return *rule;
}

// Why RE2 refused a pattern, in words an admin can act on. RE2 has no backreferences and no
// lookaround: they are what makes a backtracking engine exponential, so they are refused here
// rather than emulated.
std::string RegexError(const RE2& re) {
  std::string why;
  switch (re.error_code()) {
    case RE2::ErrorBadEscape:
      why = "不支持的转义（不支持反向引用 \\1 和 \\u 写法）";
      break;
    case RE2::ErrorBadCharClass:
      why = "字符类写法不对";
      break;
    case RE2::ErrorBadCharRange:
      why = "字符范围写法不对";
      break;
    case RE2::ErrorMissingBracket:
      why = "缺少 ]";
      break;
    case RE2::ErrorMissingParen:
      why = "缺少 )";
      break;
    case RE2::ErrorUnexpectedParen:
      why = "多了 )";
      break;
    case RE2::ErrorTrailingBackslash:
      why = "结尾多了一个反斜杠";
      break;
    case RE2::ErrorRepeatArgument:
      why = "重复符号前面没有内容";
      break;
    case RE2::ErrorRepeatSize:
      why = "重复次数不对（最多 1000）";
      break;
    case RE2::ErrorRepeatOp:
      why = "重复符号用法不对";
      break;
    case RE2::ErrorBadPerlOp:
      why = "不支持的 (? 写法（不支持先行断言、后行断言）";
      break;
    case RE2::ErrorBadUTF8:
      why = "不是有效的 UTF-8 文字";
      break;
    case RE2::ErrorBadNamedCapture:
      why = "命名分组写法不对";
      break;
    case RE2::ErrorPatternTooLarge:
      why = "太复杂";
      break;
    default:
      why = "无法编译";
      break;
  }
  return re.error_arg().empty() ? why : fmt::format("{}：{}", why, re.error_arg());
}

// How a rule matches, as the console says it: 包含「灯」.
std::string HowItMatches(const storage::Rule& r) {
  std::string_view kind = r.match_kind == "exact"      ? "完全是"
                          : r.match_kind == "prefix"   ? "开头是"
                          : r.match_kind == "contains" ? "包含"
                          : r.match_kind == "regex"    ? "符合正则"
                                                       : "事件";
  return fmt::format("{}「{}」", kind, r.pattern);
}

std::string Describe(const storage::Rule& r) { return fmt::format("{}（{}号）", HowItMatches(r), r.id); }

// The optional "confirm_shadow" flag of a rule body: the admin saw which command the rule
// takes over and wants it anyway.
Result<bool> ShadowConfirmed(const json& fields) {
  if (!fields.is_object()) return false;
  auto it = fields.find("confirm_shadow");
  if (it == fields.end() || it->is_null()) return false;
  if (!it->is_boolean()) return Status::InvalidArgument("confirm_shadow: 只能是确认或不确认");
  return it->get<bool>();
}

// Refuses rule when it would answer a command's keyword or example in the command's place,
// unless confirmed.
Status CheckShadow(storage::Tx& tx, const storage::Rule& rule, bool confirmed) {
  if (confirmed) return Status::Ok();
  GEBI_ASSIGN_OR_RETURN(auto all, storage::ListRules(tx));
  if (auto s = FindShadowedCommand(all, rule)) {
    // "confirm_shadow: <command>: <why>": the console asks for that flag, naming the command.
    return Status::FailedPrecondition(fmt::format(
        "confirm_shadow: {}: 这条规则会抢走系统命令「{}」：居民发「{}」时会收到这条规则的回复，"
        "「{}」不再起作用。确实要这样，请勾选“我知道会抢走系统命令「{}」”后再保存。",
        s->title, s->title, s->text, s->title, s->title));
  }
  return Status::Ok();
}

}  // namespace

json RuleToJson(const storage::Rule& r) {
  json j = {{"id", r.id},
            {"match_kind", r.match_kind},
            {"pattern", r.pattern},
            {"priority", r.priority},
            {"enabled", r.enabled},
            {"target_kind", r.target_kind},
            {"target", r.target},
            {"community_id", nullptr},
            {"note", r.note},
            {"hits", r.hits},
            {"updated_at", r.updated_at}};
  if (r.community_id) j["community_id"] = *r.community_id;
  return j;
}

Result<storage::Rule> RuleFromJson(const json& j, const storage::Rule& base) {
  if (!j.is_object()) return Status::InvalidArgument("body: 请求内容的格式不对");
  storage::Rule r = base;
  for (const auto& [key, value] : j.items()) {
    if (!RuleFields().count(key)) return Status::InvalidArgument(key + ": 不认识这一项");
  }
  auto str = [&](const char* name, std::string& out) -> Status {
    auto it = j.find(name);
    if (it == j.end()) return Status::Ok();
    if (!it->is_string()) return Status::InvalidArgument(std::string(name) + ": 要填文字");
    out = it->get<std::string>();
    return Status::Ok();
  };
  GEBI_RETURN_IF_ERROR(str("match_kind", r.match_kind));
  GEBI_RETURN_IF_ERROR(str("pattern", r.pattern));
  GEBI_RETURN_IF_ERROR(str("target_kind", r.target_kind));
  GEBI_RETURN_IF_ERROR(str("target", r.target));
  GEBI_RETURN_IF_ERROR(str("note", r.note));
  if (auto it = j.find("priority"); it != j.end()) {
    if (!it->is_number_integer()) return Status::InvalidArgument("priority: 要填整数");
    r.priority = it->get<int64_t>();
  }
  if (auto it = j.find("enabled"); it != j.end()) {
    if (!it->is_boolean()) return Status::InvalidArgument("enabled: 只能是启用或停用");
    r.enabled = it->get<bool>();
  }
  if (auto it = j.find("community_id"); it != j.end()) {
    if (it->is_null()) {
      r.community_id.reset();
    } else if (it->is_number_integer()) {
      r.community_id = it->get<int64_t>();
    } else {
      return Status::InvalidArgument("community_id: 请从列表里选社区");
    }
  }
  return r;
}

std::optional<std::string> RegexProblem(const std::string& pattern) {
  // The router's options (handlers/router.cc): UTF-8, errors returned rather than printed.
  RE2::Options options;
  options.set_log_errors(false);
  RE2 re(pattern, options);
  if (re.ok()) return std::nullopt;
  return RegexError(re);
}

Status ValidateRule(const storage::Rule& r) {
  static const std::set<std::string> kKinds = {"exact", "prefix", "contains", "regex", "event"};
  if (!kKinds.count(r.match_kind)) {
    return Status::InvalidArgument("match_kind: 只能是完全匹配、开头匹配、包含、正则或事件");
  }
  if (r.pattern.empty()) return Status::InvalidArgument("pattern: 不能为空");
  if (r.pattern.size() > kMaxRulePatternBytes) return Status::InvalidArgument("pattern: 太长");
  if (r.match_kind != "regex" && Normalize(r.pattern).empty()) {
    return Status::InvalidArgument("pattern: 不能只有空格");
  }
  if (r.match_kind == "regex") {
    // The router's options (handlers/router.cc): UTF-8, errors returned rather than printed.
    if (auto why = RegexProblem(r.pattern)) {
      return Status::InvalidArgument("pattern: 正则表达式不正确：" + *why);
    }
  }
  if (r.match_kind == "event") {
    for (char c : r.pattern) {
      if (c >= 'A' && c <= 'Z') return Status::InvalidArgument("pattern: 事件名要用小写");
    }
  }
  if (r.priority < 0 || r.priority > kMaxPriority) {
    return Status::InvalidArgument("priority: 要在 0 到 100000 之间");
  }
  if (r.target_kind == "handler") {
    if (FindHandler(r.target) == nullptr) {
      return Status::InvalidArgument("target: 没有这个系统命令");
    }
  } else if (r.target_kind == "template") {
    bool found = false;
    for (const TemplateSpec& s : TemplateSpecs()) found = found || s.key == r.target;
    if (!found) return Status::InvalidArgument("target: 没有这个回复模板");
  } else if (r.target_kind == "text") {
    if (r.target.empty()) return Status::InvalidArgument("target: 回复内容不能为空");
    if (r.target.size() > kMaxRuleTextBytes) {
      return Status::InvalidArgument("target: 回复太长（微信最多 2048 字节）");
    }
  } else {
    return Status::InvalidArgument("target_kind: 只能是文字回复、回复模板或系统命令");
  }
  if (r.community_id && *r.community_id <= 0) {
    return Status::InvalidArgument("community_id: 请从列表里选社区");
  }
  if (r.note.size() > 500) return Status::InvalidArgument("note: 太长");
  return Status::Ok();
}

std::vector<RuleWarning> AnalyzeRules(const std::vector<storage::Rule>& rules) {
  std::vector<RuleWarning> out;
  auto snap = Router::Compile(rules, 0);
  std::vector<const storage::Rule*> enabled;
  for (const auto& r : rules) {
    if (r.enabled) enabled.push_back(&r);
  }
  // Duplicates: same kind and normalised pattern in the same scope.
  std::map<std::tuple<std::string, std::string, int64_t>, const storage::Rule*> seen;
  std::vector<const storage::Rule*> sorted = enabled;
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
    return a->priority != b->priority ? a->priority < b->priority : a->id < b->id;
  });
  for (const storage::Rule* r : sorted) {
    std::string p = r->match_kind == "regex" ? r->pattern : Normalize(r->pattern);
    auto key = std::make_tuple(r->match_kind, p, r->community_id.value_or(0));
    auto [it, inserted] = seen.emplace(key, r);
    if (!inserted) {
      out.push_back(
          {r->id, "duplicate", it->second->id,
           fmt::format("和规则 {} 的关键词相同，这条永远不会触发", Describe(*it->second))});
      continue;
    }
    if (r->match_kind == "event" || r->match_kind == "regex") continue;
    // Shadowed: the rule's own keyword, sent from its scope, is answered by another rule.
    auto m = Router::MatchTextIn(*snap, p, r->community_id);
    if (m && m->rule.id != r->id) {
      // A community's own rule answering before a shared one is the point of community rules.
      if (!r->community_id && m->rule.community_id) continue;
      std::string what = r->match_kind == "exact" ? "这条永远不会触发" : "发送关键词本身时不会触发";
      out.push_back({r->id, "shadowed", m->rule.id,
                     fmt::format("被规则 {} 抢先，{}", Describe(m->rule), what)});
    }
  }
  for (const storage::Rule* r : enabled) {
    if (!ValidateRule(*r).ok()) {
      out.push_back({r->id, "invalid_target", 0, ValidateRule(*r).message()});
    }
  }
  return out;
}

Result<std::vector<storage::Rule>> ListRules(storage::Database& db, const Principal& principal) {
  std::vector<storage::Rule> out;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto rules, storage::ListRules(tx));
    for (auto& r : rules) {
      // Shared rules answer in every community: a community admin sees them (read-only).
      if (!r.community_id || principal.CanSee(r.community_id)) out.push_back(std::move(r));
    }
    return Status::Ok();
  }));
  return out;
}

Result<storage::Rule> GetRule(storage::Database& db, const Principal& principal, int64_t id) {
  storage::Rule out;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(out, LoadRule(tx, id));
    return Status::Ok();
  }));
  if (out.community_id && !principal.CanSee(out.community_id)) {
    return Status::PermissionDenied(fmt::format("无权查看规则 {}", id));
  }
  return out;
}

Result<storage::Rule> CreateRule(storage::Database& db, const Clock& clock,
                                 const Principal& principal, const json& fields) {
  storage::Rule base;
  base.match_kind = "exact";
  base.target_kind = "text";
  if (auto c = principal.CommunityFilter()) base.community_id = *c;
  GEBI_ASSIGN_OR_RETURN(storage::Rule rule, RuleFromJson(fields, base));
  GEBI_ASSIGN_OR_RETURN(const bool confirmed, ShadowConfirmed(fields));
  rule.id = 0;
  rule.hits = 0;
  GEBI_RETURN_IF_ERROR(ValidateRule(rule));
  GEBI_RETURN_IF_ERROR(CheckScope(principal, rule.community_id));
  const int64_t now = clock.NowSeconds();
  GEBI_RETURN_IF_ERROR(db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_RETURN_IF_ERROR(CheckShadow(tx, rule, confirmed));
    GEBI_ASSIGN_OR_RETURN(rule.id, storage::InsertRule(tx, rule, now));
    rule.updated_at = now;
    return Record(tx, principal, "create", rule, "", now);
  }));
  return rule;
}

Result<storage::Rule> UpdateRule(storage::Database& db, const Clock& clock,
                                 const Principal& principal, int64_t id, const json& fields) {
  storage::Rule updated;
  const int64_t now = clock.NowSeconds();
  GEBI_RETURN_IF_ERROR(db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(storage::Rule old, LoadRule(tx, id));
    if (old.community_id && !principal.CanSee(old.community_id)) {
      return Status::PermissionDenied(fmt::format("无权查看规则 {}", id));
    }
    GEBI_RETURN_IF_ERROR(CheckScope(principal, old.community_id));
    GEBI_ASSIGN_OR_RETURN(updated, RuleFromJson(fields, old));
    GEBI_ASSIGN_OR_RETURN(const bool confirmed, ShadowConfirmed(fields));
    updated.id = id;
    updated.hits = old.hits;
    if (IsSystemRule(old)) {
      storage::Rule only_enabled = old;
      only_enabled.enabled = updated.enabled;
      if (RuleToJson(only_enabled) != RuleToJson(updated)) {
        return Status::FailedPrecondition(fmt::format(
            "「{}」是系统命令「{}」的关键词，只能停用或启用；要让别的话也触发它，请添加一条规则",
            old.pattern, CommandTitle(old.target)));
      }
    }
    GEBI_RETURN_IF_ERROR(ValidateRule(updated));
    GEBI_RETURN_IF_ERROR(CheckScope(principal, updated.community_id));
    GEBI_RETURN_IF_ERROR(CheckShadow(tx, updated, confirmed));
    GEBI_RETURN_IF_ERROR(storage::UpdateRule(tx, updated, now));
    updated.updated_at = now;
    return Record(tx, principal, "update", updated, RuleToJson(old).dump(), now);
  }));
  return updated;
}

Status DeleteRule(storage::Database& db, const Clock& clock, const Principal& principal,
                  int64_t id) {
  const int64_t now = clock.NowSeconds();
  return db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(storage::Rule old, LoadRule(tx, id));
    if (old.community_id && !principal.CanSee(old.community_id)) {
      return Status::PermissionDenied(fmt::format("无权查看规则 {}", id));
    }
    GEBI_RETURN_IF_ERROR(CheckScope(principal, old.community_id));
    if (IsSystemRule(old)) {
      return Status::FailedPrecondition(fmt::format(
          "「{}」是系统命令「{}」的关键词，不能删除；不想用可以停用", old.pattern,
          CommandTitle(old.target)));
    }
    GEBI_RETURN_IF_ERROR(storage::DeleteRule(tx, id));
    return Record(tx, principal, "delete", old, RuleToJson(old).dump(), now);
  });
}

Result<std::vector<storage::RuleHistoryEntry>> RuleHistory(storage::Database& db,
                                                           const Principal& principal, int64_t id) {
  std::vector<storage::RuleHistoryEntry> out;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(out, storage::ListRuleHistory(tx, id));
    return Status::Ok();
  }));
  if (out.empty()) {
    // No history: the rule may be a seeded one; it must exist and be visible.
    GEBI_ASSIGN_OR_RETURN(storage::Rule r, GetRule(db, principal, id));
    (void)r;
    return out;
  }
  // Visible when any snapshot is in scope (a rule may have moved between scopes).
  for (const auto& h : out) {
    json j = json::parse(h.snapshot, nullptr, false);
    std::optional<int64_t> c;
    if (j.is_object() && j.contains("community_id") && j["community_id"].is_number_integer()) {
      c = j["community_id"].get<int64_t>();
    }
    if (!c || principal.CanSee(c)) return out;
  }
  return Status::PermissionDenied(fmt::format("无权查看规则 {}", id));
}

Result<std::vector<DeletedRule>> ListDeletedRules(storage::Database& db,
                                                  const Principal& principal, int limit) {
  std::vector<storage::RuleHistoryEntry> entries;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(entries, storage::ListDeletedRules(tx, limit));
    return Status::Ok();
  }));
  std::vector<DeletedRule> out;
  for (const auto& e : entries) {
    json snap = json::parse(e.snapshot, nullptr, false);
    if (!snap.is_object()) continue;
    snap.erase("hits");
    snap.erase("updated_at");
    snap.erase("id");
    auto rule = RuleFromJson(snap, storage::Rule{});
    if (!rule.ok()) continue;
    rule->id = e.rule_id;
    if (rule->community_id && !principal.CanSee(rule->community_id)) continue;
    out.push_back({e.id, std::move(*rule), e.account_name, e.created_at});
  }
  return out;
}

Result<storage::Rule> RollbackRule(storage::Database& db, const Clock& clock,
                                   const Principal& principal, int64_t id, int64_t history_id) {
  storage::Rule restored;
  const int64_t now = clock.NowSeconds();
  GEBI_RETURN_IF_ERROR(db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto entry, storage::GetRuleHistoryEntry(tx, history_id));
    if (!entry || entry->rule_id != id) {
      return Status::NotFound(fmt::format("规则 {} 没有历史版本 {}", id, history_id));
    }
    json snap = json::parse(entry->snapshot, nullptr, false);
    if (!snap.is_object()) return Status::Corruption("rule history snapshot is not JSON");
    snap.erase("hits");
    snap.erase("updated_at");
    snap.erase("id");
    GEBI_ASSIGN_OR_RETURN(auto current, storage::GetRule(tx, id));
    storage::Rule base = current ? *current : storage::Rule{};
    GEBI_ASSIGN_OR_RETURN(restored, RuleFromJson(snap, base));
    restored.id = id;
    GEBI_RETURN_IF_ERROR(ValidateRule(restored));
    GEBI_RETURN_IF_ERROR(CheckScope(principal, restored.community_id));
    std::string before;
    if (current) {
      GEBI_RETURN_IF_ERROR(CheckScope(principal, current->community_id));
      before = RuleToJson(*current).dump();
      GEBI_RETURN_IF_ERROR(storage::UpdateRule(tx, restored, now));
    } else {
      restored.hits = 0;
      GEBI_RETURN_IF_ERROR(storage::RestoreRule(tx, restored, now));
    }
    restored.updated_at = now;
    return Record(tx, principal, "rollback", restored, before, now);
  }));
  return restored;
}

Result<DryRunResult> DryRun(storage::Database& db, const Templates& templates,
                            const Principal& principal, const std::string& text,
                            const std::string& role, std::optional<int64_t> community) {
  uint32_t roles = 0;
  for (const RoleName& r : kRoleNames) {
    if (role == r.name) roles = r.bits;
  }
  if (roles == 0) {
    return Status::InvalidArgument(
        "role: 请从列表里选发送人身份");
  }
  if (text.empty()) return Status::InvalidArgument("text: 不能为空");
  // The tester compiles and scans every enabled rule: its text is capped before that work,
  // like a message's (server.max_text_chars defaults to 2,000 characters, ~6 KiB).
  if (text.size() > kMaxDryRunTextBytes) {
    return Status::InvalidArgument("text: 太长（最多 2000 个字）");
  }
  if (!community) community = principal.CommunityFilter();
  if (community && !principal.CanSee(community)) {
    return Status::PermissionDenied(fmt::format("无权查看社区 {}", *community));
  }
  std::vector<storage::Rule> rules;
  std::map<std::string, std::string, std::less<>> overrides;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(rules, storage::ListRules(tx));
    return Status::Ok();
  }));
  GEBI_ASSIGN_OR_RETURN(auto views, ListTemplates(db, templates, principal, community));
  for (const auto& v : views) overrides[v.key] = v.effective;
  Templates effective = templates.WithOverrides(overrides);

  DryRunResult out;
  out.normalized = Normalize(text);
  auto snap = Router::Compile(rules, 0);
  auto match = Router::MatchTextIn(*snap, out.normalized, community);
  // Every enabled rule that matches on its own, in the order the router would try them.
  for (const storage::Rule& r : rules) {
    if (!r.enabled) continue;
    auto one = Router::Compile({r}, 0);
    if (auto m = Router::MatchTextIn(*one, out.normalized, community)) {
      out.candidates.push_back({r, HowItMatches(r), match && match->rule.id == r.id});
    }
  }
  std::stable_sort(out.candidates.begin(), out.candidates.end(), [](const auto& a, const auto& b) {
    return a.rule.priority != b.rule.priority ? a.rule.priority < b.rule.priority
                                              : a.rule.id < b.rule.id;
  });
  if (!match) {
    out.route = "default";
    out.why = "没有规则匹配，回复默认内容";
    out.reply = effective.Render("default");
    return out;
  }
  out.rule = match->rule;
  out.why = fmt::format("规则「{}」（{}号，{}，优先级 {}）", match->rule.pattern, match->rule.id,
                        HowItMatches(match->rule), match->rule.priority);
  if (out.candidates.size() > 1) {
    out.why += fmt::format("；另有 {} 条规则也匹配，但优先级靠后", out.candidates.size() - 1);
  }
  if (match->rule.target_kind == "text") {
    out.route = "text";
    out.reply = match->rule.target;
  } else if (match->rule.target_kind == "template") {
    out.route = "template:" + match->rule.target;
    out.reply = effective.Render(match->rule.target);
  } else {
    out.route = "handler:" + match->rule.target;
    const HandlerRow* row = FindHandler(match->rule.target);
    if (row == nullptr) {
      out.reply = "（这个系统命令不存在，会回复“系统忙”）";
    } else if ((row->roles & roles) == 0) {
      out.allowed = false;
      out.reply = effective.Render("not_allowed", {{"command", out.normalized}});
    } else {
      std::string usage = row->help_key.empty() ? "" : effective.Render(row->help_key);
      out.reply = fmt::format("由系统命令「{}」回答{}{}", CommandTitle(row->name),
                              match->args.empty() ? "" : "，参数「" + match->args + "」",
                              usage.empty() ? "" : "（" + usage + "）");
    }
  }
  return out;
}

Result<ImportReport> ImportMpRules(storage::Database& db, const Clock& clock,
                                   const Principal& principal, const json& body, bool dry_run) {
  if (!body.is_object()) return Status::InvalidArgument("body: 请求内容的格式不对");
  ImportReport report;
  std::optional<int64_t> community = principal.CommunityFilter();
  const json* list = nullptr;
  if (auto it = body.find("keyword_autoreply_info"); it != body.end()) {
    if (!it->is_object()) {
      return Status::InvalidArgument("keyword_autoreply_info: 格式不对");
    }
    if (auto l = it->find("list"); l != it->end()) {
      if (!l->is_array())
        return Status::InvalidArgument("keyword_autoreply_info.list: 格式不对");
      list = &*l;
    }
  }
  if (list != nullptr && list->size() > kMaxImportRules) {
    return Status::InvalidArgument("keyword_autoreply_info.list: 规则太多");
  }
  auto text_of = [](const json& reply_list, std::string* out) -> std::string {
    // Returns why it cannot be imported, or "" and the joined text.
    if (!reply_list.is_array() || reply_list.empty()) return "没有回复内容";
    for (const json& r : reply_list) {
      if (!r.is_object() || !r.contains("type") || !r["type"].is_string()) return "回复格式不对";
      std::string type = r["type"].get<std::string>();
      if (type != "text") return "回复类型「" + type + "」（图文、图片、语音、视频）暂不能导入";
      if (!r.contains("content") || !r["content"].is_string()) return "回复没有文字";
      if (!out->empty()) *out += "\n\n";
      *out += r["content"].get<std::string>();
    }
    return "";
  };
  std::vector<storage::Rule> rules;
  if (list != nullptr) {
    for (size_t i = 0; i < list->size(); ++i) {
      const json& item = (*list)[i];
      std::string name = fmt::format("第 {} 条", i + 1);
      if (!item.is_object()) {
        report.skipped.push_back(name + ": 格式不对");
        continue;
      }
      if (item.contains("rule_name") && item["rule_name"].is_string()) {
        name = item["rule_name"].get<std::string>();
      }
      std::string text;
      std::string why = text_of(item.value("reply_list_info", json()), &text);
      // reply_all sends every reply; random_one picks one: we send the first.
      if (why.empty() && StringOr(item, "reply_mode", "") == "random_one") {
        text = text.substr(0, text.find("\n\n"));
      }
      if (!why.empty()) {
        report.skipped.push_back(name + ": " + why);
        continue;
      }
      const json kws = item.value("keyword_list_info", json::array());
      if (!kws.is_array() || kws.empty()) {
        report.skipped.push_back(name + ": 没有关键词");
        continue;
      }
      for (const json& kw : kws) {
        if (!kw.is_object() || !kw.contains("content") || !kw["content"].is_string()) {
          report.skipped.push_back(name + ": 关键词格式不对");
          continue;
        }
        std::string mode = StringOr(kw, "match_mode", "equal");
        storage::Rule r;
        r.match_kind = mode == "contain" ? "contains" : "exact";
        if (mode != "contain" && mode != "equal") {
          report.skipped.push_back(name + ": 未知匹配方式「" + mode + "」");
          continue;
        }
        r.pattern = kw["content"].get<std::string>();
        r.priority = 200;  // after the commands (10-100): a keyword must not hide 帮助
        r.target_kind = "text";
        r.target = text;
        r.community_id = community;
        r.note = "公众平台导入：" + name;
        Status s = ValidateRule(r);
        if (!s.ok()) {
          report.skipped.push_back(name + "「" + r.pattern + "」: " + s.message());
          continue;
        }
        rules.push_back(std::move(r));
      }
    }
  }
  std::vector<std::pair<std::string, std::string>> texts;
  auto special = [&](const char* field, const char* key, const char* open_flag) {
    auto it = body.find(field);
    if (it == body.end()) return;
    if (open_flag != nullptr && body.contains(open_flag) && (*body.find(open_flag)) == 0) {
      report.skipped.push_back(std::string(field) + ": 公众平台里是关闭的");
      return;
    }
    std::string text;
    std::string why = text_of(json::array({*it}), &text);
    if (!why.empty()) {
      report.skipped.push_back(std::string(field) + ": " + why);
      return;
    }
    Status s = Templates::Check(key, text);
    if (!s.ok()) {
      report.skipped.push_back(std::string(field) + ": " + s.message());
      return;
    }
    texts.emplace_back(key, text);
  };
  special("add_friend_autoreply_info", "welcome", "is_add_friend_reply_open");
  special("message_default_autoreply_info", "default", "is_autoreply_open");
  if (!rules.empty() || !texts.empty()) GEBI_RETURN_IF_ERROR(CheckScope(principal, community));
  if (dry_run) {
    report.rules = std::move(rules);
    for (const auto& [k, t] : texts) report.templates.push_back(k);
    return report;
  }
  const int64_t now = clock.NowSeconds();
  GEBI_RETURN_IF_ERROR(db.WithTransaction([&](storage::Tx& tx) -> Status {
    for (storage::Rule& r : rules) {
      GEBI_ASSIGN_OR_RETURN(r.id, storage::InsertRule(tx, r, now));
      r.updated_at = now;
      GEBI_RETURN_IF_ERROR(Record(tx, principal, "import", r, "", now));
    }
    for (const auto& [k, t] : texts) {
      GEBI_RETURN_IF_ERROR(SetTemplateText(tx, principal, community, k, t, now));
    }
    return Status::Ok();
  }));
  report.rules = std::move(rules);
  for (const auto& [k, t] : texts) report.templates.push_back(k);
  return report;
}

}  // namespace gebi::handlers::admin
