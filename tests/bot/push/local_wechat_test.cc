// The demo's local simulated WeChat: due notices are marked delivered on channel "local" and
// never leave the machine, photo downloads (and district hand-offs) are dead-lettered with a
// reason, and each person's notices are read once (the cursor moves past them).
#include "bot/push/local_wechat.h"

#include <chrono>
#include <thread>

#include "storage/migrations.h"
#include "storage/outbox.h"
#include "tests/support/test_env.h"

namespace gebi::bot {
namespace {

struct Fixture {
  Fixture() : clock(1000) {
    auto opened = storage::Database::Open(dir.File("local.db"));
    REQUIRE(opened.ok());
    db = std::move(opened).value();
    REQUIRE_OK(storage::Migrate(*db));
  }
  void Add(const std::string& to, const std::string& kind, const std::string& text,
           const std::string& key) {
    REQUIRE_OK(db->WithTransaction([&](storage::Tx& tx) -> Status {
      return storage::Enqueue(tx, {0, to, kind, R"({"text":")" + text + R"("})", key},
                              clock.NowSeconds())
          .status();
    }));
  }
  testing::TempDir dir;
  FakeClock clock;
  std::unique_ptr<storage::Database> db;
};

TEST_CASE_METHOD(Fixture, "Local WeChat delivers notices on this machine and shows them once",
                 "[bot][push]") {
  Add("o_a", "ticket_new", "【新报修 1号】", "k1");
  Add("o_b", "join_result", "您已加入", "k2");
  Add("o_a", "media_fetch", "", "k3");
  Add("district", "district_handoff", "", "k5");
  LocalWeChat local(*db, clock, 10);
  auto done = local.DrainOnce();
  REQUIRE_RESULT_OK(done);
  CHECK(*done == 4);
  // A hand-off to the district is not a notice: it waits as a dead letter, not "delivered".
  REQUIRE_OK(db->WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto rows, storage::ListOutboxFor(tx, "district"));
    REQUIRE(rows.size() == 1);
    CHECK(rows.front().status == "dead");
    CHECK(rows.front().last_error.find("district") != std::string::npos);
    return Status::Ok();
  }));
  REQUIRE_OK(db->WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto rows, storage::ListOutboxFor(tx, "o_a"));
    REQUIRE(rows.size() == 2);
    for (const auto& r : rows) {
      if (r.kind == "media_fetch") {
        CHECK(r.status == "dead");
      } else {
        CHECK(r.status == "sent");
        CHECK(r.channel == "local");
      }
    }
    return Status::Ok();
  }));
  auto peek = TakeLocalNotices(*db, "o_a", /*advance=*/false, 10);
  REQUIRE_RESULT_OK(peek);
  REQUIRE(peek->size() == 1);
  CHECK(peek->front().text == "【新报修 1号】");
  auto first = TakeLocalNotices(*db, "o_a", /*advance=*/true, 10);
  REQUIRE_RESULT_OK(first);
  CHECK(first->size() == 1);
  auto again = TakeLocalNotices(*db, "o_a", /*advance=*/true, 10);
  REQUIRE_RESULT_OK(again);
  CHECK(again->empty());
  Add("o_a", "ticket_done", "修好了", "k4");
  local.Start();
  for (int i = 0; i < 200; ++i) {
    auto later = TakeLocalNotices(*db, "o_a", /*advance=*/false, 10);
    REQUIRE_RESULT_OK(later);
    if (!later->empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  local.Stop();
  auto later = TakeLocalNotices(*db, "o_a", /*advance=*/true, 10);
  REQUIRE_RESULT_OK(later);
  REQUIRE(later->size() == 1);
  CHECK(later->front().text == "修好了");
  auto other = TakeLocalNotices(*db, "o_b", /*advance=*/true, 10);
  REQUIRE_RESULT_OK(other);
  CHECK(other->size() == 1);
}

}  // namespace
}  // namespace gebi::bot
