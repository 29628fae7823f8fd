#include "handlers/pipeline.h"

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>

#include "handlers/chat/inbox.h"
#include "handlers/dispatch.h"
#include "handlers/normalize.h"
#include "handlers/privacy.h"
#include "storage/conversation_store.h"
#include "storage/inbound_ledger.h"
#include "storage/outbox.h"
#include "storage/template_store.h"
#include "storage/user_store.h"

namespace gebi::handlers {

namespace {

using nlohmann::json;

// Senders whose roles are kept in memory between changes (~100 bytes each).
constexpr size_t kMaxRememberedSenders = 20000;
// Communities whose reply texts are kept (each a few KiB).
constexpr size_t kMaxRememberedTexts = 1024;
// Replies kept for retries: WeChat retries within 15 s; a few KiB at most each.
constexpr size_t kMaxRememberedAnswers = 4096;
constexpr int64_t kAnswerSeconds = 60;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// What the ledger keeps as the message's content (S11: staff can look back).
// ID-card and mobile numbers are masked: the record serves looking back, not re-identifying.
std::string Summary(const Message& m) {
  if (m.msg_type == "text") return MaskPersonalNumbers(m.content);
  if (m.msg_type == "voice") {
    return m.recognition.empty() ? "[语音]" : "[语音] " + MaskPersonalNumbers(m.recognition);
  }
  if (m.msg_type == "image") return "[图片] " + m.pic_url;
  if (m.msg_type == "location") {
    return fmt::format("[位置] {} ({:.6f},{:.6f})", m.label, m.location_x, m.location_y);
  }
  if (m.msg_type == "link") return "[链接] " + m.title + " " + m.url;
  if (m.msg_type == "event") return m.event_key;
  return "[" + m.msg_type + "]";
}

// The sender's own words: a text's content, or a voice message's recognition; else nullptr.
const std::string* SenderWords(const Message& m) {
  if (m.msg_type == "text") return &m.content;
  if (m.msg_type == "voice" && !m.recognition.empty()) return &m.recognition;
  return nullptr;
}

bool IsCommandMatch(const RuleMatch& m) {
  return m.rule.match_kind == "exact" || m.rule.match_kind == "prefix";
}

Result<Reply> RunRow(const HandlerRow& row, Context& ctx) {
  if ((row.roles & ctx.roles) == 0) {
    // Name the command by its keyword, not the whole text (which may carry others' details).
    std::string command = ctx.rule != nullptr ? ctx.rule->pattern : ctx.text;
    std::string who = row.who.empty() ? RoleNames(row.roles) : std::string(row.who);
    return Reply::Text(ctx.templates.Render("not_allowed", {{"command", command}, {"who", who}}));
  }
  auto start = std::chrono::steady_clock::now();
  row.calls.fetch_add(1, std::memory_order_relaxed);
  Result<Reply> r = row.fn(ctx);
  if (!r.ok()) row.failures.fetch_add(1, std::memory_order_relaxed);
  row.total_us.fetch_add(std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::steady_clock::now() - start)
                             .count(),
                         std::memory_order_relaxed);
  return r;
}

}  // namespace

std::string DedupKey(const Message& m) {
  if (!m.IsEvent() && !m.msg_id.empty()) return fmt::format("m:{}:{}", m.to_user, m.msg_id);
  return fmt::format("e:{}:{}:{}:{}", m.from_user, m.create_time, m.event, m.event_key);
}

std::string EncodeReply(const Reply& r) {
  json j;
  j["k"] = static_cast<int>(r.kind);
  auto put = [&](const char* name, const std::string& v) {
    if (!v.empty()) j[name] = v;
  };
  put("content", r.content);
  put("media_id", r.media_id);
  put("title", r.title);
  put("description", r.description);
  put("music_url", r.music_url);
  put("hq_music_url", r.hq_music_url);
  put("thumb_media_id", r.thumb_media_id);
  put("kf_account", r.kf_account);
  if (!r.articles.empty()) {
    json arts = json::array();
    for (const Article& a : r.articles) {
      arts.push_back({{"title", a.title},
                      {"description", a.description},
                      {"pic_url", a.pic_url},
                      {"url", a.url}});
    }
    j["articles"] = std::move(arts);
  }
  return j.dump();
}

Result<Reply> DecodeReply(std::string_view stored) {
  json j = json::parse(stored, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("k") || !j["k"].is_number_integer()) {
    return Status::Corruption("stored reply is not a reply object");
  }
  Reply r;
  int k = j["k"].get<int>();
  if (k < 0 || k > static_cast<int>(Reply::Kind::kTransferCustomerService)) {
    return Status::Corruption("stored reply has an unknown kind");
  }
  r.kind = static_cast<Reply::Kind>(k);
  auto get = [&](const char* name, std::string& out) {
    auto it = j.find(name);
    if (it != j.end() && it->is_string()) out = it->get<std::string>();
  };
  get("content", r.content);
  get("media_id", r.media_id);
  get("title", r.title);
  get("description", r.description);
  get("music_url", r.music_url);
  get("hq_music_url", r.hq_music_url);
  get("thumb_media_id", r.thumb_media_id);
  get("kf_account", r.kf_account);
  if (auto it = j.find("articles"); it != j.end() && it->is_array()) {
    for (const json& a : *it) {
      Article art;
      art.title = a.value("title", "");
      art.description = a.value("description", "");
      art.pic_url = a.value("pic_url", "");
      art.url = a.value("url", "");
      r.articles.push_back(std::move(art));
    }
  }
  return r;
}

Pipeline::Pipeline(storage::Database& db, const Clock& clock, const Templates& templates,
                   const HandlerSettings& settings)
    : db_(db),
      clock_(clock),
      templates_(templates),
      settings_(settings),
      answers_(kMaxRememberedAnswers, kAnswerSeconds),
      senders_(kMaxRememberedSenders),
      texts_(kMaxRememberedTexts) {}

Result<Outcome> Pipeline::Route(Context& ctx, const Router::Snapshot& rules) {
  const Message& m = ctx.msg;
  const HandlerRow* row = nullptr;
  std::optional<RuleMatch> match;
  std::string route;
  // A command the sender may not use yields to another rule their words match.
  const Router::RuleFilter usable = [&ctx](const storage::Rule& r) {
    if (r.target_kind != "handler") return true;
    const HandlerRow* h = FindHandler(r.target);
    return h == nullptr || (h->roles & ctx.roles) != 0;
  };

  if (!ctx.text.empty() || m.msg_type == "text") {
    match = Router::MatchTextIn(rules, ctx.text, ctx.community_id, usable);
    if (const HandlerRow* h = match && match->rule.target_kind == "handler"
                                  ? FindHandler(match->rule.target)
                                  : nullptr;
        h != nullptr && h->takes != nullptr) {
      ctx.args = match->args;
      if (!h->takes(ctx)) {
        const int64_t declined = match->rule.id;
        const Router::RuleFilter other = [&](const storage::Rule& r) {
          return r.id != declined && usable(r);
        };
        if (auto next = Router::MatchTextIn(rules, ctx.text, ctx.community_id, other);
            next && next->rule.id != declined && other(next->rule)) {
          match = std::move(next);
        }
      }
    }
    // Inside a conversation that takes the next message (its flow has a row) only commands
    // (exact / prefix rules) interrupt it; a passive one (a list's 更多 cursor) takes nothing.
    if (match && ctx.conversation && !IsCommandMatch(*match) &&
        FindFlowHandler(ctx.conversation->flow) != nullptr) {
      match.reset();
    }
  } else if (m.IsEvent()) {
    std::string ev = Lower(m.event);
    match = Router::MatchEventIn(rules, ev, m.event_key, ctx.community_id);
    if (auto click = settings_.click_texts.find(m.event_key);
        !match && ev == "click" && click != settings_.click_texts.end()) {
      // A menu button behaves like the keyword it stands for.
      ctx.text = Normalize(click->second);
      match = Router::MatchTextIn(rules, ctx.text, ctx.community_id, usable);
      if (!match) {
        row = FindHandler("default");
        route = "row:default";
      }
    }
    if (!match && row == nullptr) {
      row = FindHandler("event." + ev);
      route = "row:event." + ev;
      if (row == nullptr) return Outcome{Reply::None(), false, "none:event." + ev};
    }
  }

  if (match) {
    ctx.rule = &match->rule;
    ctx.args = match->args;
    route = fmt::format("rule:{}:{}", match->rule.id,
                        match->rule.target_kind == "text" ? "text" : match->rule.target);
    GEBI_RETURN_IF_ERROR(storage::AddRuleHits(ctx.tx, match->rule.id, 1));
    if (match->rule.target_kind == "text") {
      return Outcome{Reply::Text(match->rule.target), false, route};
    }
    if (match->rule.target_kind == "template") {
      return Outcome{Reply::Text(ctx.templates.Render(match->rule.target)), false, route};
    }
    row = FindHandler(match->rule.target);
    if (row == nullptr) {
      return Status::FailedPrecondition("rule " + std::to_string(match->rule.id) +
                                        " names unknown handler '" + match->rule.target + "'");
    }
  }
  if (row == nullptr && ctx.conversation) {
    row = FindFlowHandler(ctx.conversation->flow);
    route = "flow:" + ctx.conversation->flow;
  }
  if (row == nullptr && !m.IsEvent() && m.msg_type != "text") {
    row = FindHandler(m.msg_type);
    route = "row:" + m.msg_type;
  }
  if (row == nullptr) {
    row = FindHandler("default");
    route = "row:default";
  }
  ctx.rule = match ? &match->rule : nullptr;
  GEBI_ASSIGN_OR_RETURN(Reply reply, RunRow(*row, ctx));
  return Outcome{std::move(reply), false, route};
}

Result<std::shared_ptr<const Templates>> Pipeline::TemplatesFor(storage::Tx& tx,
                                                                std::optional<int64_t> community) {
  GEBI_ASSIGN_OR_RETURN(int64_t version, storage::TemplatesVersion(tx));
  const int64_t key = community.value_or(storage::kAllCommunities);
  if (auto kept = texts_.Find(version, key)) return *kept;
  GEBI_ASSIGN_OR_RETURN(auto overrides, storage::ListTemplateOverrides(tx));
  std::map<std::string, std::string, std::less<>> merged;
  for (const auto& o : overrides) {
    if (o.community_id == storage::kAllCommunities) merged[o.key] = o.text;
  }
  if (community) {
    for (const auto& o : overrides) {
      if (o.community_id == *community) merged[o.key] = o.text;
    }
  }
  auto texts = std::make_shared<const Templates>(templates_.WithOverrides(merged));
  tx.OnCommit([this, version, key, texts] { texts_.Put(version, key, texts); });
  return texts;
}

Result<Sender> Pipeline::SenderOf(storage::Tx& tx, const std::string& openid) {
  GEBI_ASSIGN_OR_RETURN(int64_t version, storage::PeopleVersion(tx));
  if (auto kept = senders_.Find(version, openid)) return *std::move(kept);
  GEBI_ASSIGN_OR_RETURN(Sender sender, ResolveSender(tx, openid));
  tx.OnCommit([this, version, openid, sender] { senders_.Put(version, openid, sender); });
  return sender;
}

Result<std::optional<storage::LedgerEntry>> Pipeline::Answered(const std::string& key) {
  std::optional<storage::LedgerEntry> seen;
  Status s = db_.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(seen, storage::FindHandled(tx, key));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return seen;
}

Result<Outcome> Pipeline::Handle(const Message& m) {
  const std::string key = DedupKey(m);
  // A retry of a delivery answered lately: its committed reply, from memory.
  if (auto kept = answers_.Find(key, clock_.NowSeconds())) return **kept;
  // Everything that needs no storage happens here, before the write lock: the ledger's masked
  // summary, the length check and normalising the sender's words.
  const std::string summary = Summary(m);
  const std::string* words = SenderWords(m);
  const bool too_long =
      words != nullptr && Utf8Chars(*words) > static_cast<size_t>(settings_.max_text_chars);
  // Not normalised when too long: nothing downstream sees an unbounded text.
  SenderText sender_text = words != nullptr && !too_long ? SenderText::Of(*words) : SenderText{};

  // A retry already answered is answered again from the ledger without the write lock. Only
  // a key this process may have answered lately is looked up there: for a new message the
  // read cost as much as a sixth of the delivery (a reader's page cache starts cold after
  // every commit; each read transaction takes its own locks), and the write transaction
  // looks every key up again anyway. The rest of what a delivery reads is read under the
  // lock, where the writer's page cache is warm: reading the rules version, text version, the
  // sender's count and unread notices on a reader first cost ~50 µs more CPU per delivery
  // under wrk and made nothing faster.
  Result<std::optional<storage::LedgerEntry>> answered =
      answered_keys_.MayContain(key) ? Answered(key)
                                     : Result<std::optional<storage::LedgerEntry>>(std::nullopt);
  if (answered.ok() && *answered) {
    GEBI_ASSIGN_OR_RETURN(Reply stored, DecodeReply((*answered)->reply));
    auto kept =
        std::make_shared<const Outcome>(Outcome{std::move(stored), true, (*answered)->route});
    answers_.Put(key, kept, clock_.NowSeconds());
    return *kept;
  }

  Outcome outcome;
  Sender sender;
  Status s = answered.status();
  if (s.ok()) s = db_.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto seen, storage::FindHandled(tx, key));
    if (seen) {
      GEBI_ASSIGN_OR_RETURN(outcome.reply, DecodeReply(seen->reply));
      outcome.duplicate = true;
      outcome.route = seen->route;
      return Status::Ok();
    }
    const int64_t now = clock_.NowSeconds();
    GEBI_ASSIGN_OR_RETURN(std::shared_ptr<const Router::Snapshot> rules, router_.Current(tx));
    GEBI_RETURN_IF_ERROR(storage::TouchUser(tx, m.from_user, now));
    GEBI_ASSIGN_OR_RETURN(sender, SenderOf(tx, m.from_user));
    // Residents of a community get its reply texts (overrides from the admin console).
    GEBI_ASSIGN_OR_RETURN(std::shared_ptr<const Templates> texts,
                          TemplatesFor(tx, sender.community_id));
    const int per_minute = settings_.limits.messages_per_minute;
    int64_t last_minute = 0;
    if (per_minute > 0 && !m.IsEvent()) {
      GEBI_ASSIGN_OR_RETURN(last_minute,
                            storage::CountMessagesSince(tx, m.from_user, now - 60, per_minute));
    }
    if (per_minute > 0 && last_minute >= per_minute) {
      // One sender must not keep the writer busy for everyone: answered, recorded, not routed.
      outcome.reply = Reply::Text(texts->Render("rate_limited"));
      outcome.route = "rate_limited";
    } else if (too_long) {
      // Not routed. The ledger still records it below; an open conversation stays where it was.
      outcome.reply = Reply::Text(
          texts->Render("text_too_long", {{"max", std::to_string(settings_.max_text_chars)}}));
      outcome.route = "too_long";
    } else {
      Context ctx(m, tx, {.clock = clock_, .templates = *texts, .settings = settings_, .now = now});
      if (words != nullptr) ctx.SetSenderText(sender_text);
      ctx.roles = sender.roles;
      ctx.community_id = sender.community_id;
      ctx.grid_id = sender.grid_id;

      bool expired = false;
      GEBI_ASSIGN_OR_RETURN(auto conv, storage::GetConversation(tx, m.from_user));
      if (conv && conv->expires_at <= now) {
        GEBI_RETURN_IF_ERROR(storage::ClearConversation(tx, m.from_user));
        expired = true;
      } else {
        ctx.conversation = std::move(conv);
      }

      GEBI_ASSIGN_OR_RETURN(outcome, Route(ctx, *rules));
      if (expired && outcome.reply.kind == Reply::Kind::kText) {
        outcome.reply.content = texts->Render("flow_expired") + "\n" + outcome.reply.content;
      }
    }
    GEBI_RETURN_IF_ERROR(AttachUnreadNotices(tx, m.from_user, *texts, now, outcome.reply));
    storage::LedgerEntry e{key,     m.from_user,   m.msg_type, m.event,
                           summary, outcome.route, "ok",       EncodeReply(outcome.reply),
                           now};
    return storage::RecordDelivery(tx, e);
  });
  if (!s.ok()) {
    // Keep what the resident sent even though handling failed (never lose it), then report.
    storage::LedgerEntry e{key,      m.from_user, m.msg_type,         m.event, summary, "failed",
                           "failed", "",          clock_.NowSeconds()};
    (void)db_.WithTransaction([&](storage::Tx& tx) { return storage::RecordDelivery(tx, e); });
    return s;
  }
  answered_keys_.Add(key);
  // Committed (the delivery's own, or one the transaction found): a retry may get it from
  // memory. Kept here, off the writer's lock.
  answers_.Put(key, std::make_shared<const Outcome>(Outcome{outcome.reply, true, outcome.route}),
               clock_.NowSeconds());
  return outcome;
}

}  // namespace gebi::handlers
