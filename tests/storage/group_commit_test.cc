// Database under concurrent writers: group commit keeps each WithTransaction all-or-nothing
// on its own, and the statement cache's address fast path never confuses two SQL texts.
#include <atomic>
#include <thread>
#include <vector>

#include "storage/database.h"
#include "tests/support/test_env.h"

namespace gebi::storage {
namespace {

int64_t Count(Database& db, const std::string& sql) {
  int64_t n = -1;
  REQUIRE_OK(db.WithRead([&](Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryInt(sql));
    n = v.value_or(-1);
    return Status::Ok();
  }));
  return n;
}

TEST_CASE("Concurrent transactions commit together yet each fails alone", "[storage]") {
  testing::TempDir dir;
  auto opened = Database::Open(dir.File("g.db"));
  REQUIRE(opened.ok());
  Database& db = **opened;
  REQUIRE_OK(db.WithTransaction([](Tx& tx) {
    return tx.Exec("CREATE TABLE t(k INTEGER PRIMARY KEY, thread INTEGER NOT NULL)");
  }));

  constexpr int kThreads = 16;
  constexpr int kPerThread = 60;
  std::atomic<int> ok_calls{0}, wrong_status{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const int64_t key = int64_t{t} * 1000 + i;
        // Every third call fails after writing (returned error, thrown exception, or a
        // constraint violation on its second row); its first row must not survive.
        const int kind = i % 3 == 0 ? (i / 3) % 3 + 1 : 0;
        Status s = db.WithTransaction([&](Tx& tx) -> Status {
          GEBI_RETURN_IF_ERROR(tx.Run("INSERT INTO t(k, thread) VALUES (?1, ?2)", key, t));
          // Inside the transaction the row just written is visible, whoever else is in it.
          GEBI_ASSIGN_OR_RETURN(auto mine, tx.QueryInt("SELECT thread FROM t WHERE k = ?1", key));
          if (mine != std::optional<int64_t>(t)) return Status::Internal("lost own write");
          if (kind == 1) return Status::Internal("handler failed");
          if (kind == 2) throw std::runtime_error("handler threw");
          if (kind == 3) return tx.Run("INSERT INTO t(k, thread) VALUES (?1, ?2)", key, t);
          return Status::Ok();
        });
        if (s.ok() == (kind == 0)) {
          ok_calls += s.ok() ? 1 : 0;
        } else {
          ++wrong_status;
        }
      }
    });
  }
  for (auto& th : threads) th.join();

  REQUIRE(wrong_status == 0);
  const int expected = kThreads * (kPerThread - kPerThread / 3);
  REQUIRE(ok_calls == expected);
  REQUIRE(Count(db, "SELECT COUNT(*) FROM t") == expected);
  // No row of a failed call survived: those are the keys with i % 3 == 0.
  REQUIRE(Count(db, "SELECT COUNT(*) FROM t WHERE (k % 1000) % 3 = 0") == 0);
  // The connection is still usable for a plain transaction afterwards.
  REQUIRE_OK(db.WithTransaction([](Tx& tx) { return tx.Run("DELETE FROM t WHERE k < 0"); }));
}

TEST_CASE("A reused SQL buffer with new text gets its own statement", "[storage]") {
  auto opened = Database::Open(":memory:");
  REQUIRE(opened.ok());
  Database& db = **opened;
  std::string sql = "SELECT 1";
  REQUIRE(Count(db, sql) == 1);
  const char* address = sql.data();
  sql.assign("SELECT 2");  // same length: the buffer (and its address) is reused
  REQUIRE(sql.data() == address);
  REQUIRE(Count(db, sql) == 2);
  sql.assign("SELECT 1");
  REQUIRE(Count(db, sql) == 1);
}

}  // namespace
}  // namespace gebi::storage
