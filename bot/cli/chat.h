// `gebi chat` (a message or event to a running gebi, as WeChat would send it) and `gebi sign`
// (a signed query string for a body on stdin).
#pragma once

#include <CLI/CLI.hpp>

#include "bot/cli/common.h"

namespace gebi::bot {

// Adds chat and sign to app.
void AddChatCommands(CLI::App& app, Cli& cli);

}  // namespace gebi::bot
