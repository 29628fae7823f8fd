// Server-rendered SVG charts for the admin console's numbers page: no chart library, no
// script, every label XML-escaped (an <img> of it cannot run anything). Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bot/wechat/xml.h"  // XmlEscape, used with the charts

namespace gebi::bot {

// How a chart is laid out: wide for a desk screen, narrow (fewer, larger labels) for a phone,
// where a wide chart scaled down to 360 px would have 6 px text.
enum class ChartSize { kWide, kNarrow };

// A bar chart: one bar per (label, value), a title, the maximum on the axis. Labels longer
// than a few characters are shortened to their tail (dates show MM-DD).
std::string BarChartSvg(std::string_view title,
                        const std::vector<std::pair<std::string, double>>& bars,
                        ChartSize size = ChartSize::kWide);

}  // namespace gebi::bot
