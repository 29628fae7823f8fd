// App: the process's long-lived parts wired together from a Config: the database (migrated),
// the reply templates, the message pipeline and the WeChat crypto. main and the tests build
// one; the HTTP server and the CLI borrow it. Also the WeChat API side: the HTTP client, the
// shared access token, and the outbox worker (started by `gebi serve`, not by Create).
// Thread-safe after Create.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "bot/config.h"
#include "bot/push/outbox_worker.h"
#include "bot/wechat/access_token.h"
#include "bot/wechat/api.h"
#include "bot/wechat/crypto.h"
#include "bot/wechat/replay_guard.h"
#include "handlers/pipeline.h"
#include "handlers/texts/templates.h"
#include "storage/clock.h"
#include "storage/database.h"

namespace gebi::bot {

// Reads every *.toml file of dir as key = "text" pairs. InvalidArgument naming the file.
Result<std::vector<handlers::TemplateText>> ReadTemplateDir(const std::string& dir);

class App {
 public:
  // Opens and migrates the database, loads and checks the templates, prepares the crypto.
  // clock must outlive the App.
  static Result<std::unique_ptr<App>> Create(const Config& config, const Clock& clock);

  const Config& config() const { return config_; }
  const Clock& clock() const { return clock_; }
  storage::Database& db() { return *db_; }
  handlers::Pipeline& pipeline() { return *pipeline_; }
  const handlers::Templates& templates() const { return templates_; }
  // nullopt when no EncodingAESKey is configured (plaintext mode only).
  const std::optional<MsgCrypt>& crypt() const { return crypt_; }
  // The webhook's (timestamp, nonce) → body memory.
  ReplayGuard& replay_guard() { return *replay_guard_; }
  AccessTokenProvider& tokens() { return *tokens_; }
  WeChatApi& api() { return *api_; }
  OutboxWorker& outbox_worker() { return *worker_; }

 private:
  App(const Config& config, const Clock& clock) : config_(config), clock_(clock) {}

  Config config_;
  const Clock& clock_;
  std::unique_ptr<storage::Database> db_;
  handlers::Templates templates_;
  handlers::HandlerSettings settings_;
  std::optional<MsgCrypt> crypt_;
  std::unique_ptr<ReplayGuard> replay_guard_;
  std::unique_ptr<handlers::Pipeline> pipeline_;
  std::unique_ptr<WeChatHttp> http_;
  std::unique_ptr<AccessTokenProvider> tokens_;
  std::unique_ptr<WeChatApi> api_;
  std::unique_ptr<OutboxWorker> worker_;  // destroyed first: stops before what it borrows
};

}  // namespace gebi::bot
