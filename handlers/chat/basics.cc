// Help, default reply, follow / unfollow and cancel: the replies every account needs.
#include "handlers/chat/basics.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "handlers/chat/common.h"
#include "handlers/dispatch.h"
#include "storage/conversation_store.h"
#include "storage/join_store.h"
#include "storage/user_store.h"
#include "storage/volunteer_store.h"

namespace gebi::handlers {

namespace {

// Suggestions under "没看懂": a few commands, so the reply stays one short screen.
constexpr size_t kSuggestions = 3;

// The role whose short menu a sender sees: staff first (grid and community staff work the
// grid's rows; street and district staff the ladder's), then volunteers, then residents.
uint32_t MainRole(uint32_t roles) {
  if (roles & (kGridWorker | kCommunityStaff)) return kGridWorker;
  if (roles & (kStreetStaff | kDistrictAdmin)) return kStreetStaff;
  if (roles & kVolunteer) return kVolunteer;
  return kResident;
}

bool Listed(const Context& ctx, const HandlerRow& row) {
  const uint32_t shown_to = row.help_roles != 0 ? row.help_roles : row.roles;
  return !row.help_key.empty() && (shown_to & ctx.roles) != 0;
}

// A member has no use for 加入网格 in a four-line menu.
bool Skip(const Context& ctx, const HandlerRow& row) {
  return row.name == "join" && ctx.grid_id.has_value() && (ctx.roles & kStaffRoles) == 0;
}

// The rows of the sender's short menu, in table order.
std::vector<const HandlerRow*> Menu(const Context& ctx) {
  const uint32_t main = MainRole(ctx.roles);
  std::vector<const HandlerRow*> out;
  for (const HandlerRow* row : HandlerTable()) {
    if (out.size() >= kMenuLines) break;
    if ((row->menu & main) == 0 || !Listed(ctx, *row) || Skip(ctx, *row)) continue;
    out.push_back(row);
  }
  return out;
}

// "报修 问题" from "报修 问题 — 例如：…": the part of a help line a resident types.
std::string CommandOf(const Context& ctx, const HandlerRow& row) {
  std::string line = ctx.templates.Render(row.help_key);
  size_t dash = line.find(" — ");
  return dash == std::string::npos ? line : line.substr(0, dash);
}

// The CJK characters (3-byte UTF-8 sequences) of s, for a rough "closest command" overlap.
std::set<std::string_view> Hanzi(std::string_view s) {
  std::set<std::string_view> out;
  for (size_t i = 0; i + 2 < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0xE4 && c <= 0xE9) {  // U+4E00..U+9FFF start with E4..E9
      out.insert(s.substr(i, 3));
      i += 2;
    }
  }
  return out;
}

}  // namespace

Result<Reply> HandleHelp(Context& ctx) {
  std::string lines;
  for (const HandlerRow* row : Menu(ctx)) {
    if (!lines.empty()) lines += '\n';
    lines += ctx.templates.Render(row->help_key);
  }
  return Reply::Text(ctx.templates.Render("help", {{"commands", lines}}));
}

Result<Reply> FullHelp(Context& ctx) {
  std::string lines;
  for (const HandlerRow* row : HandlerTable()) {
    if (!Listed(ctx, *row)) continue;
    if (!lines.empty()) lines += '\n';
    lines += ctx.templates.Render(row->help_key);
  }
  return Reply::Text(ctx.templates.Render("help.all", {{"commands", lines}}));
}

// Unknown text: the commands whose keywords share the most characters with it (a resident who
// wrote 我想修东西 sees 报修 first), topped up from the sender's menu, and a phone to call.
// Linear in the text: one pass builds its character set; the rows and keywords are fixed.
Result<Reply> HandleDefault(Context& ctx) {
  const std::set<std::string_view> chars = Hanzi(ctx.text);
  std::vector<std::pair<size_t, const HandlerRow*>> scored;
  for (const HandlerRow* row : HandlerTable()) {
    if (!Listed(ctx, *row) || Skip(ctx, *row) || row->name == "help") continue;
    size_t score = 0;
    for (std::string_view c : Hanzi(row->keywords)) score += chars.count(c);
    if (score > 0) scored.emplace_back(score, row);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<const HandlerRow*> picks;
  auto add = [&](const HandlerRow* row) {
    if (picks.size() < kSuggestions && std::find(picks.begin(), picks.end(), row) == picks.end()) {
      picks.push_back(row);
    }
  };
  for (const auto& [score, row] : scored) add(row);
  for (const HandlerRow* row : Menu(ctx)) add(row);
  std::string suggestions;
  for (const HandlerRow* row : picks) suggestions += "「" + CommandOf(ctx, *row) + "」";
  GEBI_ASSIGN_OR_RETURN(Contact contact, ContactFor(ctx));
  return Reply::Text(ctx.templates.Render(
      "default", {{"suggestions", suggestions}, {"contact", contact.text}}));
}

// Unfollowing ends what the person was doing with us: no conversation waits, a pending join
// request is withdrawn (the grid worker is not left deciding on someone gone), and a volunteer
// stops being matched to requests they can no longer receive.
Result<Reply> HandleUnsubscribe(Context& ctx) {
  const std::string& openid = ctx.msg.from_user;
  GEBI_RETURN_IF_ERROR(storage::SetSubscribed(ctx.tx, openid, false, ctx.now));
  GEBI_RETURN_IF_ERROR(storage::ClearConversation(ctx.tx, openid));
  GEBI_ASSIGN_OR_RETURN(auto pending, storage::PendingJoinRequestOf(ctx.tx, openid));
  if (pending) {
    GEBI_RETURN_IF_ERROR(storage::DecideJoinRequest(ctx.tx, pending->id, "rejected",
                                                    ctx.templates.Render("join.withdrawn"),
                                                    "system", ctx.now));
  }
  GEBI_ASSIGN_OR_RETURN(bool was_volunteer, storage::DeactivateVolunteer(ctx.tx, openid, ctx.now));
  (void)was_volunteer;   // nothing to do either way
  return Reply::None();  // nobody reads a reply to an unfollow
}

Result<Reply> HandleCancel(Context& ctx) {
  if (!ctx.conversation) return Reply::Text(ctx.templates.Render("nothing_to_cancel"));
  GEBI_RETURN_IF_ERROR(storage::ClearConversation(ctx.tx, ctx.msg.from_user));
  return Reply::Text(ctx.templates.Render("cancelled"));
}

Result<Reply> HandleIgnore(Context& ctx) { return Reply::None(); }

}  // namespace gebi::handlers
