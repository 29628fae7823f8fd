// ReplayGuard: each signed (timestamp, nonce) pair of the webhook may carry one body. In
// plaintext and compatible mode the signature covers token, timestamp and nonce but not the
// body, so a leaked query string could otherwise post any XML for the whole timestamp window.
// The guard remembers each pair with a digest of its body until the window has passed: the
// same body again is a WeChat retry (the ledger answers it once), another body is refused.
// Memory is bounded (kMaxEntries). Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gebi::bot {

class ReplayGuard {
 public:
  // At most this many pairs are remembered (about 100 bytes each). A flood beyond it sheds the
  // pairs closest to expiry first: the guard weakens under such a flood, it never refuses
  // fresh requests because it is full.
  static constexpr size_t kMaxEntries = 200000;

  // window_seconds: the signature's timestamp window (server.timestamp_window_seconds).
  explicit ReplayGuard(int64_t window_seconds, size_t max_entries = kMaxEntries);
  ReplayGuard(const ReplayGuard&) = delete;
  ReplayGuard& operator=(const ReplayGuard&) = delete;

  // True when a request signed with (timestamp, nonce) may carry body: the pair is new (it is
  // remembered until timestamp + window), or it came before with the same body. False: the
  // pair was used for another body.
  bool Admit(int64_t timestamp, std::string_view nonce, std::string_view body, int64_t now);

  size_t size() const;

 private:
  struct Seen {
    std::string body_digest;
    int64_t expires_at = 0;
  };
  // Drops expired pairs; when still full, the ones that expire soonest. REQUIRES: mu_ held.
  void Shrink(int64_t now);

  const int64_t window_seconds_;
  const size_t max_entries_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Seen> seen_;  // guarded by mu_
};

}  // namespace gebi::bot
