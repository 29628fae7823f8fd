// The gebi command line (CLI11): serve, migrate, demo, chat, sign, and the operator commands
// other files register. main() calls RunCli and nothing else.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace gebi::bot {

// Runs the command line; returns the process exit code.
int RunCli(int argc, char** argv);

// What a command needs from the command line: every subcommand takes --config.
struct CliCommon {
  std::string config_path = "deploy/gebi.example.toml";
};

// Adds `--config F` to sub, bound to common.config_path.
void AddConfigOption(CLI::App* sub, CliCommon& common);

// Registration hooks of the operator commands defined in other files of bot/. Each adds its
// subcommands to app; the callbacks set the exit code through *exit_code.
using CommandRegistrar = void (*)(CLI::App& app, CliCommon& common, int* exit_code);
const std::vector<CommandRegistrar>& ExtraCommands();

}  // namespace gebi::bot
