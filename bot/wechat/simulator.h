// The WeChat side of a conversation, for people and tests: builds a message or event exactly as
// WeChat would (signed; encrypted in safe mode), posts it to a running gebi, and decodes the
// reply. Used by `gebi chat`, `gebi sign`, the integration tests and the benchmarks.
// Thread-compatible: one ChatClient per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "bot/config.h"
#include "bot/wechat/crypto.h"
#include "handlers/message.h"

namespace httplib {
class Client;
}

namespace gebi::bot {

struct SignedRequest {
  std::string
      query;  // "signature=..&timestamp=..&nonce=..[&openid=..][&encrypt_type=aes&msg_signature=..]"
  std::string body;
  std::string nonce;
  std::string timestamp;
};

// Signs (and in safe mode encrypts) xml as WeChat would for config's token/key at unix time now.
// REQUIRES for safe: config has an EncodingAESKey.
Result<SignedRequest> SignRequest(const Config& config, const std::string& xml, bool safe,
                                  int64_t now, const std::string& openid = "");

struct ChatReply {
  int status = 0;
  std::string raw;  // the body as received
  bool encrypted = false;
  std::optional<handlers::Message> message;  // the decoded reply (nullopt for "success")
  // Reply as a person reads it: Content for text, a summary for other kinds, "" for success.
  std::string Text() const;
};

class ChatClient {
 public:
  // Talks to http://host:port<path> of config.
  ChatClient(const Config& config, std::string host, int port);
  ~ChatClient();

  // Sends m (ToUserName defaults to config.wechat.account_id). Errors: IOError when the
  // server cannot be reached; Corruption when an encrypted reply does not verify.
  Result<ChatReply> Send(const handlers::Message& m, bool safe);
  // Convenience: a text message from openid with a fresh MsgId.
  Result<ChatReply> SendText(const std::string& openid, const std::string& text, bool safe = false);
  // Convenience: an event.
  Result<ChatReply> SendEvent(const std::string& openid, const std::string& event,
                              const std::string& key, bool safe = false);
  // Fresh message id: time-based and unique within the process.
  static std::string NextMsgId();

 private:
  const Config& config_;
  std::string host_;
  int port_;
  std::unique_ptr<httplib::Client> http_;
  std::optional<MsgCrypt> crypt_;
};

}  // namespace gebi::bot
