// Admin accounts and sessions without HTTP: password hashing (libsodium argon2id), one-time
// passwords, login with throttling, session tokens (only their hash is stored), CSRF tokens,
// scopes (a community admin sees one community, a district admin everything) and the audit
// row every admin write leaves. Thread-safe: state lives in the Database, except the count of
// password hashes running in the process (HashSlot), which its own mutex guards.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "storage/admin_store.h"
#include "storage/clock.h"
#include "storage/database.h"

namespace gebi::handlers::admin {

// Limits of the login endpoint and sessions; bot/ fills them from Config.admin.
struct AuthSettings {
  int64_t session_idle_seconds = 12 * 3600;     // a session unused this long ends
  int64_t session_max_seconds = 7 * 24 * 3600;  // and every session ends after this
  int max_account_failures = 5;                 // failed logins per account in the window
  int max_ip_failures = 20;                     // failed logins per client address in the window
  int64_t failure_window_seconds = 15 * 60;     // the throttling window
  int max_concurrent_hashes = 2;                // argon2id runs at once (64 MiB each), see HashSlot
  int64_t hash_wait_ms = 2000;  // a login waits this long for one, then "系统忙" (429)
};

// One of the process's argon2id slots. Each hash takes 64 MiB and a core for a moment, so
// parallel logins are bounded by one process-wide counting semaphore (the memory is the
// process's, whichever server asked). Thread-safe; not copyable or movable.
class HashSlot {
 public:
  HashSlot() = default;
  HashSlot(const HashSlot&) = delete;
  HashSlot& operator=(const HashSlot&) = delete;
  // Gives the slot back, if held.
  ~HashSlot();
  // Takes a slot when fewer than max_concurrent are held, waiting up to wait_ms for one.
  // ResourceExhausted ("系统忙，请稍后再试") when none frees up in time. Ok at once when this
  // object already holds one.
  Status Acquire(int max_concurrent, int64_t wait_ms);

 private:
  bool held_ = false;
};

// Who is calling the admin API, as resolved from a session.
struct Principal {
  int64_t account_id = 0;  // 0: the command line
  std::string name;
  std::string role;  // district | street | community
  int64_t unit_id = 0;
  std::string csrf_token;
  std::string token_hash;
  std::string ip;
  // The account still has a handed-out password: the API allows only changing it (and me,
  // logout) until then.
  bool must_change_password = false;

  bool IsDistrict() const { return role == "district"; }
  // The community every list is filtered to; nullopt = every community (district admins).
  std::optional<int64_t> CommunityFilter() const;
  // May see and change data of community (nullopt = data shared by every community, which
  // only district admins may change).
  bool CanChange(std::optional<int64_t> community) const;
  bool CanSee(std::optional<int64_t> community) const;
};

// The principal of command-line actions (audit rows name it "cli").
Principal CliPrincipal();

// Checks a name (1-32 letters, digits, '_', '-', '.'), role and unit. InvalidArgument naming
// the field ("name", "role", "unit").
Status ValidateAccountFields(std::string_view name, std::string_view role, int64_t unit_id);

// argon2id hash of password (crypto_pwhash_str). Internal when libsodium fails (out of memory).
Result<std::string> HashPassword(std::string_view password);
bool VerifyPassword(const std::string& hash, std::string_view password);
// A fresh random password a person can type (no look-alike characters).
std::string GeneratePassword();
// A fresh random token of bytes*2 hex characters.
std::string RandomToken(size_t bytes = 32);
// Hex of a keyed-free BLAKE2b hash of token: what the sessions table stores.
std::string TokenHash(std::string_view token);
// Constant-time comparison of two secrets.
bool SecretEquals(std::string_view a, std::string_view b);

struct NewAccount {
  storage::AdminAccount account;
  std::string password;  // one-time: shown once, only its hash is stored
};

// Creates an account with a fresh password that must be changed at the first login
// (must_change). InvalidArgument for bad fields, AlreadyExists when the name is taken. Writes
// an audit row in the same transaction.
Result<NewAccount> CreateAccount(storage::Database& db, const Clock& clock, const Principal& actor,
                                 const std::string& name, const std::string& role, int64_t unit_id);
// Gives an existing account a fresh password that must be changed at the next login (ends its
// sessions, re-enables it). NotFound.
Result<std::string> ResetPassword(storage::Database& db, const Clock& clock, const Principal& actor,
                                  const std::string& name);

struct LoginResult {
  std::string token;  // the session cookie value; only its hash is stored
  Principal principal;
};

// Checks name/password. Unauthenticated (same message for an unknown name and a wrong
// password) on failure; ResourceExhausted with the wait in seconds in retry_after when the
// account or the client address failed too often within the window. Each attempt is counted
// as a failure (for the account and for ip) before the password is checked, in the same
// transaction as the limit check, and uncounted only when the password is right: parallel
// guesses cannot pass the limit. The hash check runs outside any transaction, in a HashSlot;
// ResourceExhausted ("系统忙…", attempt not counted) when none frees up in hash_wait_ms.
Result<LoginResult> Login(storage::Database& db, const Clock& clock, const AuthSettings& settings,
                          const std::string& name, const std::string& password,
                          const std::string& ip, int64_t* retry_after);

// The principal of a session token. Unauthenticated when the token is unknown, expired, or its
// account disabled. Slides the idle expiry.
Result<Principal> Authenticate(storage::Database& db, const Clock& clock,
                               const AuthSettings& settings, const std::string& token,
                               const std::string& ip);
// Ends the principal's session.
Status Logout(storage::Database& db, const Principal& principal);
// Changes the caller's password after checking the old one. InvalidArgument
// ("old_password") for a wrong old password, ("new_password") when the new one is shorter
// than 10 characters; ResourceExhausted when no HashSlot frees up in time. Clears
// must_change and ends every session of the account (the caller logs in again).
Status ChangePassword(storage::Database& db, const Clock& clock, const AuthSettings& settings,
                      const Principal& principal, const std::string& old_password,
                      const std::string& new_password);

// Appends the audit row of one admin write (inside the write's transaction).
Status Audit(storage::Tx& tx, const Principal& who, std::string action, std::string object,
             std::optional<int64_t> community, std::string before, std::string after, int64_t now);

}  // namespace gebi::handlers::admin
