#include "bot/wechat/crypto.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <memory>
#include <string>

namespace gebi::bot {
namespace {

// WXBizMsgCrypt pads to 32 bytes (PKCS#7 with K = 32), not the AES block size of 16.
constexpr size_t kPadBlock = 32;
constexpr size_t kAesKeyLength = 32;
constexpr size_t kIvLength = 16;
constexpr size_t kLengthFieldSize = 4;
// Keeps every size we hand to OpenSSL (int parameters) far from overflow.
constexpr size_t kMaxPayload = 64u << 20;  // 64 MiB; WeChat bodies are a few KB

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

bool IsAlnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool IsBase64Char(char c) { return IsAlnum(c) || c == '+' || c == '/'; }

std::string HexLower(const unsigned char* data, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(n * 2, '\0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[data[i] >> 4];
    out[2 * i + 1] = kHex[data[i] & 0xf];
  }
  return out;
}

std::string Base64Encode(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return out;
}

// Strict standard Base64 with '=' padding. EVP_DecodeBlock counts '=' as zero bits and would
// skip surrounding whitespace, so the shape is validated here and one byte is dropped per '='.
Result<std::string> Base64Decode(std::string_view in) {
  if (in.empty() || in.size() % 4 != 0 || in.size() > kMaxPayload) {
    return Status::InvalidArgument("-40010 Base64 decode failed: length " +
                                   std::to_string(in.size()));
  }
  size_t pad = 0;
  if (in.back() == '=') ++pad;
  if (in.size() >= 2 && in[in.size() - 2] == '=') ++pad;
  for (size_t i = 0; i < in.size() - pad; ++i) {
    if (!IsBase64Char(in[i])) {
      return Status::InvalidArgument("-40010 Base64 decode failed: bad character at " +
                                     std::to_string(i));
    }
  }
  std::string out(in.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  if (n < 0 || static_cast<size_t>(n) != out.size()) {
    return Status::InvalidArgument("-40010 Base64 decode failed");
  }
  out.resize(out.size() - pad);
  return out;
}

// AES-256-CBC with library padding disabled; `in` must be a multiple of 16 bytes.
Result<std::string> AesCbc(const std::string& key, std::string_view in, bool encrypt) {
  const char* what = encrypt ? "-40006 AES encrypt failed" : "-40007 AES decrypt failed";
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return Status::Internal(std::string(what) + ": EVP_CIPHER_CTX_new");
  const auto* k = reinterpret_cast<const unsigned char*>(key.data());
  // IV = first 16 bytes of the key, as in every official sample.
  if (EVP_CipherInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, k, k, encrypt ? 1 : 0) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1) {
    return Status::Internal(std::string(what) + ": init");
  }
  std::string out(in.size() + kIvLength, '\0');
  int n1 = 0, n2 = 0;
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  if (EVP_CipherUpdate(ctx.get(), o, &n1, reinterpret_cast<const unsigned char*>(in.data()),
                       static_cast<int>(in.size())) != 1 ||
      EVP_CipherFinal_ex(ctx.get(), o + n1, &n2) != 1) {
    if (encrypt) return Status::Internal(what);
    return Status::InvalidArgument(what);
  }
  out.resize(static_cast<size_t>(n1) + static_cast<size_t>(n2));
  return out;
}

void AppendBigEndian32(std::string& s, uint32_t v) {
  s.push_back(static_cast<char>((v >> 24) & 0xff));
  s.push_back(static_cast<char>((v >> 16) & 0xff));
  s.push_back(static_cast<char>((v >> 8) & 0xff));
  s.push_back(static_cast<char>(v & 0xff));
}

uint32_t ReadBigEndian32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | u[3];
}

}  // namespace

std::string SortedSha1(std::vector<std::string_view> parts) {
  std::sort(parts.begin(), parts.end());  // string_view compares as unsigned bytes
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, EVP_sha1(), nullptr) == 1;
  for (std::string_view p : parts) {
    ok = ok && EVP_DigestUpdate(ctx, p.data(), p.size()) == 1;
  }
  ok = ok && EVP_DigestFinal_ex(ctx, md, &md_len) == 1;
  EVP_MD_CTX_free(ctx);
  // Only an allocation failure inside OpenSSL gets here; an empty string never matches a
  // 40-char signature, so callers fail closed.
  if (!ok) return std::string();
  return HexLower(md, md_len);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

bool VerifySignature(std::string_view token, std::string_view timestamp, std::string_view nonce,
                     std::string_view signature) {
  std::string expected = SortedSha1({token, timestamp, nonce});
  return !expected.empty() && ConstantTimeEquals(expected, signature);
}

Result<MsgCrypt> MsgCrypt::Create(std::string token, std::string encoding_aes_key,
                                  std::string appid) {
  if (encoding_aes_key.size() != kEncodingAesKeyLength ||
      !std::all_of(encoding_aes_key.begin(), encoding_aes_key.end(), IsAlnum)) {
    return Status::InvalidArgument(
        "-40004 EncodingAESKey invalid: need 43 characters of [A-Za-z0-9]");
  }
  std::string padded = encoding_aes_key + "=";
  unsigned char raw[48] = {};
  // 44 chars decode to 33 bytes; the 33rd holds the 43rd char's spare bits and is dropped.
  int n = EVP_DecodeBlock(raw, reinterpret_cast<const unsigned char*>(padded.data()),
                          static_cast<int>(padded.size()));
  if (n < static_cast<int>(kAesKeyLength)) {
    return Status::InvalidArgument("-40004 EncodingAESKey invalid: Base64 decode failed");
  }
  return MsgCrypt(std::move(token), std::string(reinterpret_cast<char*>(raw), kAesKeyLength),
                  std::move(appid));
}

std::string MsgCrypt::Sign(std::string_view timestamp, std::string_view nonce,
                           std::string_view encrypt) const {
  return SortedSha1({token_, timestamp, nonce, encrypt});
}

Result<std::string> MsgCrypt::Decrypt(std::string_view msg_signature, std::string_view timestamp,
                                      std::string_view nonce, std::string_view encrypt) const {
  std::string expected = Sign(timestamp, nonce, encrypt);
  if (expected.empty() || !ConstantTimeEquals(expected, msg_signature)) {
    return Status::PermissionDenied("-40001 msg_signature check failed");
  }
  return DecryptUnverified(encrypt);
}

Result<std::string> MsgCrypt::DecryptUnverified(std::string_view encrypt) const {
  GEBI_ASSIGN_OR_RETURN(std::string cipher, Base64Decode(encrypt));
  if (cipher.empty() || cipher.size() % kIvLength != 0) {
    return Status::InvalidArgument("-40007 AES decrypt failed: ciphertext length " +
                                   std::to_string(cipher.size()) +
                                   " is not a positive multiple of 16");
  }
  GEBI_ASSIGN_OR_RETURN(std::string plain, AesCbc(key_, cipher, /*encrypt=*/false));

  const size_t pad = static_cast<unsigned char>(plain.back());
  if (pad < 1 || pad > kPadBlock || pad > plain.size()) {
    return Status::InvalidArgument("-40008 decrypted buffer invalid: pad byte " +
                                   std::to_string(pad));
  }
  plain.resize(plain.size() - pad);
  if (plain.size() < kRandomLength + kLengthFieldSize) {
    return Status::InvalidArgument("-40008 decrypted buffer invalid: " +
                                   std::to_string(plain.size()) + " bytes after unpadding");
  }
  const size_t body = kRandomLength + kLengthFieldSize;
  const uint64_t msg_len = ReadBigEndian32(plain.data() + kRandomLength);
  // A wrong key shows up here as an absurd length (WxJava #622: "1611744036 > 320").
  if (msg_len > plain.size() - body) {
    return Status::InvalidArgument("-40008 decrypted buffer invalid: msg_len " +
                                   std::to_string(msg_len) + " > " +
                                   std::to_string(plain.size() - body));
  }
  std::string_view rest(plain);
  rest.remove_prefix(body);
  std::string_view tail = rest.substr(msg_len);
  if (tail != appid_) {
    return Status::InvalidArgument("-40005 AppID mismatch: got '" + std::string(tail) + "'");
  }
  return std::string(rest.substr(0, msg_len));
}

Result<std::string> MsgCrypt::EncryptWithRandom(std::string_view message,
                                                std::string_view random16) const {
  if (random16.size() != kRandomLength) {
    return Status::InvalidArgument("random prefix must be 16 bytes, got " +
                                   std::to_string(random16.size()));
  }
  if (message.size() > kMaxPayload) {
    return Status::InvalidArgument("-40006 AES encrypt failed: message of " +
                                   std::to_string(message.size()) + " bytes is too large");
  }
  std::string full;
  full.reserve(kRandomLength + kLengthFieldSize + message.size() + appid_.size() + kPadBlock);
  full.append(random16);
  AppendBigEndian32(full, static_cast<uint32_t>(message.size()));
  full.append(message);
  full.append(appid_);
  const size_t pad = kPadBlock - full.size() % kPadBlock;  // 1..32
  full.append(pad, static_cast<char>(pad));
  GEBI_ASSIGN_OR_RETURN(std::string cipher, AesCbc(key_, full, /*encrypt=*/true));
  return Base64Encode(cipher);
}

Result<EncryptedReply> MsgCrypt::Encrypt(std::string_view message, std::string timestamp,
                                         std::string nonce) const {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  unsigned char bytes[kRandomLength];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    return Status::Internal("-40006 AES encrypt failed: RAND_bytes");
  }
  std::string random(kRandomLength, '\0');
  // The prefix is discarded by the receiver; the slight modulo bias is harmless.
  for (size_t i = 0; i < kRandomLength; ++i) random[i] = kAlphabet[bytes[i] % 62];
  GEBI_ASSIGN_OR_RETURN(std::string encrypt, EncryptWithRandom(message, random));
  EncryptedReply reply;
  reply.msg_signature = Sign(timestamp, nonce, encrypt);
  reply.encrypt = std::move(encrypt);
  reply.timestamp = std::move(timestamp);
  reply.nonce = std::move(nonce);
  return reply;
}

}  // namespace gebi::bot
