// `gebi serve` (the webhook, the admin console and the outbox worker until SIGINT/SIGTERM)
// and `gebi migrate`.
#pragma once

#include <CLI/CLI.hpp>

#include "bot/cli/common.h"

namespace gebi::bot {

// Adds serve and migrate to app.
void AddServeCommands(CLI::App& app, Cli& cli);

}  // namespace gebi::bot
