// Helpers shared by the grid handlers (join.cc, repair.cc, volunteer.cc): queueing a push,
// naming a grid, parsing "N rest" arguments, flow bookkeeping. Stateless; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "handlers/dispatch.h"
#include "storage/join_store.h"

namespace gebi::handlers {

// Queues a push to recipient in ctx's transaction: payload {"text": text, ...extra}. dedup_key
// makes a repeated cause queue it once. An empty recipient is skipped.
Status QueuePush(Context& ctx, const std::string& recipient, std::string_view kind,
                 const std::string& text, nlohmann::json extra, const std::string& dedup_key);

// The same without a Context: for callers outside a delivery (the admin console).
Status QueuePushIn(storage::Tx& tx, int64_t now, const std::string& recipient,
                   std::string_view kind, const std::string& text, nlohmann::json extra,
                   const std::string& dedup_key);

// The effects of deciding the pending join request req, shared by 通过 N / 拒绝 N and the admin
// console: the request's new status (decided by `by`: an openid, or "admin:<name>"), on
// approval the membership and the grid circle, and the push telling the resident (a rejection
// carries reason and the community office). REQUIRES: req.status == "pending" (else
// DecideJoinRequest returns FailedPrecondition and nothing changes). Defined in join.cc.
Status ApplyJoinDecision(storage::Tx& tx, const Templates& texts, const storage::JoinRequest& req,
                         bool approve, const std::string& reason, const std::string& by,
                         int64_t now);

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
