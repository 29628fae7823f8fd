// gebi_corpus: writes a corpus of distinct signed WeChat deliveries for deploy/bench.sh, one
// request per line: "<path>?<query>\t<body>" where the body escapes '\\', '\n', '\r' and '\t'
// as "\\\\", "\\n", "\\r", "\\t" (tests/bench/corpus.lua undoes it). Each line is a text
// message with its own MsgId, signed (and in safe mode encrypted) exactly as WeChat does, via
// bot::SerializeInbound and bot::SignRequest, at the current time: the signatures stay inside
// server.timestamp_window_seconds for that long after generation.
//
//   gebi_corpus --config FILE --out FILE --count N [--text 帮助] [--safe] [--senders N]
//               [--sender-prefix o_bench_] [--msgid-base N]
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

#include "bot/config.h"
#include "bot/wechat/simulator.h"
#include "bot/wechat/xml.h"
#include "handlers/message.h"

namespace {

std::string Escape(const std::string& s) {
  std::string out;
  out.reserve(s.size() + 16);
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"gebi_corpus: distinct signed WeChat text messages for wrk"};
  std::string config_path, out_path, text = "帮助", sender_prefix = "o_bench_";
  int64_t count = 10000, senders = 1000, msgid_base = 0;
  bool safe = false;
  cli.add_option("--config,-c", config_path, "gebi TOML config (token, AES key, path)")->required();
  cli.add_option("--out,-o", out_path, "corpus file to write")->required();
  cli.add_option("--count,-n", count, "number of messages (distinct MsgIds)")
      ->check(CLI::Range(int64_t{1}, int64_t{100000000}));
  cli.add_option("--text", text, "Content of every message")->capture_default_str();
  cli.add_flag("--safe", safe, "safe mode: encrypt every body (needs wechat.encoding_aes_key)");
  cli.add_option("--senders", senders, "distinct senders, used round-robin")
      ->check(CLI::Range(int64_t{1}, int64_t{10000000}))
      ->capture_default_str();
  cli.add_option("--sender-prefix", sender_prefix, "sender i is <prefix><i, 6 digits>")
      ->capture_default_str();
  cli.add_option("--msgid-base", msgid_base, "first MsgId (default: derived from the clock)");
  CLI11_PARSE(cli, argc, argv);

  auto config = gebi::bot::LoadConfig(config_path);
  if (!config.ok()) {
    std::cerr << "gebi_corpus: " << config.status().ToString() << "\n";
    return 2;
  }
  if (safe && config->wechat.encoding_aes_key.empty()) {
    std::cerr << "gebi_corpus: --safe needs wechat.encoding_aes_key in the config\n";
    return 2;
  }
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const int64_t now = now_ms / 1000;
  // Millisecond clock x 10^6 leaves room for 10^6 ids per millisecond: runs never collide.
  if (msgid_base == 0) msgid_base = now_ms * 1000000;

  FILE* out = std::fopen(out_path.c_str(), "wb");
  if (out == nullptr) {
    std::cerr << "gebi_corpus: cannot write " << out_path << "\n";
    return 1;
  }
  char sender[64];
  for (int64_t i = 0; i < count; ++i) {
    gebi::handlers::Message m;
    std::snprintf(sender, sizeof sender, "%06lld", static_cast<long long>(i % senders));
    m.from_user = sender_prefix + sender;
    m.to_user = config->wechat.account_id;
    m.create_time = now;
    m.msg_type = "text";
    m.content = text;
    m.msg_id = std::to_string(msgid_base + i);
    auto req =
        gebi::bot::SignRequest(*config, gebi::bot::SerializeInbound(m), safe, now, m.from_user);
    if (!req.ok()) {
      std::cerr << "gebi_corpus: " << req.status().ToString() << "\n";
      std::fclose(out);
      return 1;
    }
    std::string line = config->server.path + "?" + req->query + "\t" + Escape(req->body) + "\n";
    std::fwrite(line.data(), 1, line.size(), out);
  }
  if (std::fclose(out) != 0) {
    std::cerr << "gebi_corpus: write failed on " << out_path << "\n";
    return 1;
  }
  return 0;
}
