// Reply-text overrides edited in the admin console: a text for a template key, either for every
// community (community_id 0) or for one community. Every change bumps meta.templates_version so
// the pipeline rebuilds its merged texts on the next message. Functions take the caller's Tx.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

namespace gebi::storage {

// community_id value meaning "every community".
constexpr int64_t kAllCommunities = 0;

struct TemplateOverride {
  int64_t community_id = kAllCommunities;
  std::string key;
  std::string text;
  std::string updated_by;  // admin account name
  int64_t updated_at = 0;
};

// Every override, by community then key.
Result<std::vector<TemplateOverride>> ListTemplateOverrides(Tx& tx);
Result<std::optional<TemplateOverride>> GetTemplateOverride(Tx& tx, int64_t community_id,
                                                            const std::string& key);
// Inserts or replaces the override for (community_id, key).
Status UpsertTemplateOverride(Tx& tx, const TemplateOverride& o);
// NotFound when there is none.
Status DeleteTemplateOverride(Tx& tx, int64_t community_id, const std::string& key);
// The counter bumped by every change above.
Result<int64_t> TemplatesVersion(Tx& tx);

}  // namespace gebi::storage
