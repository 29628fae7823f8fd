// `gebi outbox [retry ID]`, `gebi qr grid ID|all --unit ID`, `gebi menu push`: the push side
// from the command line.
#pragma once

#include <CLI/CLI.hpp>

#include "bot/cli/common.h"

namespace gebi::bot {

// Adds outbox, qr and menu to app.
void AddPushCommands(CLI::App& app, Cli& cli);

}  // namespace gebi::bot
