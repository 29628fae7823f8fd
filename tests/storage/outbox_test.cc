#include "storage/outbox.h"

#include "storage/migrations.h"
#include "storage/token_store.h"
#include "tests/support/test_env.h"

namespace gebi::storage {
namespace {

struct Fixture {
  Fixture() {
    auto opened = Database::Open(":memory:");
    REQUIRE(opened.ok());
    db = std::move(opened).value();
    REQUIRE_OK(Migrate(*db));
  }
  int64_t Add(const std::string& key, int64_t now = 100) {
    int64_t id = 0;
    REQUIRE_OK(db->WithTransaction([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(bool ok,
                            Enqueue(tx, {0, "o_x", "notice", R"({"text":"t"})", key}, now));
      id = ok ? tx.LastInsertId() : 0;
      return Status::Ok();
    }));
    return id;
  }
  template <typename Fn>
  void Write(Fn fn) {
    REQUIRE_OK(db->WithTransaction(fn));
  }
  std::unique_ptr<Database> db;
};

TEST_CASE_METHOD(Fixture, "A claim takes expired leases first, then pending rows oldest first",
                 "[storage][push]") {
  const int64_t later = Add("later", 120), early = Add("early", 90), middle = Add("middle", 110);
  Add("future", 500);
  std::vector<OutboxItem> lost, rows, none;
  Write([&](storage::Tx& tx) -> Status {
    // A worker claims one row and dies: its lease ends at 115.
    GEBI_ASSIGN_OR_RETURN(lost, ClaimDue(tx, "dead", 110, 115, 1));
    return Status::Ok();
  });
  REQUIRE(lost.size() == 1);
  CHECK(lost[0].id == early);  // the oldest pending row
  Write([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(rows, ClaimDue(tx, "w", 130, 190, 10));
    GEBI_ASSIGN_OR_RETURN(none, ClaimDue(tx, "w", 130, 190, 10));
    return Status::Ok();
  });
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].id == early);  // the expired lease, taken again
  CHECK(rows[0].attempts == 2);
  CHECK(rows[1].id == middle);
  CHECK(rows[2].id == later);
  CHECK(none.empty());  // "future" is not due; the rest are leased
  // A limit counts both kinds together.
  std::vector<OutboxItem> one;
  Write([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(one, ClaimDue(tx, "w2", 600, 700, 1));
    return Status::Ok();
  });
  REQUIRE(one.size() == 1);
  // The three leases of 190 ended before "future" (500) was due; among them, the first row.
  CHECK(one[0].id == later);
}

TEST_CASE_METHOD(Fixture, "Outbox rows are claimed once under a lease", "[storage][push]") {
  int64_t a = Add("a"), b = Add("b");
  REQUIRE(Add("a") == 0);  // dedup key
  std::vector<OutboxItem> first, second;
  Write([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(bool any, AnyDue(tx, 100));
    CHECK(any);
    GEBI_ASSIGN_OR_RETURN(first, ClaimDue(tx, "w1", 100, 160, 10));
    GEBI_ASSIGN_OR_RETURN(second, ClaimDue(tx, "w2", 100, 160, 10));
    // Both leased until 160: nothing is due before then, both are after.
    GEBI_ASSIGN_OR_RETURN(any, AnyDue(tx, 159));
    CHECK_FALSE(any);
    GEBI_ASSIGN_OR_RETURN(any, AnyDue(tx, 160));
    CHECK(any);
    return Status::Ok();
  });
  REQUIRE(first.size() == 2);
  CHECK(first[0].id == a);
  CHECK(first[0].attempts == 1);
  CHECK(first[0].claimed_by == "w1");
  CHECK(second.empty());
  // w1 dies; after the lease another worker takes the rows again.
  Write([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(second, ClaimDue(tx, "w2", 160, 220, 1));
    return Status::Ok();
  });
  REQUIRE(second.size() == 1);
  CHECK(second[0].attempts == 2);
  Write([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(bool sent, MarkSent(tx, a, "custom", 170));
    CHECK(sent);
    // A late mark from the dead worker changes nothing any more.
    GEBI_ASSIGN_OR_RETURN(bool again, MarkRetry(tx, a, 999, "late", ""));
    CHECK_FALSE(again);
    GEBI_ASSIGN_OR_RETURN(bool released, ReleaseClaim(tx, b, 300, "no token"));
    CHECK(released);
    return Status::Ok();
  });
  Write([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto ra, GetOutboxItem(tx, a));
    GEBI_ASSIGN_OR_RETURN(auto rb, GetOutboxItem(tx, b));
    CHECK(ra->status == "sent");
    CHECK(ra->channel == "custom");
    CHECK(ra->sent_at == 170);
    CHECK(rb->status == "pending");
    CHECK(rb->attempts == 0);  // released, not counted
    CHECK(rb->next_attempt_at == 300);
    GEBI_ASSIGN_OR_RETURN(auto due, NextDueAt(tx));
    CHECK(due == 300);
    GEBI_ASSIGN_OR_RETURN(bool any, AnyDue(tx, 299));
    CHECK_FALSE(any);
    GEBI_ASSIGN_OR_RETURN(any, AnyDue(tx, 300));
    CHECK(any);
    return Status::Ok();
  });
}

TEST_CASE_METHOD(Fixture, "Operator retry accepts dead or pending rows only", "[storage][push]") {
  int64_t id = Add("a");
  Write([&](storage::Tx& tx) -> Status {
    GEBI_RETURN_IF_ERROR(ClaimDue(tx, "w", 100, 130, 1).status());
    GEBI_RETURN_IF_ERROR(MarkDead(tx, id, "boom").status());
    return RetryOutboxItem(tx, id, 500);
  });
  Write([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto r, GetOutboxItem(tx, id));
    CHECK(r->status == "pending");
    CHECK(r->attempts == 0);
    CHECK(r->next_attempt_at == 500);
    CHECK(RetryOutboxItem(tx, 4242, 1).IsNotFound());
    GEBI_RETURN_IF_ERROR(ClaimDue(tx, "w", 500, 530, 1).status());
    GEBI_RETURN_IF_ERROR(MarkSent(tx, id, "custom", 501).status());
    CHECK(RetryOutboxItem(tx, id, 1).code() == Status::Code::kFailedPrecondition);
    return Status::Ok();
  });
}

TEST_CASE_METHOD(Fixture, "Inbox rows are listed per recipient and delivered once",
                 "[storage][push]") {
  int64_t id = Add("a");
  Write([&](storage::Tx& tx) -> Status {
    GEBI_RETURN_IF_ERROR(ClaimDue(tx, "w", 100, 130, 1).status());
    GEBI_RETURN_IF_ERROR(MarkInbox(tx, id, 101).status());
    GEBI_ASSIGN_OR_RETURN(int64_t n, CountInbox(tx, "o_x"));
    CHECK(n == 1);
    GEBI_ASSIGN_OR_RETURN(int64_t other, CountInbox(tx, "o_y"));
    CHECK(other == 0);
    GEBI_RETURN_IF_ERROR(MarkInboxDelivered(tx, id, 200));
    GEBI_ASSIGN_OR_RETURN(n, CountInbox(tx, "o_x"));
    CHECK(n == 0);
    GEBI_ASSIGN_OR_RETURN(auto r, GetOutboxItem(tx, id));
    CHECK(r->status == "sent");
    CHECK(r->channel == "inbox");
    return Status::Ok();
  });
}

TEST_CASE_METHOD(Fixture, "Token rows and leases", "[storage][push]") {
  Write([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(bool a, TryAcquireLease(tx, "L", "p1", 100, 130));
    GEBI_ASSIGN_OR_RETURN(bool b, TryAcquireLease(tx, "L", "p2", 110, 140));
    GEBI_ASSIGN_OR_RETURN(bool c, TryAcquireLease(tx, "L", "p2", 130, 160));  // expired
    CHECK(a);
    CHECK_FALSE(b);
    CHECK(c);
    GEBI_RETURN_IF_ERROR(ReleaseLease(tx, "L", "p1"));  // not the holder: no effect
    GEBI_ASSIGN_OR_RETURN(bool d, TryAcquireLease(tx, "L", "p3", 131, 160));
    CHECK_FALSE(d);
    GEBI_RETURN_IF_ERROR(SaveToken(tx, "stable", "T1", 100, 180, 200));
    GEBI_RETURN_IF_ERROR(RejectToken(tx, "stable", "OLD"));  // not the stored one
    GEBI_ASSIGN_OR_RETURN(auto t, GetToken(tx, "stable"));
    CHECK(t->refresh_at == 180);
    GEBI_RETURN_IF_ERROR(RejectToken(tx, "stable", "T1"));
    GEBI_ASSIGN_OR_RETURN(t, GetToken(tx, "stable"));
    CHECK(t->refresh_at == 0);
    CHECK(t->rejected_token == "T1");
    GEBI_RETURN_IF_ERROR(BlockToken(tx, "stable", 999, "errcode 40164"));
    GEBI_ASSIGN_OR_RETURN(t, GetToken(tx, "stable"));
    CHECK(t->blocked_until == 999);
    CHECK(t->token == "T1");
    GEBI_ASSIGN_OR_RETURN(auto none, GetToken(tx, "classic"));
    CHECK_FALSE(none.has_value());
    return Status::Ok();
  });
}

}  // namespace
}  // namespace gebi::storage
