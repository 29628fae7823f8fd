// The gebi command line (CLI11): main() calls RunCli and nothing else. Each command group
// lives in its own file of bot/cli/ and is added here.
#pragma once

namespace gebi::bot {

// Runs the command line; returns the process exit code (see bot/cli/common.h). Each call
// starts clean: options hold no values from an earlier call.
int RunCli(int argc, char** argv);

}  // namespace gebi::bot
