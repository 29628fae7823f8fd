// The console's moderation pages (S10), without HTTP: the 审核 queue (held relays with the
// sender's name, never an openid; 放行 / 驳回 with the same effect as in chat), the 规则 page
// (the prohibited categories: keywords and RE2 patterns, enable, a "try a text" box) and the
// 违规 page (strikes and mutes, removal proposals, appeals; lifting a strike, closing an
// appeal). Reads are scoped to the principal's community; categories are shared by every
// community, so only district admins change them. Every write leaves an audit row in its
// transaction. Thread-safe (state lives in the Database).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "handlers/admin/auth.h"
#include "handlers/pipeline.h"
#include "storage/clock.h"
#include "storage/database.h"

namespace gebi::handlers::admin {

// {"items": [{id, kind, kind_label, sender_name, circle, community, rule, text, status,
// created_at, decided_by_name, editable}]}: status "held" (default), "released", "rejected"
// or "all"; newest first, at most limit. InvalidArgument "status" for another value.
Result<nlohmann::json> ModerationQueue(storage::Database& db, const Templates& texts,
                                       const Principal& principal, const std::string& status,
                                       int limit);
// 放行 (action "release") or 驳回 ("reject", reason optional, at most 100 characters) of held
// item id. NotFound; PermissionDenied (another community); FailedPrecondition when decided
// already; InvalidArgument naming "action" or "reason". Returns {"count"} (released: people
// reached) or {"strikes", "muted_until"} (rejected).
Result<nlohmann::json> DecideHeldFromConsole(storage::Database& db, const Clock& clock,
                                             Pipeline& pipeline, const Principal& principal,
                                             int64_t id, const std::string& action,
                                             const std::string& reason);

// {"categories": [{id, code, title, keywords, patterns, enabled, updated_at}], "editable",
// "max_lines", "max_pattern_bytes"}.
Result<nlohmann::json> ModerationCategories(storage::Database& db, const Principal& principal);
// Changes title / keywords / patterns / enabled of category id (fields absent stay).
// PermissionDenied unless a district admin; NotFound; InvalidArgument naming the field: more
// than kMaxModerationLines lines, a line over kMaxModerationPatternBytes, a pattern RE2
// refuses (why, in Chinese, and which line), an empty title.
Status UpdateModerationCategory(storage::Database& db, const Clock& clock,
                                const Principal& principal, int64_t id,
                                const nlohmann::json& fields);
// Which stored category (enabled ones) the text would trip: {"hit": bool, "rule", "code",
// "contact": bool (a phone number or link: held from new members)}. InvalidArgument "text"
// when empty or longer than 2,000 characters.
Result<nlohmann::json> TryModerationText(storage::Database& db, const std::string& text);

// {"strikes": [...], "removals": [...], "appeals": [...]} of the principal's scope, names not
// openids, newest first.
Result<nlohmann::json> ModerationViolations(storage::Database& db, const Principal& principal,
                                            int64_t now, int limit);
// Lifts strike id (its mute ends). NotFound; PermissionDenied; FailedPrecondition when lifted.
Status LiftStrikeFromConsole(storage::Database& db, const Clock& clock, const Principal& principal,
                             int64_t id);
// Closes appeal id (handled). NotFound; PermissionDenied; FailedPrecondition when closed.
Status CloseAppealFromConsole(storage::Database& db, const Clock& clock, const Principal& principal,
                              int64_t id);

}  // namespace gebi::handlers::admin
