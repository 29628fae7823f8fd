// The console's suggestions page (S9), without HTTP: suggestions of the principal's scope,
// overdue first; answering one (reply / adopt / decline) with the same effect as the chat
// commands; and the numbers per community (answered on time). Every write leaves an audit row.
// Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "handlers/admin/auth.h"
#include "handlers/pipeline.h"
#include "storage/clock.h"
#include "storage/database.h"
#include "storage/suggestion_store.h"

namespace gebi::handlers::admin {

struct SuggestionRow {
  storage::Suggestion suggestion;
  std::string community_name;
  std::string grid_name;
  std::string author_name;  // "" when the person gave none
  std::string answered_by_name;
  bool overdue = false;
};
// Suggestions the principal may see (their community; every one for district admins), the
// overdue first (oldest first), then the rest newest first. At most limit.
Result<std::vector<SuggestionRow>> ListSuggestionRows(storage::Database& db,
                                                      const Principal& principal, int64_t now,
                                                      int answer_days, int limit);

// Answers suggestion id from the console: action reply | adopt | decline; message is what the
// resident reads (required for reply and decline, at most kMaxSuggestionBytes). Pushes the
// resident in their community's texts and audits. InvalidArgument naming "action" or
// "message"; NotFound; PermissionDenied (another community); FailedPrecondition (already
// adopted or declined). An answer the moderation rules hold is not applied: it becomes held
// item *held_id (set when given; 0 when it went out) and waits in the 审核 queue.
Status AnswerSuggestionFromConsole(storage::Database& db, const Clock& clock, Pipeline& pipeline,
                                   const Principal& principal, int64_t id,
                                   const std::string& action, const std::string& message,
                                   int64_t* held_id = nullptr);

struct SuggestionNumbers {
  int64_t community_id = 0;
  std::string community_name;
  int64_t total = 0;
  int64_t answered = 0;
  int64_t on_time = 0;  // first answer within answer_days
};
Result<std::vector<SuggestionNumbers>> SuggestionNumbersByCommunity(storage::Database& db,
                                                                    const Principal& principal,
                                                                    int answer_days);

}  // namespace gebi::handlers::admin
