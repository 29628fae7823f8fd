// Elderly-care storage on a migrated in-memory database: elders unique per circle, links by
// role, a relay recorded pending and sent once to the family at delivery time (never to the
// volunteer, never to another elder's family), held / rejected states, thanks once per family
// member and the volunteer told once, and the counts the console shows.
#include "storage/care_store.h"

#include "storage/circle_store.h"
#include "storage/migrations.h"
#include "storage/privacy_store.h"
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
      CircleInfo c{0, "elderly_care", "关爱组", std::nullopt, "o_worker", "", "approval", "333333"};
      GEBI_ASSIGN_OR_RETURN(circle, InsertCircle(tx, c, 1));
      GEBI_ASSIGN_OR_RETURN(jin, AddCareElder(tx, circle, "金阿婆", std::nullopt, "o_worker", 1));
      GEBI_ASSIGN_OR_RETURN(
          wang, AddCareElder(tx, circle, "王阿公", std::string("o_wang"), "o_worker", 1));
      GEBI_RETURN_IF_ERROR(LinkCare(tx, jin, "o_daughter", "family", "o_worker", 1).status());
      GEBI_RETURN_IF_ERROR(LinkCare(tx, jin, "o_son", "family", "o_worker", 1).status());
      GEBI_RETURN_IF_ERROR(LinkCare(tx, wang, "o_wang_son", "family", "o_worker", 1).status());
      GEBI_RETURN_IF_ERROR(LinkCare(tx, jin, "o_vol", "volunteer", "o_worker", 1).status());
      // A volunteer who is also family does not get their own relay.
      return LinkCare(tx, jin, "o_vol", "family", "o_worker", 1).status();
    });
  }
  template <typename Fn>
  void Write(Fn fn) {
    REQUIRE_OK(db->WithTransaction(fn));
  }
  int64_t Record(int64_t elder, const std::string& body = "今天很好") {
    int64_t id = 0;
    Write([&](Tx& tx) -> Status {
      CareRelay r;
      r.circle_id = circle;
      r.elder_id = elder;
      r.volunteer = "o_vol";
      r.body = body;
      GEBI_ASSIGN_OR_RETURN(id, RecordCareRelay(tx, r, 10));
      return Status::Ok();
    });
    return id;
  }
  std::vector<std::string> Send(int64_t id) {
    std::vector<std::string> out;
    Write([&](Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(out, MarkCareRelaySent(tx, id, 20));
      return Status::Ok();
    });
    return out;
  }
  std::unique_ptr<Database> db;
  int64_t circle = 0, jin = 0, wang = 0;
};

TEST_CASE("Elders are unique per circle and links are kept by role", "[storage][care]") {
  Fixture f;
  f.Write([&](Tx& tx) -> Status {
    auto again = AddCareElder(tx, f.circle, "金阿婆", std::nullopt, "o_worker", 2);
    CHECK(again.status().code() == Status::Code::kAlreadyExists);
    GEBI_ASSIGN_OR_RETURN(bool twice, LinkCare(tx, f.jin, "o_daughter", "family", "x", 2));
    CHECK_FALSE(twice);
    auto bad = LinkCare(tx, f.jin, "o_x", "owner", "x", 2);
    CHECK(bad.status().code() == Status::Code::kInvalidArgument);
    GEBI_ASSIGN_OR_RETURN(auto elder, GetCareElder(tx, f.jin));
    REQUIRE(elder);
    CHECK(elder->family == 3);
    CHECK(elder->volunteers == 1);
    CHECK(elder->circle_name == "关爱组");
    GEBI_ASSIGN_OR_RETURN(auto wang, GetCareElder(tx, f.wang));
    REQUIRE(wang);
    CHECK(wang->resident_openid == std::optional<std::string>("o_wang"));
    GEBI_ASSIGN_OR_RETURN(auto mine, EldersLinkedTo(tx, "o_vol", "volunteer"));
    REQUIRE(mine.size() == 1);
    CHECK(mine[0].name == "金阿婆");
    GEBI_ASSIGN_OR_RETURN(auto people, CarePeople(tx, f.jin));
    CHECK(people.size() == 4);
    CHECK(people.back().role == "volunteer");
    GEBI_ASSIGN_OR_RETURN(bool family, IsCareFamily(tx, "o_son"));
    CHECK(family);
    GEBI_ASSIGN_OR_RETURN(bool stranger, IsCareFamily(tx, "o_stranger"));
    CHECK_FALSE(stranger);
    GEBI_ASSIGN_OR_RETURN(bool removed, UnlinkCare(tx, f.jin, "o_son", "family"));
    CHECK(removed);
    GEBI_ASSIGN_OR_RETURN(bool gone, UnlinkCare(tx, f.jin, "o_son", "family"));
    CHECK_FALSE(gone);
    return Status::Ok();
  });
}

TEST_CASE("A relay is recorded pending and sent once to that elder's family", "[storage][care]") {
  Fixture f;
  const int64_t id = f.Record(f.jin);
  f.Write([&](Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto r, GetCareRelay(tx, id));
    REQUIRE(r);
    CHECK(r->status == "pending");
    CHECK(r->recipients == 0);
    return Status::Ok();
  });
  CHECK(f.Send(id) == std::vector<std::string>{"o_daughter", "o_son"});
  CHECK(f.Send(id).empty());  // a second delivery finds nothing to do
  f.Write([&](Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto r, GetCareRelay(tx, id));
    REQUIRE(r);
    CHECK(r->status == "sent");
    CHECK(r->recipients == 2);
    GEBI_ASSIGN_OR_RETURN(bool got, ReceivedRelay(tx, id, "o_son"));
    CHECK(got);
    GEBI_ASSIGN_OR_RETURN(bool other, ReceivedRelay(tx, id, "o_wang_son"));
    CHECK_FALSE(other);
    GEBI_ASSIGN_OR_RETURN(auto latest, LatestRelayTo(tx, "o_daughter"));
    CHECK(latest == std::optional<int64_t>(id));
    GEBI_ASSIGN_OR_RETURN(auto none, LatestRelayTo(tx, "o_wang_son"));
    CHECK_FALSE(none);
    return Status::Ok();
  });
}

TEST_CASE("Held relays wait, rejected ones are never sent", "[storage][care]") {
  Fixture f;
  const int64_t held = f.Record(f.jin);
  const int64_t rejected = f.Record(f.jin);
  f.Write([&](Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(bool h, SetCareRelayStatus(tx, held, "held"));
    CHECK(h);
    GEBI_ASSIGN_OR_RETURN(bool x, SetCareRelayStatus(tx, rejected, "rejected"));
    CHECK(x);
    GEBI_ASSIGN_OR_RETURN(bool again, SetCareRelayStatus(tx, rejected, "held"));
    CHECK_FALSE(again);
    auto bad = SetCareRelayStatus(tx, held, "sent");
    CHECK(bad.status().code() == Status::Code::kInvalidArgument);
    GEBI_ASSIGN_OR_RETURN(auto latest, LatestTextRelayOf(tx, "o_vol", 0));
    REQUIRE(latest);
    CHECK(latest->id == held);  // a rejected relay takes no photo
    return Status::Ok();
  });
  CHECK(f.Send(rejected).empty());
  CHECK(f.Send(held).size() == 2);
}

TEST_CASE("Thanks count once per family member and the volunteer is told once", "[storage][care]") {
  Fixture f;
  const int64_t id = f.Record(f.jin);
  f.Send(id);
  f.Write([&](Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(bool first, ThankRelay(tx, id, "o_son", 30));
    CHECK(first);
    GEBI_ASSIGN_OR_RETURN(bool again, ThankRelay(tx, id, "o_son", 31));
    CHECK_FALSE(again);
    GEBI_ASSIGN_OR_RETURN(bool stranger, ThankRelay(tx, id, "o_wang_son", 31));
    CHECK_FALSE(stranger);
    GEBI_ASSIGN_OR_RETURN(bool other, ThankRelay(tx, id, "o_daughter", 32));
    CHECK(other);
    GEBI_ASSIGN_OR_RETURN(bool tell, MarkVolunteerThanked(tx, id, 30));
    CHECK(tell);
    GEBI_ASSIGN_OR_RETURN(bool tell_again, MarkVolunteerThanked(tx, id, 32));
    CHECK_FALSE(tell_again);
    GEBI_ASSIGN_OR_RETURN(int64_t total, ThanksOfVolunteer(tx, "o_vol"));
    CHECK(total == 2);
    GEBI_ASSIGN_OR_RETURN(auto month, CountsForElder(tx, f.jin, 0));
    CHECK(month.relays == 1);
    CHECK(month.photos == 0);
    CHECK(month.thanks == 2);
    GEBI_ASSIGN_OR_RETURN(auto later, CountsForElder(tx, f.jin, 11));
    CHECK(later.relays == 0);
    GEBI_ASSIGN_OR_RETURN(auto circles, CareCountsByCircle(tx));
    REQUIRE(circles.size() == 1);
    CHECK(circles[0].relays == 1);
    CHECK(circles[0].thanks == 2);
    GEBI_ASSIGN_OR_RETURN(int64_t recent, CountRelaysSince(tx, "o_vol", 0));
    CHECK(recent == 1);
    return Status::Ok();
  });
}

TEST_CASE("Family requests remember their elder", "[storage][care]") {
  Fixture f;
  f.Write([&](Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(int64_t req,
                          CreateCircleJoinRequest(tx, f.circle, "o_new", "金阿婆家属", 5));
    GEBI_RETURN_IF_ERROR(SetCareRequest(tx, req, f.jin));
    GEBI_ASSIGN_OR_RETURN(auto elder, CareRequestElder(tx, req));
    CHECK(elder == std::optional<int64_t>(f.jin));
    GEBI_ASSIGN_OR_RETURN(auto none, CareRequestElder(tx, req + 1));
    CHECK_FALSE(none);
    return Status::Ok();
  });
}

TEST_CASE("Forgetting a person removes their care links and blanks their relays",
          "[storage][care]") {
  Fixture f;
  const int64_t id = f.Record(f.jin, "今天在家包饺子");
  f.Send(id);
  f.Write([&](Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(bool thanked, ThankRelay(tx, id, "o_son", 30));
    CHECK(thanked);
    GEBI_ASSIGN_OR_RETURN(auto volunteer, ForgetPerson(tx, "o_vol", "forgotten:1"));
    GEBI_ASSIGN_OR_RETURN(auto son, ForgetPerson(tx, "o_son", "forgotten:2"));
    GEBI_ASSIGN_OR_RETURN(auto elder, ForgetPerson(tx, "o_wang", "forgotten:3"));
    CHECK(volunteer.deleted >= 2);  // a volunteer link and a family link
    CHECK(son.anonymised >= 1);
    GEBI_ASSIGN_OR_RETURN(auto r, GetCareRelay(tx, id));
    REQUIRE(r);
    CHECK(r->volunteer == "forgotten:1");
    CHECK(r->body == "[已删除]");
    CHECK(r->thanks == 1);  // the numbers keep the thank-you
    GEBI_ASSIGN_OR_RETURN(auto links, EldersLinkedTo(tx, "o_vol", "volunteer"));
    CHECK(links.empty());
    GEBI_ASSIGN_OR_RETURN(bool family, IsCareFamily(tx, "o_son"));
    CHECK_FALSE(family);
    GEBI_ASSIGN_OR_RETURN(bool got, ReceivedRelay(tx, id, "o_son"));
    CHECK_FALSE(got);
    GEBI_ASSIGN_OR_RETURN(auto wang, GetCareElder(tx, f.wang));
    REQUIRE(wang);
    CHECK_FALSE(wang->resident_openid.has_value());
    return Status::Ok();
  });
}

}  // namespace
}  // namespace gebi::storage
