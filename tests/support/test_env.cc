#include "tests/support/test_env.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace gebi::testing {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "gebi-test-XXXXXX").string();
  char* p = mkdtemp(tmpl.data());
  REQUIRE(p != nullptr);
  path_ = p;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

bot::Config TestConfig(const TempDir& dir, bool with_aes) {
  bot::Config c;
  c.server.host = "127.0.0.1";
  c.server.port = 0;
  c.wechat.token = "spamtest";
  c.wechat.appid = "wx2c2769f8efd9abc2";
  if (with_aes) c.wechat.encoding_aes_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
  c.wechat.account_id = "gh_10f6c3c3ac5a";
  c.storage.sqlite = dir.File("gebi.db");
  c.storage.data_dir = dir.File("data");
  c.paths.templates = std::string(GEBI_SOURCE_DIR) + "/templates";
  c.log.level = "off";
  return c;
}

TestServer::TestServer(const bot::Config& config, const Clock* clock) : config_(config) {
  if (std::getenv("GEBI_TEST_LOG") == nullptr) spdlog::set_level(spdlog::level::off);
  auto app = bot::App::Create(config_, clock != nullptr ? *clock : system_clock_);
  INFO(app.status().ToString());
  REQUIRE(app.ok());
  app_ = std::move(app).value();
  server_ = std::make_unique<bot::HttpServer>(*app_);
  auto port = server_->Bind("127.0.0.1", 0);
  REQUIRE(port.ok());
  port_ = *port;
  thread_ = std::thread([this] { server_->Listen(); });
  REQUIRE(server_->WaitUntilRunning(5000));
}

void TestServer::Stop() {
  if (server_) server_->Stop();
  if (thread_.joinable()) thread_.join();
}

TestServer::~TestServer() { Stop(); }

std::string ReadTestData(const std::string& name) {
  std::ifstream in(std::string(GEBI_TEST_DATA) + "/" + name, std::ios::binary);
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace gebi::testing
