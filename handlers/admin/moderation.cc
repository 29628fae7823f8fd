#include "handlers/admin/moderation.h"

#include <fmt/format.h>

#include "handlers/admin/rules.h"
#include "handlers/chat/moderation.h"
#include "handlers/normalize.h"
#include "storage/circle_store.h"
#include "storage/moderation_store.h"
#include "storage/org_store.h"

namespace gebi::handlers::admin {

namespace {

using nlohmann::json;

// A reason written in the console is a sentence, as in chat.
constexpr size_t kMaxReasonChars = 100;
// The tester takes what a chat message may carry.
constexpr size_t kMaxTryChars = 2000;
// A category's one-per-line text, whole: lines times the longest line, with room for breaks.
constexpr size_t kMaxFieldBytes = kMaxModerationLines * (kMaxModerationPatternBytes + 2);

json Opt(const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); }

Result<std::string> UnitName(storage::Tx& tx, const std::optional<int64_t>& id) {
  if (!id) return std::string();
  GEBI_ASSIGN_OR_RETURN(auto u, storage::GetUnit(tx, *id));
  return u ? u->name : std::string();
}

Result<std::string> CircleName(storage::Tx& tx, int64_t id) {
  if (id <= 0) return std::string();
  GEBI_ASSIGN_OR_RETURN(auto c, storage::GetCircleInfo(tx, id));
  return c ? c->name : std::string();
}

// The lines of a one-per-line field, checked: count, length, and (patterns) RE2.
Status CheckLines(const std::string& field, const std::string& text, bool regex) {
  if (text.size() > kMaxFieldBytes) return Status::InvalidArgument(field + ": 太长了");
  size_t count = 0, start = 0, line_no = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    while (!line.empty() && line.front() == ' ') line.erase(0, 1);
    if (line.empty()) continue;
    if (++count > kMaxModerationLines) {
      return Status::InvalidArgument(fmt::format("{}: 最多 {} 行", field, kMaxModerationLines));
    }
    if (line.size() > kMaxModerationPatternBytes) {
      return Status::InvalidArgument(fmt::format("{}: 第 {} 行太长（最多 {} 个字节）", field,
                                                 line_no, kMaxModerationPatternBytes));
    }
    if (regex) {
      if (auto why = RegexProblem(line)) {
        return Status::InvalidArgument(
            fmt::format("{}: 第 {} 行的正则表达式不正确：{}", field, line_no, *why));
      }
    } else if (Normalize(line).empty()) {
      return Status::InvalidArgument(fmt::format("{}: 第 {} 行不能只有空格", field, line_no));
    }
  }
  return Status::Ok();
}

json CategoryJson(const storage::ModerationCategory& c) {
  return {{"id", c.id},
          {"code", c.code},
          {"title", c.title},
          {"keywords", c.keywords},
          {"patterns", c.patterns},
          {"enabled", c.enabled},
          {"updated_at", c.updated_at}};
}

}  // namespace

Result<json> ModerationQueue(storage::Database& db, const Templates& texts,
                             const Principal& principal, const std::string& status, int limit) {
  std::string want = status.empty() ? "held" : status;
  if (want != "held" && want != "released" && want != "rejected" && want != "all") {
    return Status::InvalidArgument("status: 只能是待审核、已放行、已驳回或全部");
  }
  if (want == "all") want.clear();
  json items = json::array();
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto list,
                          storage::ListHeldItems(tx, principal.CommunityFilter(), want, limit));
    for (const auto& h : list) {
      GEBI_ASSIGN_OR_RETURN(std::string sender, DisplayName(tx, h.sender));
      GEBI_ASSIGN_OR_RETURN(std::string circle, CircleName(tx, h.circle_id));
      GEBI_ASSIGN_OR_RETURN(std::string community, UnitName(tx, h.community_id));
      std::string decided_by;
      if (!h.decided_by.empty()) {
        GEBI_ASSIGN_OR_RETURN(decided_by, DisplayName(tx, h.decided_by));
      }
      items.push_back({{"id", h.id},
                       {"kind", h.kind},
                       {"kind_label", RelayKindLabel(texts, h.kind)},
                       {"sender_name", sender},
                       {"circle", circle},
                       {"community", community},
                       {"rule", h.rule},
                       {"text", h.text},
                       {"status", h.status},
                       {"created_at", h.created_at},
                       {"decided_by_name", decided_by},
                       {"editable", h.status == "held" && principal.CanChange(h.community_id)}});
    }
    return Status::Ok();
  }));
  return json{{"items", items}};
}

Result<json> DecideHeldFromConsole(storage::Database& db, const Clock& clock, Pipeline& pipeline,
                                   const Principal& principal, int64_t id,
                                   const std::string& action, const std::string& reason) {
  if (action != "release" && action != "reject") {
    return Status::InvalidArgument("action: 只能是放行或驳回");
  }
  if (Utf8Chars(reason) > kMaxReasonChars) {
    return Status::InvalidArgument(fmt::format("reason: 请写 {} 个字以内", kMaxReasonChars));
  }
  const int64_t now = clock.NowSeconds();
  const std::string by = "admin:" + principal.name;
  json out;
  GEBI_RETURN_IF_ERROR(db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto h, storage::GetHeldItem(tx, id));
    if (!h) return Status::NotFound(fmt::format("没有第 {} 号待审核的内容", id));
    if (!principal.CanChange(h->community_id)) {
      return Status::PermissionDenied(fmt::format("第 {} 号不是您的社区的", id));
    }
    if (h->status != "held") {
      return Status::FailedPrecondition(fmt::format("第 {} 号已经处理过了", id));
    }
    GEBI_ASSIGN_OR_RETURN(auto texts, pipeline.TemplatesFor(tx, h->community_id));
    if (action == "release") {
      GEBI_ASSIGN_OR_RETURN(Delivered d, ReleaseHeld(tx, *texts, *h, by, now));
      out = {{"count", d.count}};
    } else {
      GEBI_ASSIGN_OR_RETURN(RejectOutcome o,
                            RejectHeld(tx, *texts, pipeline.settings(), *h, reason, by, now));
      out = {{"strikes", o.strikes}, {"muted_until", Opt(o.muted_until)}};
    }
    const json after{{"rule", h->rule},
                     {"decision", action == "release" ? "released" : "rejected"},
                     {"reason", reason}};
    return Audit(tx, principal, "moderation." + action, fmt::format("held:{}", id), h->community_id,
                 json{{"status", "held"}}.dump(), after.dump(), now);
  }));
  return out;
}

Result<json> ModerationCategories(storage::Database& db, const Principal& principal) {
  json list = json::array();
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto categories, storage::ListModerationCategories(tx));
    for (const auto& c : categories) list.push_back(CategoryJson(c));
    return Status::Ok();
  }));
  return json{{"categories", list},
              {"editable", principal.CanChange(std::nullopt)},
              {"max_lines", kMaxModerationLines},
              {"max_pattern_bytes", kMaxModerationPatternBytes}};
}

Status UpdateModerationCategory(storage::Database& db, const Clock& clock,
                                const Principal& principal, int64_t id, const json& fields) {
  if (!principal.CanChange(std::nullopt)) {
    return Status::PermissionDenied("审核规则全区通用，只有区级管理员可以修改");
  }
  if (!fields.is_object()) return Status::InvalidArgument("body: 请求内容的格式不对");
  for (const auto& [key, value] : fields.items()) {
    if (key == "enabled") {
      if (!value.is_boolean()) return Status::InvalidArgument("enabled: 要选是或否");
    } else if (key == "title" || key == "keywords" || key == "patterns") {
      if (!value.is_string()) return Status::InvalidArgument(key + ": 要填文字");
    } else {
      return Status::InvalidArgument(key + ": 不认识这一项");
    }
  }
  const int64_t now = clock.NowSeconds();
  return db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto c, storage::GetModerationCategory(tx, id));
    if (!c) return Status::NotFound(fmt::format("没有第 {} 类审核规则", id));
    storage::ModerationCategory next = *c;
    if (fields.contains("title")) next.title = fields["title"].get<std::string>();
    if (fields.contains("keywords")) next.keywords = fields["keywords"].get<std::string>();
    if (fields.contains("patterns")) next.patterns = fields["patterns"].get<std::string>();
    if (fields.contains("enabled")) next.enabled = fields["enabled"].get<bool>();
    const size_t title_chars = Utf8Chars(next.title);
    if (title_chars == 0 || title_chars > 20) {
      return Status::InvalidArgument("title: 要写 1 到 20 个字");
    }
    GEBI_RETURN_IF_ERROR(CheckLines("keywords", next.keywords, /*regex=*/false));
    GEBI_RETURN_IF_ERROR(CheckLines("patterns", next.patterns, /*regex=*/true));
    GEBI_ASSIGN_OR_RETURN(bool changed, storage::UpdateModerationCategory(tx, next, now));
    if (!changed) return Status::NotFound(fmt::format("没有第 {} 类审核规则", id));
    return Audit(tx, principal, "moderation.category", fmt::format("moderation_category:{}", id),
                 std::nullopt, CategoryJson(*c).dump(), CategoryJson(next).dump(), now);
  });
}

Result<json> TryModerationText(storage::Database& db, const std::string& text) {
  if (text.empty()) return Status::InvalidArgument("text: 请写一段要试的话");
  if (Utf8Chars(text) > kMaxTryChars) {
    return Status::InvalidArgument(fmt::format("text: 最多 {} 个字", kMaxTryChars));
  }
  std::vector<storage::ModerationCategory> categories;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(categories, storage::ListModerationCategories(tx));
    return Status::Ok();
  }));
  // Compiled and matched outside any transaction.
  const std::string normalized = Normalize(text);
  auto hit = MatchCategories(*CompileCategories(categories), normalized);
  json out = {{"hit", hit.has_value()}, {"contact", HasContactSignal(normalized)}};
  if (hit) {
    out["rule"] = hit->title;
    out["code"] = hit->code;
  }
  return out;
}

Result<json> ModerationViolations(storage::Database& db, const Principal& principal, int64_t now,
                                  int limit) {
  json strikes = json::array(), removals = json::array(), appeals = json::array();
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    const auto scope = principal.CommunityFilter();
    GEBI_ASSIGN_OR_RETURN(auto ss, storage::ListStrikes(tx, scope, limit));
    for (const auto& s : ss) {
      GEBI_ASSIGN_OR_RETURN(std::string name, DisplayName(tx, s.openid));
      GEBI_ASSIGN_OR_RETURN(std::string circle, CircleName(tx, s.circle_id));
      const bool muted = s.status == "active" && s.muted_until && *s.muted_until > now;
      strikes.push_back(
          {{"id", s.id},
           {"name", name},
           {"circle", circle},
           {"rule", s.rule},
           {"held_id", Opt(s.held_id)},
           {"status", s.status},
           {"muted_until", muted ? json(*s.muted_until) : json(nullptr)},
           {"created_at", s.created_at},
           {"editable", s.status == "active" && principal.CanChange(s.community_id)}});
    }
    GEBI_ASSIGN_OR_RETURN(auto rs, storage::ListRemovals(tx, scope, limit));
    for (const auto& r : rs) {
      std::string name = r.name;
      if (name.empty()) {
        GEBI_ASSIGN_OR_RETURN(name, DisplayName(tx, r.openid));
      }
      GEBI_ASSIGN_OR_RETURN(std::string by, DisplayName(tx, r.proposed_by));
      GEBI_ASSIGN_OR_RETURN(std::string circle, CircleName(tx, r.circle_id));
      std::string confirmed_by;
      if (!r.confirmed_by.empty()) {
        GEBI_ASSIGN_OR_RETURN(confirmed_by, DisplayName(tx, r.confirmed_by));
      }
      removals.push_back({{"id", r.id},
                          {"name", name},
                          {"circle", circle},
                          {"reason", r.reason},
                          {"proposed_by_name", by},
                          {"status", r.status},
                          {"confirmed_by_name", confirmed_by},
                          {"created_at", r.created_at}});
    }
    GEBI_ASSIGN_OR_RETURN(auto as, storage::ListAppeals(tx, scope, limit));
    for (const auto& a : as) {
      GEBI_ASSIGN_OR_RETURN(std::string name, DisplayName(tx, a.openid));
      appeals.push_back({{"id", a.id},
                         {"name", name},
                         {"held_id", Opt(a.held_id)},
                         {"removal_id", Opt(a.removal_id)},
                         {"reason", a.reason},
                         {"status", a.status},
                         {"created_at", a.created_at},
                         {"editable", a.status == "open" && principal.CanChange(a.community_id)}});
    }
    return Status::Ok();
  }));
  return json{{"strikes", strikes}, {"removals", removals}, {"appeals", appeals}};
}

Status LiftStrikeFromConsole(storage::Database& db, const Clock& clock, const Principal& principal,
                             int64_t id) {
  const int64_t now = clock.NowSeconds();
  return db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto s, storage::GetStrike(tx, id));
    if (!s) return Status::NotFound(fmt::format("没有第 {} 条违规记录", id));
    if (!principal.CanChange(s->community_id)) {
      return Status::PermissionDenied(fmt::format("第 {} 条违规记录不是您的社区的", id));
    }
    GEBI_ASSIGN_OR_RETURN(bool lifted, storage::LiftStrike(tx, id, "admin:" + principal.name, now));
    if (!lifted) return Status::FailedPrecondition(fmt::format("第 {} 条已经撤销过了", id));
    return Audit(tx, principal, "moderation.lift_strike", fmt::format("strike:{}", id),
                 s->community_id, json{{"status", "active"}, {"rule", s->rule}}.dump(),
                 json{{"status", "lifted"}, {"decision", "lifted"}}.dump(), now);
  });
}

Status CloseAppealFromConsole(storage::Database& db, const Clock& clock, const Principal& principal,
                              int64_t id) {
  const int64_t now = clock.NowSeconds();
  return db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto a, storage::GetAppeal(tx, id));
    if (!a) return Status::NotFound(fmt::format("没有第 {} 条申诉", id));
    if (!principal.CanChange(a->community_id)) {
      return Status::PermissionDenied(fmt::format("第 {} 条申诉不是您的社区的", id));
    }
    GEBI_ASSIGN_OR_RETURN(bool closed, storage::CloseAppeal(tx, id));
    if (!closed) return Status::FailedPrecondition(fmt::format("第 {} 条申诉已经处理过了", id));
    return Audit(tx, principal, "moderation.close_appeal", fmt::format("appeal:{}", id),
                 a->community_id, json{{"status", "open"}}.dump(),
                 json{{"status", "closed"}, {"decision", "handled"}}.dump(), now);
  });
}

}  // namespace gebi::handlers::admin
