#include "bot/wechat/api.h"

#include <fmt/format.h>

#include "bot/wechat/access_token.h"

namespace gebi::bot {

namespace {

constexpr size_t kMaxPooledConnections = 16;  // beyond push.concurrency there is no gain

using nlohmann::json;

std::string Describe(const ApiReply& r) {
  return fmt::format("errcode {} ({})", r.errcode, r.errmsg);
}

}  // namespace

bool IsTokenRejected(int errcode) {
  return errcode == errc::kInvalidCredential || errcode == errc::kInvalidToken ||
         errcode == errc::kTokenExpired;
}

Result<std::unique_ptr<WeChatHttp>> WeChatHttp::Create(const std::string& base,
                                                       int timeout_seconds) {
  size_t scheme_end = base.find("://");
  if (scheme_end == std::string::npos ||
      (base.compare(0, scheme_end, "https") != 0 && base.compare(0, scheme_end, "http") != 0)) {
    return Status::InvalidArgument("wechat.api_base must start with https:// or http://");
  }
  size_t path_start = base.find('/', scheme_end + 3);
  std::string origin = base.substr(0, path_start);
  std::string prefix = path_start == std::string::npos ? "" : base.substr(path_start);
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  if (origin.size() <= scheme_end + 3)
    return Status::InvalidArgument("wechat.api_base has no host");
  return std::unique_ptr<WeChatHttp>(new WeChatHttp(origin, prefix, timeout_seconds));
}

WeChatHttp::~WeChatHttp() = default;

std::unique_ptr<httplib::Client> WeChatHttp::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
  }
  auto c = std::make_unique<httplib::Client>(origin_);
  c->set_connection_timeout(timeout_seconds_, 0);
  c->set_read_timeout(timeout_seconds_, 0);
  c->set_write_timeout(timeout_seconds_, 0);
  c->set_keep_alive(true);
  c->set_tcp_nodelay(true);  // small JSON requests: do not wait for delayed ACKs
  c->set_follow_location(false);
  return c;
}

void WeChatHttp::Release(std::unique_ptr<httplib::Client> c) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < kMaxPooledConnections) idle_.push_back(std::move(c));
}

Result<ApiReply> WeChatHttp::Finish(const std::string& what, httplib::Result& res,
                                    std::unique_ptr<httplib::Client> c) {
  if (!res) {
    // The connection is in an unknown state: drop it, do not pool it.
    return Status::Unavailable(fmt::format("{}: {}", what, httplib::to_string(res.error())));
  }
  if (res->status < 200 || res->status > 299) {
    return Status::Unavailable(fmt::format("{}: HTTP {}", what, res->status));
  }
  Release(std::move(c));
  ApiReply r;
  r.raw = std::move(res->body);
  r.content_type = res->get_header_value("Content-Type");
  bool looks_json = r.content_type.find("json") != std::string::npos ||
                    r.content_type.find("text/plain") != std::string::npos ||
                    (!r.raw.empty() && r.raw.front() == '{');
  if (!looks_json) return r;  // bytes (media/get)
  r.body = json::parse(r.raw, nullptr, /*allow_exceptions=*/false);
  if (!r.body.is_object()) {
    return Status::Corruption(fmt::format("{}: answer is not a JSON object", what));
  }
  if (auto it = r.body.find("errcode"); it != r.body.end() && it->is_number_integer()) {
    r.errcode = it->get<int>();
  }
  if (auto it = r.body.find("errmsg"); it != r.body.end() && it->is_string()) {
    r.errmsg = it->get<std::string>();
  }
  return r;
}

Result<ApiReply> WeChatHttp::Get(const std::string& path, const httplib::Params& params) {
  auto c = Acquire();
  auto res = c->Get(prefix_ + path, params, httplib::Headers{}, httplib::Progress{});
  return Finish("GET " + path, res, std::move(c));
}

Result<ApiReply> WeChatHttp::Post(const std::string& path, const httplib::Params& params,
                                  const json& body) {
  auto c = Acquire();
  std::string target = httplib::append_query_params(prefix_ + path, params);
  auto res = c->Post(target, body.dump(), "application/json; charset=utf-8");
  return Finish("POST " + path, res, std::move(c));
}

Result<ApiReply> WeChatApi::Post(const std::string& path, const json& body) {
  GEBI_ASSIGN_OR_RETURN(std::string token, tokens_.Get());
  GEBI_ASSIGN_OR_RETURN(ApiReply r, http_.Post(path, {{"access_token", token}}, body));
  if (!IsTokenRejected(r.errcode)) return r;
  GEBI_RETURN_IF_ERROR(tokens_.Reject(token));
  GEBI_ASSIGN_OR_RETURN(token, tokens_.Get());
  return http_.Post(path, {{"access_token", token}}, body);
}

Result<ApiReply> WeChatApi::Get(const std::string& path, httplib::Params params) {
  GEBI_ASSIGN_OR_RETURN(std::string token, tokens_.Get());
  params.emplace("access_token", token);
  GEBI_ASSIGN_OR_RETURN(ApiReply r, http_.Get(path, params));
  if (!IsTokenRejected(r.errcode)) return r;
  GEBI_RETURN_IF_ERROR(tokens_.Reject(token));
  GEBI_ASSIGN_OR_RETURN(token, tokens_.Get());
  params.erase("access_token");
  params.emplace("access_token", token);
  return http_.Get(path, params);
}

Result<ApiReply> WeChatApi::SendCustomText(const std::string& openid, const std::string& text) {
  return Post("/cgi-bin/message/custom/send",
              {{"touser", openid}, {"msgtype", "text"}, {"text", {{"content", text}}}});
}

Result<ApiReply> WeChatApi::SendTemplate(const std::string& openid, const std::string& template_id,
                                         const std::string& url,
                                         const std::map<std::string, std::string>& data,
                                         const std::string& client_msg_id) {
  json fields = json::object();
  for (const auto& [k, v] : data) fields[k] = {{"value", v}};
  json body = {{"touser", openid}, {"template_id", template_id}, {"data", fields}};
  if (!url.empty()) body["url"] = url;
  if (!client_msg_id.empty()) body["client_msg_id"] = client_msg_id;
  return Post("/cgi-bin/message/template/send", body);
}

Result<QrTicket> WeChatApi::CreatePermanentQr(const std::string& scene) {
  if (scene.empty() || scene.size() > 64) {
    return Status::InvalidArgument("QR scene must be 1..64 characters");
  }
  GEBI_ASSIGN_OR_RETURN(ApiReply r, Post("/cgi-bin/qrcode/create",
                                         {{"action_name", "QR_LIMIT_STR_SCENE"},
                                          {"action_info", {{"scene", {{"scene_str", scene}}}}}}));
  if (!r.ok()) return Status::FailedPrecondition("qrcode/create refused: " + Describe(r));
  QrTicket t;
  t.ticket = r.body.value("ticket", "");
  t.url = r.body.value("url", "");
  if (t.ticket.empty() || t.url.empty()) {
    return Status::Corruption("qrcode/create answered without ticket or url");
  }
  return t;
}

Result<MediaFile> WeChatApi::GetMedia(const std::string& media_id) {
  GEBI_ASSIGN_OR_RETURN(ApiReply r, Get("/cgi-bin/media/get", {{"media_id", media_id}}));
  if (r.errcode == errc::kInvalidMediaId) {
    return Status::NotFound("media/get: unknown or expired media id: " + Describe(r));
  }
  if (!r.ok()) return Status::FailedPrecondition("media/get refused: " + Describe(r));
  if (!r.body.is_null()) {
    return Status::Corruption("media/get answered JSON instead of a file (video media?)");
  }
  if (r.raw.empty()) return Status::Corruption("media/get answered an empty file");
  return MediaFile{std::move(r.raw), r.content_type};
}

Status WeChatApi::CreateMenu(const json& menu) {
  GEBI_ASSIGN_OR_RETURN(ApiReply r, Post("/cgi-bin/menu/create", menu));
  if (!r.ok()) return Status::FailedPrecondition("menu/create refused: " + Describe(r));
  return Status::Ok();
}

Result<ApiReply> WeChatApi::UserInfo(const std::string& openid) {
  return Get("/cgi-bin/user/info", {{"openid", openid}, {"lang", "zh_CN"}});
}

}  // namespace gebi::bot
