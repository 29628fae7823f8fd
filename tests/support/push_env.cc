#include "tests/support/push_env.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "storage/user_store.h"

namespace gebi::testing {

PushEnv::PushEnv() : PushEnv([](bot::Config&) {}) {}

PushEnv::PushEnv(const std::function<void(bot::Config&)>& tweak) {
  if (std::getenv("GEBI_TEST_LOG") == nullptr) spdlog::set_level(spdlog::level::off);
  config = TestConfig(dir);
  config.wechat.api_base = fake.base_url();
  config.wechat.appsecret = "fake-secret";
  config.push.http_timeout_seconds = 1;
  config.push.backoff_base_seconds = 1;
  config.push.backoff_cap_seconds = 8;
  config.push.max_attempts = 5;
  config.push.concurrency = 4;
  config.push.lease_seconds = 30;
  tweak(config);
  REQUIRE_OK(bot::ValidateConfig(config));
  auto created = bot::App::Create(config, clock);
  INFO(created.status().ToString());
  REQUIRE(created.ok());
  app = std::move(created).value();
}

int64_t PushEnv::Enqueue(const std::string& recipient, const std::string& kind,
                         const std::string& text, const std::string& extra_json) {
  nlohmann::json payload = nlohmann::json::parse(extra_json);
  payload["text"] = text;
  int64_t id = 0;
  REQUIRE_OK(app->db().WithTransaction([&](storage::Tx& tx) -> Status {
    storage::OutboxItem item;
    item.recipient = recipient;
    item.kind = kind;
    item.payload = payload.dump();
    item.dedup_key = kind + ":" + recipient + ":" + text;
    GEBI_ASSIGN_OR_RETURN(bool inserted, storage::Enqueue(tx, item, clock.NowSeconds()));
    if (!inserted) return Status::AlreadyExists("dedup key");
    id = tx.LastInsertId();
    return Status::Ok();
  }));
  return id;
}

void PushEnv::Touch(const std::string& openid) {
  REQUIRE_OK(app->db().WithTransaction(
      [&](storage::Tx& tx) { return storage::TouchUser(tx, openid, clock.NowSeconds()); }));
}

bot::DrainStats PushEnv::DrainUntilIdle(int rounds) {
  bot::DrainStats total;
  for (int i = 0; i < rounds; ++i) {
    bot::DrainStats st = app->outbox_worker().DrainOnce();
    total.claimed += st.claimed;
    total.sent += st.sent;
    total.inbox += st.inbox;
    total.retried += st.retried;
    total.dead += st.dead;
    total.released += st.released;
    total.abandoned += st.abandoned;
    if (RowsWithStatus("pending").empty() && RowsWithStatus("sending").empty()) break;
    clock.Advance(config.push.backoff_cap_seconds + 1);
  }
  return total;
}

storage::OutboxItem PushEnv::Row(int64_t id) {
  std::optional<storage::OutboxItem> row;
  REQUIRE_OK(app->db().WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(row, storage::GetOutboxItem(tx, id));
    return Status::Ok();
  }));
  REQUIRE(row.has_value());
  return *row;
}

std::vector<storage::OutboxItem> PushEnv::RowsWithStatus(const std::string& status) {
  std::vector<storage::OutboxItem> rows;
  REQUIRE_OK(app->db().WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(rows, storage::ListOutboxByStatus(tx, status, 100000));
    return Status::Ok();
  }));
  return rows;
}

}  // namespace gebi::testing
