#include "bot/cli.h"

#include <fmt/format.h>
#include <signal.h>

#include <iostream>
#include <iterator>
#include <thread>

#include "bot/admin_api.h"
#include "bot/app.h"
#include "bot/chat.h"
#include "bot/http_server.h"
#include "bot/log.h"
#include "bot/wechat_xml.h"
#include "storage/migrations.h"

namespace gebi::bot {

namespace {

Result<Config> Load(const CliCommon& common) {
  auto config = LoadConfig(common.config_path);
  if (!config.ok()) std::cerr << "gebi: " << config.status().message() << "\n";
  return config;
}

int Fail(const Status& s) {
  std::cerr << "gebi: " << s.ToString() << "\n";
  return 1;
}

int Serve(const CliCommon& common) {
  auto config = Load(common);
  if (!config.ok()) return 2;
  SetUpLogging(config->log.level);
  // Block the stop signals in every thread; one thread waits for them and stops the server.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  SystemClock clock;
  auto app = App::Create(*config, clock);
  if (!app.ok()) return Fail(app.status());
  const bool separate_admin = config->admin.enabled && !config->admin.listen_host.empty();
  HttpServer server(**app, separate_admin ? Routes::kWebhook : Routes::kAll);
  auto port = server.Bind(config->server.host, config->server.port);
  if (!port.ok()) return Fail(port.status());
  std::unique_ptr<HttpServer> admin_server;
  std::thread admin_thread;
  if (separate_admin) {
    admin_server = std::make_unique<HttpServer>(**app, Routes::kAdminOnly);
    auto admin_port = admin_server->Bind(config->admin.listen_host, config->admin.listen_port);
    if (!admin_port.ok()) return Fail(admin_port.status());
    admin_thread = std::thread([&admin_server] { admin_server->Listen(); });
  }
  std::thread stopper([&server, &admin_server, signals] {
    int sig = 0;
    sigwait(&signals, &sig);
    spdlog::info("signal {}: finishing in-flight requests and stopping", sig);
    server.Stop();
    if (admin_server) admin_server->Stop();
  });
  spdlog::info("gebi listening on http://{}:{}{} (database {}, schema v{}, {} mode)",
               config->server.host, *port, config->server.path, config->storage.sqlite,
               storage::LatestSchemaVersion(),
               config->wechat.encoding_aes_key.empty() ? "plaintext" : "plaintext/compatible/safe");
  if (config->admin.enabled) {
    std::string host = separate_admin ? config->admin.listen_host : config->server.host;
    int console_port = separate_admin ? config->admin.listen_port : *port;
    spdlog::info("admin console: http://{}:{}{}", host == "0.0.0.0" ? "127.0.0.1" : host,
                 console_port, kAdminConsolePath);
  }
  spdlog::info("talk to it: gebi chat --config {} --openid <openid> 帮助", common.config_path);
  if (config->push.enabled && config->wechat.appsecret.empty()) {
    spdlog::warn("pushes wait in the outbox: set GEBI_WECHAT_APPSECRET to deliver them");
  } else if (config->push.enabled) {
    (*app)->outbox_worker().Start();
  }
  bool ok = server.Listen();
  (*app)->outbox_worker().Stop();  // finishes the rows in hand
  // Wake the stopper if we ended for another reason.
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  if (admin_server) admin_server->Stop();
  if (admin_thread.joinable()) admin_thread.join();
  spdlog::info("gebi stopped");
  return ok ? 0 : 1;
}

int Migrate(const CliCommon& common) {
  auto config = Load(common);
  if (!config.ok()) return 2;
  SystemClock clock;
  auto app = App::Create(*config, clock);  // opens and migrates
  if (!app.ok()) return Fail(app.status());
  auto v = storage::SchemaVersion((*app)->db());
  if (!v.ok()) return Fail(v.status());
  std::cout << fmt::format("{} is at schema version {}\n", config->storage.sqlite, *v);
  return 0;
}

int Chat(const CliCommon& common, const std::string& openid, bool safe, const std::string& event,
         const std::string& key, const std::string& image, const std::string& location,
         const std::vector<std::string>& words) {
  auto config = Load(common);
  if (!config.ok()) return 2;
  if (safe && config->wechat.encoding_aes_key.empty()) {
    std::cerr << "gebi: --safe needs wechat.encoding_aes_key in the config\n";
    return 2;
  }
  std::string host = config->server.host == "0.0.0.0" ? "127.0.0.1" : config->server.host;
  ChatClient client(*config, host, config->server.port);
  auto print = [](const Result<ChatReply>& r) {
    if (!r.ok()) {
      std::cerr << "gebi: " << r.status().message() << "\n";
      return 1;
    }
    if (r->status != 200) {
      std::cerr << fmt::format("HTTP {}: {}\n", r->status, r->raw);
      return 1;
    }
    std::string text = r->Text();
    std::cout << (text.empty() ? "(no reply: success)" : text) << "\n";
    return 0;
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
        return 2;
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

int Sign(const CliCommon& common, bool safe, const std::string& body_out) {
  auto config = Load(common);
  if (!config.ok()) return 2;
  std::string body(std::istreambuf_iterator<char>(std::cin), {});
  auto now = SystemClock().NowSeconds();
  auto signed_req = SignRequest(*config, body, safe, now);
  if (!signed_req.ok()) return Fail(signed_req.status());
  std::cout << signed_req->query << "\n";
  if (safe) {
    if (body_out.empty()) {
      std::cout << signed_req->body << "\n";
    } else {
      FILE* f = std::fopen(body_out.c_str(), "wb");
      if (f == nullptr) return Fail(Status::IOError("cannot write " + body_out));
      std::fwrite(signed_req->body.data(), 1, signed_req->body.size(), f);
      std::fclose(f);
    }
  }
  return 0;
}

}  // namespace

void AddConfigOption(CLI::App* sub, CliCommon& common) {
  sub->add_option("--config,-c", common.config_path, "TOML config file")->capture_default_str();
}

int RunCli(int argc, char** argv) {
  CLI::App app{"gebi — 隔壁邻舍: the WeChat Official Account server for community grids"};
  app.require_subcommand(1);
  CliCommon common;
  int exit_code = 0;

  auto* serve = app.add_subcommand("serve", "run the webhook server");
  AddConfigOption(serve, common);
  serve->callback([&] { exit_code = Serve(common); });

  auto* migrate = app.add_subcommand("migrate", "create or upgrade the database schema");
  AddConfigOption(migrate, common);
  migrate->callback([&] { exit_code = Migrate(common); });

  auto* chat =
      app.add_subcommand("chat", "send a message or event to a running gebi as WeChat would");
  AddConfigOption(chat, common);
  static std::string openid = "o_demo_resident", event, key, image, location, body_out;
  static bool safe = false;
  static std::vector<std::string> words;
  chat->add_option("--openid", openid, "sender openid")->capture_default_str();
  chat->add_flag("--safe", safe, "send in safe (AES) mode");
  chat->add_option("--event", event, "send an event (subscribe, SCAN, CLICK, ...) instead of text");
  chat->add_option("--key", key, "EventKey of the event");
  chat->add_option("--image", image, "send an image message with this PicUrl");
  chat->add_option("--location", location, "send a location message: LAT,LON[,LABEL]");
  chat->add_option("text", words, "the text to send; none = interactive");
  chat->callback(
      [&] { exit_code = Chat(common, openid, safe, event, key, image, location, words); });

  auto* sign = app.add_subcommand("sign", "print a signed query string for a body on stdin");
  AddConfigOption(sign, common);
  static bool sign_safe = false;
  sign->add_flag("--safe", sign_safe, "encrypt the body too (printed, or written to --body-out)");
  sign->add_option("--body-out", body_out, "with --safe: write the encrypted body here");
  sign->callback([&] { exit_code = Sign(common, sign_safe, body_out); });

  for (CommandRegistrar add : ExtraCommands()) add(app, common, &exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}

}  // namespace gebi::bot
