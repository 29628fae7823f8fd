// The admin HTTP API (/api/v1, JSON via nlohmann) and the console page (/admin/), mounted on an
// httplib server: the webhook's (bot/http_server.h) or a separate one (config admin.listen_*).
// Sessions are an HttpOnly SameSite=Strict cookie; every write needs the session's CSRF token
// in X-CSRF-Token and a JSON body. 401 unauthenticated, 403 out of scope or bad CSRF token,
// 400 bad JSON or field (named in "field"), 404 unknown id, 409 wrong state, 429 throttled
// or too many password hashes at once. An account with a handed-out password gets 403
// {"field":"password"} from everything but login, logout, me and changing the password.
// The client address (throttling, audit) is the peer's, or what a peer listed in
// admin.trusted_proxies says in X-Forwarded-For / X-Real-IP.
// The logic lives in handlers/admin/*.h; this file only translates. Thread-safe (App is).
#pragma once

#include <httplib.h>

#include <string>

#include "bot/app.h"
#include "handlers/admin/auth.h"

namespace gebi::bot {

// The cookie that carries the session token.
constexpr const char* kAdminCookie = "gebi_admin";
// The API's path prefix and the console's.
constexpr const char* kAdminApiPrefix = "/api/v1";
constexpr const char* kAdminConsolePath = "/admin/";

class AdminApi {
 public:
  // Reads the console files from <paths.templates>/admin. app must outlive the AdminApi.
  explicit AdminApi(App& app);
  // Adds the routes to server. REQUIRES: server outlives nothing of ours (we outlive it).
  void Mount(httplib::Server& server);

 private:
  struct Call;
  using Fn = void (AdminApi::*)(Call& call);
  // write: needs the CSRF token and a JSON body; auth: needs a session; initial: allowed
  // while the account still has its handed-out password (everything else answers 403 then).
  void Add(httplib::Server& server, const char* method, const std::string& pattern, Fn fn,
           bool write, bool auth = true, bool initial = false);

  void Login(Call& c);
  void Logout(Call& c);
  void Me(Call& c);
  void ChangePassword(Call& c);
  void ListRules(Call& c);
  void GetRule(Call& c);
  void CreateRule(Call& c);
  void UpdateRule(Call& c);
  void DeleteRule(Call& c);
  void RuleHistory(Call& c);
  void DeletedRules(Call& c);
  void RollbackRule(Call& c);
  void DryRun(Call& c);
  void ImportRules(Call& c);
  void ListTemplates(Call& c);
  void SetTemplate(Call& c);
  void ResetTemplate(Call& c);
  void PreviewTemplate(Call& c);
  void ListAudit(Call& c);
  void ListJoins(Call& c);
  void DecideJoin(Call& c);
  void ListTickets(Call& c);
  void GetTicket(Call& c);
  void TicketAction(Call& c);
  void TicketAssignees(Call& c);
  void TicketPhoto(Call& c);
  void ListVolunteers(Call& c);
  void VetVolunteer(Call& c);
  void ListResidents(Call& c);
  void ListUnits(Call& c);
  void Notices(Call& c);
  void ListDeadLetters(Call& c);
  void RetryDeadLetter(Call& c);
  void Stats(Call& c);
  void StatsCsv(Call& c);
  void MessagesCsv(Call& c);
  void StatsChart(Call& c);
  // Suggestions (S9) and parking (S8).
  void ListSuggestions(Call& c);
  void AnswerSuggestion(Call& c);
  void SuggestionNumbers(Call& c);
  void Parking(Call& c);
  void ConfirmPlate(Call& c);
  void SpotSharing(Call& c);
  // Looking back (S11).
  void SearchRecord(Call& c);
  void Conversation(Call& c);
  void ConversationCsv(Call& c);
  // The escalation ladder's board, settings and Open311 API keys (handlers/admin/ladder.h).
  void LadderBoard(Call& c);
  void LadderDeadline(Call& c);
  void ListApiKeys(Call& c);
  void AddApiKey(Call& c);
  void RevokeApiKey(Call& c);
  // Circles, notices with receipts and recruitments (S6).
  void ListCircles(Call& c);
  void UpdateCircle(Call& c);
  void SetCircleManager(Call& c);
  void CirclePoster(Call& c);
  void ListCircleNotices(Call& c);
  void RemindCircleNotice(Call& c);
  void WithdrawCircleNotice(Call& c);
  void ListRecruitments(Call& c);
  void CircleNoticeNumbers(Call& c);
  // Elderly-care relays (S7): the 关爱 page (handlers/admin/care.h).
  void CarePage(Call& c);
  void AddCareElder(Call& c);
  void SetCareVolunteer(Call& c);
  void DecideCareFamily(Call& c);
  void CareNumbers(Call& c);
  // Moderation (S10): the 审核 queue, the 规则 categories, the 违规 page.
  void ModerationQueue(Call& c);
  void DecideHeld(Call& c);
  void ModerationCategories(Call& c);
  void UpdateModerationCategory(Call& c);
  void TryModerationText(Call& c);
  void ModerationViolations(Call& c);
  void LiftStrike(Call& c);
  void CloseAppeal(Call& c);

  App& app_;
  handlers::admin::AuthSettings auth_;
  std::string index_html_, app_js_, app_css_;
};

}  // namespace gebi::bot
