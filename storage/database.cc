#include "storage/database.h"

#include <fmt/format.h>

namespace gebi::storage {

namespace {

Status SqliteError(sqlite3* db, std::string_view what, std::string_view sql) {
  std::string msg = fmt::format("{}: {} [{}]", what, sqlite3_errmsg(db), sql.substr(0, 120));
  int rc = sqlite3_extended_errcode(db);
  if ((rc & 0xff) == SQLITE_CONSTRAINT) return Status::AlreadyExists(msg);
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) return Status::Unavailable(msg);
  return Status::IOError(msg);
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

Result<Stmt> Tx::Prepare(std::string_view sql) {
  auto& cache = db_->cache_;
  auto it = cache.find(std::string(sql));
  if (it != cache.end()) return Stmt(it->second);
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v3(db_->db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &st, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_->db_, "prepare", sql);
  cache.emplace(std::string(sql), st);
  return Stmt(st);
}

Status Tx::Exec(std::string_view sql) { return db_->ExecLocked(sql); }
int64_t Tx::LastInsertId() const { return sqlite3_last_insert_rowid(db_->db_); }
int Tx::Changes() const { return sqlite3_changes(db_->db_); }

Result<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                 const DatabaseOptions& options) {
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close(raw);
    return Status::IOError(fmt::format("open {}: {}", path, msg));
  }
  std::unique_ptr<Database> db(new Database(raw, path));
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  std::string pragmas = fmt::format(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous={}; PRAGMA foreign_keys=ON;"
      "PRAGMA temp_store=MEMORY;",
      options.synchronous == "FULL" ? "FULL" : "NORMAL");
  std::lock_guard<std::mutex> lock(db->mu_);
  GEBI_RETURN_IF_ERROR(db->ExecLocked(pragmas).WithContext("open " + path));
  return db;
}

Database::~Database() {
  for (auto& [sql, st] : cache_) sqlite3_finalize(st);
  sqlite3_close(db_);
}

Status Database::ExecLocked(std::string_view sql) {
  char* err = nullptr;
  std::string s(sql);
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    if ((rc & 0xff) == SQLITE_BUSY) return Status::Unavailable("exec: " + msg);
    return Status::IOError(fmt::format("exec: {} [{}]", msg, s.substr(0, 120)));
  }
  return Status::Ok();
}

Status Database::Run(const char* begin, const std::function<Status(Tx&)>& fn, bool commit) {
  std::lock_guard<std::mutex> lock(mu_);
  GEBI_RETURN_IF_ERROR(ExecLocked(begin));
  Tx tx(this);
  Status s;
  try {
    s = fn(tx);
  } catch (const std::exception& e) {  // a throwing library call inside fn; never cross the edge
    s = Status::Internal(std::string("exception in transaction: ") + e.what());
  }
  if (s.ok() && commit) {
    s = ExecLocked("COMMIT");
    if (s.ok()) return s;
  }
  ExecLocked("ROLLBACK");  // best effort; the original failure is what matters
  return s;
}

Status Database::WithTransaction(const std::function<Status(Tx&)>& fn) {
  return Run("BEGIN IMMEDIATE", fn, true);
}

Status Database::WithRead(const std::function<Status(Tx&)>& fn) {
  Status s = Run("BEGIN", fn, false);
  return s;
}

}  // namespace gebi::storage
