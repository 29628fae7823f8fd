// `gebi admin ...`: admin console accounts from the command line. `add` and `passwd` print a
// one-time password (only its argon2id hash is stored) that the console makes its person
// replace at the first login; every change leaves an audit row naming "cli".
#include "bot/cli/admin.h"

#include <fmt/format.h>

#include <iostream>

#include "bot/app.h"
#include "handlers/admin/auth.h"
#include "storage/admin_store.h"

namespace gebi::bot {

namespace {

struct AdminArgs {
  std::string name;
  std::string role = "community";
  int64_t unit = 0;
};

}  // namespace

void AddAdminCommands(CLI::App& app, Cli& cli) {
  auto* admin = app.add_subcommand("admin", "admin console accounts");
  admin->require_subcommand(1);
  auto& args = cli.Keep<AdminArgs>();

  auto* add = admin->add_subcommand("add", "create an account and print its one-time password");
  cli.AddConfigOption(add);
  add->add_option("name", args.name, "login name (letters, digits, _ - .)")->required();
  add->add_option("--role", args.role, "district (sees everything) or community")
      ->check(CLI::IsMember({"district", "community"}))
      ->capture_default_str();
  add->add_option("--unit", args.unit, "the district or community id the role covers")->required();
  cli.RunWithApp(add, [&args](App& app) {
    auto made = handlers::admin::CreateAccount(
        app.db(), app.clock(), handlers::admin::CliPrincipal(), args.name, args.role, args.unit);
    if (!made.ok()) return Report(made.status());
    std::cout << fmt::format(
        "admin account '{}' ({} {}) created\none-time password: {}\n"
        "log in at the console (/admin/): it asks for a new password before anything else\n",
        args.name, args.role, args.unit, made->password);
    return 0;
  });

  auto* passwd = admin->add_subcommand("passwd", "give an account a fresh one-time password");
  cli.AddConfigOption(passwd);
  passwd->add_option("name", args.name, "login name")->required();
  cli.RunWithApp(passwd, [&args](App& app) {
    auto pw = handlers::admin::ResetPassword(app.db(), app.clock(), handlers::admin::CliPrincipal(),
                                             args.name);
    if (!pw.ok()) return Report(pw.status());
    std::cout << fmt::format(
        "new one-time password for '{}': {}\n"
        "the console asks for a new password at the next login\n",
        args.name, *pw);
    return 0;
  });

  auto* list = admin->add_subcommand("list", "list the accounts");
  cli.AddConfigOption(list);
  cli.RunWithApp(list, [](App& app) {
    std::vector<storage::AdminAccount> accounts;
    Status s = app.db().WithRead([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(accounts, storage::ListAdminAccounts(tx));
      return Status::Ok();
    });
    if (!s.ok()) return Report(s);
    for (const auto& a : accounts) {
      std::cout << fmt::format("{}\t{}\t{}\t{}\n", a.name, a.role, a.unit_id,
                               a.disabled ? "disabled" : "active");
    }
    return 0;
  });

  auto* disable = admin->add_subcommand("disable", "disable an account (ends its sessions)");
  cli.AddConfigOption(disable);
  disable->add_option("name", args.name, "login name")->required();
  cli.RunWithApp(disable, [&args](App& app) {
    Status s = app.db().WithTransaction([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(auto a, storage::GetAdminAccountByName(tx, args.name));
      if (!a) return Status::NotFound("no admin account named '" + args.name + "'");
      GEBI_RETURN_IF_ERROR(storage::SetAdminDisabled(tx, a->id, true, app.clock().NowSeconds()));
      return handlers::admin::Audit(tx, handlers::admin::CliPrincipal(), "account.disable",
                                    "account:" + args.name, std::nullopt, "active", "disabled",
                                    app.clock().NowSeconds());
    });
    if (!s.ok()) return Report(s);
    std::cout << fmt::format("admin account '{}' disabled\n", args.name);
    return 0;
  });
}

}  // namespace gebi::bot
