#include "tests/support/handler_env.h"

#include "bot/app.h"
#include "handlers/org/demo_data.h"
#include "handlers/roles.h"
#include "storage/migrations.h"

namespace gebi::testing {

HandlerEnv::HandlerEnv() : clock_(SystemClock().NowSeconds()) {
  auto db = storage::Database::Open(dir_.File("handlers.db"));
  REQUIRE_RESULT_OK(db);
  db_ = std::move(db).value();
  REQUIRE_OK(storage::Migrate(*db_));
  auto texts = bot::ReadTemplateDir(std::string(GEBI_SOURCE_DIR) + "/templates");
  REQUIRE_RESULT_OK(texts);
  auto templates = handlers::Templates::Create(*texts);
  REQUIRE_RESULT_OK(templates);
  templates_ = std::move(templates).value();
  REQUIRE_OK(db_->WithTransaction([&](storage::Tx& tx) {
    std::string report;
    return handlers::SeedDemo(tx, clock_.NowSeconds(), &report);
  }));
  pipeline_ = std::make_unique<handlers::Pipeline>(*db_, clock_, templates_, settings_);
}

std::string HandlerEnv::Call(handlers::HandlerFn fn, const std::string& openid,
                             const std::string& text, std::string_view keyword) {
  handlers::Message m;
  m.from_user = openid;
  m.msg_type = "text";
  m.content = text;
  m.msg_id = std::to_string(next_msg_id_++);
  m.create_time = clock_.NowSeconds();
  handlers::Reply reply;
  REQUIRE_OK(db_->WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(handlers::Sender sender, handlers::ResolveSender(tx, openid));
    handlers::Context ctx(m, tx,
                          {.clock = clock_,
                           .templates = templates_,
                           .settings = settings_,
                           .now = clock_.NowSeconds()});
    ctx.SetSenderText(handlers::SenderText::Of(text));
    ctx.roles = sender.roles;
    ctx.community_id = sender.community_id;
    ctx.grid_id = sender.grid_id;
    std::string_view args = ctx.text;
    if (!keyword.empty() && args.substr(0, keyword.size()) == keyword) {
      args.remove_prefix(keyword.size());
    }
    while (!args.empty() && args.front() == ' ') args.remove_prefix(1);
    ctx.args = std::string(args);
    GEBI_ASSIGN_OR_RETURN(reply, fn(ctx));
    return Status::Ok();
  }));
  return reply.content;
}

std::string HandlerEnv::Deliver(handlers::Message m) {
  m.to_user = "gh_test";
  // Events deduplicate on sender + CreateTime + event + key: give each its own CreateTime.
  m.create_time = clock_.NowSeconds() + (m.IsEvent() ? next_msg_id_ : 0);
  m.msg_id = m.IsEvent() ? "" : std::to_string(next_msg_id_);
  ++next_msg_id_;
  auto outcome = pipeline_->Handle(m);
  REQUIRE_RESULT_OK(outcome);
  return outcome->reply.content;
}

std::string HandlerEnv::Say(const std::string& openid, const std::string& text) {
  handlers::Message m;
  m.from_user = openid;
  m.msg_type = "text";
  m.content = text;
  return Deliver(std::move(m));
}

std::string HandlerEnv::Image(const std::string& openid, const std::string& pic_url,
                              const std::string& media_id) {
  handlers::Message m;
  m.from_user = openid;
  m.msg_type = "image";
  m.pic_url = pic_url;
  m.media_id = media_id;
  return Deliver(std::move(m));
}

std::string HandlerEnv::Event(const std::string& openid, const std::string& event,
                              const std::string& key) {
  handlers::Message m;
  m.from_user = openid;
  m.msg_type = "event";
  m.event = event;
  m.event_key = key;
  return Deliver(std::move(m));
}

int64_t HandlerEnv::Repair(const std::string& openid, const std::string& what) {
  std::string reply = Say(openid, "报修 " + what);
  REQUIRE(Has(reply, "已登记报修"));
  return Count("SELECT MAX(id) FROM tickets");
}

int64_t HandlerEnv::Count(const std::string& sql) {
  int64_t n = -1;
  REQUIRE_OK(db_->WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryInt(sql));
    n = v.value_or(0);
    return Status::Ok();
  }));
  return n;
}

std::string HandlerEnv::Text(const std::string& sql) {
  std::string out;
  REQUIRE_OK(db_->WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryFirstRow<std::string>(
                                      sql, [](const storage::Stmt& st) { return st.Text(0); }));
    out = v.value_or("");
    return Status::Ok();
  }));
  return out;
}

std::string HandlerEnv::LastRoute(const std::string& openid) {
  return Text("SELECT route FROM inbound_ledger WHERE openid = '" + openid +
              "' ORDER BY created_at DESC, rowid DESC LIMIT 1");
}

std::optional<storage::Ticket> HandlerEnv::Ticket(int64_t id) {
  std::optional<storage::Ticket> t;
  REQUIRE_OK(db_->WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(t, storage::GetTicket(tx, id));
    return Status::Ok();
  }));
  return t;
}

std::string HandlerEnv::Fingerprint() {
  std::string out;
  for (const char* t :
       {"join_requests", "residents", "tickets", "ticket_events", "ticket_media", "ticket_likes",
        "volunteers", "volunteer_skills", "outbox", "conversations", "circle_members",
        "circle_join_requests", "care_elders", "care_links", "care_requests", "care_relays",
        "care_relay_recipients"}) {
    out += std::string(t) + "=" + std::to_string(Count(std::string("SELECT COUNT(*) FROM ") + t)) +
           " ";
  }
  out += "status=" + std::to_string(Count("SELECT SUM(length(status)) FROM tickets")) + "/" +
         std::to_string(Count("SELECT SUM(length(status)) FROM join_requests"));
  return out;
}

}  // namespace gebi::testing
