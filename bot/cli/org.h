// `gebi org import|list`, `gebi address import`, `gebi grant`, `gebi revoke`, `gebi elderly`, `gebi
// forget`: the organisation model from the command line.
#pragma once

#include <CLI/CLI.hpp>

#include "bot/cli/common.h"

namespace gebi::bot {

// Adds the organisation commands to app.
void AddOrgCommands(CLI::App& app, Cli& cli);

}  // namespace gebi::bot
