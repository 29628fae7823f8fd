// `gebi migrate` and `gebi backup` as an operator runs them against a real config and file.
#include "bot/cli/serve.h"

#include <sys/stat.h>

#include <fstream>

#include "bot/cli/cli.h"
#include "tests/support/test_env.h"

namespace gebi::testing {
namespace {

int Run(std::vector<std::string> args) {
  args.insert(args.begin(), "gebi");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return bot::RunCli(static_cast<int>(argv.size()), argv.data());
}

TEST_CASE("gebi backup writes a new private copy, never overwrites, needs a database",
          "[bot][cli]") {
  TempDir dir;
  auto config = dir.File("c.toml");
  std::ofstream(config) << "[wechat]\ntoken = \"spamtest\"\n[storage]\nsqlite = \""
                        << dir.File("g.db") << "\"\n[paths]\ntemplates = \"" << GEBI_SOURCE_DIR
                        << "/templates\"\n[log]\nlevel = \"off\"\n";
  // Nothing to back up yet: the command must not create the database on the way.
  CHECK(Run({"backup", dir.File("early.db"), "--config", config}) == bot::kExitUsage);
  struct stat st {};
  CHECK(stat(dir.File("g.db").c_str(), &st) != 0);

  REQUIRE(Run({"migrate", "--config", config}) == bot::kExitOk);
  REQUIRE(Run({"backup", dir.File("copy.db"), "--config", config}) == bot::kExitOk);
  REQUIRE(stat(dir.File("copy.db").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(Run({"backup", dir.File("copy.db"), "--config", config}) == bot::kExitUsage);

  // The copy is a database gebi can start on: pointing the config at it migrates as a no-op.
  auto restored = dir.File("r.toml");
  std::ofstream(restored) << "[wechat]\ntoken = \"spamtest\"\n[storage]\nsqlite = \""
                          << dir.File("copy.db") << "\"\n[paths]\ntemplates = \"" << GEBI_SOURCE_DIR
                          << "/templates\"\n[log]\nlevel = \"off\"\n";
  CHECK(Run({"migrate", "--config", restored}) == bot::kExitOk);
}

}  // namespace
}  // namespace gebi::testing
