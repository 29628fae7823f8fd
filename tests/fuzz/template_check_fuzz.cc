// libFuzzer target: Templates::Check, the gate in front of every template text an admin saves,
// and RenderText for the texts it lets through (the preview and, later, every reply). What
// Check accepts must render without throwing and within kMaxRenderedBytes-ish bounds.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "handlers/texts/templates.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Keys with no placeholder, one, and two: the first byte picks one.
  static constexpr std::string_view kKeys[] = {"default", "text_too_long", "not_allowed", "help",
                                               "no_such_key"};
  if (size == 0) return 0;
  const std::string_view key = kKeys[data[0] % std::size(kKeys)];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (gebi::handlers::Templates::Check(key, text).ok()) {
    const gebi::handlers::TemplateArgs args = {
        {"command", "报修"}, {"who", "网格员"}, {"max", "600"}, {"commands", "帮助 报修"}};
    const std::string out = gebi::handlers::Templates::RenderText(key, text, args);
    (void)out;
  }
  return 0;
}
