// The WeChat webhook as a function: a request (method, query, body) in, a response out.
// verify -> decrypt -> parse -> pipeline (dedup, route, handle) -> serialise -> encrypt.
// The HTTP server calls it; tests and benchmarks may too. Thread-safe (App is).
#pragma once

#include <map>
#include <string>

#include "bot/app.h"

namespace gebi::bot {

struct WebhookRequest {
  std::string method;  // GET or POST
  std::map<std::string, std::string> query;
  std::string body;
};

struct WebhookResponse {
  int status = 200;
  std::string body;
  std::string content_type = "text/plain; charset=utf-8";
  // For the request log line.
  std::string msg_type;
  std::string msg_key;  // MsgId, or event name for events
  std::string route;
  std::string outcome;  // ok, duplicate, refused: <why>, failed: <why>
};

// 403 bad signature/msg_signature, stale timestamp, or a (timestamp, nonce) pair already used
// for another body; 400 body WeChat could not have sent (malformed XML, undecryptable Encrypt,
// another appid, plaintext when wechat.encrypted_only); 200 otherwise, with the passive
// reply (encrypted when the request was), "success" when no reply is owed, or the "busy"
// text when handling failed.
WebhookResponse HandleWebhook(App& app, const WebhookRequest& req);

}  // namespace gebi::bot
