#include "bot/config.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "tests/support/test_env.h"

namespace gebi::bot {
namespace {

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
