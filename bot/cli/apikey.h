// `gebi apikey add|list|revoke`: API keys of the Open311 server's consumers. A key is printed
// once when added; only its SHA-256 hash is kept.
#pragma once

#include <CLI/CLI.hpp>

#include "bot/cli/common.h"

namespace gebi::bot {

// Adds apikey and its subcommands to app.
void AddApiKeyCommands(CLI::App& app, Cli& cli);

}  // namespace gebi::bot
