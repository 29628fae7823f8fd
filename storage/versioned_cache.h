// VersionedCache: values read from the database, valid while one version counter (a meta
// row a trigger or a writer moves with every change, e.g. people_version, templates_version)
// keeps the value they were read at. Put after the reading transaction commits
// (Tx::OnCommit): a counter value read inside a transaction that rolled back can come again
// later with other rows. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

namespace gebi::storage {

template <typename Key, typename Value>
class VersionedCache {
 public:
  // At most max_entries values; a full cache starts over at the next Put.
  explicit VersionedCache(size_t max_entries) : max_entries_(max_entries) {}

  // The value kept for key at version, or nullopt.
  std::optional<Value> Find(int64_t version, const Key& key) const {
    std::lock_guard<std::mutex> lock(mu_);
    if (version != version_) return std::nullopt;
    auto it = values_.find(key);
    if (it == values_.end()) return std::nullopt;
    return it->second;
  }

  // Keeps value as read at version. A value read at an older version than the cache holds is
  // dropped (another delivery already saw a later change); a newer version empties the cache.
  void Put(int64_t version, Key key, Value value) {
    std::lock_guard<std::mutex> lock(mu_);
    if (version < version_) return;
    if (version > version_ || values_.size() >= max_entries_) {
      values_.clear();
      version_ = version;
    }
    values_.insert_or_assign(std::move(key), std::move(value));
  }

 private:
  const size_t max_entries_;
  mutable std::mutex mu_;
  int64_t version_ = -1;                   // guarded by mu_
  std::unordered_map<Key, Value> values_;  // guarded by mu_
};

}  // namespace gebi::storage
