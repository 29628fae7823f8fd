#include "bot/admin/charts.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace gebi::bot {

namespace {
constexpr int kLeft = 44;    // room for the axis numbers
constexpr int kBottom = 36;  // room for the labels
constexpr int kTop = 30;     // room for the title

struct Layout {
  int width, height, font, title_font;
  size_t max_labels;  // labels drawn under the bars, at most
};
// Wide: a desk column of ~900 px. Narrow: drawn at a phone's width, so 13 px text stays 13 px.
constexpr Layout kWideLayout{640, 240, 11, 14, 10};
constexpr Layout kNarrowLayout{360, 240, 13, 15, 4};
}  // namespace

std::string BarChartSvg(std::string_view title,
                        const std::vector<std::pair<std::string, double>>& bars, ChartSize size) {
  const Layout& lay = size == ChartSize::kNarrow ? kNarrowLayout : kWideLayout;
  const int width = lay.width;
  const int height = lay.height;
  double max = 0;
  for (const auto& [label, v] : bars) max = std::max(max, v);
  const double scale_max = max <= 0 ? 1 : max;
  const int plot_w = width - kLeft - 8;
  const int plot_h = height - kTop - kBottom;
  std::string out = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" )"
      R"(role="img" font-family="sans-serif" font-size="{}">)",
      width, height, width, height, lay.font);
  out += fmt::format(R"(<title>{}</title><rect width="100%" height="100%" fill="#fff"/>)",
                     XmlEscape(title));
  out += fmt::format(R"(<text x="{}" y="18" font-size="{}" fill="#222">{}</text>)", kLeft,
                     lay.title_font, XmlEscape(title));
  out += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#999"/>)", kLeft, kTop,
                     kTop + plot_h);
  out += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="#999"/>)", kLeft,
                     kTop + plot_h, kLeft + plot_w);
  out += fmt::format(R"(<text x="{}" y="{}" text-anchor="end" fill="#555">{}</text>)", kLeft - 4,
                     kTop + 10, XmlEscape(fmt::format("{:g}", max)));
  out += fmt::format(R"(<text x="{}" y="{}" text-anchor="end" fill="#555">0</text>)", kLeft - 4,
                     kTop + plot_h);
  if (!bars.empty()) {
    const double slot = static_cast<double>(plot_w) / bars.size();
    const double bar_w = std::max(1.0, slot * 0.7);
    const size_t label_every = std::max<size_t>(1, (bars.size() + lay.max_labels - 1) / lay.max_labels);
    for (size_t i = 0; i < bars.size(); ++i) {
      const auto& [label, v] = bars[i];
      double h = std::round(plot_h * (v / scale_max));
      double x = kLeft + slot * i + (slot - bar_w) / 2;
      out += fmt::format(
          R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="#2f7d5b"><title>{}: {:g}</title></rect>)",
          x, kTop + plot_h - h, bar_w, h, XmlEscape(label), v);
      if (i % label_every == 0) {
        bool ascii = std::all_of(label.begin(), label.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
        std::string shown = ascii && label.size() > 5 ? label.substr(label.size() - 5) : label;
        out += fmt::format(R"(<text x="{:.1f}" y="{}" text-anchor="middle" fill="#555">{}</text>)",
                           x + bar_w / 2, kTop + plot_h + 14, XmlEscape(shown));
      }
    }
  }
  out += "</svg>";
  return out;
}

}  // namespace gebi::bot
