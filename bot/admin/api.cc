#include "bot/admin/api.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bot/admin/charts.h"
#include "bot/admin/json.h"
#include "bot/push/qr_poster.h"
#include "handlers/admin/care.h"
#include "handlers/admin/circles.h"
#include "handlers/admin/commands.h"
#include "handlers/admin/lookback.h"
#include "handlers/admin/moderation.h"
#include "handlers/admin/ladder.h"
#include "handlers/admin/ops.h"
#include "handlers/admin/parking.h"
#include "handlers/admin/rules.h"
#include "handlers/admin/stats.h"
#include "handlers/admin/suggestions.h"
#include "handlers/admin/template_titles.h"
#include "handlers/admin/templates.h"
#include "handlers/chat/circles.h"
#include "handlers/dispatch.h"
#include "handlers/texts/template_specs.h"
#include "storage/admin_query.h"
#include "storage/admin_store.h"
#include "storage/org_store.h"
#include "storage/outbox.h"
#include "storage/qr_store.h"
#include "storage/ticket_store.h"

namespace gebi::bot {

using nlohmann::json;

struct AdminApi::Call {
  const httplib::Request& req;
  httplib::Response& res;
  handlers::admin::Principal who;
  json body;
  std::string ip;

  void Json(int status, const json& j) {
    res.status = status;
    res.set_content(j.dump(), "application/json; charset=utf-8");
  }
  void Ok(const json& j) { Json(200, j); }
  // Maps a Status to its HTTP answer: {"error": message[, "field": name]}; a refusal that a
  // flag in the body overrides ("confirm_shadow: <command>: <why>") is a 409 with
  // {"error": why, "confirm": flag, "command": command}.
  void Fail(const Status& s) {
    json j = {{"error", s.message()}};
    int status = 500;
    switch (s.code()) {
      case Status::Code::kInvalidArgument: {
        status = 400;
        auto colon = s.message().find(": ");
        if (colon != std::string::npos && colon < 48) {
          j["field"] = s.message().substr(0, colon);
          j["field_label"] = FieldLabel(s.message().substr(0, colon));
          j["error"] = s.message().substr(colon + 2);
        }
        break;
      }
      case Status::Code::kUnauthenticated:
        status = 401;
        break;
      case Status::Code::kPermissionDenied:
        status = 403;
        break;
      case Status::Code::kNotFound:
        status = 404;
        break;
      case Status::Code::kAlreadyExists:
        status = 409;
        break;
      case Status::Code::kFailedPrecondition: {
        status = 409;
        constexpr std::string_view kConfirm = "confirm_shadow: ";
        const std::string& m = s.message();
        auto second = m.find(": ", kConfirm.size());
        if (m.rfind(kConfirm, 0) == 0 && second != std::string::npos) {
          j["confirm"] = "confirm_shadow";
          j["command"] = m.substr(kConfirm.size(), second - kConfirm.size());
          j["error"] = m.substr(second + 2);
        }
        break;
      }
      case Status::Code::kResourceExhausted:
        status = 429;
        break;
      case Status::Code::kBusy:
      case Status::Code::kAborted:
        spdlog::warn("admin {} {}: {}", req.method, req.path, s.ToString());
        status = 503;
        res.set_header("Retry-After", "1");
        j["error"] = "系统正忙，请稍后再试";
        break;
      default:
        spdlog::error("admin {} {}: {}", req.method, req.path, s.ToString());
        j["error"] = "服务器出错了，请稍后再试";
    }
    Json(status, j);
  }
  // The n-th regex group of the path as a positive id; 0 when it is not one.
  int64_t Id(size_t n) const {
    if (req.matches.size() <= n) return 0;
    std::string s = req.matches[n].str();
    if (s.empty() || s.size() > 15) return 0;
    int64_t v = 0;
    for (char ch : s) {
      if (ch < '0' || ch > '9') return 0;
      v = v * 10 + (ch - '0');
    }
    return v;
  }
  // Optional integer query parameter: nullopt when absent or "" / "all"; InvalidArgument when
  // present and not an integer.
  Result<std::optional<int64_t>> QueryInt(const char* name) const {
    if (!req.has_param(name)) return std::optional<int64_t>();
    std::string v = req.get_param_value(name);
    if (v.empty() || v == "all") return std::optional<int64_t>();
    try {
      size_t used = 0;
      int64_t n = std::stoll(v, &used);
      if (used != v.size()) throw std::invalid_argument(v);
      return std::optional<int64_t>(n);
    } catch (const std::exception&) {
      return Status::InvalidArgument(std::string(name) + ": 要填整数");
    }
  }
  // A string member of the body; InvalidArgument naming it when missing or not a string.
  Result<std::string> Str(const char* name, bool required = true) const {
    auto it = body.find(name);
    if (it == body.end() || it->is_null()) {
      if (required) return Status::InvalidArgument(std::string(name) + ": 必填");
      return std::string();
    }
    if (!it->is_string()) return Status::InvalidArgument(std::string(name) + ": 要填文字");
    return it->get<std::string>();
  }
  // An optional community_id member (null / absent = nullopt).
  Result<std::optional<int64_t>> Community() const {
    auto it = body.find("community_id");
    if (it == body.end() || it->is_null()) return std::optional<int64_t>();
    if (!it->is_number_integer()) {
      return Status::InvalidArgument("community_id: 请从列表里选社区");
    }
    return std::optional<int64_t>(it->get<int64_t>());
  }
  // The numbers for the query's community_id (all in scope when absent) over its days
  // (default 30). InvalidArgument naming a parameter that is not an integer.
  Result<handlers::admin::Numbers> Numbers(App& app) const {
    GEBI_ASSIGN_OR_RETURN(auto community, QueryInt("community_id"));
    GEBI_ASSIGN_OR_RETURN(auto days, QueryInt("days"));
    return handlers::admin::ComputeNumbers(
        app.db(), who, community, static_cast<int>(days.value_or(30)), app.clock().NowSeconds());
  }
};

namespace {

// Content Security Policy of the console: nothing but our own files, no inline script.
constexpr const char* kCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
constexpr int kMaxListLimit = 500;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string CookieValue(const httplib::Request& req, std::string_view name) {
  std::string header = req.get_header_value("Cookie");
  std::string_view rest = header;
  while (!rest.empty()) {
    size_t semi = rest.find(';');
    std::string_view part = rest.substr(0, semi);
    rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name &&
        part[name.size()] == '=') {
      return std::string(part.substr(name.size() + 1));
    }
  }
  return "";
}

// A valid IPv4 or IPv6 address in plain form: what a proxy's header may name as the client.
bool IsIpAddress(const std::string& s) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

bool IsTrusted(const std::vector<std::string>& proxies, std::string_view address) {
  return std::find(proxies.begin(), proxies.end(), address) != proxies.end();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The client's address: the peer's, unless the peer is one of our proxies. Then the proxy
// says who its client was: X-Forwarded-For read from the right (each proxy appends the
// address it saw, so entries left of the last untrusted one may be made up by the client),
// else X-Real-IP. A header naming no valid address leaves the peer's, so a client cannot
// mint throttling keys at will.
std::string ClientAddress(const httplib::Request& req, const std::vector<std::string>& proxies) {
  if (!IsTrusted(proxies, req.remote_addr)) return req.remote_addr;
  const std::string forwarded = req.get_header_value("X-Forwarded-For");
  std::string_view rest = forwarded;
  while (!rest.empty()) {
    size_t comma = rest.rfind(',');
    std::string_view entry = Trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    if (IsTrusted(proxies, entry)) continue;
    std::string candidate(entry);
    return IsIpAddress(candidate) ? candidate : req.remote_addr;
  }
  std::string real_ip(Trim(req.get_header_value("X-Real-IP")));
  if (IsIpAddress(real_ip)) return real_ip;
  return req.remote_addr;
}

void SecurityHeaders(httplib::Response& res) {
  res.set_header("Content-Security-Policy", kCsp);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Cache-Control", "no-store");
}

}  // namespace

AdminApi::AdminApi(App& app) : app_(app) {
  const auto& a = app.config().admin;
  auth_.session_idle_seconds = int64_t{a.session_idle_minutes} * 60;
  auth_.session_max_seconds = int64_t{a.session_max_hours} * 3600;
  auth_.max_account_failures = a.login_max_failures;
  auth_.max_ip_failures = a.login_ip_max_failures;
  auth_.failure_window_seconds = int64_t{a.login_window_minutes} * 60;
  auth_.max_concurrent_hashes = a.max_concurrent_hashes;
  const std::string dir = app.config().paths.templates + "/admin/";
  index_html_ = ReadFile(dir + "index.html");
  app_js_ = ReadFile(dir + "app.js");
  app_css_ = ReadFile(dir + "app.css");
  if (index_html_.empty() || app_js_.empty() || app_css_.empty()) {
    spdlog::warn("admin console files missing in {}; /admin/ answers 503", dir);
  }
}

void AdminApi::Add(httplib::Server& server, const char* method, const std::string& pattern, Fn fn,
                   bool write, bool auth, bool initial) {
  auto handler = [this, fn, write, auth, initial](const httplib::Request& req,
                                                  httplib::Response& res) {
    auto start = std::chrono::steady_clock::now();
    Call call{req, res, {}, json(), ClientAddress(req, app_.config().admin.trusted_proxies)};
    res.set_header("Cache-Control", "no-store");
    res.set_header("X-Content-Type-Options", "nosniff");
    [&] {
      if (auth) {
        auto who = handlers::admin::Authenticate(app_.db(), app_.clock(), auth_,
                                                 CookieValue(req, kAdminCookie), call.ip);
        if (!who.ok()) return call.Fail(who.status());
        call.who = std::move(who).value();
        // Whoever saw a handed-out password (the command line printed it) could use it too:
        // nothing but choosing a new one until the person has.
        if (call.who.must_change_password && !initial) {
          return call.Json(403, {{"error", "请先修改初始密码"}, {"field", "password"}});
        }
      }
      if (write) {
        if (auth && !handlers::admin::SecretEquals(req.get_header_value("X-CSRF-Token"),
                                                   call.who.csrf_token)) {
          return call.Fail(
              Status::PermissionDenied("CSRF token missing or wrong; reload the page"));
        }
        if (!req.body.empty() || req.method != "DELETE") {
          std::string type = req.get_header_value("Content-Type");
          if (type.rfind("application/json", 0) != 0) {
            return call.Fail(
                Status::InvalidArgument("body: 请求内容要用 JSON 格式"));
          }
          call.body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
          if (call.body.is_discarded()) {
            return call.Fail(Status::InvalidArgument("body: 请求内容的格式不对"));
          }
        }
      }
      // The last net: a JSON value of the wrong type deep inside a handler is the caller's
      // mistake (400), anything else a bug (500, logged); neither may reach httplib.
      try {
        (this->*fn)(call);
      } catch (const nlohmann::json::exception& e) {
        spdlog::warn("admin {} {}: JSON: {}", req.method, req.path, e.what());
        call.Fail(Status::InvalidArgument("body: 请求内容的格式不对"));
      } catch (const std::exception& e) {
        call.Fail(Status::Internal(e.what()));
      }
    }();
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
    spdlog::info("admin {} {} {} account={} us={}", req.method, req.path, res.status,
                 call.who.name.empty() ? "-" : call.who.name, us);
  };
  std::string m = method;
  if (m == "GET") server.Get(pattern, handler);
  if (m == "POST") server.Post(pattern, handler);
  if (m == "PUT") server.Put(pattern, handler);
  if (m == "DELETE") server.Delete(pattern, handler);
}

void AdminApi::Mount(httplib::Server& server) {
  const std::string p = kAdminApiPrefix;
  Add(server, "POST", p + "/login", &AdminApi::Login, /*write=*/true, /*auth=*/false);
  Add(server, "POST", p + "/logout", &AdminApi::Logout, true, true, /*initial=*/true);
  Add(server, "GET", p + "/me", &AdminApi::Me, false, true, /*initial=*/true);
  Add(server, "POST", p + "/me/password", &AdminApi::ChangePassword, true, true,
      /*initial=*/true);
  Add(server, "GET", p + "/rules", &AdminApi::ListRules, false);
  Add(server, "POST", p + "/rules", &AdminApi::CreateRule, true);
  Add(server, "POST", p + "/rules/dry-run", &AdminApi::DryRun, true);
  Add(server, "POST", p + "/rules/import", &AdminApi::ImportRules, true);
  Add(server, "GET", p + "/rules/deleted", &AdminApi::DeletedRules, false);
  Add(server, "GET", p + R"(/rules/(\d+))", &AdminApi::GetRule, false);
  Add(server, "PUT", p + R"(/rules/(\d+))", &AdminApi::UpdateRule, true);
  Add(server, "DELETE", p + R"(/rules/(\d+))", &AdminApi::DeleteRule, true);
  Add(server, "GET", p + R"(/rules/(\d+)/history)", &AdminApi::RuleHistory, false);
  Add(server, "POST", p + R"(/rules/(\d+)/rollback)", &AdminApi::RollbackRule, true);
  Add(server, "GET", p + "/templates", &AdminApi::ListTemplates, false);
  Add(server, "POST", p + "/templates/preview", &AdminApi::PreviewTemplate, true);
  Add(server, "PUT", p + R"(/templates/([A-Za-z0-9_.]+))", &AdminApi::SetTemplate, true);
  Add(server, "DELETE", p + R"(/templates/([A-Za-z0-9_.]+))", &AdminApi::ResetTemplate, true);
  Add(server, "GET", p + "/audit", &AdminApi::ListAudit, false);
  Add(server, "GET", p + "/joins", &AdminApi::ListJoins, false);
  Add(server, "POST", p + R"(/joins/(\d+)/(approve|reject))", &AdminApi::DecideJoin, true);
  Add(server, "GET", p + "/tickets", &AdminApi::ListTickets, false);
  Add(server, "GET", p + R"(/tickets/(\d+))", &AdminApi::GetTicket, false);
  Add(server, "POST", p + R"(/tickets/(\d+)/action)", &AdminApi::TicketAction, true);
  Add(server, "GET", p + R"(/tickets/(\d+)/assignees)", &AdminApi::TicketAssignees, false);
  Add(server, "GET", p + R"(/tickets/(\d+)/photos/(\d+))", &AdminApi::TicketPhoto, false);
  Add(server, "GET", p + "/volunteers", &AdminApi::ListVolunteers, false);
  Add(server, "POST", p + "/volunteers/vetting", &AdminApi::VetVolunteer, true);
  Add(server, "GET", p + "/residents", &AdminApi::ListResidents, false);
  Add(server, "GET", p + "/units", &AdminApi::ListUnits, false);
  Add(server, "GET", p + "/notices", &AdminApi::Notices, false);
  Add(server, "GET", p + "/outbox/dead", &AdminApi::ListDeadLetters, false);
  Add(server, "POST", p + R"(/outbox/(\d+)/retry)", &AdminApi::RetryDeadLetter, true);
  Add(server, "GET", p + "/stats", &AdminApi::Stats, false);
  Add(server, "GET", p + "/stats.csv", &AdminApi::StatsCsv, false);
  Add(server, "GET", p + "/stats/messages.csv", &AdminApi::MessagesCsv, false);
  Add(server, "GET", p + R"(/stats/(messages|tickets)\.svg)", &AdminApi::StatsChart, false);
  Add(server, "GET", p + "/suggestions", &AdminApi::ListSuggestions, false);
  Add(server, "GET", p + "/suggestions/numbers", &AdminApi::SuggestionNumbers, false);
  Add(server, "POST", p + R"(/suggestions/(\d+)/answer)", &AdminApi::AnswerSuggestion, true);
  Add(server, "GET", p + "/parking", &AdminApi::Parking, false);
  Add(server, "POST", p + R"(/parking/plates/(\d+)/confirm)", &AdminApi::ConfirmPlate, true);
  Add(server, "POST", p + "/parking/spot-sharing", &AdminApi::SpotSharing, true);
  Add(server, "GET", p + "/lookback", &AdminApi::SearchRecord, false);
  Add(server, "GET", p + "/lookback/conversation", &AdminApi::Conversation, false);
  Add(server, "GET", p + "/lookback/conversation.csv", &AdminApi::ConversationCsv, false);
  Add(server, "GET", p + "/ladder", &AdminApi::LadderBoard, false);
  Add(server, "POST", p + "/ladder/deadlines", &AdminApi::LadderDeadline, true);
  Add(server, "GET", p + "/apikeys", &AdminApi::ListApiKeys, false);
  Add(server, "POST", p + "/apikeys", &AdminApi::AddApiKey, true);
  Add(server, "POST", p + "/apikeys/revoke", &AdminApi::RevokeApiKey, true);
  // Circles, notices with receipts and recruitments (S6).
  Add(server, "GET", p + "/circles", &AdminApi::ListCircles, false);
  Add(server, "PUT", p + R"(/circles/(\d+))", &AdminApi::UpdateCircle, true);
  Add(server, "POST", p + R"(/circles/(\d+)/managers)", &AdminApi::SetCircleManager, true);
  Add(server, "GET", p + R"(/circles/(\d+)/poster\.svg)", &AdminApi::CirclePoster, false);
  Add(server, "GET", p + "/circle-notices", &AdminApi::ListCircleNotices, false);
  Add(server, "POST", p + R"(/circle-notices/(\d+)/remind)", &AdminApi::RemindCircleNotice, true);
  Add(server, "POST", p + R"(/circle-notices/(\d+)/withdraw)", &AdminApi::WithdrawCircleNotice,
      true);
  Add(server, "GET", p + "/recruitments", &AdminApi::ListRecruitments, false);
  Add(server, "GET", p + "/stats/circle-notices", &AdminApi::CircleNoticeNumbers, false);
  // Elderly-care relays (S7).
  Add(server, "GET", p + "/care", &AdminApi::CarePage, false);
  Add(server, "POST", p + "/care/elders", &AdminApi::AddCareElder, true);
  Add(server, "POST", p + R"(/care/elders/(\d+)/volunteers)", &AdminApi::SetCareVolunteer, true);
  Add(server, "POST", p + R"(/care/requests/(\d+))", &AdminApi::DecideCareFamily, true);
  Add(server, "GET", p + "/stats/care", &AdminApi::CareNumbers, false);
  // Moderation (S10).
  Add(server, "GET", p + "/moderation/queue", &AdminApi::ModerationQueue, false);
  Add(server, "POST", p + R"(/moderation/held/(\d+)/(release|reject))", &AdminApi::DecideHeld,
      true);
  Add(server, "GET", p + "/moderation/categories", &AdminApi::ModerationCategories, false);
  Add(server, "PUT", p + R"(/moderation/categories/(\d+))", &AdminApi::UpdateModerationCategory,
      true);
  Add(server, "POST", p + "/moderation/try", &AdminApi::TryModerationText, true);
  Add(server, "GET", p + "/moderation/violations", &AdminApi::ModerationViolations, false);
  Add(server, "POST", p + R"(/moderation/strikes/(\d+)/lift)", &AdminApi::LiftStrike, true);
  Add(server, "POST", p + R"(/moderation/appeals/(\d+)/close)", &AdminApi::CloseAppeal, true);

  // Anything else under the prefix is a JSON 404, not httplib's empty one.
  auto not_found = [](const httplib::Request&, httplib::Response& res) {
    res.status = 404;
    res.set_content(R"({"error":"no such API endpoint"})", "application/json");
  };
  server.Get(p + "/.*", not_found);
  server.Post(p + "/.*", not_found);
  server.Put(p + "/.*", not_found);
  server.Delete(p + "/.*", not_found);

  auto file = [](const std::string* content, const char* type) {
    return [content, type](const httplib::Request&, httplib::Response& res) {
      SecurityHeaders(res);
      if (content->empty()) {
        res.status = 503;
        res.set_content("admin console files are missing (templates/admin)", "text/plain");
        return;
      }
      res.set_content(*content, type);
    };
  };
  server.Get("/admin", [](const httplib::Request&, httplib::Response& res) {
    res.set_redirect(kAdminConsolePath);
  });
  server.Get(kAdminConsolePath, file(&index_html_, "text/html; charset=utf-8"));
  server.Get("/admin/app.js", file(&app_js_, "text/javascript; charset=utf-8"));
  server.Get("/admin/app.css", file(&app_css_, "text/css; charset=utf-8"));
}

void AdminApi::Login(Call& c) {
  auto name = c.Str("name");
  if (!name.ok()) return c.Fail(name.status());
  auto password = c.Str("password");
  if (!password.ok()) return c.Fail(password.status());
  int64_t retry_after = 0;
  auto r =
      handlers::admin::Login(app_.db(), app_.clock(), auth_, *name, *password, c.ip, &retry_after);
  if (!r.ok()) {
    if (retry_after > 0) c.res.set_header("Retry-After", std::to_string(retry_after));
    return c.Fail(r.status());
  }
  c.who = r->principal;
  std::string cookie =
      fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}", kAdminCookie, r->token,
                  auth_.session_max_seconds, app_.config().admin.cookie_secure ? "; Secure" : "");
  c.res.set_header("Set-Cookie", cookie);
  c.Ok({{"account", AccountJson(r->principal)},
        {"csrf_token", r->principal.csrf_token},
        {"must_change_password", r->principal.must_change_password}});
}

void AdminApi::Logout(Call& c) {
  Status s = handlers::admin::Logout(app_.db(), c.who);
  if (!s.ok()) return c.Fail(s);
  c.res.set_header("Set-Cookie",
                   fmt::format("{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0", kAdminCookie));
  c.Ok({{"ok", true}});
}

void AdminApi::Me(Call& c) {
  c.Ok({{"account", AccountJson(c.who)},
        {"csrf_token", c.who.csrf_token},
        {"must_change_password", c.who.must_change_password}});
}

void AdminApi::ChangePassword(Call& c) {
  auto old_pw = c.Str("old_password");
  if (!old_pw.ok()) return c.Fail(old_pw.status());
  auto new_pw = c.Str("new_password");
  if (!new_pw.ok()) return c.Fail(new_pw.status());
  Status s =
      handlers::admin::ChangePassword(app_.db(), app_.clock(), auth_, c.who, *old_pw, *new_pw);
  if (!s.ok()) return c.Fail(s);
  c.Ok({{"ok", true}, {"relogin", true}});
}

void AdminApi::ListRules(Call& c) {
  auto rules = handlers::admin::ListRules(app_.db(), c.who);
  if (!rules.ok()) return c.Fail(rules.status());
  json list = json::array();
  for (const auto& r : *rules) list.push_back(RuleJson(r, c.who));
  json warnings = json::array();
  for (const auto& w : handlers::admin::AnalyzeRules(*rules)) {
    warnings.push_back({{"rule_id", w.rule_id},
                        {"kind", w.kind},
                        {"other_rule_id", w.other_rule_id},
                        {"message", w.message}});
  }
  json handlers_list = json::array();
  for (const auto* row : handlers::HandlerTable()) {
    if (row->name.find('.') == std::string_view::npos && !row->keywords.empty()) {
      handlers_list.push_back(
          {{"name", row->name}, {"title", handlers::admin::CommandTitle(row->name)}});
    }
  }
  json commands = json::array();
  for (const auto* row : handlers::HandlerTable()) {
    if (row->keywords.empty()) continue;
    const auto* info = handlers::admin::FindCommand(row->name);
    json examples = json::array();
    if (info != nullptr) {
      for (auto e : info->examples) examples.push_back(e);
    }
    commands.push_back({{"handler", row->name},
                        {"title", handlers::admin::CommandTitle(row->name)},
                        {"description", info != nullptr ? info->description : ""},
                        {"examples", examples}});
  }
  json template_keys = json::array();
  for (const auto& spec : handlers::TemplateSpecs()) template_keys.push_back(spec.key);
  c.Ok({{"rules", list},
        {"warnings", warnings},
        {"handlers", handlers_list},
        {"commands", commands},
        {"templates", template_keys}});
}

void AdminApi::GetRule(Call& c) {
  auto r = handlers::admin::GetRule(app_.db(), c.who, c.Id(1));
  if (!r.ok()) return c.Fail(r.status());
  c.Ok(RuleJson(*r, c.who));
}

void AdminApi::CreateRule(Call& c) {
  auto r = handlers::admin::CreateRule(app_.db(), app_.clock(), c.who, c.body);
  if (!r.ok()) return c.Fail(r.status());
  c.Json(201, RuleJson(*r, c.who));
}

void AdminApi::UpdateRule(Call& c) {
  auto r = handlers::admin::UpdateRule(app_.db(), app_.clock(), c.who, c.Id(1), c.body);
  if (!r.ok()) return c.Fail(r.status());
  c.Ok(RuleJson(*r, c.who));
}

void AdminApi::DeleteRule(Call& c) {
  Status s = handlers::admin::DeleteRule(app_.db(), app_.clock(), c.who, c.Id(1));
  if (!s.ok()) return c.Fail(s);
  c.Ok({{"ok", true}});
}

void AdminApi::RuleHistory(Call& c) {
  auto h = handlers::admin::RuleHistory(app_.db(), c.who, c.Id(1));
  if (!h.ok()) return c.Fail(h.status());
  json list = json::array();
  for (const auto& e : *h) {
    list.push_back({{"id", e.id},
                    {"action", e.action},
                    {"rule", json::parse(e.snapshot, nullptr, false)},
                    {"account", e.account_name},
                    {"created_at", e.created_at}});
  }
  c.Ok({{"history", list}});
}

void AdminApi::DeletedRules(Call& c) {
  auto rows = handlers::admin::ListDeletedRules(app_.db(), c.who, kMaxListLimit);
  if (!rows.ok()) return c.Fail(rows.status());
  json list = json::array();
  for (const auto& d : *rows) {
    list.push_back({{"history_id", d.history_id},
                    {"rule", RuleJson(d.rule, c.who)},
                    {"deleted_by", d.deleted_by},
                    {"deleted_at", d.deleted_at}});
  }
  c.Ok({{"deleted", list}});
}

void AdminApi::RollbackRule(Call& c) {
  auto it = c.body.find("history_id");
  if (it == c.body.end() || !it->is_number_integer()) {
    return c.Fail(Status::InvalidArgument("history_id: 请选择一个历史版本"));
  }
  auto r =
      handlers::admin::RollbackRule(app_.db(), app_.clock(), c.who, c.Id(1), it->get<int64_t>());
  if (!r.ok()) return c.Fail(r.status());
  c.Ok(RuleJson(*r, c.who));
}

void AdminApi::DryRun(Call& c) {
  auto text = c.Str("text");
  if (!text.ok()) return c.Fail(text.status());
  auto role = c.Str("role", false);
  if (!role.ok()) return c.Fail(role.status());
  auto community = c.Community();
  if (!community.ok()) return c.Fail(community.status());
  auto r = handlers::admin::DryRun(app_.db(), app_.templates(), c.who, *text,
                                   role->empty() ? "resident" : *role, *community);
  if (!r.ok()) return c.Fail(r.status());
  json candidates = json::array();
  for (const auto& cand : r->candidates) {
    candidates.push_back({{"rule", handlers::admin::RuleToJson(cand.rule)},
                          {"why", cand.why},
                          {"winner", cand.winner}});
  }
  c.Ok({{"normalized", r->normalized},
        {"rule", r->rule ? handlers::admin::RuleToJson(*r->rule) : json(nullptr)},
        {"why", r->why},
        {"route", r->route},
        {"allowed", r->allowed},
        {"reply", r->reply},
        {"candidates", candidates}});
}

void AdminApi::ImportRules(Call& c) {
  bool dry_run = c.req.has_param("dry_run") && c.req.get_param_value("dry_run") != "0";
  auto r = handlers::admin::ImportMpRules(app_.db(), app_.clock(), c.who, c.body, dry_run);
  if (!r.ok()) return c.Fail(r.status());
  json rules = json::array();
  for (const auto& rule : r->rules) rules.push_back(RuleJson(rule, c.who));
  c.Ok({{"dry_run", dry_run},
        {"rules", rules},
        {"templates", r->templates},
        {"skipped", r->skipped}});
}

void AdminApi::ListTemplates(Call& c) {
  auto community = c.QueryInt("community_id");
  if (!community.ok()) return c.Fail(community.status());
  std::optional<int64_t> scope = *community ? *community : c.who.CommunityFilter();
  auto views = handlers::admin::ListTemplates(app_.db(), app_.templates(), c.who, scope);
  if (!views.ok()) return c.Fail(views.status());
  json list = json::array();
  for (const auto& v : *views) {
    json labels = json::array();
    for (const auto& ph : v.placeholders) labels.push_back(handlers::admin::PlaceholderLabel(ph));
    auto example = handlers::admin::PreviewTemplate(v.key, v.effective);
    list.push_back(
        {{"key", v.key},
         {"title", handlers::admin::TemplateTitle(v.key)},
         {"group", handlers::admin::TemplateGroup(v.key)},
         {"example", example.ok() ? *example : v.effective},
         {"placeholders", v.placeholders},
         {"placeholder_labels", labels},
         {"base", v.base},
         {"all_override", v.all_override ? json(*v.all_override) : json(nullptr)},
         {"community_override", v.community_override ? json(*v.community_override) : json(nullptr)},
         {"effective", v.effective}});
  }
  c.Ok({{"community_id", scope ? json(*scope) : json(nullptr)},
        {"editable", c.who.CanChange(scope)},
        {"templates", list}});
}

void AdminApi::SetTemplate(Call& c) {
  auto text = c.Str("text");
  if (!text.ok()) return c.Fail(text.status());
  auto community = c.Community();
  if (!community.ok()) return c.Fail(community.status());
  Status s = handlers::admin::SetTemplateText(app_.db(), app_.clock(), c.who, *community,
                                              c.req.matches[1].str(), *text);
  if (!s.ok()) return c.Fail(s);
  c.Ok({{"ok", true}});
}

void AdminApi::ResetTemplate(Call& c) {
  auto community = c.QueryInt("community_id");
  if (!community.ok()) return c.Fail(community.status());
  Status s = handlers::admin::ResetTemplateText(app_.db(), app_.clock(), c.who, *community,
                                                c.req.matches[1].str());
  if (!s.ok()) return c.Fail(s);
  c.Ok({{"ok", true}});
}

void AdminApi::PreviewTemplate(Call& c) {
  auto key = c.Str("key");
  if (!key.ok()) return c.Fail(key.status());
  auto text = c.Str("text");
  if (!text.ok()) return c.Fail(text.status());
  auto r = handlers::admin::PreviewTemplate(*key, *text);
  if (!r.ok()) return c.Fail(r.status());
  c.Ok({{"preview", *r}});
}

void AdminApi::ListAudit(Call& c) {
  auto limit = c.QueryInt("limit");
  if (!limit.ok()) return c.Fail(limit.status());
  int n = static_cast<int>(std::clamp<int64_t>(limit->value_or(100), 1, kMaxListLimit));
  std::vector<storage::AuditEntry> rows;
  Status s = app_.db().WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(rows, storage::ListAudit(tx, c.who.CommunityFilter(), n));
    return Status::Ok();
  });
  if (!s.ok()) return c.Fail(s);
  json list = json::array();
  for (const auto& e : rows) {
    list.push_back({{"id", e.id},
                    {"account", e.account_name},
                    {"community_id", e.community_id ? json(*e.community_id) : json(nullptr)},
                    {"action", e.action},
                    {"object", e.object},
                    {"before", e.before},
                    {"after", e.after},
                    {"ip", e.ip},
                    {"created_at", e.created_at}});
  }
  c.Ok({{"audit", list}});
}

void AdminApi::ListJoins(Call& c) {
  std::string status = c.req.has_param("status") ? c.req.get_param_value("status") : "pending";
  auto rows =
      handlers::admin::ListJoins(app_.db(), c.who, status == "all" ? "" : status, kMaxListLimit);
  if (!rows.ok()) return c.Fail(rows.status());
  json list = json::array();
  for (const auto& r : *rows) {
    const auto& j = r.request;
    list.push_back({{"id", j.id},
                    {"openid", j.openid},
                    {"name", j.name},
                    {"building", j.building},
                    {"room", j.room},
                    {"phone", j.phone},
                    {"status", j.status},
                    {"reason", j.reason},
                    {"decided_by", j.decided_by},
                    {"created_at", j.created_at},
                    {"decided_at", j.decided_at ? json(*j.decided_at) : json(nullptr)},
                    {"grid_id", j.grid_id},
                    {"grid", r.grid_name},
                    {"community_id", r.community_id},
                    {"community", r.community_name}});
  }
  c.Ok({{"joins", list}});
}

void AdminApi::DecideJoin(Call& c) {
  const bool approve = c.req.matches[2].str() == "approve";
  auto reason = c.Str("reason", /*required=*/false);
  if (!reason.ok()) return c.Fail(reason.status());
  Status s = handlers::admin::DecideJoin(app_.db(), app_.clock(), app_.pipeline(), c.who, c.Id(1),
                                         approve, *reason);
  if (!s.ok()) return c.Fail(s);
  c.Ok({{"ok", true}, {"status", approve ? "approved" : "rejected"}});
}

void AdminApi::ListTickets(Call& c) {
  storage::TicketFilter f;
  auto community = c.QueryInt("community_id");
  if (!community.ok()) return c.Fail(community.status());
  auto grid = c.QueryInt("grid_id");
  if (!grid.ok()) return c.Fail(grid.status());
  f.community = *community;
  f.grid = *grid;
  f.status = c.req.has_param("status") ? c.req.get_param_value("status") : "";
  if (f.status == "all") f.status = "";
  f.category = c.req.has_param("category") ? c.req.get_param_value("category") : "";
  f.level = c.req.has_param("level") ? c.req.get_param_value("level") : "";
  if (f.level == "all") f.level = "";
  f.limit = kMaxListLimit;
  auto rows = handlers::admin::ListTickets(app_.db(), c.who, f);
  if (!rows.ok()) return c.Fail(rows.status());
  const int64_t now = app_.clock().NowSeconds();
  handlers::admin::SortForBoard(*rows, now);
  json list = json::array();
  for (const auto& r : *rows) {
    json j = TicketJson(r);
    j["overdue"] = handlers::admin::IsOverdue(r.ticket, now);
    list.push_back(j);
  }
  json categories = json::array();
  Status s = app_.db().WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto cats, storage::ListRepairCategories(tx));
    for (const auto& cat : cats) categories.push_back({{"name", cat.name}, {"label", cat.label}});
    return Status::Ok();
  });
  if (!s.ok()) return c.Fail(s);
  c.Ok({{"tickets", list}, {"categories", categories}});
}

void AdminApi::GetTicket(Call& c) {
  auto d = handlers::admin::GetTicketDetail(app_.db(), c.who, c.Id(1));
  if (!d.ok()) return c.Fail(d.status());
  json timeline = json::array();
  for (size_t i = 0; i < d->timeline.size(); ++i) {
    const auto& e = d->timeline[i];
    timeline.push_back({{"at", e.at},
                        {"actor", e.actor},
                        {"actor_name", i < d->actor_names.size() ? d->actor_names[i] : ""},
                        {"action", e.action},
                        {"from", e.from_status},
                        {"to", e.to_status},
                        {"note", e.note}});
  }
  json media = json::array();
  for (const auto& m : d->media) {
    media.push_back({{"id", m.id},
                     {"kind", m.kind},
                     {"pic_url", m.pic_url},
                     {"label", m.label},
                     {"fetched", m.local_path.has_value()}});
  }
  json j = TicketJson(d->row);
  j["overdue"] = handlers::admin::IsOverdue(d->row.ticket, app_.clock().NowSeconds());
  j["timeline"] = timeline;
  j["media"] = media;
  c.Ok(j);
}

void AdminApi::ListVolunteers(Call& c) {
  auto community = c.QueryInt("community_id");
  if (!community.ok()) return c.Fail(community.status());
  auto rows = handlers::admin::ListVolunteers(app_.db(), c.who, *community, kMaxListLimit);
  if (!rows.ok()) return c.Fail(rows.status());
  json list = json::array();
  for (const auto& v : *rows) {
    list.push_back({{"openid", v.volunteer.openid},
                    {"community_id", v.volunteer.community_id},
                    {"community", v.volunteer.community_name},
                    {"availability", v.volunteer.availability},
                    {"active", v.volunteer.active},
                    {"skills", v.volunteer.skills},
                    {"name", v.volunteer.name},
                    {"phone", v.volunteer.phone},
                    {"vetted", v.volunteer.vetted_at.has_value()},
                    {"vetted_at", v.volunteer.vetted_at ? json(*v.volunteer.vetted_at) : json(nullptr)},
                    {"joined_at", v.volunteer.joined_at},
                    {"claimed", v.counts.claimed},
                    {"completed", v.counts.completed},
                    {"likes", v.counts.likes},
                    {"good_ratings", v.counts.good_ratings}});
  }
  c.Ok({{"volunteers", list}});
}

void AdminApi::TicketAction(Call& c) {
  handlers::admin::TicketAction a;
  auto action = c.Str("action");
  if (!action.ok()) return c.Fail(action.status());
  auto assignee = c.Str("assignee", false);
  if (!assignee.ok()) return c.Fail(assignee.status());
  auto note = c.Str("message", false);  // what the resident is told
  if (!note.ok()) return c.Fail(note.status());
  a.action = *action;
  a.assignee = *assignee;
  a.note = *note;
  Status s = handlers::admin::ActOnTicket(app_.db(), app_.clock(), app_.pipeline(), c.who,
                                          c.Id(1), a);
  if (!s.ok()) return c.Fail(s);
  c.Ok({{"ok", true}});
}

void AdminApi::TicketAssignees(Call& c) {
  auto rows = handlers::admin::ListAssignees(app_.db(), c.who, c.Id(1));
  if (!rows.ok()) return c.Fail(rows.status());
  json list = json::array();
  for (const auto& a : *rows) {
    list.push_back({{"openid", a.openid},
                    {"name", a.name},
                    {"kind", a.kind},
                    {"vetted", a.vetted},
                    {"skills", a.skills}});
  }
  c.Ok({{"assignees", list}});
}

void AdminApi::TicketPhoto(Call& c) {
  auto d = handlers::admin::GetTicketDetail(app_.db(), c.who, c.Id(1));
  if (!d.ok()) return c.Fail(d.status());
  const int64_t mid = c.Id(2);
  for (const auto& m : d->media) {
    if (m.id != mid || m.kind != "image" || !m.local_path) continue;
    // The outbox worker names files media/<2 hex>/<sha256>.<ext> under the data dir; anything
    // else in the column is not served.
    const std::string& rel = *m.local_path;
    if (rel.rfind("media/", 0) != 0 || rel.find("..") != std::string::npos) break;
    std::string bytes = ReadFile(app_.config().storage.data_dir + "/" + rel);
    if (bytes.empty()) break;
    std::string type = "image/jpeg";
    if (rel.size() > 4 && rel.compare(rel.size() - 4, 4, ".png") == 0) type = "image/png";
    if (rel.size() > 4 && rel.compare(rel.size() - 4, 4, ".gif") == 0) type = "image/gif";
    c.res.set_header("Content-Security-Policy", "default-src 'none'");
    c.res.set_content(bytes, type);
    return;
  }
  c.Fail(Status::NotFound("照片还没有下载下来"));
}

void AdminApi::VetVolunteer(Call& c) {
  auto openid = c.Str("openid");
  if (!openid.ok()) return c.Fail(openid.status());
  auto it = c.body.find("vetted");
  if (it == c.body.end() || !it->is_boolean()) {
    return c.Fail(Status::InvalidArgument("vetted: 只能是认证或取消认证"));
  }
  Status s = handlers::admin::SetVolunteerVetted(app_.db(), app_.clock(), c.who, *openid,
                                                 it->get<bool>());
  if (!s.ok()) return c.Fail(s);
  c.Ok({{"ok", true}});
}

void AdminApi::ListResidents(Call& c) {
  std::string q = c.req.has_param("q") ? c.req.get_param_value("q") : "";
  auto rows = handlers::admin::ListResidents(app_.db(), c.who, q, kMaxListLimit);
  if (!rows.ok()) return c.Fail(rows.status());
  json list = json::array();
  for (const auto& r : *rows) {
    list.push_back({{"openid", r.openid},
                    {"name", r.name},
                    {"building", r.building},
                    {"room", r.room},
                    {"phone", r.phone},
                    {"elderly_alone", r.elderly_alone},
                    {"joined_at", r.joined_at},
                    {"grid_id", r.grid_id},
                    {"grid", r.grid_name},
                    {"community_id", r.community_id},
                    {"community", r.community_name}});
  }
  c.Ok({{"residents", list}});
}

void AdminApi::ListUnits(Call& c) {
  auto rows = handlers::admin::ListUnits(app_.db(), c.who);
  if (!rows.ok()) return c.Fail(rows.status());
  json list = json::array();
  for (const auto& u : *rows) {
    list.push_back(
        {{"id", u.id}, {"kind", u.kind}, {"name", u.name}, {"community_id", u.community_id}});
  }
  c.Ok({{"units", list}});
}

void AdminApi::Notices(Call& c) {
  // Counts per status: the whole outbox for a district account; a community account sees
  // only its dead letters (a recipient's community is resolved per row, as for the list).
  json counts = json::object();
  if (c.who.IsDistrict()) {
    for (const char* status : {"pending", "sending", "sent", "inbox", "dead"}) counts[status] = 0;
    Status s = app_.db().WithRead([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(auto rows, storage::CountOutboxByStatus(tx));
      for (const auto& [status, n] : rows) counts[status] = n;
      return Status::Ok();
    });
    if (!s.ok()) return c.Fail(s);
  }
  auto dead = handlers::admin::ListDeadLetters(app_.db(), c.who, kMaxListLimit);
  if (!dead.ok()) return c.Fail(dead.status());
  if (!c.who.IsDistrict()) counts["dead"] = dead->size();
  // Why pushes cannot leave at all, in words the office can act on.
  json problems = json::array();
  if (app_.config().wechat.appsecret.empty()) {
    problems.push_back(
        "还没有填写公众号的 AppSecret（开发者密码），所有通知都发不出去。请技术人员按部署说明"
        "在服务器上填好 AppSecret 后重启服务。");
  } else {
    auto blocked = app_.tokens().BlockedUntil();
    if (blocked.ok() && *blocked > app_.clock().NowSeconds()) {
      problems.push_back(
          "微信拒绝发放接口凭证（AppSecret 不对，或服务器 IP 不在公众平台的白名单里），通知暂停"
          "发送。请在公众平台“设置与开发 → 基本配置”检查 AppSecret 和 IP 白名单。");
    }
  }
  json list = json::array();
  for (const auto& d : *dead) {
    json payload = json::parse(d.item.payload, nullptr, false);
    std::string name;
    (void)app_.db().WithRead([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(name, storage::PersonName(tx, d.item.recipient));
      return Status::Ok();
    });
    list.push_back({{"id", d.item.id},
                    {"recipient_name", name},
                    {"kind", d.item.kind},
                    {"text", payload.is_object() ? payload.value("text", "") : ""},
                    {"attempts", d.item.attempts},
                    {"last_error", d.item.last_error},
                    {"created_at", d.item.created_at}});
  }
  c.Ok({{"counts", counts}, {"problems", problems}, {"dead", list}});
}

void AdminApi::ListDeadLetters(Call& c) {
  auto rows = handlers::admin::ListDeadLetters(app_.db(), c.who, kMaxListLimit);
  if (!rows.ok()) return c.Fail(rows.status());
  json list = json::array();
  for (const auto& d : *rows) {
    json payload = json::parse(d.item.payload, nullptr, false);
    list.push_back({{"id", d.item.id},
                    {"recipient", d.item.recipient},
                    {"kind", d.item.kind},
                    {"text", payload.is_object() ? payload.value("text", "") : ""},
                    {"attempts", d.item.attempts},
                    {"last_error", d.item.last_error},
                    {"created_at", d.item.created_at},
                    {"community_id", d.community ? json(*d.community) : json(nullptr)}});
  }
  c.Ok({{"dead", list}});
}

void AdminApi::RetryDeadLetter(Call& c) {
  Status s = handlers::admin::RetryDeadLetter(app_.db(), app_.clock(), c.who, c.Id(1));
  if (!s.ok()) return c.Fail(s);
  c.Ok({{"ok", true}});
}

void AdminApi::Stats(Call& c) {
  auto n = c.Numbers(app_);
  if (!n.ok()) return c.Fail(n.status());
  json per_day = json::array();
  for (const auto& d : n->messages_per_day) per_day.push_back({{"day", d.day}, {"count", d.count}});
  json units = json::array();
  for (const auto& u : n->units) {
    auto opt = [](const auto& v) { return v ? json(*v) : json(nullptr); };
    units.push_back({{"unit_id", u.unit_id},
                     {"kind", u.kind},
                     {"name", u.name},
                     {"community_id", u.community_id},
                     {"tickets_opened", u.tickets_opened},
                     {"tickets_closed", u.tickets_closed},
                     {"tickets_cancelled", u.tickets_cancelled},
                     {"median_claim_minutes", opt(u.median_claim_minutes)},
                     {"median_done_minutes", opt(u.median_done_minutes)},
                     {"active_volunteers", opt(u.active_volunteers)},
                     {"pending_joins", u.pending_joins}});
  }
  c.Ok({{"community_id", n->community ? json(*n->community) : json(nullptr)},
        {"days", n->days},
        {"messages_total", n->messages_total},
        {"messages_per_day", per_day},
        {"units", units}});
}

void AdminApi::StatsCsv(Call& c) {
  auto n = c.Numbers(app_);
  if (!n.ok()) return c.Fail(n.status());
  c.res.set_header("Content-Disposition", "attachment; filename=\"gebi-numbers.csv\"");
  c.res.set_content(handlers::admin::NumbersCsv(*n), "text/csv; charset=utf-8");
}

void AdminApi::MessagesCsv(Call& c) {
  auto n = c.Numbers(app_);
  if (!n.ok()) return c.Fail(n.status());
  c.res.set_header("Content-Disposition", "attachment; filename=\"gebi-messages.csv\"");
  c.res.set_content(handlers::admin::MessagesCsv(*n), "text/csv; charset=utf-8");
}

void AdminApi::StatsChart(Call& c) {
  auto n = c.Numbers(app_);
  if (!n.ok()) return c.Fail(n.status());
  std::vector<std::pair<std::string, double>> bars;
  std::string title;
  if (c.req.matches[1].str() == "messages") {
    title = "每天收到的消息";
    for (const auto& d : n->messages_per_day) bars.emplace_back(d.day, d.count);
  } else {
    // Per community, or per grid when one community is shown.
    title = fmt::format("最近 {} 天新增工单", n->days);
    for (const auto& u : n->units) {
      if ((n->community ? "grid" : "community") == u.kind) {
        bars.emplace_back(u.name, static_cast<double>(u.tickets_opened));
      }
    }
  }
  c.res.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
  const bool narrow = c.req.has_param("narrow") && c.req.get_param_value("narrow") == "1";
  c.res.set_content(BarChartSvg(title, bars, narrow ? ChartSize::kNarrow : ChartSize::kWide),
                    "image/svg+xml");
}

// ---------- suggestions (S9) and parking (S8) ----------

void AdminApi::ListSuggestions(Call& c) {
  auto rows = handlers::admin::ListSuggestionRows(app_.db(), c.who, app_.clock().NowSeconds(),
                                                  app_.config().suggestions.answer_days,
                                                  kMaxListLimit);
  if (!rows.ok()) return c.Fail(rows.status());
  json list = json::array();
  for (const auto& r : *rows) {
    const auto& s = r.suggestion;
    list.push_back({{"id", s.id},
                    {"community_id", s.community_id},
                    {"community", r.community_name},
                    {"grid", r.grid_name},
                    {"author_name", r.author_name},
                    {"content", s.content},
                    {"status", s.status},
                    {"answer", s.answer},
                    {"answered_by_name", r.answered_by_name},
                    {"answered_at", s.answered_at ? json(*s.answered_at) : json(nullptr)},
                    {"created_at", s.created_at},
                    {"overdue", r.overdue},
                    {"editable", c.who.CanChange(s.community_id)}});
  }
  c.Ok({{"suggestions", list}, {"answer_days", app_.config().suggestions.answer_days}});
}

void AdminApi::AnswerSuggestion(Call& c) {
  auto action = c.Str("action");
  if (!action.ok()) return c.Fail(action.status());
  auto message = c.Str("message", /*required=*/false);
  if (!message.ok()) return c.Fail(message.status());
  int64_t held = 0;
  Status s = handlers::admin::AnswerSuggestionFromConsole(app_.db(), app_.clock(), app_.pipeline(),
                                                          c.who, c.Id(1), *action, *message,
                                                          &held);
  if (!s.ok()) return c.Fail(s);
  if (held > 0) return c.Ok({{"ok", true}, {"held_id", held}});
  c.Ok({{"ok", true}});
}

void AdminApi::SuggestionNumbers(Call& c) {
  auto rows = handlers::admin::SuggestionNumbersByCommunity(app_.db(), c.who,
                                                            app_.config().suggestions.answer_days);
  if (!rows.ok()) return c.Fail(rows.status());
  json list = json::array();
  for (const auto& n : *rows) {
    list.push_back({{"community_id", n.community_id},
                    {"community", n.community_name},
                    {"total", n.total},
                    {"answered", n.answered},
                    {"on_time", n.on_time}});
  }
  c.Ok({{"communities", list}, {"answer_days", app_.config().suggestions.answer_days}});
}

void AdminApi::Parking(Call& c) {
  auto page = handlers::admin::GetParkingPage(app_.db(), c.who, app_.clock().NowSeconds(),
                                              kMaxListLimit);
  if (!page.ok()) return c.Fail(page.status());
  json reports = json::array(), spots = json::array(), plates = json::array(),
       settings = json::array();
  for (const auto& r : page->reports) {
    reports.push_back({{"id", r.report.id},
                       {"community", r.community_name},
                       {"plate", r.report.plate},
                       {"location", r.report.location},
                       {"reporters", r.report.reporters},
                       {"status", r.report.status},
                       {"owner_known", r.owner_known},
                       {"photos", r.photos},
                       {"created_at", r.report.created_at},
                       {"moved_at", r.report.moved_at ? json(*r.report.moved_at) : json(nullptr)}});
  }
  for (const auto& s : page->spots) {
    spots.push_back({{"id", s.spot.id},
                     {"community", s.community_name},
                     {"location", s.spot.location},
                     {"reporter_name", s.reporter_name},
                     {"photos", s.spot.photos},
                     {"created_at", s.spot.created_at},
                     {"expires_at", s.spot.expires_at},
                     {"active", s.active}});
  }
  for (const auto& p : page->plates) {
    plates.push_back({{"id", p.plate.id},
                      {"community", p.community_name},
                      {"grid", p.grid_name},
                      {"plate", p.plate.plate},
                      {"owner_name", p.owner_name},
                      {"status", p.plate.status},
                      {"created_at", p.plate.created_at},
                      {"editable", c.who.CanChange(p.plate.community_id)}});
  }
  for (const auto& s : page->settings) {
    settings.push_back({{"community_id", s.community_id},
                        {"community", s.community_name},
                        {"spots_to_car_owners", s.spots_to_car_owners},
                        {"editable", c.who.CanChange(s.community_id)}});
  }
  c.Ok({{"reports", reports},
        {"spots", spots},
        {"plates", plates},
        {"settings", settings},
        {"spot_minutes", app_.config().parking.spot_minutes}});
}

void AdminApi::ConfirmPlate(Call& c) {
  Status s = handlers::admin::ConfirmPlateFromConsole(app_.db(), app_.clock(), app_.pipeline(),
                                                      c.who, c.Id(1));
  if (!s.ok()) return c.Fail(s);
  c.Ok({{"ok", true}});
}

void AdminApi::SpotSharing(Call& c) {
  auto community = c.Community();
  if (!community.ok()) return c.Fail(community.status());
  if (!*community) return c.Fail(Status::InvalidArgument("community_id: 请选社区"));
  auto it = c.body.find("on");
  if (it == c.body.end() || !it->is_boolean()) {
    return c.Fail(Status::InvalidArgument("on: 只能是开或关"));
  }
  Status s = handlers::admin::SetSpotSharing(app_.db(), app_.clock(), c.who, **community,
                                             it->get<bool>());
  if (!s.ok()) return c.Fail(s);
  c.Ok({{"ok", true}});
}

// ---------- looking back (S11) ----------

namespace {

std::string Param(const httplib::Request& req, const char* name) {
  return req.has_param(name) ? req.get_param_value(name) : std::string();
}

json TimelineJson(const handlers::admin::Conversation& conv) {
  json entries = json::array();
  for (const auto& e : conv.entries) {
    entries.push_back({{"at", e.at},
                       {"kind", e.kind},
                       {"text", e.text},
                       {"action", e.kind == "action" ? e.detail : ""},
                       {"ticket_id", e.ticket_id}});
  }
  return {{"openid", conv.openid}, {"name", conv.person_name}, {"entries", entries}};
}

}  // namespace

void AdminApi::SearchRecord(Call& c) {
  handlers::admin::LookbackQuery q;
  q.person = Param(c.req, "person");
  q.text = Param(c.req, "text");
  auto ticket = c.QueryInt("ticket");
  if (!ticket.ok()) return c.Fail(ticket.status());
  auto from = c.QueryInt("from");
  if (!from.ok()) return c.Fail(from.status());
  auto to = c.QueryInt("to");
  if (!to.ok()) return c.Fail(to.status());
  q.ticket_id = *ticket;
  q.from = *from;
  q.to = *to;
  auto rows = handlers::admin::SearchRecord(app_.db(), c.who, q, kMaxListLimit);
  if (!rows.ok()) return c.Fail(rows.status());
  json list = json::array();
  for (const auto& r : *rows) {
    list.push_back({{"openid", r.openid},
                    {"name", r.person_name},
                    {"kind", r.kind},
                    {"content", r.content},
                    {"reply", r.reply},
                    {"created_at", r.created_at}});
  }
  c.Ok({{"messages", list}});
}

void AdminApi::Conversation(Call& c) {
  auto from = c.QueryInt("from");
  if (!from.ok()) return c.Fail(from.status());
  auto to = c.QueryInt("to");
  if (!to.ok()) return c.Fail(to.status());
  auto conv = handlers::admin::GetConversation(app_.db(), c.who, Param(c.req, "openid"), *from, *to);
  if (!conv.ok()) return c.Fail(conv.status());
  c.Ok(TimelineJson(*conv));
}

void AdminApi::ConversationCsv(Call& c) {
  auto from = c.QueryInt("from");
  if (!from.ok()) return c.Fail(from.status());
  auto to = c.QueryInt("to");
  if (!to.ok()) return c.Fail(to.status());
  auto conv = handlers::admin::ExportConversation(app_.db(), app_.clock(), c.who,
                                                 Param(c.req, "openid"), *from, *to);
  if (!conv.ok()) return c.Fail(conv.status());
  c.res.status = 200;
  c.res.set_header("Content-Disposition", "attachment; filename=\"conversation.csv\"");
  // The byte-order mark makes spreadsheet programs read the file as UTF-8.
  c.res.set_content("\xEF\xBB\xBF" + handlers::admin::ConversationCsv(*conv),
                    "text/csv; charset=utf-8");
}

// ---------- the escalation ladder ----------

void AdminApi::LadderBoard(Call& c) {
  const Config& config = app_.config();
  const int64_t now = app_.clock().NowSeconds();
  auto board = handlers::admin::GetLadderBoard(
      app_.db(), app_.templates(), c.who,
      {config.escalation.claim_hours, config.escalation.resolve_hours}, now, kMaxListLimit);
  if (!board.ok()) return c.Fail(board.status());
  json rows = json::array();
  for (const auto& r : board->rows) {
    const storage::Ticket& t = r.l.ticket;
    rows.push_back({{"id", t.id},
                    {"level", t.level},
                    {"where", r.where},
                    {"grid", r.grid},
                    {"description", t.description},
                    {"category", r.category},
                    {"status", t.status},
                    {"priority", t.priority},
                    {"level_since", r.l.level_since},
                    {"claimed", r.l.claimed()},
                    {"deadline_at", r.deadline.at},
                    {"waits_for", r.deadline.what},
                    {"seconds_left", r.deadline.at - now},
                    {"overdue", r.deadline.at <= now}});
  }
  json out = {{"now", now}, {"tickets", rows}, {"district", board->district}};
  if (board->district) {
    json numbers = json::array();
    for (const auto& n : board->numbers) {
      numbers.push_back({{"level", n.level},
                         {"active", n.active},
                         {"median_seconds", n.median_seconds},
                         {"stays", n.stays},
                         {"missed", n.missed}});
    }
    json deadlines = json::array();
    for (const auto& d : board->deadlines) {
      deadlines.push_back({{"category", d.category},
                           {"level", d.level},
                           {"claim_hours", d.claim_hours},
                           {"resolve_hours", d.resolve_hours}});
    }
    json categories = json::array();
    for (const auto& cat : board->categories) {
      categories.push_back({{"name", cat.name}, {"label", cat.label}});
    }
    out["numbers"] = numbers;
    out["deadlines"] = deadlines;
    out["categories"] = categories;
    out["defaults"] = {{"claim_hours", config.escalation.claim_hours},
                       {"resolve_hours", config.escalation.resolve_hours}};
  }
  c.Ok(out);
}

void AdminApi::LadderDeadline(Call& c) {
  auto category = c.Str("category");
  if (!category.ok()) return c.Fail(category.status());
  auto level = c.Str("level");
  if (!level.ok()) return c.Fail(level.status());
  const bool remove = c.body.value("remove", false);
  storage::Deadline d;
  d.category = *category;
  d.level = *level;
  if (!remove) {
    for (const char* f : {"claim_hours", "resolve_hours"}) {
      auto it = c.body.find(f);
      if (it == c.body.end() || !it->is_number_integer()) {
        return c.Fail(Status::InvalidArgument(std::string(f) + ": 要填整数"));
      }
    }
    d.claim_hours = c.body["claim_hours"].get<int64_t>();
    d.resolve_hours = c.body["resolve_hours"].get<int64_t>();
  }
  Status s = handlers::admin::SetLadderDeadline(app_.db(), app_.clock(), c.who, d, remove);
  if (!s.ok()) return c.Fail(s);
  c.Ok({{"ok", true}});
}

void AdminApi::ListApiKeys(Call& c) {
  auto rows = handlers::admin::ListApiKeyRows(app_.db(), c.who, app_.clock().NowSeconds());
  if (!rows.ok()) return c.Fail(rows.status());
  json list = json::array();
  for (const auto& r : *rows) {
    list.push_back({{"name", r.key.name},
                    {"prefix", r.key.prefix},
                    {"created_at", r.key.created_at},
                    {"revoked", r.key.revoked_at.has_value()},
                    {"last_used_at", r.key.last_used_at ? json(*r.key.last_used_at) : json()},
                    {"calls_today", r.calls_today},
                    {"refused_today", r.refused_today}});
  }
  c.Ok({{"keys", list}});
}

void AdminApi::AddApiKey(Call& c) {
  auto name = c.Str("consumer");
  if (!name.ok()) return c.Fail(name.status());
  auto key = handlers::admin::AddApiKeyFor(app_.db(), app_.clock(), c.who, *name);
  if (!key.ok()) return c.Fail(key.status());
  c.Ok({{"key", *key}});
}

void AdminApi::RevokeApiKey(Call& c) {
  auto name = c.Str("consumer");
  if (!name.ok()) return c.Fail(name.status());
  Status s = handlers::admin::RevokeApiKeyOf(app_.db(), app_.clock(), c.who, *name);
  if (!s.ok()) return c.Fail(s);
  c.Ok({{"ok", true}});
}

// ---------- circles, notices with receipts, recruitments (S6) ----------

void AdminApi::ListCircles(Call& c) {
  auto views = handlers::admin::ListCircleViews(app_.db(), c.who);
  if (!views.ok()) return c.Fail(views.status());
  json list = json::array();
  for (const auto& v : *views) {
    json members = json::array();
    for (const auto& m : v.members) {
      members.push_back({{"openid", m.openid}, {"name", m.name}, {"role", m.role},
                         {"joined_at", m.joined_at}});
    }
    json pending = json::array();
    for (const auto& r : v.pending) {
      pending.push_back({{"id", r.id}, {"name", r.name}, {"created_at", r.created_at}});
    }
    list.push_back({{"id", v.circle.id},
                    {"kind", v.circle.kind},
                    {"name", v.circle.name},
                    {"unit", v.unit_name},
                    {"community_id", v.community_id ? json(*v.community_id) : json(nullptr)},
                    {"convention", v.circle.convention},
                    {"join_mode", v.circle.join_mode},
                    {"invite_code", v.circle.invite_code},
                    {"member_count", v.circle.members},
                    {"members", members},
                    {"pending", pending},
                    {"has_qr", v.has_qr},
                    {"editable", c.who.CanChange(v.community_id)}});
  }
  c.Ok({{"circles", list}});
}

void AdminApi::UpdateCircle(Call& c) {
  auto convention = c.Str("convention", false);
  if (!convention.ok()) return c.Fail(convention.status());
  auto mode = c.Str("join_mode");
  if (!mode.ok()) return c.Fail(mode.status());
  Status s = handlers::admin::UpdateCircleSettings(app_.db(), app_.clock(), c.who, c.Id(1),
                                                   *convention, *mode);
  if (!s.ok()) return c.Fail(s);
  c.Ok({{"ok", true}});
}

void AdminApi::SetCircleManager(Call& c) {
  auto openid = c.Str("openid");
  if (!openid.ok()) return c.Fail(openid.status());
  auto it = c.body.find("manager");
  if (it == c.body.end() || !it->is_boolean()) {
    return c.Fail(Status::InvalidArgument("manager: 请选是否当管理员"));
  }
  Status s = handlers::admin::SetCircleManager(app_.db(), app_.clock(), c.who, c.Id(1), *openid,
                                               it->get<bool>());
  if (!s.ok()) return c.Fail(s);
  c.Ok({{"ok", true}});
}

// The circle's printable poster (A5, SVG). The permanent QR code is created at WeChat the first
// time (codes are limited per account: one per scene, kept in qr_codes).
void AdminApi::CirclePoster(Call& c) {
  const int64_t id = c.Id(1);
  std::optional<storage::CircleInfo> circle;
  std::optional<storage::QrCode> code;
  bot::PosterInfo info;
  Status s = app_.db().WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(circle, storage::GetCircleInfo(tx, id));
    if (!circle || circle->kind == "grid") return Status::NotFound("圈子不存在");
    std::optional<int64_t> community;
    if (circle->unit_id) {
      GEBI_ASSIGN_OR_RETURN(auto unit, storage::AncestorOfKind(tx, *circle->unit_id, "community"));
      if (unit) community = unit->id;
    }
    if (!c.who.CanSee(community)) return Status::PermissionDenied("无权查看这个圈子");
    GEBI_ASSIGN_OR_RETURN(code, storage::GetQrCode(tx, fmt::format("circle-{}", id)));
    GEBI_ASSIGN_OR_RETURN(info.worker_name, handlers::PersonName(tx, circle->owner));
    return Status::Ok();
  });
  if (!s.ok()) return c.Fail(s);
  if (!code) {
    const std::string scene = fmt::format("circle-{}", id);
    auto t = app_.api().CreatePermanentQr(scene);
    if (!t.ok()) return c.Fail(Status::Unavailable("微信二维码接口暂时不可用，请稍后再试"));
    code = storage::QrCode{scene, t->ticket, t->url};
    Status saved = app_.db().WithTransaction([&](storage::Tx& tx) {
      return storage::SaveQrCode(tx, *code, app_.clock().NowSeconds());
    });
    if (!saved.ok()) return c.Fail(saved);
  }
  info.grid_name = circle->name;
  info.convention = circle->convention.empty() ? app_.templates().Render("circle.convention")
                                               : circle->convention;
  info.url = code->url;
  info.action = "微信扫码 加入圈子";
  info.worker_label = "圈主：";
  auto svg = bot::RenderPosterSvg(info, bot::Paper::kA5);
  if (!svg.ok()) return c.Fail(svg.status());
  c.res.status = 200;
  c.res.set_content(*svg, "image/svg+xml");
}

void AdminApi::ListCircleNotices(Call& c) {
  auto views = handlers::admin::ListNoticeViews(app_.db(), c.who, 100);
  if (!views.ok()) return c.Fail(views.status());
  json list = json::array();
  for (const auto& v : *views) {
    const auto& n = v.notice;
    json people = json::array();
    for (const auto& r : v.recipients) {
      people.push_back({{"name", r.name.empty() ? handlers::UnnamedLabel(r.openid) : r.name},
                        {"received", r.received_at.has_value()},
                        {"received_at", r.received_at ? json(*r.received_at) : json(nullptr)}});
    }
    list.push_back({{"id", n.id},
                    {"circles", n.circles},
                    {"body", n.body},
                    {"status", n.status},
                    {"recipients", n.recipients},
                    {"received", n.received},
                    {"created_at", n.created_at},
                    {"reminded", n.reminded_at.has_value()},
                    {"community_id", n.community_id ? json(*n.community_id) : json(nullptr)},
                    {"editable", c.who.CanChange(n.community_id)},
                    {"people", people}});
  }
  c.Ok({{"notices", list}});
}

void AdminApi::RemindCircleNotice(Call& c) {
  auto n = handlers::admin::RemindNoticeFromConsole(app_.db(), app_.clock(), app_.pipeline(),
                                                    c.who, c.Id(1));
  if (!n.ok()) return c.Fail(n.status());
  c.Ok({{"reminded", *n}});
}

void AdminApi::WithdrawCircleNotice(Call& c) {
  auto n = handlers::admin::WithdrawNoticeFromConsole(app_.db(), app_.clock(), app_.pipeline(),
                                                      c.who, c.Id(1));
  if (!n.ok()) return c.Fail(n.status());
  c.Ok({{"cancelled", n->cancelled}, {"told", n->told}});
}

void AdminApi::ListRecruitments(Call& c) {
  auto views = handlers::admin::ListRecruitmentViews(app_.db(), c.who, 100);
  if (!views.ok()) return c.Fail(views.status());
  json list = json::array();
  for (const auto& v : *views) {
    const auto& r = v.recruitment;
    json signups = json::array();
    for (const auto& s : v.signups) {
      signups.push_back({{"name", s.name.empty() ? handlers::UnnamedLabel(s.openid) : s.name},
                         {"status", s.status}});
    }
    list.push_back({{"id", r.id},
                    {"body", r.body},
                    {"quota", r.quota},
                    {"circles", r.circles},
                    {"status", r.status},
                    {"signed_up", r.signed_up},
                    {"waiting", r.waiting},
                    {"organiser", v.organiser_name},
                    {"created_at", r.created_at},
                    {"signups", signups}});
  }
  c.Ok({{"recruitments", list}});
}

void AdminApi::CircleNoticeNumbers(Call& c) {
  auto rows = handlers::admin::ListNoticeNumbers(app_.db(), c.who);
  if (!rows.ok()) return c.Fail(rows.status());
  json list = json::array();
  for (const auto& r : *rows) {
    list.push_back({{"community_id", r.community_id ? json(*r.community_id) : json(nullptr)},
                    {"community", r.community},
                    {"notices", r.notices},
                    {"recipients", r.recipients},
                    {"received", r.received}});
  }
  c.Ok({{"communities", list}});
}

// ---------- elderly-care relays (S7) ----------

void AdminApi::CarePage(Call& c) {
  auto page = handlers::admin::LoadCarePage(app_.db(), c.who, app_.clock().NowSeconds());
  if (!page.ok()) return c.Fail(page.status());
  auto people = [](const std::vector<storage::CarePerson>& list) {
    json out = json::array();
    for (const auto& p : list) out.push_back({{"openid", p.openid}, {"name", p.name}});
    return out;
  };
  json elders = json::array();
  for (const auto& v : page->elders) {
    json pending = json::array();
    for (const auto& r : v.pending) {
      pending.push_back({{"id", r.id}, {"name", r.name}, {"created_at", r.created_at}});
    }
    elders.push_back({{"id", v.elder.id},
                      {"name", v.elder.name},
                      {"circle_id", v.elder.circle_id},
                      {"circle", v.elder.circle_name},
                      {"unit", v.unit_name},
                      {"community_id", v.community_id ? json(*v.community_id) : json(nullptr)},
                      {"invite_code", v.invite_code},
                      {"linked_resident", v.elder.resident_openid.has_value()},
                      {"family", people(v.family)},
                      {"volunteers", people(v.volunteers)},
                      {"pending", pending},
                      {"relays_month", v.month.relays},
                      {"photos_month", v.month.photos},
                      {"thanks_month", v.month.thanks},
                      {"editable", v.editable}});
  }
  json circles = json::array();
  for (const auto& ci : page->circles) circles.push_back({{"id", ci.id}, {"name", ci.name}});
  json volunteers = json::array();
  for (const auto& v : page->volunteers) {
    volunteers.push_back({{"community_id", v.community_id}, {"openid", v.openid}, {"name", v.name}});
  }
  c.Ok({{"elders", elders}, {"circles", circles}, {"volunteers", volunteers}});
}

void AdminApi::AddCareElder(Call& c) {
  auto name = c.Str("elder_name");
  if (!name.ok()) return c.Fail(name.status());
  int64_t circle_id = 0;
  if (auto it = c.body.find("circle_id"); it != c.body.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 0) {
      return c.Fail(Status::InvalidArgument("circle_id: 请从列表里选关爱圈"));
    }
    circle_id = it->get<int64_t>();
  }
  auto id = handlers::admin::AddCareElderFromConsole(app_.db(), app_.clock(), c.who, circle_id,
                                                     *name);
  if (!id.ok()) return c.Fail(id.status());
  c.Ok({{"id", *id}});
}

void AdminApi::SetCareVolunteer(Call& c) {
  auto openid = c.Str("openid");
  if (!openid.ok()) return c.Fail(openid.status());
  auto it = c.body.find("assign");
  if (it == c.body.end() || !it->is_boolean()) {
    return c.Fail(Status::InvalidArgument("assign: 请选指派还是取消"));
  }
  Status s = handlers::admin::SetCareVolunteerFromConsole(app_.db(), app_.clock(), app_.pipeline(),
                                                          c.who, c.Id(1), *openid,
                                                          it->get<bool>());
  if (!s.ok()) return c.Fail(s);
  c.Ok({{"ok", true}});
}

void AdminApi::DecideCareFamily(Call& c) {
  auto it = c.body.find("approve");
  if (it == c.body.end() || !it->is_boolean()) {
    return c.Fail(Status::InvalidArgument("approve: 请选同意还是不同意"));
  }
  auto reason = c.Str("reason", false);
  if (!reason.ok()) return c.Fail(reason.status());
  Status s = handlers::admin::DecideCareFamilyFromConsole(app_.db(), app_.clock(), app_.pipeline(),
                                                          c.who, c.Id(1), it->get<bool>(),
                                                          *reason);
  if (!s.ok()) return c.Fail(s);
  c.Ok({{"ok", true}});
}

void AdminApi::CareNumbers(Call& c) {
  auto rows = handlers::admin::ListCareNumbers(app_.db(), c.who);
  if (!rows.ok()) return c.Fail(rows.status());
  json list = json::array();
  for (const auto& r : *rows) {
    list.push_back({{"community_id", r.community_id ? json(*r.community_id) : json(nullptr)},
                    {"community", r.community},
                    {"relays", r.relays},
                    {"thanks", r.thanks}});
  }
  c.Ok({{"communities", list}});
}

// ---------- moderation (S10) ----------

void AdminApi::ModerationQueue(Call& c) {
  std::string status = c.req.has_param("status") ? c.req.get_param_value("status") : "held";
  auto page = handlers::admin::ModerationQueue(app_.db(), app_.pipeline().templates(), c.who,
                                               status, kMaxListLimit);
  if (!page.ok()) return c.Fail(page.status());
  c.Ok(*page);
}

void AdminApi::DecideHeld(Call& c) {
  auto reason = c.Str("reason", /*required=*/false);
  if (!reason.ok()) return c.Fail(reason.status());
  auto out = handlers::admin::DecideHeldFromConsole(app_.db(), app_.clock(), app_.pipeline(), c.who,
                                                    c.Id(1), c.req.matches[2].str(), *reason);
  if (!out.ok()) return c.Fail(out.status());
  c.Ok(*out);
}

void AdminApi::ModerationCategories(Call& c) {
  auto page = handlers::admin::ModerationCategories(app_.db(), c.who);
  if (!page.ok()) return c.Fail(page.status());
  c.Ok(*page);
}

void AdminApi::UpdateModerationCategory(Call& c) {
  Status s = handlers::admin::UpdateModerationCategory(app_.db(), app_.clock(), c.who, c.Id(1),
                                                       c.body);
  if (!s.ok()) return c.Fail(s);
  c.Ok({{"ok", true}});
}

void AdminApi::TryModerationText(Call& c) {
  auto text = c.Str("text");
  if (!text.ok()) return c.Fail(text.status());
  auto out = handlers::admin::TryModerationText(app_.db(), *text);
  if (!out.ok()) return c.Fail(out.status());
  c.Ok(*out);
}

void AdminApi::ModerationViolations(Call& c) {
  auto page = handlers::admin::ModerationViolations(app_.db(), c.who, app_.clock().NowSeconds(),
                                                    kMaxListLimit);
  if (!page.ok()) return c.Fail(page.status());
  c.Ok(*page);
}

void AdminApi::LiftStrike(Call& c) {
  Status s = handlers::admin::LiftStrikeFromConsole(app_.db(), app_.clock(), c.who, c.Id(1));
  if (!s.ok()) return c.Fail(s);
  c.Ok({{"ok", true}});
}

void AdminApi::CloseAppeal(Call& c) {
  Status s = handlers::admin::CloseAppealFromConsole(app_.db(), app_.clock(), c.who, c.Id(1));
  if (!s.ok()) return c.Fail(s);
  c.Ok({{"ok", true}});
}

}  // namespace gebi::bot
