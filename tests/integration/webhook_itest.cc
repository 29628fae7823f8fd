// The real server on loopback, driven as WeChat drives it: verification, plaintext /
// compatible / safe mode round trips, every refusal with the database unchanged, concurrent
// and post-restart retries.
#include <httplib.h>

#include <future>

#include "bot/wechat/crypto.h"
#include "bot/wechat/xml.h"
#include "storage/rule_store.h"
#include "tests/support/test_env.h"

namespace gebi::testing {
namespace {

using bot::ChatClient;
using handlers::Message;

int64_t Now() { return SystemClock().NowSeconds(); }

// Row counts of the tables a delivery writes: equal before and after a refused request.
std::string Fingerprint(bot::App& app) {
  std::string out;
  REQUIRE_OK(app.db().WithRead([&](storage::Tx& tx) -> Status {
    for (const char* table : {"inbound_ledger", "users", "outbox", "conversations"}) {
      GEBI_ASSIGN_OR_RETURN(auto n, tx.QueryInt(std::string("SELECT COUNT(*) FROM ") + table));
      out += std::string(table) + "=" + std::to_string(*n) + " ";
    }
    GEBI_ASSIGN_OR_RETURN(auto hits, tx.QueryInt("SELECT SUM(hits) FROM rules"));
    out += "hits=" + std::to_string(hits.value_or(0));
    return Status::Ok();
  }));
  return out;
}

int64_t HelpHits(bot::App& app) {
  int64_t hits = 0;
  REQUIRE_OK(app.db().WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto n, tx.QueryInt("SELECT hits FROM rules WHERE pattern = '帮助'"));
    hits = n.value_or(0);
    return Status::Ok();
  }));
  return hits;
}

Message TextMessage(const std::string& openid, const std::string& text, const std::string& id) {
  Message m;
  m.to_user = "gh_10f6c3c3ac5a";
  m.from_user = openid;
  m.create_time = Now();
  m.msg_type = "text";
  m.content = text;
  m.msg_id = id;
  return m;
}

httplib::Result Post(int port, const std::string& path_and_query, const std::string& body) {
  httplib::Client cli("127.0.0.1", port);
  return cli.Post(path_and_query.c_str(), body, "text/xml");
}

TEST_CASE("URL verification answers echostr in every mode and refuses bad signatures",
          "[integration]") {
  TempDir dir;
  bool aes = GENERATE(false, true);
  CAPTURE(aes);
  TestServer server(TestConfig(dir, aes));
  httplib::Client cli("127.0.0.1", server.port());
  std::string ts = std::to_string(Now());
  std::string sig = bot::SortedSha1({"spamtest", ts, "12345"});
  auto ok = cli.Get(
      ("/wechat?signature=" + sig + "&timestamp=" + ts + "&nonce=12345&echostr=4375120948345356249")
          .c_str());
  REQUIRE(ok);
  REQUIRE(ok->status == 200);
  REQUIRE(ok->body == "4375120948345356249");
  std::string bad_sig = sig;
  bad_sig[0] = bad_sig[0] == 'a' ? 'b' : 'a';
  auto bad = cli.Get(
      ("/wechat?signature=" + bad_sig + "&timestamp=" + ts + "&nonce=12345&echostr=1").c_str());
  REQUIRE(bad->status == 403);
  REQUIRE(bad->body != "1");
  auto health = cli.Get("/healthz");
  REQUIRE(health->status == 200);
  REQUIRE(health->body.find("\"ok\"") != std::string::npos);
}

TEST_CASE("A text message round-trips in plaintext, compatible and safe mode", "[integration]") {
  TempDir dir;
  TestServer server(TestConfig(dir));
  ChatClient client = server.Client();

  SECTION("plaintext") {
    auto r = client.SendText("o_resident_1", "帮助");
    REQUIRE_RESULT_OK(r);
    REQUIRE(r->status == 200);
    REQUIRE_FALSE(r->encrypted);
    REQUIRE(r->message->msg_type == "text");
    REQUIRE(r->message->to_user == "o_resident_1");
    REQUIRE(r->message->from_user == "gh_10f6c3c3ac5a");
    REQUIRE(r->Text().find("你可以发送") != std::string::npos);
  }
  SECTION("safe mode: the reply is encrypted and decrypts to the help text") {
    auto r = client.SendText("o_resident_1", "ＨＥＬＰ", /*safe=*/true);
    REQUIRE_RESULT_OK(r);
    REQUIRE(r->encrypted);
    REQUIRE(r->raw.find("<Encrypt>") != std::string::npos);
    REQUIRE(r->raw.find("你可以发送") == std::string::npos);
    REQUIRE(r->Text().find("你可以发送") != std::string::npos);
  }
  SECTION("compatible mode: plain fields plus Encrypt; the reply is encrypted") {
    Message m = TextMessage("o_resident_2", "帮助", "9001");
    std::string inner = bot::SerializeInbound(m);
    auto crypt = bot::MsgCrypt::Create("spamtest", server.config().wechat.encoding_aes_key,
                                       "wx2c2769f8efd9abc2");
    REQUIRE(crypt.ok());
    std::string ts = std::to_string(Now());
    auto sealed = crypt->Encrypt(inner, ts, "777");
    REQUIRE(sealed.ok());
    std::string body = inner.substr(0, inner.size() - 6) + "<Encrypt>" +
                       bot::CData(sealed->encrypt) + "</Encrypt></xml>";
    std::string q = "/wechat?signature=" + bot::SortedSha1({"spamtest", ts, "777"}) +
                    "&timestamp=" + ts +
                    "&nonce=777&encrypt_type=aes&msg_signature=" + sealed->msg_signature;
    auto res = Post(server.port(), q, body);
    REQUIRE(res->status == 200);
    auto env = bot::ParseEnvelope(res->body);
    REQUIRE(env.ok());
    REQUIRE(env->has_encrypt);
    auto plain = crypt->Decrypt(env->msg_signature, env->timestamp, env->nonce, env->encrypt);
    REQUIRE(plain.ok());
    REQUIRE(plain->find("你可以发送") != std::string::npos);
  }
  SECTION("unknown text gets the default reply, never silence") {
    auto r = client.SendText("o_resident_1", "今天天气怎么样");
    REQUIRE(r->Text().rfind("没看懂这句话。可以试试：「", 0) == 0);
  }
  SECTION("a voice message with Recognition is routed as that text") {
    Message m = TextMessage("o_resident_1", "", ChatClient::NextMsgId());
    m.msg_type = "voice";
    m.media_id = "media1";
    m.format = "amr";
    m.recognition = "帮助";
    auto r = client.Send(m, false);
    REQUIRE(r->Text().find("你可以发送") != std::string::npos);
  }
  SECTION("an unknown MsgType is kept and answered with the default reply") {
    std::string xml =
        "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[o_x]]>"
        "</FromUserName><CreateTime>" +
        std::to_string(Now()) +
        "</CreateTime><MsgType><![CDATA[hologram]]></MsgType><MsgId>555</MsgId></xml>";
    auto req = bot::SignRequest(server.config(), xml, false, Now());
    auto res = Post(server.port(), "/wechat?" + req->query, req->body);
    REQUIRE(res->status == 200);
    REQUIRE(res->body.find("没看懂") != std::string::npos);
  }
  SECTION("an unfollow is answered with success and recorded") {
    auto r = client.SendEvent("o_resident_3", "unsubscribe", "");
    REQUIRE(r->raw == "success");
  }
}

TEST_CASE("Requests WeChat could not have sent are refused and change nothing", "[integration]") {
  TempDir dir;
  TestServer server(TestConfig(dir));
  auto& app = server.app();
  // One good message first so the tables are not trivially empty.
  REQUIRE(server.Client().SendText("o_resident_1", "帮助")->status == 200);
  const std::string before = Fingerprint(app);
  const auto& config = server.config();
  Message m = TextMessage("o_attacker", "帮助", "424242");
  std::string xml = bot::SerializeInbound(m);

  auto expect = [&](int status, const std::string& query, const std::string& body) {
    auto res = Post(server.port(), query, body);
    REQUIRE(res);
    CHECK(res->status == status);
    CHECK(Fingerprint(app) == before);
  };
  SECTION("bad signature: 403") {
    auto req = bot::SignRequest(config, xml, false, Now());
    std::string q = req->query;
    q[10] = q[10] == '0' ? '1' : '0';
    expect(403, "/wechat?" + q, req->body);
  }
  SECTION("missing signature: 403") { expect(403, "/wechat?timestamp=1&nonce=2", xml); }
  SECTION("stale timestamp: 403") {
    auto req = bot::SignRequest(config, xml, false, Now() - 3600);
    expect(403, "/wechat?" + req->query, req->body);
  }
  SECTION("bad msg_signature in safe mode: 403") {
    auto req = bot::SignRequest(config, xml, true, Now());
    std::string q = req->query;
    auto pos = q.find("msg_signature=") + 14;
    q[pos] = q[pos] == 'a' ? 'b' : 'a';
    expect(403, "/wechat?" + q, req->body);
  }
  SECTION("malformed XML: 400") {
    for (std::string body : {std::string("<xml><ToUserName>x</ToUser"), std::string("not xml"),
                             std::string("<html></html>"), std::string("")}) {
      CAPTURE(body);
      auto req = bot::SignRequest(config, body, false, Now());
      expect(400, "/wechat?" + req->query, req->body);
    }
  }
  SECTION("hostile XML (entities) is refused or parsed without expansion") {
    std::string body =
        "<!DOCTYPE xml [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><xml><ToUserName>a"
        "</ToUserName><FromUserName>o_x</FromUserName><CreateTime>1</CreateTime>"
        "<MsgType>text</MsgType><Content>&x;</Content><MsgId>1</MsgId></xml>";
    auto req = bot::SignRequest(config, body, false, Now());
    auto res = Post(server.port(), "/wechat?" + req->query, req->body);
    REQUIRE(res);
    REQUIRE(res->body.find("root:") == std::string::npos);
  }
  SECTION("undecryptable Encrypt: 400") {
    std::string ts = std::to_string(Now());
    std::string garbage = "bm90IHJlYWxseSBlbmNyeXB0ZWQgYXQgYWxs";
    auto crypt =
        bot::MsgCrypt::Create("spamtest", config.wechat.encoding_aes_key, config.wechat.appid);
    std::string body = "<xml><ToUserName>gh</ToUserName><Encrypt>" + garbage + "</Encrypt></xml>";
    std::string q = "/wechat?signature=" + bot::SortedSha1({"spamtest", ts, "9"}) +
                    "&timestamp=" + ts +
                    "&nonce=9&encrypt_type=aes&msg_signature=" + crypt->Sign(ts, "9", garbage);
    expect(400, q, body);
  }
  SECTION("another appid: 400") {
    bot::Config other = config;
    other.wechat.appid = "wx0000000000000bad";
    auto req = bot::SignRequest(other, xml, true, Now());
    expect(400, "/wechat?" + req->query, req->body);
  }
  SECTION("encrypted message to a plaintext-only server: 400") {
    TempDir dir2;
    TestServer plain(TestConfig(dir2, /*with_aes=*/false));
    auto req = bot::SignRequest(config, xml, true, Now());
    auto res = Post(plain.port(), "/wechat?" + req->query, req->body);
    REQUIRE(res->status == 400);
  }
  SECTION("oversized body: 413") {
    std::string big = "<xml><Content>" + std::string(70 * 1024, 'a') + "</Content></xml>";
    auto req = bot::SignRequest(config, big, false, Now());
    expect(413, "/wechat?" + req->query, req->body);
  }
}

TEST_CASE("A signed timestamp and nonce carry one body: a retry passes, another body is refused",
          "[integration]") {
  TempDir dir;
  TestServer server(TestConfig(dir, /*with_aes=*/false));
  auto& app = server.app();
  std::string xml = bot::SerializeInbound(TextMessage("o_resident_1", "帮助", "5001"));
  auto req = bot::SignRequest(server.config(), xml, false, Now());
  REQUIRE_RESULT_OK(req);
  auto first = Post(server.port(), "/wechat?" + req->query, req->body);
  REQUIRE(first);
  REQUIRE(first->status == 200);
  const int64_t hits = HelpHits(app);
  // WeChat's retry of the same body: answered again from the ledger, no second effect.
  auto retry = Post(server.port(), "/wechat?" + req->query, req->body);
  REQUIRE(retry);
  CHECK(retry->status == 200);
  CHECK(retry->body == first->body);
  CHECK(HelpHits(app) == hits);
  // The same query string with a body of someone else's choosing: refused, nothing changes.
  const std::string before = Fingerprint(app);
  std::string forged = bot::SerializeInbound(TextMessage("o_victim", "报修 假的", "5002"));
  auto replay = Post(server.port(), "/wechat?" + req->query, forged);
  REQUIRE(replay);
  CHECK(replay->status == 403);
  CHECK(Fingerprint(app) == before);
  // Other residents are answered meanwhile.
  CHECK(server.Client().SendText("o_resident_2", "帮助")->status == 200);
}

TEST_CASE("encrypted_only refuses plaintext bodies and answers safe mode", "[integration]") {
  TempDir dir;
  bot::Config config = TestConfig(dir, /*with_aes=*/true);
  config.wechat.encrypted_only = true;
  TestServer server(config);
  const std::string before = Fingerprint(server.app());
  std::string xml = bot::SerializeInbound(TextMessage("o_resident_1", "帮助", "6001"));
  auto plain = bot::SignRequest(server.config(), xml, false, Now());
  auto res = Post(server.port(), "/wechat?" + plain->query, plain->body);
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(Fingerprint(server.app()) == before);
  auto safe = server.Client().SendText("o_resident_1", "帮助", /*safe=*/true);
  REQUIRE_RESULT_OK(safe);
  CHECK(safe->status == 200);
  CHECK(safe->encrypted);
  CHECK(safe->Text().find("你可以发送") != std::string::npos);
  // The option needs a key: refused at load, naming it.
  bot::Config no_key = TestConfig(dir, /*with_aes=*/false);
  no_key.wechat.encrypted_only = true;
  Status s = bot::ValidateConfig(no_key);
  CHECK(s.message().find("wechat.encrypted_only") != std::string::npos);
}

TEST_CASE("A text over max_text_chars gets the too-long reply, is recorded, and is not routed",
          "[integration]") {
  TempDir dir;
  TestServer server(TestConfig(dir, /*with_aes=*/false));
  auto& app = server.app();
  const int64_t hits = HelpHits(app);
  std::string long_text = "帮助";
  while (long_text.size() < 2001 * 3) long_text += "灯";  // 2,001+ characters, under 64 KiB
  auto r = server.Client().SendText("o_resident_1", long_text);
  REQUIRE_RESULT_OK(r);
  CHECK(r->status == 200);
  CHECK(r->Text() == app.templates().Render("text_too_long", {{"max", "2000"}}));
  CHECK(HelpHits(app) == hits);  // not routed: the keyword at its start did not fire
  int64_t recorded = 0;
  REQUIRE_OK(app.db().WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto n, tx.QueryInt("SELECT COUNT(*) FROM inbound_ledger WHERE route = "
                                              "'too_long' AND length(content) > 2000"));
    recorded = n.value_or(0);
    return Status::Ok();
  }));
  CHECK(recorded == 1);
  // Exactly at the limit is still routed.
  std::string at_limit = "帮助" + std::string(1998, ' ');  // 2,000 characters
  auto ok = server.Client().SendText("o_resident_2", at_limit);
  REQUIRE_RESULT_OK(ok);
  CHECK(ok->Text() != app.templates().Render("text_too_long", {{"max", "2000"}}));
}

TEST_CASE("A MsgId delivered 8 times at once has one effect and 8 identical replies",
          "[integration]") {
  TempDir dir;
  TestServer server(TestConfig(dir));
  bool safe = GENERATE(false, true);
  CAPTURE(safe);
  Message m = TextMessage("o_resident_9", "帮助", "6054768590064713728");
  std::vector<std::future<std::string>> replies;
  for (int i = 0; i < 8; ++i) {
    replies.push_back(std::async(std::launch::async, [&] {
      ChatClient c = server.Client();
      auto r = c.Send(m, safe);
      REQUIRE(r.ok());
      return r->Text();
    }));
  }
  std::vector<std::string> texts;
  for (auto& f : replies) texts.push_back(f.get());
  for (const auto& t : texts) REQUIRE(t == texts[0]);
  REQUIRE(texts[0].find("你可以发送") != std::string::npos);
  REQUIRE(HelpHits(server.app()) == 1);
  int64_t ledger_rows = 0;
  REQUIRE_OK(server.app().db().WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto n, tx.QueryInt("SELECT COUNT(*) FROM inbound_ledger"));
    ledger_rows = *n;
    return Status::Ok();
  }));
  REQUIRE(ledger_rows == 1);
}

TEST_CASE("A retry after a restart gets the stored reply and no second effect", "[integration]") {
  TempDir dir;
  auto config = TestConfig(dir);
  Message m = TextMessage("o_resident_7", "帮助", "7000000000000000001");
  std::string first;
  {
    TestServer server(config);
    first = server.Client().Send(m, false)->Text();
    REQUIRE(HelpHits(server.app()) == 1);
  }
  TestServer again(config);
  auto second = again.Client().Send(m, false);
  REQUIRE(second->Text() == first);
  REQUIRE(HelpHits(again.app()) == 1);
  // An event retry is keyed by sender + CreateTime + Event + EventKey.
  Message ev;
  ev.to_user = "gh_10f6c3c3ac5a";
  ev.from_user = "o_resident_7";
  ev.create_time = Now();
  ev.msg_type = "event";
  ev.event = "subscribe";
  auto a = again.Client().Send(ev, false);
  auto b = again.Client().Send(ev, false);
  REQUIRE(a->Text() == b->Text());
  REQUIRE(a->Text().find("欢迎") != std::string::npos);
}

TEST_CASE("A failure inside handling gets the busy text, keeps the message, and a retry works",
          "[integration]") {
  TempDir dir;
  TestServer server(TestConfig(dir));
  auto& app = server.app();
  int64_t rule_id = 0;
  REQUIRE_OK(app.db().WithTransaction([&](storage::Tx& tx) -> Status {
    storage::Rule r;
    r.match_kind = "exact";
    r.pattern = "坏规则";
    r.priority = 1;
    r.target_kind = "handler";
    r.target = "no_such_handler";
    GEBI_ASSIGN_OR_RETURN(rule_id, storage::InsertRule(tx, r, 1));
    return Status::Ok();
  }));
  Message m = TextMessage("o_resident_5", "坏规则", "8100000000000000001");
  auto first = server.Client().Send(m, true);
  REQUIRE_RESULT_OK(first);
  REQUIRE(first->status == 200);
  REQUIRE(first->Text() == app.templates().Render("busy"));
  std::string outcome;
  REQUIRE_OK(app.db().WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto o,
                          tx.QueryText("SELECT outcome || ':' || content FROM inbound_ledger "
                                       "WHERE openid = 'o_resident_5'"));
    outcome = o.value_or("");
    return Status::Ok();
  }));
  REQUIRE(outcome == "failed:坏规则");  // what the resident sent is kept
  // Staff fix the rule; WeChat's retry of the same MsgId is now handled for real.
  REQUIRE_OK(app.db().WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto r, storage::GetRule(tx, rule_id));
    r->target = "help";
    return storage::UpdateRule(tx, *r, 2);
  }));
  auto retry = server.Client().Send(m, true);
  REQUIRE(retry->Text().find("你可以发送") != std::string::npos);
}

}  // namespace
}  // namespace gebi::testing
