#include "storage/recent_keys.h"

#include <functional>

namespace gebi::storage {

RecentKeys::RecentKeys() {
  for (auto& f : filters_) {
    f = std::make_unique<Filter>();
    for (auto& word : *f) word.store(0, std::memory_order_relaxed);
  }
}

std::array<size_t, RecentKeys::kProbes> RecentKeys::Probes(std::string_view key) const {
  // Double hashing (Kirsch–Mitzenmacher): probe i is h1 + i * h2.
  const uint64_t h1 = std::hash<std::string_view>{}(key);
  const uint64_t h2 = ((h1 >> 32) | (h1 << 32)) * 0x9E3779B97F4A7C15ULL | 1;
  std::array<size_t, kProbes> out{};
  for (int i = 0; i < kProbes; ++i) out[i] = (h1 + i * h2) % kBits;
  return out;
}

void RecentKeys::Add(std::string_view key) {
  const uint64_t n = added_.fetch_add(1, std::memory_order_relaxed) + 1;
  if (n % kPerFilter == 0) {
    // The older filter is cleared and takes the next keys; the current one becomes the older.
    const int older = 1 - current_.load(std::memory_order_relaxed);
    for (auto& word : *filters_[older]) word.store(0, std::memory_order_relaxed);
    current_.store(older, std::memory_order_release);
  }
  Filter& f = *filters_[current_.load(std::memory_order_acquire)];
  for (size_t bit : Probes(key))
    f[bit / 64].fetch_or(uint64_t{1} << (bit % 64), std::memory_order_relaxed);
}

bool RecentKeys::MayContain(std::string_view key) const {
  const auto probes = Probes(key);
  for (const auto& f : filters_) {
    bool all = true;
    for (size_t bit : probes) {
      if ((f->at(bit / 64).load(std::memory_order_relaxed) & (uint64_t{1} << (bit % 64))) == 0) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

}  // namespace gebi::storage
