// Volunteers (S5): signing up with skills from the catalogue (synonyms map to one skill) and an
// optional availability, the volunteer's record (claims, completions, thanks), and leaving.
#include "handlers/chat/volunteer.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "handlers/chat/common.h"
#include "handlers/chat/join.h"
#include "handlers/chat/phrases.h"
#include "storage/org_store.h"
#include "storage/ticket_store.h"
#include "storage/volunteer_store.h"

namespace gebi::handlers {

namespace {

// Words that say when someone can help rather than what they can do.
constexpr std::string_view kAvailabilityWords[] = {
    "周末",     "工作日",   "平时",     "晚上",       "白天",   "上午",
    "下午",     "中午",     "随时",     "节假日",     "全天",   "weekends",
    "weekdays", "evenings", "mornings", "afternoons", "anytime"};
// Words that say residents helped may see the volunteer's phone.
constexpr std::string_view kSharePhoneWords[] = {"公开电话", "留电话", "可以打电话", "电话公开",
                                                 "sharephone"};
// A signup names a handful of skills; more is a paste, not a signup.
constexpr size_t kMaxWords = 12;
constexpr int kMaxListed = 5;

std::string Join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

// Splits on spaces and the separators people type: ， 、 , / ;
std::vector<std::string> Words(std::string_view text) {
  static constexpr std::string_view kWideSeparators[] = {"，", "、", "；", "。"};
  std::vector<std::string> out;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) out.push_back(std::move(word));
    word.clear();
  };
  for (size_t i = 0; i < text.size();) {
    bool wide = false;
    for (std::string_view sep : kWideSeparators) {
      if (text.substr(i, sep.size()) == sep) {
        i += sep.size();
        wide = true;
        break;
      }
    }
    if (wide) {
      flush();
      continue;
    }
    char c = text[i++];
    if (c == ' ' || c == ',' || c == '/' || c == ';' || c == '+') {
      flush();
    } else {
      word += c;
    }
  }
  flush();
  return out;
}

bool IsAvailability(std::string_view w) {
  for (auto a : kAvailabilityWords) {
    if (a == w) return true;
  }
  return false;
}

Result<std::string> Catalogue(storage::Tx& tx) {
  GEBI_ASSIGN_OR_RETURN(auto skills, storage::ListSkills(tx));
  return Join(skills, "、");
}

}  // namespace

Result<Reply> HandleVolunteer(Context& ctx) {
  if (!ctx.community_id) return NotMemberYet(ctx, "volunteer.join_first");
  GEBI_ASSIGN_OR_RETURN(std::string catalogue, Catalogue(ctx.tx));
  if (TrimPunct(ctx.args).empty()) {  // 申请当志愿者。
    GEBI_RETURN_IF_ERROR(AskNext(ctx, "volunteer", "", "volunteer.ask"));
    return Text(ctx, "volunteer.ask", {{"skills", catalogue}});
  }
  std::vector<std::string> words = Words(ctx.args);
  if (words.size() > kMaxWords) return Text(ctx, "volunteer.usage", {{"skills", catalogue}});
  std::vector<std::string> skills, availability;
  std::set<std::string> seen;
  bool share_phone = false;
  for (const std::string& w : words) {
    if (std::find(std::begin(kSharePhoneWords), std::end(kSharePhoneWords), w) !=
        std::end(kSharePhoneWords)) {
      share_phone = true;
      continue;
    }
    GEBI_ASSIGN_OR_RETURN(auto skill, storage::SkillForWord(ctx.tx, w));
    if (skill) {
      if (seen.insert(*skill).second) skills.push_back(*skill);
    } else if (IsAvailability(w)) {
      availability.push_back(w);
    } else {
      return Text(ctx, "volunteer.unknown_skill", {{"word", w}, {"skills", catalogue}});
    }
  }
  if (skills.empty()) return Text(ctx, "volunteer.usage", {{"skills", catalogue}});
  storage::Volunteer v;
  v.openid = ctx.msg.from_user;
  v.community_id = *ctx.community_id;
  v.availability = Join(availability, " ");
  v.skills = skills;
  GEBI_ASSIGN_OR_RETURN(auto before, storage::GetVolunteer(ctx.tx, ctx.msg.from_user));
  v.share_phone = share_phone || (before && before->share_phone);
  GEBI_RETURN_IF_ERROR(storage::PutVolunteer(ctx.tx, v, ctx.now));
  std::string when = v.availability.empty() ? "" : "（" + v.availability + "）";
  return Text(ctx, before && before->active ? "volunteer.updated" : "volunteer.ok",
              {{"skills", Join(skills, "、")}, {"when", when}});
}

Result<Reply> HandleMyService(Context& ctx) {
  GEBI_ASSIGN_OR_RETURN(auto v, storage::GetVolunteer(ctx.tx, ctx.msg.from_user));
  GEBI_ASSIGN_OR_RETURN(storage::ServiceCounts c,
                        storage::ServiceCountsOf(ctx.tx, ctx.msg.from_user));
  GEBI_ASSIGN_OR_RETURN(
      auto open, storage::TicketsClaimedBy(ctx.tx, ctx.msg.from_user, "claimed", kMaxListed));
  std::string lines;
  for (const auto& t : open) {
    lines += fmt::format("\n{}号 {}", t.id, t.description);
  }
  std::string skills = v ? Join(v->skills, "、") : "";
  std::string when =
      v && !v->availability.empty() ? v->availability : ctx.templates.Render("volunteer.any_time");
  return Text(ctx, "volunteer.record",
              {{"skills", skills},
               {"when", when},
               {"claimed", std::to_string(c.claimed)},
               {"completed", std::to_string(c.completed)},
               {"thanks", std::to_string(c.likes + c.good_ratings)},
               {"likes", std::to_string(c.likes)},
               {"good", std::to_string(c.good_ratings)},
               {"open", open.empty() ? ctx.templates.Render("volunteer.no_open")
                                     : ctx.templates.Render("volunteer.open_header") + lines}});
}

Result<Reply> HandleQuitVolunteer(Context& ctx) {
  GEBI_ASSIGN_OR_RETURN(auto open,
                        storage::TicketsClaimedBy(ctx.tx, ctx.msg.from_user, "claimed", 1));
  if (!open.empty()) {
    return Text(ctx, "volunteer.quit_open", {{"id", std::to_string(open.front().id)}});
  }
  GEBI_ASSIGN_OR_RETURN(bool left,
                        storage::DeactivateVolunteer(ctx.tx, ctx.msg.from_user, ctx.now));
  if (!left) return Text(ctx, "volunteer.not_volunteer");
  return Text(ctx, "volunteer.quit_ok");
}

Result<Reply> HandleVet(Context& ctx) {
  // 认证 王师傅: by the name the volunteer joined their grid with (or their openid).
  const std::string name = TrimPunct(RawTail(ctx, ctx.args));
  if (name.empty()) return Text(ctx, "vet.usage");
  std::vector<std::string> found;
  GEBI_ASSIGN_OR_RETURN(auto v, storage::GetVolunteer(ctx.tx, name));
  if (v && v->active) {
    found.push_back(name);
  } else {
    GEBI_ASSIGN_OR_RETURN(found, storage::VolunteersNamed(ctx.tx, name));
  }
  // Only the volunteers this sender runs: their grid's worker or staff above.
  std::vector<std::string> mine;
  for (const auto& openid : found) {
    GEBI_ASSIGN_OR_RETURN(auto r, storage::GetResident(ctx.tx, openid));
    GEBI_ASSIGN_OR_RETURN(auto vol, storage::GetVolunteer(ctx.tx, openid));
    int64_t unit = r ? r->grid_id : (vol ? vol->community_id : 0);
    GEBI_ASSIGN_OR_RETURN(bool may, storage::CanManage(ctx.tx, ctx.msg.from_user, unit));
    if (may) mine.push_back(openid);
  }
  if (mine.empty()) return Text(ctx, "vet.unknown", {{"name", name}});
  if (mine.size() > 1) return Text(ctx, "vet.ambiguous", {{"name", name}});
  GEBI_RETURN_IF_ERROR(storage::VetVolunteer(ctx.tx, mine.front(), ctx.msg.from_user, ctx.now));
  GEBI_RETURN_IF_ERROR(QueuePush(ctx, mine.front(), "vetted", ctx.templates.Render("push.vetted"),
                                 nlohmann::json::object(),
                                 fmt::format("vetted:{}:{}", mine.front(), ctx.now)));
  return Text(ctx, "vet.ok", {{"name", name}});
}

}  // namespace gebi::handlers
