// Operator commands of the organisation model: `gebi org import|list`, `gebi address import`,
// `gebi grant`, `gebi revoke`, `gebi elderly`. Each opens (and migrates) the configured
// database, does its work in one transaction, and prints one line per result.
#include "bot/cli/org.h"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "bot/app.h"
#include "handlers/admin/auth.h"
#include "handlers/org/directory.h"
#include "handlers/privacy.h"
#include "storage/org_store.h"

namespace gebi::bot {

namespace {

// Import files are a few hundred rows; refuse something that is clearly not one.
constexpr std::streamsize kMaxImportBytes = 8 * 1024 * 1024;

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

using ImportFn = Result<handlers::ImportSummary> (*)(storage::Tx&, std::string_view, int64_t);

int Import(App& app, const std::string& file, ImportFn fn, const char* what) {
  auto text = ReadFile(file);
  if (!text.ok()) return Report(text.status());
  handlers::ImportSummary sum;
  Status s = app.db().WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(sum, fn(tx, *text, app.clock().NowSeconds()));
    return Status::Ok();
  });
  if (!s.ok()) return Report(s.WithContext(file));
  std::cout << fmt::format("{}: {} rows imported ({} added, {} updated{})\n", what, sum.rows,
                           sum.added, sum.updated,
                           sum.grants > 0 ? fmt::format(", {} people", sum.grants) : "");
  return 0;
}

int List(App& app) {
  std::string out;
  Status s = app.db().WithRead([&](storage::Tx& tx) -> Status {
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

// The role and openid of grant / revoke, checked before the database is opened.
int CheckGrantArgs(const std::string& openid, const std::string& role) {
  if (!storage::IsGrantableRole(role) || role == "volunteer") {
    std::cerr << fmt::format(
        "gebi: role '{}' must be one of floor_leader, grid_worker, community_staff, "
        "street_staff, district_admin (volunteers sign up themselves with 志愿者 <技能>)\n",
        role);
    return kExitUsage;
  }
  if (openid.empty() || openid.size() > 64 ||
      openid.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
          std::string::npos) {
    std::cerr << fmt::format("gebi: '{}' is not an openid\n", openid);
    return kExitUsage;
  }
  return kExitOk;
}

int GrantOrRevoke(App& app, const std::string& openid, const std::string& role, int64_t unit_id,
                  bool grant) {
  std::string done;
  Status s = app.db().WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto unit, storage::GetUnit(tx, unit_id));
    if (!unit) return Status::InvalidArgument(fmt::format("no unit with id {}", unit_id));
    if (storage::ManagerRoleOf(unit->kind) != role) {
      return Status::InvalidArgument(fmt::format("unit {} is a {}; its role is {}, not {}", unit_id,
                                                 unit->kind, storage::ManagerRoleOf(unit->kind),
                                                 role));
    }
    GEBI_ASSIGN_OR_RETURN(std::string path, storage::UnitPathName(tx, unit_id));
    if (grant) {
      GEBI_RETURN_IF_ERROR(
          storage::Grant(tx, {openid, role, unit_id, "cli"}, app.clock().NowSeconds()));
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

int Elderly(App& app, const std::string& openid, const std::string& value) {
  if (value != "on" && value != "off") {
    std::cerr << "gebi: the flag is on or off\n";
    return kExitUsage;
  }
  Status s = app.db().WithTransaction([&](storage::Tx& tx) -> Status {
    Status set = storage::SetElderlyAlone(tx, openid, value == "on", app.clock().NowSeconds());
    if (set.IsNotFound()) {
      return Status::InvalidArgument(openid + " is not a resident of any grid (join first)");
    }
    return set;
  });
  if (!s.ok()) return Report(s);
  std::cout << fmt::format("{}: elderly living alone = {}\n", openid, value);
  return 0;
}

int Forget(App& app, const std::string& openid) {
  auto counts =
      handlers::ForgetPerson(app.db(), app.clock(), handlers::admin::CliPrincipal(), openid);
  if (!counts.ok()) return Report(counts.status());
  std::cout << fmt::format(
      "forgotten: {} rows removed, {} rows kept for the numbers without the "
      "person, {} photo files deleted\n",
      counts->deleted, counts->anonymised, counts->files.size());
  return kExitOk;
}

}  // namespace

void AddOrgCommands(CLI::App& app, Cli& cli) {
  struct OrgArgs {
    std::string org_file, address_file, openid, role, flag_openid, flag_value;
    int64_t unit_id = 0;
  };
  auto& a = cli.Keep<OrgArgs>();

  auto* org = app.add_subcommand("org", "the organisation tree: import and list");
  org->require_subcommand(1);
  auto* address = app.add_subcommand("address", "the address directory");
  address->require_subcommand(1);
  // The two CSV imports: same shape, different file format and importer.
  struct CsvImport {
    CLI::App* parent;
    const char* help;
    const char* columns;
    std::string* file;
    ImportFn fn;
    const char* what;
  };
  for (const CsvImport& im :
       {CsvImport{org, "import streets, communities, grids, buildings and their people from CSV",
                  "CSV: kind,code,parent,name,contact,people", &a.org_file, handlers::ImportOrgCsv,
                  "org"},
        CsvImport{address, "import road + number / estate + building ranges of each grid from CSV",
                  "CSV: grid,road,number,estate,building", &a.address_file,
                  handlers::ImportAddressCsv, "addresses"}}) {
    auto* sub = im.parent->add_subcommand("import", im.help);
    cli.AddConfigOption(sub);
    sub->add_option("file", *im.file, im.columns)->required();
    cli.RunWithApp(sub, [im](App& app) { return Import(app, *im.file, im.fn, im.what); });
  }
  auto* org_list = org->add_subcommand("list", "one line per grid: id, name path, worker openids");
  cli.AddConfigOption(org_list);
  cli.RunWithApp(org_list, List);

  for (bool grant : {true, false}) {
    auto* sub = app.add_subcommand(
        grant ? "grant" : "revoke",
        grant ? "give a person a role on a unit" : "take a role on a unit away from a person");
    cli.AddConfigOption(sub);
    sub->add_option("openid", a.openid, "the person's openid")->required();
    sub->add_option("role", a.role,
                    "grid_worker | community_staff | street_staff | district_admin | "
                    "floor_leader")
        ->required();
    sub->add_option("--unit", a.unit_id, "unit id (see gebi org list)")->required();
    cli.Run(sub, [&cli, &a, grant] {
      int bad = CheckGrantArgs(a.openid, a.role);
      if (bad != kExitOk) return bad;
      return cli.WithApp(
          [&a, grant](App& app) { return GrantOrRevoke(app, a.openid, a.role, a.unit_id, grant); });
    });
  }

  auto* elderly = app.add_subcommand(
      "elderly", "flag a resident as elderly living alone (their repairs get priority)");
  cli.AddConfigOption(elderly);
  elderly->add_option("openid", a.flag_openid, "the resident's openid")->required();
  elderly->add_option("value", a.flag_value, "on | off")->required();
  cli.RunWithApp(elderly, [&a](App& app) { return Elderly(app, a.flag_openid, a.flag_value); });

  auto* forget = app.add_subcommand(
      "forget", "remove or anonymise everything kept about one person (audited)");
  cli.AddConfigOption(forget);
  auto& forget_openid = cli.Keep<std::string>();
  forget->add_option("openid", forget_openid, "the person's openid")->required();
  cli.RunWithApp(forget, [&forget_openid](App& app) { return Forget(app, forget_openid); });
}

}  // namespace gebi::bot
