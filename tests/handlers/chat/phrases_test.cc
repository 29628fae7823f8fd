// The pure parsers of handlers/chat/phrases.h: numbers, ticket numbers, scores, yes / no,
// punctuation, names with rooms; and that hostile input stays linear and refused.
#include "handlers/chat/phrases.h"

#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

namespace gebi::handlers {
namespace {

TEST_CASE("ParseCount reads ASCII digits and Chinese numerals", "[handlers][phrases]") {
  const std::vector<std::pair<std::string, int64_t>> ok = {
      {"302", 302}, {"三零二", 302}, {"十二", 12},  {"二十三", 23}, {"一百零五", 105},
      {"两", 2},    {"五", 5},       {"十", 10},    {"〇", 0},      {"九十九", 99}};
  for (const auto& [text, value] : ok) {
    CAPTURE(text);
    REQUIRE(ParseCount(text) == value);
  }
  for (const std::string bad : {"", "abc", "1234567", "十十", "五a", "百"}) {
    CAPTURE(bad);
    REQUIRE(!ParseCount(bad).has_value());
  }
}

TEST_CASE("Ticket numbers, scores, yes and no", "[handlers][phrases]") {
  CHECK(ParseTicketNumber("2号") == 2);
  CHECK(ParseTicketNumber("#2") == 2);
  CHECK(ParseTicketNumber("二号") == 2);
  CHECK(ParseTicketNumber("第12号") == 12);
  CHECK(ParseTicketNumber("0") == -1);
  CHECK(ParseTicketNumber("号") == -1);
  LeadingNumber a = SplitLeadingNumber("3号5分 很好");
  CHECK(a.number == 3);
  CHECK(a.rest == "5分 很好");
  CHECK(SplitLeadingNumber("五星").number == -1);
  CHECK(ParseScore("五星好评").score == 5);
  CHECK(ParseScore("五星好评").rest == "好评");
  CHECK(ParseScore("3分，还行").rest == "还行");
  CHECK(ParseScore("满分").score == 5);
  CHECK(ParseScore("6").score == 0);
  CHECK(ParseScore("很好").score == 0);
  CHECK(IsYes("对的。"));
  CHECK(IsYes("好的呀"));
  CHECK(!IsYes("对不起"));
  CHECK(IsNo("算了吧"));
  CHECK(!IsNo("是"));
  CHECK(TrimPunct("，楼道灯坏了。") == "楼道灯坏了");
  CHECK(TrimPunct("「报修」") == "报修");
  CHECK(TrimPunct("。。。") == "");
}

TEST_CASE("ParseNameRoom refuses what is not a name with a room", "[handlers][phrases]") {
  for (const std::string bad :
       {"5幢302", "王秀英", "王秀英 302", "王秀英abc 5幢302", "这是一个很长很长很长的名字啊 5幢302",
        "", "5幢302 13912345678"}) {
    CAPTURE(bad);
    CHECK(!ParseNameRoom(bad).has_value());
  }
  // A long hostile text is refused without blowing up (RE2 is linear).
  std::string hostile(1900, '5');
  hostile += "幢";
  CHECK(!ParseNameRoom(hostile).has_value());
  auto ok = ParseNameRoom("王秀英 5幢302");
  REQUIRE(ok.has_value());
  CHECK(ok->name == "王秀英");
}

}  // namespace
}  // namespace gebi::handlers
