// Moderation under the circle convention (S10): the prohibited categories (keywords and RE2
// patterns, one per line; every edit bumps meta.moderation_version), held relays (what was
// not passed on, and the payload its delivery needs later), strikes per person and circle
// (circle_id 0: a relay without a circle, counted under the community), removal proposals
// and appeals. Free functions over the caller's Tx; no state of their own.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

namespace gebi::storage {

struct ModerationCategory {
  int64_t id = 0;
  std::string code;      // advertising, rumour, ... (stable, for tests and logs)
  std::string title;     // 广告 (what the sender and the managers are told)
  std::string keywords;  // one per line, matched as normalised substrings
  std::string patterns;  // one RE2 pattern per line, matched on the normalised text
  bool enabled = true;
  int64_t updated_at = 0;
};

Result<std::vector<ModerationCategory>> ListModerationCategories(Tx& tx);
Result<std::optional<ModerationCategory>> GetModerationCategory(Tx& tx, int64_t id);
// Stores title, keywords, patterns and enabled of c.id and bumps the version. False when there
// is no such category.
Result<bool> UpdateModerationCategory(Tx& tx, const ModerationCategory& c, int64_t now);
// meta.moderation_version (0 when missing).
Result<int64_t> ModerationVersion(Tx& tx);

struct HeldItem {
  int64_t id = 0;
  std::string kind;       // the relay kind (handlers/chat/moderation.h): notice, recruit, ...
  std::string sender;     // an openid, or "admin:<name>" for a console answer
  int64_t circle_id = 0;  // 0: no circle (the community's staff decide)
  std::optional<int64_t> community_id;
  std::string rule;     // the category's title, or the advertiser signal's name
  std::string text;     // the sender's words that matched
  std::string payload;  // JSON: what the relay kind needs to deliver it
  std::string status;   // held | released | rejected
  std::string decided_by;
  int64_t created_at = 0;
  std::optional<int64_t> decided_at;
};

// Stores h (id, status, decided_* ignored) as held. Returns its id.
Result<int64_t> InsertHeldItem(Tx& tx, const HeldItem& h, int64_t now);
Result<std::optional<HeldItem>> GetHeldItem(Tx& tx, int64_t id);
// held -> status (released | rejected) by `by`. False when the item was decided already.
Result<bool> DecideHeldItem(Tx& tx, int64_t id, std::string_view status, const std::string& by,
                            int64_t now);
// Items of community (nullopt: all) with status ("" = any), newest first, at most limit.
Result<std::vector<HeldItem>> ListHeldItems(Tx& tx, std::optional<int64_t> community,
                                            std::string_view status, int limit);
// True when the relay of kind for record id (the payload's "id": a ticket, a parking report)
// is held or was rejected: whatever lists that record to the relay's audience leaves it out.
Result<bool> RelayWithheld(Tx& tx, std::string_view kind, int64_t id);
// The sender's newest item that is held or rejected, if any.
Result<std::optional<HeldItem>> LatestHeldOf(Tx& tx, const std::string& sender);

struct Strike {
  int64_t id = 0;
  std::string openid;
  int64_t circle_id = 0;
  std::optional<int64_t> community_id;
  std::optional<int64_t> held_id;
  std::string rule;
  std::string status;  // active | lifted
  std::optional<int64_t> muted_until;
  std::string lifted_by;
  int64_t created_at = 0;
};
Result<int64_t> InsertStrike(Tx& tx, const Strike& s, int64_t now);
Result<std::optional<Strike>> GetStrike(Tx& tx, int64_t id);
// Active strikes of openid in circle_id.
Result<int64_t> ActiveStrikes(Tx& tx, const std::string& openid, int64_t circle_id);
// The end of openid's mute in circle_id when it is later than now, else nullopt.
Result<std::optional<int64_t>> MutedUntil(Tx& tx, const std::string& openid, int64_t circle_id,
                                          int64_t now);
// active -> lifted (its mute ends with it). False when it was lifted already.
Result<bool> LiftStrike(Tx& tx, int64_t id, const std::string& by, int64_t now);
// Strikes of community (nullopt: all), newest first.
Result<std::vector<Strike>> ListStrikes(Tx& tx, std::optional<int64_t> community, int limit);

struct Removal {
  int64_t id = 0;
  int64_t circle_id = 0;
  std::optional<int64_t> community_id;
  std::string openid;
  std::string name;  // as the member was known in the circle (kept after the removal)
  std::string reason;
  std::string proposed_by;
  std::string status;  // proposed | confirmed
  std::string confirmed_by;
  int64_t created_at = 0;
};
// AlreadyExists when the person already has an open proposal in that circle.
Result<int64_t> InsertRemoval(Tx& tx, const Removal& r, int64_t now);
Result<std::optional<Removal>> GetRemoval(Tx& tx, int64_t id);
// proposed -> confirmed. False when it was confirmed already.
Result<bool> ConfirmRemoval(Tx& tx, int64_t id, const std::string& by, int64_t now);
Result<std::vector<Removal>> ListRemovals(Tx& tx, std::optional<int64_t> community, int limit);
// The person's newest removal (any status), if any.
Result<std::optional<Removal>> LatestRemovalOf(Tx& tx, const std::string& openid);

struct Appeal {
  int64_t id = 0;
  std::string openid;
  std::optional<int64_t> held_id;
  std::optional<int64_t> removal_id;
  std::optional<int64_t> community_id;
  std::string reason;
  std::string status;  // open | closed
  int64_t created_at = 0;
};
Result<int64_t> InsertAppeal(Tx& tx, const Appeal& a, int64_t now);
// True when openid already has an open appeal about held_id / removal_id.
Result<bool> HasOpenAppeal(Tx& tx, const std::string& openid, std::optional<int64_t> held_id,
                           std::optional<int64_t> removal_id);
// open -> closed. False when it was closed already.
Result<bool> CloseAppeal(Tx& tx, int64_t id);
Result<std::optional<Appeal>> GetAppeal(Tx& tx, int64_t id);
Result<std::vector<Appeal>> ListAppeals(Tx& tx, std::optional<int64_t> community, int limit);

// Circle lookups moderation needs: the owner and managers of a circle (sorted), when openid
// joined it (nullopt: not a member), and the members known by name (resident name or the
// name given when joining).
Result<std::vector<std::string>> CircleManagers(Tx& tx, int64_t circle_id);
Result<std::optional<int64_t>> CircleJoinedAt(Tx& tx, int64_t circle_id, const std::string& openid);
Result<std::vector<std::string>> CircleMembersNamed(Tx& tx, int64_t circle_id,
                                                    const std::string& name);

}  // namespace gebi::storage
