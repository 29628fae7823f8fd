// Test support: keyword rules built in one line for router and rule-analysis tests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "storage/rule_store.h"

namespace gebi::testing {

// A rule of match kind `kind` for pattern at priority, answering with target_kind / target,
// scoped to community (nullopt: everywhere). Enabled; no note.
inline storage::Rule MakeRule(int64_t id, std::string kind, std::string pattern, int64_t priority,
                              std::string target_kind, std::string target,
                              std::optional<int64_t> community = std::nullopt) {
  storage::Rule r;
  r.id = id;
  r.match_kind = std::move(kind);
  r.pattern = std::move(pattern);
  r.priority = priority;
  r.target_kind = std::move(target_kind);
  r.target = std::move(target);
  r.community_id = community;
  return r;
}

}  // namespace gebi::testing
