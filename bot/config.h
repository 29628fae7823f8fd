// Config: every setting of the gebi process, with its default. Loaded once in main from a TOML
// file plus GEBI_* environment variables, validated, then passed down by const reference.
// A value type; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

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
    // HTTP worker threads. cpp-httplib gives each open keep-alive connection a thread for its
    // whole life. A connection beyond this waits: while one does, busy connections are answered
    // with "Connection: close" and take turns, but an idle one keeps its thread up to the 5 s
    // keep-alive timeout (WeChat's deadline): keep it >= the connections nginx / WeChat hold
    // open to gebi.
    int threads = 64;
    int keep_alive_max = 1000;  // requests per keep-alive connection
    // Longest text (characters) the router sees; a longer one gets a polite "too long" reply
    // and is still recorded. Bounds the work one message can cause.
    int max_text_chars = 2000;
  } server;
  struct WeChat {
    std::string token;             // secret: GEBI_WECHAT_TOKEN overrides
    std::string appid;             // wx...
    std::string appsecret;         // secret: GEBI_WECHAT_APPSECRET overrides
    std::string encoding_aes_key;  // secret: GEBI_WECHAT_AES_KEY overrides; empty = plaintext only
    std::string account_id = "gh_gebi_demo";  // our original id (ToUserName), used by `gebi chat`
    std::string api_base = "https://api.weixin.qq.com";
    // With an EncodingAESKey: refuse bodies without <Encrypt> (safe mode only). In plaintext
    // and compatible mode the signature does not cover the body.
    bool encrypted_only = false;
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
  struct Push {
    bool enabled = true;                // `gebi serve` runs the outbox worker
    int max_attempts = 8;               // a notice failing this many times is dead-lettered
    int backoff_base_seconds = 5;       // first retry delay; doubles per attempt, with jitter
    int backoff_cap_seconds = 3600;     // retry delays never exceed this
    int concurrency = 4;                // sends in flight at once
    int poll_interval_ms = 500;         // an idle worker looks for due rows this often
    int lease_seconds = 60;             // a claimed row whose worker died is due again after this
    int http_timeout_seconds = 10;      // connect/read timeout of one WeChat API call
    std::string token_mode = "stable";  // stable (POST /cgi-bin/stable_token) | classic
    int token_refresh_percent = 80;     // fetch a new token after this share of its life
    int alarm_backoff_seconds = 600;    // after 40164 / a bad secret: no token fetch this long
    int custom_window_hours = 48;       // customer-service messages only this long after a message
    // Template message per notice kind: which template and how its fields are filled.
    struct Template {
      std::string template_id;
      std::string url;  // optional link of the template card
      // template field (e.g. "thing1") -> payload key (e.g. "title"); a missing key uses text
      std::map<std::string, std::string> fields;
    };
    std::map<std::string, Template> templates;  // notice kind -> template
  } push;
  // The custom menu `gebi menu push` creates. CLICK buttons act like sending `text`.
  struct MenuButton {
    std::string name;
    std::string type;  // click, view, scancode_push, ... (empty when sub_buttons is used)
    std::string key;   // click and the scancode/pic/location types
    std::string url;   // view
    std::string text;  // click: the keyword text this button behaves like
    std::vector<MenuButton> sub_buttons;
  };
  std::vector<MenuButton> menu;
  struct Log {
    std::string level = "info";  // trace, debug, info, warn, error, off
  } log;
  struct Privacy {
    int ledger_days = 180;  // message text older than this is blanked (a job in `gebi serve`)
  } privacy;
  // What one sender may cause; beyond it they get a polite reply and nothing else happens.
  struct Limits {
    int messages_per_minute = 20;       // texts, photos and clicks routed per sender
    int open_tickets_per_resident = 5;  // unfinished repair requests at once
    int repairs_per_hour = 3;           // new repair requests per sender per hour
    int repeat_repair_minutes = 30;     // the same text again: "already reported as N"
    int media_per_day = 20;             // photos downloaded per sender per day
  } limits;
  struct Admin {
    bool enabled = true;             // serve the admin console (/admin/) and API (/api/v1)
    std::string listen_host;         // empty: on the webhook's server; else a separate address
    int listen_port = 0;             // with listen_host: the console's own port
    int session_idle_minutes = 720;  // a console session unused this long ends
    int session_max_hours = 168;     // and every session ends after this
    bool cookie_secure = false;      // true behind https: the browser sends it over https only
    // Addresses of reverse proxies (nginx) whose X-Forwarded-For / X-Real-IP name the client;
    // empty: those headers are ignored and the peer address is the client's.
    std::vector<std::string> trusted_proxies;
    int login_max_failures = 5;      // failed logins per account within the window
    int login_ip_max_failures = 20;  // failed logins per client address within the window
    int login_window_minutes = 15;   // the throttling window
    int max_concurrent_hashes = 2;   // password hashes at once (64 MiB each); more wait, then 429
  } admin;
  struct Suggestions {
    int answer_days = 7;  // unanswered this long: overdue, pushed to the staff again
  } suggestions;
  struct Parking {
    int spot_minutes = 30;  // a reported free spot is listed this long
  } parking;
  // Moderation under the circle convention (S10; handlers/chat/moderation.h).
  struct Moderation {
    int mute_after_strikes = 2;    // active strikes in one circle that mute the sender there
    int mute_days = 7;             // how long a mute lasts
    int remove_after_strikes = 3;  // from here the managers are told they may propose 踢出
    int new_member_days = 7;       // phone numbers and links from newer members are held
  } moderation;
  // The escalation ladder (grid -> community -> street -> district): the default deadlines
  // seeded into the database the first time `gebi serve` runs; the console edits them there.
  struct Escalation {
    bool enabled = true;          // `gebi serve` runs the deadline scheduler
    int claim_hours = 24;         // unclaimed this long at a level: up one level
    int resolve_hours = 72;       // claimed and unresolved this long: a reminder, then up
    int check_interval_seconds = 60;  // how often the scheduler looks
  } escalation;
  // The Open311 GeoReport v2 server under /open311/v2/ (bot/open311/): other platforms read
  // and create repair requests with an API key (`gebi apikey add NAME`).
  struct Open311 {
    bool enabled = true;
    // Where consumers reach us, for discovery's endpoint url (e.g. https://gebi.example.org);
    // empty: the Host the request came to.
    std::string public_base;
    int requests_per_minute = 60;  // calls per API key per minute; more get 429
    int max_results = 200;         // GET requests answers at most this many
  } open311;
  // The district's government platform: a ticket reaching district level is sent there as an
  // Open311 POST requests (through the outbox, with retries), and its status is pulled back.
  struct District {
    std::string open311_base;   // e.g. https://12345.example.gov.cn/open311/v2; empty: no hand-off
    std::string api_key;        // secret: GEBI_DISTRICT_API_KEY overrides
    std::string service_code;   // the district's service for our tickets; empty: the category
    int pull_interval_minutes = 15;  // how often the status of handed-off tickets is pulled
    int http_timeout_seconds = 10;
  } district;
};

// Parses TOML text (source names it in errors) over the defaults, then applies the
// environment and validates. InvalidArgument naming the key on any problem, including an
// unknown key.
Result<Config> ParseConfig(std::string_view toml_text, std::string_view source);
// Reads the file at path and calls ParseConfig. IOError when it cannot be read.
Result<Config> LoadConfig(const std::string& path);
// Checks value ranges and formats; InvalidArgument naming the key.
Status ValidateConfig(const Config& c);
// Checks the menu against WeChat's limits (1-3 buttons, 1-5 sub buttons, name/key/url
// lengths, known types, click buttons carry their keyword text). InvalidArgument naming it.
Status ValidateMenu(const std::vector<Config::MenuButton>& menu);

}  // namespace gebi::bot
