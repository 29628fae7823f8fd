#include "bot/cli/serve.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <iostream>
#include <memory>
#include <thread>

#include "bot/admin/api.h"
#include "bot/app.h"
#include "bot/http_server.h"
#include "bot/ladder_scheduler.h"
#include "bot/log.h"
#include "bot/maintenance.h"
#include "bot/push/local_wechat.h"
#include "handlers/dispatch.h"
#include "storage/database.h"
#include "storage/migrations.h"

namespace gebi::bot {

namespace {

// The token and key deploy/gebi.example.toml ships: public, so a server using them would take
// messages signed by anyone who read the repository.
constexpr const char* kDemoToken = "gebidemotoken";
constexpr const char* kDemoAesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

int Serve(const Cli& cli, bool demo) {
  auto config = cli.LoadConfig();
  if (!config.ok()) return kExitUsage;
  if (!demo &&
      (config->wechat.token == kDemoToken || config->wechat.encoding_aes_key == kDemoAesKey)) {
    return Report(Status::InvalidArgument(
        "the config uses the demo token or EncodingAESKey, which everyone can read: set "
        "GEBI_WECHAT_TOKEN and GEBI_WECHAT_AES_KEY from the MP console, or add --demo to try "
        "gebi on this machine"));
  }
  SetUpLogging(config->log.level);
  // Block the stop signals in every thread; one thread waits for them and stops the server.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto app = App::Create(*config, cli.clock());
  if (!app.ok()) return Report(app.status());
  const bool separate_admin = config->admin.enabled && !config->admin.listen_host.empty();
  HttpServer server(**app, separate_admin ? Routes::kWebhook : Routes::kAll);
  auto port = server.Bind(config->server.host, config->server.port);
  if (!port.ok()) return Report(port.status());
  std::unique_ptr<HttpServer> admin_server;
  std::thread admin_thread;
  if (separate_admin) {
    admin_server = std::make_unique<HttpServer>(**app, Routes::kAdminOnly);
    auto admin_port = admin_server->Bind(config->admin.listen_host, config->admin.listen_port);
    if (!admin_port.ok()) return Report(admin_port.status());
    admin_thread = std::thread([&admin_server] { admin_server->Listen(); });
  }
  std::thread stopper([&server, &admin_server, signals] {
    int sig = 0;
    sigwait(&signals, &sig);
    spdlog::info("signal {}: finishing in-flight requests and stopping", sig);
    server.Stop();
    if (admin_server) admin_server->Stop();
  });
  spdlog::info("gebi listening on http://{}:{}{} (database {}, schema v{}, {} mode)",
               config->server.host, *port, config->server.path, config->storage.sqlite,
               storage::LatestSchemaVersion(),
               config->wechat.encoding_aes_key.empty() ? "plaintext" : "plaintext/compatible/safe");
  if (config->admin.enabled) {
    std::string host = separate_admin ? config->admin.listen_host : config->server.host;
    int console_port = separate_admin ? config->admin.listen_port : *port;
    spdlog::info("admin console: http://{}:{}{}", host == "0.0.0.0" ? "127.0.0.1" : host,
                 console_port, kAdminConsolePath);
  }
  spdlog::info("talk to it: gebi chat --config {} --openid <openid> 帮助", cli.config_path());
  std::unique_ptr<LocalWeChat> local;
  if (config->push.enabled && config->wechat.appsecret.empty() && demo) {
    // The demo has no WeChat account: notices go to a simulated WeChat on this machine.
    spdlog::warn(
        "no AppSecret: pushes go to the local simulated WeChat (stored, never sent); see what "
        "someone received: gebi chat --config {} --openid <openid> --inbox",
        cli.config_path());
    local = std::make_unique<LocalWeChat>((*app)->db(), (*app)->clock(),
                                          config->push.poll_interval_ms);
    local->Start();
  } else if (config->push.enabled && config->wechat.appsecret.empty()) {
    spdlog::warn("pushes wait in the outbox: set GEBI_WECHAT_APPSECRET to deliver them");
  } else if (config->push.enabled) {
    (*app)->outbox_worker().Start();
  }
  Maintenance maintenance(**app);
  maintenance.Start();
  LadderScheduler ladder(**app);
  if (config->escalation.enabled) ladder.Start();
  bool ok = server.Listen();
  ladder.Stop();
  maintenance.Stop();
  if (local) local->Stop();
  (*app)->outbox_worker().Stop();  // finishes the rows in hand
  // Wake the stopper if we ended for another reason.
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  if (admin_server) admin_server->Stop();
  if (admin_thread.joinable()) admin_thread.join();
  for (const std::string& line : handlers::HandlerCounters()) spdlog::info("handler {}", line);
  spdlog::info("gebi stopped");
  return ok ? 0 : 1;
}
int Migrate(const Cli& cli) {
  auto config = cli.LoadConfig();
  if (!config.ok()) return kExitUsage;
  auto app = App::Create(*config, cli.clock());  // opens and migrates
  if (!app.ok()) return Report(app.status());
  auto v = storage::SchemaVersion((*app)->db());
  if (!v.ok()) return Report(v.status());
  std::cout << fmt::format("{} is at schema version {}\n", config->storage.sqlite, *v);
  return 0;
}

// Copies the configured database to dest while gebi may be serving; the copy is not migrated
// or changed in any way.
int Backup(const Cli& cli, const std::string& dest) {
  auto config = cli.LoadConfig();
  if (!config.ok()) return kExitUsage;
  const std::string& source = config->storage.sqlite;
  if (::access(source.c_str(), R_OK) != 0) {
    return Report(Status::NotFound(source + " does not exist (nothing to back up)"));
  }
  auto db = storage::Database::Open(source);
  if (!db.ok()) return Report(db.status());
  Status s = (*db)->Backup(dest);
  if (!s.ok()) return Report(s);
  std::cout << fmt::format("{} backed up to {}\n", source, dest);
  return kExitOk;
}

}  // namespace

void AddServeCommands(CLI::App& app, Cli& cli) {
  auto* serve = app.add_subcommand("serve", "run the webhook server");
  cli.AddConfigOption(serve);
  auto& demo = cli.Keep<bool>(false);
  serve->add_flag("--demo", demo, "allow the demo token and key of deploy/gebi.example.toml");
  cli.Run(serve, [&cli, &demo] { return Serve(cli, demo); });

  auto* migrate = app.add_subcommand("migrate", "create or upgrade the database schema");
  cli.AddConfigOption(migrate);
  cli.Run(migrate, [&cli] { return Migrate(cli); });

  auto* backup = app.add_subcommand(
      "backup", "copy the database to a new file, consistent even while gebi is serving");
  cli.AddConfigOption(backup);
  auto& dest = cli.Keep<std::string>();
  backup->add_option("file", dest, "the new file (never overwritten)")->required();
  cli.Run(backup, [&cli, &dest] { return Backup(cli, dest); });
}

}  // namespace gebi::bot
