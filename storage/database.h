// Database: one SQLite connection, its statement cache and the mutex that serialises all use
// of it. Every read and write happens inside a Tx (WithTransaction / WithRead), so the mutex
// and the transaction have the same lifetime. Concurrent WithTransaction calls are committed
// as a group (one COMMIT, each call in its own SAVEPOINT), and WAL checkpoints run on a
// background thread beside the writer: a request waits at most for the last few hundred frames
// a round copies under the writer's lock (so the WAL can start over), never for a whole
// checkpoint. Thread-safe: any thread may call any method.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "storage/status.h"

namespace gebi::storage {

struct DatabaseOptions {
  // Milliseconds a writer waits for another process's write lock before giving up.
  int busy_timeout_ms = 5000;
  // WAL + synchronous=NORMAL: a commit survives a process crash; a power cut may lose the
  // last few commits, not corrupt the file. "FULL" makes every commit survive power loss.
  std::string synchronous = "NORMAL";
  // WAL frames (pages, ~40 MB) after which the background thread checkpoints. Each checkpoint
  // fsyncs, so under load they are rare (here, or every 10 s) and prompt once writes pause.
  int checkpoint_frames = 10000;
  // Past this many frames the committing thread checkpoints itself: a net for a checkpointer
  // the writer outruns, so the WAL file stays bounded (~160 MB).
  int inline_checkpoint_frames = 40000;
};

// A prepared statement borrowed from the connection's cache. Reset and unbound when the
// Stmt goes out of scope. REQUIRES: used only inside the Tx that produced it.
class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* st) : st_(st) {}
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt(Stmt&& o) noexcept : st_(o.st_) { o.st_ = nullptr; }
  ~Stmt();

  // Binding is 1-based like SQLite. Strings are copied (SQLITE_TRANSIENT).
  Stmt& Bind(int i, int64_t v);
  Stmt& Bind(int i, int v) { return Bind(i, static_cast<int64_t>(v)); }
  Stmt& Bind(int i, double v);
  Stmt& Bind(int i, std::string_view v);
  Stmt& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Stmt& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Stmt& Bind(int i, std::nullopt_t);
  template <typename T>
  Stmt& Bind(int i, const std::optional<T>& v) {
    return v ? Bind(i, *v) : Bind(i, std::nullopt);
  }
  // Binds args to ?1, ?2, ... in order.
  template <typename... Args>
  Stmt& BindAll(const Args&... args) {
    int i = 0;
    (Bind(++i, args), ...);
    return *this;
  }

  // Steps once. true = a row is ready; false = done. Errors carry sqlite3_errmsg and the SQL.
  Result<bool> Step();
  // Steps to completion (for INSERT/UPDATE/DELETE).
  Status Run();

  int64_t Int(int col) const { return sqlite3_column_int64(st_, col); }
  double Double(int col) const { return sqlite3_column_double(st_, col); }
  std::string Text(int col) const;
  bool IsNull(int col) const { return sqlite3_column_type(st_, col) == SQLITE_NULL; }

 private:
  sqlite3_stmt* st_;
};

class Database;

// The open transaction (or read snapshot) and the held connection lock. Only Database makes
// one; a handler receives it by reference and must not keep it.
// One read-only connection of a Database and its statement cache (defined in database.cc).
struct ReadConnection;

class Tx {
 public:
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;

  // Returns the cached statement for sql, preparing it on first use.
  Result<Stmt> Prepare(std::string_view sql);
  // Runs sql that takes no parameters (may hold several statements).
  Status Exec(std::string_view sql);
  int64_t LastInsertId() const;
  int Changes() const;
  // Runs fn once what this Tx read or wrote is committed: after the COMMIT of a
  // WithTransaction (on the caller's own thread, before WithTransaction returns OK), or when a
  // WithRead's fn returns OK (a read sees only committed rows). Dropped when the work rolls
  // back, a failing fn's own savepoint included. For caches of what was read: a version counter
  // read inside a transaction that rolls back can come again later with other rows.
  // REQUIRES: fn does not use the database.
  void OnCommit(std::function<void()> fn);

  // Shorthand: prepare, bind, run.
  template <typename... Args>
  Status Run(std::string_view sql, const Args&... args) {
    GEBI_ASSIGN_OR_RETURN(Stmt st, Prepare(sql));
    st.BindAll(args...);
    return st.Run();
  }
  // Shorthand: the first column of the first row as an integer, or nullopt when no row.
  template <typename... Args>
  Result<std::optional<int64_t>> QueryInt(std::string_view sql, const Args&... args) {
    GEBI_ASSIGN_OR_RETURN(Stmt st, Prepare(sql));
    st.BindAll(args...);
    GEBI_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row || st.IsNull(0)) return std::optional<int64_t>();
    return std::optional<int64_t>(st.Int(0));
  }
  // Every row of sql as a T built by read(const Stmt&).
  template <typename T, typename ReadFn, typename... Args>
  Result<std::vector<T>> QueryRows(std::string_view sql, ReadFn read, const Args&... args) {
    GEBI_ASSIGN_OR_RETURN(Stmt st, Prepare(sql));
    st.BindAll(args...);
    std::vector<T> out;
    for (;;) {
      GEBI_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back(read(st));
    }
    return out;
  }
  // The first row of sql as a T, or nullopt when there is none.
  template <typename T, typename ReadFn, typename... Args>
  Result<std::optional<T>> QueryFirstRow(std::string_view sql, ReadFn read, const Args&... args) {
    GEBI_ASSIGN_OR_RETURN(Stmt st, Prepare(sql));
    st.BindAll(args...);
    GEBI_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::optional<T>();
    return std::optional<T>(read(st));
  }
  // Same, as text.
  template <typename... Args>
  Result<std::optional<std::string>> QueryText(std::string_view sql, const Args&... args) {
    GEBI_ASSIGN_OR_RETURN(Stmt st, Prepare(sql));
    st.BindAll(args...);
    GEBI_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row || st.IsNull(0)) return std::optional<std::string>();
    return std::optional<std::string>(st.Text(0));
  }

 private:
  friend class Database;
  explicit Tx(Database* db, ReadConnection* reader = nullptr) : db_(db), reader_(reader) {}
  Database* db_;            // must outlive the Tx
  ReadConnection* reader_;  // a read connection of db_ (WithRead), or nullptr: the writer
  // Where OnCommit keeps fn for the fn now running; nullptr (BEGIN, COMMIT ...): dropped.
  std::vector<std::function<void()>>* after_commit_ = nullptr;
};

class Database {
 public:
  // Opens (creating if missing) the SQLite file at path, or ":memory:". Sets WAL, foreign
  // keys, busy timeout. Does not migrate: see storage/migrations.h.
  // IOError with the path and SQLite's message on failure.
  static Result<std::unique_ptr<Database>> Open(const std::string& path,
                                                const DatabaseOptions& options = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs fn inside BEGIN IMMEDIATE ... COMMIT holding the connection lock. A non-OK Status
  // from fn (or a failed COMMIT) rolls everything fn did back and is returned. Calls from
  // several threads at once may share one transaction (group commit): each fn runs alone, in
  // its own SAVEPOINT, sees the effects of the fns before it, and returns only after the
  // COMMIT that made its effects durable; a failing fn rolls back to its savepoint and does
  // not affect the others. REQUIRES: fn does not call WithTransaction or WithRead.
  Status WithTransaction(const std::function<Status(Tx&)>& fn);
  // Runs fn inside a deferred (read) transaction; rolls back at the end. For a WAL file this
  // uses one of up to kMaxReaders read-only connections, never the writer's lock: a read sees
  // the last committed state and does not wait for a write in progress (health checks, the
  // console's lists, the worker's polling). REQUIRES: fn only reads.
  Status WithRead(const std::function<Status(Tx&)>& fn);

  // Read connections opened at most: reads beyond this wait for one to be free.
  static constexpr size_t kMaxReaders = 4;

  const std::string& path() const { return path_; }
  // Statements run so far on every connection (BEGIN, COMMIT and savepoints included): what
  // the benchmarks divide by deliveries.
  uint64_t statements() const { return statements_.load(std::memory_order_relaxed); }
  // Times a COMMIT started the WAL file over from its beginning (every frame before it had
  // been checkpointed): what shows the WAL stays short under steady writes.
  uint64_t wal_restarts() const { return wal_restarts_.load(std::memory_order_relaxed); }

  // Writes a consistent copy of the database to dest (a new file, created 0600) with SQLite's
  // online backup API, from a connection of its own: writers go on meanwhile (WAL), and the
  // copy is the state of one moment. AlreadyExists when dest exists (never overwritten);
  // FailedPrecondition for an in-memory database; IOError with SQLite's message otherwise
  // (a partial dest is removed).
  Status Backup(const std::string& dest) const;

 private:
  friend class Tx;
  struct Writer;  // one waiting WithTransaction call
  struct CachedByAddress {
    sqlite3_stmt* st;
    size_t size;
  };
  Database(sqlite3* db, std::string path, const DatabaseOptions& options);
  Status ExecLocked(std::string_view sql);
  // Steps a cached statement without parameters (BEGIN, COMMIT, SAVEPOINT ...).
  Status StepLocked(std::string_view sql);
  Status Run(const char* begin, const std::function<Status(Tx&)>& fn, bool commit);
  // Runs the writers' fns in one transaction and sets each writer's status.
  void RunGroup(const std::vector<std::shared_ptr<Writer>>& group);
  // Background WAL checkpoints: started by Open for a file database.
  void StartCheckpointer();
  void StopCheckpointer();
  void CheckpointLoop();
  // One round: PASSIVE passes beside the writer, then the last few frames under its lock when
  // the WAL is long. True when it copied every frame (the next COMMIT restarts the WAL).
  bool Checkpoint();
  static int OnWalCommit(void* self, sqlite3* db, const char* name, int frames);

  std::atomic<uint64_t> statements_{0};
  std::atomic<int> wal_frames_{0};  // frames in the WAL after the last COMMIT
  std::atomic<uint64_t> wal_restarts_{0};
  std::mutex mu_;
  sqlite3* db_;  // guarded by mu_; owned, closed in the destructor
  std::unordered_map<std::string, sqlite3_stmt*> cache_;  // guarded by mu_; owned
  // Fast path of the cache for SQL kept in constants: the text's address -> the statement,
  // confirmed by comparing the text. guarded by mu_; borrows the statements of cache_.
  std::unordered_map<const char*, CachedByAddress> by_address_;
  std::string path_;
  DatabaseOptions options_;

  friend struct ReadConnection;
  // An idle read connection, opening one while fewer than kMaxReaders exist; waits otherwise.
  // nullptr when none can be opened (the caller then reads through the writer).
  ReadConnection* AcquireReader();
  void ReleaseReader(ReadConnection* reader);

  std::mutex readers_mu_;
  std::condition_variable readers_cv_;
  std::vector<std::unique_ptr<ReadConnection>> readers_;  // guarded by readers_mu_; all opened
  std::vector<ReadConnection*> idle_readers_;             // guarded by readers_mu_

  std::mutex queue_mu_;
  // Guarded by queue_mu_; the front one leads the next group. Shared: the leader wakes a
  // member after letting go of queue_mu_, when the member may already be on its way out.
  std::deque<std::shared_ptr<Writer>> writers_;

  sqlite3* checkpoint_db_ = nullptr;  // owned; used only by checkpointer_
  std::thread checkpointer_;
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_due_ = false;   // guarded by checkpoint_mu_
  bool checkpoint_stop_ = false;  // guarded by checkpoint_mu_
};

}  // namespace gebi::storage
