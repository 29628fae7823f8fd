// End to end through the real webhook server and the fake WeChat API: notices of the join
// (S1) and repair (S3) stories reach the right openids in the right form; an undeliverable
// notice rides along with the next passive reply; menu clicks act like keywords; photos are
// queued for download on arrival; the CLI lists and retries rows and pushes the menu.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bot/cli/cli.h"
#include "handlers/org/demo_data.h"
#include "storage/media_store.h"
#include "storage/org_store.h"
#include "storage/outbox.h"
#include "storage/qr_store.h"
#include "tests/support/fake_wechat.h"
#include "tests/support/test_env.h"

namespace gebi {
namespace {

using testing::FakeWeChat;

struct Env {
  explicit Env(const std::function<void(bot::Config&)>& tweak = [](bot::Config&) {}) {
    config = testing::TestConfig(dir);
    config.wechat.api_base = fake.base_url();
    config.wechat.appsecret = "fake-secret";
    config.push.http_timeout_seconds = 2;
    tweak(config);
    server = std::make_unique<testing::TestServer>(config);
  }
  void Enqueue(const std::string& to, const std::string& kind, const nlohmann::json& payload,
               const std::string& key) {
    REQUIRE_OK(server->app().db().WithTransaction([&](storage::Tx& tx) -> Status {
      storage::OutboxItem item{0, to, kind, payload.dump(), key};
      return storage::Enqueue(tx, item, server->app().clock().NowSeconds()).status();
    }));
  }
  std::vector<storage::OutboxItem> Rows(const std::string& status) {
    std::vector<storage::OutboxItem> rows;
    REQUIRE_OK(server->app().db().WithRead([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(rows, storage::ListOutboxByStatus(tx, status, 1000));
      return Status::Ok();
    }));
    return rows;
  }
  testing::TempDir dir;
  FakeWeChat fake;
  bot::Config config;
  std::unique_ptr<testing::TestServer> server;
};

TEST_CASE("S1 and S3 pushes arrive at the right openids in the right form", "[integration][push]") {
  Env env([](bot::Config& c) {
    c.push.templates["ticket_new"] = {
        "TPL_TICKET", "", {{"thing1", "title"}, {"thing2", "location"}}};
  });
  auto chat = env.server->Client();
  // The grid worker wrote to the account today; the volunteer electrician did not.
  REQUIRE(chat.SendText("o_worker_wang", "帮助").ok());
  env.fake.SetFollower("o_volunteer_li", true);
  // What the join flow (S1) and the repair flow (S3) write into the outbox.
  env.Enqueue("o_worker_wang", "join_request",
              {{"text", "新的入格申请 #12：张阿姨 3幢201。回复「通过 12」或「拒绝 12 原因」。"}},
              "join:12:worker");
  env.Enqueue(
      "o_worker_wang", "ticket_new",
      {{"text", "报修 #7：楼道两盏灯坏了（3幢）。"}, {"title", "楼道灯坏了"}, {"location", "3幢"}},
      "ticket:7:worker");
  env.Enqueue("o_volunteer_li", "ticket_new",
              {{"text", "报修 #7：楼道两盏灯坏了（3幢）。回复「接单 7」。"},
               {"title", "楼道灯坏了"},
               {"location", "3幢"}},
              "ticket:7:volunteer:li");
  auto st = env.server->app().outbox_worker().DrainOnce();
  CHECK(st.sent == 3);
  auto d = env.fake.Deliveries();
  REQUIRE(d.size() == 3);
  std::map<std::string, std::vector<FakeWeChat::Delivery>> by_user;
  for (const auto& x : d) by_user[x.touser].push_back(x);
  REQUIRE(by_user["o_worker_wang"].size() == 2);
  for (const auto& x : by_user["o_worker_wang"]) {
    CHECK(x.channel == "custom");
    CHECK(x.body["msgtype"] == "text");
  }
  REQUIRE(by_user["o_volunteer_li"].size() == 1);
  const auto& tpl = by_user["o_volunteer_li"][0];
  CHECK(tpl.channel == "template");
  CHECK(tpl.body["template_id"] == "TPL_TICKET");
  CHECK(tpl.body["data"]["thing1"]["value"] == "楼道灯坏了");
  CHECK(tpl.body["data"]["thing2"]["value"] == "3幢");
}

TEST_CASE("S1 and S3 played through the real handlers: every push reaches its openid",
          "[integration][push]") {
  Env env([](bot::Config& c) {
    c.push.templates["ticket_new"] = {"TPL_TICKET", "", {{"thing1", "text"}}};
  });
  auto& app = env.server->app();
  REQUIRE_OK(app.db().WithTransaction([&](storage::Tx& tx) {
    std::string report;
    return handlers::SeedDemo(tx, app.clock().NowSeconds(), &report);
  }));
  int64_t grid1 = 0;
  REQUIRE_OK(app.db().WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto g, storage::GetUnitByCode(tx, "GG-01"));
    if (!g) return Status::NotFound("demo grid GG-01");
    grid1 = g->id;
    return Status::Ok();
  }));
  auto chat = env.server->Client();
  auto say = [&](const std::string& who, const std::string& text) {
    auto r = chat.SendText(who, text);
    REQUIRE_RESULT_OK(r);
    return r->Text();
  };
  // S1: scan, name and room, confirm; the worker (who writes to the account) approves.
  REQUIRE(chat.SendEvent("o_new", "SCAN", "grid-" + std::to_string(grid1)).ok());
  say("o_new", "张三 5幢301 13912345678");
  say("o_new", "是");
  // The worker has not written to the account yet and join_request has no template: the
  // notice waits in the inbox and comes with the worker's next reply.
  app.outbox_worker().DrainOnce();
  std::string pending = say("o_demo_worker1", "待审核");
  CHECK(pending.find("你有 1 条未读通知") != std::string::npos);
  CHECK(pending.find("张三") != std::string::npos);
  int64_t req = 0;
  REQUIRE_OK(app.db().WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto id, tx.QueryInt("SELECT MAX(id) FROM join_requests"));
    req = id.value_or(0);
    return Status::Ok();
  }));
  say("o_demo_worker1", "通过 " + std::to_string(req));
  // S3: the elderly resident reports broken lights; the electrician volunteer has not written
  // to the account for days (no window), so the template message carries it.
  env.fake.SetFollower("o_demo_volunteer", true);
  // Only a vetted volunteer is asked to help an elderly resident living alone.
  CHECK(say("o_demo_worker1", "认证 施青松").find("已认证") != std::string::npos);
  say("o_demo_jin", "报修 家里两盏电灯都不亮了");
  for (int i = 0; i < 3; ++i) app.outbox_worker().DrainOnce();

  std::map<std::string, std::vector<FakeWeChat::Delivery>> to;
  for (const auto& d : env.fake.Deliveries()) to[d.touser].push_back(d);
  auto contains = [&](const std::string& who, const std::string& needle) {
    int n = 0;
    for (const auto& d : to[who]) n += d.text.find(needle) != std::string::npos;
    return n;
  };
  CHECK(contains("o_new", "桂柑社区第一网格") == 1);  // join_result, custom: o_new just wrote
  CHECK(to["o_new"].at(0).channel == "custom");
  CHECK(contains("o_demo_worker1", "5幢102") == 1);  // ticket_new with the room, custom
  CHECK(to["o_demo_volunteer"].size() == 1);
  CHECK(to["o_demo_volunteer"].at(0).channel == "template");
  CHECK(to["o_demo_volunteer"].at(0).body["template_id"] == "TPL_TICKET");
  CHECK(to["o_demo_volunteer"].at(0).text.find("5幢102") != std::string::npos);  // vetted
  CHECK(to["o_demo_volunteer"].at(0).text.find("金阿婆") == std::string::npos);
  CHECK(to["o_demo_cleaner"].empty());
  std::vector<storage::OutboxItem> rows;
  REQUIRE_OK(app.db().WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(rows, storage::ListOutboxFor(tx, "o_demo_worker1"));
    return Status::Ok();
  }));
  for (const auto& r : rows) {
    INFO(r.kind << " " << r.status << " " << r.channel);
    CHECK(r.status == "sent");
    CHECK(r.channel == (r.kind == "join_request" ? "inbox" : "custom"));
  }
  CHECK(env.Rows("pending").empty());
  CHECK(env.Rows("dead").empty());
}

TEST_CASE("An inbox notice rides along with the next passive reply, once", "[integration][push]") {
  Env env;
  auto chat = env.server->Client();
  env.Enqueue("o_resident", "ticket_done", {{"text", "你的报修 #7 已完成，回复「评价 7 5」打分。"}},
              "done:7");
  env.Enqueue("o_resident", "notice", {{"text", "周六上午家庭教育讲座。"}}, "notice:1");
  env.server->app().outbox_worker().DrainOnce();  // window closed, no template: inbox
  REQUIRE(env.Rows("inbox").size() == 2);
  REQUIRE(env.fake.Deliveries().empty());

  handlers::Message m;
  m.from_user = "o_resident";
  m.msg_type = "text";
  m.content = "帮助";
  m.msg_id = "880001";
  auto first = chat.Send(m, true);
  REQUIRE_RESULT_OK(first);
  std::string text = first->Text();
  CHECK(text.find("你可以发送") != std::string::npos);
  CHECK(text.find("你有 2 条未读通知") != std::string::npos);
  CHECK(text.find("1. 你的报修 #7 已完成") != std::string::npos);
  CHECK(text.find("2. 周六上午家庭教育讲座。") != std::string::npos);
  CHECK(env.Rows("inbox").empty());
  auto sent = env.Rows("sent");
  REQUIRE(sent.size() == 2);
  for (const auto& r : sent) CHECK(r.channel == "inbox");

  // WeChat retries the same message: same reply, nothing delivered twice.
  auto retry = chat.Send(m, true);
  REQUIRE_RESULT_OK(retry);
  CHECK(retry->Text() == text);
  auto next = chat.SendText("o_resident", "帮助");
  REQUIRE_RESULT_OK(next);
  CHECK(next->Text().find("未读通知") == std::string::npos);
  // Another resident's inbox is not touched by this one's messages.
  env.Enqueue("o_other", "notice", {{"text", "别人的通知"}}, "notice:other");
  env.server->app().outbox_worker().DrainOnce();
  CHECK(chat.SendText("o_resident", "帮助")->Text().find("别人的通知") == std::string::npos);
  CHECK(env.Rows("inbox").size() == 1);
}

TEST_CASE("Many inbox notices: the reply stays within WeChat's size and the rest wait",
          "[integration][push]") {
  Env env;
  for (int i = 0; i < 8; ++i) {
    env.Enqueue("o_busy", "notice", {{"text", std::string(300, 'x') + std::to_string(i)}},
                "n" + std::to_string(i));
  }
  env.server->app().outbox_worker().DrainOnce();
  auto r = env.server->Client().SendText("o_busy", "帮助");
  REQUIRE_RESULT_OK(r);
  CHECK(r->Text().size() < 2048);
  CHECK(r->Text().find("你有 8 条未读通知") != std::string::npos);
  CHECK(r->Text().find("再发任意一句话继续查看") != std::string::npos);
  size_t left = env.Rows("inbox").size();
  CHECK(left > 0);
  CHECK(left < 8);
}

TEST_CASE("Menu CLICK keys act like their keywords", "[integration][push]") {
  Env env([](bot::Config& c) {
    c.menu = {{"帮助", "click", "help_btn", "", "帮助", {}},
              {"更多",
               "",
               "",
               "",
               "",
               {{"取消", "click", "cancel_btn", "", "取消", {}},
                {"未知", "click", "odd_btn", "", "没有这个口令", {}}}}};
  });
  auto chat = env.server->Client();
  auto help = chat.SendEvent("o_click", "CLICK", "help_btn");
  REQUIRE_RESULT_OK(help);
  CHECK(help->Text().find("你可以发送") != std::string::npos);
  auto cancel = chat.SendEvent("o_click", "CLICK", "cancel_btn");
  REQUIRE_RESULT_OK(cancel);
  CHECK(cancel->Text().rfind("现在没有进行中的操作。", 0) == 0);
  auto odd = chat.SendEvent("o_click", "CLICK", "odd_btn");
  REQUIRE_RESULT_OK(odd);
  CHECK(odd->Text().find("没看懂") != std::string::npos);
  auto unknown = chat.SendEvent("o_click", "CLICK", "not_in_menu");
  REQUIRE_RESULT_OK(unknown);
  CHECK(unknown->Text().empty());
}

TEST_CASE("A photo of a ticket is queued for download and fetched by the worker",
          "[integration][push]") {
  Env env;
  auto& app = env.server->app();
  REQUIRE_OK(app.db().WithTransaction([&](storage::Tx& tx) {
    std::string report;
    return handlers::SeedDemo(tx, app.clock().NowSeconds(), &report);
  }));
  env.fake.AddMedia("MEDIA_PHOTO_1", "\x89PNG fake", "image/png");
  handlers::Message m;
  m.from_user = "o_demo_floorleader";
  m.msg_type = "image";
  m.pic_url = "http://mmbiz.qpic.cn/x";
  m.media_id = "MEDIA_PHOTO_1";
  m.msg_id = "990001";
  auto media_rows = [&] {
    size_t n = 0;
    for (const auto& r : env.Rows("pending")) n += r.kind == storage::kMediaFetchKind;
    return n;
  };
  // Without a ticket to attach to, nothing is downloaded.
  REQUIRE(env.server->Client().Send(m, false).ok());
  CHECK(media_rows() == 0);
  REQUIRE(env.server->Client().SendText("o_demo_floorleader", "报修 门锁坏了")->status == 200);
  m.msg_id = "990002";
  REQUIRE(env.server->Client().Send(m, false).ok());
  REQUIRE(env.server->Client().Send(m, false).ok());      // a retry queues nothing more
  CHECK(env.fake.CountCalls("/cgi-bin/media/get") == 0);  // the webhook stayed local
  REQUIRE(media_rows() == 1);
  app.outbox_worker().DrainOnce();
  std::optional<storage::MediaRecord> rec;
  REQUIRE_OK(app.db().WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(rec, storage::GetMedia(tx, "MEDIA_PHOTO_1"));
    return Status::Ok();
  }));
  REQUIRE(rec.has_value());
  REQUIRE(rec->local_path.has_value());
  CHECK(rec->local_path->size() > 60);
  CHECK(rec->content_type == "image/png");
  CHECK(rec->openid == "o_demo_floorleader");
}

// Runs the CLI in-process and captures stdout.
int RunCli(std::vector<std::string> args, std::string* out) {
  std::vector<char*> argv;
  static std::string prog = "gebi";
  argv.push_back(prog.data());
  for (auto& a : args) argv.push_back(a.data());
  std::ostringstream capture;
  auto* old = std::cout.rdbuf(capture.rdbuf());
  int rc = bot::RunCli(static_cast<int>(argv.size()), argv.data());
  std::cout.rdbuf(old);
  *out = capture.str();
  return rc;
}

TEST_CASE("gebi outbox lists pending and dead rows - retry revives a dead row - menu push",
          "[integration][push]") {
  testing::TempDir dir;
  FakeWeChat fake;
  std::string cfg = dir.File("c.toml");
  {
    std::ofstream f(cfg);
    f << "[wechat]\ntoken = \"spamtest\"\nappid = \"wx2c2769f8efd9abc2\"\n"
      << "appsecret = \"fake-secret\"\napi_base = \"" << fake.base_url() << "\"\n"
      << "[storage]\nsqlite = \"" << dir.File("g.db") << "\"\ndata_dir = \"" << dir.File("d")
      << "\"\n[paths]\ntemplates = \"" << GEBI_SOURCE_DIR << "/templates\"\n"
      << "[log]\nlevel = \"off\"\n"
      << "[[menu.button]]\nname = \"帮助\"\ntype = \"click\"\nkey = \"help_btn\"\ntext = \"帮助\"\n"
      << "[[menu.button]]\nname = \"服务\"\n"
      << "[[menu.button.sub_button]]\nname = \"网站\"\ntype = \"view\"\nurl = "
         "\"https://example.org/\"\n";
  }
  bot::Config config = *bot::LoadConfig(cfg);
  SystemClock clock;
  {
    auto app = bot::App::Create(config, clock);
    REQUIRE_RESULT_OK(app);
    REQUIRE_OK((*app)->db().WithTransaction([&](storage::Tx& tx) -> Status {
      GEBI_RETURN_IF_ERROR(
          storage::Enqueue(tx, {0, "o_pending_user", "notice", R"({"text":"a"})", "k1"}, 1)
              .status());
      GEBI_RETURN_IF_ERROR(
          storage::Enqueue(tx, {0, "o_dead_user", "notice", R"({"text":"b"})", "k2"}, 1).status());
      return tx.Run("UPDATE outbox SET status = 'dead', last_error = 'HTTP 503' WHERE id = 2");
    }));
  }
  std::string out;
  REQUIRE(RunCli({"outbox", "--config", cfg}, &out) == 0);
  CHECK(out.find("dead 1") != std::string::npos);
  CHECK(out.find("pending 1") != std::string::npos);
  CHECK(out.find("HTTP 503") != std::string::npos);
  CHECK(out.find("o_dead_user") == std::string::npos);  // ids masked

  REQUIRE(RunCli({"outbox", "retry", "2", "--config", cfg}, &out) == 0);
  REQUIRE(RunCli({"outbox", "--status", "dead", "--config", cfg}, &out) == 0);
  CHECK(out.find("nothing dead") != std::string::npos);
  CHECK(RunCli({"outbox", "retry", "999", "--config", cfg}, &out) == 2);
  CHECK(RunCli({"outbox", "retry", "abc", "--config", cfg}, &out) != 0);

  REQUIRE(RunCli({"menu", "push", "--config", cfg}, &out) == 0);
  auto menu = fake.LastMenu();
  REQUIRE(menu["button"].size() == 2);
  CHECK(menu["button"][0]["type"] == "click");
  CHECK(menu["button"][0]["key"] == "help_btn");
  CHECK_FALSE(menu["button"][0].contains("text"));
  CHECK(menu["button"][1]["sub_button"][0]["url"] == "https://example.org/");
}

std::optional<std::string> Shell(const std::string& cmd) {
  FILE* p = popen((cmd + " 2>/dev/null").c_str(), "r");
  if (p == nullptr) return std::nullopt;
  std::string out;
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  if (pclose(p) != 0) return std::nullopt;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

TEST_CASE("gebi qr grid creates the permanent QR once and writes posters that decode to it",
          "[integration][push]") {
  testing::TempDir dir;
  FakeWeChat fake;
  std::string cfg = dir.File("c.toml");
  {
    std::ofstream f(cfg);
    f << "[wechat]\ntoken = \"spamtest\"\nappid = \"wx2c2769f8efd9abc2\"\n"
      << "appsecret = \"fake-secret\"\napi_base = \"" << fake.base_url() << "\"\n"
      << "[storage]\nsqlite = \"" << dir.File("g.db") << "\"\ndata_dir = \"" << dir.File("d")
      << "\"\n[paths]\ntemplates = \"" << GEBI_SOURCE_DIR << "/templates\"\n"
      << "[log]\nlevel = \"off\"\n";
  }
  bot::Config config = *bot::LoadConfig(cfg);
  SystemClock clock;
  int64_t community = 0, grid1 = 0, grid2 = 0;
  {
    auto app = bot::App::Create(config, clock);
    REQUIRE_RESULT_OK(app);
    REQUIRE_OK((*app)->db().WithTransaction([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(int64_t d,
                            storage::UpsertUnit(tx, {0, "district", "D", {}, "鹿城区"}, 1));
      GEBI_ASSIGN_OR_RETURN(int64_t st,
                            storage::UpsertUnit(tx, {0, "street", "S", d, "五马街道"}, 1));
      GEBI_ASSIGN_OR_RETURN(community,
                            storage::UpsertUnit(tx, {0, "community", "C", st, "五马社区"}, 1));
      GEBI_ASSIGN_OR_RETURN(grid1,
                            storage::UpsertUnit(tx, {0, "grid", "G1", community, "第一网格"}, 1));
      GEBI_ASSIGN_OR_RETURN(
          grid2,
          storage::UpsertUnit(tx, {0, "grid", "G2", community, "第二网格 <&>", "88001234"}, 1));
      GEBI_RETURN_IF_ERROR(storage::Grant(tx, {"o_worker_wang", "grid_worker", grid1, "cli"}, 1));
      return storage::PutResident(tx, {"o_worker_wang", grid1, "王丽", "1幢", "101"}, 1);
    }));
  }
  std::string out;
  REQUIRE(RunCli({"qr", "grid", std::to_string(grid1), "--config", cfg}, &out) == 0);
  CHECK(out.find("第一网格") != std::string::npos);
  REQUIRE(fake.CountCalls("/cgi-bin/qrcode/create") == 1);
  auto body = fake.CallsTo("/cgi-bin/qrcode/create")[0].body;
  CHECK(body["action_name"] == "QR_LIMIT_STR_SCENE");
  CHECK(body["action_info"]["scene"]["scene_str"] == "grid-" + std::to_string(grid1));

  std::optional<storage::QrCode> code;
  {
    auto app = bot::App::Create(config, clock);
    REQUIRE_RESULT_OK(app);
    REQUIRE_OK((*app)->db().WithRead([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(code, storage::GetQrCode(tx, "grid-" + std::to_string(grid1)));
      return Status::Ok();
    }));
  }
  REQUIRE(code.has_value());
  CHECK(code->ticket.rfind("gQFake", 0) == 0);
  std::ifstream a4(code->poster_a4);
  std::string svg((std::istreambuf_iterator<char>(a4)), {});
  CHECK(svg.find("网格员：王丽") != std::string::npos);
  CHECK(svg.find("鹿城区 · 五马街道 · 五马社区") != std::string::npos);
  CHECK(svg.find("自愿加入") != std::string::npos);
  for (const std::string& poster : {code->poster_a4, code->poster_a5}) {
    REQUIRE(Shell("rsvg-convert -w 1000 -o '" + poster + ".png' '" + poster + "'"));
    CHECK(Shell("zbarimg -q --raw '" + poster + ".png'") == code->url);
  }
  // Again: the stored code is reused (permanent codes are limited), posters rewritten.
  REQUIRE(RunCli({"qr", "grid", std::to_string(grid1), "--config", cfg}, &out) == 0);
  CHECK(fake.CountCalls("/cgi-bin/qrcode/create") == 1);

  // Every grid of the community, with a progress line each.
  REQUIRE(RunCli({"qr", "all", "--unit", std::to_string(community), "--config", cfg}, &out) == 0);
  CHECK(out.find("[1/2]") != std::string::npos);
  CHECK(out.find("[2/2]") != std::string::npos);
  CHECK(out.find("2 posters written, 0 failed") != std::string::npos);
  CHECK(fake.CountCalls("/cgi-bin/qrcode/create") == 2);

  // Hostile input: unknown ids, a unit that is not a grid, WeChat refusing.
  CHECK(RunCli({"qr", "grid", "9999", "--config", cfg}, &out) == 2);
  CHECK(RunCli({"qr", "grid", std::to_string(community), "--config", cfg}, &out) == 2);
  CHECK(RunCli({"qr", "all", "--unit", "9999", "--config", cfg}, &out) == 2);
  CHECK(RunCli({"qr", "grid", "x1", "--config", cfg}, &out) != 0);
  int64_t grid3 = 0;
  {
    auto app = bot::App::Create(config, clock);
    REQUIRE_RESULT_OK(app);
    REQUIRE_OK((*app)->db().WithTransaction([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(grid3,
                            storage::UpsertUnit(tx, {0, "grid", "G3", community, "第三网格"}, 1));
      return Status::Ok();
    }));
  }
  fake.AddFault("/cgi-bin/qrcode/create", {FakeWeChat::FaultKind::kErrcode, 45009, 0, 1});
  CHECK(RunCli({"qr", "grid", std::to_string(grid3), "--config", cfg}, &out) == 1);
  CHECK_FALSE(
      std::filesystem::exists(dir.File("d/posters/grid-" + std::to_string(grid3) + "-A4.svg")));
}

}  // namespace
}  // namespace gebi
