// The community of a sender: picks per-community keyword rules and reply texts.
#include "handlers/dispatch.h"

namespace gebi::handlers {

// No membership is stored by the foundation schema: nobody belongs to a community yet, so
// everyone gets the shared rules and texts. The grid model replaces this with its lookup.
Result<std::optional<int64_t>> ResolveCommunity(storage::Tx& tx, const std::string& openid) {
  return std::optional<int64_t>();
}

}  // namespace gebi::handlers
