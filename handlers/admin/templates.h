// Reply texts as the admin console edits them, without HTTP: every key with its placeholders,
// the text from templates/, the override for every community and the one for a community;
// placeholder validation (Templates::Check), a preview with sample values, and scoped writes
// with an audit row. Writes bump meta.templates_version; the pipeline answers the residents of
// a community with that community's texts on its next message. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "handlers/admin/auth.h"
#include "handlers/texts/templates.h"
#include "storage/clock.h"
#include "storage/database.h"

namespace gebi::handlers::admin {

struct TemplateView {
  std::string key;
  std::vector<std::string> placeholders;
  std::string base;                               // from templates/*.toml
  std::optional<std::string> all_override;        // set for every community
  std::optional<std::string> community_override;  // set for the community asked about
  std::string effective;                          // what residents of that community get
};

// Every template key as seen from community (nullopt: the texts shared by every community).
// PermissionDenied when principal may not see community.
Result<std::vector<TemplateView>> ListTemplates(storage::Database& db, const Templates& base,
                                                const Principal& principal,
                                                std::optional<int64_t> community);

// Sets the text of key for community (nullopt = every community; district admins only).
// InvalidArgument "text: ..." naming the bad placeholder, "key: ..." for an unknown key;
// PermissionDenied out of scope.
Status SetTemplateText(storage::Database& db, const Clock& clock, const Principal& principal,
                       std::optional<int64_t> community, const std::string& key,
                       const std::string& text);
// The same inside the caller's transaction (used by the MP import).
Status SetTemplateText(storage::Tx& tx, const Principal& principal,
                       std::optional<int64_t> community, const std::string& key,
                       const std::string& text, int64_t now);
// Removes the override (back to the shared text or the file's). NotFound when none.
Status ResetTemplateText(storage::Database& db, const Clock& clock, const Principal& principal,
                         std::optional<int64_t> community, const std::string& key);
// Validates text for key and renders it with sample values for its placeholders.
Result<std::string> PreviewTemplate(const std::string& key, const std::string& text);

}  // namespace gebi::handlers::admin
