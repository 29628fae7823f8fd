// Elderly-care relays through the handlers (no HTTP), on the demo data: 金阿婆关爱圈 with her
// daughter as family and 施青松 assigned. A relay reaches that elder's family only, a photo
// follows a 关爱 within 10 minutes, thanks are counted once and told once, family join by
// invite code and the grid worker's approval, and every refusal changes nothing.
#include "handlers/chat/care.h"

#include "storage/care_store.h"
#include "tests/support/handler_env.h"

namespace gebi::testing {
namespace {

const std::string kVolunteer = "o_demo_volunteer";  // 施青松, assigned to 金阿婆
const std::string kFamily = "o_demo_jin_family";    // 金阿婆's daughter
const std::string kWorker = "o_demo_worker1";       // grid worker of grid 1, owns the circle
const std::string kOtherVolunteer = "o_demo_cleaner";
const std::string kNewcomer = "o_demo_resident";

int64_t Pushes(HandlerEnv& w, const std::string& kind, const std::string& to = "") {
  std::string sql = "SELECT COUNT(*) FROM outbox WHERE kind = '" + kind + "'";
  if (!to.empty()) sql += " AND recipient = '" + to + "'";
  return w.Count(sql);
}

std::string Code(HandlerEnv& w) {
  return w.Text("SELECT invite_code FROM circles WHERE name = '金阿婆关爱圈'");
}

TEST_CASE("关爱 reaches the elder's family only, with the photo that follows it",
          "[handlers][care]") {
  HandlerEnv w;
  const std::string reply = w.Say(kVolunteer, "关爱 金阿婆：今天午饭吃了一碗面，精神很好。");
  CHECK(reply == w.Render("care.relay_sent", {{"elder", "金阿婆"}, {"count", "1"}, {"id", "1"}}));
  CHECK(w.Text("SELECT body FROM care_relays WHERE id = 1") == "今天午饭吃了一碗面，精神很好");
  CHECK(w.Text("SELECT status FROM care_relays WHERE id = 1") == "sent");
  CHECK(Pushes(w, "care_relay") == 1);
  CHECK(Pushes(w, "care_relay", kFamily) == 1);
  CHECK(Has(w.Text("SELECT payload FROM outbox WHERE kind = 'care_relay'"), "今天午饭吃了一碗面"));

  SECTION("a photo within 10 minutes goes to the same family") {
    w.clock().Advance(9 * 60);
    CHECK(w.Image(kVolunteer, "http://mmbiz.example/meal.jpg", "MEDIA_MEAL") ==
          w.Render("care.photo_sent", {{"elder", "金阿婆"}, {"count", "1"}}));
    CHECK(Pushes(w, "care_relay", kFamily) == 2);
    CHECK(Pushes(w, "care_relay") == 2);
    CHECK(w.Count("SELECT parent_id FROM care_relays WHERE id = 2") == 1);
    CHECK(Has(w.Text("SELECT payload FROM outbox WHERE kind = 'care_relay' ORDER BY id DESC"),
              "http://mmbiz.example/meal.jpg"));
    CHECK(w.Count("SELECT COUNT(*) FROM outbox WHERE kind = 'media_fetch'") == 1);
  }
  SECTION("a photo after 10 minutes, or with no 关爱 at all, is not sent and says why") {
    w.clock().Advance(11 * 60);
    const std::string before = w.Fingerprint();
    CHECK(w.Image(kVolunteer, "http://mmbiz.example/late.jpg", "MEDIA_LATE") ==
          w.Render("care.photo_no_relay", {{"elder", "金阿婆"}}));
    CHECK(w.Fingerprint() == before);
  }
  SECTION("谢谢 is counted once per family member and the volunteer is told once") {
    CHECK(w.Say(kFamily, "谢谢！") ==
          w.Render("care.thanked", {{"id", "1"}, {"volunteer", "施青松"}}));
    CHECK(Pushes(w, "care_thanks", kVolunteer) == 1);
    CHECK(
        Has(w.Text("SELECT payload FROM outbox WHERE kind = 'care_thanks'"), "一共收到 1 次感谢"));
    CHECK(w.Say(kFamily, "谢谢 1") ==
          w.Render("care.thanks_again", {{"id", "1"}, {"volunteer", "施青松"}}));
    CHECK(Pushes(w, "care_thanks") == 1);
    CHECK(w.Count("SELECT COUNT(*) FROM care_relay_recipients WHERE thanked_at IS NOT NULL") == 1);
  }
  SECTION("thanking a relay one did not get is refused") {
    CHECK(w.Say(kFamily, "谢谢 99") == w.Render("care.thanks_unknown", {{"id", "99"}}));
    CHECK(w.Say(kNewcomer, "谢谢 1") == w.Render("care.thanks_unknown", {{"id", "1"}}));
    CHECK(Pushes(w, "care_thanks") == 0);
  }
  SECTION("谢谢 from someone who gets no relays is just politeness") {
    CHECK(w.Say(kNewcomer, "谢谢") == w.Render("care.thanks_welcome"));
    CHECK(Pushes(w, "care_thanks") == 0);
  }
}

TEST_CASE("A 关爱 against the circle convention waits for the circle's managers (S10)",
          "[handlers][care][moderation]") {
  HandlerEnv w;
  const std::string ad = "关爱 金阿婆 今天精神很好，加我微信 shop888 领优惠券";
  CHECK(Has(w.Say(kVolunteer, ad), "先请管理员看一下"));
  CHECK(w.Text("SELECT status FROM care_relays WHERE id = 1") == "held");
  CHECK(w.Text("SELECT kind FROM held_items WHERE id = 1") == "care");
  CHECK(Pushes(w, "care_relay") == 0);
  CHECK(Pushes(w, "moderation_held", kWorker) == 1);  // 林晓 owns 金阿婆关爱圈

  SECTION("a photo waits with its words") {
    w.clock().Advance(60);
    CHECK(w.Image(kVolunteer, "http://mmbiz.example/meal.jpg", "MEDIA_MEAL") ==
          w.Render("care.photo_parent_held", {{"elder", "金阿婆"}}));
    CHECK(w.Count("SELECT COUNT(*) FROM care_relays") == 1);
    CHECK(Pushes(w, "care_relay") == 0);
  }
  SECTION("放行 delivers it to the family, as it would have gone") {
    CHECK(Has(w.Say(kWorker, "放行 1"), "已放行第 1 号"));
    CHECK(w.Text("SELECT status FROM care_relays WHERE id = 1") == "sent");
    CHECK(Pushes(w, "care_relay") == 1);
    CHECK(Pushes(w, "care_relay", kFamily) == 1);
    CHECK(w.Say(kFamily, "谢谢") ==
          w.Render("care.thanked", {{"id", "1"}, {"volunteer", "施青松"}}));
  }
  SECTION("驳回 keeps it from the family; strikes mute the volunteer in that circle") {
    CHECK(Has(w.Say(kWorker, "驳回 1 不要发广告"), "已驳回第 1 号"));
    CHECK(w.Text("SELECT status FROM care_relays WHERE id = 1") == "rejected");
    CHECK(Pushes(w, "care_relay") == 0);
    CHECK(w.Say(kFamily, "谢谢") == w.Render("care.thanks_welcome"));
    w.clock().Advance(60);
    CHECK(w.Image(kVolunteer, "http://mmbiz.example/meal.jpg", "MEDIA_MEAL") ==
          w.Render("care.photo_no_relay", {{"elder", "金阿婆"}}));
    CHECK(Has(w.Say(kVolunteer, ad), "先请管理员看一下"));
    CHECK(Has(w.Say(kWorker, "驳回 2"), "已禁言"));
    const int64_t relays = w.Count("SELECT COUNT(*) FROM care_relays");
    CHECK(Has(w.Say(kVolunteer, "关爱 金阿婆 今天下午在活动室下棋"), "暂时不能"));
    CHECK(w.Count("SELECT COUNT(*) FROM care_relays") == relays);
    CHECK(Pushes(w, "care_relay") == 0);
  }
}

TEST_CASE("关爱 refusals say what to do and change nothing", "[handlers][care]") {
  HandlerEnv w;
  SECTION("a volunteer not assigned to any elder") {
    const std::string before = w.Fingerprint();
    CHECK(w.Say(kOtherVolunteer, "关爱 金阿婆 今天很好") == w.Render("care.not_volunteer"));
    CHECK(w.Fingerprint() == before);
  }
  SECTION("a resident who is no volunteer is told who may") {
    const std::string before = w.Fingerprint();
    CHECK(Has(w.Say(kFamily, "关爱 金阿婆 今天很好"), "关爱志愿者"));
    CHECK(w.Fingerprint() == before);
  }
  SECTION("an elder the volunteer does not care for, empty and too long content") {
    const std::string before = w.Fingerprint();
    CHECK(w.Say(kVolunteer, "关爱 王阿公 今天很好") ==
          w.Render("care.elder_not_yours", {{"elder", "王阿公"}, {"elders", "金阿婆"}}));
    CHECK(w.Say(kVolunteer, "关爱 金阿婆") == w.Render("care.relay_empty", {{"elder", "金阿婆"}}));
    CHECK(w.Say(kVolunteer, "关爱 金阿婆。。。") ==
          w.Render("care.relay_empty", {{"elder", "金阿婆"}}));
    CHECK(w.Say(kVolunteer, "关爱") == w.Render("care.relay_usage", {{"elder", "金阿婆"}}));
    std::string longer;
    for (int i = 0; i < 301; ++i) longer += "好";
    CHECK(w.Say(kVolunteer, "关爱 金阿婆 " + longer) ==
          w.Render("care.relay_too_long", {{"max", "300"}}));
    CHECK(w.Fingerprint() == before);
  }
  SECTION("an elder with no family yet") {
    CHECK(Has(w.Say(kWorker, "添加老人 王阿公"), "王阿公关爱圈"));
    CHECK(w.Say(kWorker, "指派志愿者 王阿公 施青松") ==
          w.Render("care.assigned",
                   {{"name", "施青松"}, {"elder", "王阿公"}, {"circle", "王阿公关爱圈"}}));
    CHECK(Pushes(w, "care_assigned", kVolunteer) == 1);
    const std::string before = w.Fingerprint();
    const std::string code = w.Text("SELECT invite_code FROM circles WHERE name = '王阿公关爱圈'");
    CHECK(w.Say(kVolunteer, "关爱 王阿公 今天很好") ==
          w.Render("care.no_family", {{"elder", "王阿公"}, {"code", code}}));
    CHECK(w.Fingerprint() == before);
    // 金阿婆's family never hear of 王阿公.
    CHECK(Pushes(w, "care_relay") == 0);
  }
  SECTION("too many in an hour") {
    for (int i = 0; i < 30; ++i) {
      w.clock().Advance(60);
      CHECK(Has(w.Say(kVolunteer, "关爱 金阿婆 第" + N(i) + "次"), "已发给"));
    }
    w.clock().Advance(60);
    const std::string before = w.Fingerprint();
    CHECK(w.Say(kVolunteer, "关爱 金阿婆 又一次") == w.Render("care.rate_limited"));
    CHECK(w.Fingerprint() == before);
  }
}

TEST_CASE("Family join by invite code naming the elder, approved by the grid worker",
          "[handlers][care]") {
  HandlerEnv w;
  const std::string code = Code(w);
  REQUIRE(code.size() == 6);
  SECTION("the code alone asks which elder; the answer files the request") {
    CHECK(w.Say(kNewcomer, "加入圈子 " + code) ==
          w.Render("care.ask_elder", {{"circle", "金阿婆关爱圈"}}));
    CHECK(w.Say(kNewcomer, "金阿婆的儿子") ==
          w.Render("care.request_sent", {{"id", "1"}, {"elder", "金阿婆"}}));
  }
  SECTION("the code with the elder in one message") {
    CHECK(w.Say(kNewcomer, "加入圈子 " + code + " 金阿婆家属") ==
          w.Render("care.request_sent", {{"id", "1"}, {"elder", "金阿婆"}}));
  }
  CHECK(Pushes(w, "circle_join_request", kWorker) == 1);
  CHECK(Has(w.Text("SELECT payload FROM outbox WHERE kind = 'circle_join_request'"), "入圈通过 1"));
  CHECK(w.Count("SELECT COUNT(*) FROM care_links WHERE openid = '" + kNewcomer + "'") == 0);
  CHECK(Has(w.Say(kWorker, "入圈通过 1"), "1"));
  CHECK(w.Count("SELECT COUNT(*) FROM care_links WHERE role = 'family' AND openid = '" + kNewcomer +
                "'") == 1);
  // Now both family members get the next relay, each once.
  CHECK(Has(w.Say(kVolunteer, "关爱 金阿婆 下午在活动室下棋"), "2 位家属"));
  CHECK(Pushes(w, "care_relay", kNewcomer) == 1);
  CHECK(Pushes(w, "care_relay", kFamily) == 1);
  CHECK(Pushes(w, "care_relay") == 2);
}

TEST_CASE("Family join refusals change nothing", "[handlers][care]") {
  HandlerEnv w;
  const std::string code = Code(w);
  const std::string before = w.Fingerprint();
  CHECK(w.Say(kNewcomer, "加入圈子 " + code + " 王阿公家属") ==
        w.Render("care.join_elder_unknown", {{"elder", "王阿公家属"}, {"code", code}}));
  CHECK(w.Say(kNewcomer, "加入圈子 " + code + " " + std::string(40, 'x')) ==
        w.Render("care.given_too_long", {{"max", "30"}}));
  CHECK(w.Fingerprint() == before);
  // A volunteer cannot approve: only the circle's runners.
  CHECK(Has(w.Say(kNewcomer, "加入圈子 " + code + " 金阿婆家属"), "1号"));
  const std::string after_request = w.Fingerprint();
  CHECK(Has(w.Say(kVolunteer, "入圈通过 1"), "圈子管理员"));
  CHECK(w.Fingerprint() == after_request);
}

TEST_CASE("添加老人 and 指派志愿者 for grid workers, with refusals", "[handlers][care]") {
  HandlerEnv w;
  SECTION("a resident may not set up care") {
    const std::string before = w.Fingerprint();
    CHECK(Has(w.Say(kFamily, "添加老人 王阿公"), "网格员"));
    CHECK(Has(w.Say(kVolunteer, "指派志愿者 金阿婆 江炳文"), "网格员"));
    CHECK(w.Fingerprint() == before);
  }
  SECTION("an elder twice, a circle that is no care circle, unknown names") {
    const std::string before = w.Fingerprint();
    CHECK(w.Say(kWorker, "添加老人 金阿婆") ==
          w.Render("care.elder_exists", {{"elder", "金阿婆"}, {"circle", "金阿婆关爱圈"}}));
    CHECK(w.Say(kWorker, "添加老人 王阿公 桂柑社区第一网格5幢楼幢群") ==
          w.Render("care.not_care_circle", {{"circle", "桂柑社区第一网格5幢楼幢群"}}));
    CHECK(w.Say(kWorker, "添加老人") == w.Render("care.add_usage"));
    CHECK(w.Say(kWorker, "指派志愿者 金阿婆") == w.Render("care.assign_usage"));
    CHECK(w.Say(kWorker, "指派志愿者 王阿公 江炳文") ==
          w.Render("care.elder_unknown_staff", {{"elder", "王阿公"}, {"elders", "金阿婆"}}));
    CHECK(w.Say(kWorker, "指派志愿者 金阿婆 张三丰") ==
          w.Render("care.volunteer_unknown", {{"name", "张三丰"}}));
    CHECK(w.Say(kWorker, "指派志愿者 金阿婆 施青松") ==
          w.Render("care.already_assigned", {{"name", "施青松"}, {"elder", "金阿婆"}}));
    CHECK(w.Fingerprint() == before);
  }
  SECTION("assigning a second volunteer lets them relay") {
    CHECK(Has(w.Say(kWorker, "指派志愿者 金阿婆 江炳文"), "已请江炳文关爱金阿婆"));
    CHECK(Pushes(w, "care_assigned", kOtherVolunteer) == 1);
    CHECK(Has(w.Say(kOtherVolunteer, "关爱 金阿婆 帮她打扫了房间"), "已发给"));
    CHECK(Pushes(w, "care_relay", kFamily) == 1);
  }
}

TEST_CASE("Help lists the care commands by role", "[handlers][care]") {
  HandlerEnv w;
  const std::string volunteer = w.Say(kVolunteer, "更多");
  CHECK(Has(volunteer, w.Render("help.line.care_relay")));
  CHECK(!Has(volunteer, w.Render("help.line.care_add_elder")));
  const std::string family = w.Say(kFamily, "更多");
  CHECK(Has(family, w.Render("help.line.care_thanks")));
  CHECK(!Has(family, w.Render("help.line.care_relay")));
  const std::string resident = w.Say(kNewcomer, "更多");
  CHECK(!Has(resident, w.Render("help.line.care_thanks")));
  const std::string worker = w.Say(kWorker, "更多");
  CHECK(Has(worker, w.Render("help.line.care_add_elder")));
  CHECK(Has(worker, w.Render("help.line.care_assign")));
}

TEST_CASE("DeliverCareRelay delivers a recorded relay once, never a rejected one",
          "[handlers][care]") {
  HandlerEnv w;
  handlers::Templates texts = handlers::Templates();
  int64_t held = 0, rejected = 0, elder = 0;
  REQUIRE_OK(w.db().WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto elders, storage::EldersLinkedTo(tx, kVolunteer, "volunteer"));
    elder = elders.at(0).id;
    storage::CareRelay r;
    r.circle_id = elders[0].circle_id;
    r.elder_id = elder;
    r.volunteer = kVolunteer;
    r.body = "今天很好";
    GEBI_ASSIGN_OR_RETURN(held, storage::RecordCareRelay(tx, r, 1));
    GEBI_ASSIGN_OR_RETURN(rejected, storage::RecordCareRelay(tx, r, 1));
    GEBI_ASSIGN_OR_RETURN(bool h, storage::SetCareRelayStatus(tx, held, "held"));
    GEBI_ASSIGN_OR_RETURN(bool x, storage::SetCareRelayStatus(tx, rejected, "rejected"));
    CHECK(h);
    CHECK(x);
    return Status::Ok();
  }));
  CHECK(Pushes(w, "care_relay") == 0);  // recorded, not delivered
  // What the console's release would do: deliver the held relay later.
  const std::string released = w.Say(kFamily, "谢谢");  // nothing received yet: politeness
  CHECK(released == w.Render("care.thanks_welcome"));
  REQUIRE_OK(w.db().WithTransaction([&](storage::Tx& tx) -> Status {
    auto first = handlers::DeliverCareRelay(tx, texts, held, 2);
    REQUIRE_RESULT_OK(first);
    CHECK(*first == 1);
    auto again = handlers::DeliverCareRelay(tx, texts, held, 3);
    REQUIRE_RESULT_OK(again);
    CHECK(*again == 0);
    auto refused = handlers::DeliverCareRelay(tx, texts, rejected, 3);
    CHECK(refused.status().code() == Status::Code::kFailedPrecondition);
    auto unknown = handlers::DeliverCareRelay(tx, texts, 999, 3);
    CHECK(unknown.status().code() == Status::Code::kNotFound);
    return Status::Ok();
  }));
  CHECK(Pushes(w, "care_relay", kFamily) == 1);
  CHECK(w.Text("SELECT status FROM care_relays WHERE id = " + N(held)) == "sent");
  CHECK(w.Text("SELECT status FROM care_relays WHERE id = " + N(rejected)) == "rejected");
  (void)elder;
}

}  // namespace
}  // namespace gebi::testing
