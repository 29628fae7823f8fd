// The demo community that `gebi demo` seeds, so a new user can talk to the bot without a WeChat
// account. Idempotent: seeding twice changes nothing the second time.
#pragma once

#include <string>

#include "storage/database.h"

namespace gebi::handlers {

// Seeds the demo data inside tx; appends what a person needs to know (openids, logins) to
// *report, one line each.
Status SeedDemo(storage::Tx& tx, int64_t now, std::string* report);

}  // namespace gebi::handlers
