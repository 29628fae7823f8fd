// The org and address CSV imports (all-or-nothing, bad rows named by line), re-import, and
// address resolution, over a real migrated SQLite file.
#include "handlers/org/directory.h"

#include "storage/migrations.h"
#include "storage/org_store.h"
#include "tests/support/test_env.h"

namespace gebi::handlers {
namespace {

using storage::Tx;

class OrgDb {
 public:
  OrgDb() {
    auto db = storage::Database::Open(dir_.File("org.db"));
    REQUIRE(db.ok());
    db_ = std::move(db).value();
    REQUIRE_OK(storage::Migrate(*db_));
  }
  // Runs an import in its own transaction, as the CLI does.
  template <typename Fn>
  Status Tx(Fn fn) {
    return db_->WithTransaction([&](storage::Tx& tx) -> Status { return fn(tx); });
  }
  int64_t Count(const std::string& sql) {
    int64_t n = -1;
    REQUIRE_OK(db_->WithRead([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryInt(sql));
      n = v.value_or(0);
      return Status::Ok();
    }));
    return n;
  }

 private:
  testing::TempDir dir_;
  std::unique_ptr<storage::Database> db_;
};

constexpr std::string_view kOrg = R"csv(kind,code,parent,name,contact,people
# the district first; order does not matter otherwise
grid,G1,C1,第一网格,网格员 13800000001,o_w1;o_w1b
district,D,,鹿城区,,
street,S,D,松台街道,,o_street
community,C1,S,桂柑社区,0577-88000000,o_staff
"building","B5","G1","5幢","",o_leader
)csv";

TEST_CASE("ParseCsv handles quotes, doubled quotes, CRLF and reports unterminated quotes",
          "[handlers][grid]") {
  auto rows = ParseCsv("a, b ,\"c,d\"\r\n\"say \"\"hi\"\"\",\"two\nlines\"\nlast");
  REQUIRE_RESULT_OK(rows);
  REQUIRE(rows->size() == 3);
  REQUIRE((*rows)[0].fields == std::vector<std::string>{"a", "b", "c,d"});
  REQUIRE((*rows)[1].fields == std::vector<std::string>{"say \"hi\"", "two\nlines"});
  REQUIRE((*rows)[2].line == 4);
  auto bad = ParseCsv("a,b\n\"open,c\n");
  REQUIRE(!bad.ok());
  REQUIRE(bad.status().message() == "line 2: unterminated quote");
}

TEST_CASE("Org import builds the tree, people and grid circles and re-import updates in place",
          "[handlers][grid]") {
  OrgDb db;
  ImportSummary sum;
  REQUIRE_OK(db.Tx([&](Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(sum, ImportOrgCsv(tx, kOrg, 100));
    return Status::Ok();
  }));
  REQUIRE(sum.rows == 5);
  REQUIRE(sum.added == 5);
  REQUIRE(sum.grants == 5);
  int64_t g1 = db.Count("SELECT id FROM org_units WHERE code = 'G1'");
  REQUIRE_OK(db.Tx([&](Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(std::string path, storage::UnitPathName(tx, g1));
    REQUIRE(path == "鹿城区/松台街道/桂柑社区/第一网格");
    GEBI_ASSIGN_OR_RETURN(auto workers, storage::HoldersOf(tx, g1, "grid_worker"));
    REQUIRE(workers == std::vector<std::string>{"o_w1", "o_w1b"});
    // Managers above the grid may act on it; the floor leader and others may not.
    for (const char* who : {"o_w1", "o_staff", "o_street"}) {
      GEBI_ASSIGN_OR_RETURN(bool may, storage::CanManage(tx, who, g1));
      CAPTURE(who);
      REQUIRE(may);
    }
    for (const char* who : {"o_leader", "o_nobody"}) {
      GEBI_ASSIGN_OR_RETURN(bool may, storage::CanManage(tx, who, g1));
      CAPTURE(who);
      REQUIRE(!may);
    }
    // A CLI grant survives re-import; imported people are replaced.
    return storage::Grant(tx, {"o_extra", "grid_worker", g1, "cli"}, 100);
  }));
  REQUIRE(db.Count("SELECT COUNT(*) FROM circles WHERE kind = 'grid' AND unit_id = " +
                   std::to_string(g1)) == 1);
  REQUIRE(db.Count("SELECT COUNT(*) FROM circle_members WHERE role = 'manager'") == 2);

  std::string again = "grid,G1,C1,第一网格（新）,,o_w2\n";
  REQUIRE_OK(db.Tx([&](Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(sum, ImportOrgCsv(tx, again, 200));
    return Status::Ok();
  }));
  REQUIRE(sum.updated == 1);
  REQUIRE(db.Count("SELECT id FROM org_units WHERE code = 'G1'") == g1);  // ids never change
  REQUIRE(db.Count("SELECT COUNT(*) FROM org_units WHERE name = '第一网格（新）'") == 1);
  REQUIRE(db.Count("SELECT COUNT(*) FROM role_grants WHERE unit_id = " + std::to_string(g1) +
                   " AND openid IN ('o_w2', 'o_extra')") == 2);
  REQUIRE(db.Count("SELECT COUNT(*) FROM role_grants WHERE openid = 'o_w1'") == 0);
  REQUIRE(db.Count("SELECT COUNT(*) FROM circles WHERE kind = 'grid'") == 1);
}

TEST_CASE("Org import with bad rows names every bad line and imports nothing", "[handlers][grid]") {
  OrgDb db;
  std::string csv = std::string(kOrg) +
                    "grid,G2,NOPE,第二网格,,\n"              // line 8: unknown parent
                    "grid,G3,S,第三网格,,\n"                 // line 9: parent of the wrong kind
                    "village,V,C1,某村,,\n"                  // line 10: unknown kind
                    "grid,G1,C1,重复,,\n"                    // line 11: duplicate code
                    "grid,bad code,C1,x,,\n"                 // line 12: bad code
                    "grid,G4,C1,,,\n"                        // line 13: no name
                    "grid,G5,C1,第五网格,,o_ok;not an id\n"  // line 14: bad openid
                    "district,D2,S,x,,\n"                    // line 15: district with parent
                    "grid,G6\n"                              // line 16: too few fields
                    "grid,G7,C1,=cmd(),,\n";                 // line 17: formula injection
  Status s = db.Tx([&](Tx& tx) { return ImportOrgCsv(tx, csv, 100).status(); });
  REQUIRE(!s.ok());
  REQUIRE(s.code() == Status::Code::kInvalidArgument);
  INFO(s.message());
  for (int line : {8, 9, 10, 11, 12, 13, 14, 15, 16, 17}) {
    CAPTURE(line);
    REQUIRE(s.message().find("line " + std::to_string(line) + ":") != std::string::npos);
  }
  REQUIRE(s.message().find("line 7:") == std::string::npos);
  REQUIRE(s.message().find("10 bad row(s), nothing imported") == 0);
  REQUIRE(db.Count("SELECT COUNT(*) FROM org_units") == 0);
  REQUIRE(db.Count("SELECT COUNT(*) FROM role_grants") == 0);
}

TEST_CASE("Address import and resolution: exact ranges, nearest candidates, fuzzy names",
          "[handlers][grid]") {
  OrgDb db;
  REQUIRE_OK(db.Tx([&](Tx& tx) -> Status {
    GEBI_RETURN_IF_ERROR(
        ImportOrgCsv(tx, std::string(kOrg) + "grid,G2,C1,第二网格,,\n", 1).status());
    return ImportAddressCsv(tx,
                            "grid,road,number,estate,building\n"
                            "G1,信河街,1-49,,\n"
                            "G2,信河街,51-99,,\n"
                            "G1,,,桂柑小区,1-10\n"
                            "G2,,,桂柑小区,11-20\n",
                            1)
        .status();
  }));
  int64_t g1 = db.Count("SELECT id FROM org_units WHERE code = 'G1'");
  int64_t g2 = db.Count("SELECT id FROM org_units WHERE code = 'G2'");
  auto resolve = [&](const std::string& text) {
    AddressMatch m;
    REQUIRE_OK(db.Tx([&](Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(m, ResolveAddress(tx, text));
      return Status::Ok();
    }));
    return m;
  };
  REQUIRE(resolve("信河街23号").grid_id == g1);
  REQUIRE(resolve("我住信河街 60 号").grid_id == g2);
  REQUIRE(resolve("桂柑小区15幢301").grid_id == g2);
  AddressMatch near = resolve("信河街150号");
  REQUIRE(!near.grid_id);
  REQUIRE(near.candidates.size() == 2);
  REQUIRE(near.candidates[0].grid_id == g2);
  REQUIRE(near.candidates[0].where == "信河街51-99号");
  AddressMatch fuzzy = resolve("桂柑新村");  // shares "桂柑" with 桂柑小区
  REQUIRE(!fuzzy.grid_id);
  REQUIRE(!fuzzy.candidates.empty());
  REQUIRE(resolve("火星").candidates.empty());

  SECTION("re-import moves a range; bad rows change nothing") {
    REQUIRE_OK(
        db.Tx([&](Tx& tx) { return ImportAddressCsv(tx, "G2,信河街,1-49,,\n", 2).status(); }));
    REQUIRE(resolve("信河街23号").grid_id == g2);
    Status s = db.Tx([&](Tx& tx) {
      return ImportAddressCsv(tx,
                              "G1,信河街,1-49,,\n"          // fine, but the file has bad rows
                              "NOPE,松台路,1-9,,\n"         // line 2: unknown grid
                              "G1,松台路,9-1,,\n"           // line 3: reversed range
                              "G1,松台路,1-9,桂柑小区,1\n"  // line 4: both kinds
                              "C1,松台路,1,,\n",            // line 5: not a grid
                              3)
          .status();
    });
    REQUIRE(!s.ok());
    for (int line : {2, 3, 4, 5}) {
      CAPTURE(line);
      REQUIRE(s.message().find("line " + std::to_string(line) + ":") != std::string::npos);
    }
    REQUIRE(resolve("信河街23号").grid_id == g2);  // the good first row was not applied
  }
}

}  // namespace
}  // namespace gebi::handlers
