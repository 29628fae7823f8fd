#include "bot/wechat/api.h"

#include "tests/support/push_env.h"

namespace gebi::bot {
namespace {

using testing::FakeWeChat;
using testing::PushEnv;

TEST_CASE("WeChatHttp accepts only http(s) bases and never puts the query in an error",
          "[bot][push]") {
  CHECK(WeChatHttp::Create("ftp://x", 1).status().code() == Status::Code::kInvalidArgument);
  CHECK(WeChatHttp::Create("https://", 1).status().code() == Status::Code::kInvalidArgument);
  REQUIRE_RESULT_OK(WeChatHttp::Create("https://api.weixin.qq.com", 1));
  // Nothing listens on port 1: a transport failure is Unavailable and names only the path.
  auto http = WeChatHttp::Create("http://127.0.0.1:1/prefix/", 1);
  REQUIRE_RESULT_OK(http);
  auto r = (*http)->Get("/cgi-bin/token", {{"secret", "TOP-SECRET-123"}});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Status::Code::kUnavailable);
  CHECK(r.status().message().find("GET /cgi-bin/token") != std::string::npos);
  CHECK(r.status().message().find("TOP-SECRET-123") == std::string::npos);
}

TEST_CASE("WeChatApi calls: user info, QR scene limits, unknown media, bad answers",
          "[bot][push]") {
  PushEnv env;
  WeChatApi& api = env.app->api();
  env.fake.SetFollower("o_fan", true);
  auto fan = api.UserInfo("o_fan");
  REQUIRE_RESULT_OK(fan);
  CHECK(fan->body["subscribe"] == 1);
  CHECK(env.fake.CallsTo("/cgi-bin/user/info").at(0).query["openid"] == "o_fan");
  auto stranger = api.UserInfo("o_stranger");
  REQUIRE_RESULT_OK(stranger);
  CHECK(stranger->body["subscribe"] == 0);

  CHECK(api.CreatePermanentQr("").status().code() == Status::Code::kInvalidArgument);
  CHECK(api.CreatePermanentQr(std::string(65, 'g')).status().code() ==
        Status::Code::kInvalidArgument);
  CHECK(env.fake.CountCalls("/cgi-bin/qrcode/create") == 0);
  auto qr = api.CreatePermanentQr("grid-7");
  REQUIRE_RESULT_OK(qr);
  CHECK(qr->url.find("grid-7") != std::string::npos);

  CHECK(api.GetMedia("NO_SUCH").status().IsNotFound());
  env.fake.AddFault("/cgi-bin/menu/create", {FakeWeChat::FaultKind::kErrcode, 40016, 0, 1});
  Status menu = api.CreateMenu({{"button", nlohmann::json::array({{{"name", "a"}}})}});
  CHECK(menu.code() == Status::Code::kFailedPrecondition);
  CHECK(menu.message().find("40016") != std::string::npos);
  // A 5xx is Unavailable (the worker retries it), not a WeChat refusal.
  env.fake.AddFault("/cgi-bin/message/custom/send", {FakeWeChat::FaultKind::kHttp5xx, 0, 0, 1});
  CHECK(api.SendCustomText("o_fan", "x").status().code() == Status::Code::kUnavailable);
  // Every call carried the one token fetched.
  CHECK(env.fake.CountCalls("/cgi-bin/stable_token") == 1);
}

}  // namespace
}  // namespace gebi::bot
