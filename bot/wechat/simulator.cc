#include "bot/wechat/simulator.h"

#include <fmt/format.h>
#include <httplib.h>
#include <openssl/rand.h>

#include <atomic>
#include <chrono>

#include "bot/wechat/xml.h"

namespace gebi::bot {

namespace {

std::string RandomDigits(int n) {
  unsigned char buf[32];
  RAND_bytes(buf, n);
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('0' + buf[i] % 10));
  if (s[0] == '0') s[0] = '1';
  return s;
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<SignedRequest> SignRequest(const Config& config, const std::string& xml, bool safe,
                                  int64_t now, const std::string& openid) {
  SignedRequest r;
  r.timestamp = std::to_string(now);
  // WeChat sends 9 or 10 digits; 16 keep a benchmark corpus of many thousands of requests a
  // second free of repeated (timestamp, nonce) pairs, which the replay guard refuses.
  r.nonce = RandomDigits(16);
  r.query =
      fmt::format("signature={}&timestamp={}&nonce={}",
                  SortedSha1({config.wechat.token, r.timestamp, r.nonce}), r.timestamp, r.nonce);
  if (!openid.empty()) r.query += "&openid=" + httplib::detail::encode_query_param(openid);
  if (!safe) {
    r.body = xml;
    return r;
  }
  GEBI_ASSIGN_OR_RETURN(
      MsgCrypt crypt,
      MsgCrypt::Create(config.wechat.token, config.wechat.encoding_aes_key, config.wechat.appid));
  GEBI_ASSIGN_OR_RETURN(EncryptedReply sealed, crypt.Encrypt(xml, r.timestamp, r.nonce));
  r.query += "&encrypt_type=aes&msg_signature=" + sealed.msg_signature;
  r.body = fmt::format("<xml><ToUserName>{}</ToUserName><Encrypt>{}</Encrypt></xml>",
                       CData(config.wechat.account_id), CData(sealed.encrypt));
  return r;
}

std::string ChatReply::Text() const {
  if (!message) return "";
  const handlers::Message& m = *message;
  if (m.msg_type == "text") return m.content;
  std::string out = "[" + m.msg_type + "]";
  for (const auto& [k, v] : m.fields) {
    if (k != "ToUserName" && k != "FromUserName" && k != "CreateTime" && k != "MsgType") {
      out += fmt::format(" {}={}", k, v);
    }
  }
  return out;
}

ChatClient::ChatClient(const Config& config, std::string host, int port)
    : config_(config),
      host_(host),
      port_(port),
      http_(std::make_unique<httplib::Client>(host, port)) {
  http_->set_keep_alive(true);
  http_->set_read_timeout(10, 0);
  if (!config.wechat.encoding_aes_key.empty()) {
    auto c =
        MsgCrypt::Create(config.wechat.token, config.wechat.encoding_aes_key, config.wechat.appid);
    if (c.ok()) crypt_.emplace(std::move(c).value());
  }
}

ChatClient::~ChatClient() = default;

std::string ChatClient::NextMsgId() {
  static std::atomic<uint64_t> counter{0};
  uint64_t ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
  return std::to_string(ms * 1000000 + (counter++ % 1000000));
}

Result<ChatReply> ChatClient::Send(const handlers::Message& in, bool safe) {
  handlers::Message m = in;
  if (m.to_user.empty()) m.to_user = config_.wechat.account_id;
  if (m.create_time == 0) m.create_time = NowSeconds();
  GEBI_ASSIGN_OR_RETURN(SignedRequest signed_req,
                        SignRequest(config_, SerializeInbound(m), safe, NowSeconds(), m.from_user));
  auto res = http_->Post((config_.server.path + "?" + signed_req.query).c_str(), signed_req.body,
                         "text/xml");
  if (!res) {
    return Status::IOError(fmt::format("cannot reach gebi at {}:{}{} ({})", host_, port_,
                                       config_.server.path, httplib::to_string(res.error())));
  }
  ChatReply reply;
  reply.status = res->status;
  reply.raw = res->body;
  if (res->status != 200 || res->body == "success" || res->body.empty()) return reply;
  std::string xml = res->body;
  auto env = ParseEnvelope(xml);
  if (env.ok() && env->has_encrypt) {
    if (!crypt_) return Status::Corruption("encrypted reply but no EncodingAESKey configured");
    auto plain = crypt_->Decrypt(env->msg_signature, env->timestamp, env->nonce, env->encrypt);
    if (!plain.ok())
      return Status::Corruption("reply does not verify: " + plain.status().message());
    xml = std::move(plain).value();
    reply.encrypted = true;
  }
  auto parsed = ParseMessage(xml);
  if (!parsed.ok())
    return Status::Corruption("reply is not WeChat XML: " + parsed.status().message());
  reply.message = std::move(parsed).value();
  return reply;
}

Result<ChatReply> ChatClient::SendText(const std::string& openid, const std::string& text,
                                       bool safe) {
  handlers::Message m;
  m.from_user = openid;
  m.msg_type = "text";
  m.content = text;
  m.msg_id = NextMsgId();
  return Send(m, safe);
}

Result<ChatReply> ChatClient::SendEvent(const std::string& openid, const std::string& event,
                                        const std::string& key, bool safe) {
  handlers::Message m;
  m.from_user = openid;
  m.msg_type = "event";
  m.event = event;
  m.event_key = key;
  return Send(m, safe);
}

}  // namespace gebi::bot
