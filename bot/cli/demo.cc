// `gebi demo`: migrates and seeds the demo community, then prints who to chat as.
#include "bot/cli/demo.h"

#include <fmt/format.h>

#include <iostream>

#include "bot/app.h"
#include "handlers/admin/auth.h"
#include "handlers/org/demo_data.h"
#include "storage/admin_store.h"
#include "storage/org_store.h"

namespace gebi::bot {

namespace {
constexpr const char* kDemoAdmin = "admin";
constexpr const char* kDemoDistrictCode = "LC";  // 鹿城区 in the demo organisation
}  // namespace

void AddDemoCommand(CLI::App& app, Cli& cli) {
  auto* demo = app.add_subcommand("demo", "seed the demo community (idempotent)");
  cli.AddConfigOption(demo);
  cli.RunWithApp(demo, [&cli](App& app) {
    const Clock& clock = app.clock();
    std::string report;
    Status s = app.db().WithTransaction(
        [&](storage::Tx& tx) { return handlers::SeedDemo(tx, clock.NowSeconds(), &report); });
    if (!s.ok()) return Report(s);
    // The demo admin: created on the first run; later runs give it a fresh password, because
    // only the hash is stored and a person running the demo again wants a login that works.
    bool exists = false;
    int64_t district = 0;
    s = app.db().WithRead([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(auto a, storage::GetAdminAccountByName(tx, kDemoAdmin));
      exists = a.has_value();
      GEBI_ASSIGN_OR_RETURN(auto unit, storage::GetUnitByCode(tx, kDemoDistrictCode));
      if (!unit) return Status::Internal("the demo district is missing");
      district = unit->id;
      return Status::Ok();
    });
    std::string password;
    if (s.ok() && exists) {
      auto pw = handlers::admin::ResetPassword(app.db(), clock, handlers::admin::CliPrincipal(),
                                               kDemoAdmin);
      if (pw.ok()) password = *pw;
      s = pw.status();
    } else if (s.ok()) {
      auto made = handlers::admin::CreateAccount(app.db(), clock, handlers::admin::CliPrincipal(),
                                                 kDemoAdmin, "district", district);
      if (made.ok()) password = made->password;
      s = made.status();
    }
    if (!s.ok()) return Report(s);
    report += fmt::format(
        "admin login: {} / {} (district admin, sees every community; one-time: the console asks "
        "for a new password first)\n",
        kDemoAdmin, password);
    std::cout << "demo community ready in " << app.config().storage.sqlite << " (add --config "
              << cli.config_path() << " to the commands below)\n"
              << report;
    return kExitOk;
  });
}

}  // namespace gebi::bot
