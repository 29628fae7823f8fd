// RecentKeys: the dedup keys this process answered lately, as two fixed-size Bloom filters
// that take turns. The pipeline asks it before its read-before-write: a key never seen (a new
// message, nearly always) skips the read connection and goes straight to the write
// transaction; a key that may have been seen (a WeChat retry) is looked up on a reader first.
// A hint, never the truth: the write transaction looks every key up again under the lock, so
// a wrong answer costs one lookup or one wait, never a second reply. A retry of a delivery
// answered before a restart, or too long ago to be remembered, is found there too.
//
// Memory is fixed (2 × kBits bits) whatever the message rate: each filter takes kPerFilter
// keys, then the older one is cleared and takes the next keys, so the last kPerFilter to
// 2 × kPerFilter keys are remembered (at least 14 s at 7,000 deliveries a second; WeChat
// retries within 15 s). Thread-safe and lock-free.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace gebi::storage {

class RecentKeys {
 public:
  static constexpr size_t kBits = size_t{1} << 20;  // per filter: 128 KiB
  static constexpr uint64_t kPerFilter = 100000;    // ~10 bits a key: ~1% false "maybe"

  RecentKeys();

  // Remembers key as answered.
  void Add(std::string_view key);
  // false: key was not added among the last kPerFilter keys (and, likely, not for longer).
  // true: it may have been.
  bool MayContain(std::string_view key) const;

 private:
  static constexpr int kProbes = 4;
  static constexpr size_t kWords = kBits / 64;
  using Filter = std::array<std::atomic<uint64_t>, kWords>;

  std::array<size_t, kProbes> Probes(std::string_view key) const;

  std::unique_ptr<Filter> filters_[2];
  std::atomic<int> current_{0};
  std::atomic<uint64_t> added_{0};
};

}  // namespace gebi::storage
