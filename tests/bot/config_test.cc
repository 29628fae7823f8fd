#include "bot/config.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "tests/support/test_env.h"

namespace gebi::bot {
namespace {

constexpr const char* kBase = "[wechat]\ntoken = \"abc123\"\n";

Result<Config> Parse(const std::string& extra) {
  return ParseConfig(std::string(kBase) + extra, "test.toml");
}

void RequireBad(const std::string& extra, const std::string& names) {
  auto c = Parse(extra);
  INFO(extra);
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().code() == Status::Code::kInvalidArgument);
  CHECK(c.status().message().find(names) != std::string::npos);
}

// Found by tests/fuzz/config_parse_fuzz.cc: a huge float reached toml++'s unchecked
// float -> int64 cast (undefined behaviour), and a too-large integer wrapped into range.
TEST_CASE("Config integers refuse floats and values beyond the field's type", "[bot]") {
  RequireBad("[server]\nport = 8e81\n", "server.port must be an integer");
  RequireBad("[server]\nport = 8080.0\n", "server.port must be an integer");
  RequireBad("[server]\nport = 4294975488\n", "server.port is out of range");
  auto c = Parse("[server]\nport = 8081\n");
  REQUIRE_RESULT_OK(c);
  CHECK(c->server.port == 8081);
}

TEST_CASE("Config [push] keys parse with defaults and are validated", "[bot][push]") {
  auto def = Parse("");
  REQUIRE_RESULT_OK(def);
  CHECK(def->push.token_mode == "stable");
  CHECK(def->push.token_refresh_percent == 80);
  CHECK(def->push.enabled);
  CHECK(def->menu.empty());

  auto c = Parse(R"(
[push]
enabled = false
max_attempts = 3
token_mode = "classic"
[push.templates.join_request]
template_id = "TPL1"
url = "https://example.org/j"
fields = { thing1 = "name", time2 = "when" }
)");
  REQUIRE_RESULT_OK(c);
  CHECK_FALSE(c->push.enabled);
  CHECK(c->push.max_attempts == 3);
  CHECK(c->push.token_mode == "classic");
  REQUIRE(c->push.templates.count("join_request"));
  CHECK(c->push.templates.at("join_request").fields.at("time2") == "when");

  RequireBad("[push]\ntoken_mode = \"magic\"\n", "push.token_mode");
  RequireBad("[push]\nmax_attempts = 0\n", "push.max_attempts");
  RequireBad("[push]\nconcurrency = 1000\n", "push.concurrency");
  RequireBad("[push]\nbackoff_base_seconds = 10\nbackoff_cap_seconds = 5\n",
             "push.backoff_cap_seconds");
  RequireBad("[push]\nenabled = 1\n", "push.enabled");
  RequireBad("[push]\nbogus = 1\n", "push.bogus");
  RequireBad("[push.templates.x]\nfields = { a = \"b\" }\n", "push.templates.x.template_id");
  RequireBad("[push.templates.x]\ntemplate_id = \"T\"\n", "push.templates.x.fields");
  RequireBad("[push.templates.x]\ntemplate_id = \"T\"\nfields = { a = 1 }\n",
             "push.templates.x.fields.a");
}

TEST_CASE("Config [menu] follows WeChat's limits", "[bot][push]") {
  auto ok = Parse(R"(
[[menu.button]]
name = "帮助"
type = "click"
key = "help"
text = "帮助"
[[menu.button]]
name = "服务"
[[menu.button.sub_button]]
name = "报修"
type = "click"
key = "repair"
text = "报修"
[[menu.button.sub_button]]
name = "官网"
type = "view"
url = "https://example.org"
)");
  REQUIRE_RESULT_OK(ok);
  REQUIRE(ok->menu.size() == 2);
  CHECK(ok->menu[1].sub_buttons.size() == 2);

  auto button = [](const std::string& body) { return "[[menu.button]]\n" + body; };
  RequireBad(button("name = \"a\"\ntype = \"click\"\nkey = \"k\"\n"), "menu.button[0].text");
  RequireBad(button("name = \"a\"\ntype = \"teleport\"\n"), "menu.button[0].type");
  RequireBad(button("name = \"一二三四五六\"\ntype = \"view\"\nurl = \"https://x\"\n"),
             "menu.button[0].name");  // 18 bytes > 16
  RequireBad(button("name = \"a\"\ntype = \"view\"\nurl = \"javascript:alert(1)\"\n"),
             "menu.button[0].url");
  RequireBad(button("name = \"a\"\ntype = \"click\"\nkey = \"k\"\ntext = \"t\"\n") +
                 button("name = \"b\"\ntype = \"click\"\nkey = \"k\"\ntext = \"t\"\n"),
             "is used twice");
  std::string four;
  for (int i = 0; i < 4; ++i) {
    four += button("name = \"b" + std::to_string(i) + "\"\ntype = \"click\"\nkey = \"k" +
                   std::to_string(i) + "\"\ntext = \"t\"\n");
  }
  RequireBad(four, "at most 3");
  std::string six = "[[menu.button]]\nname = \"m\"\n";
  for (int i = 0; i < 6; ++i) {
    six += "[[menu.button.sub_button]]\nname = \"s\"\ntype = \"click\"\nkey = \"s" +
           std::to_string(i) + "\"\ntext = \"t\"\n";
  }
  RequireBad(six, "at most 5");
  RequireBad("[menu]\nbutton = 3\n", "menu.button");
}

std::string ExampleConfig() {
  std::ifstream in(std::string(GEBI_SOURCE_DIR) + "/deploy/gebi.example.toml");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST_CASE("The example config parses and keeps its documented defaults", "[bot][config]") {
  auto c = ParseConfig(ExampleConfig(), "gebi.example.toml");
  REQUIRE_RESULT_OK(c);
  CHECK(c->server.port == 8080);
  CHECK(c->server.path == "/wechat");
  CHECK(c->server.max_body_bytes == 65536);
  CHECK(c->server.timestamp_window_seconds == 300);
  CHECK(c->wechat.api_base == "https://api.weixin.qq.com");
  CHECK(c->storage.sqlite == "var/gebi.db");
}

TEST_CASE("A bad config fails naming the key", "[bot][config]") {
  struct Case {
    const char* toml;
    const char* key;
  };
  const Case cases[] = {
      {"[wechat]\ntoken = \"ab\"\n", "wechat.token"},
      {"[wechat]\ntoken = \"tok en!\"\n", "wechat.token"},
      {"[wechat]\ntoken = \"good1\"\n[server]\nport = 70000\n", "server.port"},
      {"[wechat]\ntoken = \"good1\"\n[server]\nport = \"80\"\n", "server.port"},
      {"[wechat]\ntoken = \"good1\"\n[server]\npath = \"wechat\"\n", "server.path"},
      {"[wechat]\ntoken = \"good1\"\nencoding_aes_key = \"short\"\n", "wechat.encoding_aes_key"},
      {"[wechat]\ntoken = \"good1\"\napi_base = \"ftp://x\"\n", "wechat.api_base"},
      {"[wechat]\ntoken = \"good1\"\n[server]\nprot = 1\n", "server.prot"},
      {"[wechat]\ntoken = \"good1\"\n[storage]\nsynchronous = \"OFF\"\n", "storage.synchronous"},
      {"[wechat]\ntoken = \"good1\"\n[sever]\n", "sever"},
      {"[wechat\ntoken = 1", "t.toml:"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.toml);
    auto r = ParseConfig(c.toml, "t.toml");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kInvalidArgument);
    CHECK(r.status().message().find(c.key) != std::string::npos);
  }
}

TEST_CASE("Secrets from the environment override the file", "[bot][config]") {
  setenv("GEBI_WECHAT_TOKEN", "fromenv123", 1);
  setenv("GEBI_WECHAT_AES_KEY", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", 1);
  auto c = ParseConfig("[wechat]\ntoken = \"infile\"\nappid = \"wx1\"\n", "t.toml");
  unsetenv("GEBI_WECHAT_TOKEN");
  unsetenv("GEBI_WECHAT_AES_KEY");
  REQUIRE_RESULT_OK(c);
  CHECK(c->wechat.token == "fromenv123");
  CHECK(c->wechat.encoding_aes_key.size() == 43);
}

TEST_CASE("A missing config file is an IOError naming the path", "[bot][config]") {
  auto c = LoadConfig("/nonexistent/gebi.toml");
  REQUIRE(c.status().code() == Status::Code::kIOError);
  REQUIRE(c.status().message().find("/nonexistent/gebi.toml") != std::string::npos);
}

}  // namespace
}  // namespace gebi::bot
