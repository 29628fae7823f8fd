// The console's looking-back page (S11), without HTTP: search the message record of the
// principal's scope by person, ticket, text and time; one person's conversation as a timeline
// (what they wrote, the replies, the notices pushed to them, their ticket actions); and that
// timeline as a CSV file for a dispute. The record is shown as kept: masked numbers stay
// masked, text past the retention days stays blank; texts that never went through the
// ledger's masking (replies, pushes) are masked here. Read-only but for the export's audit
// row; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "handlers/admin/auth.h"
#include "storage/database.h"
#include "storage/lookback_store.h"

namespace gebi::handlers::admin {

// What one search may ask: a name or text longer than this is no search anyone types.
constexpr size_t kMaxLookbackQueryBytes = 120;
// A timeline shows at most this many entries (a dispute is days, not years).
constexpr int kMaxTimelineEntries = 2000;

struct LookbackQuery {
  std::string person;  // an openid or a resident's exact name
  std::optional<int64_t> ticket_id;
  std::string text;
  std::optional<int64_t> from;  // unix seconds, inclusive
  std::optional<int64_t> to;
};

struct LookbackRow {
  std::string openid;
  std::string person_name;
  std::string kind;     // text | image | voice | location | event | ...
  std::string content;  // as recorded
  std::string reply;    // the reply's text (masked)
  int64_t created_at = 0;
};
// Messages matching q in the principal's scope, newest first, at most limit. InvalidArgument
// naming "person" or "text" when too long.
Result<std::vector<LookbackRow>> SearchRecord(storage::Database& db, const Principal& principal,
                                              const LookbackQuery& q, int limit);

struct Conversation {
  std::string openid;
  std::string person_name;
  std::vector<storage::TimelineEntry> entries;  // texts rendered: reply / push bodies as text
};
// openid's timeline between from and to. PermissionDenied when the person is not of the
// principal's community; InvalidArgument "openid" when empty.
Result<Conversation> GetConversation(storage::Database& db, const Principal& principal,
                                     const std::string& openid, std::optional<int64_t> from,
                                     std::optional<int64_t> to);

// The conversation as CSV (时间 in Beijing time, 谁, 内容), cells safe for spreadsheets.
std::string ConversationCsv(const Conversation& c);

// GetConversation for the CSV download: a record leaving the console is audited
// ("lookback.export": whose, which time span, how many entries).
Result<Conversation> ExportConversation(storage::Database& db, const Clock& clock,
                                        const Principal& principal, const std::string& openid,
                                        std::optional<int64_t> from, std::optional<int64_t> to);

}  // namespace gebi::handlers::admin
