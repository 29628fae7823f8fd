#include "bot/cli/chat.h"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <iterator>

#include "bot/push/local_wechat.h"
#include "bot/wechat/simulator.h"
#include "storage/database.h"

namespace gebi::bot {

namespace {

// Notices printed after one message: a screenful.
constexpr int kMaxNoticesShown = 20;

struct ChatArgs {
  std::string openid = "o_demo_resident";
  bool safe = false;
  bool inbox = false;
  std::string event, key, image, location;
  std::vector<std::string> words;
};

struct SignArgs {
  bool safe = false;
  std::string body_out;
};

// Prints the notices openid received from the local simulated WeChat since the last look
// (`gebi serve --demo` without an AppSecret), and moves the look past them.
// After a message (say_none false) a missing or foreign database only means there is nothing
// local to show: the server may be elsewhere.
int PrintNotices(const Config& config, const std::string& openid, bool say_none) {
  std::error_code ec;
  if (!std::filesystem::exists(config.storage.sqlite, ec)) {
    if (!say_none) return 0;
    return Report(Status::NotFound("no database at " + config.storage.sqlite +
                                   ": is `gebi serve --demo` running with this config?"));
  }
  auto db = storage::Database::Open(config.storage.sqlite);
  if (!db.ok()) return say_none ? Report(db.status()) : 0;
  auto notices = TakeLocalNotices(**db, openid, /*advance=*/true, kMaxNoticesShown);
  if (!notices.ok()) return say_none ? Report(notices.status()) : 0;
  if (notices->empty()) {
    if (say_none) std::cout << fmt::format("({} received no new notices)\n", openid);
    return 0;
  }
  std::cout << fmt::format("—— {} received {} notice(s) ——\n", openid, notices->size());
  for (const LocalNotice& n : *notices) std::cout << "  [" << n.kind << "] " << n.text << "\n";
  return 0;
}

int Chat(const Cli& cli, const std::string& openid, bool safe, bool inbox,
         const std::string& event, const std::string& key, const std::string& image,
         const std::string& location, const std::vector<std::string>& words) {
  auto config = cli.LoadConfig();
  if (!config.ok()) return kExitUsage;
  if (inbox) return PrintNotices(*config, openid, /*say_none=*/true);
  if (safe && config->wechat.encoding_aes_key.empty()) {
    std::cerr << "gebi: --safe needs wechat.encoding_aes_key in the config\n";
    return kExitUsage;
  }
  std::string host = config->server.host == "0.0.0.0" ? "127.0.0.1" : config->server.host;
  ChatClient client(*config, host, config->server.port);
  auto print = [&](const Result<ChatReply>& r) {
    if (!r.ok()) {
      std::cerr << "gebi: " << r.status().message() << "\n";
      return kExitFailure;
    }
    if (r->status != 200) {
      std::cerr << fmt::format("HTTP {}: {}\n", r->status, r->raw);
      return kExitFailure;
    }
    std::string text = r->Text();
    std::cout << (text.empty() ? "(no reply: success)" : text) << "\n";
    return PrintNotices(*config, openid, /*say_none=*/false);
  };
  if (!event.empty()) return print(client.SendEvent(openid, event, key, safe));
  if (!image.empty() || !location.empty()) {
    handlers::Message m;
    m.from_user = openid;
    m.msg_id = ChatClient::NextMsgId();
    if (!image.empty()) {
      m.msg_type = "image";
      m.pic_url = image;
      m.media_id = "media_" + m.msg_id;
    } else {
      m.msg_type = "location";
      double lat = 0, lon = 0;
      char label[256] = {0};
      if (std::sscanf(location.c_str(), "%lf,%lf,%255[^\n]", &lat, &lon, label) < 2) {
        std::cerr << "gebi: --location wants LAT,LON[,LABEL]\n";
        return kExitUsage;
      }
      m.location_x = lat;
      m.location_y = lon;
      m.scale = 15;
      m.label = label;
    }
    return print(client.Send(m, safe));
  }
  if (!words.empty()) {
    std::string text;
    for (const auto& w : words) text += (text.empty() ? "" : " ") + w;
    return print(client.SendText(openid, text, safe));
  }
  // Interactive: one message per line until EOF.
  std::string line;
  int rc = 0;
  std::cerr << fmt::format("chatting as {} ({} mode); one message per line, Ctrl-D to end\n",
                           openid, safe ? "safe" : "plaintext");
  while (std::cerr << "> " && std::getline(std::cin, line)) {
    if (line.empty()) continue;
    rc = print(client.SendText(openid, line, safe));
  }
  return rc;
}
int Sign(const Cli& cli, bool safe, const std::string& body_out) {
  auto config = cli.LoadConfig();
  if (!config.ok()) return kExitUsage;
  std::string body(std::istreambuf_iterator<char>(std::cin), {});
  auto now = SystemClock().NowSeconds();
  auto signed_req = SignRequest(*config, body, safe, now);
  if (!signed_req.ok()) return Report(signed_req.status());
  std::cout << signed_req->query << "\n";
  if (safe) {
    if (body_out.empty()) {
      std::cout << signed_req->body << "\n";
    } else {
      FILE* f = std::fopen(body_out.c_str(), "wb");
      if (f == nullptr) return Report(Status::IOError("cannot write " + body_out));
      std::fwrite(signed_req->body.data(), 1, signed_req->body.size(), f);
      std::fclose(f);
    }
  }
  return 0;
}
}  // namespace

void AddChatCommands(CLI::App& app, Cli& cli) {
  auto* chat =
      app.add_subcommand("chat", "send a message or event to a running gebi as WeChat would");
  cli.AddConfigOption(chat);
  auto& a = cli.Keep<ChatArgs>();
  chat->add_option("--openid", a.openid, "sender openid")->capture_default_str();
  chat->add_flag("--safe", a.safe, "send in safe (AES) mode");
  chat->add_flag("--inbox", a.inbox,
                 "only print the notices the openid received from the local simulated WeChat");
  chat->add_option("--event", a.event,
                   "send an event (subscribe, SCAN, CLICK, ...) instead of text");
  chat->add_option("--key", a.key, "EventKey of the event");
  chat->add_option("--image", a.image, "send an image message with this PicUrl");
  chat->add_option("--location", a.location, "send a location message: LAT,LON[,LABEL]");
  chat->add_option("text", a.words, "the text to send; none = interactive");
  cli.Run(chat, [&cli, &a] {
    return Chat(cli, a.openid, a.safe, a.inbox, a.event, a.key, a.image, a.location, a.words);
  });

  auto* sign = app.add_subcommand("sign", "print a signed query string for a body on stdin");
  cli.AddConfigOption(sign);
  auto& s = cli.Keep<SignArgs>();
  sign->add_flag("--safe", s.safe, "encrypt the body too (printed, or written to --body-out)");
  sign->add_option("--body-out", s.body_out, "with --safe: write the encrypted body here");
  cli.Run(sign, [&cli, &s] { return Sign(cli, s.safe, s.body_out); });
}

}  // namespace gebi::bot
