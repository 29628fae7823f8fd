#include "storage/suggestion_store.h"

namespace gebi::storage {

namespace {

constexpr std::string_view kInsert =
    "INSERT INTO suggestions(community_id, grid_id, author, content, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?5)";
#define GEBI_SUGGESTION_COLUMNS                                                      \
  "SELECT id, community_id, grid_id, author, content, status, answer, answered_by, " \
  "answered_at, reminded_period, created_at, updated_at FROM suggestions "
constexpr std::string_view kById = GEBI_SUGGESTION_COLUMNS "WHERE id = ?1";
constexpr std::string_view kOfAuthor =
    GEBI_SUGGESTION_COLUMNS "WHERE author = ?1 ORDER BY id DESC LIMIT ?2";
constexpr std::string_view kUnanswered = GEBI_SUGGESTION_COLUMNS
    "WHERE status = 'open' AND created_at <= ?1 ORDER BY created_at, id LIMIT ?2";
constexpr std::string_view kList =
    GEBI_SUGGESTION_COLUMNS "WHERE (?1 IS NULL OR community_id = ?1) ORDER BY id DESC LIMIT ?2";
#undef GEBI_SUGGESTION_COLUMNS
constexpr std::string_view kCountSince =
    "SELECT COUNT(*) FROM suggestions WHERE author = ?1 AND created_at >= ?2";
constexpr std::string_view kAnswer =
    "UPDATE suggestions SET status = ?2, answer = ?3, answered_by = ?4, "
    "answered_at = COALESCE(answered_at, ?5), updated_at = ?5 "
    "WHERE id = ?1 AND status IN ('open','replied')";
constexpr std::string_view kMarkReminded =
    "UPDATE suggestions SET reminded_period = ?2 WHERE id = ?1 AND reminded_period < ?2";
constexpr std::string_view kCounts =
    "SELECT community_id, COUNT(*), COUNT(answered_at), "
    "SUM(CASE WHEN answered_at IS NOT NULL AND answered_at - created_at <= ?2 THEN 1 ELSE 0 END) "
    "FROM suggestions WHERE (?1 IS NULL OR community_id = ?1) GROUP BY community_id "
    "ORDER BY community_id";

Suggestion Read(const Stmt& st) {
  Suggestion s;
  s.id = st.Int(0);
  s.community_id = st.Int(1);
  s.grid_id = st.Int(2);
  s.author = st.Text(3);
  s.content = st.Text(4);
  s.status = st.Text(5);
  s.answer = st.Text(6);
  s.answered_by = st.Text(7);
  if (!st.IsNull(8)) s.answered_at = st.Int(8);
  s.reminded_period = st.Int(9);
  s.created_at = st.Int(10);
  s.updated_at = st.Int(11);
  return s;
}

}  // namespace

Result<int64_t> CreateSuggestion(Tx& tx, const Suggestion& s, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kInsert, s.community_id, s.grid_id, s.author, s.content, now));
  return tx.LastInsertId();
}

Result<std::optional<Suggestion>> GetSuggestion(Tx& tx, int64_t id) {
  return tx.QueryFirstRow<Suggestion>(kById, Read, id);
}

Result<std::vector<Suggestion>> SuggestionsOf(Tx& tx, const std::string& author, int limit) {
  return tx.QueryRows<Suggestion>(kOfAuthor, Read, author, limit);
}

Result<int64_t> CountSuggestionsSince(Tx& tx, const std::string& author, int64_t since) {
  GEBI_ASSIGN_OR_RETURN(auto n, tx.QueryInt(kCountSince, author, since));
  return n.value_or(0);
}

Result<bool> AnswerSuggestion(Tx& tx, int64_t id, const std::string& to, const std::string& answer,
                              const std::string& by, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kAnswer, id, to, answer, by, now));
  return tx.Changes() > 0;
}

Result<std::vector<Suggestion>> UnansweredBefore(Tx& tx, int64_t created_before, int limit) {
  return tx.QueryRows<Suggestion>(kUnanswered, Read, created_before, limit);
}

Result<bool> MarkReminded(Tx& tx, int64_t id, int64_t period) {
  GEBI_RETURN_IF_ERROR(tx.Run(kMarkReminded, id, period));
  return tx.Changes() > 0;
}

Result<std::vector<Suggestion>> ListSuggestions(Tx& tx, std::optional<int64_t> community,
                                                int limit) {
  return tx.QueryRows<Suggestion>(kList, Read, community, limit);
}

Result<std::vector<SuggestionCounts>> CountSuggestionsByCommunity(Tx& tx,
                                                                  std::optional<int64_t> community,
                                                                  int64_t answer_seconds) {
  return tx.QueryRows<SuggestionCounts>(
      kCounts,
      [](const Stmt& st) {
        return SuggestionCounts{st.Int(0), st.Int(1), st.Int(2), st.Int(3)};
      },
      community, answer_seconds);
}

}  // namespace gebi::storage
