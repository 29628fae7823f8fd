// Suggestions (S9): a resident's suggestion goes to the community's staff as a numbered push;
// the staff answer in chat or in the console and the answer is pushed back; unanswered ones
// are pushed again after the configured days.
#include "handlers/chat/suggestions.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "handlers/chat/common.h"
#include "handlers/chat/join.h"
#include "handlers/chat/moderation.h"
#include "handlers/chat/phrases.h"
#include "handlers/normalize.h"
#include "storage/org_store.h"

namespace gebi::handlers {

namespace {

using nlohmann::json;

// Suggestions one resident may write per day: enough for anyone, too few to flood the staff.
constexpr int kMaxPerDay = 5;
// 我的建议 lists this many (a WeChat text shows ~2000 characters).
constexpr int kMaxListed = 10;
// Overdue suggestions reminded per run: a backlog drains over a few runs, not in one burst.
constexpr int kMaxRemindedPerRun = 500;
// How much of a suggestion a list line or a reminder repeats.
constexpr size_t kExcerptChars = 30;

std::string StatusLabel(const Templates& texts, const std::string& status) {
  return texts.Render("suggestion.status." + status);
}

// 回复 / 采纳 / 不采纳: the shared part. to is replied | adopted | declined.
Result<Reply> Answer(Context& ctx, const std::string& to, std::string_view usage_key) {
  NumberArgs a = ParseNumberAndRest(ctx.args);
  if (a.number < 0) return Text(ctx, usage_key);
  const std::string id = std::to_string(a.number);
  GEBI_ASSIGN_OR_RETURN(auto s, storage::GetSuggestion(ctx.tx, a.number));
  if (!s) return Text(ctx, "suggestion.unknown", {{"id", id}});
  GEBI_ASSIGN_OR_RETURN(bool manage, storage::CanManage(ctx.tx, ctx.msg.from_user, s->grid_id));
  if (!manage) return Text(ctx, "suggestion.not_yours", {{"id", id}});
  const std::string answer = TrimPunct(RawTail(ctx, a.rest));
  if (answer.empty() && to == "replied")
    return Text(ctx, "answer_suggestion.need_text", {{"id", id}});
  if (answer.empty() && to == "declined") {
    return Text(ctx, "decline_suggestion.need_reason", {{"id", id}});
  }
  if (answer.size() > kMaxSuggestionBytes) return Text(ctx, "suggest.too_long");
  if (s->status == "adopted" || s->status == "declined") {
    return Text(ctx, "suggestion.closed",
                {{"id", id}, {"status", StatusLabel(ctx.templates, s->status)}});
  }
  if (!answer.empty()) {
    // The answer is relayed to the resident: screened first (handlers/chat/moderation.h).
    GEBI_ASSIGN_OR_RETURN(Screened screened,
                          ScreenRelay(ctx.tx, ctx.templates, ctx.settings,
                                      SuggestionAnswerRelay(*s, to, answer, ctx.msg.from_user),
                                      ctx.now));
    if (screened.verdict != Screened::Verdict::kPass) return Reply::Text(screened.reply);
  }
  GEBI_ASSIGN_OR_RETURN(bool done, ApplySuggestionAnswer(ctx.tx, ctx.templates, *s, to, answer,
                                                         ctx.msg.from_user, ctx.now));
  if (!done) {
    return Text(ctx, "suggestion.closed",
                {{"id", id}, {"status", StatusLabel(ctx.templates, s->status)}});
  }
  return Text(ctx, "suggestion.answered", {{"id", id}, {"status", StatusLabel(ctx.templates, to)}});
}

}  // namespace

Relay SuggestionAnswerRelay(const storage::Suggestion& s, const std::string& to,
                            const std::string& answer, const std::string& by) {
  Relay r;
  r.kind = "suggestion_answer";
  r.sender = by;
  r.community_id = s.community_id;
  r.grid_id = s.grid_id;
  r.text = answer;
  r.payload = json{{"suggestion_id", s.id}, {"to", to}, {"answer", answer}, {"by", by}};
  return r;
}

Result<std::vector<std::string>> SuggestionStaff(storage::Tx& tx, int64_t community_id,
                                                 int64_t grid_id) {
  GEBI_ASSIGN_OR_RETURN(auto staff, storage::HoldersOf(tx, community_id, "community_staff"));
  if (staff.empty()) {
    GEBI_ASSIGN_OR_RETURN(staff, storage::HoldersOf(tx, grid_id, "grid_worker"));
  }
  std::sort(staff.begin(), staff.end());
  staff.erase(std::unique(staff.begin(), staff.end()), staff.end());
  return staff;
}

bool SuggestionOverdue(const storage::Suggestion& s, int64_t now, int answer_days) {
  return s.status == "open" && now - s.created_at >= int64_t{answer_days} * 86400;
}

Result<bool> ApplySuggestionAnswer(storage::Tx& tx, const Templates& texts,
                                   const storage::Suggestion& s, const std::string& to,
                                   const std::string& answer, const std::string& by, int64_t now) {
  GEBI_ASSIGN_OR_RETURN(bool changed, storage::AnswerSuggestion(tx, s.id, to, answer, by, now));
  if (!changed) return false;
  const std::string id = std::to_string(s.id);
  std::string text;
  if (to == "adopted") {
    text = texts.Render("push.suggestion_adopted",
                        {{"id", id}, {"answer", answer.empty() ? "" : answer + "。"}});
  } else {
    text = texts.Render(to == "declined" ? "push.suggestion_declined" : "push.suggestion_replied",
                        {{"id", id}, {"answer", answer}});
  }
  // One push per answer: the dedup key names the answer's time and kind.
  GEBI_RETURN_IF_ERROR(QueuePushIn(tx, now, s.author, "suggestion_answer", text,
                                   json{{"suggestion_id", s.id}, {"status", to}},
                                   fmt::format("suggestion_answer:{}:{}:{}", s.id, to, now)));
  return true;
}

Result<Reply> HandleSuggest(Context& ctx) {
  GEBI_ASSIGN_OR_RETURN(auto resident, storage::GetResident(ctx.tx, ctx.msg.from_user));
  if (!resident) return NotMemberYet(ctx, "suggest.join_first");
  const std::string content = TrimPunct(RawTail(ctx, ctx.args));
  if (content.empty()) {
    GEBI_RETURN_IF_ERROR(AskNext(ctx, "suggest", "", "suggest.ask"));
    return Text(ctx, "suggest.ask");
  }
  if (content.size() > kMaxSuggestionBytes) return Text(ctx, "suggest.too_long");
  GEBI_ASSIGN_OR_RETURN(auto community,
                        storage::AncestorOfKind(ctx.tx, resident->grid_id, "community"));
  if (!community) return NotMemberYet(ctx, "suggest.join_first");
  GEBI_ASSIGN_OR_RETURN(int64_t today,
                        storage::CountSuggestionsSince(ctx.tx, ctx.msg.from_user, ctx.now - 86400));
  if (today >= kMaxPerDay)
    return Text(ctx, "suggest.too_many", {{"max", std::to_string(kMaxPerDay)}});

  storage::Suggestion s;
  s.community_id = community->id;
  s.grid_id = resident->grid_id;
  s.author = ctx.msg.from_user;
  s.content = content;
  GEBI_ASSIGN_OR_RETURN(s.id, storage::CreateSuggestion(ctx.tx, s, ctx.now));
  const std::string id = std::to_string(s.id);
  GEBI_ASSIGN_OR_RETURN(std::string grid, GridLabel(ctx.tx, s.grid_id));
  const std::string push = ctx.templates.Render("push.suggestion_new",
                                                {{"id", id}, {"grid", grid}, {"content", content}});
  GEBI_ASSIGN_OR_RETURN(auto staff, SuggestionStaff(ctx.tx, s.community_id, s.grid_id));
  for (const auto& to : staff) {
    if (to == ctx.msg.from_user) continue;
    GEBI_RETURN_IF_ERROR(QueuePush(ctx, to, "suggestion_new", push,
                                   json{{"suggestion_id", s.id}, {"community_id", s.community_id}},
                                   fmt::format("suggestion_new:{}:{}", s.id, to)));
  }
  return Text(ctx, "suggest.created",
              {{"id", id}, {"days", std::to_string(ctx.settings.suggestion_answer_days)}});
}

Result<Reply> HandleMySuggestions(Context& ctx) {
  GEBI_ASSIGN_OR_RETURN(auto mine, storage::SuggestionsOf(ctx.tx, ctx.msg.from_user, kMaxListed));
  if (mine.empty()) return Text(ctx, "my_suggestions.none");
  std::string lines;
  for (const auto& s : mine) {
    std::string line = fmt::format("{}号 {} — {}", s.id, Excerpt(s.content, kExcerptChars),
                                   StatusLabel(ctx.templates, s.status));
    if (SuggestionOverdue(s, ctx.now, ctx.settings.suggestion_answer_days)) {
      line += ctx.templates.Render("suggestion.overdue_mark");
    }
    if (!s.answer.empty()) line += "：" + Excerpt(s.answer, kExcerptChars);
    lines += (lines.empty() ? "" : "\n") + line;
  }
  return Text(ctx, "my_suggestions.list", {{"lines", lines}});
}

Result<Reply> HandleAnswerSuggestion(Context& ctx) {
  return Answer(ctx, "replied", "answer_suggestion.usage");
}

Result<Reply> HandleAdoptSuggestion(Context& ctx) {
  return Answer(ctx, "adopted", "adopt_suggestion.usage");
}

Result<Reply> HandleDeclineSuggestion(Context& ctx) {
  return Answer(ctx, "declined", "decline_suggestion.usage");
}

Result<int> RemindOverdueSuggestions(storage::Database& db, Pipeline& pipeline, int64_t now,
                                     int answer_days) {
  if (answer_days <= 0) return 0;
  const int64_t period_seconds = int64_t{answer_days} * 86400;
  int reminded = 0;
  GEBI_RETURN_IF_ERROR(db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto overdue,
                          storage::UnansweredBefore(tx, now - period_seconds, kMaxRemindedPerRun));
    for (const auto& s : overdue) {
      const int64_t period = (now - s.created_at) / period_seconds;
      if (period <= s.reminded_period) continue;
      GEBI_ASSIGN_OR_RETURN(auto texts, pipeline.TemplatesFor(tx, s.community_id));
      const std::string id = std::to_string(s.id);
      const std::string text = texts->Render(
          "push.suggestion_overdue", {{"id", id},
                                      {"days", std::to_string((now - s.created_at) / 86400)},
                                      {"content", Excerpt(s.content, kExcerptChars * 2)}});
      GEBI_ASSIGN_OR_RETURN(auto staff, SuggestionStaff(tx, s.community_id, s.grid_id));
      for (const auto& to : staff) {
        GEBI_RETURN_IF_ERROR(
            QueuePushIn(tx, now, to, "suggestion_overdue", text,
                        json{{"suggestion_id", s.id}, {"period", period}},
                        fmt::format("suggestion_overdue:{}:{}:{}", s.id, period, to)));
      }
      GEBI_ASSIGN_OR_RETURN(bool marked, storage::MarkReminded(tx, s.id, period));
      reminded += marked ? 1 : 0;
    }
    return Status::Ok();
  }));
  return reminded;
}

}  // namespace gebi::handlers
