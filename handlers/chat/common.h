// Helpers shared by the grid handlers (join, repair, volunteer): queueing a push,
// naming a grid, parsing "N rest" arguments, flow bookkeeping. Stateless; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "handlers/context.h"

namespace gebi::handlers {

// The reply of template key rendered with args, in the sender's community's texts.
Reply Text(const Context& ctx, std::string_view key, const TemplateArgs& args = {});

// Queues a push to recipient in ctx's transaction: payload {"text": text, ...extra}. dedup_key
// makes a repeated cause queue it once. An empty recipient is skipped.
Status QueuePush(Context& ctx, const std::string& recipient, std::string_view kind,
                 const std::string& text, nlohmann::json extra, const std::string& dedup_key);

// The same without a Context: for callers outside a delivery (the admin console).
Status QueuePushIn(storage::Tx& tx, int64_t now, const std::string& recipient,
                   std::string_view kind, const std::string& text, nlohmann::json extra,
                   const std::string& dedup_key);

// "桂柑社区第一网格" (community name + grid name), or "" for an unknown id.
Result<std::string> GridLabel(storage::Tx& tx, int64_t grid_id);

// "12 rest of text" / "#12" / "12号 rest" / "二号" -> {12, "rest of text"}; number -1 (and rest
// empty) when the text does not start with a number (see SplitLeadingNumber).
struct NumberArgs {
  int64_t number = -1;
  std::string rest;
};
NumberArgs ParseNumberAndRest(std::string_view args);

// The worker openids of a grid (grid_worker grants), sorted.
Result<std::vector<std::string>> GridWorkers(storage::Tx& tx, int64_t grid_id);

// Starts or continues a flow for the sender, expiring after settings.flow_ttl_seconds.
Status SaveFlow(Context& ctx, std::string_view flow, std::string_view step,
                const nlohmann::json& slots);
// The active conversation's slots (an empty object when none or unparsable).
nlohmann::json FlowSlots(const Context& ctx);

// Asks for a command's missing argument: the next message the sender writes (not a command)
// goes to the row named row as its argument, after prefix ("12" to carry a ticket number).
// prompt_key is the question, kept to ask again when the answer is a photo.
Status AskNext(Context& ctx, std::string_view row, std::string_view prefix,
               std::string_view prompt_key);

// Where a long list stopped, so 更多 shows the next page. It rides in the conversation's slots
// ("_more") without ending an open flow; with no flow it is kept under the passive flow "more",
// which does not capture the next message.
struct MoreCursor {
  std::string list;  // "tickets", "requests", "my_repairs"
  int offset = 0;
};
Status SaveMore(Context& ctx, std::string_view list, int offset);
std::optional<MoreCursor> PeekMore(const Context& ctx);
// Forgets the cursor once a list's last page was shown (更多 then shows every command again);
// an open flow stays as it was.
Status DropMore(Context& ctx);
// The line under a list that stopped early: "还有 N 条，回复「更多」看。" (rest > 0).
std::string MoreLine(const Context& ctx, size_t rest);

// Whom to call: the sender's grid worker (or the pending request's grid), else their community
// office, else the street's: {"网格员林晓 13800000001", grid id (0 when not a grid)}.
struct Contact {
  std::string text;
  int64_t grid_id = 0;
};
Result<Contact> ContactFor(Context& ctx);

}  // namespace gebi::handlers
