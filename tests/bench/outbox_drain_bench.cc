// Outbox drain rate against the fake WeChat API on loopback: N notices to N recipients whose
// customer-service window is open, drained by the real OutboxWorker (claim under a lease,
// custom/send over HTTP with the shared access token, mark sent) at several concurrencies.
// Reports pushes/s, and enqueue_ms: the delivery of the manager's 「是」 that confirms a real
// notice (通知 <圈子> <内容>, handlers/chat/notices.cc) to a circle of 5,000 members, whose one
// transaction writes the notice, its 5,000 receipt rows and 5,000 outbox rows (scenario (f) of
// deploy/bench.sh). Run:
// build/bench/gebi_bench --benchmark_filter=OutboxDrain
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "bot/app.h"
#include "bot/wechat/simulator.h"
#include "handlers/pipeline.h"
#include "storage/circle_store.h"
#include "storage/outbox.h"
#include "storage/user_store.h"
#include "tests/support/fake_wechat.h"

namespace {

using gebi::Status;
namespace storage = gebi::storage;

constexpr int kPushes = 5000;  // per iteration: a notice to 5,000 members

struct World {
  explicit World(int concurrency) {
    spdlog::set_level(spdlog::level::off);
    dir = std::filesystem::temp_directory_path() /
          ("gebi-bench-" + std::to_string(getpid()) + "-" + std::to_string(concurrency));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    config.wechat.token = "spamtest";
    config.wechat.appid = "wx2c2769f8efd9abc2";
    config.wechat.appsecret = "fake-secret";
    config.wechat.api_base = fake.base_url();
    config.storage.sqlite = (dir / "bench.db").string();
    config.storage.data_dir = (dir / "data").string();
    config.paths.templates = std::string(GEBI_SOURCE_DIR) + "/templates";
    config.push.concurrency = concurrency;
    config.log.level = "off";
    auto created = gebi::bot::App::Create(config, clock);
    if (!created.ok()) throw std::runtime_error(created.status().ToString());
    app = std::move(created).value();
    MakeCircle();
  }
  ~World() {
    app.reset();
    std::filesystem::remove_all(dir);
  }
  // The circle of 5,000 members (each wrote to the account today: their window is open),
  // owned by kOwner, created once.
  void MakeCircle() {
    Status s = app->db().WithTransaction([&](storage::Tx& tx) -> Status {
      const int64_t now = clock.NowSeconds();
      storage::CircleInfo c;
      c.kind = "interest";
      c.name = kCircle;
      c.owner = kOwner;
      c.invite_code = "500000";
      GEBI_ASSIGN_OR_RETURN(int64_t id, storage::InsertCircle(tx, c, now));
      for (int i = 0; i < kPushes; ++i) {
        std::string who = "o_bench_" + std::to_string(i);
        GEBI_RETURN_IF_ERROR(storage::TouchUser(tx, who, now));
        GEBI_RETURN_IF_ERROR(storage::AddMember(tx, id, who, "", now).status());
      }
      return Status::Ok();
    });
    if (!s.ok()) throw std::runtime_error(s.ToString());
  }
  std::string Say(const std::string& text) {
    gebi::handlers::Message m;
    m.to_user = "gh_bench";
    m.from_user = kOwner;
    m.msg_type = "text";
    m.msg_id = gebi::bot::ChatClient::NextMsgId();
    m.create_time = clock.NowSeconds();
    m.content = text;
    auto out = app->pipeline().Handle(m);
    if (!out.ok()) throw std::runtime_error(out.status().ToString());
    return out->reply.content;
  }
  // Confirms the notice asked for last (通知 … asks first, with the count): this delivery's
  // one transaction queues the 5,000 pushes.
  void Confirm() {
    std::string reply = Say("是");
    if (reply.find("共 " + std::to_string(kPushes) + " 人") == std::string::npos) {
      throw std::runtime_error("the notice was not sent: " + reply);
    }
  }
  static constexpr char kOwner[] = "o_bench_owner";
  static constexpr char kCircle[] = "万人合唱团";
  std::filesystem::path dir;
  gebi::testing::FakeWeChat fake;
  gebi::SystemClock clock;
  gebi::bot::Config config;
  std::unique_ptr<gebi::bot::App> app;
};

void BM_OutboxDrain(benchmark::State& state) {
  World world(static_cast<int>(state.range(0)));
  int round = 0;
  int64_t sent = 0;
  double enqueue_ms = 0;  // the slowest of the rounds
  for (auto _ : state) {
    state.PauseTiming();
    world.Say(std::string("通知 ") + World::kCircle + " 第" + std::to_string(++round) + "次排练");
    auto start = std::chrono::steady_clock::now();
    world.Confirm();
    enqueue_ms = std::max(enqueue_ms, std::chrono::duration<double, std::milli>(
                                          std::chrono::steady_clock::now() - start)
                                          .count());
    state.ResumeTiming();
    int got = 0;
    while (got < kPushes) {
      gebi::bot::DrainStats st = world.app->outbox_worker().DrainOnce();
      if (st.claimed == 0) break;
      got += st.sent;
    }
    sent += got;
    if (got != kPushes) state.SkipWithError("not every push was sent");
  }
  state.counters["pushes/s"] =
      benchmark::Counter(static_cast<double>(sent), benchmark::Counter::kIsRate);
  state.counters["enqueue_ms"] = enqueue_ms;
  state.counters["fake_calls"] =
      static_cast<double>(world.fake.CountCalls("/cgi-bin/message/custom/send"));
}
BENCHMARK(BM_OutboxDrain)
    ->Arg(1)
    ->Arg(4)
    ->Arg(8)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

}  // namespace
