// `gebi admin add|passwd|list|disable`: admin console accounts from the command line.
#pragma once

#include <CLI/CLI.hpp>

#include "bot/cli/common.h"

namespace gebi::bot {

// Adds admin and its subcommands to app.
void AddAdminCommands(CLI::App& app, Cli& cli);

}  // namespace gebi::bot
