// Suggestions through the handlers (no HTTP): the commands as elderly residents write them,
// the caps on what a sender controls, and help listing the commands by role.
#include "handlers/chat/suggestions.h"

#include "tests/support/handler_env.h"

namespace gebi::testing {
namespace {

TEST_CASE("建议 asks for the text when it is missing and caps what a sender controls",
          "[handlers][suggestions]") {
  HandlerEnv w;
  const std::string me = "o_demo_jin";
  SECTION("the command word alone asks; the next message is the suggestion") {
    CHECK(w.Say(me, "建议") == w.Render("suggest.ask"));
    CHECK(Has(w.Say(me, "楼下的路灯晚上不够亮，能不能多装一个"), "编号 1"));
    CHECK(w.Text("SELECT content FROM suggestions WHERE id = 1") ==
          "楼下的路灯晚上不够亮，能不能多装一个");
  }
  SECTION("full-width punctuation and spaces as typed on a phone") {
    CHECK(Has(w.Say(me, "建议：：  垃圾桶早上八点前清空。"), "编号 1"));
    CHECK(w.Text("SELECT content FROM suggestions WHERE id = 1") == "垃圾桶早上八点前清空");
  }
  SECTION("too long, or too many in a day: a polite reply and nothing stored") {
    const std::string before = w.Fingerprint();
    CHECK(w.Say(me, "建议 " + std::string(700, 'a')) == w.Render("suggest.too_long"));
    CHECK(w.Count("SELECT COUNT(*) FROM suggestions") == 0);
    CHECK(w.Fingerprint() == before);
    for (int i = 0; i < 5; ++i) CHECK(Has(w.Say(me, "建议 第" + N(i) + "条"), "编号"));
    CHECK(Has(w.Say(me, "建议 第六条"), "明天再提"));
    CHECK(w.Count("SELECT COUNT(*) FROM suggestions") == 5);
    w.clock().Advance(86400 + 1);
    CHECK(Has(w.Say(me, "建议 第六条"), "编号 6"));
  }
  SECTION("我的建议 with none yet says how to write one") {
    CHECK(w.Say(me, "我的建议") == w.Render("my_suggestions.none"));
  }
}

TEST_CASE("Help lists the suggestion and parking commands by role", "[handlers][suggestions]") {
  HandlerEnv w;
  const std::string resident = w.Say("o_demo_jin", "更多");
  for (const char* key :
       {"help.line.suggest", "help.line.my_suggestions", "help.line.parking", "help.line.my_car",
        "help.line.car_moved", "help.line.free_spot", "help.line.spots"}) {
    CAPTURE(key);
    CHECK(Has(resident, w.Render(key)));
  }
  for (const char* key : {"help.line.answer_suggestion", "help.line.adopt_suggestion",
                          "help.line.decline_suggestion", "help.line.confirm_plate"}) {
    CAPTURE(key);
    CHECK(!Has(resident, w.Render(key)));
  }
  const std::string staff = w.Say("o_demo_staff", "更多");
  for (const char* key : {"help.line.answer_suggestion", "help.line.adopt_suggestion",
                          "help.line.decline_suggestion", "help.line.confirm_plate"}) {
    CAPTURE(key);
    CHECK(Has(staff, w.Render(key)));
  }
}

}  // namespace
}  // namespace gebi::testing
