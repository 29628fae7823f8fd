#include "bot/app.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>

#include "handlers/chat/moderation.h"
#include "storage/migrations.h"

namespace gebi::bot {

Result<std::vector<handlers::TemplateText>> ReadTemplateDir(const std::string& dir) {
  std::vector<handlers::TemplateText> out;
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  }
  if (ec) return Status::IOError(fmt::format("templates folder {}: {}", dir, ec.message()));
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    toml::table t;
    try {
      t = toml::parse_file(path.string());
    } catch (const toml::parse_error& e) {
      return Status::InvalidArgument(
          fmt::format("{}:{}: {}", path.string(), e.source().begin.line, e.description()));
    }
    for (const auto& [k, v] : t) {
      auto text = v.value<std::string>();
      if (!text) {
        return Status::InvalidArgument(
            fmt::format("{}: template '{}' must be a string", path.string(), k.str()));
      }
      out.push_back({std::string(k.str()), *text, path.string()});
    }
  }
  return out;
}

Result<std::unique_ptr<App>> App::Create(const Config& config, const Clock& clock) {
  std::unique_ptr<App> app(new App(config, clock));
  std::error_code ec;
  auto parent = std::filesystem::path(config.storage.sqlite).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);

  storage::DatabaseOptions db_options;
  db_options.synchronous = config.storage.synchronous;
  GEBI_ASSIGN_OR_RETURN(app->db_, storage::Database::Open(config.storage.sqlite, db_options));
  GEBI_RETURN_IF_ERROR(storage::Migrate(*app->db_));

  GEBI_ASSIGN_OR_RETURN(auto texts, ReadTemplateDir(config.paths.templates));
  GEBI_ASSIGN_OR_RETURN(app->templates_, handlers::Templates::Create(texts));

  if (!config.wechat.encoding_aes_key.empty()) {
    GEBI_ASSIGN_OR_RETURN(
        MsgCrypt crypt,
        MsgCrypt::Create(config.wechat.token, config.wechat.encoding_aes_key, config.wechat.appid));
    app->crypt_.emplace(std::move(crypt));
  }
  app->replay_guard_ = std::make_unique<ReplayGuard>(config.server.timestamp_window_seconds);
  app->settings_.flow_ttl_seconds = int64_t{config.conversation.ttl_minutes} * 60;
  app->settings_.max_text_chars = config.server.max_text_chars;
  app->settings_.suggestion_answer_days = config.suggestions.answer_days;
  app->settings_.parking_spot_minutes = config.parking.spot_minutes;
  app->settings_.moderation = {config.moderation.mute_after_strikes, config.moderation.mute_days,
                               config.moderation.remove_after_strikes,
                               config.moderation.new_member_days};
  app->settings_.moderation_cache = std::make_shared<handlers::ModerationCache>();
  app->settings_.limits = {config.limits.messages_per_minute,
                           config.limits.open_tickets_per_resident, config.limits.repairs_per_hour,
                           config.limits.repeat_repair_minutes, config.limits.media_per_day};
  for (const auto& b : config.menu) {
    if (b.type == "click") app->settings_.click_texts[b.key] = b.text;
    for (const auto& sb : b.sub_buttons) {
      if (sb.type == "click") app->settings_.click_texts[sb.key] = sb.text;
    }
  }
  app->pipeline_ =
      std::make_unique<handlers::Pipeline>(*app->db_, clock, app->templates_, app->settings_);

  GEBI_ASSIGN_OR_RETURN(
      app->http_, WeChatHttp::Create(config.wechat.api_base, config.push.http_timeout_seconds));
  app->tokens_ = std::make_unique<AccessTokenProvider>(*app->db_, clock, *app->http_, app->config_);
  app->api_ = std::make_unique<WeChatApi>(*app->http_, *app->tokens_);
  app->worker_ =
      std::make_unique<OutboxWorker>(*app->db_, clock, *app->api_, *app->tokens_, app->config_);
  return app;
}

}  // namespace gebi::bot
