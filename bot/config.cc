#include "bot/config.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <toml++/toml.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

namespace gebi::bot {

namespace {

bool IsAlnum(std::string_view s) {
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

// Reads table.key into out when present. Wrong type -> InvalidArgument naming the key.
Status Read(const toml::table& t, std::string_view section, std::string_view key,
            std::string& out) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return Status::Ok();
  if (auto v = n->value<std::string>()) {
    out = *v;
    return Status::Ok();
  }
  return Status::InvalidArgument(fmt::format("{}.{} must be a string", section, key));
}

Status Read(const toml::table& t, std::string_view section, std::string_view key, bool& out) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return Status::Ok();
  if (auto v = n->value<bool>(); v && n->is_boolean()) {
    out = *v;
    return Status::Ok();
  }
  return Status::InvalidArgument(fmt::format("{}.{} must be true or false", section, key));
}

Status Read(const toml::table& t, std::string_view section, std::string_view key,
            std::vector<std::string>& out) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return Status::Ok();
  const std::string what = fmt::format("{}.{} must be a list of strings", section, key);
  const toml::array* list = n->as_array();
  if (list == nullptr) return Status::InvalidArgument(what);
  std::vector<std::string> values;
  for (const toml::node& item : *list) {
    auto v = item.value<std::string>();
    if (!v || !item.is_string()) return Status::InvalidArgument(what);
    values.push_back(*v);
  }
  out = std::move(values);
  return Status::Ok();
}

template <typename Int>
Status Read(const toml::table& t, std::string_view section, std::string_view key, Int& out) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return Status::Ok();
  // Only an integer node is read: value<int64_t>() also converts a float, and toml++ 3.3 casts
  // one beyond int64 (port = 8e81) without a range check, which is undefined behaviour.
  if (!n->is_integer()) {
    return Status::InvalidArgument(fmt::format("{}.{} must be an integer", section, key));
  }
  const int64_t v = n->as_integer()->get();
  // Narrowing would wrap silently: port = 4294975488 would become the valid port 8192.
  if (!std::in_range<Int>(v)) {
    return Status::InvalidArgument(fmt::format("{}.{} is out of range: {}", section, key, v));
  }
  out = static_cast<Int>(v);
  return Status::Ok();
}

Status CheckKeys(const toml::table& t, std::string_view section,
                 const std::set<std::string_view>& allowed) {
  for (const auto& [k, v] : t) {
    if (!allowed.count(k.str())) {
      return Status::InvalidArgument(
          fmt::format("unknown key {}{}{}", section, section.empty() ? "" : ".", k.str()));
    }
  }
  return Status::Ok();
}

const toml::table* Section(const toml::table& root, std::string_view name, Status& s) {
  const toml::node* n = root.get(name);
  if (n == nullptr) return nullptr;
  if (!n->is_table()) s = Status::InvalidArgument(fmt::format("{} must be a table", name));
  return n->as_table();
}

void FromEnv(const char* name, std::string& out) {
  if (const char* v = std::getenv(name); v != nullptr && *v != '\0') out = v;
}

Status ReadPush(const toml::table& t, Config::Push& p) {
  GEBI_RETURN_IF_ERROR(CheckKeys(
      t, "push",
      {"enabled", "max_attempts", "backoff_base_seconds", "backoff_cap_seconds", "concurrency",
       "poll_interval_ms", "lease_seconds", "http_timeout_seconds", "token_mode",
       "token_refresh_percent", "alarm_backoff_seconds", "custom_window_hours", "templates"}));
  GEBI_RETURN_IF_ERROR(Read(t, "push", "enabled", p.enabled));
  GEBI_RETURN_IF_ERROR(Read(t, "push", "max_attempts", p.max_attempts));
  GEBI_RETURN_IF_ERROR(Read(t, "push", "backoff_base_seconds", p.backoff_base_seconds));
  GEBI_RETURN_IF_ERROR(Read(t, "push", "backoff_cap_seconds", p.backoff_cap_seconds));
  GEBI_RETURN_IF_ERROR(Read(t, "push", "concurrency", p.concurrency));
  GEBI_RETURN_IF_ERROR(Read(t, "push", "poll_interval_ms", p.poll_interval_ms));
  GEBI_RETURN_IF_ERROR(Read(t, "push", "lease_seconds", p.lease_seconds));
  GEBI_RETURN_IF_ERROR(Read(t, "push", "http_timeout_seconds", p.http_timeout_seconds));
  GEBI_RETURN_IF_ERROR(Read(t, "push", "token_mode", p.token_mode));
  GEBI_RETURN_IF_ERROR(Read(t, "push", "token_refresh_percent", p.token_refresh_percent));
  GEBI_RETURN_IF_ERROR(Read(t, "push", "alarm_backoff_seconds", p.alarm_backoff_seconds));
  GEBI_RETURN_IF_ERROR(Read(t, "push", "custom_window_hours", p.custom_window_hours));
  const toml::node* tn = t.get("templates");
  if (tn == nullptr) return Status::Ok();
  if (!tn->is_table()) return Status::InvalidArgument("push.templates must be a table");
  for (const auto& [kind, v] : *tn->as_table()) {
    std::string section = fmt::format("push.templates.{}", kind.str());
    if (!v.is_table()) return Status::InvalidArgument(section + " must be a table");
    const toml::table& tt = *v.as_table();
    GEBI_RETURN_IF_ERROR(CheckKeys(tt, section, {"template_id", "url", "fields"}));
    Config::Push::Template tpl;
    GEBI_RETURN_IF_ERROR(Read(tt, section, "template_id", tpl.template_id));
    GEBI_RETURN_IF_ERROR(Read(tt, section, "url", tpl.url));
    if (const toml::node* f = tt.get("fields")) {
      if (!f->is_table()) return Status::InvalidArgument(section + ".fields must be a table");
      for (const auto& [field, src] : *f->as_table()) {
        auto s = src.value<std::string>();
        if (!s || !src.is_string()) {
          return Status::InvalidArgument(
              fmt::format("{}.fields.{} must be a string (a payload key)", section, field.str()));
        }
        tpl.fields[std::string(field.str())] = *s;
      }
    }
    p.templates[std::string(kind.str())] = std::move(tpl);
  }
  return Status::Ok();
}

Status ReadMenuButton(const toml::node& n, const std::string& where, bool top,
                      Config::MenuButton& b) {
  if (!n.is_table()) return Status::InvalidArgument(where + " must be a table");
  const toml::table& t = *n.as_table();
  GEBI_RETURN_IF_ERROR(CheckKeys(t, where, {"name", "type", "key", "url", "text", "sub_button"}));
  GEBI_RETURN_IF_ERROR(Read(t, where, "name", b.name));
  GEBI_RETURN_IF_ERROR(Read(t, where, "type", b.type));
  GEBI_RETURN_IF_ERROR(Read(t, where, "key", b.key));
  GEBI_RETURN_IF_ERROR(Read(t, where, "url", b.url));
  GEBI_RETURN_IF_ERROR(Read(t, where, "text", b.text));
  if (const toml::node* subs = t.get("sub_button")) {
    if (!top) return Status::InvalidArgument(where + ": sub_button only on top-level buttons");
    if (!subs->is_array_of_tables()) {
      return Status::InvalidArgument(where + ".sub_button must be [[...sub_button]] tables");
    }
    int i = 0;
    for (const toml::node& sn : *subs->as_array()) {
      Config::MenuButton sb;
      GEBI_RETURN_IF_ERROR(
          ReadMenuButton(sn, fmt::format("{}.sub_button[{}]", where, i++), false, sb));
      b.sub_buttons.push_back(std::move(sb));
    }
  }
  return Status::Ok();
}

Status ReadMenu(const toml::table& t, std::vector<Config::MenuButton>& menu) {
  GEBI_RETURN_IF_ERROR(CheckKeys(t, "menu", {"button"}));
  const toml::node* n = t.get("button");
  if (n == nullptr) return Status::Ok();
  if (!n->is_array_of_tables()) {
    return Status::InvalidArgument("menu.button must be [[menu.button]] tables");
  }
  int i = 0;
  for (const toml::node& bn : *n->as_array()) {
    Config::MenuButton b;
    GEBI_RETURN_IF_ERROR(ReadMenuButton(bn, fmt::format("menu.button[{}]", i++), true, b));
    menu.push_back(std::move(b));
  }
  return Status::Ok();
}

}  // namespace

Status ValidateMenu(const std::vector<Config::MenuButton>& menu) {
  if (menu.empty()) return Status::Ok();
  auto bad = [](const std::string& where, std::string_view why) {
    return Status::InvalidArgument(fmt::format("{}: {}", where, why));
  };
  static const std::set<std::string> kTypes = {"click",         "view",
                                               "scancode_push", "scancode_waitmsg",
                                               "pic_sysphoto",  "pic_photo_or_album",
                                               "pic_weixin",    "location_select",
                                               "media_id",      "view_limited",
                                               "article_id",    "article_view_limited",
                                               "miniprogram"};
  static const std::set<std::string> kKeyed = {
      "click",      "scancode_push",  "scancode_waitmsg", "pic_sysphoto", "pic_photo_or_album",
      "pic_weixin", "location_select"};
  if (menu.size() > 3) return bad("menu.button", "at most 3 top-level buttons");
  std::set<std::string> keys;
  auto check_action = [&](const Config::MenuButton& b, const std::string& where,
                          size_t max_name) -> Status {
    if (b.name.empty() || b.name.size() > max_name) {
      return bad(where + ".name", fmt::format("must be 1..{} bytes", max_name));
    }
    if (!kTypes.count(b.type)) return bad(where + ".type", "unknown button type");
    if (kKeyed.count(b.type)) {
      if (b.key.empty() || b.key.size() > 128) return bad(where + ".key", "must be 1..128 bytes");
      if (!keys.insert(b.key).second) return bad(where + ".key", "is used twice");
    }
    if (b.type == "click" && b.text.empty()) {
      return bad(where + ".text", "a click button needs the keyword text it stands for");
    }
    if ((b.type == "view" || b.type == "miniprogram") &&
        (b.url.empty() || b.url.size() > 1024 ||
         (b.url.rfind("http://", 0) != 0 && b.url.rfind("https://", 0) != 0))) {
      return bad(where + ".url", "must be an http(s) URL of at most 1024 bytes");
    }
    return Status::Ok();
  };
  for (size_t i = 0; i < menu.size(); ++i) {
    const auto& b = menu[i];
    std::string where = fmt::format("menu.button[{}]", i);
    if (b.sub_buttons.empty()) {
      GEBI_RETURN_IF_ERROR(check_action(b, where, 16));
      continue;
    }
    if (b.name.empty() || b.name.size() > 16) return bad(where + ".name", "must be 1..16 bytes");
    if (!b.type.empty()) return bad(where + ".type", "a button with sub_button has no type");
    if (b.sub_buttons.size() > 5) return bad(where + ".sub_button", "at most 5 sub buttons");
    for (size_t j = 0; j < b.sub_buttons.size(); ++j) {
      GEBI_RETURN_IF_ERROR(
          check_action(b.sub_buttons[j], fmt::format("{}.sub_button[{}]", where, j), 60));
    }
  }
  return Status::Ok();
}

Result<Config> ParseConfig(std::string_view text, std::string_view source) {
  Config c;
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(fmt::format("{}:{}:{}: {}", source, e.source().begin.line,
                                               e.source().begin.column, e.description()));
  }
  GEBI_RETURN_IF_ERROR(CheckKeys(root, "",
                                 {"server", "wechat", "storage", "paths", "conversation", "push",
                                  "menu", "log", "admin", "privacy", "limits", "suggestions",
                                  "parking", "escalation", "open311", "district", "moderation"}));
  Status s;
  if (const toml::table* t = Section(root, "server", s)) {
    GEBI_RETURN_IF_ERROR(CheckKeys(
        *t, "server",
        {"host", "port", "path", "max_body_bytes", "read_timeout_seconds", "write_timeout_seconds",
         "timestamp_window_seconds", "threads", "keep_alive_max", "max_text_chars"}));
    GEBI_RETURN_IF_ERROR(Read(*t, "server", "host", c.server.host));
    GEBI_RETURN_IF_ERROR(Read(*t, "server", "port", c.server.port));
    GEBI_RETURN_IF_ERROR(Read(*t, "server", "path", c.server.path));
    GEBI_RETURN_IF_ERROR(Read(*t, "server", "max_body_bytes", c.server.max_body_bytes));
    GEBI_RETURN_IF_ERROR(Read(*t, "server", "read_timeout_seconds", c.server.read_timeout_seconds));
    GEBI_RETURN_IF_ERROR(
        Read(*t, "server", "write_timeout_seconds", c.server.write_timeout_seconds));
    GEBI_RETURN_IF_ERROR(
        Read(*t, "server", "timestamp_window_seconds", c.server.timestamp_window_seconds));
    GEBI_RETURN_IF_ERROR(Read(*t, "server", "threads", c.server.threads));
    GEBI_RETURN_IF_ERROR(Read(*t, "server", "keep_alive_max", c.server.keep_alive_max));
    GEBI_RETURN_IF_ERROR(Read(*t, "server", "max_text_chars", c.server.max_text_chars));
  }
  if (const toml::table* t = Section(root, "wechat", s)) {
    GEBI_RETURN_IF_ERROR(CheckKeys(*t, "wechat",
                                   {"token", "appid", "appsecret", "encoding_aes_key", "account_id",
                                    "api_base", "encrypted_only"}));
    GEBI_RETURN_IF_ERROR(Read(*t, "wechat", "token", c.wechat.token));
    GEBI_RETURN_IF_ERROR(Read(*t, "wechat", "appid", c.wechat.appid));
    GEBI_RETURN_IF_ERROR(Read(*t, "wechat", "appsecret", c.wechat.appsecret));
    GEBI_RETURN_IF_ERROR(Read(*t, "wechat", "encoding_aes_key", c.wechat.encoding_aes_key));
    GEBI_RETURN_IF_ERROR(Read(*t, "wechat", "account_id", c.wechat.account_id));
    GEBI_RETURN_IF_ERROR(Read(*t, "wechat", "api_base", c.wechat.api_base));
    GEBI_RETURN_IF_ERROR(Read(*t, "wechat", "encrypted_only", c.wechat.encrypted_only));
  }
  if (const toml::table* t = Section(root, "storage", s)) {
    GEBI_RETURN_IF_ERROR(CheckKeys(*t, "storage", {"sqlite", "synchronous", "data_dir"}));
    GEBI_RETURN_IF_ERROR(Read(*t, "storage", "sqlite", c.storage.sqlite));
    GEBI_RETURN_IF_ERROR(Read(*t, "storage", "synchronous", c.storage.synchronous));
    GEBI_RETURN_IF_ERROR(Read(*t, "storage", "data_dir", c.storage.data_dir));
  }
  if (const toml::table* t = Section(root, "paths", s)) {
    GEBI_RETURN_IF_ERROR(CheckKeys(*t, "paths", {"templates"}));
    GEBI_RETURN_IF_ERROR(Read(*t, "paths", "templates", c.paths.templates));
  }
  if (const toml::table* t = Section(root, "conversation", s)) {
    GEBI_RETURN_IF_ERROR(CheckKeys(*t, "conversation", {"ttl_minutes"}));
    GEBI_RETURN_IF_ERROR(Read(*t, "conversation", "ttl_minutes", c.conversation.ttl_minutes));
  }
  if (const toml::table* t = Section(root, "push", s)) {
    GEBI_RETURN_IF_ERROR(ReadPush(*t, c.push));
  }
  if (const toml::table* t = Section(root, "menu", s)) {
    GEBI_RETURN_IF_ERROR(ReadMenu(*t, c.menu));
  }
  if (const toml::table* t = Section(root, "privacy", s)) {
    GEBI_RETURN_IF_ERROR(CheckKeys(*t, "privacy", {"ledger_days"}));
    GEBI_RETURN_IF_ERROR(Read(*t, "privacy", "ledger_days", c.privacy.ledger_days));
  }
  if (const toml::table* t = Section(root, "suggestions", s)) {
    GEBI_RETURN_IF_ERROR(CheckKeys(*t, "suggestions", {"answer_days"}));
    GEBI_RETURN_IF_ERROR(Read(*t, "suggestions", "answer_days", c.suggestions.answer_days));
  }
  if (const toml::table* t = Section(root, "parking", s)) {
    GEBI_RETURN_IF_ERROR(CheckKeys(*t, "parking", {"spot_minutes"}));
    GEBI_RETURN_IF_ERROR(Read(*t, "parking", "spot_minutes", c.parking.spot_minutes));
  }
  if (const toml::table* t = Section(root, "moderation", s)) {
    GEBI_RETURN_IF_ERROR(CheckKeys(*t, "moderation",
                                   {"mute_after_strikes", "mute_days", "remove_after_strikes",
                                    "new_member_days"}));
    auto& m = c.moderation;
    GEBI_RETURN_IF_ERROR(Read(*t, "moderation", "mute_after_strikes", m.mute_after_strikes));
    GEBI_RETURN_IF_ERROR(Read(*t, "moderation", "mute_days", m.mute_days));
    GEBI_RETURN_IF_ERROR(Read(*t, "moderation", "remove_after_strikes", m.remove_after_strikes));
    GEBI_RETURN_IF_ERROR(Read(*t, "moderation", "new_member_days", m.new_member_days));
  }
  if (const toml::table* t = Section(root, "limits", s)) {
    GEBI_RETURN_IF_ERROR(CheckKeys(*t, "limits",
                                   {"messages_per_minute", "open_tickets_per_resident",
                                    "repairs_per_hour", "repeat_repair_minutes", "media_per_day"}));
    GEBI_RETURN_IF_ERROR(Read(*t, "limits", "messages_per_minute", c.limits.messages_per_minute));
    GEBI_RETURN_IF_ERROR(
        Read(*t, "limits", "open_tickets_per_resident", c.limits.open_tickets_per_resident));
    GEBI_RETURN_IF_ERROR(Read(*t, "limits", "repairs_per_hour", c.limits.repairs_per_hour));
    GEBI_RETURN_IF_ERROR(
        Read(*t, "limits", "repeat_repair_minutes", c.limits.repeat_repair_minutes));
    GEBI_RETURN_IF_ERROR(Read(*t, "limits", "media_per_day", c.limits.media_per_day));
  }
  if (const toml::table* t = Section(root, "escalation", s)) {
    GEBI_RETURN_IF_ERROR(CheckKeys(
        *t, "escalation", {"enabled", "claim_hours", "resolve_hours", "check_interval_seconds"}));
    GEBI_RETURN_IF_ERROR(Read(*t, "escalation", "enabled", c.escalation.enabled));
    GEBI_RETURN_IF_ERROR(Read(*t, "escalation", "claim_hours", c.escalation.claim_hours));
    GEBI_RETURN_IF_ERROR(Read(*t, "escalation", "resolve_hours", c.escalation.resolve_hours));
    GEBI_RETURN_IF_ERROR(Read(*t, "escalation", "check_interval_seconds",
                              c.escalation.check_interval_seconds));
  }
  if (const toml::table* t = Section(root, "open311", s)) {
    GEBI_RETURN_IF_ERROR(CheckKeys(
        *t, "open311", {"enabled", "public_base", "requests_per_minute", "max_results"}));
    GEBI_RETURN_IF_ERROR(Read(*t, "open311", "enabled", c.open311.enabled));
    GEBI_RETURN_IF_ERROR(Read(*t, "open311", "public_base", c.open311.public_base));
    GEBI_RETURN_IF_ERROR(
        Read(*t, "open311", "requests_per_minute", c.open311.requests_per_minute));
    GEBI_RETURN_IF_ERROR(Read(*t, "open311", "max_results", c.open311.max_results));
  }
  if (const toml::table* t = Section(root, "district", s)) {
    GEBI_RETURN_IF_ERROR(CheckKeys(*t, "district",
                                   {"open311_base", "api_key", "service_code",
                                    "pull_interval_minutes", "http_timeout_seconds"}));
    GEBI_RETURN_IF_ERROR(Read(*t, "district", "open311_base", c.district.open311_base));
    GEBI_RETURN_IF_ERROR(Read(*t, "district", "api_key", c.district.api_key));
    GEBI_RETURN_IF_ERROR(Read(*t, "district", "service_code", c.district.service_code));
    GEBI_RETURN_IF_ERROR(
        Read(*t, "district", "pull_interval_minutes", c.district.pull_interval_minutes));
    GEBI_RETURN_IF_ERROR(
        Read(*t, "district", "http_timeout_seconds", c.district.http_timeout_seconds));
  }
  if (const toml::table* t = Section(root, "log", s)) {
    GEBI_RETURN_IF_ERROR(CheckKeys(*t, "log", {"level"}));
    GEBI_RETURN_IF_ERROR(Read(*t, "log", "level", c.log.level));
  }
  if (const toml::table* t = Section(root, "admin", s)) {
    GEBI_RETURN_IF_ERROR(
        CheckKeys(*t, "admin",
                  {"enabled", "listen_host", "listen_port", "session_idle_minutes",
                   "session_max_hours", "cookie_secure", "trusted_proxies", "login_max_failures",
                   "login_ip_max_failures", "login_window_minutes", "max_concurrent_hashes"}));
    auto& a = c.admin;
    GEBI_RETURN_IF_ERROR(Read(*t, "admin", "enabled", a.enabled));
    GEBI_RETURN_IF_ERROR(Read(*t, "admin", "listen_host", a.listen_host));
    GEBI_RETURN_IF_ERROR(Read(*t, "admin", "listen_port", a.listen_port));
    GEBI_RETURN_IF_ERROR(Read(*t, "admin", "session_idle_minutes", a.session_idle_minutes));
    GEBI_RETURN_IF_ERROR(Read(*t, "admin", "session_max_hours", a.session_max_hours));
    GEBI_RETURN_IF_ERROR(Read(*t, "admin", "cookie_secure", a.cookie_secure));
    GEBI_RETURN_IF_ERROR(Read(*t, "admin", "trusted_proxies", a.trusted_proxies));
    GEBI_RETURN_IF_ERROR(Read(*t, "admin", "login_max_failures", a.login_max_failures));
    GEBI_RETURN_IF_ERROR(Read(*t, "admin", "login_ip_max_failures", a.login_ip_max_failures));
    GEBI_RETURN_IF_ERROR(Read(*t, "admin", "login_window_minutes", a.login_window_minutes));
    GEBI_RETURN_IF_ERROR(Read(*t, "admin", "max_concurrent_hashes", a.max_concurrent_hashes));
  }
  GEBI_RETURN_IF_ERROR(s);
  FromEnv("GEBI_WECHAT_TOKEN", c.wechat.token);
  FromEnv("GEBI_WECHAT_APPSECRET", c.wechat.appsecret);
  FromEnv("GEBI_WECHAT_AES_KEY", c.wechat.encoding_aes_key);
  FromEnv("GEBI_DISTRICT_API_KEY", c.district.api_key);
  GEBI_RETURN_IF_ERROR(ValidateConfig(c).WithContext(std::string(source)));
  return c;
}

Result<Config> LoadConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError(fmt::format("cannot read config file {}", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseConfig(ss.str(), path);
}

Status ValidateConfig(const Config& c) {
  auto bad = [](std::string_view key, std::string_view why) {
    return Status::InvalidArgument(fmt::format("{}: {}", key, why));
  };
  if (c.server.port < 0 || c.server.port > 65535) return bad("server.port", "must be 0..65535");
  if (c.server.path.empty() || c.server.path[0] != '/')
    return bad("server.path", "must start with /");
  if (c.server.max_body_bytes < 1024 || c.server.max_body_bytes > 16 * 1024 * 1024) {
    return bad("server.max_body_bytes", "must be 1 KiB..16 MiB");
  }
  if (c.server.read_timeout_seconds < 1) return bad("server.read_timeout_seconds", "must be >= 1");
  if (c.privacy.ledger_days < 1 || c.privacy.ledger_days > 3650) {
    return bad("privacy.ledger_days", "must be 1..3650");
  }
  if (c.suggestions.answer_days < 1 || c.suggestions.answer_days > 365) {
    return bad("suggestions.answer_days", "must be 1..365");
  }
  if (c.parking.spot_minutes < 1 || c.parking.spot_minutes > 24 * 60) {
    return bad("parking.spot_minutes", "must be 1..1440");
  }
  if (c.moderation.mute_after_strikes < 1 || c.moderation.mute_after_strikes > 100) {
    return bad("moderation.mute_after_strikes", "must be 1..100");
  }
  if (c.moderation.mute_days < 1 || c.moderation.mute_days > 365) {
    return bad("moderation.mute_days", "must be 1..365");
  }
  if (c.moderation.remove_after_strikes < 1 || c.moderation.remove_after_strikes > 100) {
    return bad("moderation.remove_after_strikes", "must be 1..100");
  }
  if (c.moderation.new_member_days < 0 || c.moderation.new_member_days > 365) {
    return bad("moderation.new_member_days", "must be 0..365 (0: no advertiser signal)");
  }
  for (auto [key, value] :
       {std::pair<const char*, int>{"limits.messages_per_minute", c.limits.messages_per_minute},
        {"limits.open_tickets_per_resident", c.limits.open_tickets_per_resident},
        {"limits.repairs_per_hour", c.limits.repairs_per_hour},
        {"limits.repeat_repair_minutes", c.limits.repeat_repair_minutes},
        {"limits.media_per_day", c.limits.media_per_day}}) {
    if (value < 0 || value > 100000) return bad(key, "must be 0..100000 (0: no limit)");
  }
  // A deadline is at least an hour (the scheduler looks every minute) and at most 90 days.
  if (c.escalation.claim_hours < 1 || c.escalation.claim_hours > 2160) {
    return bad("escalation.claim_hours", "must be 1..2160");
  }
  if (c.escalation.resolve_hours < 1 || c.escalation.resolve_hours > 2160) {
    return bad("escalation.resolve_hours", "must be 1..2160");
  }
  if (c.escalation.check_interval_seconds < 1 || c.escalation.check_interval_seconds > 3600) {
    return bad("escalation.check_interval_seconds", "must be 1..3600");
  }
  if (c.open311.requests_per_minute < 1 || c.open311.requests_per_minute > 100000) {
    return bad("open311.requests_per_minute", "must be 1..100000");
  }
  if (c.open311.max_results < 1 || c.open311.max_results > 1000) {
    return bad("open311.max_results", "must be 1..1000");
  }
  if (!c.district.open311_base.empty() && c.district.open311_base.rfind("http://", 0) != 0 &&
      c.district.open311_base.rfind("https://", 0) != 0) {
    return bad("district.open311_base", "must start with http:// or https://");
  }
  if (!c.district.open311_base.empty() && c.district.api_key.empty()) {
    return bad("district.api_key", "is needed with district.open311_base (or GEBI_DISTRICT_API_KEY)");
  }
  if (c.district.pull_interval_minutes < 1 || c.district.pull_interval_minutes > 1440) {
    return bad("district.pull_interval_minutes", "must be 1..1440");
  }
  if (c.district.http_timeout_seconds < 1 || c.district.http_timeout_seconds > 120) {
    return bad("district.http_timeout_seconds", "must be 1..120");
  }
  if (c.server.max_text_chars < 10 || c.server.max_text_chars > 20000) {
    return bad("server.max_text_chars", "must be 10..20000");
  }
  if (c.server.write_timeout_seconds < 1)
    return bad("server.write_timeout_seconds", "must be >= 1");
  if (c.server.timestamp_window_seconds < 1) {
    return bad("server.timestamp_window_seconds", "must be >= 1");
  }
  if (c.server.threads < 1 || c.server.threads > 256)
    return bad("server.threads", "must be 1..256");
  if (c.wechat.token.size() < 3 || c.wechat.token.size() > 32 || !IsAlnum(c.wechat.token)) {
    return bad("wechat.token", "must be 3-32 letters or digits (set it or GEBI_WECHAT_TOKEN)");
  }
  if (!c.wechat.encoding_aes_key.empty() &&
      (c.wechat.encoding_aes_key.size() != 43 || !IsAlnum(c.wechat.encoding_aes_key))) {
    return bad("wechat.encoding_aes_key", "must be 43 letters or digits (or empty)");
  }
  if (!c.wechat.encoding_aes_key.empty() && c.wechat.appid.empty()) {
    return bad("wechat.appid", "is required when wechat.encoding_aes_key is set");
  }
  if (c.wechat.encrypted_only && c.wechat.encoding_aes_key.empty()) {
    return bad("wechat.encrypted_only", "needs wechat.encoding_aes_key (safe mode)");
  }
  if (c.wechat.api_base.rfind("https://", 0) != 0 && c.wechat.api_base.rfind("http://", 0) != 0) {
    return bad("wechat.api_base", "must start with https:// or http://");
  }
  if (c.storage.sqlite.empty()) return bad("storage.sqlite", "must not be empty");
  if (c.storage.synchronous != "NORMAL" && c.storage.synchronous != "FULL") {
    return bad("storage.synchronous", "must be NORMAL or FULL");
  }
  if (c.conversation.ttl_minutes < 1) return bad("conversation.ttl_minutes", "must be >= 1");
  if (c.admin.listen_host.empty() != (c.admin.listen_port == 0)) {
    return bad("admin.listen_host", "set admin.listen_host and admin.listen_port together");
  }
  if (c.admin.listen_port < 0 || c.admin.listen_port > 65535) {
    return bad("admin.listen_port", "must be 0..65535");
  }
  if (c.admin.session_idle_minutes < 1) return bad("admin.session_idle_minutes", "must be >= 1");
  if (c.admin.session_max_hours < 1) return bad("admin.session_max_hours", "must be >= 1");
  if (c.admin.login_max_failures < 1) return bad("admin.login_max_failures", "must be >= 1");
  if (c.admin.login_ip_max_failures < 1) {
    return bad("admin.login_ip_max_failures", "must be >= 1");
  }
  if (c.admin.login_window_minutes < 1) return bad("admin.login_window_minutes", "must be >= 1");
  if (c.admin.max_concurrent_hashes < 1) {
    return bad("admin.max_concurrent_hashes", "must be >= 1");
  }
  for (const std::string& proxy : c.admin.trusted_proxies) {
    // Compared as text with the peer address httplib reports, so only the plain form works.
    unsigned char buf[sizeof(in6_addr)];
    if (inet_pton(AF_INET, proxy.c_str(), buf) != 1 &&
        inet_pton(AF_INET6, proxy.c_str(), buf) != 1) {
      return bad("admin.trusted_proxies",
                 fmt::format("'{}' is not an IP address (write one address per proxy)", proxy));
    }
  }
  const Config::Push& p = c.push;
  if (p.max_attempts < 1 || p.max_attempts > 100) return bad("push.max_attempts", "must be 1..100");
  if (p.backoff_base_seconds < 1) return bad("push.backoff_base_seconds", "must be >= 1");
  if (p.backoff_cap_seconds < p.backoff_base_seconds) {
    return bad("push.backoff_cap_seconds", "must be >= push.backoff_base_seconds");
  }
  if (p.concurrency < 1 || p.concurrency > 64) return bad("push.concurrency", "must be 1..64");
  if (p.poll_interval_ms < 10) return bad("push.poll_interval_ms", "must be >= 10");
  if (p.lease_seconds < 5) return bad("push.lease_seconds", "must be >= 5");
  if (p.http_timeout_seconds < 1 || p.http_timeout_seconds > 120) {
    return bad("push.http_timeout_seconds", "must be 1..120");
  }
  if (p.token_mode != "stable" && p.token_mode != "classic") {
    return bad("push.token_mode", "must be stable or classic");
  }
  if (p.token_refresh_percent < 10 || p.token_refresh_percent > 95) {
    return bad("push.token_refresh_percent", "must be 10..95");
  }
  if (p.alarm_backoff_seconds < 1) return bad("push.alarm_backoff_seconds", "must be >= 1");
  if (p.custom_window_hours < 1 || p.custom_window_hours > 48) {
    return bad("push.custom_window_hours", "must be 1..48");
  }
  for (const auto& [kind, tpl] : p.templates) {
    if (tpl.template_id.empty()) {
      return bad("push.templates." + kind + ".template_id", "must not be empty");
    }
    if (tpl.fields.empty()) return bad("push.templates." + kind + ".fields", "must name a field");
  }
  GEBI_RETURN_IF_ERROR(ValidateMenu(c.menu));
  static const std::set<std::string> kLevels = {"trace", "debug", "info", "warn", "error", "off"};
  if (!kLevels.count(c.log.level))
    return bad("log.level", "must be trace|debug|info|warn|error|off");
  return Status::Ok();
}

}  // namespace gebi::bot
