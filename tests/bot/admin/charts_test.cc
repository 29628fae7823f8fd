// SVG charts escape every label and title.
#include "bot/admin/charts.h"

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
}  // namespace gebi::bot
