// Logging set-up (spdlog on fmt) and the helpers that keep secrets and openids out of logs.
// Thread-safe: spdlog loggers are.
#pragma once

#include <spdlog/spdlog.h>

#include <string>
#include <string_view>

namespace gebi::bot {

// Configures the default logger: one line per event to stderr at level (info, debug, ...).
void SetUpLogging(std::string_view level);

// "oAbc…xyz9" style: enough to tell openids apart in a log, not enough to message them.
std::string MaskId(std::string_view id);

}  // namespace gebi::bot
