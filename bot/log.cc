#include "bot/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace gebi::bot {

void SetUpLogging(std::string_view level) {
  auto logger = spdlog::stderr_color_mt("gebi");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  logger->set_level(spdlog::level::from_str(std::string(level)));
  spdlog::set_default_logger(logger);
}

std::string MaskId(std::string_view id) {
  if (id.size() <= 8) return std::string(id.size(), '*');
  return std::string(id.substr(0, 4)) + "…" + std::string(id.substr(id.size() - 4));
}

}  // namespace gebi::bot
