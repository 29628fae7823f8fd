// The admin API's JSON shapes of accounts, rules and tickets (what the console's app.js reads).
// Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "handlers/admin/auth.h"
#include "storage/admin_query.h"
#include "storage/rule_store.h"

namespace gebi::bot {

// {name, role, unit_id, community_id (null for a district account)}.
nlohmann::json AccountJson(const handlers::admin::Principal& p);

// The rule's fields plus "editable": whether who may change it.
nlohmann::json RuleJson(const storage::Rule& r, const handlers::admin::Principal& who);

// A ticket with its grid and community names; unset times are null.
nlohmann::json TicketJson(const storage::TicketRow& r);

}  // namespace gebi::bot
