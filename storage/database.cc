#include "storage/database.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace gebi::storage {

namespace {

// Most WithTransaction calls one group may take: bounds how long the last of them waits.
constexpr size_t kMaxGroup = 64;
// Frames the last checkpoint pass copies while holding the writer's lock (about 2.5 MB): the
// passes before it run beside the writer and copy what it appended during the one before.
constexpr int kCloseFrames = 640;
// Passes beside the writer before giving up on closing the WAL this time (a writer faster
// than the disk): the next checkpoint tries again, and the inline net bounds the file.
constexpr int kMaxCheckpointPasses = 8;
// With synchronous=NORMAL a commit is durable against power loss once a checkpoint has synced
// the WAL. The background thread checkpoints once the database has been quiet for this long
// after some activity (so an idle server's last writes are synced within about a second), and
// under continuous load at least every kCheckpointMaxAge.
constexpr auto kCheckpointInterval = std::chrono::seconds(1);
constexpr auto kCheckpointMaxAge = std::chrono::seconds(10);
// Bounds the address fast path of the statement cache when callers build SQL at run time.
constexpr size_t kMaxByAddress = 1024;

constexpr std::string_view kBeginImmediate = "BEGIN IMMEDIATE";
constexpr std::string_view kCommit = "COMMIT";
constexpr std::string_view kRollback = "ROLLBACK";
constexpr std::string_view kSavepoint = "SAVEPOINT gebi_writer";
constexpr std::string_view kRelease = "RELEASE gebi_writer";
constexpr std::string_view kRollbackToSavepoint = "ROLLBACK TO gebi_writer";

void RunAll(std::vector<std::function<void()>>& fns) {
  for (auto& fn : fns) fn();
  fns.clear();
}

Status RunGuarded(const std::function<Status(Tx&)>& fn, Tx& tx) {
  try {
    return fn(tx);
  } catch (const std::exception& e) {  // a throwing library call inside fn; never cross the edge
    return Status::Internal(std::string("exception in transaction: ") + e.what());
  }
}

// A constraint failure says which constraint and column ("UNIQUE constraint failed: t.c"),
// never the statement: its message may reach a person (the admin API, the CLI). Other
// failures carry the start of the statement for the log.
Status SqliteError(sqlite3* db, std::string_view what, std::string_view sql) {
  const int rc = sqlite3_extended_errcode(db);
  if ((rc & 0xff) == SQLITE_CONSTRAINT) {
    std::string msg = fmt::format("{}: {}", what, sqlite3_errmsg(db));
    switch (rc) {
      case SQLITE_CONSTRAINT_UNIQUE:
      case SQLITE_CONSTRAINT_PRIMARYKEY:
        return Status::AlreadyExists(msg);
      case SQLITE_CONSTRAINT_FOREIGNKEY:  // refers to a row that does not exist (or still used)
        return Status::FailedPrecondition(msg);
      default:  // NOT NULL, CHECK, and the rest: a value the schema does not accept
        return Status::InvalidArgument(msg);
    }
  }
  std::string msg = fmt::format("{}: {} [{}]", what, sqlite3_errmsg(db), sql.substr(0, 120));
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) return Status::Busy(msg);
  return Status::IOError(msg);
}

// Flushes the database file and its WAL to disk through SQLite's own file objects (fsync
// applies to the file, whichever descriptor asks). Best effort: a checkpoint syncs again.
void SyncFiles(sqlite3* db) {
  for (int op : {SQLITE_FCNTL_FILE_POINTER, SQLITE_FCNTL_JOURNAL_POINTER}) {
    sqlite3_file* file = nullptr;
    if (sqlite3_file_control(db, "main", op, &file) == SQLITE_OK && file != nullptr &&
        file->pMethods != nullptr) {
      (void)file->pMethods->xSync(file, SQLITE_SYNC_NORMAL);
    }
  }
}

}  // namespace

Stmt::~Stmt() {
  if (st_ != nullptr) {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
  }
}

Stmt& Stmt::Bind(int i, int64_t v) {
  sqlite3_bind_int64(st_, i, v);
  return *this;
}
Stmt& Stmt::Bind(int i, double v) {
  sqlite3_bind_double(st_, i, v);
  return *this;
}
Stmt& Stmt::Bind(int i, std::string_view v) {
  sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::Bind(int i, std::nullopt_t) {
  sqlite3_bind_null(st_, i);
  return *this;
}

Result<bool> Stmt::Step() {
  int rc = sqlite3_step(st_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(sqlite3_db_handle(st_), "step", sqlite3_sql(st_));
}

Status Stmt::Run() {
  for (;;) {
    GEBI_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

std::string Stmt::Text(int col) const {
  const unsigned char* p = sqlite3_column_text(st_, col);
  if (p == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(st_, col));
}

struct ReadConnection {
  sqlite3* db = nullptr;                                 // owned
  std::unordered_map<std::string, sqlite3_stmt*> cache;  // owned
  std::unordered_map<const char*, Database::CachedByAddress> by_address;
  ~ReadConnection() {
    for (auto& [sql, st] : cache) sqlite3_finalize(st);
    sqlite3_close(db);
  }
};

Result<Stmt> Tx::Prepare(std::string_view sql) {
  // Stores name their SQL as constants, so the text's address finds the statement without
  // building a key; the text comparison keeps a reused buffer from finding another's.
  db_->statements_.fetch_add(1, std::memory_order_relaxed);
  sqlite3* conn = reader_ != nullptr ? reader_->db : db_->db_;
  auto& by_address = reader_ != nullptr ? reader_->by_address : db_->by_address_;
  if (auto hit = by_address.find(sql.data()); hit != by_address.end()) {
    const Database::CachedByAddress& e = hit->second;
    if (e.size == sql.size() && std::memcmp(sqlite3_sql(e.st), sql.data(), sql.size()) == 0) {
      return Stmt(e.st);
    }
  }
  auto& cache = reader_ != nullptr ? reader_->cache : db_->cache_;
  sqlite3_stmt* st = nullptr;
  std::string key(sql);
  if (auto it = cache.find(key); it != cache.end()) {
    st = it->second;
  } else {
    int rc = sqlite3_prepare_v3(conn, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &st, nullptr);
    if (rc != SQLITE_OK) return SqliteError(conn, "prepare", sql);
    cache.emplace(std::move(key), st);
  }
  // sqlite3_sql gives back exactly the prepared text only when it is the whole of sql.
  if (std::strlen(sqlite3_sql(st)) == sql.size()) {
    if (by_address.size() >= kMaxByAddress) by_address.clear();
    by_address[sql.data()] = Database::CachedByAddress{st, sql.size()};
  }
  return Stmt(st);
}

Status Tx::Exec(std::string_view sql) {
  if (reader_ == nullptr) return db_->ExecLocked(sql);
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(reader_->db, text.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  return Status::IOError("exec on a read connection: " + msg);
}
int64_t Tx::LastInsertId() const {
  return sqlite3_last_insert_rowid(reader_ != nullptr ? reader_->db : db_->db_);
}
int Tx::Changes() const { return sqlite3_changes(reader_ != nullptr ? reader_->db : db_->db_); }

void Tx::OnCommit(std::function<void()> fn) {
  if (after_commit_ != nullptr) after_commit_->push_back(std::move(fn));
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                 const DatabaseOptions& options) {
  // A new database file is private to the service's user (SQLite gives its -wal and -shm
  // files the same mode): residents' messages are in it.
  if (path != ":memory:" && !path.empty()) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);
  }
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close(raw);
    return Status::IOError(fmt::format("open {}: {}", path, msg));
  }
  std::unique_ptr<Database> db(new Database(raw, path, options));
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  std::string pragmas = fmt::format(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous={}; PRAGMA foreign_keys=ON;"
      "PRAGMA temp_store=MEMORY;",
      options.synchronous == "FULL" ? "FULL" : "NORMAL");
  {
    std::lock_guard<std::mutex> lock(db->mu_);
    GEBI_RETURN_IF_ERROR(db->ExecLocked(pragmas).WithContext("open " + path));
  }
  db->StartCheckpointer();
  return db;
}

Status Database::Backup(const std::string& dest) const {
  if (path_.empty() || path_ == ":memory:") {
    return Status::FailedPrecondition("an in-memory database has no file to back up");
  }
  int fd = ::open(dest.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::AlreadyExists(dest + " exists; name a new file");
    return Status::IOError(fmt::format("backup: cannot create {}: {}", dest, std::strerror(errno)));
  }
  ::close(fd);
  auto close = [](sqlite3* db) { sqlite3_close(db); };
  std::unique_ptr<sqlite3, decltype(close)> src(nullptr, close), out(nullptr, close);
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path_.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  src.reset(raw);
  if (rc == SQLITE_OK) {
    raw = nullptr;
    rc = sqlite3_open_v2(dest.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    out.reset(raw);
  }
  std::string error;
  if (rc != SQLITE_OK) {
    error = sqlite3_errstr(rc);
  } else {
    sqlite3_busy_timeout(src.get(), 5000);
    sqlite3_backup* b = sqlite3_backup_init(out.get(), "main", src.get(), "main");
    if (b == nullptr) {
      error = sqlite3_errmsg(out.get());
    } else {
      // One step copies every page under one read transaction: a snapshot of one moment.
      rc = sqlite3_backup_step(b, -1);
      int finish = sqlite3_backup_finish(b);
      if (rc != SQLITE_DONE) {
        error = sqlite3_errstr(rc);
      } else if (finish != SQLITE_OK) {
        error = sqlite3_errmsg(out.get());
      }
    }
  }
  if (error.empty()) return Status::Ok();
  out.reset();
  ::unlink(dest.c_str());
  return Status::IOError(fmt::format("backup {} -> {}: {}", path_, dest, error));
}

Database::Database(sqlite3* db, std::string path, const DatabaseOptions& options)
    : db_(db), path_(std::move(path)), options_(options) {}

Database::~Database() {
  {
    std::lock_guard<std::mutex> lock(readers_mu_);
    idle_readers_.clear();
    readers_.clear();  // closes them; no WithRead may run during destruction
  }
  StopCheckpointer();
  for (auto& [sql, st] : cache_) sqlite3_finalize(st);
  sqlite3_close(db_);
}

void Database::StartCheckpointer() {
  // Only a file in WAL mode has checkpoints (":memory:" and temp databases do not).
  const char* file = sqlite3_db_filename(db_, "main");
  if (file == nullptr || file[0] == '\0') return;
  sqlite3_stmt* st = nullptr;
  bool wal = false;
  if (sqlite3_prepare_v2(db_, "PRAGMA journal_mode", -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    const unsigned char* mode = sqlite3_column_text(st, 0);
    wal = mode != nullptr && std::strcmp(reinterpret_cast<const char*>(mode), "wal") == 0;
  }
  sqlite3_finalize(st);
  if (!wal) return;
  sqlite3* ckpt = nullptr;
  // A connection opens the WAL with its first read; until then a checkpoint through it does
  // nothing at all (it reports -1 frames).
  if (sqlite3_open_v2(file, &ckpt, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
          SQLITE_OK ||
      sqlite3_exec(ckpt, "PRAGMA schema_version", nullptr, nullptr, nullptr) != SQLITE_OK) {
    sqlite3_close(ckpt);  // keep SQLite's own checkpoints on the committing thread
    return;
  }
  checkpoint_db_ = ckpt;
  // Replaces SQLite's auto-checkpoint, which would run (and fsync) inside a request's COMMIT.
  sqlite3_wal_hook(db_, &Database::OnWalCommit, this);
  checkpointer_ = std::thread([this] { CheckpointLoop(); });
}

void Database::StopCheckpointer() {
  if (!checkpointer_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(checkpoint_mu_);
    checkpoint_stop_ = true;
  }
  checkpoint_cv_.notify_one();
  checkpointer_.join();
  sqlite3_close(checkpoint_db_);  // the main connection's close checkpoints what is left
  checkpoint_db_ = nullptr;
}

int Database::OnWalCommit(void* self, sqlite3* db, const char* name, int frames) {
  auto* d = static_cast<Database*>(self);
  if (frames < d->wal_frames_.load(std::memory_order_relaxed)) {
    d->wal_restarts_.fetch_add(1, std::memory_order_relaxed);
  }
  d->wal_frames_.store(frames, std::memory_order_relaxed);
  if (frames >= d->options_.inline_checkpoint_frames) {
    sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (frames >= d->options_.checkpoint_frames) {
    {
      std::lock_guard<std::mutex> lock(d->checkpoint_mu_);
      d->checkpoint_due_ = true;
    }
    d->checkpoint_cv_.notify_one();
  }
  return SQLITE_OK;
}

// Under steady writes a PASSIVE checkpoint never copies everything (the writer appends while
// it copies), so the WAL never starts over from its beginning and grows until the inline net
// above checkpoints inside a COMMIT: measured under wrk, every 2-3 s a 100-180 ms stall of
// every delivery in flight, most of the p99. So the passes repeat beside the writer, each
// copying what was appended during the one before, and the last few hundred frames are copied
// holding the writer's lock: the next COMMIT then restarts the WAL.
bool Database::Checkpoint() {
  int log = 0;        // frames in the WAL when the pass began
  int copied = 0;     // of those, copied into the database by the end of the pass
  int before = 0;     // copied by the end of the pass before
  bool last = false;  // this pass copied few frames, so few were appended meanwhile
  for (int pass = 0; pass < kMaxCheckpointPasses && !last; ++pass) {
    if (sqlite3_wal_checkpoint_v2(checkpoint_db_, "main", SQLITE_CHECKPOINT_PASSIVE, &log,
                                  &copied) != SQLITE_OK) {
      return false;  // busy (another process checkpoints) or an I/O error: the next round retries
    }
    last = pass > 0 && log - before <= kCloseFrames;
    before = copied;
  }
  // A short WAL, or a writer the passes could not catch: nothing to close this round.
  if (!last || log < options_.checkpoint_frames) return false;
  // A pass syncs the database file only once it has copied every frame: the last one, under
  // the writer's lock, would flush all the passes' pages (10 ms on average, 25 at most, under
  // wrk). Synced here, beside the writer, it flushes only its own (5 ms on average).
  SyncFiles(checkpoint_db_);
  std::lock_guard<std::mutex> lock(mu_);
  return sqlite3_wal_checkpoint_v2(checkpoint_db_, "main", SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                   nullptr) == SQLITE_OK;
}

void Database::CheckpointLoop() {
  using Clock = std::chrono::steady_clock;
  std::unique_lock<std::mutex> lock(checkpoint_mu_);
  // Activity is read off the statement counter: it moves with every transaction.
  uint64_t seen = statements();
  bool active = false;  // statements ran since the last checkpoint
  Clock::time_point last_checkpoint = Clock::now();
  for (;;) {
    checkpoint_cv_.wait_for(lock, kCheckpointInterval,
                            [this] { return checkpoint_due_ || checkpoint_stop_; });
    if (checkpoint_stop_) return;
    const uint64_t now_seen = statements();
    const bool quiet = now_seen == seen;
    seen = now_seen;
    const bool due = checkpoint_due_ || (active && quiet) ||
                     (active && Clock::now() - last_checkpoint >= kCheckpointMaxAge);
    active = active || !quiet;
    if (!due) continue;
    checkpoint_due_ = false;
    active = false;
    last_checkpoint = Clock::now();
    lock.unlock();
    const bool closed = Checkpoint();
    lock.lock();
    // What the COMMITs during the round asked for is done: the next COMMIT restarts the WAL.
    if (closed) checkpoint_due_ = false;
  }
}

Status Database::StepLocked(std::string_view sql) {
  Tx tx(this);
  GEBI_ASSIGN_OR_RETURN(Stmt st, tx.Prepare(sql));
  return st.Run();
}

Status Database::ExecLocked(std::string_view sql) {
  char* err = nullptr;
  std::string s(sql);
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    if ((rc & 0xff) == SQLITE_BUSY) return Status::Busy("exec: " + msg);
    return Status::IOError(fmt::format("exec: {} [{}]", msg, s.substr(0, 120)));
  }
  return Status::Ok();
}

Status Database::Run(const char* begin, const std::function<Status(Tx&)>& fn, bool commit) {
  std::vector<std::function<void()>> after_commit;
  Status s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    GEBI_RETURN_IF_ERROR(StepLocked(begin));
    Tx tx(this);
    tx.after_commit_ = &after_commit;
    s = RunGuarded(fn, tx);
    if (s.ok() && commit) s = StepLocked(kCommit);
    if (!sqlite3_get_autocommit(db_)) (void)StepLocked(kRollback);  // a read, or a failure
  }
  if (s.ok()) RunAll(after_commit);
  return s;
}

struct Database::Writer {
  const std::function<Status(Tx&)>* fn;
  Status status;
  bool done = false;
  std::condition_variable cv;
  std::vector<std::function<void()>> after_commit;  // from Tx::OnCommit, run once committed
};

// Leader/follower group commit (as leveldb's DBImpl::Write): callers queue; the one at the
// front runs every queued fn in one transaction while the others wait for its COMMIT. The
// leader wakes the members and the next leader after letting go of queue_mu_: woken while it
// still held it, each would block on it once more (a second sleep and wake-up per delivery).
Status Database::WithTransaction(const std::function<Status(Tx&)>& fn) {
  auto w = std::make_shared<Writer>();
  w->fn = &fn;
  std::unique_lock<std::mutex> queue_lock(queue_mu_);
  writers_.push_back(w);
  while (!w->done && w != writers_.front()) w->cv.wait(queue_lock);
  if (w->done) {
    queue_lock.unlock();
    if (w->status.ok()) RunAll(w->after_commit);
    return w->status;
  }
  std::vector<std::shared_ptr<Writer>> group(
      writers_.begin(), writers_.begin() + std::min(writers_.size(), kMaxGroup));
  queue_lock.unlock();
  RunGroup(group);
  queue_lock.lock();
  for (const auto& member : group) {
    writers_.pop_front();
    member->done = true;
  }
  std::shared_ptr<Writer> next = writers_.empty() ? nullptr : writers_.front();
  queue_lock.unlock();
  if (next) next->cv.notify_one();
  for (const auto& member : group) {
    if (member != w) member->cv.notify_one();
  }
  if (w->status.ok()) RunAll(w->after_commit);
  return w->status;
}

void Database::RunGroup(const std::vector<std::shared_ptr<Writer>>& group) {
  std::lock_guard<std::mutex> lock(mu_);
  Status begin = StepLocked(kBeginImmediate);
  if (!begin.ok()) {
    for (const auto& w : group) w->status = begin;
    return;
  }
  Tx tx(this);
  if (group.size() == 1) {  // alone: no savepoint needed
    Writer* w = group.front().get();
    tx.after_commit_ = &w->after_commit;
    w->status = RunGuarded(*w->fn, tx);
    if (w->status.ok()) w->status = StepLocked(kCommit);
    if (!w->status.ok() && !sqlite3_get_autocommit(db_)) (void)StepLocked(kRollback);
    return;
  }
  size_t tx_start = 0;  // group[tx_start, i) ran inside the open transaction
  for (size_t i = 0; i < group.size(); ++i) {
    Writer* w = group[i].get();
    if (sqlite3_get_autocommit(db_)) {
      // An error made SQLite roll the whole transaction back: what ran in it is gone.
      for (size_t j = tx_start; j < i; ++j) {
        if (group[j]->status.ok()) {
          group[j]->status = Status::Aborted("rolled back with a failing transaction");
        }
      }
      tx_start = i;
      Status again = StepLocked(kBeginImmediate);
      if (!again.ok()) {
        for (size_t j = i; j < group.size(); ++j) group[j]->status = again;
        return;
      }
    }
    Status s = StepLocked(kSavepoint);
    if (s.ok()) {
      tx.after_commit_ = &w->after_commit;
      s = RunGuarded(*w->fn, tx);
      tx.after_commit_ = nullptr;
      if (s.ok()) {
        s = StepLocked(kRelease);
      } else if (!sqlite3_get_autocommit(db_)) {
        (void)StepLocked(kRollbackToSavepoint);
        (void)StepLocked(kRelease);
      }
    }
    if (!s.ok()) w->after_commit.clear();  // rolled back to its savepoint: nothing to keep
    w->status = s;
  }
  if (sqlite3_get_autocommit(db_)) {
    for (size_t j = tx_start; j < group.size(); ++j) {
      if (group[j]->status.ok()) {
        group[j]->status = Status::Aborted("rolled back with a failing transaction");
      }
    }
    return;
  }
  Status commit = StepLocked(kCommit);
  if (!commit.ok()) {
    if (!sqlite3_get_autocommit(db_)) (void)StepLocked(kRollback);
    for (size_t j = tx_start; j < group.size(); ++j) {
      if (group[j]->status.ok()) group[j]->status = commit;
    }
  }
}

ReadConnection* Database::AcquireReader() {
  // Read connections exist only for a WAL file (the checkpointer runs exactly then): an
  // in-memory database is private to the writer's connection.
  if (checkpoint_db_ == nullptr) return nullptr;
  std::unique_lock<std::mutex> lock(readers_mu_);
  for (;;) {
    if (!idle_readers_.empty()) {
      ReadConnection* r = idle_readers_.back();
      idle_readers_.pop_back();
      return r;
    }
    if (readers_.size() < kMaxReaders) break;
    readers_cv_.wait(lock);
  }
  auto r = std::make_unique<ReadConnection>();
  if (sqlite3_open_v2(path_.c_str(), &r->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    return nullptr;  // r closes the half-open handle
  }
  sqlite3_busy_timeout(r->db, 5000);
  readers_.push_back(std::move(r));
  return readers_.back().get();
}

void Database::ReleaseReader(ReadConnection* reader) {
  {
    std::lock_guard<std::mutex> lock(readers_mu_);
    idle_readers_.push_back(reader);
  }
  readers_cv_.notify_one();
}

Status Database::WithRead(const std::function<Status(Tx&)>& fn) {
  ReadConnection* reader = AcquireReader();
  if (reader == nullptr) return Run("BEGIN", fn, false);
  Status s;
  if (sqlite3_exec(reader->db, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) {
    s = SqliteError(reader->db, "begin read", "BEGIN");
  } else {
    Tx tx(this, reader);
    std::vector<std::function<void()>> after_commit;
    tx.after_commit_ = &after_commit;
    s = RunGuarded(fn, tx);
    if (!sqlite3_get_autocommit(reader->db)) {
      (void)sqlite3_exec(reader->db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    if (s.ok()) RunAll(after_commit);
  }
  ReleaseReader(reader);
  return s;
}

}  // namespace gebi::storage
