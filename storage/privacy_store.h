// What gebi keeps about a person, and letting it go: forgetting one person everywhere (`gebi
// forget`), and blanking old message text (the retention job). Stateless functions on the
// caller's transaction; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/database.h"

namespace gebi::storage {

struct ForgetCounts {
  int64_t deleted = 0;     // rows removed (messages, conversations, memberships, grants ...)
  int64_t anonymised = 0;  // rows kept for the numbers, with the person replaced by alias
  std::vector<std::string> files;  // photo files no row refers to any more (caller unlinks)
};

// Removes openid's own rows (ledger, conversations, residency, volunteer record and skills,
// likes, role grants, circle memberships, undelivered pushes, photos, the user row) and
// anonymises the rows the community's numbers need (join requests, tickets, timeline,
// delivered pushes, circle ownership): openid becomes alias and the person's own words are
// blanked. Returns what it did. REQUIRES: alias is not anyone's openid.
Result<ForgetCounts> ForgetPerson(Tx& tx, const std::string& openid, const std::string& alias);

// Blanks the content of ledger rows created before `before` and replaces their stored reply
// with blank_reply (kept so a row still decodes). Returns the number of rows changed; rows
// already blank are not counted again.
Result<int64_t> BlankLedgerTextBefore(Tx& tx, int64_t before, const std::string& blank_reply);

}  // namespace gebi::storage
