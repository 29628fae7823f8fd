// Pipeline: one inbound message from dedup to reply, inside one SQLite transaction. The first
// delivery of a key runs its handler and stores the reply with its effects; any later
// delivery of the same key (a WeChat retry, concurrent or after a restart) gets the stored
// reply and changes nothing: from memory when this process answered it lately, else read on a
// read connection when it was committed already.
// Thread-safe; the Database serialises the transactions.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "handlers/context.h"
#include "handlers/message.h"
#include "handlers/roles.h"
#include "handlers/router.h"
#include "handlers/texts/templates.h"
#include "storage/clock.h"
#include "storage/database.h"
#include "storage/inbound_ledger.h"
#include "storage/recent_keys.h"
#include "storage/recent_map.h"
#include "storage/versioned_cache.h"

namespace gebi::handlers {

// The exactly-once key: "m:<ToUserName>:<MsgId>" for messages, and
// "e:<FromUserName>:<CreateTime>:<Event>:<EventKey>" for events.
std::string DedupKey(const Message& m);

// The Reply as the ledger stores it (JSON), and back. Decode: Corruption on bad text.
std::string EncodeReply(const Reply& r);
Result<Reply> DecodeReply(std::string_view stored);

struct Outcome {
  Reply reply;
  bool duplicate = false;  // true: a stored reply of an earlier delivery
  std::string route;       // "rule:<id>:<target>", "flow:<flow>", "row:<name>" ...
};

class Pipeline {
 public:
  // All references must outlive the Pipeline.
  Pipeline(storage::Database& db, const Clock& clock, const Templates& templates,
           const HandlerSettings& settings);

  // Handles m. A non-OK Status means the handler or storage failed: nothing was applied, the
  // failure is recorded in the ledger (outcome "failed"), and the caller answers with the
  // "busy" template. A later retry runs the handler again.
  Result<Outcome> Handle(const Message& m);

  Router& router() { return router_; }
  const Templates& templates() const { return templates_; }
  const HandlerSettings& settings() const { return settings_; }
  // The reply texts residents of community get: templates/ overlaid with the overrides for
  // every community and then community's own. Rebuilt when meta.templates_version moves.
  Result<std::shared_ptr<const Templates>> TemplatesFor(storage::Tx& tx,
                                                        std::optional<int64_t> community);

 private:
  // The stored delivery of key, read on a read connection before any write lock: a retry
  // already answered is answered again without taking the writer.
  Result<std::optional<storage::LedgerEntry>> Answered(const std::string& key);
  Result<Outcome> Route(Context& ctx, const Router::Snapshot& rules);
  // The sender's roles and community: from memory when nothing they are read from changed
  // (storage::PeopleVersion), else read (and kept once tx commits).
  Result<Sender> SenderOf(storage::Tx& tx, const std::string& openid);

  storage::Database& db_;
  const Clock& clock_;
  const Templates& templates_;
  const HandlerSettings& settings_;
  Router router_;
  // The keys this process answered lately: which deliveries to look up on a reader first.
  storage::RecentKeys answered_keys_;
  // The replies of the deliveries answered last, once committed (as a retry gets them): a
  // WeChat retry of one is answered from here without a read. Kept a minute at most, so a
  // `gebi forget` (another process) reaches the retries of a forgotten message within it.
  storage::RecentMap<std::shared_ptr<const Outcome>> answers_;
  storage::VersionedCache<std::string, Sender> senders_;  // at people_version
  // Reply texts by community (storage::kAllCommunities: none), at templates_version.
  storage::VersionedCache<int64_t, std::shared_ptr<const Templates>> texts_;
};

}  // namespace gebi::handlers
