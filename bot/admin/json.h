// The admin API's JSON shapes of accounts, rules and tickets (what the console's app.js reads).
// Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "handlers/admin/auth.h"
#include "storage/admin_query.h"
#include "storage/rule_store.h"

namespace gebi::bot {

// {name, role, unit_id, community_id (null for a district account)}.
nlohmann::json AccountJson(const handlers::admin::Principal& p);

// The Chinese name of a request field the API names in a 400 ("pattern" -> "关键词"), for the
// console's error lines; "请求内容" for a field it does not know.
std::string FieldLabel(std::string_view field);

// The rule's fields plus "editable": whether who may change it, "system": whether it is a
// system command's seeded keyword (read-only, never deleted), and "target_title": the Chinese
// name of the command or template it answers with ("" for a text reply).
nlohmann::json RuleJson(const storage::Rule& r, const handlers::admin::Principal& who);

// A ticket with its grid and community names; unset times are null.
nlohmann::json TicketJson(const storage::TicketRow& r);

}  // namespace gebi::bot
