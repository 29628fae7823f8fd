// Suggestions (S9): a resident's numbered suggestion to their community's staff and its answer.
// States: open -> replied (a reply; more replies may follow) -> adopted | declined (final).
// answered_at is the first answer's time (answered on time: within the configured days);
// reminded_period counts the overdue periods whose reminder was already queued, so the
// reminder job is idempotent. Functions take the caller's Tx; stateless, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

namespace gebi::storage {

struct Suggestion {
  int64_t id = 0;
  int64_t community_id = 0;
  int64_t grid_id = 0;
  std::string author;  // openid
  std::string content;
  std::string status;  // open | replied | adopted | declined
  std::string answer;  // the latest answer's text
  std::string answered_by;
  std::optional<int64_t> answered_at;  // first answer
  int64_t reminded_period = 0;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// Inserts an open suggestion; returns its id.
Result<int64_t> CreateSuggestion(Tx& tx, const Suggestion& s, int64_t now);
Result<std::optional<Suggestion>> GetSuggestion(Tx& tx, int64_t id);
// The author's suggestions, newest first, at most limit.
Result<std::vector<Suggestion>> SuggestionsOf(Tx& tx, const std::string& author, int limit);
// How many suggestions author wrote at or after since (the per-day cap).
Result<int64_t> CountSuggestionsSince(Tx& tx, const std::string& author, int64_t since);
// Records an answer: status becomes to (replied | adopted | declined), answer and answered_by
// are set, answered_at keeps the first answer's time. Only from open or replied: returns false
// (and changes nothing) when the suggestion is already adopted or declined.
Result<bool> AnswerSuggestion(Tx& tx, int64_t id, const std::string& to, const std::string& answer,
                              const std::string& by, int64_t now);
// Unanswered suggestions created at or before created_before, oldest first, at most limit.
Result<std::vector<Suggestion>> UnansweredBefore(Tx& tx, int64_t created_before, int limit);
// Sets reminded_period to period when it is lower; true when it changed.
Result<bool> MarkReminded(Tx& tx, int64_t id, int64_t period);
// The console's list: community (nullopt = all), newest first, at most limit.
Result<std::vector<Suggestion>> ListSuggestions(Tx& tx, std::optional<int64_t> community,
                                                int limit);

// Per community: suggestions, answered ones, and answered within answer_seconds.
struct SuggestionCounts {
  int64_t community_id = 0;
  int64_t total = 0;
  int64_t answered = 0;
  int64_t on_time = 0;
};
Result<std::vector<SuggestionCounts>> CountSuggestionsByCommunity(Tx& tx,
                                                                  std::optional<int64_t> community,
                                                                  int64_t answer_seconds);

}  // namespace gebi::storage
