#include "bot/cli/cli.h"

#include <sys/stat.h>

#include <CLI/CLI.hpp>

#include "bot/cli/admin.h"
#include "bot/cli/apikey.h"
#include "bot/cli/chat.h"
#include "bot/cli/common.h"
#include "bot/cli/demo.h"
#include "bot/cli/org.h"
#include "bot/cli/push.h"
#include "bot/cli/serve.h"

namespace gebi::bot {

int RunCli(int argc, char** argv) {
  // Everything gebi creates (database, photos, posters, backups) holds residents' data:
  // files 0600, folders 0700.
  ::umask(077);
  CLI::App app{"gebi — 隔壁邻舍: the WeChat Official Account server for community grids"};
  app.require_subcommand(1);
  Cli cli;
  AddServeCommands(app, cli);
  AddChatCommands(app, cli);
  AddDemoCommand(app, cli);
  AddAdminCommands(app, cli);
  AddOrgCommands(app, cli);
  AddPushCommands(app, cli);
  AddApiKeyCommands(app, cli);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return cli.exit_code();
}

}  // namespace gebi::bot
