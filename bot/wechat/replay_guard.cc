#include "bot/wechat/replay_guard.h"

#include <algorithm>
#include <vector>

#include "bot/wechat/crypto.h"

namespace gebi::bot {

ReplayGuard::ReplayGuard(int64_t window_seconds, size_t max_entries)
    : window_seconds_(window_seconds), max_entries_(std::max<size_t>(max_entries, 4)) {}

bool ReplayGuard::Admit(int64_t timestamp, std::string_view nonce, std::string_view body,
                        int64_t now) {
  std::string key = std::to_string(timestamp);
  key += ':';
  key += nonce;
  std::string digest = SortedSha1({body});  // outside the lock: the only real work here
  std::lock_guard<std::mutex> lock(mu_);
  auto it = seen_.find(key);
  if (it != seen_.end() && it->second.expires_at >= now) return it->second.body_digest == digest;
  if (it == seen_.end() && seen_.size() >= max_entries_) Shrink(now);
  seen_[std::move(key)] = Seen{std::move(digest), timestamp + window_seconds_};
  return true;
}

void ReplayGuard::Shrink(int64_t now) {
  std::erase_if(seen_, [now](const auto& kv) { return kv.second.expires_at < now; });
  if (seen_.size() < max_entries_) return;
  // Still full of live pairs: shed the quarter that expires soonest.
  std::vector<int64_t> expiries;
  expiries.reserve(seen_.size());
  for (const auto& kv : seen_) expiries.push_back(kv.second.expires_at);
  auto nth = expiries.begin() + static_cast<std::ptrdiff_t>(expiries.size() / 4);
  std::nth_element(expiries.begin(), nth, expiries.end());
  const int64_t cut = *nth;
  std::erase_if(seen_, [cut](const auto& kv) { return kv.second.expires_at <= cut; });
}

size_t ReplayGuard::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return seen_.size();
}

}  // namespace gebi::bot
