// baseline_server: the HTTP ceiling for deploy/bench.sh. A cpp-httplib server with exactly the
// thread pool, limits, keep-alive and socket settings gebi applies (bot::ApplyServerSettings
// and bot::BindServer on the same config file), answering every request on the webhook path
// with one fixed passive reply of the size of gebi's help reply. No signature check, no XML,
// no database: whatever gebi's figures lose against this is gebi's own cost.
//
//   baseline_server --config FILE [--port N]
// Prints "listening on HOST:PORT" once bound; stops cleanly on SIGINT/SIGTERM.
#include <httplib.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <string>
#include <thread>

#include "bot/config.h"
#include "bot/http_server.h"

namespace {

// A text reply as gebi sends for 帮助 (same order of size: ~330 bytes of XML).
constexpr const char* kFixedReply =
    "<xml><ToUserName><![CDATA[o_bench_000000]]></ToUserName>"
    "<FromUserName><![CDATA[gh_gebi_demo]]></FromUserName><CreateTime>1700000000</CreateTime>"
    "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你可以发送：\n帮助 — 看看能做什么\n"
    "取消 — 退出当前操作]]></Content></xml>";

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"baseline_server: fixed-reply cpp-httplib server with gebi's server settings"};
  std::string config_path;
  int port = -1;
  cli.add_option("--config,-c", config_path, "gebi TOML config (server.* settings are used)")
      ->required();
  cli.add_option("--port", port, "port to bind (default: server.port of the config; 0 = any)");
  CLI11_PARSE(cli, argc, argv);

  auto config = gebi::bot::LoadConfig(config_path);
  if (!config.ok()) {
    std::cerr << "baseline_server: " << config.status().ToString() << "\n";
    return 2;
  }
  if (port < 0) port = config->server.port;

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  httplib::Server server;
  gebi::bot::ApplyServerSettings(server, *config);
  auto reply = [](const httplib::Request&, httplib::Response& res) {
    res.set_content(kFixedReply, "application/xml; charset=utf-8");
  };
  server.Get(config->server.path, reply);
  server.Post(config->server.path, reply);
  server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"ok"})", "application/json");
  });

  auto bound = gebi::bot::BindServer(server, config->server.host, port);
  if (!bound.ok()) {
    std::cerr << "baseline_server: " << bound.status().ToString() << "\n";
    return 1;
  }
  std::cout << "listening on " << config->server.host << ":" << *bound << std::endl;
  std::thread stopper([&server, signals] {
    int sig = 0;
    sigwait(&signals, &sig);
    server.stop();
  });
  bool ok = server.listen_after_bind();
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  return ok ? 0 : 1;
}
