#include "handlers/admin/suggestions.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "handlers/chat/moderation.h"
#include "handlers/chat/phrases.h"
#include "handlers/chat/suggestions.h"
#include "storage/admin_query.h"
#include "storage/org_store.h"

namespace gebi::handlers::admin {

namespace {

Result<std::string> UnitNameOf(storage::Tx& tx, int64_t id) {
  GEBI_ASSIGN_OR_RETURN(auto u, storage::GetUnit(tx, id));
  return u ? u->name : std::string();
}

}  // namespace

Result<std::vector<SuggestionRow>> ListSuggestionRows(storage::Database& db,
                                                      const Principal& principal, int64_t now,
                                                      int answer_days, int limit) {
  std::vector<SuggestionRow> out;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto list,
                          storage::ListSuggestions(tx, principal.CommunityFilter(), limit));
    for (auto& s : list) {
      SuggestionRow r;
      GEBI_ASSIGN_OR_RETURN(r.community_name, UnitNameOf(tx, s.community_id));
      GEBI_ASSIGN_OR_RETURN(r.grid_name, UnitNameOf(tx, s.grid_id));
      GEBI_ASSIGN_OR_RETURN(r.author_name, storage::PersonName(tx, s.author));
      if (s.answered_by.rfind("admin:", 0) == 0) {
        r.answered_by_name = "管理员 " + s.answered_by.substr(6);
      } else if (!s.answered_by.empty()) {
        GEBI_ASSIGN_OR_RETURN(r.answered_by_name, storage::PersonName(tx, s.answered_by));
      }
      r.overdue = SuggestionOverdue(s, now, answer_days);
      r.suggestion = std::move(s);
      out.push_back(std::move(r));
    }
    return Status::Ok();
  }));
  // Overdue first, the longest waiting on top; then the rest as listed (newest first).
  std::stable_sort(out.begin(), out.end(), [](const SuggestionRow& a, const SuggestionRow& b) {
    if (a.overdue != b.overdue) return a.overdue;
    if (a.overdue) return a.suggestion.created_at < b.suggestion.created_at;
    return false;
  });
  return out;
}

Status AnswerSuggestionFromConsole(storage::Database& db, const Clock& clock, Pipeline& pipeline,
                                   const Principal& principal, int64_t id,
                                   const std::string& action, const std::string& message,
                                   int64_t* held_id) {
  std::string to;
  if (action == "reply") to = "replied";
  if (action == "adopt") to = "adopted";
  if (action == "decline") to = "declined";
  if (to.empty()) return Status::InvalidArgument("action: 只能是回复、采纳或不采纳");
  const std::string answer = TrimPunct(message);
  if (answer.empty() && to == "replied")
    return Status::InvalidArgument("message: 请写上答复的内容");
  if (answer.empty() && to == "declined") {
    return Status::InvalidArgument("message: 不采纳要写原因，居民会看到");
  }
  if (answer.size() > kMaxSuggestionBytes) {
    return Status::InvalidArgument("message: 太长了，请写 200 个字以内");
  }
  const int64_t now = clock.NowSeconds();
  return db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto s, storage::GetSuggestion(tx, id));
    if (!s) return Status::NotFound(fmt::format("没有 {} 号建议", id));
    if (!principal.CanChange(s->community_id)) {
      return Status::PermissionDenied(fmt::format("{} 号建议不是您的社区的", id));
    }
    GEBI_ASSIGN_OR_RETURN(auto texts, pipeline.TemplatesFor(tx, s->community_id));
    if (held_id != nullptr) *held_id = 0;
    if (!answer.empty() && s->status != "adopted" && s->status != "declined") {
      GEBI_ASSIGN_OR_RETURN(
          Screened screened,
          ScreenRelay(tx, *texts, pipeline.settings(),
                      SuggestionAnswerRelay(*s, to, answer, "admin:" + principal.name), now));
      if (screened.verdict == Screened::Verdict::kHeld) {
        if (held_id != nullptr) *held_id = screened.held_id;
        return Status::Ok();
      }
    }
    GEBI_ASSIGN_OR_RETURN(bool done, ApplySuggestionAnswer(tx, *texts, *s, to, answer,
                                                           "admin:" + principal.name, now));
    if (!done) {
      return Status::FailedPrecondition(
          fmt::format("{} 号建议已经答复过（采纳或不采纳），不能再改", id));
    }
    const nlohmann::json before{{"status", s->status}, {"answer", s->answer}};
    const nlohmann::json after{{"status", to}, {"answer", answer}};
    return Audit(tx, principal, "suggestion." + action, fmt::format("suggestion:{}", id),
                 s->community_id, before.dump(), after.dump(), now);
  });
}

Result<std::vector<SuggestionNumbers>> SuggestionNumbersByCommunity(storage::Database& db,
                                                                    const Principal& principal,
                                                                    int answer_days) {
  std::vector<SuggestionNumbers> out;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto counts,
                          storage::CountSuggestionsByCommunity(tx, principal.CommunityFilter(),
                                                               int64_t{answer_days} * 86400));
    for (const auto& c : counts) {
      SuggestionNumbers n{c.community_id, "", c.total, c.answered, c.on_time};
      GEBI_ASSIGN_OR_RETURN(n.community_name, UnitNameOf(tx, c.community_id));
      out.push_back(std::move(n));
    }
    return Status::Ok();
  }));
  return out;
}

}  // namespace gebi::handlers::admin
