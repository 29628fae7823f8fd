#include "handlers/router.h"

#include <re2/re2.h>

#include <algorithm>
#include <unordered_map>
#include <vector>

#include "handlers/normalize.h"

namespace gebi::handlers {

struct Router::Snapshot {
  int64_t version = 0;
  std::vector<storage::Rule> rules;                             // enabled rules, by (priority, id)
  std::vector<std::string> patterns;                            // normalised pattern per rule
  std::unordered_map<std::string, std::vector<size_t>> exact;   // pattern -> rule indexes
  std::unordered_map<std::string, std::vector<size_t>> prefix;  // pattern -> rule indexes
  std::unordered_map<std::string, std::vector<size_t>> event;   // pattern -> rule indexes
  // contains rules by the first UTF-8 character of their pattern (FirstCharKey), each list in
  // rule order: a text only tries the patterns that start with one of its characters.
  std::unordered_map<uint64_t, std::vector<size_t>> contains_by_first;
  std::vector<size_t> contains_other;  // empty pattern or a cut first character: plain find
  struct Regex {
    size_t index;
    std::unique_ptr<const RE2> re;
  };
  std::vector<Regex> regexes;  // in rule order; only the ones RE2 compiled
};

namespace {

// Bytes of the UTF-8 character whose first byte is c (1 for ASCII and stray bytes).
size_t CharLength(unsigned char c) {
  if (c >= 0xF0 && c < 0xF8) return 4;
  if (c >= 0xE0) return c < 0xF0 ? 3 : 1;
  if (c >= 0xC0) return 2;
  return 1;
}

// The character starting at s[at] as a number, or 0 when it runs past the end of s.
uint64_t FirstCharKey(std::string_view s, size_t at) {
  size_t len = CharLength(static_cast<unsigned char>(s[at]));
  if (at + len > s.size()) return 0;
  uint64_t key = len;
  for (size_t k = 0; k < len; ++k) key = key << 8 | static_cast<unsigned char>(s[at + k]);
  return key;
}

bool InScope(const storage::Rule& r, std::optional<int64_t> community_id) {
  return !r.community_id || (community_id && *r.community_id == *community_id);
}

bool IsAsciiWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

std::string Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

// Keeps the candidate with the lowest rule index (rules are sorted by priority, then id).
struct Best {
  size_t index = SIZE_MAX;
  std::string args;
  std::string why;
  void Offer(size_t i, std::string a, std::string w) {
    if (i < index) {
      index = i;
      args = std::move(a);
      why = std::move(w);
    }
  }
};

void OfferFrom(const std::vector<size_t>* list, const Router::Snapshot& snap,
               std::optional<int64_t> community_id, Best& best, const std::string& args,
               const char* kind);

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
    snap->patterns.push_back(p);
    if (r.match_kind == "exact") {
      snap->exact[p].push_back(i);
    } else if (r.match_kind == "prefix") {
      snap->prefix[p].push_back(i);
    } else if (r.match_kind == "contains") {
      uint64_t key = p.empty() ? 0 : FirstCharKey(p, 0);
      if (key == 0) {
        snap->contains_other.push_back(i);
      } else {
        snap->contains_by_first[key].push_back(i);
      }
    } else if (r.match_kind == "event") {
      snap->event[p].push_back(i);
    } else if (r.match_kind == "regex") {
      auto re = std::make_unique<const RE2>(r.pattern, RegexOptions());
      // A pattern RE2 refuses never fires. The admin API refuses to save one, but a rule saved
      // before the switch from std::regex (a backreference, a lookahead) may still be stored.
      if (re->ok()) snap->regexes.push_back({i, std::move(re)});
    }
  }
  return snap;
}

namespace {
void OfferFrom(const std::vector<size_t>* list, const Router::Snapshot& snap,
               std::optional<int64_t> community_id, Best& best, const std::string& args,
               const char* kind) {
  if (list == nullptr) return;
  for (size_t i : *list) {
    if (InScope(snap.rules[i], community_id)) {
      best.Offer(i, args, std::string(kind) + " '" + snap.patterns[i] + "'");
      return;  // lists are in rule order: the first in scope is the best of this list
    }
  }
}

const std::vector<size_t>* Lookup(const std::unordered_map<std::string, std::vector<size_t>>& m,
                                  const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? nullptr : &it->second;
}
}  // namespace

std::optional<RuleMatch> Router::MatchTextIn(const Snapshot& snap, std::string_view text,
                                             std::optional<int64_t> community_id) {
  Best best;
  std::string key(text);
  OfferFrom(Lookup(snap.exact, key), snap, community_id, best, "", "exact");
  if (!snap.prefix.empty()) {
    // Try every prefix of the text that ends on a UTF-8 boundary.
    for (size_t len = 1; len <= text.size(); ++len) {
      if (len < text.size() && (static_cast<unsigned char>(text[len]) & 0xC0) == 0x80) continue;
      key.assign(text.substr(0, len));
      const auto* list = Lookup(snap.prefix, key);
      if (list == nullptr) continue;
      // An ASCII keyword must end at a word boundary: "help" is not a prefix of "helpful".
      if (len < text.size() && IsAsciiWordChar(text[len - 1]) && IsAsciiWordChar(text[len])) {
        continue;
      }
      OfferFrom(list, snap, community_id, best, Trim(text.substr(len)), "prefix");
    }
  }
  // contains: the first rule (in rule order) whose pattern occurs in the text.
  size_t found = SIZE_MAX;
  for (size_t i : snap.contains_other) {
    if (i >= best.index) break;
    if (InScope(snap.rules[i], community_id) && text.find(snap.patterns[i]) != std::string::npos) {
      found = i;
      break;
    }
  }
  if (!snap.contains_by_first.empty()) {
    for (size_t at = 0; at < text.size(); ++at) {
      uint64_t key = FirstCharKey(text, at);
      if (key == 0) continue;
      auto it = snap.contains_by_first.find(key);
      if (it == snap.contains_by_first.end()) continue;
      for (size_t i : it->second) {
        if (i >= best.index || i >= found) break;
        if (InScope(snap.rules[i], community_id) &&
            text.compare(at, snap.patterns[i].size(), snap.patterns[i]) == 0) {
          found = i;
          break;
        }
      }
    }
  }
  if (found != SIZE_MAX) best.Offer(found, "", "contains '" + snap.patterns[found] + "'");
  for (const Snapshot::Regex& r : snap.regexes) {
    const size_t i = r.index;
    if (i >= best.index) break;
    if (!InScope(snap.rules[i], community_id)) continue;
    // The whole match, and the first group when there is one: that group is the args,
    // otherwise the text after the match is. RE2 anchors a pattern starting with '^' itself,
    // so such a rule is only tried at the start of the text.
    re2::StringPiece groups[2];
    const int wanted = r.re->NumberOfCapturingGroups() > 0 ? 2 : 1;
    if (r.re->Match(text, 0, text.size(), RE2::UNANCHORED, groups, wanted)) {
      std::string args =
          wanted == 2 ? Trim(std::string_view(groups[1].data(), groups[1].size()))
                      : Trim(text.substr(static_cast<size_t>(groups[0].end() - text.data())));
      best.Offer(i, std::move(args), "regex /" + snap.patterns[i] + "/");
      break;
    }
  }
  if (best.index == SIZE_MAX) return std::nullopt;
  return RuleMatch{snap.rules[best.index], std::move(best.args), std::move(best.why)};
}

Result<std::shared_ptr<const Router::Snapshot>> Router::Current(storage::Tx& tx) {
  GEBI_ASSIGN_OR_RETURN(int64_t version, storage::RulesVersion(tx));
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (snapshot_ && snapshot_->version == version) return snapshot_;
  }
  GEBI_ASSIGN_OR_RETURN(std::vector<storage::Rule> rules, storage::ListRules(tx));
  auto snap = Compile(rules, version);
  std::lock_guard<std::mutex> lock(mu_);
  snapshot_ = snap;
  return snap;
}

Result<std::optional<RuleMatch>> Router::MatchText(storage::Tx& tx, std::string_view normalized,
                                                   std::optional<int64_t> community_id) {
  GEBI_ASSIGN_OR_RETURN(auto snap, Current(tx));
  return MatchTextIn(*snap, normalized, community_id);
}

Result<std::optional<RuleMatch>> Router::MatchEvent(storage::Tx& tx, std::string_view event,
                                                    std::string_view event_key,
                                                    std::optional<int64_t> community_id) {
  GEBI_ASSIGN_OR_RETURN(auto snap, Current(tx));
  Best best;
  std::string with_key = std::string(event) + ":" + Normalize(event_key);
  OfferFrom(Lookup(snap->event, with_key), *snap, community_id, best, "", "event");
  OfferFrom(Lookup(snap->event, std::string(event)), *snap, community_id, best, "", "event");
  if (best.index == SIZE_MAX) return std::optional<RuleMatch>();
  return std::optional<RuleMatch>(
      RuleMatch{snap->rules[best.index], std::move(best.args), std::move(best.why)});
}

}  // namespace gebi::handlers
