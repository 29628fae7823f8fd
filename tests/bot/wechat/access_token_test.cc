#include "bot/wechat/access_token.h"

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>
#include <thread>

#include "storage/token_store.h"
#include "tests/support/push_env.h"

namespace gebi::bot {
namespace {

using testing::FakeWeChat;
using testing::PushEnv;
using FaultKind = FakeWeChat::FaultKind;

constexpr const char* kStable = "/cgi-bin/stable_token";

TEST_CASE("32 threads needing a token at once cause one fetch", "[bot][push]") {
  PushEnv env;
  env.fake.AddFault(kStable, {FaultKind::kSlow, 0, 200, 1});  // keep the fetch in flight
  std::vector<std::thread> threads;
  std::vector<std::string> got(32);
  std::atomic<int> failures{0};
  for (int i = 0; i < 32; ++i) {
    threads.emplace_back([&, i] {
      auto t = env.app->tokens().Get();
      if (t.ok())
        got[i] = *t;
      else
        ++failures;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  CHECK(env.fake.CountCalls(kStable) == 1);
  for (const auto& t : got) CHECK(t == got[0]);
  auto body = env.fake.CallsTo(kStable).at(0).body;
  CHECK(body["grant_type"] == "client_credential");
  CHECK(body["force_refresh"] == false);
}

TEST_CASE("Processes sharing the database share one fetch through the lease row", "[bot][push]") {
  PushEnv env;
  env.fake.AddFault(kStable, {FaultKind::kSlow, 0, 300, 1});
  // A second "process": its own connection, HTTP client and provider on the same file.
  auto db2 = storage::Database::Open(env.config.storage.sqlite);
  REQUIRE_RESULT_OK(db2);
  auto http2 = WeChatHttp::Create(env.config.wechat.api_base, 2);
  REQUIRE_RESULT_OK(http2);
  AccessTokenProvider other(**db2, env.clock, **http2, env.config);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] { ok += env.app->tokens().Get().ok(); });
    threads.emplace_back([&] { ok += other.Get().ok(); });
  }
  for (auto& t : threads) t.join();
  CHECK(ok == 32);
  CHECK(env.fake.CountCalls(kStable) == 1);
  CHECK(env.app->tokens().fetches() + other.fetches() == 1);
}

TEST_CASE("The token is refreshed after 80 % of its life, not before", "[bot][push]") {
  PushEnv env;
  env.fake.SetTokenLifetime(1000);
  auto first = env.app->tokens().Get();
  REQUIRE_RESULT_OK(first);
  env.clock.Advance(799);
  CHECK(*env.app->tokens().Get() == *first);
  CHECK(env.fake.CountCalls(kStable) == 1);
  env.clock.Advance(2);
  env.fake.RevokeTokens();  // the stable endpoint hands out a new one
  auto second = env.app->tokens().Get();
  REQUIRE_RESULT_OK(second);
  CHECK(*second != *first);
  CHECK(env.fake.CountCalls(kStable) == 2);
  std::optional<storage::StoredToken> row;
  REQUIRE_OK(env.app->db().WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(row, storage::GetToken(tx, "stable"));
    return Status::Ok();
  }));
  REQUIRE(row.has_value());
  CHECK(row->token == *second);
  CHECK(row->expires_at == row->fetched_at + 1000);
  CHECK(row->refresh_at == row->fetched_at + 800);
}

TEST_CASE("Classic mode uses GET /cgi-bin/token", "[bot][push]") {
  PushEnv env([](Config& c) { c.push.token_mode = "classic"; });
  REQUIRE_RESULT_OK(env.app->tokens().Get());
  auto calls = env.fake.CallsTo("/cgi-bin/token");
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].method == "GET");
  CHECK(calls[0].query["grant_type"] == "client_credential");
  CHECK(env.fake.CountCalls(kStable) == 0);
}

TEST_CASE("40164 or a bad secret raise one alarm and pause fetching - the secret is never logged",
          "[bot][push]") {
  std::ostringstream log;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log);
  auto logger = std::make_shared<spdlog::logger>("capture", sink);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::info);
  struct Restore {
    std::shared_ptr<spdlog::logger> p;
    ~Restore() {
      spdlog::set_default_logger(p);
      spdlog::set_level(spdlog::level::off);
    }
  } restore{previous};

  SECTION("IP not whitelisted") {
    PushEnv env;
    spdlog::set_level(spdlog::level::info);
    env.fake.AddFault(kStable, {FaultKind::kErrcode, 40164, 0, 1});
    auto t = env.app->tokens().Get();
    REQUIRE_FALSE(t.ok());
    CHECK(t.status().code() == Status::Code::kUnauthenticated);
    for (int i = 0; i < 20; ++i) CHECK_FALSE(env.app->tokens().Get().ok());
    CHECK(env.fake.CountCalls(kStable) == 1);  // no spinning
    std::string text = log.str();
    CHECK(text.find("ALARM") != std::string::npos);
    CHECK(text.find("40164") != std::string::npos);
    CHECK(text.find("whitelist") != std::string::npos);
    size_t first = text.find("ALARM");
    CHECK(text.find("ALARM", first + 1) == std::string::npos);  // one line, not one per call
    env.clock.Advance(env.config.push.alarm_backoff_seconds + 1);
    CHECK(env.app->tokens().Get().ok());
    CHECK(env.fake.CountCalls(kStable) == 2);
  }
  SECTION("wrong AppSecret") {
    PushEnv env([](Config& c) { c.wechat.appsecret = "WRONG-secret-value-xyz"; });
    spdlog::set_level(spdlog::level::info);
    auto t = env.app->tokens().Get();
    REQUIRE_FALSE(t.ok());
    CHECK(t.status().message().find("40125") != std::string::npos);
    CHECK(t.status().message().find("WRONG-secret-value-xyz") == std::string::npos);
    CHECK(log.str().find("ALARM") != std::string::npos);
    CHECK(log.str().find("WRONG-secret-value-xyz") == std::string::npos);
    CHECK(*env.app->tokens().BlockedUntil() > env.clock.NowSeconds());
  }
  SECTION("a transient failure is not an alarm and does not pause") {
    PushEnv env;
    spdlog::set_level(spdlog::level::info);
    env.fake.AddFault(kStable, {FaultKind::kHttp5xx, 0, 0, 1});
    CHECK_FALSE(env.app->tokens().Get().ok());
    CHECK(env.app->tokens().Get().ok());
    CHECK(log.str().find("ALARM") == std::string::npos);
    CHECK(log.str().find("fake-secret") == std::string::npos);
  }
}

TEST_CASE("Rejecting a token twice refreshes once", "[bot][push]") {
  PushEnv env;
  auto t = env.app->tokens().Get();
  REQUIRE_RESULT_OK(t);
  env.fake.RevokeTokens();
  REQUIRE_OK(env.app->tokens().Reject(*t));
  auto fresh = env.app->tokens().Get();
  REQUIRE_RESULT_OK(fresh);
  REQUIRE_OK(env.app->tokens().Reject(*t));  // a late report of the old token
  CHECK(*env.app->tokens().Get() == *fresh);
  CHECK(env.fake.CountCalls(kStable) == 2);
}

}  // namespace
}  // namespace gebi::bot
