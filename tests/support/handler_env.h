// Test support one layer down from the HTTP server: a migrated database in a temp file with the
// demo district seeded, the repo's templates, a FakeClock, and the real Pipeline. Chat handlers
// are called directly on a Context (Call), or routed by keyword rules and flows exactly as a
// delivery would be, without HTTP or XML (Say). Not thread-safe: one test, one thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "handlers/dispatch.h"
#include "handlers/pipeline.h"
#include "handlers/texts/templates.h"
#include "storage/clock.h"
#include "storage/database.h"
#include "storage/ticket_store.h"
#include "tests/support/test_env.h"

namespace gebi::testing {

class HandlerEnv {
 public:
  HandlerEnv();

  // Runs fn for openid's text in one transaction (committed when fn succeeds), with ctx.args
  // the normalised text after keyword (the part a prefix rule leaves). Roles and place are
  // resolved as the pipeline does. Returns the reply's text; the test fails on a system error.
  std::string Call(handlers::HandlerFn fn, const std::string& openid, const std::string& text,
                   std::string_view keyword = "");

  // Routes a text message from openid through the pipeline (rules, flows, ledger, inbox) with
  // a fresh MsgId; returns the reply's text.
  std::string Say(const std::string& openid, const std::string& text);

  // Sends an image message from openid through the pipeline; returns the reply's text.
  std::string Image(const std::string& openid, const std::string& pic_url,
                    const std::string& media_id);

  // Sends an event (subscribe, unsubscribe, SCAN, CLICK ...) from openid through the pipeline.
  std::string Event(const std::string& openid, const std::string& event,
                    const std::string& key = "");

  // Reports a repair as openid through Say; returns the new ticket id.
  int64_t Repair(const std::string& openid, const std::string& what);

  std::string Render(std::string_view key, const handlers::TemplateArgs& args = {}) const {
    return templates_.Render(key, args);
  }
  // COUNT(*)-style query: the first column of the first row (0 when none).
  int64_t Count(const std::string& sql);
  // The first column of the first row as text ("" when none).
  std::string Text(const std::string& sql);
  // The route the pipeline recorded for openid's latest delivery ("rule:12:repair",
  // "flow:ask", "row:default" ...).
  std::string LastRoute(const std::string& openid);
  std::optional<storage::Ticket> Ticket(int64_t id);
  // Row counts of the tables chat handlers write: equal before and after a refusal.
  std::string Fingerprint();

  storage::Database& db() { return *db_; }
  handlers::Pipeline& pipeline() { return *pipeline_; }
  handlers::HandlerSettings& settings() { return settings_; }
  FakeClock& clock() { return clock_; }

 private:
  std::string Deliver(handlers::Message m);

  TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<storage::Database> db_;
  handlers::Templates templates_;
  handlers::HandlerSettings settings_;
  std::unique_ptr<handlers::Pipeline> pipeline_;
  int64_t next_msg_id_ = 1;
};

// "12" for 12: numbers inside chat texts.
inline std::string N(int64_t id) { return std::to_string(id); }
inline bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace gebi::testing
