// The dispatch table: every handler the router can reach, declared as data (name, function,
// who may use it, its help line), with per-row counters. Keyword rules name these handlers;
// message types and events without a rule fall back to rows keyed "<MsgType>" or
// "event.<event>" and finally "default". Rows are static; counters are atomics: thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "handlers/message.h"
#include "handlers/templates.h"
#include "storage/clock.h"
#include "storage/conversation_store.h"
#include "storage/database.h"
#include "storage/rule_store.h"

namespace gebi::handlers {

// Roles as bits; a person may hold several (scoped to units by the org model).
enum Role : uint32_t {
  kResident = 1u << 0,
  kFloorLeader = 1u << 1,
  kGridWorker = 1u << 2,
  kVolunteer = 1u << 3,
  kCommunityStaff = 1u << 4,
  kStreetStaff = 1u << 5,
  kDistrictAdmin = 1u << 6,
};
constexpr uint32_t kAnyone = 0xFFFFFFFFu;
constexpr uint32_t kStaffRoles = kGridWorker | kCommunityStaff | kStreetStaff | kDistrictAdmin;

// Settings handlers read; filled by bot/ from the Config.
struct HandlerSettings {
  int64_t flow_ttl_seconds = 30 * 60;  // an idle conversation expires after this
  // Custom-menu CLICK keys -> the keyword text the button stands for (config [menu]); a
  // click without an event rule is routed as if that text had been sent.
  std::map<std::string, std::string> click_texts;
};

// Everything a handler may use for one message. Borrowed references: valid for the call only.
struct Context {
  const Message& msg;
  std::string text;      // normalised text (text message, or voice Recognition); else empty
  std::string args;      // normalised text after the matched keyword, trimmed; else empty
  const storage::Rule* rule = nullptr;  // the rule that fired, if any
  std::optional<storage::Conversation> conversation;  // active (unexpired) flow, if any
  uint32_t roles = kResident;                         // the sender's roles
  storage::Tx& tx;                                    // the delivery's transaction
  const Clock& clock;
  const Templates& templates;
  const HandlerSettings& settings;
  int64_t now = 0;  // clock.NowSeconds() at the start of the delivery
  // The sender's place in the organisation (see ResolveSender); nullopt when unknown.
  std::optional<int64_t> community_id;
  std::optional<int64_t> grid_id;
  std::string raw_text;                // the text as the sender wrote it (for RawTail)
  std::vector<uint32_t> text_offsets;  // normalised byte -> raw byte (Normalize's offsets)
};

// A handler: a nearly pure function of the context. User mistakes are answered with a Reply;
// a non-OK Status means the system failed (the delivery rolls back and gets the busy text).
using HandlerFn = Result<Reply> (*)(Context& ctx);

struct HandlerRow {
  std::string_view name;  // "help", "repair", or "<MsgType>", "event.<event>", "default"
  HandlerFn fn;
  uint32_t roles = kAnyone;   // who may invoke it; others get the "not allowed" text
  std::string_view help_key;  // template with the one-line usage for 帮助; empty = not listed
  std::string_view flow;      // non-empty: this row continues conversations of that flow
  // Who may use the row, as a resident reads it ("网格员或社区工作人员"); shown with the
  // "not allowed" text. Empty: derived from roles.
  std::string_view who;
  // Counters (relaxed atomics).
  mutable std::atomic<uint64_t> calls{0};
  mutable std::atomic<uint64_t> failures{0};
  mutable std::atomic<uint64_t> total_us{0};
};

// The whole table (defined in dispatch.cc).
const std::vector<const HandlerRow*>& HandlerTable();
const HandlerRow* FindHandler(std::string_view name);
// The row that continues conversations of flow, or nullptr.
const HandlerRow* FindFlowHandler(std::string_view flow);

// The sender's own words for a suffix of ctx.text (e.g. ctx.args of a prefix rule, or the rest
// after a number): case and full-width punctuation as written. Free text that is stored or
// forwarded (descriptions, reasons, notes) uses this; commands and numbers use the normalised
// form. Returns normalized_suffix itself when it is not a suffix of ctx.text.
std::string RawTail(const Context& ctx, std::string_view normalized_suffix);

// Who is writing: roles (resident at least) and place in the organisation. Defined by the org
// model (roles.cc).
struct Sender {
  uint32_t roles = kResident;
  std::optional<int64_t> community_id;  // the resident's / volunteer's / staff's community
  std::optional<int64_t> grid_id;       // the resident's grid, else the worker's grid
};

// Resolves the sender from residents, volunteers and role grants. Errors: storage failures.
Result<Sender> ResolveSender(storage::Tx& tx, const std::string& openid);
// ResolveSender(...).roles.
Result<uint32_t> ResolveRoles(storage::Tx& tx, const std::string& openid);
// "志愿者、网格员" for a roles mask (for the "not allowed" line).
std::string RoleNames(uint32_t roles);

}  // namespace gebi::handlers
