// Ticket store: compare-and-set transitions with timeline rows, auto-close, category guessing,
// and volunteer matching, over a real migrated SQLite file.
#include "storage/ticket_store.h"

#include "storage/migrations.h"
#include "storage/org_store.h"
#include "storage/volunteer_store.h"
#include "tests/support/test_env.h"

namespace gebi::storage {
namespace {

class TicketDb {
 public:
  TicketDb() {
    auto db = Database::Open(dir_.File("t.db"));
    REQUIRE(db.ok());
    db_ = std::move(db).value();
    REQUIRE_OK(Migrate(*db_));
    REQUIRE_OK(Run([&](Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(community, UpsertUnit(tx, {0, "community", "C", {}, "社区", ""}, 1));
      GEBI_ASSIGN_OR_RETURN(grid, UpsertUnit(tx, {0, "grid", "G", community, "网格", ""}, 1));
      return Status::Ok();
    }));
  }
  template <typename Fn>
  Status Run(Fn fn) {
    return db_->WithTransaction([&](Tx& tx) -> Status { return fn(tx); });
  }
  int64_t NewTicket(Tx& tx, const std::string& reporter, int64_t now) {
    Ticket t;
    t.grid_id = grid;
    t.community_id = community;
    t.reporter = reporter;
    t.description = "灯坏了";
    t.category = "electrical";
    auto id = CreateTicket(tx, t, now);
    REQUIRE(id.ok());
    return *id;
  }
  int64_t community = 0, grid = 0;

 private:
  testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_CASE("Ticket transitions are compare-and-set and each writes a timeline row",
          "[storage][grid]") {
  TicketDb db;
  REQUIRE_OK(db.Run([&](Tx& tx) -> Status {
    int64_t id = db.NewTicket(tx, "o_r", 10);
    GEBI_RETURN_IF_ERROR(
        TransitionTicket(tx, id, {{"open", "reopened"}, "claimed", "o_v", "claimed", ""}, 20)
            .status());
    // A second claimer loses: the status is no longer open.
    auto second =
        TransitionTicket(tx, id, {{"open", "reopened"}, "claimed", "o_w", "claimed", ""}, 21);
    REQUIRE(!second.ok());
    REQUIRE(second.status().code() == Status::Code::kFailedPrecondition);
    GEBI_RETURN_IF_ERROR(
        TransitionTicket(tx, id, {{"claimed"}, "done", "o_v", "done", "换了灯泡"}, 30).status());
    GEBI_ASSIGN_OR_RETURN(auto t, GetTicket(tx, id));
    REQUIRE(t->claimed_by == "o_v");
    REQUIRE(t->done_by == "o_v");
    REQUIRE(t->done_at == 30);
    REQUIRE(t->done_note == "换了灯泡");
    GEBI_RETURN_IF_ERROR(
        TransitionTicket(tx, id, {{"done"}, "reopened", "o_r", "reopened", ""}, 40).status());
    GEBI_ASSIGN_OR_RETURN(t, GetTicket(tx, id));
    REQUIRE(t->claimed_by.empty());
    REQUIRE(!t->done_at);
    GEBI_ASSIGN_OR_RETURN(auto tl, TicketTimeline(tx, id));
    REQUIRE(tl.size() == 4);
    REQUIRE(tl[1].actor == "o_v");
    REQUIRE(tl[1].from_status == "open");
    REQUIRE(tl[3].to_status == "reopened");
    GEBI_ASSIGN_OR_RETURN(auto missing, GetTicket(tx, id + 100));
    REQUIRE(!missing);
    auto unknown = TransitionTicket(tx, id + 100, {{"open"}, "claimed", "x", "claimed", ""}, 1);
    REQUIRE(unknown.status().IsNotFound());
    return Status::Ok();
  }));
}

TEST_CASE("Done tickets close themselves after the cutoff, once", "[storage][grid]") {
  TicketDb db;
  REQUIRE_OK(db.Run([&](Tx& tx) -> Status {
    int64_t old_done = db.NewTicket(tx, "o_r", 10);
    int64_t fresh_done = db.NewTicket(tx, "o_r", 10);
    int64_t open = db.NewTicket(tx, "o_r", 10);
    for (auto [id, at] : {std::pair{old_done, int64_t{100}}, std::pair{fresh_done, int64_t{500}}}) {
      GEBI_RETURN_IF_ERROR(
          TransitionTicket(tx, id, {{"open"}, "claimed", "o_v", "claimed", ""}, at).status());
      GEBI_RETURN_IF_ERROR(
          TransitionTicket(tx, id, {{"claimed"}, "done", "o_v", "done", "ok"}, at).status());
    }
    GEBI_ASSIGN_OR_RETURN(int64_t n, CloseStaleTickets(tx, 200, 1000));
    REQUIRE(n == 1);
    GEBI_ASSIGN_OR_RETURN(n, CloseStaleTickets(tx, 200, 1001));
    REQUIRE(n == 0);
    GEBI_ASSIGN_OR_RETURN(auto a, GetTicket(tx, old_done));
    GEBI_ASSIGN_OR_RETURN(auto b, GetTicket(tx, fresh_done));
    GEBI_ASSIGN_OR_RETURN(auto c, GetTicket(tx, open));
    REQUIRE(a->status == "closed");
    REQUIRE(a->closed_at == 1000);
    REQUIRE(b->status == "done");
    REQUIRE(c->status == "open");
    GEBI_ASSIGN_OR_RETURN(auto tl, TicketTimeline(tx, old_done));
    REQUIRE(tl.back().actor == "system");
    REQUIRE(tl.back().to_status == "closed");
    return Status::Ok();
  }));
}

TEST_CASE("Category guessing prefers the longest keyword and keywords are editable",
          "[storage][grid]") {
  TicketDb db;
  REQUIRE_OK(db.Run([&](Tx& tx) -> Status {
    const std::pair<const char*, const char*> cases[] = {
        {"两盏电灯都不亮了", "electrical"}, {"厨房水管漏水", "plumbing"},
        {"热水器坏了", "appliance"},        {"电视没信号", "appliance"},
        {"不会用微信", "digital"},          {"想找人聊聊天", "other"},
    };
    for (auto [text, want] : cases) {
      GEBI_ASSIGN_OR_RETURN(std::string got, GuessCategory(tx, text));
      CAPTURE(text);
      REQUIRE(got == want);
    }
    GEBI_RETURN_IF_ERROR(PutRepairKeyword(tx, "聊天", "digital"));
    GEBI_ASSIGN_OR_RETURN(std::string got, GuessCategory(tx, "想找人聊聊天"));
    REQUIRE(got == "digital");
    REQUIRE(PutRepairKeyword(tx, "x", "nope").code() == Status::Code::kInvalidArgument);
    return Status::Ok();
  }));
}

TEST_CASE("Volunteer matching: same community, skill, active, fewest open claims first",
          "[storage][grid]") {
  TicketDb db;
  REQUIRE_OK(db.Run([&](Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(int64_t other,
                          UpsertUnit(tx, {0, "community", "C2", {}, "别的社区", ""}, 1));
    auto vol = [&](const std::string& id, int64_t community, std::string skill, int64_t at) {
      return PutVolunteer(tx, {id, community, "", true, {std::move(skill)}, 0}, at);
    };
    GEBI_RETURN_IF_ERROR(vol("o_busy", db.community, "水电维修", 1));
    GEBI_RETURN_IF_ERROR(vol("o_free", db.community, "水电维修", 2));
    GEBI_RETURN_IF_ERROR(vol("o_cleaner", db.community, "保洁", 1));
    GEBI_RETURN_IF_ERROR(vol("o_far", other, "水电维修", 1));
    GEBI_RETURN_IF_ERROR(vol("o_gone", db.community, "水电维修", 1));
    GEBI_ASSIGN_OR_RETURN(bool left, DeactivateVolunteer(tx, "o_gone", 5));
    REQUIRE(left);
    int64_t t = db.NewTicket(tx, "o_r", 10);
    GEBI_RETURN_IF_ERROR(
        TransitionTicket(tx, t, {{"open"}, "claimed", "o_busy", "claimed", ""}, 11).status());
    GEBI_ASSIGN_OR_RETURN(auto got, MatchVolunteers(tx, db.community, "水电维修", "o_r", 5));
    REQUIRE(got == std::vector<std::string>{"o_free", "o_busy"});
    GEBI_ASSIGN_OR_RETURN(got, MatchVolunteers(tx, db.community, "水电维修", "o_free", 1));
    REQUIRE(got == std::vector<std::string>{"o_busy"});
    GEBI_ASSIGN_OR_RETURN(auto skill, SkillForWord(tx, "水电"));
    REQUIRE(skill == "水电维修");
    GEBI_ASSIGN_OR_RETURN(skill, SkillForWord(tx, "飞行"));
    REQUIRE(!skill);
    return Status::Ok();
  }));
}

TEST_CASE("Vetting a volunteer is recorded, withdrawn, and refused for unknown people",
          "[storage][grid]") {
  TicketDb db;
  REQUIRE_OK(db.Run([&](Tx& tx) -> Status {
    GEBI_RETURN_IF_ERROR(PutVolunteer(tx, {"o_v", db.community, "", true, {"保洁"}, 0}, 1));
    GEBI_ASSIGN_OR_RETURN(auto v, GetVolunteer(tx, "o_v"));
    REQUIRE(v);
    REQUIRE(!v->vetted_at);
    GEBI_RETURN_IF_ERROR(VetVolunteer(tx, "o_v", "o_staff", 7));
    GEBI_ASSIGN_OR_RETURN(v, GetVolunteer(tx, "o_v"));
    REQUIRE(v->vetted_at == 7);
    REQUIRE(v->vetted_by == "o_staff");
    // Signing up again (new skills) keeps the vetting.
    GEBI_RETURN_IF_ERROR(PutVolunteer(tx, {"o_v", db.community, "", true, {"跑腿"}, 0}, 8));
    GEBI_ASSIGN_OR_RETURN(v, GetVolunteer(tx, "o_v"));
    REQUIRE(v->vetted_at == 7);
    GEBI_RETURN_IF_ERROR(UnvetVolunteer(tx, "o_v", 9));
    GEBI_ASSIGN_OR_RETURN(v, GetVolunteer(tx, "o_v"));
    REQUIRE(!v->vetted_at);
    REQUIRE(v->vetted_by.empty());
    REQUIRE(VetVolunteer(tx, "o_nobody", "o_staff", 9).code() == Status::Code::kNotFound);
    REQUIRE(UnvetVolunteer(tx, "o_nobody", 9).code() == Status::Code::kNotFound);
    return Status::Ok();
  }));
}

}  // namespace
}  // namespace gebi::storage
