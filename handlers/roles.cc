// Role resolution. Until the organisation model assigns roles, everyone is a resident.
#include "handlers/dispatch.h"

namespace gebi::handlers {

Result<uint32_t> ResolveRoles(storage::Tx& tx, const std::string& openid) { return kResident; }

}  // namespace gebi::handlers
