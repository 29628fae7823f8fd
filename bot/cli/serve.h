// `gebi serve` (the webhook, the admin console and the outbox worker until SIGINT/SIGTERM),
// `gebi migrate` and `gebi backup FILE` (an online copy of the database).
#pragma once

#include <CLI/CLI.hpp>

#include "bot/cli/common.h"

namespace gebi::bot {

// Adds serve, migrate and backup to app.
void AddServeCommands(CLI::App& app, Cli& cli);

}  // namespace gebi::bot
