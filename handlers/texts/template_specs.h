// The list of every template key the code renders, with the placeholders its text may name.
// Texts live in templates/*.toml; Templates::Create checks them against this list at start-up
// and the admin console checks overrides against it. Immutable: thread-safe.
#pragma once

#include <string_view>
#include <vector>

namespace gebi::handlers {

struct TemplateSpec {
  std::string_view key;
  std::vector<std::string_view> placeholders;
};

// Every template key the code renders, with its placeholders.
const std::vector<TemplateSpec>& TemplateSpecs();

}  // namespace gebi::handlers
