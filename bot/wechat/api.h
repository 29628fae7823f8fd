// The WeChat API client: JSON over HTTPS (http:// for the fake API of the tests) to
// config wechat.api_base. WeChatHttp does one request and turns transport failures and 5xx
// into Status::Unavailable; WeChatApi adds the access token (bot/wechat/access_token.h), retries a
// call once with a fresh token after 40001/40014/42001, and offers the calls gebi makes
// (customer-service and template messages, QR codes, media download, menu, user info).
// Thread-safe: connections come from a small pool; any thread may call any method.
// Query strings carry the secret or the token, so no error message ever includes one.
#pragma once

#include <httplib.h>

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "storage/status.h"

namespace gebi::bot {

class AccessTokenProvider;

// WeChat's answer to a call that reached it: HTTP 2xx with a body.
struct ApiReply {
  int errcode = 0;           // 0 when absent
  std::string errmsg;        // WeChat's text (may name our IP; never a secret)
  nlohmann::json body;       // the JSON object; null for a binary body (media/get)
  std::string raw;           // the body bytes
  std::string content_type;  // Content-Type header
  bool ok() const { return errcode == 0; }
};

// Error codes gebi reacts to (from the WeChat API error code list).
namespace errc {
inline constexpr int kBusy = -1;
inline constexpr int kInvalidCredential = 40001;  // token invalid / not latest (or bad secret)
inline constexpr int kInvalidOpenid = 40003;
inline constexpr int kInvalidMediaId = 40007;
inline constexpr int kBadAppid = 40013;
inline constexpr int kInvalidToken = 40014;
inline constexpr int kInvalidTemplateId = 40037;
inline constexpr int kBadSecret = 40125;
inline constexpr int kIpNotWhitelisted = 40164;
inline constexpr int kTokenExpired = 42001;
inline constexpr int kRequireSubscribe = 43004;
inline constexpr int kDailyQuota = 45009;
inline constexpr int kMinuteQuota = 45011;
inline constexpr int kOutOfWindow = 45015;  // customer-service window closed / unfollowed
inline constexpr int kOutOfCount = 45047;   // customer-service message count used up
inline constexpr int kArgumentInvalid = 47003;
inline constexpr int kUnauthorized = 48001;
inline constexpr int kIpRiskControl = 89503;
}  // namespace errc

// True for codes that mean "this token is not (any more) valid": refresh once and retry.
bool IsTokenRejected(int errcode);

class WeChatHttp {
 public:
  // base: "https://api.weixin.qq.com" or "http://127.0.0.1:PORT" (an optional path prefix is
  // kept). InvalidArgument for anything else.
  static Result<std::unique_ptr<WeChatHttp>> Create(const std::string& base, int timeout_seconds);
  ~WeChatHttp();

  // GET path?params / POST path?params with a JSON body. Unavailable on connection failure,
  // timeout or HTTP status other than 2xx; Corruption when a JSON answer was expected and the
  // body is not JSON (media/get may answer bytes: those come back in raw with body null).
  Result<ApiReply> Get(const std::string& path, const httplib::Params& params);
  Result<ApiReply> Post(const std::string& path, const httplib::Params& params,
                        const nlohmann::json& body);

 private:
  WeChatHttp(std::string origin, std::string prefix, int timeout_seconds)
      : origin_(std::move(origin)), prefix_(std::move(prefix)), timeout_seconds_(timeout_seconds) {}
  std::unique_ptr<httplib::Client> Acquire();
  void Release(std::unique_ptr<httplib::Client> c);
  Result<ApiReply> Finish(const std::string& what, httplib::Result& res,
                          std::unique_ptr<httplib::Client> c);

  const std::string origin_;  // scheme://host[:port]
  const std::string prefix_;  // path prefix, usually empty
  const int timeout_seconds_;
  std::mutex mu_;
  std::vector<std::unique_ptr<httplib::Client>> idle_;  // guarded by mu_
};

struct QrTicket {
  std::string ticket;
  std::string url;  // the QR payload
};

struct MediaFile {
  std::string bytes;
  std::string content_type;
};

class WeChatApi {
 public:
  // http and tokens must outlive the api.
  WeChatApi(WeChatHttp& http, AccessTokenProvider& tokens) : http_(http), tokens_(tokens) {}

  // POST path with the access token; on 40001/40014/42001 rejects the token, fetches a new
  // one and retries once. Unauthenticated when no token can be had (see AccessTokenProvider);
  // Unavailable on transport failures. Any other errcode is in the ApiReply.
  Result<ApiReply> Post(const std::string& path, const nlohmann::json& body);
  Result<ApiReply> Get(const std::string& path, httplib::Params params);

  // POST /cgi-bin/message/custom/send, msgtype text.
  Result<ApiReply> SendCustomText(const std::string& openid, const std::string& text);
  // POST /cgi-bin/message/template/send. data: field -> value.
  Result<ApiReply> SendTemplate(const std::string& openid, const std::string& template_id,
                                const std::string& url,
                                const std::map<std::string, std::string>& data,
                                const std::string& client_msg_id);
  // POST /cgi-bin/qrcode/create, QR_LIMIT_STR_SCENE (permanent). InvalidArgument for a scene
  // outside 1..64 chars; FailedPrecondition carrying errcode/errmsg when WeChat refuses.
  Result<QrTicket> CreatePermanentQr(const std::string& scene);
  // GET /cgi-bin/media/get. NotFound for an unknown or expired media id (40007);
  // FailedPrecondition for other refusals.
  Result<MediaFile> GetMedia(const std::string& media_id);
  // POST /cgi-bin/menu/create. FailedPrecondition carrying errcode/errmsg on refusal.
  Status CreateMenu(const nlohmann::json& menu);
  // GET /cgi-bin/user/info.
  Result<ApiReply> UserInfo(const std::string& openid);

 private:
  WeChatHttp& http_;
  AccessTokenProvider& tokens_;
};

}  // namespace gebi::bot
