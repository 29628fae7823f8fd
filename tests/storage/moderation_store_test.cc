// Moderation storage on a migrated in-memory database: the ten seeded categories and the
// version bump of an edit, held items decided once, strikes and their mutes per person and
// circle (a lifted strike ends its mute), one open removal proposal per person and circle, and
// appeals.
#include "storage/moderation_store.h"

#include <set>

#include "storage/circle_store.h"
#include "storage/migrations.h"
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
  template <typename Fn>
  void Write(Fn fn) {
    REQUIRE_OK(db->WithTransaction(fn));
  }
  std::unique_ptr<Database> db;
};

TEST_CASE("Ten categories are seeded and an edit bumps the version", "[storage][moderation]") {
  Fixture f;
  f.Write([&](Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto all, ListModerationCategories(tx));
    REQUIRE(all.size() == 10);
    std::set<std::string> titles;
    for (const auto& c : all) {
      CHECK(c.enabled);
      CHECK((!c.keywords.empty() || !c.patterns.empty()));
      titles.insert(c.title);
    }
    for (const char* t : {"广告", "谣言", "政治敏感", "诈骗", "低俗", "赌博", "人身攻击",
                          "泄露隐私", "商业推销", "不安全链接"}) {
      CAPTURE(t);
      CHECK(titles.count(t) == 1);
    }
    GEBI_ASSIGN_OR_RETURN(int64_t v1, ModerationVersion(tx));
    ModerationCategory c = all[0];
    c.enabled = false;
    GEBI_ASSIGN_OR_RETURN(bool changed, UpdateModerationCategory(tx, c, 5));
    CHECK(changed);
    GEBI_ASSIGN_OR_RETURN(int64_t v2, ModerationVersion(tx));
    CHECK(v2 == v1 + 1);
    GEBI_ASSIGN_OR_RETURN(auto again, GetModerationCategory(tx, c.id));
    CHECK_FALSE(again->enabled);
    c.id = 999;
    GEBI_ASSIGN_OR_RETURN(changed, UpdateModerationCategory(tx, c, 5));
    CHECK_FALSE(changed);
    GEBI_ASSIGN_OR_RETURN(int64_t v3, ModerationVersion(tx));
    CHECK(v3 == v2);
    return Status::Ok();
  });
}

TEST_CASE("A held item is decided once", "[storage][moderation]") {
  Fixture f;
  f.Write([&](Tx& tx) -> Status {
    HeldItem h;
    h.kind = "notice";
    h.sender = "o_a";
    h.circle_id = 3;
    h.community_id = 7;
    h.rule = "广告";
    h.text = "加微信";
    h.payload = R"({"body":"x"})";
    GEBI_ASSIGN_OR_RETURN(int64_t id, InsertHeldItem(tx, h, 10));
    GEBI_ASSIGN_OR_RETURN(auto got, GetHeldItem(tx, id));
    REQUIRE(got);
    CHECK(got->status == "held");
    CHECK(got->payload == h.payload);
    GEBI_ASSIGN_OR_RETURN(auto queue, ListHeldItems(tx, 7, "held", 10));
    CHECK(queue.size() == 1);
    GEBI_ASSIGN_OR_RETURN(auto other, ListHeldItems(tx, 8, "", 10));
    CHECK(other.empty());
    GEBI_ASSIGN_OR_RETURN(bool first, DecideHeldItem(tx, id, "released", "o_m", 11));
    GEBI_ASSIGN_OR_RETURN(bool second, DecideHeldItem(tx, id, "rejected", "o_m", 12));
    CHECK(first);
    CHECK_FALSE(second);
    GEBI_ASSIGN_OR_RETURN(got, GetHeldItem(tx, id));
    CHECK(got->status == "released");
    GEBI_ASSIGN_OR_RETURN(auto latest, LatestHeldOf(tx, "o_a"));
    CHECK_FALSE(latest.has_value());  // released: nothing to appeal
    return Status::Ok();
  });
}

TEST_CASE("Strikes count per person and circle and a lifted strike ends its mute",
          "[storage][moderation]") {
  Fixture f;
  f.Write([&](Tx& tx) -> Status {
    Strike s;
    s.openid = "o_a";
    s.circle_id = 3;
    s.rule = "广告";
    GEBI_RETURN_IF_ERROR(InsertStrike(tx, s, 100).status());
    s.muted_until = 1000;
    GEBI_ASSIGN_OR_RETURN(int64_t muting, InsertStrike(tx, s, 200));
    GEBI_ASSIGN_OR_RETURN(int64_t n, ActiveStrikes(tx, "o_a", 3));
    CHECK(n == 2);
    GEBI_ASSIGN_OR_RETURN(n, ActiveStrikes(tx, "o_a", 4));
    CHECK(n == 0);
    GEBI_ASSIGN_OR_RETURN(auto until, MutedUntil(tx, "o_a", 3, 500));
    CHECK(until == std::optional<int64_t>(1000));
    GEBI_ASSIGN_OR_RETURN(until, MutedUntil(tx, "o_a", 3, 1000));
    CHECK_FALSE(until.has_value());  // over
    GEBI_ASSIGN_OR_RETURN(until, MutedUntil(tx, "o_a", 0, 500));
    CHECK_FALSE(until.has_value());  // another circle
    GEBI_ASSIGN_OR_RETURN(bool lifted, LiftStrike(tx, muting, "admin:x", 300));
    CHECK(lifted);
    GEBI_ASSIGN_OR_RETURN(lifted, LiftStrike(tx, muting, "admin:x", 300));
    CHECK_FALSE(lifted);
    GEBI_ASSIGN_OR_RETURN(until, MutedUntil(tx, "o_a", 3, 500));
    CHECK_FALSE(until.has_value());
    return Status::Ok();
  });
}

TEST_CASE("One open removal proposal per person and circle, and appeals", "[storage][moderation]") {
  Fixture f;
  f.Write([&](Tx& tx) -> Status {
    CircleInfo c{0, "building", "甲", std::nullopt, "o_owner", "", "open", "111111"};
    GEBI_ASSIGN_OR_RETURN(int64_t circle, InsertCircle(tx, c, 1));
    GEBI_RETURN_IF_ERROR(AddMember(tx, circle, "o_a", "小广", 1).status());
    GEBI_ASSIGN_OR_RETURN(auto named, CircleMembersNamed(tx, circle, "小广"));
    CHECK(named == std::vector<std::string>{"o_a"});
    GEBI_ASSIGN_OR_RETURN(auto managers, CircleManagers(tx, circle));
    CHECK(managers == std::vector<std::string>{"o_owner"});
    GEBI_ASSIGN_OR_RETURN(auto joined, CircleJoinedAt(tx, circle, "o_a"));
    CHECK(joined == std::optional<int64_t>(1));
    Removal r;
    r.circle_id = circle;
    r.openid = "o_a";
    r.reason = "发广告";
    r.proposed_by = "o_owner";
    GEBI_ASSIGN_OR_RETURN(int64_t id, InsertRemoval(tx, r, 5));
    auto twice = InsertRemoval(tx, r, 6);
    CHECK(twice.status().code() == Status::Code::kAlreadyExists);
    GEBI_ASSIGN_OR_RETURN(bool confirmed, ConfirmRemoval(tx, id, "o_worker", 7));
    CHECK(confirmed);
    GEBI_ASSIGN_OR_RETURN(confirmed, ConfirmRemoval(tx, id, "o_worker", 7));
    CHECK_FALSE(confirmed);
    GEBI_ASSIGN_OR_RETURN(auto latest, LatestRemovalOf(tx, "o_a"));
    CHECK(latest->status == "confirmed");
    Appeal a;
    a.openid = "o_a";
    a.removal_id = id;
    GEBI_ASSIGN_OR_RETURN(bool open, HasOpenAppeal(tx, "o_a", std::nullopt, id));
    CHECK_FALSE(open);
    GEBI_ASSIGN_OR_RETURN(int64_t appeal, InsertAppeal(tx, a, 8));
    GEBI_ASSIGN_OR_RETURN(open, HasOpenAppeal(tx, "o_a", std::nullopt, id));
    CHECK(open);
    GEBI_ASSIGN_OR_RETURN(bool closed, CloseAppeal(tx, appeal));
    CHECK(closed);
    GEBI_ASSIGN_OR_RETURN(closed, CloseAppeal(tx, appeal));
    CHECK_FALSE(closed);
    return Status::Ok();
  });
}

}  // namespace
}  // namespace gebi::storage
