#include "handlers/router.h"

#include <algorithm>
#include <regex>
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
  std::vector<size_t> contains;
  std::vector<std::pair<size_t, std::regex>> regexes;
};

namespace {

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
      snap->contains.push_back(i);
    } else if (r.match_kind == "event") {
      snap->event[p].push_back(i);
    } else if (r.match_kind == "regex") {
      try {
        snap->regexes.emplace_back(i, std::regex(r.pattern, std::regex::ECMAScript));
      } catch (const std::regex_error&) {
        // An invalid pattern never fires; the admin API refuses to save one.
      }
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
  for (size_t i : snap.contains) {
    if (i >= best.index) break;
    if (InScope(snap.rules[i], community_id) && text.find(snap.patterns[i]) != std::string::npos) {
      best.Offer(i, "", "contains '" + snap.patterns[i] + "'");
      break;
    }
  }
  for (const auto& [i, re] : snap.regexes) {
    if (i >= best.index) break;
    if (!InScope(snap.rules[i], community_id)) continue;
    std::match_results<std::string_view::const_iterator> m;
    if (std::regex_search(text.begin(), text.end(), m, re)) {
      std::string args =
          m.size() > 1
              ? Trim(m[1].str())
              : Trim(std::string_view(m.suffix().first, m.suffix().second - m.suffix().first));
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
