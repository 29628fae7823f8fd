// The command line's shared rules: one exit code per kind of failure, and option values that
// belong to one RunCli call (a second call in the same process starts clean).
#include "bot/cli/common.h"

#include <fstream>

#include "bot/cli/cli.h"
#include "tests/support/test_env.h"

namespace gebi::bot {
namespace {

TEST_CASE("Exit codes: 0 done, 2 the operator's input, 1 the system", "[bot][cli]") {
  CHECK(ExitCode(Status::Ok()) == kExitOk);
  for (const Status& s :
       {Status::InvalidArgument("x"), Status::NotFound("x"), Status::FailedPrecondition("x"),
        Status::AlreadyExists("x"), Status::PermissionDenied("x")}) {
    CAPTURE(s.ToString());
    CHECK(ExitCode(s) == kExitUsage);
  }
  for (const Status& s :
       {Status::IOError("x"), Status::Internal("x"), Status::Busy("x"), Status::Aborted("x"),
        Status::Unavailable("x"), Status::Corruption("x")}) {
    CAPTURE(s.ToString());
    CHECK(ExitCode(s) == kExitFailure);
  }
  CHECK(Report(Status::Ok()) == kExitOk);
  CHECK(Report(Status::NotFound("no such row")) == kExitUsage);
}

TEST_CASE("Kept option values belong to one Cli", "[bot][cli]") {
  Cli a;
  Cli b;
  auto& x = a.Keep<std::string>("first");
  x = "changed";
  auto& y = b.Keep<std::string>("first");
  CHECK(y == "first");
  CHECK(&x != &y);
  CHECK(a.exit_code() == kExitOk);
  CHECK(a.config_path() == "deploy/gebi.example.toml");
}

TEST_CASE("RunCli applies the exit-code rule to a missing config, a bad role and a good command",
          "[bot][cli]") {
  testing::TempDir dir;
  std::string missing = dir.File("missing.toml");
  auto run = [](std::vector<std::string> args) {
    std::vector<char*> argv;
    static char name[] = "gebi";
    argv.push_back(name);
    for (auto& a : args) argv.push_back(a.data());
    return RunCli(static_cast<int>(argv.size()), argv.data());
  };
  // A config that does not exist is the operator's mistake.
  CHECK(run({"migrate", "--config", missing}) == kExitUsage);
  auto config = dir.File("c.toml");
  std::ofstream(config) << "[wechat]\ntoken = \"spamtest\"\n[storage]\nsqlite = \""
                        << dir.File("g.db") << "\"\n[paths]\ntemplates = \"" << GEBI_SOURCE_DIR
                        << "/templates\"\n[log]\nlevel = \"off\"\n";
  CHECK(run({"migrate", "--config", config}) == kExitOk);
  CHECK(run({"org", "list", "--config", config}) == kExitOk);
  CHECK(run({"grant", "o_x", "wizard", "--unit", "1", "--config", config}) == kExitUsage);
}

}  // namespace
}  // namespace gebi::bot
