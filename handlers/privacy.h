// Privacy by default: what the message record keeps of the numbers people type, forgetting
// one person everywhere, and blanking old message text. Stateless; thread-safe (state lives
// in the Database).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "handlers/admin/auth.h"
#include "storage/clock.h"
#include "storage/database.h"
#include "storage/privacy_store.h"

namespace gebi::handlers {

// text with mainland ID-card numbers (18 digits, the last may be X; or 15 digits) and mobile
// numbers (11 digits starting with 1) masked, whether typed with or without spaces or dashes
// between the digit groups: "身份证 3301 0619 8001 0112 34" -> "身份证 **************1234",
// "13912345678" -> "139****5678". Other text is kept as written. Linear in text.size().
std::string MaskPersonalNumbers(std::string_view text);

// Whether text holds an 18-digit ID-card number (typed in one piece or in groups, as
// MaskPersonalNumbers reads them). Linear in text.size().
bool ContainsIdCardNumber(std::string_view text);

// Removes or anonymises everything gebi keeps about openid (storage::ForgetPerson) under a
// fresh alias, unlinks photo files nothing refers to any more, and leaves one audit row by
// `who` that names the alias, never the openid. InvalidArgument for an empty openid.
Result<storage::ForgetCounts> ForgetPerson(storage::Database& db, const Clock& clock,
                                           const admin::Principal& who, const std::string& openid);

// Blanks the text of ledger rows older than days (their route, type and time stay for the
// numbers). Returns the rows changed. Idempotent; safe from several processes.
Result<int64_t> ExpireLedgerText(storage::Database& db, int64_t now, int days);

}  // namespace gebi::handlers
