// libFuzzer target: MsgCrypt::Decrypt, which runs on every safe-mode body once its signature
// checks out. The first input byte picks how the rest is used:
//   0: the Encrypt text, correctly signed, so Base64 and AES run on fuzzer text;
//   1: the plaintext layout (random | msg_len | msg | appid | pad), AES-encrypted here with the
//      fixed key so the layout checks see fuzzer-chosen bytes (the likeliest place for an
//      off-by-one);
//   2: a message Encrypt()ed and decrypted again, which must give it back;
//   3: a random signature (the first 40 bytes) over the rest, which must be refused.
#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "bot/wechat/crypto.h"

namespace {

constexpr std::string_view kToken = "fuzztoken";
constexpr std::string_view kEncodingAesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
constexpr std::string_view kAppId = "wx0123456789abcdef";
constexpr std::string_view kTimestamp = "1700000000";
constexpr std::string_view kNonce = "nonce123";
constexpr size_t kSignatureLength = 40;  // hex SHA1

const gebi::bot::MsgCrypt& Crypt() {
  static const gebi::bot::MsgCrypt* crypt = [] {
    auto c = gebi::bot::MsgCrypt::Create(std::string(kToken), std::string(kEncodingAesKey),
                                         std::string(kAppId));
    if (!c.ok()) __builtin_trap();
    return new gebi::bot::MsgCrypt(std::move(c).value());
  }();
  return *crypt;
}

// The 32-byte AES key the EncodingAESKey stands for (Base64 with one '=' appended).
std::string AesKey() {
  const std::string b64 = std::string(kEncodingAesKey) + "=";
  unsigned char out[48];
  const int n = EVP_DecodeBlock(out, reinterpret_cast<const unsigned char*>(b64.data()),
                                static_cast<int>(b64.size()));
  // EVP_DecodeBlock counts the '=' as a zero byte: 33, of which the key is the first 32.
  if (n < 32) __builtin_trap();
  return std::string(reinterpret_cast<char*>(out), 32);
}

// AES-256-CBC without padding over plain (zero-filled to a multiple of 16), IV = key[0..16),
// Base64-encoded: exactly what WeChat would send for that plaintext.
std::string EncryptRaw(std::string plain) {
  static const std::string key = AesKey();
  if (plain.empty() || plain.size() % 16 != 0) plain.resize((plain.size() / 16 + 1) * 16, '\0');
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      EVP_CIPHER_CTX_free);
  const auto* k = reinterpret_cast<const unsigned char*>(key.data());
  std::string cipher(plain.size(), '\0');
  int n = 0;
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, k, k) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1 ||
      EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(cipher.data()), &n,
                        reinterpret_cast<const unsigned char*>(plain.data()),
                        static_cast<int>(plain.size())) != 1) {
    __builtin_trap();
  }
  std::string b64(4 * ((cipher.size() + 2) / 3) + 1, '\0');
  const int m = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                                reinterpret_cast<const unsigned char*>(cipher.data()),
                                static_cast<int>(cipher.size()));
  b64.resize(static_cast<size_t>(m));
  return b64;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const gebi::bot::MsgCrypt& crypt = Crypt();
  const uint8_t mode = data[0] % 4;
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (mode) {
    case 0: {
      const std::string sig = crypt.Sign(kTimestamp, kNonce, rest);
      auto r = crypt.Decrypt(sig, kTimestamp, kNonce, rest);
      (void)r;
      break;
    }
    case 1: {
      const std::string encrypt = EncryptRaw(std::string(rest));
      const std::string sig = crypt.Sign(kTimestamp, kNonce, encrypt);
      auto r = crypt.Decrypt(sig, kTimestamp, kNonce, encrypt);
      // A success must be a substring of what went in (the msg field of the layout).
      if (r.ok() && r->size() > rest.size()) __builtin_trap();
      break;
    }
    case 2: {
      auto enc = crypt.Encrypt(rest, std::string(kTimestamp), std::string(kNonce));
      if (!enc.ok()) break;  // over the payload cap
      auto r = crypt.Decrypt(enc->msg_signature, kTimestamp, kNonce, enc->encrypt);
      if (!r.ok() || *r != rest) __builtin_trap();
      break;
    }
    default: {
      if (rest.size() < kSignatureLength) return 0;
      const std::string_view sig = rest.substr(0, kSignatureLength);
      const std::string_view encrypt = rest.substr(kSignatureLength);
      auto r = crypt.Decrypt(sig, kTimestamp, kNonce, encrypt);
      if (r.ok() && sig != crypt.Sign(kTimestamp, kNonce, encrypt)) __builtin_trap();
      break;
    }
  }
  return 0;
}
