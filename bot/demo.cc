// `gebi demo`: migrates and seeds the demo community, then prints who to chat as.
#include <fmt/format.h>

#include <iostream>

#include "bot/app.h"
#include "bot/cli.h"
#include "handlers/admin_auth.h"
#include "handlers/demo_data.h"
#include "storage/admin_store.h"
#include "storage/org_store.h"

namespace gebi::bot {

namespace {
constexpr const char* kDemoAdmin = "admin";
constexpr const char* kDemoDistrictCode = "LC";  // 鹿城区 in the demo organisation
}  // namespace

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
    // The demo admin: created on the first run; later runs give it a fresh password, because
    // only the hash is stored and a person running the demo again wants a login that works.
    bool exists = false;
    int64_t district = 0;
    s = (*app)->db().WithRead([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(auto a, storage::GetAdminAccountByName(tx, kDemoAdmin));
      exists = a.has_value();
      GEBI_ASSIGN_OR_RETURN(auto unit, storage::GetUnitByCode(tx, kDemoDistrictCode));
      if (!unit) return Status::Internal("the demo district is missing");
      district = unit->id;
      return Status::Ok();
    });
    std::string password;
    if (s.ok() && exists) {
      auto pw =
          handlers::ResetAdminPassword((*app)->db(), clock, handlers::CliPrincipal(), kDemoAdmin);
      if (pw.ok()) password = *pw;
      s = pw.status();
    } else if (s.ok()) {
      auto made = handlers::CreateAdminAccount((*app)->db(), clock, handlers::CliPrincipal(),
                                               kDemoAdmin, "district", district);
      if (made.ok()) password = made->password;
      s = made.status();
    }
    if (!s.ok()) {
      std::cerr << "gebi: " << s.ToString() << "\n";
      *exit_code = 1;
      return;
    }
    report += fmt::format("admin login: {} / {} (district admin, sees every community)\n",
                          kDemoAdmin, password);
    std::cout << "demo community ready in " << config->storage.sqlite << " (add --config "
              << common.config_path << " to the commands below)\n"
              << report;
  });
}

}  // namespace gebi::bot
