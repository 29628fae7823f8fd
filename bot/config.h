// Config: every setting of the gebi process, with its default. Loaded once in main from a TOML
// file plus GEBI_* environment variables, validated, then passed down by const reference.
// A value type; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/status.h"

namespace gebi::bot {

struct Config {
  struct Server {
    std::string host = "127.0.0.1";  // nginx terminates 80/443 in front of us
    int port = 8080;
    std::string path = "/wechat";        // the URL path configured in the MP console
    int64_t max_body_bytes = 64 * 1024;  // WeChat XML is a few KB; refuse more (413)
    int read_timeout_seconds = 5;        // WeChat itself gives up after 5 s
    int write_timeout_seconds = 5;
    int timestamp_window_seconds = 300;  // refuse signed requests older/newer than this
    int threads = 8;                     // HTTP worker threads
    int keep_alive_max = 1000;           // requests per keep-alive connection
  } server;
  struct WeChat {
    std::string token;             // secret: GEBI_WECHAT_TOKEN overrides
    std::string appid;             // wx...
    std::string appsecret;         // secret: GEBI_WECHAT_APPSECRET overrides
    std::string encoding_aes_key;  // secret: GEBI_WECHAT_AES_KEY overrides; empty = plaintext only
    std::string account_id = "gh_gebi_demo";  // our original id (ToUserName), used by `gebi chat`
    std::string api_base = "https://api.weixin.qq.com";
  } wechat;
  struct Storage {
    std::string sqlite = "var/gebi.db";
    std::string synchronous = "NORMAL";  // NORMAL or FULL
    std::string data_dir = "var";        // media, posters
  } storage;
  struct Paths {
    std::string templates = "templates";  // folder of *.toml reply texts
  } paths;
  struct Conversation {
    int ttl_minutes = 30;  // an idle flow expires after this
  } conversation;
  struct Log {
    std::string level = "info";  // trace, debug, info, warn, error, off
  } log;
  struct Admin {
    bool enabled = true;               // serve the admin console (/admin/) and API (/api/v1)
    std::string listen_host;           // empty: on the webhook's server; else a separate address
    int listen_port = 0;               // with listen_host: the console's own port
    int session_idle_minutes = 720;    // a console session unused this long ends
    int session_max_hours = 168;       // and every session ends after this
    bool cookie_secure = false;        // true behind https: the browser sends it over https only
    bool trust_forwarded_for = false;  // true behind nginx: client address from X-Real-IP
    int login_max_failures = 5;        // failed logins per account within the window
    int login_ip_max_failures = 20;    // failed logins per client address within the window
    int login_window_minutes = 15;     // the throttling window
  } admin;
};

// Parses TOML text (source names it in errors) over the defaults, then applies the
// environment and validates. InvalidArgument naming the key on any problem, including an
// unknown key.
Result<Config> ParseConfig(std::string_view toml_text, std::string_view source);
// Reads the file at path and calls ParseConfig. IOError when it cannot be read.
Result<Config> LoadConfig(const std::string& path);
// Checks value ranges and formats; InvalidArgument naming the key.
Status ValidateConfig(const Config& c);

}  // namespace gebi::bot
