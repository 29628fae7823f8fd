// Suggestions (S9): 建议 <内容> (a resident's numbered suggestion, pushed to their community's
// staff), 我的建议, and the staff's 回复 N <内容> / 采纳 N [说明] / 不采纳 N 原因 (pushed back to
// the resident). Every suggestion gets an answer: RemindOverdueSuggestions pushes the staff
// again once per overdue period. HandlerFns (see handlers/dispatch.h); stateless, thread-safe.
#pragma once

#include "handlers/context.h"
#include "handlers/message.h"
#include "handlers/pipeline.h"
#include "storage/suggestion_store.h"

namespace gebi::handlers {

Result<Reply> HandleSuggest(Context& ctx);
Result<Reply> HandleMySuggestions(Context& ctx);
Result<Reply> HandleAnswerSuggestion(Context& ctx);
Result<Reply> HandleAdoptSuggestion(Context& ctx);
Result<Reply> HandleDeclineSuggestion(Context& ctx);

// A suggestion's text is a sentence or two; an answer too.
constexpr size_t kMaxSuggestionBytes = 600;

// Whom a suggestion of community / grid goes to: the community's staff, else (no staff
// registered) the grid's workers. Sorted, without duplicates.
Result<std::vector<std::string>> SuggestionStaff(storage::Tx& tx, int64_t community_id,
                                                 int64_t grid_id);

// Whether s waits for its first answer longer than answer_days at now.
bool SuggestionOverdue(const storage::Suggestion& s, int64_t now, int answer_days);

// Records an answer to suggestion s by `by` (an openid, or "admin:<name>") and queues the push
// to its author in texts: to is replied | adopted | declined; answer is required for replied
// and declined. Returns false (nothing changed) when s is already adopted or declined.
// REQUIRES: answer within kMaxSuggestionBytes.
Result<bool> ApplySuggestionAnswer(storage::Tx& tx, const Templates& texts,
                                   const storage::Suggestion& s, const std::string& to,
                                   const std::string& answer, const std::string& by, int64_t now);

// The relay of an answer to s (kind "suggestion_answer"), to screen before
// ApplySuggestionAnswer; released later it calls ApplySuggestionAnswer with the same fields.
struct Relay;
Relay SuggestionAnswerRelay(const storage::Suggestion& s, const std::string& to,
                            const std::string& answer, const std::string& by);

// The overdue job (run by bot/'s maintenance): every suggestion still unanswered after
// answer_days is pushed again to its staff once per overdue period (days answer_days ..
// 2*answer_days-1 are period 1, and so on). Idempotent: a second run in the same period queues
// nothing. Returns the number of suggestions reminded.
Result<int> RemindOverdueSuggestions(storage::Database& db, Pipeline& pipeline, int64_t now,
                                     int answer_days);

}  // namespace gebi::handlers
