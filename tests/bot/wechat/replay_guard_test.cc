// ReplayGuard alone: one body per (timestamp, nonce), retries pass, pairs expire with the
// window, and memory stays bounded under a flood of fresh pairs.
#include "bot/wechat/replay_guard.h"

#include "tests/support/test_env.h"

namespace gebi::bot {
namespace {

TEST_CASE("ReplayGuard admits a pair once per body", "[bot][replay]") {
  ReplayGuard guard(300);
  const int64_t now = 1'700'000'000;
  CHECK(guard.Admit(now, "123", "<xml>a</xml>", now));
  CHECK(guard.Admit(now, "123", "<xml>a</xml>", now + 5));      // a retry of the same body
  CHECK(!guard.Admit(now, "123", "<xml>b</xml>", now + 6));     // another body: refused
  CHECK(guard.Admit(now, "124", "<xml>b</xml>", now + 6));      // another nonce is another pair
  CHECK(guard.Admit(now + 1, "123", "<xml>b</xml>", now + 6));  // and another timestamp
  // After the window the webhook refuses the timestamp anyway; the guard forgets the pair.
  CHECK(guard.Admit(now, "123", "<xml>c</xml>", now + 301));
}

TEST_CASE("ReplayGuard stays bounded under a flood and keeps the longest-lived pairs",
          "[bot][replay]") {
  ReplayGuard guard(300, /*max_entries=*/1000);
  const int64_t now = 1'700'000'000;
  // The first pair has the latest timestamp: it expires last and must survive the shedding.
  REQUIRE(guard.Admit(now + 200, "keep", "<xml>k</xml>", now));
  for (int i = 0; i < 5000; ++i) {
    REQUIRE(guard.Admit(now - 200 + (i % 100), std::to_string(i), "<xml/>", now));
  }
  CHECK(guard.size() <= 1000);
  CHECK(!guard.Admit(now + 200, "keep", "<xml>other</xml>", now));
}

}  // namespace
}  // namespace gebi::bot
