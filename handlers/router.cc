#include "handlers/router.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "handlers/normalize.h"

namespace gebi::handlers {

namespace {

constexpr uint32_t kNoNode = UINT32_MAX;

// A byte trie over the patterns of one match kind; each node that ends a pattern holds the
// rules with that pattern, in rule order. Walked from the root along a text, it meets every
// pattern that is a prefix of the text (prefix rules). After Link() it is also an Aho–Corasick
// automaton: one pass over a text meets every pattern that occurs in it (contains rules).
// Bytes, not characters, so it agrees with byte comparison on any input, valid UTF-8 or not.
// Immutable after Link(); safe to read from many threads.
class ByteTrie {
 public:
  ByteTrie() { nodes_.emplace_back(); }

  // Adds rule index to the node that ends pattern. Call in rule order.
  void Add(std::string_view pattern, size_t rule) {
    uint32_t node = 0;
    for (char ch : pattern) {
      const auto c = static_cast<unsigned char>(ch);
      uint32_t next = Child(node, c);
      if (next == kNoNode) {
        next = static_cast<uint32_t>(nodes_.size());
        auto& kids = nodes_[node].children;
        kids.insert(std::upper_bound(kids.begin(), kids.end(), std::make_pair(c, uint32_t{0})),
                    std::make_pair(c, next));
        nodes_.emplace_back();
      }
      node = next;
    }
    nodes_[node].rules.push_back(rule);
  }

  // The node reached from node on byte c, or kNoNode.
  uint32_t Child(uint32_t node, unsigned char c) const {
    if (node == 0 && linked_) return root_[c];
    const auto& kids = nodes_[node].children;
    // Most nodes have one or two children: a scan beats a binary search there.
    for (const auto& [byte, child] : kids) {
      if (byte == c) return child;
      if (byte > c) break;
    }
    return kNoNode;
  }

  // Computes the failure and output links (breadth first, so a node's failure target is
  // always linked before it). REQUIRES: every Add() done; called once.
  void Link() {
    root_.fill(kNoNode);
    for (const auto& [c, child] : nodes_[0].children) root_[c] = child;
    linked_ = true;
    std::vector<uint32_t> queue;
    for (const auto& [c, child] : nodes_[0].children) queue.push_back(child);
    for (size_t head = 0; head < queue.size(); ++head) {
      const uint32_t u = queue[head];
      for (const auto& [c, v] : nodes_[u].children) {
        uint32_t f = nodes_[u].fail;
        uint32_t target = Child(f, c);
        while (target == kNoNode && f != 0) {
          f = nodes_[f].fail;
          target = Child(f, c);
        }
        Node& node = nodes_[v];
        node.fail = target == kNoNode ? 0 : target;
        const Node& fail = nodes_[node.fail];
        // The root ends only the empty pattern, which the caller handles on its own.
        node.output = node.fail != 0 && !fail.rules.empty() ? node.fail : fail.output;
        queue.push_back(v);
      }
    }
  }

  // Aho–Corasick step: from the state for the longest pattern start that ends the text so far,
  // to the one after byte c. Amortised O(1): every failure hop undoes an earlier step down.
  uint32_t Next(uint32_t state, unsigned char c) const {
    while (true) {
      const uint32_t child = Child(state, c);
      if (child != kNoNode) return child;
      if (state == 0) return 0;
      state = nodes_[state].fail;
    }
  }

  // The rules whose pattern ends at node (empty when none), in rule order.
  const std::vector<size_t>& Rules(uint32_t node) const { return nodes_[node].rules; }
  // The nearest node on node's failure chain (node itself excluded) that ends a non-empty
  // pattern, or kNoNode.
  uint32_t Output(uint32_t node) const { return nodes_[node].output; }
  // Whether any non-empty pattern was added.
  bool HasPatterns() const { return nodes_.size() > 1; }

 private:
  struct Node {
    std::vector<std::pair<unsigned char, uint32_t>> children;  // sorted by byte
    std::vector<size_t> rules;
    uint32_t fail = 0;
    uint32_t output = kNoNode;
  };
  std::vector<Node> nodes_;
  // The root's children as a table: after Link() most text bytes of a miss end at the root.
  std::array<uint32_t, 256> root_{};
  bool linked_ = false;
};

}  // namespace

struct Router::Snapshot {
  int64_t version = 0;
  std::vector<storage::Rule> rules;                            // enabled rules, by (priority, id)
  std::vector<std::string> patterns;                           // normalised pattern per rule
  std::unordered_map<std::string, std::vector<size_t>> exact;  // pattern -> rule indexes
  std::unordered_map<std::string, std::vector<size_t>> event;  // pattern -> rule indexes
  ByteTrie prefix;                                             // walked from the root only
  ByteTrie contains;                                           // Aho–Corasick (linked)
  struct Regex {
    size_t index;
    std::unique_ptr<const RE2> re;
  };
  std::vector<Regex> regexes;  // in rule order; only the ones RE2 compiled
};

namespace {

bool InScope(const storage::Rule& r, std::optional<int64_t> community_id) {
  return !r.community_id || (community_id && *r.community_id == *community_id);
}

bool IsAsciiWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Keeps the candidate with the lowest rule index (rules are sorted by priority, then id), and
// with a filter also the lowest one the filter accepts. The args are a view into the text,
// copied once for the winner, so offering costs no copy.
struct Best {
  struct Slot {
    size_t index = SIZE_MAX;
    const char* kind = "";
    std::string_view args;
  };
  Slot any;
  Slot usable;  // only with a filter
  const Router::Snapshot* snap = nullptr;
  const Router::RuleFilter* filter = nullptr;

  // Candidates at or past this index can change nothing.
  size_t Limit() const { return filter != nullptr ? usable.index : any.index; }
  // True when i settles the search of its list (later entries of a list rank lower).
  bool Offer(size_t i, const char* k, std::string_view a) {
    if (i < any.index) any = Slot{i, k, a};
    if (filter == nullptr) return true;
    if (i < usable.index && (*filter)(snap->rules[i])) {
      usable = Slot{i, k, a};
      return true;
    }
    return false;
  }
  const Slot& Winner() const { return usable.index != SIZE_MAX ? usable : any; }
};

// Offers the rules of list (in rule order) that are in scope, up to the first that settles it.
void OfferFirst(const std::vector<size_t>& list, const Router::Snapshot& snap,
                std::optional<int64_t> community_id, Best& best, const char* kind,
                std::string_view args) {
  for (size_t i : list) {
    if (i >= best.Limit()) return;
    if (InScope(snap.rules[i], community_id) && best.Offer(i, kind, args)) return;
  }
}

void OfferFrom(const std::unordered_map<std::string, std::vector<size_t>>& m,
               const std::string& key, const Router::Snapshot& snap,
               std::optional<int64_t> community_id, Best& best, const char* kind) {
  auto it = m.find(key);
  if (it != m.end()) OfferFirst(it->second, snap, community_id, best, kind, {});
}

std::optional<RuleMatch> Finish(const Router::Snapshot& snap, const Best& best) {
  const Best::Slot& w = best.Winner();
  if (w.index == SIZE_MAX) return std::nullopt;
  const std::string& pattern = snap.patterns[w.index];
  std::string why = std::string_view(w.kind) == "regex"
                        ? "regex /" + pattern + "/"
                        : std::string(w.kind) + " '" + pattern + "'";
  return RuleMatch{snap.rules[w.index], std::string(Trim(w.args)), std::move(why)};
}

// The regex options every compile uses (router and admin validation alike): UTF-8, so '.' and
// classes take a whole Chinese character; errors come back through ok(), never printed.
RE2::Options RegexOptions() {
  RE2::Options options;
  options.set_log_errors(false);
  return options;
}

}  // namespace

Router::Router() = default;
Router::~Router() = default;

std::shared_ptr<const Router::Snapshot> Router::Compile(const std::vector<storage::Rule>& rules,
                                                        int64_t version) {
  auto snap = std::make_shared<Snapshot>();
  snap->version = version;
  for (const storage::Rule& r : rules) {
    if (r.enabled) snap->rules.push_back(r);
  }
  std::stable_sort(snap->rules.begin(), snap->rules.end(), [](const auto& a, const auto& b) {
    return a.priority != b.priority ? a.priority < b.priority : a.id < b.id;
  });
  for (size_t i = 0; i < snap->rules.size(); ++i) {
    const storage::Rule& r = snap->rules[i];
    std::string p = r.match_kind == "regex" ? r.pattern : Normalize(r.pattern);
    if (r.match_kind == "exact") {
      snap->exact[p].push_back(i);
    } else if (r.match_kind == "prefix") {
      snap->prefix.Add(p, i);
    } else if (r.match_kind == "contains") {
      snap->contains.Add(p, i);
    } else if (r.match_kind == "event") {
      snap->event[p].push_back(i);
    } else if (r.match_kind == "regex") {
      auto re = std::make_unique<const RE2>(r.pattern, RegexOptions());
      // A pattern RE2 refuses never fires. The admin API refuses to save one, but a rule saved
      // before the switch from std::regex (a backreference, a lookahead) may still be stored.
      if (re->ok()) snap->regexes.push_back({i, std::move(re)});
    }
    snap->patterns.push_back(std::move(p));
  }
  snap->contains.Link();
  return snap;
}

std::optional<RuleMatch> Router::MatchTextIn(const Snapshot& snap, std::string_view text,
                                             std::optional<int64_t> community_id) {
  return MatchTextIn(snap, text, community_id, RuleFilter());
}

std::optional<RuleMatch> Router::MatchTextIn(const Snapshot& snap, std::string_view text,
                                             std::optional<int64_t> community_id,
                                             const RuleFilter& usable) {
  Best best;
  best.snap = &snap;
  if (usable) best.filter = &usable;
  if (!snap.exact.empty()) {
    OfferFrom(snap.exact, std::string(text), snap, community_id, best, "exact");
  }
  // prefix: one walk down the trie along the text meets every pattern that starts the text.
  // The empty pattern (depth 0) never matched and still does not.
  uint32_t node = 0;
  for (size_t len = 1; len <= text.size() && snap.prefix.HasPatterns(); ++len) {
    node = snap.prefix.Child(node, static_cast<unsigned char>(text[len - 1]));
    if (node == kNoNode) break;
    const auto& list = snap.prefix.Rules(node);
    if (list.empty()) continue;
    // The keyword must end on a UTF-8 boundary of the text...
    if (len < text.size() && (static_cast<unsigned char>(text[len]) & 0xC0) == 0x80) continue;
    // ...and an ASCII keyword at a word boundary: "help" is not a prefix of "helpful".
    if (len < text.size() && IsAsciiWordChar(text[len - 1]) && IsAsciiWordChar(text[len])) {
      continue;
    }
    OfferFirst(list, snap, community_id, best, "prefix", text.substr(len));
  }
  // contains: one Aho–Corasick pass finds every pattern that occurs in the text. A pattern's
  // output chain is walked once per call (`seen`), so a text full of repeats costs no more than
  // the distinct patterns it holds.
  OfferFirst(snap.contains.Rules(0), snap, community_id, best, "contains", {});  // empty pattern
  if (snap.contains.HasPatterns()) {
    std::unordered_set<uint32_t> seen;
    uint32_t state = 0;
    for (char ch : text) {
      state = snap.contains.Next(state, static_cast<unsigned char>(ch));
      uint32_t v =
          state != 0 && !snap.contains.Rules(state).empty() ? state : snap.contains.Output(state);
      while (v != kNoNode && seen.insert(v).second) {
        OfferFirst(snap.contains.Rules(v), snap, community_id, best, "contains", {});
        v = snap.contains.Output(v);
      }
    }
  }
  // regex: RE2 runs in time linear in the text. A pattern starting with '^' is anchored by RE2
  // itself, so it is only tried at the start of the text.
  for (const Snapshot::Regex& r : snap.regexes) {
    const size_t i = r.index;
    if (i >= best.Limit()) break;
    if (!InScope(snap.rules[i], community_id)) continue;
    // The whole match, and the first group when there is one: that group is the args,
    // otherwise the text after the match is.
    re2::StringPiece groups[2];
    const int wanted = r.re->NumberOfCapturingGroups() > 0 ? 2 : 1;
    if (r.re->Match(text, 0, text.size(), RE2::UNANCHORED, groups, wanted)) {
      std::string_view args = wanted == 2
                                  ? std::string_view(groups[1].data(), groups[1].size())
                                  : text.substr(static_cast<size_t>(groups[0].end() - text.data()));
      if (best.Offer(i, "regex", args)) break;
    }
  }
  return Finish(snap, best);
}

Result<std::shared_ptr<const Router::Snapshot>> Router::Current(storage::Tx& tx) {
  GEBI_ASSIGN_OR_RETURN(int64_t version, storage::RulesVersion(tx));
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (snapshot_ && snapshot_->version == version) return snapshot_;
  }
  GEBI_ASSIGN_OR_RETURN(std::vector<storage::Rule> rules, storage::ListRules(tx));
  auto snap = Compile(rules, version);
  // Kept once tx commits: rules read at a version a rolled-back edit gave could come again.
  tx.OnCommit([this, snap] {
    std::lock_guard<std::mutex> lock(mu_);
    if (!snapshot_ || snapshot_->version <= snap->version) snapshot_ = snap;
  });
  return snap;
}

Result<std::optional<RuleMatch>> Router::MatchText(storage::Tx& tx, std::string_view normalized,
                                                   std::optional<int64_t> community_id) {
  GEBI_ASSIGN_OR_RETURN(auto snap, Current(tx));
  return MatchTextIn(*snap, normalized, community_id);
}

std::optional<RuleMatch> Router::MatchEventIn(const Snapshot& snap, std::string_view event,
                                              std::string_view event_key,
                                              std::optional<int64_t> community_id) {
  Best best;
  std::string with_key = std::string(event) + ":" + Normalize(event_key);
  OfferFrom(snap.event, with_key, snap, community_id, best, "event");
  OfferFrom(snap.event, std::string(event), snap, community_id, best, "event");
  return Finish(snap, best);
}

Result<std::optional<RuleMatch>> Router::MatchEvent(storage::Tx& tx, std::string_view event,
                                                    std::string_view event_key,
                                                    std::optional<int64_t> community_id) {
  GEBI_ASSIGN_OR_RETURN(auto snap, Current(tx));
  return MatchEventIn(*snap, event, event_key, community_id);
}

}  // namespace gebi::handlers
