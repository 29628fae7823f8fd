#include "handlers/chat/moderation.h"

#include <fmt/format.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <ctime>

#include "handlers/chat/care.h"
#include "handlers/chat/circles.h"
#include "handlers/chat/common.h"
#include "handlers/chat/notices.h"
#include "handlers/chat/phrases.h"
#include "handlers/chat/suggestions.h"
#include "handlers/normalize.h"
#include "storage/admin_store.h"
#include "storage/care_store.h"
#include "storage/circle_store.h"
#include "storage/org_store.h"

namespace gebi::handlers {

using nlohmann::json;

class CompiledCategories {
 public:
  CompiledCategories() : set_(Options(), RE2::UNANCHORED) {}
  static RE2::Options Options() {
    RE2::Options o;
    o.set_log_errors(false);
    // Bounds the automaton of one category set (RE2 falls back to a slower linear engine, never
    // to backtracking, when the DFA would need more).
    o.set_max_mem(int64_t{16} << 20);
    return o;
  }
  RE2::Set set_;
  std::vector<ModerationHit> hits_;  // by the set's pattern index
  bool any_ = false;
};

namespace {

// The relay table: one row per kind. Deliver performs the relay from the stored payload alone.
using DeliverFn = Result<Delivered> (*)(storage::Tx&, const Templates&, const json&, int64_t);
// Rejected (optional): what the kind's own record does when its relay is rejected.
using RejectedFn = Status (*)(storage::Tx&, const json&);
struct RelayKind {
  std::string_view kind;
  DeliverFn deliver;
  RejectedFn rejected = nullptr;
};

Result<Delivered> DeliverSuggestionAnswer(storage::Tx& tx, const Templates& texts,
                                          const json& payload, int64_t now) {
  const int64_t id = payload.value("suggestion_id", int64_t{0});
  GEBI_ASSIGN_OR_RETURN(auto s, storage::GetSuggestion(tx, id));
  if (!s) return Status::NotFound(fmt::format("没有 {} 号建议", id));
  GEBI_ASSIGN_OR_RETURN(
      bool done, ApplySuggestionAnswer(tx, texts, *s, payload.value("to", ""),
                                       payload.value("answer", ""), payload.value("by", ""), now));
  if (!done) return Status::FailedPrecondition(fmt::format("{} 号建议已经答复过了", id));
  return Delivered{id, 1};
}

// An elderly-care relay (handlers/chat/care.h): payload {"id": the care relay}.
Result<Delivered> DeliverCare(storage::Tx& tx, const Templates& texts, const json& payload,
                              int64_t now) {
  const int64_t id = payload.value("id", int64_t{0});
  GEBI_ASSIGN_OR_RETURN(int64_t sent, DeliverCareRelay(tx, texts, id, now));
  return Delivered{id, sent};
}
Status RejectCare(storage::Tx& tx, const json& payload) {
  return storage::SetCareRelayStatus(tx, payload.value("id", int64_t{0}), "rejected").status();
}

const RelayKind kRelayKinds[] = {
    {"notice", DeliverNotice},
    {"recruit", DeliverRecruitment},
    {"suggestion_answer", DeliverSuggestionAnswer},
    {"repair", DeliverPushes},
    {"parking", DeliverPushes},
    {"care", DeliverCare, RejectCare},
};

const RelayKind* FindKind(std::string_view kind) {
  for (const RelayKind& k : kRelayKinds) {
    if (k.kind == kind) return &k;
  }
  return nullptr;
}

// Splits one-per-line text into trimmed, non-empty lines (at most kMaxModerationLines).
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size() && out.size() < kMaxModerationLines) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    while (!line.empty() && line.front() == ' ') line.erase(0, 1);
    if (!line.empty() && line.size() <= kMaxModerationPatternBytes) out.push_back(line);
    start = end + 1;
  }
  return out;
}

std::string DateText(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t + 8 * 3600);  // Beijing time
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{}月{}日 {:02}:{:02}", tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

// Characters of a held text repeated in a push to the managers.
constexpr size_t kExcerptChars = 80;
// A reason or appeal is a sentence.
constexpr size_t kMaxReasonChars = 100;

bool IsAdmin(const std::string& who) { return who.rfind("admin:", 0) == 0; }

// One audit row of a chat act (console acts audit through handlers/admin with the account).
Status AuditAct(storage::Tx& tx, const std::string& by, std::optional<int64_t> community,
                std::string action, std::string object, json after, int64_t now) {
  if (IsAdmin(by)) return Status::Ok();
  GEBI_ASSIGN_OR_RETURN(std::string name, DisplayName(tx, by));
  storage::AuditEntry e;
  e.account_name = name + "（微信）";
  e.community_id = community;
  e.action = std::move(action);
  e.object = std::move(object);
  e.after = after.dump();
  e.created_at = now;
  return storage::AppendAudit(tx, e).status();
}

// The community a circle belongs to (its unit's community), if any.
Result<std::optional<int64_t>> CircleCommunity(storage::Tx& tx, const storage::CircleInfo& c) {
  if (!c.unit_id) return std::optional<int64_t>();
  GEBI_ASSIGN_OR_RETURN(auto community, storage::AncestorOfKind(tx, *c.unit_id, "community"));
  if (!community) return std::optional<int64_t>();
  return std::optional<int64_t>(community->id);
}

// The community's staff, else the grid's workers, else (for a circle) whoever runs its unit.
Result<std::vector<std::string>> StaffOf(storage::Tx& tx, std::optional<int64_t> community,
                                         std::optional<int64_t> grid) {
  std::vector<std::string> out;
  if (community) {
    GEBI_ASSIGN_OR_RETURN(out, storage::HoldersOf(tx, *community, "community_staff"));
  }
  if (out.empty() && grid) {
    GEBI_ASSIGN_OR_RETURN(out, storage::HoldersOf(tx, *grid, "grid_worker"));
  }
  return out;
}

// Who is asked to decide a held item: the circle's managers except the sender, else staff.
Result<std::vector<std::string>> Moderators(storage::Tx& tx, const storage::HeldItem& h,
                                            std::optional<int64_t> grid) {
  std::vector<std::string> out;
  if (h.circle_id > 0) {
    GEBI_ASSIGN_OR_RETURN(out, storage::CircleManagers(tx, h.circle_id));
    out.erase(std::remove(out.begin(), out.end(), h.sender), out.end());
  }
  if (out.empty()) {
    GEBI_ASSIGN_OR_RETURN(out, StaffOf(tx, h.community_id, grid));
    out.erase(std::remove(out.begin(), out.end(), h.sender), out.end());
  }
  return out;
}

// The item number in ctx.args, or the refusal to send.
struct Numbered {
  std::optional<storage::HeldItem> item;
  std::optional<Reply> refusal;
  std::string rest;
};
Result<Numbered> HeldFor(Context& ctx, std::string_view usage_key) {
  Numbered n;
  NumberArgs a = ParseNumberAndRest(ctx.args);
  if (a.number <= 0) {
    n.refusal = Text(ctx, usage_key);
    return n;
  }
  const std::string id = std::to_string(a.number);
  GEBI_ASSIGN_OR_RETURN(auto h, storage::GetHeldItem(ctx.tx, a.number));
  if (!h) {
    n.refusal = Text(ctx, "moderation.unknown", {{"id", id}});
    return n;
  }
  GEBI_ASSIGN_OR_RETURN(bool may, MayModerate(ctx.tx, ctx.msg.from_user, *h));
  if (!may) {
    n.refusal = Text(ctx, "moderation.not_yours", {{"id", id}});
    return n;
  }
  if (h->sender == ctx.msg.from_user) {
    n.refusal = Text(ctx, "moderation.own_item", {{"id", id}});
    return n;
  }
  if (h->status != "held") {
    n.refusal =
        Text(ctx, "moderation.decided",
             {{"id", id}, {"status", ctx.templates.Render("moderation.status." + h->status)}});
    return n;
  }
  n.rest = TrimPunct(RawTail(ctx, a.rest));
  n.item = std::move(h);
  return n;
}

}  // namespace

std::optional<ModerationHit> MatchCategories(const CompiledCategories& compiled,
                                             std::string_view normalized) {
  if (!compiled.any_) return std::nullopt;
  std::vector<int> matched;
  if (!compiled.set_.Match(re2::StringPiece(normalized.data(), normalized.size()), &matched)) {
    return std::nullopt;
  }
  if (matched.empty()) return std::nullopt;
  return compiled.hits_[static_cast<size_t>(*std::min_element(matched.begin(), matched.end()))];
}

std::shared_ptr<const CompiledCategories> CompileCategories(
    const std::vector<storage::ModerationCategory>& categories) {
  auto out = std::make_shared<CompiledCategories>();
  for (const auto& c : categories) {
    if (!c.enabled) continue;
    const ModerationHit hit{c.code, c.title};
    auto add = [&](const std::string& pattern) {
      std::string error;
      if (out->set_.Add(pattern, &error) >= 0) out->hits_.push_back(hit);
    };
    for (const std::string& k : Lines(c.keywords)) {
      const std::string n = Normalize(k);
      if (!n.empty()) add(RE2::QuoteMeta(n));
    }
    for (const std::string& p : Lines(c.patterns)) {
      // A stored pattern RE2 refuses (saved by hand in the file) never fires.
      RE2 check(p, CompiledCategories::Options());
      if (check.ok()) add(p);
    }
  }
  out->any_ = !out->hits_.empty() && out->set_.Compile();
  return out;
}

bool HasContactSignal(std::string_view normalized) {
  // Mainland mobile numbers (11 digits, maybe split by spaces or dashes), and links.
  static const RE2 kContact(
      R"((^|[^0-9])1[3-9][0-9](\s|-)?[0-9]{4}(\s|-)?[0-9]{4}($|[^0-9])|https?://|www\.|)"
      R"([a-z0-9-]+\.(com|cn|net|top|xyz|cc|vip)($|[^a-z]))",
      CompiledCategories::Options());
  return RE2::PartialMatch(re2::StringPiece(normalized.data(), normalized.size()), kContact);
}

Result<std::shared_ptr<const CompiledCategories>> ModerationCache::Current(storage::Tx& tx) const {
  GEBI_ASSIGN_OR_RETURN(int64_t version, storage::ModerationVersion(tx));
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (compiled_ && version_ == version) return compiled_;
  }
  GEBI_ASSIGN_OR_RETURN(auto categories, storage::ListModerationCategories(tx));
  auto compiled = CompileCategories(categories);
  std::lock_guard<std::mutex> lock(mu_);
  version_ = version;
  compiled_ = compiled;
  return compiled;
}

Result<std::string> DisplayName(storage::Tx& tx, const std::string& who) {
  if (IsAdmin(who)) return "管理员 " + who.substr(6);
  GEBI_ASSIGN_OR_RETURN(std::string name, PersonName(tx, who));
  return name.empty() ? UnnamedLabel(who) : name;
}

std::string RelayKindLabel(const Templates& texts, std::string_view kind) {
  const std::string key = "moderation.kind." + std::string(kind);
  return texts.Has(key) ? texts.Render(key) : std::string(kind);
}

json PendingPush(const std::string& to, std::string_view kind, const std::string& text, json extra,
                 const std::string& dedup_key) {
  return json{{"to", to},
              {"kind", std::string(kind)},
              {"text", text},
              {"extra", std::move(extra)},
              {"dedup", dedup_key}};
}

Result<Delivered> DeliverPushes(storage::Tx& tx, const Templates&, const json& payload,
                                int64_t now) {
  Delivered d;
  d.id = payload.value("id", int64_t{0});
  for (const auto& p : payload.value("pushes", json::array())) {
    if (!p.is_object()) continue;
    GEBI_RETURN_IF_ERROR(QueuePushIn(tx, now, p.value("to", ""), p.value("kind", "relay"),
                                     p.value("text", ""), p.value("extra", json::object()),
                                     p.value("dedup", "")));
    ++d.count;
  }
  return d;
}

Result<std::optional<std::string>> MutedReply(storage::Tx& tx, const Templates& texts,
                                              const std::string& sender,
                                              const std::vector<int64_t>& circle_ids, int64_t now) {
  std::vector<int64_t> scopes = circle_ids;
  if (scopes.empty()) scopes.push_back(0);
  for (int64_t circle : scopes) {
    GEBI_ASSIGN_OR_RETURN(auto until, storage::MutedUntil(tx, sender, circle, now));
    if (until) {
      return std::optional<std::string>(
          texts.Render("moderation.muted", {{"until", DateText(*until)}}));
    }
  }
  return std::optional<std::string>();
}

Relay RelayFrom(const Context& ctx, std::string kind, std::vector<int64_t> circle_ids,
                std::optional<int64_t> community_id, std::string text) {
  Relay r;
  r.kind = std::move(kind);
  r.sender = ctx.msg.from_user;
  r.circle_ids = std::move(circle_ids);
  r.community_id = community_id;
  r.grid_id = ctx.grid_id;
  r.text = std::move(text);
  return r;
}

Result<Screened> ScreenRelay(storage::Tx& tx, const Templates& texts,
                             const HandlerSettings& settings, const Relay& r, int64_t now) {
  Screened out;
  const int64_t first_circle = r.circle_ids.empty() ? 0 : r.circle_ids.front();
  // Muted in any of the circles (or, without one, at the community level): refused.
  GEBI_ASSIGN_OR_RETURN(auto muted, MutedReply(tx, texts, r.sender, r.circle_ids, now));
  if (muted) {
    out.verdict = Screened::Verdict::kMuted;
    out.reply = *muted;
    return out;
  }
  const std::string normalized = Normalize(r.text);
  std::shared_ptr<const CompiledCategories> compiled;
  if (settings.moderation_cache) {
    GEBI_ASSIGN_OR_RETURN(compiled, settings.moderation_cache->Current(tx));
  } else {
    GEBI_ASSIGN_OR_RETURN(auto categories, storage::ListModerationCategories(tx));
    compiled = CompileCategories(categories);
  }
  std::optional<ModerationHit> hit = MatchCategories(*compiled, normalized);
  // The advertiser signal: a phone number or link from a plain member who joined the circle
  // less than new_member_days ago. The circle's owner and managers answer for it, and
  // relays without a circle (a repair, a parking report) are the resident's own business: a
  // phone number there is how a volunteer reaches them.
  if (!hit && first_circle > 0 && settings.moderation.new_member_days > 0 &&
      HasContactSignal(normalized)) {
    std::optional<int64_t> joined;
    GEBI_ASSIGN_OR_RETURN(auto role, storage::MemberRole(tx, first_circle, r.sender));
    if (role && *role == "member") {
      GEBI_ASSIGN_OR_RETURN(joined, storage::CircleJoinedAt(tx, first_circle, r.sender));
    }
    if (joined && now - *joined < int64_t{settings.moderation.new_member_days} * 86400) {
      hit = ModerationHit{"new_member", std::string(kNewMemberRule)};
    }
  }
  if (!hit) return out;

  storage::HeldItem h;
  h.kind = r.kind;
  h.sender = r.sender;
  h.circle_id = first_circle;
  h.community_id = r.community_id;
  h.rule = hit->title;
  h.text = r.text;
  json payload = r.payload;
  payload["circle_ids"] = r.circle_ids;
  h.payload = payload.dump();
  GEBI_ASSIGN_OR_RETURN(h.id, storage::InsertHeldItem(tx, h, now));
  const std::string id = std::to_string(h.id);
  std::string circle = texts.Render("moderation.no_circle");
  if (first_circle > 0) {
    GEBI_ASSIGN_OR_RETURN(auto c, storage::GetCircleInfo(tx, first_circle));
    if (c) circle = "「" + c->name + "」";
  }
  GEBI_ASSIGN_OR_RETURN(std::string name, DisplayName(tx, r.sender));
  const std::string push =
      texts.Render("push.moderation_held", {{"id", id},
                                            {"name", name},
                                            {"circle", circle},
                                            {"kind", RelayKindLabel(texts, r.kind)},
                                            {"rule", h.rule},
                                            {"text", Excerpt(r.text, kExcerptChars)}});
  GEBI_ASSIGN_OR_RETURN(auto moderators, Moderators(tx, h, r.grid_id));
  for (const auto& to : moderators) {
    GEBI_RETURN_IF_ERROR(QueuePushIn(tx, now, to, "moderation_held", push, json{{"held_id", h.id}},
                                     fmt::format("moderation_held:{}:{}", h.id, to)));
  }
  GEBI_RETURN_IF_ERROR(
      AuditAct(tx, r.sender, r.community_id, "moderation.hold", fmt::format("held:{}", h.id),
               json{{"rule", h.rule}, {"kind", h.kind}, {"decision", "held"}}, now));
  if (IsAdmin(r.sender)) {
    storage::AuditEntry e;
    e.account_name = r.sender.substr(6);
    e.community_id = r.community_id;
    e.action = "moderation.hold";
    e.object = fmt::format("held:{}", h.id);
    e.after = json{{"rule", h.rule}, {"kind", h.kind}, {"decision", "held"}}.dump();
    e.created_at = now;
    GEBI_RETURN_IF_ERROR(storage::AppendAudit(tx, e).status());
  }
  out.verdict = Screened::Verdict::kHeld;
  out.held_id = h.id;
  out.rule = h.rule;
  out.reply = texts.Render("moderation.held", {{"id", id}, {"rule", h.rule}});
  return out;
}

Result<bool> MayModerate(storage::Tx& tx, const std::string& openid, const storage::HeldItem& h) {
  if (h.circle_id > 0) {
    GEBI_ASSIGN_OR_RETURN(auto c, storage::GetCircleInfo(tx, h.circle_id));
    if (c) return MayRunCircle(tx, openid, *c);
  }
  if (!h.community_id) return false;
  return storage::CanManage(tx, openid, *h.community_id);
}

Result<Delivered> ReleaseHeld(storage::Tx& tx, const Templates& texts, const storage::HeldItem& h,
                              const std::string& by, int64_t now) {
  const RelayKind* kind = FindKind(h.kind);
  if (kind == nullptr)
    return Status::InvalidArgument(fmt::format("kind: 不认识的内容类型 {}", h.kind));
  GEBI_ASSIGN_OR_RETURN(bool decided, storage::DecideHeldItem(tx, h.id, "released", by, now));
  if (!decided) return Status::FailedPrecondition(fmt::format("第 {} 号已经处理过了", h.id));
  json payload = json::parse(h.payload, nullptr, /*allow_exceptions=*/false);
  if (payload.is_discarded()) return Status::Corruption(fmt::format("held:{} payload", h.id));
  GEBI_ASSIGN_OR_RETURN(Delivered d, kind->deliver(tx, texts, payload, now));
  if (!IsAdmin(h.sender)) {
    GEBI_RETURN_IF_ERROR(QueuePushIn(
        tx, now, h.sender, "moderation_released",
        texts.Render("push.moderation_released",
                     {{"id", std::to_string(h.id)}, {"kind", RelayKindLabel(texts, h.kind)}}),
        json{{"held_id", h.id}}, fmt::format("moderation_released:{}", h.id)));
  }
  GEBI_RETURN_IF_ERROR(AuditAct(tx, by, h.community_id, "moderation.release",
                                fmt::format("held:{}", h.id),
                                json{{"rule", h.rule}, {"decision", "released"}}, now));
  return d;
}

Result<RejectOutcome> RejectHeld(storage::Tx& tx, const Templates& texts,
                                 const HandlerSettings& settings, const storage::HeldItem& h,
                                 const std::string& reason, const std::string& by, int64_t now) {
  GEBI_ASSIGN_OR_RETURN(bool decided, storage::DecideHeldItem(tx, h.id, "rejected", by, now));
  if (!decided) return Status::FailedPrecondition(fmt::format("第 {} 号已经处理过了", h.id));
  if (const RelayKind* k = FindKind(h.kind); k != nullptr && k->rejected != nullptr) {
    GEBI_RETURN_IF_ERROR(k->rejected(tx, json::parse(h.payload, nullptr, false)));
  }
  RejectOutcome out;
  const auto& m = settings.moderation;
  if (!IsAdmin(h.sender)) {
    GEBI_ASSIGN_OR_RETURN(int64_t before, storage::ActiveStrikes(tx, h.sender, h.circle_id));
    out.strikes = before + 1;
    storage::Strike s;
    s.openid = h.sender;
    s.circle_id = h.circle_id;
    s.community_id = h.community_id;
    s.held_id = h.id;
    s.rule = h.rule;
    if (m.mute_after_strikes > 0 && out.strikes >= m.mute_after_strikes) {
      out.muted_until = now + int64_t{m.mute_days} * 86400;
      s.muted_until = out.muted_until;
    }
    out.suggest_removal = m.remove_after_strikes > 0 && out.strikes >= m.remove_after_strikes;
    GEBI_RETURN_IF_ERROR(storage::InsertStrike(tx, s, now).status());
    const std::string note = out.muted_until ? texts.Render("push.moderation_muted_note",
                                                            {{"until", DateText(*out.muted_until)}})
                                             : texts.Render("push.moderation_warn_note");
    GEBI_RETURN_IF_ERROR(QueuePushIn(
        tx, now, h.sender, "moderation_rejected",
        texts.Render("push.moderation_rejected", {{"id", std::to_string(h.id)},
                                                  {"rule", h.rule},
                                                  {"reason", reason.empty() ? "" : "，" + reason},
                                                  {"note", note}}),
        json{{"held_id", h.id}}, fmt::format("moderation_rejected:{}", h.id)));
  }
  GEBI_RETURN_IF_ERROR(AuditAct(
      tx, by, h.community_id, "moderation.reject", fmt::format("held:{}", h.id),
      json{
          {"rule", h.rule}, {"decision", "rejected"}, {"reason", reason}, {"strikes", out.strikes}},
      now));
  return out;
}

Result<Reply> HandleRelease(Context& ctx) {
  GEBI_ASSIGN_OR_RETURN(Numbered n, HeldFor(ctx, "moderation.release_usage"));
  if (n.refusal) return *n.refusal;
  GEBI_ASSIGN_OR_RETURN(Delivered d,
                        ReleaseHeld(ctx.tx, ctx.templates, *n.item, ctx.msg.from_user, ctx.now));
  return Text(ctx, "moderation.released",
              {{"id", std::to_string(n.item->id)}, {"count", std::to_string(d.count)}});
}

Result<Reply> HandleRejectHeld(Context& ctx) {
  GEBI_ASSIGN_OR_RETURN(Numbered n, HeldFor(ctx, "moderation.reject_usage"));
  if (n.refusal) return *n.refusal;
  if (Utf8Chars(n.rest) > kMaxReasonChars) {
    return Text(ctx, "moderation.reason_too_long", {{"max", std::to_string(kMaxReasonChars)}});
  }
  GEBI_ASSIGN_OR_RETURN(RejectOutcome o, RejectHeld(ctx.tx, ctx.templates, ctx.settings, *n.item,
                                                    n.rest, ctx.msg.from_user, ctx.now));
  GEBI_ASSIGN_OR_RETURN(std::string name, DisplayName(ctx.tx, n.item->sender));
  std::string note;
  if (o.muted_until) {
    note = ctx.templates.Render("moderation.note_muted",
                                {{"days", std::to_string(ctx.settings.moderation.mute_days)}});
  }
  if (o.suggest_removal) {
    note += ctx.templates.Render("moderation.note_remove", {{"name", name}});
  }
  return Text(ctx, "moderation.rejected",
              {{"id", std::to_string(n.item->id)},
               {"name", name},
               {"strikes", std::to_string(o.strikes)},
               {"note", note}});
}

Result<Reply> HandleRemoveMember(Context& ctx) {
  // 踢出 [圈子] 名字 原因
  auto [first, rest] = SplitFirstWord(ctx.args);
  if (first.empty()) return Text(ctx, "moderation.remove_usage");
  std::vector<storage::CircleInfo> circles;
  std::string name = first;
  std::string reason_part = rest;
  GEBI_ASSIGN_OR_RETURN(auto named, storage::CircleByName(ctx.tx, first));
  if (named && !rest.empty()) {
    auto [who, why] = SplitFirstWord(rest);
    name = who;
    reason_part = why;
    GEBI_ASSIGN_OR_RETURN(bool may, MayRunCircle(ctx.tx, ctx.msg.from_user, *named));
    if (!may) return Text(ctx, "circle.not_manager", {{"circle", named->name}});
    circles.push_back(*named);
  } else {
    GEBI_ASSIGN_OR_RETURN(circles, CirclesRunBy(ctx.tx, ctx.msg.from_user));
  }
  const std::string reason = TrimPunct(RawTail(ctx, reason_part));
  if (reason.empty()) return Text(ctx, "moderation.remove_need_reason");
  if (Utf8Chars(reason) > kMaxReasonChars || Utf8Chars(name) > 20) {
    return Text(ctx, "moderation.reason_too_long", {{"max", std::to_string(kMaxReasonChars)}});
  }
  // The circles where someone is known by that name.
  std::vector<std::pair<storage::CircleInfo, std::string>> found;
  for (const auto& c : circles) {
    if (c.kind == "grid") continue;  // grid circles follow grid membership
    GEBI_ASSIGN_OR_RETURN(auto people, storage::CircleMembersNamed(ctx.tx, c.id, name));
    for (const auto& p : people) found.emplace_back(c, p);
  }
  if (found.empty()) return Text(ctx, "moderation.remove_no_member", {{"name", name}});
  if (found.size() > 1) {
    std::string list;
    for (const auto& [c, p] : found) list += (list.empty() ? "" : "、") + c.name;
    return Text(ctx, "moderation.remove_many", {{"name", name}, {"circles", list}});
  }
  const auto& [circle, openid] = found.front();
  if (openid == ctx.msg.from_user || openid == circle.owner) {
    return Text(ctx, "moderation.remove_owner");
  }
  storage::Removal r;
  r.circle_id = circle.id;
  GEBI_ASSIGN_OR_RETURN(r.community_id, CircleCommunity(ctx.tx, circle));
  r.openid = openid;
  r.name = name;
  r.reason = reason;
  r.proposed_by = ctx.msg.from_user;
  auto inserted = storage::InsertRemoval(ctx.tx, r, ctx.now);
  if (!inserted.ok() && inserted.status().code() == Status::Code::kAlreadyExists) {
    return Text(ctx, "moderation.remove_already", {{"name", name}});
  }
  GEBI_ASSIGN_OR_RETURN(r.id, std::move(inserted));
  const std::string id = std::to_string(r.id);
  GEBI_ASSIGN_OR_RETURN(std::string by, DisplayName(ctx.tx, ctx.msg.from_user));
  std::vector<std::string> workers;
  if (circle.unit_id) {
    // The grid worker of the grid the circle belongs to (a building circle's grid).
    GEBI_ASSIGN_OR_RETURN(auto grid, storage::AncestorOfKind(ctx.tx, *circle.unit_id, "grid"));
    if (grid) {
      GEBI_ASSIGN_OR_RETURN(workers, storage::HoldersOf(ctx.tx, grid->id, "grid_worker"));
    }
  }
  workers.erase(std::remove(workers.begin(), workers.end(), ctx.msg.from_user), workers.end());
  if (workers.empty()) {
    GEBI_ASSIGN_OR_RETURN(workers, StaffOf(ctx.tx, r.community_id, ctx.grid_id));
  }
  const std::string push = ctx.templates.Render(
      "push.moderation_removal",
      {{"id", id}, {"name", name}, {"circle", circle.name}, {"reason", reason}, {"by", by}});
  for (const auto& w : workers) {
    if (w == ctx.msg.from_user) continue;
    GEBI_RETURN_IF_ERROR(QueuePush(ctx, w, "moderation_removal", push, json{{"removal_id", r.id}},
                                   fmt::format("moderation_removal:{}:{}", r.id, w)));
  }
  GEBI_RETURN_IF_ERROR(AuditAct(
      ctx.tx, ctx.msg.from_user, r.community_id, "moderation.propose_removal",
      fmt::format("removal:{}", r.id),
      json{{"circle", circle.name}, {"member", name}, {"reason", reason}, {"decision", "proposed"}},
      ctx.now));
  return Text(ctx, "moderation.remove_proposed",
              {{"id", id}, {"name", name}, {"circle", circle.name}});
}

Result<bool> ConfirmRemovalNow(storage::Tx& tx, const Templates& texts, const storage::Removal& r,
                               const std::string& by, int64_t now) {
  GEBI_ASSIGN_OR_RETURN(bool confirmed, storage::ConfirmRemoval(tx, r.id, by, now));
  if (!confirmed) return false;
  GEBI_ASSIGN_OR_RETURN(auto circle, storage::GetCircleInfo(tx, r.circle_id));
  const std::string circle_name = circle ? circle->name : "";
  GEBI_ASSIGN_OR_RETURN(std::string name, DisplayName(tx, r.openid));
  GEBI_RETURN_IF_ERROR(storage::RemoveMember(tx, r.circle_id, r.openid).status());
  const std::string id = std::to_string(r.id);
  GEBI_RETURN_IF_ERROR(QueuePushIn(
      tx, now, r.openid, "moderation_removed",
      texts.Render("push.moderation_removed", {{"circle", circle_name}, {"reason", r.reason}}),
      json{{"removal_id", r.id}}, fmt::format("moderation_removed:{}", r.id)));
  GEBI_RETURN_IF_ERROR(
      QueuePushIn(tx, now, r.proposed_by, "moderation_removal_done",
                  texts.Render("push.moderation_removal_done",
                               {{"id", id}, {"name", name}, {"circle", circle_name}}),
                  json{{"removal_id", r.id}}, fmt::format("moderation_removal_done:{}", r.id)));
  GEBI_RETURN_IF_ERROR(AuditAct(
      tx, by, r.community_id, "moderation.confirm_removal", fmt::format("removal:{}", r.id),
      json{
          {"circle", circle_name}, {"member", name}, {"reason", r.reason}, {"decision", "removed"}},
      now));
  return true;
}

Result<Reply> HandleConfirmRemoval(Context& ctx) {
  NumberArgs a = ParseNumberAndRest(ctx.args);
  if (a.number <= 0) return Text(ctx, "moderation.confirm_usage");
  const std::string id = std::to_string(a.number);
  GEBI_ASSIGN_OR_RETURN(auto r, storage::GetRemoval(ctx.tx, a.number));
  if (!r) return Text(ctx, "moderation.removal_unknown", {{"id", id}});
  GEBI_ASSIGN_OR_RETURN(auto circle, storage::GetCircleInfo(ctx.tx, r->circle_id));
  bool may = false;
  if (circle && circle->unit_id) {
    GEBI_ASSIGN_OR_RETURN(may, storage::CanManage(ctx.tx, ctx.msg.from_user, *circle->unit_id));
  }
  if (!may && r->community_id) {
    GEBI_ASSIGN_OR_RETURN(may, storage::CanManage(ctx.tx, ctx.msg.from_user, *r->community_id));
  }
  if (!may || r->proposed_by == ctx.msg.from_user) {
    return Text(ctx, "moderation.removal_not_yours", {{"id", id}});
  }
  if (r->status != "proposed") return Text(ctx, "moderation.removal_done_before", {{"id", id}});
  // Named before the removal: the name given in the circle goes with the membership.
  GEBI_ASSIGN_OR_RETURN(std::string name, DisplayName(ctx.tx, r->openid));
  GEBI_ASSIGN_OR_RETURN(bool done,
                        ConfirmRemovalNow(ctx.tx, ctx.templates, *r, ctx.msg.from_user, ctx.now));
  if (!done) return Text(ctx, "moderation.removal_done_before", {{"id", id}});
  return Text(ctx, "moderation.removal_confirmed",
              {{"id", id}, {"name", name}, {"circle", circle ? circle->name : ""}});
}

Result<Reply> HandleAppeal(Context& ctx) {
  const std::string& me = ctx.msg.from_user;
  NumberArgs a = ParseNumberAndRest(ctx.args);
  storage::Appeal ap;
  ap.openid = me;
  std::string what;
  std::string removed_as;
  std::string reason_part = a.number > 0 ? a.rest : ctx.args;
  if (a.number > 0) {
    const std::string id = std::to_string(a.number);
    GEBI_ASSIGN_OR_RETURN(auto h, storage::GetHeldItem(ctx.tx, a.number));
    if (!h || h->sender != me) return Text(ctx, "moderation.appeal_not_yours", {{"id", id}});
    ap.held_id = h->id;
    ap.community_id = h->community_id;
    what = ctx.templates.Render("moderation.appeal_what_held", {{"id", id}, {"rule", h->rule}});
  } else {
    GEBI_ASSIGN_OR_RETURN(auto removal, storage::LatestRemovalOf(ctx.tx, me));
    GEBI_ASSIGN_OR_RETURN(auto held, storage::LatestHeldOf(ctx.tx, me));
    if (removal && (!held || removal->created_at >= held->created_at)) {
      ap.removal_id = removal->id;
      ap.community_id = removal->community_id;
      removed_as = removal->name;
      GEBI_ASSIGN_OR_RETURN(auto c, storage::GetCircleInfo(ctx.tx, removal->circle_id));
      what = ctx.templates.Render("moderation.appeal_what_removal", {{"circle", c ? c->name : ""}});
    } else if (held) {
      ap.held_id = held->id;
      ap.community_id = held->community_id;
      what = ctx.templates.Render("moderation.appeal_what_held",
                                  {{"id", std::to_string(held->id)}, {"rule", held->rule}});
    } else {
      return Text(ctx, "moderation.appeal_none");
    }
  }
  ap.reason = TrimPunct(RawTail(ctx, reason_part));
  if (Utf8Chars(ap.reason) > kMaxReasonChars) {
    return Text(ctx, "moderation.reason_too_long", {{"max", std::to_string(kMaxReasonChars)}});
  }
  GEBI_ASSIGN_OR_RETURN(bool open, storage::HasOpenAppeal(ctx.tx, me, ap.held_id, ap.removal_id));
  if (open) return Text(ctx, "moderation.appeal_already");
  GEBI_ASSIGN_OR_RETURN(ap.id, storage::InsertAppeal(ctx.tx, ap, ctx.now));
  GEBI_ASSIGN_OR_RETURN(std::string name, DisplayName(ctx.tx, me));
  if (!removed_as.empty()) name = removed_as;  // no longer known by the circle's name
  GEBI_ASSIGN_OR_RETURN(auto staff, StaffOf(ctx.tx, ap.community_id, ctx.grid_id));
  const std::string push = ctx.templates.Render(
      "push.moderation_appeal",
      {{"name", name}, {"what", what}, {"reason", ap.reason.empty() ? "（没写理由）" : ap.reason}});
  for (const auto& to : staff) {
    if (to == me) continue;
    GEBI_RETURN_IF_ERROR(QueuePush(ctx, to, "moderation_appeal", push, json{{"appeal_id", ap.id}},
                                   fmt::format("moderation_appeal:{}:{}", ap.id, to)));
  }
  GEBI_RETURN_IF_ERROR(
      AuditAct(ctx.tx, me, ap.community_id, "moderation.appeal", fmt::format("appeal:{}", ap.id),
               json{{"what", what}, {"reason", ap.reason}, {"decision", "appealed"}}, ctx.now));
  return Text(ctx, "moderation.appeal_ok");
}

}  // namespace gebi::handlers
