// Test support for the push side: a fake WeChat API on loopback, a Config pointing
// wechat.api_base at it, a FakeClock and an App built on a fresh SQLite file, plus helpers to
// enqueue notices, open a recipient's 48 h window and drain the outbox until it is idle.
#pragma once

#include <memory>
#include <string>

#include "bot/app.h"
#include "storage/outbox.h"
#include "tests/support/fake_wechat.h"
#include "tests/support/test_env.h"

namespace gebi::testing {

inline constexpr int64_t kPushEpoch = 1'700'000'000;  // the FakeClock's start

struct PushEnv {
  PushEnv();
  explicit PushEnv(const std::function<void(bot::Config&)>& tweak);

  // Queues a notice {"text": text} (plus extra JSON fields) for recipient.
  int64_t Enqueue(const std::string& recipient, const std::string& kind, const std::string& text,
                  const std::string& extra_json = "{}");
  // Records an inbound message from openid now (opens the customer-service window).
  void Touch(const std::string& openid);
  // Drains, moving the clock past every backoff, until nothing is pending or sending
  // (or rounds run out). Returns the summed stats.
  bot::DrainStats DrainUntilIdle(int rounds = 50);
  storage::OutboxItem Row(int64_t id);
  std::vector<storage::OutboxItem> RowsWithStatus(const std::string& status);

  TempDir dir;
  FakeWeChat fake;
  FakeClock clock{kPushEpoch};
  bot::Config config;
  std::unique_ptr<bot::App> app;
};

}  // namespace gebi::testing
