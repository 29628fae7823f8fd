// Micro-benchmarks of the WeChat protocol library (bot/wechat/crypto.h, bot/wechat/xml.h):
// the per-message costs of the webhook before and after the pipeline. Figures only; nothing
// here can fail on time. Run: build/bench/gebi_bench --benchmark_filter=Protocol
#include <benchmark/benchmark.h>

#include <string>

#include "bot/wechat/crypto.h"
#include "bot/wechat/xml.h"
#include "handlers/message.h"

namespace {

constexpr const char* kToken = "gebidemotoken";
constexpr const char* kAesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
constexpr const char* kAppId = "wxd0000000000demo";
constexpr const char* kTimestamp = "1700000000";
constexpr const char* kNonce = "123456789";

gebi::handlers::Message HelpMessage() {
  gebi::handlers::Message m;
  m.to_user = "gh_gebi_demo";
  m.from_user = "o_bench_000001";
  m.create_time = 1700000000;
  m.msg_type = "text";
  m.content = "帮助";
  m.msg_id = "1700000000000000001";
  return m;
}

gebi::bot::MsgCrypt Crypt() { return gebi::bot::MsgCrypt::Create(kToken, kAesKey, kAppId).value(); }

gebi::handlers::Reply HelpReply() {
  return gebi::handlers::Reply::Text("你可以发送：\n帮助 — 看看能做什么\n取消 — 退出当前操作");
}

void BM_ProtocolVerifySignature(benchmark::State& state) {
  std::string sig = gebi::bot::SortedSha1({kToken, kTimestamp, kNonce});
  for (auto _ : state) {
    benchmark::DoNotOptimize(gebi::bot::VerifySignature(kToken, kTimestamp, kNonce, sig));
  }
}
BENCHMARK(BM_ProtocolVerifySignature);

void BM_ProtocolDecrypt(benchmark::State& state) {
  auto crypt = Crypt();
  auto sealed =
      crypt.Encrypt(gebi::bot::SerializeInbound(HelpMessage()), kTimestamp, kNonce).value();
  for (auto _ : state) {
    auto plain = crypt.Decrypt(sealed.msg_signature, kTimestamp, kNonce, sealed.encrypt);
    benchmark::DoNotOptimize(plain);
  }
}
BENCHMARK(BM_ProtocolDecrypt);

void BM_ProtocolEncrypt(benchmark::State& state) {
  auto crypt = Crypt();
  std::string xml =
      gebi::bot::SerializeReply(HelpReply(), "o_bench_000001", "gh_gebi_demo", 1700000000);
  for (auto _ : state) {
    auto sealed = crypt.Encrypt(xml, kTimestamp, kNonce);
    benchmark::DoNotOptimize(sealed);
  }
}
BENCHMARK(BM_ProtocolEncrypt);

void BM_ProtocolParseMessage(benchmark::State& state) {
  std::string xml = gebi::bot::SerializeInbound(HelpMessage());
  for (auto _ : state) {
    auto m = gebi::bot::ParseMessage(xml);
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_ProtocolParseMessage);

void BM_ProtocolParseEnvelope(benchmark::State& state) {
  auto crypt = Crypt();
  auto sealed =
      crypt.Encrypt(gebi::bot::SerializeInbound(HelpMessage()), kTimestamp, kNonce).value();
  std::string body = "<xml><ToUserName><![CDATA[gh_gebi_demo]]></ToUserName><Encrypt><![CDATA[" +
                     sealed.encrypt + "]]></Encrypt></xml>";
  for (auto _ : state) {
    auto env = gebi::bot::ParseEnvelope(body);
    benchmark::DoNotOptimize(env);
  }
}
BENCHMARK(BM_ProtocolParseEnvelope);

void BM_ProtocolSerializeReply(benchmark::State& state) {
  auto reply = HelpReply();
  for (auto _ : state) {
    std::string xml =
        gebi::bot::SerializeReply(reply, "o_bench_000001", "gh_gebi_demo", 1700000000);
    benchmark::DoNotOptimize(xml);
  }
}
BENCHMARK(BM_ProtocolSerializeReply);

void BM_ProtocolSerializeEncryptedEnvelope(benchmark::State& state) {
  auto crypt = Crypt();
  std::string xml =
      gebi::bot::SerializeReply(HelpReply(), "o_bench_000001", "gh_gebi_demo", 1700000000);
  auto sealed = crypt.Encrypt(xml, kTimestamp, kNonce).value();
  for (auto _ : state) {
    std::string out = gebi::bot::SerializeEncryptedEnvelope(sealed);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_ProtocolSerializeEncryptedEnvelope);

}  // namespace
