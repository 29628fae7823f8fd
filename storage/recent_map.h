// RecentMap<V>: the values put last by string key, each with the second it was put; a lookup
// finds only those put within max_age seconds. At most capacity are kept: the oldest put goes
// first. The pipeline keeps the replies it answered lately in one, so a WeChat retry (at most
// 15 s after the first delivery) is answered from memory, without a read of the ledger.
// Thread-safe: one mutex, held for one lookup or one insert.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace gebi::storage {

template <typename V>
class RecentMap {
 public:
  RecentMap(size_t capacity, int64_t max_age_seconds)
      : capacity_(capacity), max_age_(max_age_seconds) {}

  // The value put for key at most max_age seconds before now, or nullopt.
  std::optional<V> Find(const std::string& key, int64_t now) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = map_.find(key);
    if (it == map_.end() || now - it->second.at > max_age_) return std::nullopt;
    return it->second.value;
  }

  // Keeps value for key as put at now (replacing an earlier one; its place in line stays).
  void Put(const std::string& key, V value, int64_t now) {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = map_.find(key); it != map_.end()) {
      it->second = Entry{std::move(value), now};
      return;
    }
    map_.emplace(key, Entry{std::move(value), now});
    order_.push_back(key);
    while (order_.size() > capacity_) {
      map_.erase(order_.front());
      order_.pop_front();
    }
  }

  size_t size() const {
    std::lock_guard<std::mutex> lock(mu_);
    return map_.size();
  }

 private:
  struct Entry {
    V value;
    int64_t at;
  };
  const size_t capacity_;
  const int64_t max_age_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> map_;  // guarded by mu_
  std::deque<std::string> order_;               // guarded by mu_; keys of map_, oldest first
};

}  // namespace gebi::storage
