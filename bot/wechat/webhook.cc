#include "bot/wechat/webhook.h"

#include <fmt/format.h>

#include <charconv>

#include "bot/wechat/crypto.h"
#include "bot/wechat/xml.h"

namespace gebi::bot {

namespace {

constexpr const char* kXmlType = "application/xml; charset=utf-8";

const std::string* Param(const WebhookRequest& req, const char* name) {
  auto it = req.query.find(name);
  return it == req.query.end() ? nullptr : &it->second;
}

WebhookResponse Refuse(int status, std::string why) {
  WebhookResponse r;
  r.status = status;
  r.body = why;
  r.outcome = "refused: " + why;
  return r;
}

// Checks signature, timestamp and nonce on every request, and the timestamp window. Sets
// *timestamp to the request's timestamp when it returns nullopt.
std::optional<WebhookResponse> CheckSignature(const App& app, const WebhookRequest& req,
                                              int64_t* timestamp) {
  const std::string* sig = Param(req, "signature");
  const std::string* ts = Param(req, "timestamp");
  const std::string* nonce = Param(req, "nonce");
  if (sig == nullptr || ts == nullptr || nonce == nullptr) {
    return Refuse(403, "missing signature, timestamp or nonce");
  }
  int64_t t = 0;
  auto [p, ec] = std::from_chars(ts->data(), ts->data() + ts->size(), t);
  if (ec != std::errc() || p != ts->data() + ts->size()) return Refuse(403, "bad timestamp");
  int64_t skew = app.clock().NowSeconds() - t;
  if (skew > app.config().server.timestamp_window_seconds ||
      -skew > app.config().server.timestamp_window_seconds) {
    return Refuse(403, "timestamp outside the allowed window");
  }
  if (!VerifySignature(app.config().wechat.token, *ts, *nonce, *sig)) {
    return Refuse(403, "signature mismatch");
  }
  *timestamp = t;
  return std::nullopt;
}

}  // namespace

WebhookResponse HandleWebhook(App& app, const WebhookRequest& req) {
  int64_t timestamp = 0;
  if (auto refused = CheckSignature(app, req, &timestamp)) return *refused;
  if (req.method == "GET") {
    const std::string* echostr = Param(req, "echostr");
    if (echostr == nullptr) return Refuse(400, "missing echostr");
    WebhookResponse r;
    r.body = *echostr;
    r.outcome = "verified";
    return r;
  }

  const std::string* encrypt_type = Param(req, "encrypt_type");
  bool encrypted = encrypt_type != nullptr && *encrypt_type == "aes";
  // Safe and compatible mode always say encrypt_type=aes; a body without it is plaintext.
  if (!encrypted && app.config().wechat.encrypted_only) {
    return Refuse(400, "plaintext body refused: wechat.encrypted_only is set");
  }
  // Plaintext mode: one parse of the body gives the message; the envelope is read only when
  // the body turns out to carry <Encrypt> (compatible mode) or is not a message at all.
  std::optional<Result<handlers::Message>> plain_msg;
  if (!encrypted) {
    plain_msg = ParseMessage(req.body);
    if (!plain_msg->ok() || plain_msg->value().fields.count("Encrypt") != 0) plain_msg.reset();
  }
  Result<Envelope> envelope = Envelope{};
  if (!plain_msg) {
    envelope = ParseEnvelope(req.body);
    if (!envelope.ok()) return Refuse(400, envelope.status().message());
    encrypted = encrypted || envelope->has_encrypt;
  }

  std::string inner_xml;  // what ParseMessage reads when the body was not parsed above
  if (!plain_msg && encrypted) {
    if (!app.crypt()) return Refuse(400, "encrypted message but no EncodingAESKey configured");
    if (!envelope->has_encrypt) return Refuse(400, "encrypt_type=aes but no Encrypt element");
    const std::string* msg_sig = Param(req, "msg_signature");
    if (msg_sig == nullptr) return Refuse(403, "missing msg_signature");
    auto plain = app.crypt()->Decrypt(*msg_sig, *Param(req, "timestamp"), *Param(req, "nonce"),
                                      envelope->encrypt);
    if (!plain.ok()) {
      int status = plain.status().code() == Status::Code::kPermissionDenied ? 403 : 400;
      return Refuse(status, plain.status().message());
    }
    inner_xml = std::move(plain).value();
  } else if (!plain_msg) {
    inner_xml = req.body;
  }

  auto msg = plain_msg ? std::move(*plain_msg) : ParseMessage(inner_xml);
  if (!msg.ok()) return Refuse(400, msg.status().message());
  // Only a request WeChat could have sent reaches here; its (timestamp, nonce) now belongs to
  // this body. A retry of the same body passes (the ledger answers it once).
  if (!app.replay_guard().Admit(timestamp, *Param(req, "nonce"), req.body,
                                app.clock().NowSeconds())) {
    return Refuse(403, "timestamp and nonce already used for another body");
  }

  WebhookResponse r;
  r.msg_type = msg->IsEvent() ? "event." + msg->event : msg->msg_type;
  r.msg_key = msg->IsEvent() ? msg->event_key : msg->msg_id;
  handlers::Reply reply;
  auto outcome = app.pipeline().Handle(*msg);
  if (outcome.ok()) {
    reply = std::move(outcome->reply);
    r.route = outcome->route;
    r.outcome = outcome->duplicate ? "duplicate" : "ok";
  } else {
    reply = handlers::Reply::Text(app.templates().Render("busy"));
    r.route = "failed";
    r.outcome = "failed: " + outcome.status().ToString();
  }

  if (reply.kind == handlers::Reply::Kind::kNone) {
    r.body = "success";  // no reply owed; needs no encryption in any mode
    return r;
  }
  std::string xml = SerializeReply(reply, msg->from_user, msg->to_user, app.clock().NowSeconds());
  r.content_type = kXmlType;
  if (!encrypted) {
    r.body = std::move(xml);
    return r;
  }
  auto sealed =
      app.crypt()->Encrypt(xml, std::to_string(app.clock().NowSeconds()), *Param(req, "nonce"));
  if (!sealed.ok()) {
    // Answer nothing rather than something WeChat would show as an error.
    r.body = "success";
    r.content_type = "text/plain; charset=utf-8";
    r.outcome = "failed: " + sealed.status().ToString();
    return r;
  }
  r.body = SerializeEncryptedEnvelope(*sealed);
  return r;
}

}  // namespace gebi::bot
