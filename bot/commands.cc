// The list of operator command groups registered beside the core ones of cli.cc.
#include "bot/cli.h"

namespace gebi::bot {

void AddDemoCommand(CLI::App& app, CliCommon& common, int* exit_code);
void AddAdminCommands(CLI::App& app, CliCommon& common, int* exit_code);
void AddOrgCommands(CLI::App& app, CliCommon& common, int* exit_code);
void AddPushCommands(CLI::App& app, CliCommon& common, int* exit_code);

const std::vector<CommandRegistrar>& ExtraCommands() {
  static const std::vector<CommandRegistrar> kCommands = {
      AddDemoCommand,
      AddAdminCommands,
      AddOrgCommands,
      AddPushCommands,
  };
  return kCommands;
}

}  // namespace gebi::bot
