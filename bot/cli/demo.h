// `gebi demo`: migrates and seeds the demo community, then prints who to chat as and the
// demo admin login.
#pragma once

#include <CLI/CLI.hpp>

#include "bot/cli/common.h"

namespace gebi::bot {

// Adds demo to app.
void AddDemoCommand(CLI::App& app, Cli& cli);

}  // namespace gebi::bot
