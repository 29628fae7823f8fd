// Notices and recruitments on a migrated in-memory database: recipients counted once across
// circles, receipts kept once, one reminder to those without a receipt, withdrawal cancelling
// what is not delivered and telling the readers, and a quota with a waiting list promoted in
// arrival order.
#include "storage/notice_store.h"

#include "storage/circle_store.h"
#include "storage/migrations.h"
#include "storage/outbox.h"
#include "tests/support/test_env.h"

namespace gebi::storage {
namespace {

struct Fixture {
  Fixture() {
    auto opened = Database::Open(":memory:");
    REQUIRE(opened.ok());
    db = std::move(opened).value();
    REQUIRE_OK(Migrate(*db));
    Write([&](Tx& tx) -> Status {
      CircleInfo c{0, "building", "甲", std::nullopt, "o_owner", "", "open", "111111"};
      GEBI_ASSIGN_OR_RETURN(a, InsertCircle(tx, c, 1));
      c.name = "乙";
      c.invite_code = "222222";
      GEBI_ASSIGN_OR_RETURN(b, InsertCircle(tx, c, 1));
      for (const char* who : {"o_1", "o_2", "o_3"}) {
        GEBI_RETURN_IF_ERROR(AddMember(tx, a, who, "", 1).status());
      }
      GEBI_RETURN_IF_ERROR(AddMember(tx, b, "o_3", "", 1).status());
      return AddMember(tx, b, "o_4", "", 1).status();
    });
  }
  template <typename Fn>
  void Write(Fn fn) {
    REQUIRE_OK(db->WithTransaction(fn));
  }
  int64_t Count(const std::string& sql) {
    int64_t n = -1;
    REQUIRE_OK(db->WithRead([&](Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryInt(sql));
      n = v.value_or(0);
      return Status::Ok();
    }));
    return n;
  }
  int64_t Send() {
    int64_t id = 0;
    Write([&](Tx& tx) -> Status {
      Notice n;
      n.author = "o_owner";
      n.circles = "甲、乙";
      n.body = "停水";
      GEBI_ASSIGN_OR_RETURN(id, CreateNotice(tx, n, {a, b}, 10));
      return QueueNoticePushes(tx, id, R"({"text":"停水"})", 10).status();
    });
    return id;
  }
  std::unique_ptr<Database> db;
  int64_t a = 0, b = 0;
};

TEST_CASE_METHOD(Fixture, "A notice reaches each member of its circles once, not its author",
                 "[storage][circles]") {
  Write([&](Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(int64_t n, CountCircleAudience(tx, {a, b}, "o_owner"));
    CHECK(n == 4);
    return Status::Ok();
  });
  const int64_t id = Send();
  CHECK(Count("SELECT recipients FROM notices WHERE id = " + std::to_string(id)) == 4);
  CHECK(Count("SELECT COUNT(*) FROM outbox WHERE kind = 'notice'") == 4);
  CHECK(Count("SELECT COUNT(*) FROM outbox WHERE recipient = 'o_owner'") == 0);
  CHECK(Count("SELECT COUNT(*) FROM outbox WHERE recipient = 'o_3'") == 1);
}

TEST_CASE_METHOD(Fixture, "Receipts, one reminder, and withdrawal", "[storage][circles]") {
  const int64_t id = Send();
  Write([&](Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto latest, LatestUnreceived(tx, "o_1"));
    CHECK(latest == id);
    GEBI_ASSIGN_OR_RETURN(bool first, MarkReceived(tx, id, "o_1", 20));
    GEBI_ASSIGN_OR_RETURN(bool again, MarkReceived(tx, id, "o_1", 30));
    CHECK(first);
    CHECK_FALSE(again);
    GEBI_ASSIGN_OR_RETURN(auto none, LatestUnreceived(tx, "o_1"));
    CHECK_FALSE(none.has_value());
    GEBI_ASSIGN_OR_RETURN(int64_t reminded, QueueReminders(tx, id, R"({"text":"提醒"})", 40));
    CHECK(reminded == 3);
    return Status::Ok();
  });
  CHECK(Count("SELECT COUNT(*) FROM outbox WHERE dedup_key LIKE '%:remind:o_1'") == 0);
  // o_2's pushes (first and reminder) went out; the others are still pending.
  Write(
      [&](Tx& tx) { return tx.Exec("UPDATE outbox SET status = 'sent' WHERE recipient = 'o_2'"); });
  Write([&](Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto c, WithdrawNotice(tx, id, R"({"text":"撤回"})", 50));
    CHECK(c.told == 1);       // o_2 read it
    CHECK(c.cancelled == 5);  // o_1, o_3, o_4's first pushes + o_3, o_4's reminders
    GEBI_ASSIGN_OR_RETURN(auto n, GetNotice(tx, id));
    REQUIRE(n.has_value());
    CHECK(n->status == "withdrawn");
    CHECK(n->received == 1);
    return Status::Ok();
  });
  CHECK(Count("SELECT COUNT(*) FROM outbox WHERE status = 'inbox' AND recipient = 'o_2' AND "
              "kind = 'notice_withdrawn'") == 1);
  CHECK(Count("SELECT COUNT(*) FROM outbox WHERE kind = 'notice' AND status = 'pending'") == 0);
}

TEST_CASE_METHOD(Fixture, "A full quota waits, and a cancel promotes the earliest waiting",
                 "[storage][circles]") {
  int64_t id = 0;
  Write([&](Tx& tx) -> Status {
    Recruitment r;
    r.organiser = "o_owner";
    r.body = "录节目";
    r.quota = 2;
    GEBI_ASSIGN_OR_RETURN(id, CreateRecruitment(tx, r, {a}, 1));
    for (const char* who : {"o_1", "o_2", "o_3", "o_4"}) {
      GEBI_ASSIGN_OR_RETURN(std::string st, SignUp(tx, id, who, who, 2, 2));
      CHECK(st == (std::string(who) <= "o_2" ? "signed" : "waiting"));
    }
    GEBI_ASSIGN_OR_RETURN(auto promoted, CancelSignup(tx, id, "o_2", 3));
    CHECK(promoted == std::optional<std::string>("o_3"));
    GEBI_ASSIGN_OR_RETURN(auto none, CancelSignup(tx, id, "o_4", 4));  // a waiting one leaves
    CHECK_FALSE(none.has_value());
    CHECK(CancelSignup(tx, id, "o_4", 5).status().IsNotFound());
    GEBI_ASSIGN_OR_RETURN(auto r2, GetRecruitment(tx, id));
    REQUIRE(r2.has_value());
    CHECK(r2->signed_up == 2);
    CHECK(r2->waiting == 0);
    GEBI_ASSIGN_OR_RETURN(bool closed, CloseRecruitment(tx, id, 6));
    GEBI_ASSIGN_OR_RETURN(bool again, CloseRecruitment(tx, id, 7));
    CHECK(closed);
    CHECK_FALSE(again);
    return Status::Ok();
  });
}

}  // namespace
}  // namespace gebi::storage
