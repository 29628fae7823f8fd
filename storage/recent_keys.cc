#include "storage/recent_keys.h"

#include <algorithm>
#include <functional>

namespace gebi::storage {

namespace {

// The bit of one probe within its 64-bit word (the word is bit / 64).
uint64_t Mask(size_t bit) { return uint64_t{1} << (bit % 64); }

// Whether every probe's bit is set in filter.
template <typename Filter, typename Probes>
bool Holds(const Filter& filter, const Probes& probes) {
  return std::all_of(probes.begin(), probes.end(), [&filter](size_t bit) {
    return (filter[bit / 64].load(std::memory_order_relaxed) & Mask(bit)) != 0;
  });
}

}  // namespace

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
  for (size_t bit : Probes(key)) f[bit / 64].fetch_or(Mask(bit), std::memory_order_relaxed);
}

bool RecentKeys::MayContain(std::string_view key) const {
  const auto probes = Probes(key);
  return Holds(*filters_[0], probes) || Holds(*filters_[1], probes);
}

}  // namespace gebi::storage
