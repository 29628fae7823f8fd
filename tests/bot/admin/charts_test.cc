// SVG charts escape every label and title.
#include "bot/admin/charts.h"

#include <fmt/format.h>

#include "tests/support/test_env.h"

namespace gebi::bot {
namespace {

TEST_CASE("BarChartSvg escapes labels and draws one bar per value", "[admin]") {
  std::string svg = BarChartSvg("<script>alert(1)</script>", {{"a&b\"<x>", 3}, {"2026-11-28", 0}});
  CHECK(svg.rfind("<svg", 0) == 0);
  CHECK(svg.find("<script>") == std::string::npos);
  CHECK(svg.find("&lt;script&gt;") != std::string::npos);
  CHECK(svg.find("a&amp;b&quot;&lt;x&gt;") != std::string::npos);
  CHECK(svg.find("11-28") != std::string::npos);  // dates show MM-DD
  size_t bars = 0;
  for (size_t p = svg.find("<rect x="); p != std::string::npos; p = svg.find("<rect x=", p + 1)) {
    ++bars;
  }
  CHECK(bars == 2);
  CHECK(XmlEscape("'") == "&#39;");
  CHECK(XmlEscape("a\x01"
                  "b\tc") == "ab\tc");  // forbidden control characters dropped
  CHECK(BarChartSvg("空", {}).find("</svg>") != std::string::npos);
}

}  // namespace
TEST_CASE("BarChartSvg: the narrow layout is drawn at a phone's width with larger text",
          "[admin]") {
  std::vector<std::pair<std::string, double>> days;
  for (int d = 1; d <= 30; ++d) days.emplace_back(fmt::format("2026-11-{:02}", d), d);
  const std::string wide = BarChartSvg("每天收到的消息", days);
  const std::string narrow = BarChartSvg("每天收到的消息", days, ChartSize::kNarrow);
  CHECK(wide.find(R"(viewBox="0 0 640 240")") != std::string::npos);
  CHECK(narrow.find(R"(viewBox="0 0 360 240")") != std::string::npos);
  CHECK(narrow.find(R"(font-size="13")") != std::string::npos);
  auto labels = [](const std::string& svg) {
    size_t n = 0;
    for (size_t at = svg.find("text-anchor=\"middle\""); at != std::string::npos;
         at = svg.find("text-anchor=\"middle\"", at + 1)) {
      ++n;
    }
    return n;
  };
  CHECK(labels(narrow) <= 4);  // 30 dates would overlap at 360 px
  CHECK(labels(wide) == 10);
  CHECK(narrow.find("<rect x=") != std::string::npos);
}

}  // namespace gebi::bot
