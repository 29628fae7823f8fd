// libFuzzer target: ParseConfig, the TOML reader behind `--config` (toml++ plus our own field
// mapping and validation). Any bytes must give a Config or an InvalidArgument, never an
// exception escaping or a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bot/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view toml(reinterpret_cast<const char*>(data), size);
  auto config = gebi::bot::ParseConfig(toml, "fuzz.toml");
  if (config.ok() && !gebi::bot::ValidateConfig(*config).ok()) __builtin_trap();
  return 0;
}
