// `gebi admin ...`: admin console accounts from the command line. `add` and `passwd` print a
// one-time password (only its argon2id hash is stored); every change leaves an audit row
// naming "cli".
#include <fmt/format.h>

#include <iostream>

#include "bot/app.h"
#include "bot/cli.h"
#include "handlers/admin_auth.h"
#include "storage/admin_store.h"

namespace gebi::bot {

namespace {

struct AdminArgs {
  std::string name;
  std::string role = "community";
  int64_t unit = 0;
};

int WithApp(const CliCommon& common, const std::function<int(App&)>& fn) {
  auto config = LoadConfig(common.config_path);
  if (!config.ok()) {
    std::cerr << "gebi: " << config.status().message() << "\n";
    return 2;
  }
  static SystemClock clock;
  auto app = App::Create(*config, clock);
  if (!app.ok()) {
    std::cerr << "gebi: " << app.status().ToString() << "\n";
    return 1;
  }
  return fn(**app);
}

int Fail(const Status& s) {
  std::cerr << "gebi: " << s.message() << "\n";
  return s.code() == Status::Code::kInvalidArgument ? 2 : 1;
}

}  // namespace

void AddAdminCommands(CLI::App& app, CliCommon& common, int* exit_code) {
  auto* admin = app.add_subcommand("admin", "admin console accounts");
  admin->require_subcommand(1);
  static AdminArgs args;

  auto* add = admin->add_subcommand("add", "create an account and print its one-time password");
  AddConfigOption(add, common);
  add->add_option("name", args.name, "login name (letters, digits, _ - .)")->required();
  add->add_option("--role", args.role, "district (sees everything) or community")
      ->check(CLI::IsMember({"district", "community"}))
      ->capture_default_str();
  add->add_option("--unit", args.unit, "the district or community id the role covers")->required();
  add->callback([&common, exit_code] {
    *exit_code = WithApp(common, [](App& app) {
      auto made = handlers::CreateAdminAccount(app.db(), app.clock(), handlers::CliPrincipal(),
                                               args.name, args.role, args.unit);
      if (!made.ok()) return Fail(made.status());
      std::cout << fmt::format(
          "admin account '{}' ({} {}) created\none-time password: {}\n"
          "log in at the console (/admin/) and change it under 我的账号\n",
          args.name, args.role, args.unit, made->password);
      return 0;
    });
  });

  auto* passwd = admin->add_subcommand("passwd", "give an account a fresh one-time password");
  AddConfigOption(passwd, common);
  passwd->add_option("name", args.name, "login name")->required();
  passwd->callback([&common, exit_code] {
    *exit_code = WithApp(common, [](App& app) {
      auto pw =
          handlers::ResetAdminPassword(app.db(), app.clock(), handlers::CliPrincipal(), args.name);
      if (!pw.ok()) return Fail(pw.status());
      std::cout << fmt::format("new one-time password for '{}': {}\n", args.name, *pw);
      return 0;
    });
  });

  auto* list = admin->add_subcommand("list", "list the accounts");
  AddConfigOption(list, common);
  list->callback([&common, exit_code] {
    *exit_code = WithApp(common, [](App& app) {
      std::vector<storage::AdminAccount> accounts;
      Status s = app.db().WithRead([&](storage::Tx& tx) -> Status {
        GEBI_ASSIGN_OR_RETURN(accounts, storage::ListAdminAccounts(tx));
        return Status::Ok();
      });
      if (!s.ok()) return Fail(s);
      for (const auto& a : accounts) {
        std::cout << fmt::format("{}\t{}\t{}\t{}\n", a.name, a.role, a.unit_id,
                                 a.disabled ? "disabled" : "active");
      }
      return 0;
    });
  });

  auto* disable = admin->add_subcommand("disable", "disable an account (ends its sessions)");
  AddConfigOption(disable, common);
  disable->add_option("name", args.name, "login name")->required();
  disable->callback([&common, exit_code] {
    *exit_code = WithApp(common, [](App& app) {
      Status s = app.db().WithTransaction([&](storage::Tx& tx) -> Status {
        GEBI_ASSIGN_OR_RETURN(auto a, storage::GetAdminAccountByName(tx, args.name));
        if (!a) return Status::NotFound("no admin account named '" + args.name + "'");
        GEBI_RETURN_IF_ERROR(storage::SetAdminDisabled(tx, a->id, true, app.clock().NowSeconds()));
        return handlers::Audit(tx, handlers::CliPrincipal(), "account.disable",
                               "account:" + args.name, std::nullopt, "active", "disabled",
                               app.clock().NowSeconds());
      });
      if (!s.ok()) return Fail(s);
      std::cout << fmt::format("admin account '{}' disabled\n", args.name);
      return 0;
    });
  });
}

}  // namespace gebi::bot
