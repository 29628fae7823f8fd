#include "storage/token_store.h"

namespace gebi::storage {

namespace {
constexpr std::string_view kSelectToken =
    "SELECT token, fetched_at, refresh_at, expires_at, rejected_token, blocked_until, last_error "
    "FROM access_token WHERE mode = ?1";
constexpr std::string_view kSaveToken =
    "INSERT INTO access_token(mode, token, fetched_at, refresh_at, expires_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT(mode) DO UPDATE SET token = excluded.token, fetched_at = excluded.fetched_at, "
    "refresh_at = excluded.refresh_at, expires_at = excluded.expires_at, rejected_token = '', "
    "blocked_until = 0, last_error = ''";
constexpr std::string_view kRejectToken =
    "UPDATE access_token SET rejected_token = token, refresh_at = 0 "
    "WHERE mode = ?1 AND token = ?2 AND token <> ''";
constexpr std::string_view kBlockToken =
    "INSERT INTO access_token(mode, blocked_until, last_error) VALUES (?1, ?2, ?3) "
    "ON CONFLICT(mode) DO UPDATE SET blocked_until = excluded.blocked_until, "
    "last_error = excluded.last_error";
constexpr std::string_view kAcquireLease =
    "INSERT INTO leases(name, holder, expires_at) VALUES (?1, ?2, ?3) "
    "ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at "
    "WHERE leases.expires_at <= ?4 OR leases.holder = excluded.holder";
constexpr std::string_view kReleaseLease = "DELETE FROM leases WHERE name = ?1 AND holder = ?2";
}  // namespace

Result<std::optional<StoredToken>> GetToken(Tx& tx, const std::string& mode) {
  auto read = [&mode](const Stmt& st) {
    StoredToken t;
    t.mode = mode;
    t.token = st.Text(0);
    t.fetched_at = st.Int(1);
    t.refresh_at = st.Int(2);
    t.expires_at = st.Int(3);
    t.rejected_token = st.Text(4);
    t.blocked_until = st.Int(5);
    t.last_error = st.Text(6);
    return t;
  };
  return tx.QueryFirstRow<StoredToken>(kSelectToken, read, mode);
}

Status SaveToken(Tx& tx, const std::string& mode, const std::string& token, int64_t fetched_at,
                 int64_t refresh_at, int64_t expires_at) {
  return tx.Run(kSaveToken, mode, token, fetched_at, refresh_at, expires_at);
}

Status RejectToken(Tx& tx, const std::string& mode, const std::string& token) {
  return tx.Run(kRejectToken, mode, token);
}

Status BlockToken(Tx& tx, const std::string& mode, int64_t until, const std::string& error) {
  return tx.Run(kBlockToken, mode, until, error);
}

Result<bool> TryAcquireLease(Tx& tx, const std::string& name, const std::string& holder,
                             int64_t now, int64_t expires_at) {
  GEBI_RETURN_IF_ERROR(tx.Run(kAcquireLease, name, holder, expires_at, now));
  return tx.Changes() > 0;
}

Status ReleaseLease(Tx& tx, const std::string& name, const std::string& holder) {
  return tx.Run(kReleaseLease, name, holder);
}

}  // namespace gebi::storage
