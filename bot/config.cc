#include "bot/config.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

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

template <typename Int>
Status Read(const toml::table& t, std::string_view section, std::string_view key, Int& out) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return Status::Ok();
  if (auto v = n->value<int64_t>(); v && n->is_integer()) {
    out = static_cast<Int>(*v);
    return Status::Ok();
  }
  return Status::InvalidArgument(fmt::format("{}.{} must be an integer", section, key));
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

}  // namespace

Result<Config> ParseConfig(std::string_view text, std::string_view source) {
  Config c;
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(fmt::format("{}:{}:{}: {}", source, e.source().begin.line,
                                               e.source().begin.column, e.description()));
  }
  GEBI_RETURN_IF_ERROR(CheckKeys(
      root, "", {"server", "wechat", "storage", "paths", "conversation", "log", "admin"}));
  Status s;
  if (const toml::table* t = Section(root, "server", s)) {
    GEBI_RETURN_IF_ERROR(CheckKeys(
        *t, "server",
        {"host", "port", "path", "max_body_bytes", "read_timeout_seconds", "write_timeout_seconds",
         "timestamp_window_seconds", "threads", "keep_alive_max"}));
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
  }
  if (const toml::table* t = Section(root, "wechat", s)) {
    GEBI_RETURN_IF_ERROR(
        CheckKeys(*t, "wechat",
                  {"token", "appid", "appsecret", "encoding_aes_key", "account_id", "api_base"}));
    GEBI_RETURN_IF_ERROR(Read(*t, "wechat", "token", c.wechat.token));
    GEBI_RETURN_IF_ERROR(Read(*t, "wechat", "appid", c.wechat.appid));
    GEBI_RETURN_IF_ERROR(Read(*t, "wechat", "appsecret", c.wechat.appsecret));
    GEBI_RETURN_IF_ERROR(Read(*t, "wechat", "encoding_aes_key", c.wechat.encoding_aes_key));
    GEBI_RETURN_IF_ERROR(Read(*t, "wechat", "account_id", c.wechat.account_id));
    GEBI_RETURN_IF_ERROR(Read(*t, "wechat", "api_base", c.wechat.api_base));
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
  if (const toml::table* t = Section(root, "log", s)) {
    GEBI_RETURN_IF_ERROR(CheckKeys(*t, "log", {"level"}));
    GEBI_RETURN_IF_ERROR(Read(*t, "log", "level", c.log.level));
  }
  if (const toml::table* t = Section(root, "admin", s)) {
    GEBI_RETURN_IF_ERROR(
        CheckKeys(*t, "admin",
                  {"enabled", "listen_host", "listen_port", "session_idle_minutes",
                   "session_max_hours", "cookie_secure", "trust_forwarded_for",
                   "login_max_failures", "login_ip_max_failures", "login_window_minutes"}));
    auto& a = c.admin;
    GEBI_RETURN_IF_ERROR(Read(*t, "admin", "enabled", a.enabled));
    GEBI_RETURN_IF_ERROR(Read(*t, "admin", "listen_host", a.listen_host));
    GEBI_RETURN_IF_ERROR(Read(*t, "admin", "listen_port", a.listen_port));
    GEBI_RETURN_IF_ERROR(Read(*t, "admin", "session_idle_minutes", a.session_idle_minutes));
    GEBI_RETURN_IF_ERROR(Read(*t, "admin", "session_max_hours", a.session_max_hours));
    GEBI_RETURN_IF_ERROR(Read(*t, "admin", "cookie_secure", a.cookie_secure));
    GEBI_RETURN_IF_ERROR(Read(*t, "admin", "trust_forwarded_for", a.trust_forwarded_for));
    GEBI_RETURN_IF_ERROR(Read(*t, "admin", "login_max_failures", a.login_max_failures));
    GEBI_RETURN_IF_ERROR(Read(*t, "admin", "login_ip_max_failures", a.login_ip_max_failures));
    GEBI_RETURN_IF_ERROR(Read(*t, "admin", "login_window_minutes", a.login_window_minutes));
  }
  GEBI_RETURN_IF_ERROR(s);
  FromEnv("GEBI_WECHAT_TOKEN", c.wechat.token);
  FromEnv("GEBI_WECHAT_APPSECRET", c.wechat.appsecret);
  FromEnv("GEBI_WECHAT_AES_KEY", c.wechat.encoding_aes_key);
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
  static const std::set<std::string> kLevels = {"trace", "debug", "info", "warn", "error", "off"};
  if (!kLevels.count(c.log.level))
    return bad("log.level", "must be trace|debug|info|warn|error|off");
  return Status::Ok();
}

}  // namespace gebi::bot
