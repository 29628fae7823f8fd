// `gebi demo`: migrates and seeds the demo community, then prints who to chat as.
#include <iostream>

#include "bot/app.h"
#include "bot/cli.h"
#include "handlers/demo_data.h"

namespace gebi::bot {

void AddDemoCommand(CLI::App& app, CliCommon& common, int* exit_code) {
  auto* demo = app.add_subcommand("demo", "seed the demo community (idempotent)");
  AddConfigOption(demo, common);
  demo->callback([&common, exit_code] {
    auto config = LoadConfig(common.config_path);
    if (!config.ok()) {
      std::cerr << "gebi: " << config.status().message() << "\n";
      *exit_code = 2;
      return;
    }
    SystemClock clock;
    auto app = App::Create(*config, clock);
    if (!app.ok()) {
      std::cerr << "gebi: " << app.status().ToString() << "\n";
      *exit_code = 1;
      return;
    }
    std::string report;
    Status s = (*app)->db().WithTransaction(
        [&](storage::Tx& tx) { return handlers::SeedDemo(tx, clock.NowSeconds(), &report); });
    if (!s.ok()) {
      std::cerr << "gebi: " << s.ToString() << "\n";
      *exit_code = 1;
      return;
    }
    std::cout << "demo community ready in " << config->storage.sqlite << " (add --config "
              << common.config_path << " to the commands below)\n"
              << report;
  });
}

}  // namespace gebi::bot
