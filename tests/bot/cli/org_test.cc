// The operator commands as an operator runs them: `gebi org import|list`, `gebi address import`,
// `gebi grant|revoke`, `gebi elderly`, against a real config file and SQLite database.
#include <fstream>
#include <iostream>
#include <sstream>

#include "bot/cli/cli.h"
#include "storage/migrations.h"
#include "tests/support/test_env.h"

namespace gebi::testing {
namespace {

struct CliRun {
  int code = 0;
  std::string out, err;
};

class CliWorld {
 public:
  CliWorld() {
    config_ = dir_.File("gebi.toml");
    std::ofstream(config_) << "[wechat]\ntoken = \"spamtest\"\n[storage]\nsqlite = \""
                           << dir_.File("gebi.db") << "\"\n[paths]\ntemplates = \""
                           << GEBI_SOURCE_DIR << "/templates\"\n[log]\nlevel = \"off\"\n";
  }
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_.File(name)) << text;
    return dir_.File(name);
  }
  CliRun Run(std::vector<std::string> args) {
    args.insert(args.begin(), "gebi");
    args.push_back("--config");
    args.push_back(config_);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    std::stringstream out, err;
    auto* old_out = std::cout.rdbuf(out.rdbuf());
    auto* old_err = std::cerr.rdbuf(err.rdbuf());
    CliRun r;
    r.code = bot::RunCli(static_cast<int>(argv.size()), argv.data());
    std::cout.rdbuf(old_out);
    std::cerr.rdbuf(old_err);
    r.out = out.str();
    r.err = err.str();
    return r;
  }

 private:
  TempDir dir_;
  std::string config_;
};

TEST_CASE("gebi org import / list / address import / grant / revoke / elderly", "[bot][grid]") {
  CliWorld w;
  std::string org = w.Write("org.csv",
                            "kind,code,parent,name,contact,people\n"
                            "district,D,,鹿城区,,\n"
                            "street,S,D,松台街道,,\n"
                            "community,C,S,桂柑社区,0577-88000000,o_staff\n"
                            "grid,G1,C,第一网格,,o_w1;o_w2\n"
                            "grid,G2,C,第二网格,,\n");
  CliRun r = w.Run({"org", "import", org});
  INFO(r.err);
  REQUIRE(r.code == 0);
  REQUIRE(r.out == "org: 5 rows imported (5 added, 0 updated, 3 people)\n");

  r = w.Run({"org", "list"});
  REQUIRE(r.code == 0);
  REQUIRE(r.out ==
          "4\t鹿城区/松台街道/桂柑社区/第一网格\to_w1,o_w2\n"
          "5\t鹿城区/松台街道/桂柑社区/第二网格\t\n");

  SECTION("a file with bad rows: every line named, exit 2, nothing imported") {
    std::string bad = w.Write("bad.csv",
                              "grid,G3,C,第三网格,,\n"
                              "grid,G4,NOPE,第四网格,,\n"
                              "street,S2,C,错的,,\n");
    r = w.Run({"org", "import", bad});
    REQUIRE(r.code == 2);
    REQUIRE(r.err.find("line 2: parent 'NOPE' not found") != std::string::npos);
    REQUIRE(r.err.find("line 3: parent 'C' is a community, a street needs a district") !=
            std::string::npos);
    REQUIRE(w.Run({"org", "list"}).out.find("第三网格") == std::string::npos);
    REQUIRE(w.Run({"org", "import", w.Write("x", "")}).code == 0);  // empty file: no-op
    REQUIRE(w.Run({"org", "import", "/nonexistent.csv"}).code != 0);
  }
  SECTION("addresses") {
    std::string addr = w.Write("addr.csv",
                               "grid,road,number,estate,building\n"
                               "G1,信河街,1-49,,\n"
                               "G2,,,桂柑小区,11-20\n");
    r = w.Run({"address", "import", addr});
    INFO(r.err);
    REQUIRE(r.code == 0);
    REQUIRE(r.out == "addresses: 2 rows imported (2 added, 0 updated)\n");
    r = w.Run({"address", "import", w.Write("a2.csv", "G9,信河街,1-49,,\n")});
    REQUIRE(r.code == 2);
    REQUIRE(r.err.find("line 1: 'G9' is not a grid code") != std::string::npos);
  }
  SECTION("grant and revoke check the role fits the unit") {
    r = w.Run({"grant", "o_new", "grid_worker", "--unit", "5"});
    REQUIRE(r.code == 0);
    REQUIRE(w.Run({"org", "list"}).out.find("第二网格\to_new") != std::string::npos);
    r = w.Run({"grant", "o_new", "grid_worker", "--unit", "3"});  // 3 is the community
    REQUIRE(r.code == 2);
    REQUIRE(r.err.find("unit 3 is a community; its role is community_staff") != std::string::npos);
    REQUIRE(w.Run({"grant", "o_new", "mayor", "--unit", "5"}).code == 2);
    REQUIRE(w.Run({"grant", "o_new", "volunteer", "--unit", "3"}).code == 2);
    REQUIRE(w.Run({"grant", "bad id!", "grid_worker", "--unit", "5"}).code == 2);
    REQUIRE(w.Run({"grant", "o_new", "grid_worker", "--unit", "999"}).code == 2);
    REQUIRE(w.Run({"revoke", "o_new", "grid_worker", "--unit", "5"}).code == 0);
    REQUIRE(w.Run({"revoke", "o_new", "grid_worker", "--unit", "5"}).code == 2);
    REQUIRE(w.Run({"org", "list"}).out.find("o_new") == std::string::npos);
  }
  SECTION("elderly needs a resident") {
    r = w.Run({"elderly", "o_nobody", "on"});
    REQUIRE(r.code == 2);
    REQUIRE(r.err.find("not a resident") != std::string::npos);
    REQUIRE(w.Run({"elderly", "o_nobody", "maybe"}).code == 2);
  }
}

}  // namespace
}  // namespace gebi::testing
