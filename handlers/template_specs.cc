// Every template key the code renders, with the placeholders its text may name. Texts live in
// templates/*.toml; Templates::Create checks them against this list at start-up.
#include "handlers/templates.h"

namespace gebi::handlers {

const std::vector<TemplateSpec>& TemplateSpecs() {
  static const std::vector<TemplateSpec> kSpecs = {
      {"help", {"commands"}},
      {"help.line.help", {}},
      {"help.line.cancel", {}},
      {"welcome", {}},
      {"default", {}},
      {"busy", {}},
      {"not_allowed", {"command"}},
      {"flow_expired", {}},
      {"cancelled", {}},
      {"nothing_to_cancel", {}},
      {"inbox.header", {"count"}},
      {"inbox.item", {"index", "text"}},
      {"inbox.more", {"rest"}},
  };
  return kSpecs;
}

}  // namespace gebi::handlers
