// Router: finds the keyword rule that fires for a normalised text or an event. Rules come from
// storage (rule_store.h); the compiled snapshot is rebuilt whenever meta.rules_version moves,
// so edits from the admin console or another process apply to the next message. Matching a
// text is linear in its length: exact rules by hash, prefix rules by one walk down a byte trie,
// contains rules by one Aho–Corasick pass, regex rules on RE2 (no backtracking).
// Thread-safe: the snapshot is swapped under a mutex and shared immutably.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "storage/database.h"
#include "storage/rule_store.h"

namespace gebi::handlers {

struct RuleMatch {
  storage::Rule rule;
  std::string args;  // text after the keyword (prefix), the first regex group, else empty
  std::string why;   // one line: which kind matched and on what
};

class Router {
 public:
  Router();
  ~Router();

  // The first enabled rule (by priority, then id) that matches normalized text, for a sender
  // in community_id (nullopt: only rules without a community). nullopt when none. A regex rule
  // matches anywhere unless it starts with '^' (UTF-8: '.' is one character); a stored pattern
  // RE2 refuses (a backreference or lookaround saved before RE2) never fires.
  Result<std::optional<RuleMatch>> MatchText(storage::Tx& tx, std::string_view normalized,
                                             std::optional<int64_t> community_id);
  // The first enabled event rule for an event (lower-cased name) and its key.
  Result<std::optional<RuleMatch>> MatchEvent(storage::Tx& tx, std::string_view event,
                                              std::string_view event_key,
                                              std::optional<int64_t> community_id);

  // Matches against an explicit rule list, no storage (for dry runs and benchmarks). Cost of
  // MatchTextIn: O(text length + rules whose pattern matches) for exact, prefix and contains
  // rules, whatever their number, plus one linear RE2 search per regex rule ranked before the
  // best match so far.
  struct Snapshot;
  // The compiled rules of the stored rules version: one read of the version, recompiled only
  // when it moved. Works on a read connection, so a caller can match outside the write lock.
  Result<std::shared_ptr<const Snapshot>> Current(storage::Tx& tx);
  static std::shared_ptr<const Snapshot> Compile(const std::vector<storage::Rule>& rules,
                                                 int64_t version);
  static std::optional<RuleMatch> MatchTextIn(const Snapshot& snap, std::string_view normalized,
                                              std::optional<int64_t> community_id);
  // The same, preferring rules the sender may use: the first match for which usable(rule) is
  // true, else (none usable) the first match. "提醒一下，楼道灯坏了" from a resident is their
  // repair, not the grid workers' 提醒 N; "提醒 3" alone still reaches 提醒 and its refusal.
  // One pass over the text, as above.
  using RuleFilter = std::function<bool(const storage::Rule&)>;
  static std::optional<RuleMatch> MatchTextIn(const Snapshot& snap, std::string_view normalized,
                                              std::optional<int64_t> community_id,
                                              const RuleFilter& usable);
  static std::optional<RuleMatch> MatchEventIn(const Snapshot& snap, std::string_view event,
                                               std::string_view event_key,
                                               std::optional<int64_t> community_id);

 private:
  std::mutex mu_;
  std::shared_ptr<const Snapshot> snapshot_;  // guarded by mu_
};

}  // namespace gebi::handlers
