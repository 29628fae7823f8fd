// Operator commands of the organisation model: `gebi org import|list`, `gebi address import`,
// `gebi grant`, `gebi revoke`, `gebi elderly`. Each opens (and migrates) the configured
// database, does its work in one transaction, and prints one line per result.
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "bot/app.h"
#include "bot/cli.h"
#include "handlers/org_directory.h"
#include "storage/org_store.h"

namespace gebi::bot {

namespace {

// Import files are a few hundred rows; refuse something that is clearly not one.
constexpr std::streamsize kMaxImportBytes = 8 * 1024 * 1024;

Result<std::unique_ptr<App>> OpenApp(const CliCommon& common, const Clock& clock) {
  GEBI_ASSIGN_OR_RETURN(Config config, LoadConfig(common.config_path));
  return App::Create(config, clock);
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  if (static_cast<std::streamsize>(text.size()) > kMaxImportBytes) {
    return Status::InvalidArgument(path + " is larger than 8 MB; not an import file");
  }
  return text;
}

int Report(const Status& s) {
  if (s.ok()) return 0;
  std::cerr << "gebi: " << (s.code() == Status::Code::kInvalidArgument ? s.message() : s.ToString())
            << "\n";
  return s.code() == Status::Code::kInvalidArgument ? 2 : 1;
}

using ImportFn = Result<handlers::ImportSummary> (*)(storage::Tx&, std::string_view, int64_t);

int Import(const CliCommon& common, const std::string& file, ImportFn fn, const char* what) {
  SystemClock clock;
  auto app = OpenApp(common, clock);
  if (!app.ok()) return Report(app.status());
  auto text = ReadFile(file);
  if (!text.ok()) return Report(text.status());
  handlers::ImportSummary sum;
  Status s = (*app)->db().WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(sum, fn(tx, *text, clock.NowSeconds()));
    return Status::Ok();
  });
  if (!s.ok()) return Report(s.WithContext(file));
  std::cout << fmt::format("{}: {} rows imported ({} added, {} updated{})\n", what, sum.rows,
                           sum.added, sum.updated,
                           sum.grants > 0 ? fmt::format(", {} people", sum.grants) : "");
  return 0;
}

int List(const CliCommon& common) {
  SystemClock clock;
  auto app = OpenApp(common, clock);
  if (!app.ok()) return Report(app.status());
  std::string out;
  Status s = (*app)->db().WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto grids, storage::ListUnits(tx, "grid"));
    for (const auto& g : grids) {
      GEBI_ASSIGN_OR_RETURN(std::string path, storage::UnitPathName(tx, g.id));
      GEBI_ASSIGN_OR_RETURN(auto workers, storage::HoldersOf(tx, g.id, "grid_worker"));
      std::string joined;
      for (const auto& w : workers) joined += (joined.empty() ? "" : ",") + w;
      out += fmt::format("{}\t{}\t{}\n", g.id, path, joined);
    }
    return Status::Ok();
  });
  if (!s.ok()) return Report(s);
  std::cout << out;
  return 0;
}

int GrantOrRevoke(const CliCommon& common, const std::string& openid, const std::string& role,
                  int64_t unit_id, bool grant) {
  if (!storage::IsGrantableRole(role) || role == "volunteer") {
    std::cerr << fmt::format(
        "gebi: role '{}' must be one of floor_leader, grid_worker, community_staff, "
        "street_staff, district_admin (volunteers sign up themselves with 志愿者 <技能>)\n",
        role);
    return 2;
  }
  if (openid.empty() || openid.size() > 64 ||
      openid.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
          std::string::npos) {
    std::cerr << fmt::format("gebi: '{}' is not an openid\n", openid);
    return 2;
  }
  SystemClock clock;
  auto app = OpenApp(common, clock);
  if (!app.ok()) return Report(app.status());
  std::string done;
  Status s = (*app)->db().WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto unit, storage::GetUnit(tx, unit_id));
    if (!unit) return Status::InvalidArgument(fmt::format("no unit with id {}", unit_id));
    if (storage::ManagerRoleOf(unit->kind) != role) {
      return Status::InvalidArgument(fmt::format("unit {} is a {}; its role is {}, not {}", unit_id,
                                                 unit->kind, storage::ManagerRoleOf(unit->kind),
                                                 role));
    }
    GEBI_ASSIGN_OR_RETURN(std::string path, storage::UnitPathName(tx, unit_id));
    if (grant) {
      GEBI_RETURN_IF_ERROR(storage::Grant(tx, {openid, role, unit_id, "cli"}, clock.NowSeconds()));
      done = fmt::format("granted {} on {} {} to {}", role, unit_id, path, openid);
    } else {
      GEBI_ASSIGN_OR_RETURN(bool removed, storage::Revoke(tx, openid, role, unit_id));
      if (!removed) {
        return Status::InvalidArgument(
            fmt::format("{} does not hold {} on unit {}", openid, role, unit_id));
      }
      done = fmt::format("revoked {} on {} {} from {}", role, unit_id, path, openid);
    }
    return Status::Ok();
  });
  if (!s.ok()) return Report(s);
  std::cout << done << "\n";
  return 0;
}

int Elderly(const CliCommon& common, const std::string& openid, const std::string& value) {
  if (value != "on" && value != "off") {
    std::cerr << "gebi: the flag is on or off\n";
    return 2;
  }
  SystemClock clock;
  auto app = OpenApp(common, clock);
  if (!app.ok()) return Report(app.status());
  Status s = (*app)->db().WithTransaction([&](storage::Tx& tx) -> Status {
    Status set = storage::SetElderlyAlone(tx, openid, value == "on", clock.NowSeconds());
    if (set.IsNotFound()) {
      return Status::InvalidArgument(openid + " is not a resident of any grid (join first)");
    }
    return set;
  });
  if (!s.ok()) return Report(s);
  std::cout << fmt::format("{}: elderly living alone = {}\n", openid, value);
  return 0;
}

}  // namespace

void AddOrgCommands(CLI::App& app, CliCommon& common, int* exit_code) {
  static std::string org_file, address_file, openid, role, flag_openid, flag_value;
  static int64_t unit_id = 0;

  auto* org = app.add_subcommand("org", "the organisation tree: import and list");
  org->require_subcommand(1);
  auto* org_import = org->add_subcommand(
      "import", "import streets, communities, grids, buildings and their people from CSV");
  AddConfigOption(org_import, common);
  org_import->add_option("file", org_file, "CSV: kind,code,parent,name,contact,people")->required();
  org_import->callback([&common, exit_code] {
    *exit_code = Import(common, org_file, handlers::ImportOrgCsv, "org");
  });
  auto* org_list = org->add_subcommand("list", "one line per grid: id, name path, worker openids");
  AddConfigOption(org_list, common);
  org_list->callback([&common, exit_code] { *exit_code = List(common); });

  auto* address = app.add_subcommand("address", "the address directory");
  address->require_subcommand(1);
  auto* address_import = address->add_subcommand(
      "import", "import road + number / estate + building ranges of each grid from CSV");
  AddConfigOption(address_import, common);
  address_import->add_option("file", address_file, "CSV: grid,road,number,estate,building")
      ->required();
  address_import->callback([&common, exit_code] {
    *exit_code = Import(common, address_file, handlers::ImportAddressCsv, "addresses");
  });

  for (bool grant : {true, false}) {
    auto* sub = app.add_subcommand(
        grant ? "grant" : "revoke",
        grant ? "give a person a role on a unit" : "take a role on a unit away from a person");
    AddConfigOption(sub, common);
    sub->add_option("openid", openid, "the person's openid")->required();
    sub->add_option("role", role,
                    "grid_worker | community_staff | street_staff | district_admin | "
                    "floor_leader")
        ->required();
    sub->add_option("--unit", unit_id, "unit id (see gebi org list)")->required();
    sub->callback([&common, exit_code, grant] {
      *exit_code = GrantOrRevoke(common, openid, role, unit_id, grant);
    });
  }

  auto* elderly = app.add_subcommand(
      "elderly", "flag a resident as elderly living alone (their repairs get priority)");
  AddConfigOption(elderly, common);
  elderly->add_option("openid", flag_openid, "the resident's openid")->required();
  elderly->add_option("value", flag_value, "on | off")->required();
  elderly->callback(
      [&common, exit_code] { *exit_code = Elderly(common, flag_openid, flag_value); });
}

}  // namespace gebi::bot
