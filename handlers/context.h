// Context: everything a chat handler may use for one delivery: the message, its normalised
// text, the matched rule, the sender's roles and place, an active conversation, and the
// delivery's transaction. Built by the pipeline (or a test) per delivery; borrowed references
// are valid for that delivery only. Not thread-safe: one delivery, one thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "handlers/message.h"
#include "handlers/roles.h"
#include "handlers/texts/templates.h"
#include "storage/clock.h"
#include "storage/conversation_store.h"
#include "storage/database.h"
#include "storage/rule_store.h"

namespace gebi::handlers {

class ModerationCache;  // handlers/chat/moderation.h

// The configuration chat handlers read, filled once by bot/ from the Config and borrowed by
// every delivery. Immutable after start.
struct HandlerSettings {
  int64_t flow_ttl_seconds = 30 * 60;  // an idle conversation expires after this
  // Longer texts (in characters) are not routed: the sender gets the "text_too_long" reply
  // and the message is still recorded. Bounds what one message can cost.
  int max_text_chars = 2000;
  // Custom-menu CLICK keys -> the keyword text the button stands for (config [menu]); a
  // click without an event rule is routed as if that text had been sent.
  std::map<std::string, std::string> click_texts;
  // What one sender may cause (config [limits]); 0 = no limit.
  struct Limits {
    int messages_per_minute = 20;
    int open_tickets_per_resident = 5;
    int repairs_per_hour = 3;
    int repeat_repair_minutes = 30;
    int media_per_day = 20;
  } limits;
  // Suggestions (config [suggestions]) and parking (config [parking]).
  int suggestion_answer_days = 7;  // an unanswered suggestion is overdue after this
  int parking_spot_minutes = 30;   // a reported free spot is listed this long
  // Moderation (config [moderation]; handlers/chat/moderation.h).
  struct Moderation {
    int mute_after_strikes = 2;    // active strikes in a circle that mute the sender there
    int mute_days = 7;             // how long a mute lasts
    int remove_after_strikes = 3;  // from here the managers are told they may propose 踢出
    int new_member_days = 7;       // phone numbers and links from newer members are held
  } moderation;
  // The compiled moderation categories shared by every delivery (null: compiled per call).
  std::shared_ptr<const ModerationCache> moderation_cache;
};

// The process-wide parts a delivery borrows, named at the call site:
//   Context ctx(msg, tx, {.clock = clock, .templates = texts, .settings = settings, .now = now});
// Each must outlive the Context.
struct Borrowed {
  const Clock& clock;
  const Templates& templates;
  const HandlerSettings& settings;
  int64_t now = 0;  // clock.NowSeconds() at the start of the delivery
};

// The sender's words (a text, or a voice message's recognition) read once, before any
// storage work: raw as written, normalised, and the offsets that map one to the other.
struct SenderText {
  static SenderText Of(std::string raw);
  std::string raw;
  std::string text;
  std::vector<uint32_t> offsets;  // normalised byte -> raw byte (Normalize's offsets)
};

struct Context {
  Context(const Message& m, storage::Tx& t, const Borrowed& parts)
      : msg(m),
        tx(t),
        clock(parts.clock),
        templates(parts.templates),
        settings(parts.settings),
        now(parts.now) {}

  // Sets the sender's words: raw_text, text and text_offsets (for RawTail).
  void SetSenderText(SenderText words);

  const Message& msg;
  storage::Tx& tx;  // the delivery's transaction
  const Clock& clock;
  const Templates& templates;
  const HandlerSettings& settings;
  int64_t now = 0;

  std::string text;  // normalised text (text message, or voice Recognition); else empty
  std::string args;  // normalised text after the matched keyword, trimmed; else empty
  const storage::Rule* rule = nullptr;                // the rule that fired, if any
  std::optional<storage::Conversation> conversation;  // active (unexpired) flow, if any
  uint32_t roles = kResident;                         // the sender's roles
  // The sender's place in the organisation (see ResolveSender); nullopt when unknown.
  std::optional<int64_t> community_id;
  std::optional<int64_t> grid_id;
  std::string raw_text;                // the text as the sender wrote it (for RawTail)
  std::vector<uint32_t> text_offsets;  // normalised byte -> raw byte (Normalize's offsets)
};

// The sender's own words for a suffix of ctx.text (e.g. ctx.args of a prefix rule, or the rest
// after a number): case and full-width punctuation as written. Free text that is stored or
// forwarded (descriptions, reasons, notes) uses this; commands and numbers use the normalised
// form. Returns normalized_suffix itself when it is not a suffix of ctx.text.
std::string RawTail(const Context& ctx, std::string_view normalized_suffix);

}  // namespace gebi::handlers
