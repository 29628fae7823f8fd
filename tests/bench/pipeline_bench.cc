// Micro-benchmarks of one delivery in process, without HTTP: bot::HandleWebhook (verify,
// decrypt, parse, pipeline, serialise, encrypt) and handlers::Pipeline::Handle alone, on a
// real SQLite file (WAL) in a temp folder, each iteration a new MsgId. Also what callgrind
// profiles: build/dev/gebi_bench --benchmark_filter=Webhook under valgrind. Figures only.
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "bot/app.h"
#include "bot/wechat/simulator.h"
#include "bot/wechat/webhook.h"
#include "bot/wechat/xml.h"
#include "storage/clock.h"

namespace {

// A migrated App on a fresh database; the folder is removed with it.
class BenchApp {
 public:
  BenchApp() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "gebi-bench-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data()) != nullptr ? tmpl : "";
    config_.wechat.token = "gebibenchtoken";
    config_.wechat.appid = "wxd0000000000demo";
    config_.wechat.encoding_aes_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    config_.storage.sqlite = dir_ + "/gebi.db";
    config_.storage.data_dir = dir_ + "/var";
    config_.paths.templates = std::string(GEBI_SOURCE_DIR) + "/templates";
    // 1,000 senders in a loop would be told to slow down: the limits stay on, out of reach.
    config_.limits.messages_per_minute = 100000;
    spdlog::set_level(spdlog::level::off);
    auto app = gebi::bot::App::Create(config_, clock_);
    if (app.ok()) app_ = std::move(app).value();
  }
  ~BenchApp() {
    app_.reset();
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  gebi::bot::App* app() { return app_.get(); }
  const gebi::bot::Config& config() const { return config_; }
  const gebi::Clock& clock() const { return clock_; }

 private:
  std::string dir_;
  gebi::bot::Config config_;
  gebi::SystemClock clock_;
  std::unique_ptr<gebi::bot::App> app_;
};

gebi::handlers::Message Help(int64_t id, int64_t now) {
  gebi::handlers::Message m;
  m.to_user = "gh_gebi_demo";
  m.from_user = "o_bench_" + std::to_string(id % 1000);
  m.create_time = now;
  m.msg_type = "text";
  m.content = "帮助";
  m.msg_id = std::to_string(1000000000000 + id);
  return m;
}

gebi::bot::WebhookRequest ToRequest(const gebi::bot::SignedRequest& s) {
  gebi::bot::WebhookRequest r;
  r.method = "POST";
  size_t start = 0;
  while (start < s.query.size()) {
    size_t amp = s.query.find('&', start);
    if (amp == std::string::npos) amp = s.query.size();
    std::string kv = s.query.substr(start, amp - start);
    size_t eq = kv.find('=');
    r.query.emplace(kv.substr(0, eq), eq == std::string::npos ? "" : kv.substr(eq + 1));
    start = amp + 1;
  }
  r.body = s.body;
  return r;
}

void BM_PipelineHelp(benchmark::State& state) {
  BenchApp b;
  if (b.app() == nullptr) return state.SkipWithError("App::Create failed");
  int64_t id = 0;
  const int64_t now = b.clock().NowSeconds();
  const uint64_t before = b.app()->db().statements();
  for (auto _ : state) {
    auto outcome = b.app()->pipeline().Handle(Help(++id, now));
    if (!outcome.ok()) return state.SkipWithError(outcome.status().ToString().c_str());
  }
  state.counters["stmts/msg"] =
      static_cast<double>(b.app()->db().statements() - before) / static_cast<double>(id);
}
BENCHMARK(BM_PipelineHelp);

void BM_PipelineRetry(benchmark::State& state) {
  BenchApp b;
  if (b.app() == nullptr) return state.SkipWithError("App::Create failed");
  auto m = Help(1, b.clock().NowSeconds());
  (void)b.app()->pipeline().Handle(m);
  const uint64_t before = b.app()->db().statements();
  int64_t n = 0;
  for (auto _ : state) {
    auto outcome = b.app()->pipeline().Handle(m);
    if (!outcome.ok() || !outcome->duplicate) return state.SkipWithError("not a duplicate");
    ++n;
  }
  state.counters["stmts/msg"] =
      static_cast<double>(b.app()->db().statements() - before) / static_cast<double>(n);
}
BENCHMARK(BM_PipelineRetry);

// A retry the pipeline no longer holds in memory (older than its minute, or after a restart):
// read from the ledger on a read connection. Cycling through more keys than the pipeline keeps
// (4,096) makes every one miss memory.
void BM_PipelineRetryFromLedger(benchmark::State& state) {
  BenchApp b;
  if (b.app() == nullptr) return state.SkipWithError("App::Create failed");
  constexpr int64_t kKeys = 5000;
  const int64_t now = b.clock().NowSeconds();
  for (int64_t id = 0; id < kKeys; ++id) {
    if (!b.app()->pipeline().Handle(Help(id, now)).ok()) {
      return state.SkipWithError("first delivery failed");
    }
  }
  const uint64_t before = b.app()->db().statements();
  int64_t n = 0;
  for (auto _ : state) {
    auto outcome = b.app()->pipeline().Handle(Help(n % kKeys, now));
    if (!outcome.ok() || !outcome->duplicate) return state.SkipWithError("not a duplicate");
    ++n;
  }
  state.counters["stmts/msg"] =
      static_cast<double>(b.app()->db().statements() - before) / static_cast<double>(n);
}
BENCHMARK(BM_PipelineRetryFromLedger);

// Signs one request per iteration outside the timed part; times HandleWebhook only.
void RunWebhook(benchmark::State& state, bool safe) {
  BenchApp b;
  if (b.app() == nullptr) return state.SkipWithError("App::Create failed");
  int64_t id = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const int64_t now = b.clock().NowSeconds();
    auto signed_req = gebi::bot::SignRequest(
        b.config(), gebi::bot::SerializeInbound(Help(++id, now)), safe, now, "o_bench");
    auto req = ToRequest(*signed_req);
    state.ResumeTiming();
    auto res = gebi::bot::HandleWebhook(*b.app(), req);
    if (res.status != 200 || res.outcome != "ok") {
      return state.SkipWithError(("webhook: " + res.outcome).c_str());
    }
  }
}

void BM_WebhookHelpPlain(benchmark::State& state) { RunWebhook(state, false); }
BENCHMARK(BM_WebhookHelpPlain);

void BM_WebhookHelpSafe(benchmark::State& state) { RunWebhook(state, true); }
BENCHMARK(BM_WebhookHelpSafe);

}  // namespace
