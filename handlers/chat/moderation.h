// Moderation under the circle convention (S10). Everything the bot relays to other people
// passes ScreenRelay first: a muted sender is refused; words of an enabled category (keywords
// and RE2 patterns, linear in the text), or a phone number / link from someone who joined less
// than new_member_days ago, HOLD the relay as held item N (not delivered) and push the
// circle's managers (no circle: the community's staff), who answer 放行 N (the relay is then
// delivered exactly as it would have been, through its kind's row in the relay table) or
// 驳回 N (a strike; enough strikes mute the sender in that circle). 踢出 <成员> <原因> is a
// manager's removal proposal, confirmed by the grid worker (确认踢出 N); 申诉 [N] reaches the
// staff. Every act is written to admin_audit. Stateless apart from the compiled-category cache
// (ModerationCache: thread-safe, swapped under a mutex); handlers are thread-safe.
//
// Adding a relay kind: write `Result<Delivered> DeliverX(storage::Tx&, const Templates&,
// const nlohmann::json& payload, int64_t now)` that performs the relay from the payload alone,
// add one row {kind, template key of its label, DeliverX} to kRelayKinds in moderation.cc and a
// "moderation.kind.<kind>" text, then at the relay site build a Relay with that kind and the
// payload and call ScreenRelay before delivering (deliver only on kPass).
#pragma once

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "handlers/context.h"
#include "storage/moderation_store.h"

namespace gebi::handlers {

// Limits on what the console may store in a category (checked there; the compiler skips
// anything beyond them as well).
constexpr size_t kMaxModerationLines = 50;          // keywords, or patterns, per category
constexpr size_t kMaxModerationPatternBytes = 200;  // one keyword or pattern
// The advertiser signal's rule name.
constexpr std::string_view kNewMemberRule = "新成员发联系方式";

// The enabled categories compiled into one RE2::Set (keywords quoted): one linear pass over a
// text finds the first category (by id) that matches.
class CompiledCategories;
struct ModerationHit {
  std::string code;   // category code, or "new_member"
  std::string title;  // what the sender and the managers are told
};
// nullopt when no enabled category matches normalized text.
std::optional<ModerationHit> MatchCategories(const CompiledCategories& compiled,
                                             std::string_view normalized);
std::shared_ptr<const CompiledCategories> CompileCategories(
    const std::vector<storage::ModerationCategory>& categories);
// True when normalized text carries a phone number or a link (the advertiser signal).
bool HasContactSignal(std::string_view normalized);

// The compiled categories of meta.moderation_version, recompiled only when it moved.
class ModerationCache {
 public:
  Result<std::shared_ptr<const CompiledCategories>> Current(storage::Tx& tx) const;

 private:
  mutable std::mutex mu_;
  mutable int64_t version_ = -1;                                // guarded by mu_
  mutable std::shared_ptr<const CompiledCategories> compiled_;  // guarded by mu_
};

// One relay about to go out.
struct Relay {
  std::string kind;    // a row of the relay table: notice, recruit, suggestion_answer, ...
  std::string sender;  // openid, or "admin:<name>" for a console answer
  std::vector<int64_t> circle_ids;  // the circles it goes to (none: community-level)
  std::optional<int64_t> community_id;
  std::optional<int64_t> grid_id;  // the sender's grid (whom to push without staff)
  std::string text;                // the sender's words, as written
  nlohmann::json payload;          // what the kind's Deliver needs later
};

// A relay from ctx's sender (their grid decides whom to push without staff); payload is left
// for the caller.
Relay RelayFrom(const Context& ctx, std::string kind, std::vector<int64_t> circle_ids,
                std::optional<int64_t> community_id, std::string text);

struct Screened {
  enum class Verdict { kPass, kHeld, kMuted } verdict = Verdict::kPass;
  int64_t held_id = 0;
  std::string rule;
  std::string reply;  // for kHeld / kMuted: what to tell the sender (one next step)
};

// Screens r: mute first, then the categories, then the new-member signal. kHeld stores the
// held item, pushes its moderators and audits, all in tx. settings.moderation_cache may be
// null (then the categories are compiled for this call).
Result<Screened> ScreenRelay(storage::Tx& tx, const Templates& texts,
                             const HandlerSettings& settings, const Relay& r, int64_t now);

// The refusal for sender muted in any of circle_ids (none: at the community level), else
// nullopt. ScreenRelay checks the same; a relay that stores a record first (a parking report)
// or asks a question first (通知) asks this before, so a refusal changes nothing.
Result<std::optional<std::string>> MutedReply(storage::Tx& tx, const Templates& texts,
                                              const std::string& sender,
                                              const std::vector<int64_t>& circle_ids, int64_t now);

// What a delivered relay did: its own number (notice N, recruitment N ...) and how many people
// it reached.
struct Delivered {
  int64_t id = 0;
  int64_t count = 0;
};
// Delivers the relay of payload {"pushes": [{to, kind, text, extra, dedup}]} (the repair and
// parking relays: their record exists already, only the pushes wait).
Result<Delivered> DeliverPushes(storage::Tx& tx, const Templates& texts,
                                const nlohmann::json& payload, int64_t now);
// One push of a "pushes" payload.
nlohmann::json PendingPush(const std::string& to, std::string_view kind, const std::string& text,
                           nlohmann::json extra, const std::string& dedup_key);

// Who decides item h: true for the circle's managers (MayRunCircle), or for a circle-less
// item, staff over its community.
Result<bool> MayModerate(storage::Tx& tx, const std::string& openid, const storage::HeldItem& h);

// The shared cores of 放行 / 驳回 (chat and console). by: openid or "admin:<name>".
// ReleaseHeld delivers the payload through the kind's row, marks it released, tells the
// sender. FailedPrecondition when it is decided already; InvalidArgument for an unknown kind.
Result<Delivered> ReleaseHeld(storage::Tx& tx, const Templates& texts, const storage::HeldItem& h,
                              const std::string& by, int64_t now);
// RejectHeld marks it rejected, records a strike (muting the sender in that circle when the
// active strikes reach settings.moderation.mute_after_strikes) and tells the sender.
struct RejectOutcome {
  int64_t strikes = 0;  // the sender's active strikes in that circle, this one included
  std::optional<int64_t> muted_until;
  bool suggest_removal = false;  // strikes reached remove_after_strikes
};
Result<RejectOutcome> RejectHeld(storage::Tx& tx, const Templates& texts,
                                 const HandlerSettings& settings, const storage::HeldItem& h,
                                 const std::string& reason, const std::string& by, int64_t now);

// The label of a relay kind ("圈子通知"); the kind itself when unknown.
std::string RelayKindLabel(const Templates& texts, std::string_view kind);
// How a person is shown to managers: their name, "管理员 <name>" for admin:<name>, else
// "未留名居民". Never the openid.
Result<std::string> DisplayName(storage::Tx& tx, const std::string& who);

Result<Reply> HandleRelease(Context& ctx);         // 放行 N
Result<Reply> HandleRejectHeld(Context& ctx);      // 驳回 N [原因]
Result<Reply> HandleRemoveMember(Context& ctx);    // 踢出 [圈子] 成员 原因
Result<Reply> HandleConfirmRemoval(Context& ctx);  // 确认踢出 N
Result<Reply> HandleAppeal(Context& ctx);          // 申诉 [N] [理由]

// The shared core of 确认踢出 (chat and console): confirms proposal r, removes the member,
// tells both sides. False when it was confirmed already.
Result<bool> ConfirmRemovalNow(storage::Tx& tx, const Templates& texts, const storage::Removal& r,
                               const std::string& by, int64_t now);

}  // namespace gebi::handlers
