// The hand-off to the district's platform against a fake district Open311 server on loopback:
// a ticket that reached district level is queued once by the ladder's pass (even from a
// second pass), POSTed through the outbox (503 and a dead district retried, 403 dead-lettered,
// a crash after the POST not resent), its status pulled back and shown to the reporter, and
// the ticket done when the district closes it. Nothing personal is sent.
#include <fmt/format.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "bot/ladder_scheduler.h"
#include "handlers/org/district.h"
#include "handlers/org/demo_data.h"
#include "storage/ladder_store.h"
#include "storage/open311_store.h"
#include "storage/org_store.h"
#include "storage/ticket_store.h"
#include "tests/support/push_env.h"

namespace gebi::testing {
namespace {

using nlohmann::json;

// A district Open311 server: POST requests.json answers [{"service_request_id": "D-<n>"}]
// (or the next queued fault status), GET requests/D-<n>.json answers the status set by the test.
class FakeDistrict {
 public:
  FakeDistrict() {
    server_.Post("/open311/v2/requests.json", [this](const httplib::Request& req,
                                                     httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      posts.push_back(req.params);
      if (req.get_param_value("api_key") != "district-key") {
        res.status = 403;
        res.set_content(R"([{"code":403,"description":"bad api_key"}])", "application/json");
        return;
      }
      if (!faults.empty()) {
        int status = faults.front();
        faults.erase(faults.begin());
        res.status = status;
        res.set_content(fmt::format(R"([{{"code":{},"description":"fault"}}])", status),
                        "application/json");
        return;
      }
      res.set_content(json::array({json{{"service_request_id", "D-" + std::to_string(posts.size())}}})
                          .dump(),
                      "application/json");
    });
    server_.Get(R"(/open311/v2/requests/(.+)\.json)", [this](const httplib::Request& req,
                                                             httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      ++gets;
      res.set_content(json::array({json{{"service_request_id", req.matches[1].str()},
                                        {"status", status},
                                        {"status_notes", notes}}})
                          .dump(),
                      "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int waited = 0; waited < 5000 && !server_.is_running(); waited += 5) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  ~FakeDistrict() {
    server_.stop();
    thread_.join();
  }
  std::string base() const { return fmt::format("http://127.0.0.1:{}/open311/v2", port_); }
  void Set(const std::string& s, const std::string& n) {
    std::lock_guard<std::mutex> lock(mu_);
    status = s;
    notes = n;
  }
  size_t Posts() {
    std::lock_guard<std::mutex> lock(mu_);
    return posts.size();
  }

  std::mutex mu_;
  std::vector<httplib::Params> posts;  // guarded by mu_
  std::vector<int> faults;             // guarded by mu_
  int gets = 0;                        // guarded by mu_
  std::string status = "open";         // guarded by mu_
  std::string notes;                   // guarded by mu_

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

struct DistrictWorld {
  explicit DistrictWorld(const std::string& key = "district-key", bool reachable = true)
      : env([&](bot::Config& c) {
          c.district.open311_base = reachable ? fake.base() : "http://127.0.0.1:1/open311/v2";
          c.district.api_key = key;
          c.district.http_timeout_seconds = 1;
        }) {
    REQUIRE_OK(env.app->db().WithTransaction([&](storage::Tx& tx) {
      std::string report;
      return handlers::SeedDemo(tx, env.clock.NowSeconds(), &report);
    }));
    // A ticket of 王葆蕾 (5幢301, phone in the text) that climbed to the district.
    REQUIRE_OK(env.app->db().WithTransaction([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(auto grid, storage::GetUnitByCode(tx, "GG-01"));
      GEBI_ASSIGN_OR_RETURN(auto community, storage::GetUnitByCode(tx, "GG"));
      storage::Ticket t;
      t.grid_id = grid->id;
      t.community_id = community->id;
      t.reporter = "o_demo_floorleader";
      t.description = "楼顶水箱漏水，联系13912345678";
      t.category = "plumbing";
      GEBI_ASSIGN_OR_RETURN(ticket, storage::CreateTicket(tx, t, env.clock.NowSeconds()));
      int64_t since = env.clock.NowSeconds();
      for (auto [from, to] : {std::pair{"grid", "community"}, {"community", "street"},
                              {"street", "district"}}) {
        storage::Hop hop{from, since, to, "o_demo_worker1", "escalated", "需要上级"};
        GEBI_ASSIGN_OR_RETURN(auto ev, storage::MoveLevel(tx, ticket, hop, ++since));
        REQUIRE(ev.has_value());
      }
      return Status::Ok();
    }));
  }
  int64_t Count(const std::string& sql) {
    int64_t n = 0;
    REQUIRE_OK(env.app->db().WithRead([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryInt(sql));
      n = v.value_or(0);
      return Status::Ok();
    }));
    return n;
  }
  std::string Text(const std::string& sql) {
    std::string out;
    REQUIRE_OK(env.app->db().WithRead([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryText(sql));
      out = v.value_or("");
      return Status::Ok();
    }));
    return out;
  }
  std::string HandoffStatus() {
    return Text("SELECT status FROM outbox WHERE kind = 'district_handoff'");
  }

  FakeDistrict fake;
  PushEnv env;
  int64_t ticket = 0;
};

TEST_CASE("District hand-off: queued once, POSTed, pulled back, closed and told",
          "[integration][district]") {
  DistrictWorld w;
  bot::LadderScheduler ladder(*w.env.app);
  auto pass = ladder.RunOnce();
  REQUIRE_RESULT_OK(pass);
  REQUIRE(pass->handed_off == 1);
  // A second pass (or a second process) queues nothing more.
  REQUIRE(ladder.RunOnce()->handed_off == 0);
  bot::LadderScheduler other(*w.env.app);
  REQUIRE(other.RunOnce()->handed_off == 0);
  REQUIRE(w.Count("SELECT COUNT(*) FROM outbox WHERE kind = 'district_handoff'") == 1);
  REQUIRE(w.Count("SELECT COUNT(*) FROM ticket_events WHERE action = 'handed_off'") == 1);

  w.env.DrainUntilIdle();
  REQUIRE(w.HandoffStatus() == "sent");
  REQUIRE(w.fake.Posts() == 1);
  {
    std::lock_guard<std::mutex> lock(w.fake.mu_);
    const auto& form = w.fake.posts.front();
    auto field = [&](const char* k) {
      auto it = form.find(k);
      return it == form.end() ? std::string() : it->second;
    };
    REQUIRE(field("service_code") == "plumbing");
    REQUIRE(field("description") == "楼顶水箱漏水，联系139****5678");
    REQUIRE(field("address_string") == "桂柑社区第一网格 5幢");
    for (const auto& [k, v] : form) {
      CAPTURE(k, v);
      REQUIRE(v.find("o_demo") == std::string::npos);
      REQUIRE(v.find("13912345678") == std::string::npos);
      REQUIRE(v.find("301") == std::string::npos);
    }
  }
  REQUIRE(w.Text("SELECT remote_id FROM district_handoffs") == "D-1");

  // Pulls: nothing new, then a note, then closed.
  REQUIRE(*ladder.PullOnce() == 0);  // first sight: open, nothing to tell
  REQUIRE(*ladder.PullOnce() == 0);
  REQUIRE(w.Text("SELECT remote_status FROM district_handoffs") == "open");
  w.fake.Set("open", "已转住建局");
  REQUIRE(*ladder.PullOnce() == 1);
  REQUIRE(w.Text("SELECT json_extract(payload, '$.text') FROM outbox WHERE recipient = "
                 "'o_demo_floorleader' ORDER BY id DESC LIMIT 1")
              .find("已转住建局") != std::string::npos);
  w.fake.Set("closed", "物业已更换水箱");
  REQUIRE(*ladder.PullOnce() == 1);
  REQUIRE(w.Text("SELECT status FROM tickets WHERE id = " + std::to_string(w.ticket)) == "done");
  REQUIRE(w.Text("SELECT done_note FROM tickets WHERE id = " + std::to_string(w.ticket)) ==
          "物业已更换水箱");
  REQUIRE(w.Text("SELECT json_extract(payload, '$.text') FROM outbox WHERE recipient = "
                 "'o_demo_floorleader' ORDER BY id DESC LIMIT 1")
              .find("区里已办结") != std::string::npos);
  // Closed there: no more pulls.
  int gets = 0;
  {
    std::lock_guard<std::mutex> lock(w.fake.mu_);
    gets = w.fake.gets;
  }
  REQUIRE(*ladder.PullOnce() == 0);
  std::lock_guard<std::mutex> lock(w.fake.mu_);
  REQUIRE(w.fake.gets == gets);
}

TEST_CASE("District hand-off faults: 503 retried, 403 dead, unreachable retried then dead, "
          "a crash after the POST not resent",
          "[integration][district]") {
  SECTION("503 twice, then accepted: one ticket, three POSTs") {
    DistrictWorld w;
    {
      std::lock_guard<std::mutex> lock(w.fake.mu_);
      w.fake.faults = {503, 503};
    }
    REQUIRE_RESULT_OK(bot::LadderScheduler(*w.env.app).RunOnce());
    w.env.DrainUntilIdle();
    REQUIRE(w.HandoffStatus() == "sent");
    REQUIRE(w.fake.Posts() == 3);
    REQUIRE(w.Text("SELECT remote_id FROM district_handoffs") == "D-3");
  }
  SECTION("a wrong api_key: dead letter, no district id") {
    DistrictWorld w("wrong-key");
    REQUIRE_RESULT_OK(bot::LadderScheduler(*w.env.app).RunOnce());
    w.env.DrainUntilIdle();
    REQUIRE(w.HandoffStatus() == "dead");
    REQUIRE(w.Text("SELECT last_error FROM outbox WHERE kind = 'district_handoff'")
                .find("403") != std::string::npos);
    REQUIRE(w.fake.Posts() == 1);
    REQUIRE(w.Text("SELECT remote_id FROM district_handoffs").empty());
    // An operator retry after fixing the key would send it again: the row is retryable.
    REQUIRE_OK(w.env.app->db().WithTransaction([&](storage::Tx& tx) {
      return storage::RetryOutboxItem(
          tx, w.Count("SELECT id FROM outbox WHERE kind = 'district_handoff'"),
          w.env.clock.NowSeconds());
    }));
    REQUIRE(w.HandoffStatus() == "pending");
  }
  SECTION("the district is down: retried with backoff, then dead") {
    DistrictWorld w("district-key", /*reachable=*/false);
    REQUIRE_RESULT_OK(bot::LadderScheduler(*w.env.app).RunOnce());
    w.env.DrainUntilIdle();
    REQUIRE(w.HandoffStatus() == "dead");
    REQUIRE(w.Count("SELECT attempts FROM outbox WHERE kind = 'district_handoff'") ==
            w.env.config.push.max_attempts);
    REQUIRE(w.Text("SELECT remote_id FROM district_handoffs").empty());
    REQUIRE(w.Count("SELECT COUNT(*) FROM tickets WHERE status = 'open'") == 1);
  }
  SECTION("a crash between the district's answer and marking the row: not POSTed again") {
    DistrictWorld w;
    REQUIRE_RESULT_OK(bot::LadderScheduler(*w.env.app).RunOnce());
    std::atomic<int> crashes{0};
    w.env.app->outbox_worker().SetAfterSendHook([&](const storage::OutboxItem& item) {
      return !(item.kind == "district_handoff" && crashes.fetch_add(1) == 0);
    });
    w.env.DrainUntilIdle();
    w.env.clock.Advance(w.env.config.push.lease_seconds + 1);
    w.env.DrainUntilIdle();
    REQUIRE(w.HandoffStatus() == "sent");
    REQUIRE(w.fake.Posts() == 1);
    REQUIRE(crashes.load() >= 1);
  }
}

}  // namespace
}  // namespace gebi::testing
