// Test support: a Config for tests (fresh SQLite file in a temp folder, the repo's templates),
// a real gebi HTTP server on a loopback port chosen at run time, and REQUIRE_OK.
#pragma once

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <thread>

#include "bot/app.h"
#include "bot/config.h"
#include "bot/http_server.h"
#include "bot/wechat/simulator.h"
#include "storage/clock.h"

#define REQUIRE_OK(expr)      \
  do {                        \
    auto&& req_ok_ = (expr);  \
    INFO(req_ok_.ToString()); \
    REQUIRE(req_ok_.ok());    \
  } while (0)

#define REQUIRE_RESULT_OK(expr)        \
  do {                                 \
    auto&& req_ok_ = (expr);           \
    INFO(req_ok_.status().ToString()); \
    REQUIRE(req_ok_.ok());             \
  } while (0)

namespace gebi::testing {

// A fresh temporary folder, removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Token/key/appid of vector V5, so tests exercise the real algorithm; a fresh database in dir.
bot::Config TestConfig(const TempDir& dir, bool with_aes = true);

// The real server on 127.0.0.1:<any free port> in a background thread; stops in the
// destructor. Owns its App.
class TestServer {
 public:
  explicit TestServer(const bot::Config& config, const Clock* clock = nullptr);
  ~TestServer();
  int port() const { return port_; }
  bot::App& app() { return *app_; }
  bot::ChatClient Client() const { return bot::ChatClient(config_, "127.0.0.1", port_); }
  const bot::Config& config() const { return config_; }
  // Stops the server and waits for its thread (idempotent).
  void Stop();

 private:
  bot::Config config_;
  SystemClock system_clock_;
  std::unique_ptr<bot::App> app_;
  std::unique_ptr<bot::HttpServer> server_;
  std::thread thread_;
  int port_ = 0;
};

// Reads a file of tests/data.
std::string ReadTestData(const std::string& name);

}  // namespace gebi::testing
