// WeChat Official Account message signatures and the safe-mode AES scheme (WXBizMsgCrypt):
// SHA1 signatures over sorted strings, AES-256-CBC with 32-byte PKCS#7 and the
// random(16) | msg_len(4, BE) | msg | appid layout. Pure functions, no I/O.
// Free functions are thread-safe; MsgCrypt is immutable after Create and thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/status.h"

namespace gebi::bot {

// Returns lowercase hex(SHA1(concat(sorted(parts)))), sorting by plain byte order.
// This is both the plain `signature` (token, timestamp, nonce) and the `msg_signature`
// (token, timestamp, nonce, Encrypt). Never fails.
std::string SortedSha1(std::vector<std::string_view> parts);

// Returns true iff a and b are equal. The time taken depends only on the lengths, not on
// where the contents differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// The plain signature check (URL verification and every POST): true iff `signature` equals
// SortedSha1({token, timestamp, nonce}), compared in constant time.
bool VerifySignature(std::string_view token, std::string_view timestamp, std::string_view nonce,
                     std::string_view signature);

// What an encrypted passive reply carries (see SerializeEncryptedEnvelope in wechat_xml.h).
struct EncryptedReply {
  std::string encrypt;        // Base64 ciphertext
  std::string msg_signature;  // SortedSha1(token, timestamp, nonce, encrypt)
  std::string timestamp;
  std::string nonce;
};

// One account's safe-mode codec (Token + EncodingAESKey + AppID).
// Immutable after Create, so one instance may be shared by any number of threads.
class MsgCrypt {
 public:
  // EncodingAESKey length; it Base64-decodes (with one '=' appended) to the 32-byte AES key.
  static constexpr size_t kEncodingAesKeyLength = 43;
  // Length of the random prefix of the plaintext layout.
  static constexpr size_t kRandomLength = 16;

  // Returns the codec, or InvalidArgument "-40004 EncodingAESKey invalid" unless
  // encoding_aes_key is exactly 43 chars of [A-Za-z0-9]. The 2 spare bits of the 43rd char
  // are ignored (real keys often have them set). Token and AppID are not checked.
  static Result<MsgCrypt> Create(std::string token, std::string encoding_aes_key,
                                 std::string appid);

  // Verifies msg_signature over (token, timestamp, nonce, encrypt) in constant time, then
  // decrypts `encrypt` (the text of <Encrypt>). Returns the inner message (XML) on success.
  // Failures: PermissionDenied "-40001 ..." on signature mismatch; otherwise as
  // DecryptUnverified.
  Result<std::string> Decrypt(std::string_view msg_signature, std::string_view timestamp,
                              std::string_view nonce, std::string_view encrypt) const;

  // Decrypts without the signature check (steps 2..8 of the algorithm). Returns the inner
  // message. Failures (all InvalidArgument): "-40010 ..." not strict Base64 (standard
  // alphabet, '=' padding, no whitespace); "-40007 ..." ciphertext length not a positive
  // multiple of 16, or AES failure; "-40008 ..." bad layout (pad byte outside 1..32, fewer
  // than 20 bytes, msg_len beyond the buffer); "-40005 ..." trailing AppID mismatch.
  Result<std::string> DecryptUnverified(std::string_view encrypt) const;

  // Encrypts `message` with 16 fresh random bytes (OpenSSL RAND_bytes, mapped to
  // alphanumerics like the official samples) and signs it with the given timestamp and nonce
  // (callers pass the current time and the query nonce). Returns all four reply fields.
  // Failures: Internal "-40006 ..." if the RNG or AES fails.
  Result<EncryptedReply> Encrypt(std::string_view message, std::string timestamp,
                                 std::string nonce) const;

  // Deterministic variant for test vectors: returns only the Base64 Encrypt string.
  // InvalidArgument if random16 is not exactly 16 bytes; Internal "-40006 ..." on AES failure.
  Result<std::string> EncryptWithRandom(std::string_view message, std::string_view random16) const;

  // Returns the msg_signature of an Encrypt string: SortedSha1(token, timestamp, nonce, encrypt).
  std::string Sign(std::string_view timestamp, std::string_view nonce,
                   std::string_view encrypt) const;

  const std::string& appid() const { return appid_; }
  const std::string& token() const { return token_; }

 private:
  MsgCrypt(std::string token, std::string key, std::string appid)
      : token_(std::move(token)), key_(std::move(key)), appid_(std::move(appid)) {}

  std::string token_;
  std::string key_;  // 32 raw bytes; IV = key_[0..16)
  std::string appid_;
};

}  // namespace gebi::bot
