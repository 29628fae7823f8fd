#include "storage/database.h"

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "storage/migrations.h"
#include "tests/support/test_env.h"

namespace gebi::storage {
namespace {

std::unique_ptr<Database> OpenMemory() {
  auto db = Database::Open(":memory:");
  REQUIRE(db.ok());
  return std::move(db).value();
}

TEST_CASE("Backup copies every row while writers go on, never overwrites, and is private",
          "[storage]") {
  testing::TempDir dir;
  auto opened = Database::Open(dir.File("live.db"));
  REQUIRE_RESULT_OK(opened);
  Database& db = **opened;
  struct stat st {};
  REQUIRE(stat(dir.File("live.db").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);  // a new database file is private
  REQUIRE_OK(db.WithTransaction(
      [](Tx& tx) { return tx.Exec("CREATE TABLE t(k INTEGER PRIMARY KEY, v TEXT NOT NULL)"); }));
  REQUIRE_OK(db.WithTransaction([](Tx& tx) -> Status {
    for (int i = 0; i < 2000; ++i)
      GEBI_RETURN_IF_ERROR(tx.Run("INSERT INTO t(v) VALUES (?1)", "r"));
    return Status::Ok();
  }));
  // A writer keeps inserting while the backup runs: the copy is one moment's state.
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    while (!stop.load()) {
      (void)db.WithTransaction([](Tx& tx) { return tx.Run("INSERT INTO t(v) VALUES ('w')"); });
    }
  });
  Status s = db.Backup(dir.File("copy.db"));
  stop = true;
  writer.join();
  REQUIRE_OK(s);
  REQUIRE(stat(dir.File("copy.db").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  auto copy = Database::Open(dir.File("copy.db"));
  REQUIRE_RESULT_OK(copy);
  int64_t rows = 0, max_key = 0;
  std::string integrity;
  REQUIRE_OK((*copy)->WithRead([&](Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto n, tx.QueryInt("SELECT COUNT(*) FROM t"));
    GEBI_ASSIGN_OR_RETURN(auto m, tx.QueryInt("SELECT MAX(k) FROM t"));
    GEBI_ASSIGN_OR_RETURN(auto ok, tx.QueryText("PRAGMA integrity_check"));
    rows = n.value_or(0);
    max_key = m.value_or(0);
    integrity = ok.value_or("");
    return Status::Ok();
  }));
  CHECK(integrity == "ok");
  CHECK(rows >= 2000);     // every row written before the backup began
  CHECK(rows == max_key);  // and no gap: a consistent prefix of the inserts
  // Never overwritten; an in-memory database has nothing to copy.
  CHECK(db.Backup(dir.File("copy.db")).code() == Status::Code::kAlreadyExists);
  auto memory = Database::Open(":memory:");
  REQUIRE_RESULT_OK(memory);
  CHECK((*memory)->Backup(dir.File("m.db")).code() == Status::Code::kFailedPrecondition);
}

TEST_CASE("Under steady writes the WAL starts over: the checkpointer catches the writer",
          "[storage]") {
  testing::TempDir dir;
  DatabaseOptions options;
  options.checkpoint_frames = 300;
  // No COMMIT checkpoints itself: only the background checkpointer can let the WAL restart.
  options.inline_checkpoint_frames = 1 << 30;
  auto opened = Database::Open(dir.File("wal.db"), options);
  REQUIRE_RESULT_OK(opened);
  Database& db = **opened;
  REQUIRE_OK(db.WithTransaction(
      [](Tx& tx) { return tx.Exec("CREATE TABLE t(k INTEGER PRIMARY KEY, v BLOB NOT NULL)"); }));
  // A writer that never pauses: no quiet moment in which one pass copies every frame. Each
  // COMMIT adds a frame or two; without the checkpointer the WAL would only grow.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  int64_t commits = 0;
  while (db.wal_restarts() < 3 && std::chrono::steady_clock::now() < deadline) {
    REQUIRE_OK(db.WithTransaction(
        [](Tx& tx) { return tx.Run("INSERT INTO t(v) VALUES (zeroblob(3000))"); }));
    ++commits;
  }
  CHECK(db.wal_restarts() >= 3);
  int64_t rows = 0;
  std::string integrity;
  REQUIRE_OK(db.WithRead([&](Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto n, tx.QueryInt("SELECT COUNT(*) FROM t"));
    GEBI_ASSIGN_OR_RETURN(auto ok, tx.QueryText("PRAGMA integrity_check"));
    rows = n.value_or(0);
    integrity = ok.value_or("");
    return Status::Ok();
  }));
  CHECK(rows == commits);  // nothing lost across the restarts
  CHECK(integrity == "ok");
}

TEST_CASE("OnCommit runs once the work is committed, never after a rollback", "[storage]") {
  testing::TempDir dir;
  auto opened = Database::Open(dir.File("c.db"));
  REQUIRE_RESULT_OK(opened);
  Database& db = **opened;
  REQUIRE_OK(db.WithTransaction([](Tx& tx) { return tx.Exec("CREATE TABLE t(v TEXT)"); }));
  std::atomic<int> ran{0};
  // Committed: runs before WithTransaction returns. Failed: never.
  REQUIRE_OK(db.WithTransaction([&](Tx& tx) {
    tx.OnCommit([&] { ++ran; });
    return tx.Run("INSERT INTO t(v) VALUES ('a')");
  }));
  CHECK(ran == 1);
  CHECK(db.WithTransaction([&](Tx& tx) -> Status {
            tx.OnCommit([&] { ran += 100; });
            GEBI_RETURN_IF_ERROR(tx.Run("INSERT INTO t(v) VALUES ('b')"));
            return Status::Aborted("changed its mind");
          }).code() == Status::Code::kAborted);
  CHECK(ran == 1);
  // A read: when its fn succeeds.
  REQUIRE_OK(db.WithRead([&](Tx& tx) {
    tx.OnCommit([&] { ++ran; });
    return Status::Ok();
  }));
  CHECK(db.WithRead([&](Tx& tx) {
            tx.OnCommit([&] { ran += 100; });
            return Status::NotFound("nothing");
          }).code() == Status::Code::kNotFound);
  CHECK(ran == 2);
  // Many writers at once share COMMITs: each callback runs once, exactly for the fns that
  // committed (every third one fails and rolls back to its savepoint).
  std::atomic<int> committed{0};
  std::atomic<int> wrong_status{0};  // assertions stay on the test's thread
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const bool fail = (t * 50 + i) % 3 == 0;
        Status s = db.WithTransaction([&](Tx& tx) -> Status {
          tx.OnCommit([&] { ++committed; });
          GEBI_RETURN_IF_ERROR(tx.Run("INSERT INTO t(v) VALUES ('g')"));
          return fail ? Status::Aborted("fails alone") : Status::Ok();
        });
        if (s.ok() == fail) ++wrong_status;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(wrong_status == 0);
  int64_t rows = 0;
  REQUIRE_OK(db.WithRead([&](Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto n, tx.QueryInt("SELECT COUNT(*) FROM t WHERE v = 'g'"));
    rows = n.value_or(0);
    return Status::Ok();
  }));
  CHECK(committed == rows);
  CHECK(rows == 400 - 134);  // 134 of the 400 numbers 0..399 are multiples of 3
}

TEST_CASE("Constraint failures map by kind and never carry the statement", "[storage]") {
  auto db = OpenMemory();
  REQUIRE_OK(db->WithTransaction([](Tx& tx) {
    return tx.Exec(
        "PRAGMA foreign_keys = ON;"
        "CREATE TABLE p(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
        "CREATE TABLE c(id INTEGER PRIMARY KEY, p_id INTEGER NOT NULL REFERENCES p(id),"
        " n INTEGER CHECK (n > 0));"
        "INSERT INTO p(id, name) VALUES (1, 'a');");
  }));
  struct Case {
    const char* sql;
    Status::Code code;
  };
  const Case cases[] = {
      {"INSERT INTO p(id, name) VALUES (2, 'a')", Status::Code::kAlreadyExists},     // unique
      {"INSERT INTO p(id, name) VALUES (1, 'b')", Status::Code::kAlreadyExists},     // primary key
      {"INSERT INTO c(p_id, n) VALUES (99, 1)", Status::Code::kFailedPrecondition},  // foreign
      {"INSERT INTO p(id, name) VALUES (3, NULL)", Status::Code::kInvalidArgument},  // not null
      {"INSERT INTO c(p_id, n) VALUES (1, -5)", Status::Code::kInvalidArgument},     // check
  };
  for (const Case& k : cases) {
    CAPTURE(k.sql);
    Status s = db->WithTransaction([&](Tx& tx) { return tx.Run(k.sql); });
    CAPTURE(s.ToString());
    CHECK(s.code() == k.code);
    CHECK(s.message().find("INSERT") == std::string::npos);  // no SQL text
    CHECK(s.message().find("constraint failed") != std::string::npos);
  }
}

TEST_CASE("Database transactions commit or roll back as a whole", "[storage]") {
  auto db = OpenMemory();
  REQUIRE_OK(db->WithTransaction(
      [](Tx& tx) { return tx.Exec("CREATE TABLE t(k TEXT PRIMARY KEY, v INTEGER)"); }));

  SECTION("a failing function rolls back its writes") {
    Status s = db->WithTransaction([](Tx& tx) -> Status {
      GEBI_RETURN_IF_ERROR(tx.Run("INSERT INTO t VALUES (?1, ?2)", "a", 1));
      return Status::Internal("boom");
    });
    REQUIRE(s.code() == Status::Code::kInternal);
    int64_t n = -1;
    REQUIRE_OK(db->WithRead([&](Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryInt("SELECT COUNT(*) FROM t"));
      n = *v;
      return Status::Ok();
    }));
    REQUIRE(n == 0);
  }
  SECTION("an exception inside is caught, reported and rolled back") {
    Status s = db->WithTransaction([](Tx& tx) -> Status {
      GEBI_RETURN_IF_ERROR(tx.Run("INSERT INTO t VALUES (?1, ?2)", "a", 1));
      throw std::runtime_error("thrown");
    });
    REQUIRE(s.code() == Status::Code::kInternal);
    REQUIRE(s.message().find("thrown") != std::string::npos);
  }
  SECTION("a unique violation is AlreadyExists and bound text is never SQL") {
    const std::string hostile = "x'); DROP TABLE t; --";
    REQUIRE_OK(db->WithTransaction(
        [&](Tx& tx) { return tx.Run("INSERT INTO t VALUES (?1, 1)", hostile); }));
    Status s = db->WithTransaction(
        [&](Tx& tx) { return tx.Run("INSERT INTO t VALUES (?1, 2)", hostile); });
    REQUIRE(s.code() == Status::Code::kAlreadyExists);
    std::optional<std::string> k;
    REQUIRE_OK(db->WithRead([&](Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(k, tx.QueryText("SELECT k FROM t WHERE v = 1"));
      return Status::Ok();
    }));
    REQUIRE(k == hostile);
  }
  SECTION("a bad statement names the SQL") {
    Status s = db->WithTransaction([](Tx& tx) { return tx.Run("SELEC nonsense"); });
    REQUIRE_FALSE(s.ok());
    REQUIRE(s.message().find("SELEC nonsense") != std::string::npos);
  }
}

TEST_CASE("Migrations build the schema, are idempotent and refuse newer files", "[storage]") {
  testing::TempDir dir;
  auto opened = Database::Open(dir.File("m.db"));
  REQUIRE(opened.ok());
  auto& db = **opened;
  REQUIRE_OK(Migrate(db));
  REQUIRE(*SchemaVersion(db) == LatestSchemaVersion());
  REQUIRE_OK(Migrate(db));  // second run: nothing to do

  SECTION("the schema matches the golden file of this version") {
    auto dump = DumpSchema(db);
    REQUIRE(dump.ok());
    std::string golden =
        testing::ReadTestData("schema.v" + std::to_string(LatestSchemaVersion()) + ".sql");
    REQUIRE(*dump == golden);
  }
  SECTION("a database newer than the binary is refused") {
    REQUIRE_OK(db.WithTransaction([](Tx& tx) { return tx.Exec("PRAGMA user_version = 999"); }));
    Status s = Migrate(db);
    REQUIRE(s.code() == Status::Code::kFailedPrecondition);
    REQUIRE(s.message().find("999") != std::string::npos);
  }
}

TEST_CASE("Every older golden schema migrates to the latest golden schema", "[storage]") {
  const std::string latest =
      testing::ReadTestData("schema.v" + std::to_string(LatestSchemaVersion()) + ".sql");
  for (const Migration& step : AllMigrations()) {
    // Every released version has a golden file; branches may land their steps out of order.
    const int from = step.version;
    if (from == LatestSchemaVersion()) continue;
    CAPTURE(from);
    testing::TempDir dir;
    auto opened = Database::Open(dir.File("old.db"));
    REQUIRE(opened.ok());
    auto& db = **opened;
    std::string old_schema = testing::ReadTestData("schema.v" + std::to_string(from) + ".sql");
    // The golden file lists statements by (type, name): indexes before their tables. Create
    // the tables first.
    std::string tables, others;
    for (size_t start = 0; start < old_schema.size();) {
      size_t end = old_schema.find(";\n", start);
      end = end == std::string::npos ? old_schema.size() : end + 2;
      std::string stmt = old_schema.substr(start, end - start);
      (stmt.rfind("CREATE TABLE", 0) == 0 ? tables : others) += stmt;
      start = end;
    }
    REQUIRE_OK(db.WithTransaction([&](Tx& tx) -> Status {
      GEBI_RETURN_IF_ERROR(tx.Exec(tables + others));
      return tx.Exec("PRAGMA user_version = " + std::to_string(from));
    }));
    REQUIRE_OK(Migrate(db));
    REQUIRE(*SchemaVersion(db) == LatestSchemaVersion());
    REQUIRE(*DumpSchema(db) == latest);
  }
}

}  // namespace
}  // namespace gebi::storage
