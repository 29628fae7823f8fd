#include "bot/push/outbox_worker.h"

#include <fstream>
#include <map>

#include "storage/database.h"
#include "storage/media_store.h"
#include "tests/support/push_env.h"

namespace gebi::bot {
namespace {

using testing::FakeWeChat;
using testing::PushEnv;
using Fault = FakeWeChat::Fault;
using FaultKind = FakeWeChat::FaultKind;

constexpr const char* kCustom = "/cgi-bin/message/custom/send";
constexpr const char* kTemplate = "/cgi-bin/message/template/send";

// How many times each text was delivered to WeChat (by our side: accepted sends).
std::map<std::string, int> DeliveryCounts(const FakeWeChat& fake) {
  std::map<std::string, int> n;
  for (const auto& d : fake.Deliveries()) ++n[d.touser + "|" + d.text];
  return n;
}

TEST_CASE("Outbox worker delivers every notice exactly once under each API fault", "[bot][push]") {
  struct Case {
    const char* name;
    Fault fault;
  };
  const Case cases[] = {
      {"timeout", {FaultKind::kTimeout, -1, 1500, 3}},
      {"HTTP 503", {FaultKind::kHttp5xx, 0, 0, 3}},
      {"errcode -1 busy", {FaultKind::kErrcode, -1, 0, 3}},
      {"40001 once", {FaultKind::kErrcode, 40001, 0, 1}},
      {"42001 once", {FaultKind::kErrcode, 42001, 0, 1}},
      {"slow answers", {FaultKind::kSlow, 0, 300, 4}},
      {"quota 45009", {FaultKind::kErrcode, 45009, 0, 2}},
  };
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.name) {
      PushEnv env;
      env.fake.AddFault(kCustom, c.fault);
      std::vector<std::string> users;
      for (int i = 0; i < 8; ++i) {
        users.push_back("o_user_" + std::to_string(i));
        env.Touch(users.back());
        env.Enqueue(users.back(), "ticket_new", "工单 #" + std::to_string(i) + " 有新进展");
      }
      env.DrainUntilIdle();
      CHECK(env.RowsWithStatus("sent").size() == 8);
      CHECK(env.RowsWithStatus("dead").empty());
      auto counts = DeliveryCounts(env.fake);
      REQUIRE(counts.size() == 8);
      for (const auto& [k, n] : counts) {
        INFO(k);
        CHECK(n == 1);
      }
      for (const auto& d : env.fake.Deliveries()) CHECK(d.channel == "custom");
    }
  }
}

TEST_CASE("A token rejected with 40001 is fetched anew once and the call retried", "[bot][push]") {
  PushEnv env;
  env.Touch("o_a");
  env.Enqueue("o_a", "notice", "第一条");
  env.DrainUntilIdle();
  REQUIRE(env.fake.CountCalls("/cgi-bin/stable_token") == 1);
  env.fake.RevokeTokens();  // someone force-refreshed elsewhere
  env.Enqueue("o_a", "notice", "第二条");
  env.DrainUntilIdle();
  CHECK(env.fake.CountCalls("/cgi-bin/stable_token") == 2);
  CHECK(env.RowsWithStatus("sent").size() == 2);
  auto calls = env.fake.CallsTo(kCustom);
  REQUIRE(calls.size() == 3);  // ok, 40001, ok with the new token
  CHECK(calls[1].errcode == 40001);
  CHECK(calls[2].query["access_token"] != calls[1].query["access_token"]);
}

TEST_CASE("Planner falls from custom to template to inbox", "[bot][push]") {
  PushEnv env([](Config& c) {
    c.push.templates["join_request"] = {"TPL_JOIN", "", {{"thing1", "name"}, {"thing2", "text"}}};
  });
  env.fake.SetFollower("o_follower", true);

  SECTION("open window: customer-service message") {
    env.Touch("o_follower");
    env.Enqueue("o_follower", "join_request", "张三申请加入第3网格", R"({"name":"张三"})");
    env.DrainUntilIdle();
    auto d = env.fake.Deliveries();
    REQUIRE(d.size() == 1);
    CHECK(d[0].channel == "custom");
    CHECK(d[0].touser == "o_follower");
    CHECK(d[0].text == "张三申请加入第3网格");
    CHECK(env.RowsWithStatus("sent").front().channel == "custom");
  }
  SECTION("closed window (no message for 48 h): template message with mapped fields") {
    env.Touch("o_follower");
    env.clock.Advance(48 * 3600 + 1);
    int64_t id = env.Enqueue("o_follower", "join_request", "张三申请加入", R"({"name":"张三"})");
    env.DrainUntilIdle();
    REQUIRE(env.fake.CountCalls(kCustom) == 0);
    auto d = env.fake.Deliveries();
    REQUIRE(d.size() == 1);
    CHECK(d[0].channel == "template");
    CHECK(d[0].body["template_id"] == "TPL_JOIN");
    CHECK(d[0].body["data"]["thing1"]["value"] == "张三");
    CHECK(d[0].body["data"]["thing2"]["value"] == "张三申请加入");
    CHECK(d[0].body["client_msg_id"] == "gebi-" + std::to_string(id));
    CHECK(env.Row(id).channel == "template");
  }
  SECTION("45015 from custom/send falls to the template at once, no blind retry") {
    env.Touch("o_follower");
    env.fake.AddFault(kCustom, {FaultKind::kErrcode, 45015, 0, -1});
    env.Enqueue("o_follower", "join_request", "张三申请加入", R"({"name":"张三"})");
    auto st = env.app->outbox_worker().DrainOnce();
    CHECK(st.sent == 1);
    CHECK(env.fake.CountCalls(kCustom) == 1);
    CHECK(env.fake.Deliveries().at(0).channel == "template");
  }
  SECTION("45047 with no template for the kind goes to the inbox") {
    env.Touch("o_follower");
    env.fake.AddFault(kCustom, {FaultKind::kErrcode, 45047, 0, -1});
    int64_t id = env.Enqueue("o_follower", "ticket_done", "你的报修已完成");
    auto st = env.app->outbox_worker().DrainOnce();
    CHECK(st.inbox == 1);
    CHECK(env.Row(id).status == "inbox");
    CHECK(env.fake.CountCalls(kTemplate) == 0);
  }
  SECTION("template refused because the user does not follow (43004): inbox") {
    env.Enqueue("o_stranger", "join_request", "通知内容", R"({"name":"李四"})");
    env.DrainUntilIdle();
    CHECK(env.RowsWithStatus("inbox").size() == 1);
    CHECK(env.fake.Deliveries().empty());
  }
  SECTION("an unfollowed user gets no customer-service attempt") {
    env.Touch("o_gone");
    REQUIRE_OK(env.app->db().WithTransaction([&](storage::Tx& tx) {
      return tx.Run("UPDATE users SET subscribed = 0 WHERE openid = ?1", "o_gone");
    }));
    env.Enqueue("o_gone", "ticket_done", "完成");
    env.DrainUntilIdle();
    CHECK(env.fake.CountCalls(kCustom) == 0);
    CHECK(env.RowsWithStatus("inbox").size() == 1);
  }
  SECTION("a template fault retries on the template channel, not custom again") {
    env.Touch("o_follower");
    env.fake.AddFault(kCustom, {FaultKind::kErrcode, 45015, 0, -1});
    env.fake.AddFault(kTemplate, {FaultKind::kErrcode, -1, 0, 2});
    int64_t id = env.Enqueue("o_follower", "join_request", "x", R"({"name":"王五"})");
    env.DrainUntilIdle();
    CHECK(env.Row(id).status == "sent");
    CHECK(env.Row(id).channel == "template");
    CHECK(env.fake.CountCalls(kCustom) == 1);
    CHECK(env.fake.CountCalls(kTemplate) == 3);
  }
}

TEST_CASE("Rows failing max_attempts times are dead-lettered and can be retried", "[bot][push]") {
  PushEnv env;
  env.Touch("o_a");
  env.fake.AddFault(kCustom, {FaultKind::kHttp5xx, 0, 0, -1});
  int64_t id = env.Enqueue("o_a", "notice", "会失败的通知");
  env.DrainUntilIdle();
  auto row = env.Row(id);
  CHECK(row.status == "dead");
  CHECK(row.attempts == env.config.push.max_attempts);
  CHECK(row.last_error.find("HTTP 503") != std::string::npos);
  CHECK(env.fake.CountCalls(kCustom) == env.config.push.max_attempts);

  env.fake.ClearFaults();
  REQUIRE_OK(env.app->db().WithTransaction(
      [&](storage::Tx& tx) { return storage::RetryOutboxItem(tx, id, env.clock.NowSeconds()); }));
  env.DrainUntilIdle();
  CHECK(env.Row(id).status == "sent");
  CHECK(DeliveryCounts(env.fake).size() == 1);
}

TEST_CASE("Permanent refusals and bad payloads are dead at once", "[bot][push]") {
  PushEnv env;
  env.Touch("o_a");
  SECTION("invalid openid 40003") {
    env.fake.AddFault(kCustom, {FaultKind::kErrcode, 40003, 0, -1});
    int64_t id = env.Enqueue("o_a", "notice", "x");
    env.app->outbox_worker().DrainOnce();
    CHECK(env.Row(id).status == "dead");
    CHECK(env.Row(id).attempts == 1);
  }
  SECTION("payload without text") {
    int64_t id = 0;
    REQUIRE_OK(env.app->db().WithTransaction([&](storage::Tx& tx) -> Status {
      storage::OutboxItem item{0, "o_a", "notice", R"({"title":"no text"})", "k1"};
      GEBI_ASSIGN_OR_RETURN(bool ok, storage::Enqueue(tx, item, env.clock.NowSeconds()));
      id = tx.LastInsertId();
      return ok ? Status::Ok() : Status::Internal("not inserted");
    }));
    env.app->outbox_worker().DrainOnce();
    CHECK(env.Row(id).status == "dead");
    CHECK(env.fake.CountCalls(kCustom) == 0);
  }
}

TEST_CASE("A crash between send and mark sends that row at most once more", "[bot][push]") {
  PushEnv env([](Config& c) { c.push.concurrency = 1; });
  std::vector<std::string> users;
  for (int i = 0; i < 6; ++i) {
    users.push_back("o_r" + std::to_string(i));
    env.Touch(users.back());
    env.Enqueue(users.back(), "notice", "第" + std::to_string(i) + "条");
  }
  // First process: "crashes" after WeChat accepted the 3rd row; nothing after it is marked.
  {
    int accepted = 0;
    OutboxWorker& worker = env.app->outbox_worker();
    worker.SetAfterSendHook([&](const storage::OutboxItem&) {
      if (++accepted < 3) return true;
      worker.Stop();  // the process dies here: no more rows are taken
      return false;
    });
    worker.DrainOnce();
    env.app->outbox_worker().SetAfterSendHook(nullptr);
  }
  CHECK(env.RowsWithStatus("sent").size() == 2);
  auto sending = env.RowsWithStatus("sending");
  REQUIRE_FALSE(sending.empty());
  // Restart: a fresh App on the same file. The crashed rows wait for their lease.
  env.app.reset();
  auto reopened = App::Create(env.config, env.clock);
  REQUIRE_RESULT_OK(reopened);
  env.app = std::move(reopened).value();
  auto early = env.app->outbox_worker().DrainOnce();
  CHECK(early.sent == 3);                              // the rows nobody had taken yet
  REQUIRE(env.RowsWithStatus("sending").size() == 1);  // the crashed row waits for its lease
  env.clock.Advance(env.config.push.lease_seconds + 1);
  env.DrainUntilIdle();
  CHECK(env.RowsWithStatus("sent").size() == 6);
  auto counts = DeliveryCounts(env.fake);
  REQUIRE(counts.size() == 6);
  int duplicates = 0;
  for (const auto& [k, n] : counts) {
    CHECK(n <= 2);
    duplicates += n - 1;
  }
  CHECK(duplicates == 1);  // only the row WeChat accepted just before the crash
}

TEST_CASE("Backoff doubles from the base, is capped, and jitter stays in [d/2, d]", "[bot][push]") {
  CHECK(OutboxWorker::BackoffSeconds(1, 5, 3600) == 5);
  CHECK(OutboxWorker::BackoffSeconds(2, 5, 3600) == 10);
  CHECK(OutboxWorker::BackoffSeconds(4, 5, 3600) == 40);
  CHECK(OutboxWorker::BackoffSeconds(30, 5, 3600) == 3600);
  PushEnv env([](Config& c) {
    c.push.backoff_base_seconds = 100;
    c.push.backoff_cap_seconds = 1000;
  });
  env.Touch("o_a");
  env.fake.AddFault(kCustom, {FaultKind::kErrcode, -1, 0, -1});
  int64_t id = env.Enqueue("o_a", "notice", "x");
  env.app->outbox_worker().DrainOnce();
  auto row = env.Row(id);
  CHECK(row.status == "pending");
  CHECK(row.next_attempt_at >= testing::kPushEpoch + 50);
  CHECK(row.next_attempt_at <= testing::kPushEpoch + 100);
}

TEST_CASE("Photos are fetched once, stored content-addressed and linked by media id",
          "[bot][push]") {
  PushEnv env;
  const std::string jpeg = std::string("\xFF\xD8\xFF\xE0 fake jpeg bytes \x00\x01", 22);
  env.fake.AddMedia("MEDIA_1", jpeg, "image/jpeg");
  REQUIRE_OK(env.app->db().WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_RETURN_IF_ERROR(storage::QueueMediaFetch(tx, "o_a", "MEDIA_1", "http://pic/1", 1));
    GEBI_RETURN_IF_ERROR(storage::QueueMediaFetch(tx, "o_a", "MEDIA_1", "http://pic/1", 1));
    return storage::QueueMediaFetch(tx, "o_a", "MEDIA_GONE", "http://pic/2", 1);
  }));
  env.fake.AddFault("/cgi-bin/media/get", {FaultKind::kHttp5xx, 0, 0, 1});
  env.DrainUntilIdle();
  std::optional<storage::MediaRecord> m, gone;
  REQUIRE_OK(env.app->db().WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(m, storage::GetMedia(tx, "MEDIA_1"));
    GEBI_ASSIGN_OR_RETURN(gone, storage::GetMedia(tx, "MEDIA_GONE"));
    return Status::Ok();
  }));
  REQUIRE(m.has_value());
  REQUIRE(m->sha256.has_value());
  CHECK(m->sha256->size() == 64);
  CHECK(*m->local_path == "media/" + m->sha256->substr(0, 2) + "/" + *m->sha256 + ".jpg");
  CHECK(m->bytes == static_cast<int64_t>(jpeg.size()));
  std::ifstream in(env.config.storage.data_dir + "/" + *m->local_path, std::ios::binary);
  std::string stored((std::istreambuf_iterator<char>(in)), {});
  CHECK(stored == jpeg);
  REQUIRE(gone.has_value());
  CHECK_FALSE(gone->local_path.has_value());
  auto dead = env.RowsWithStatus("dead");
  REQUIRE(dead.size() == 1);  // 40007: expired media id, no point retrying
  CHECK(dead[0].dedup_key == "media:MEDIA_GONE");
}

TEST_CASE("While the token fetch is paused, rows wait without using up attempts", "[bot][push]") {
  PushEnv env;
  env.Touch("o_a");
  env.fake.AddFault("/cgi-bin/stable_token", {FaultKind::kErrcode, 40164, 0, 1});
  int64_t id = env.Enqueue("o_a", "notice", "等待令牌");
  auto st = env.app->outbox_worker().DrainOnce();
  CHECK(st.released == 1);
  CHECK(env.Row(id).attempts == 0);
  CHECK(env.Row(id).status == "pending");
  // Paused: further rounds touch neither WeChat nor the row.
  for (int i = 0; i < 5; ++i) CHECK(env.app->outbox_worker().DrainOnce().claimed == 0);
  CHECK(env.fake.CountCalls("/cgi-bin/stable_token") == 1);
  env.clock.Advance(env.config.push.alarm_backoff_seconds + 1);
  env.app->outbox_worker().DrainOnce();
  CHECK(env.Row(id).status == "sent");
}

}  // namespace
}  // namespace gebi::bot
