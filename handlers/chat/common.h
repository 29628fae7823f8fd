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

// "12 rest of text" / "#12" -> {12, "rest of text"}; number -1 when the first word is not one.
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

}  // namespace gebi::handlers
