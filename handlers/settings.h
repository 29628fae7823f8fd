// HandlerSettings: the configuration chat handlers read, filled once by bot/ from the Config
// and borrowed by every delivery. Immutable after start: thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace gebi::handlers {

struct HandlerSettings {
  int64_t flow_ttl_seconds = 30 * 60;  // an idle conversation expires after this
  // Custom-menu CLICK keys -> the keyword text the button stands for (config [menu]); a
  // click without an event rule is routed as if that text had been sent.
  std::map<std::string, std::string> click_texts;
};

}  // namespace gebi::handlers
