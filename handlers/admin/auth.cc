#include "handlers/admin/auth.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "storage/org_store.h"

namespace gebi::handlers::admin {

namespace {

// Characters of generated passwords: no 0/O, 1/l/I look-alikes.
constexpr std::string_view kPasswordAlphabet =
    "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
constexpr size_t kPasswordLength = 14;  // ~80 bits from a 54-letter alphabet
constexpr size_t kMinPasswordLength = 10;
constexpr size_t kMaxPasswordLength = 256;  // refuse huge inputs before hashing them
// A session is touched at most this often: keeps reads from turning into writes.
constexpr int64_t kTouchEverySeconds = 60;

constexpr const char* kBusyMessage = "系统忙，请稍后再试";

// The counting semaphore behind HashSlot.
struct HashGate {
  std::mutex mu;
  std::condition_variable freed;
  int in_use = 0;  // guarded by mu
};

HashGate& Gate() {
  static HashGate gate;
  return gate;
}

bool SodiumReady() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

// A hash to verify unknown names against, so a wrong name costs as long as a wrong password.
const std::string& DummyHash() {
  static const std::string hash = [] {
    auto h = HashPassword(RandomToken(16));
    return h.ok() ? *h : std::string();
  }();
  return hash;
}

}  // namespace

HashSlot::~HashSlot() {
  if (!held_) return;
  HashGate& g = Gate();
  {
    std::lock_guard<std::mutex> lock(g.mu);
    --g.in_use;
  }
  // Waiters may ask for different bounds; each re-checks its own.
  g.freed.notify_all();
}

Status HashSlot::Acquire(int max_concurrent, int64_t wait_ms) {
  if (held_) return Status::Ok();
  HashGate& g = Gate();
  std::unique_lock<std::mutex> lock(g.mu);
  if (!g.freed.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(wait_ms, 0)),
                        [&] { return g.in_use < max_concurrent; })) {
    return Status::ResourceExhausted(kBusyMessage);
  }
  ++g.in_use;
  held_ = true;
  return Status::Ok();
}

std::optional<int64_t> Principal::CommunityFilter() const {
  if (role == "community") return unit_id;
  return std::nullopt;
}

bool Principal::CanChange(std::optional<int64_t> community) const {
  if (IsDistrict()) return true;
  return role == "community" && community && *community == unit_id;
}

bool Principal::CanSee(std::optional<int64_t> community) const {
  if (IsDistrict()) return true;
  return role == "community" && community && *community == unit_id;
}

Principal CliPrincipal() {
  Principal p;
  p.name = "cli";
  p.role = "district";
  return p;
}

Status ValidateAccountFields(std::string_view name, std::string_view role, int64_t unit_id) {
  if (name.empty() || name.size() > 32) return Status::InvalidArgument("name: 1-32 characters");
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) return Status::InvalidArgument("name: only letters, digits, _ - .");
  }
  if (role != "district" && role != "community") {
    return Status::InvalidArgument("role: 只能是区级或社区管理员");
  }
  if (unit_id <= 0) return Status::InvalidArgument("unit: 请选择所属单位");
  return Status::Ok();
}

Result<std::string> HashPassword(std::string_view password) {
  if (!SodiumReady()) return Status::Internal("libsodium failed to initialise");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Status::Internal("crypto_pwhash_str failed (out of memory?)");
  }
  return std::string(out);
}

bool VerifyPassword(const std::string& hash, std::string_view password) {
  if (!SodiumReady() || hash.empty() || password.size() > kMaxPasswordLength) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string GeneratePassword() {
  (void)SodiumReady();
  std::string out;
  for (size_t i = 0; i < kPasswordLength; ++i) {
    out += kPasswordAlphabet[randombytes_uniform(static_cast<uint32_t>(kPasswordAlphabet.size()))];
  }
  return out;
}

std::string RandomToken(size_t bytes) {
  (void)SodiumReady();
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                 raw.size());
  hex.pop_back();
  return hex;
}

std::string TokenHash(std::string_view token) {
  (void)SodiumReady();
  unsigned char h[32];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  char hex[sizeof h * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

bool SecretEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Status Audit(storage::Tx& tx, const Principal& who, std::string action, std::string object,
             std::optional<int64_t> community, std::string before, std::string after, int64_t now) {
  storage::AuditEntry e;
  if (who.account_id != 0) e.account_id = who.account_id;
  e.account_name = who.name;
  e.community_id = community;
  e.action = std::move(action);
  e.object = std::move(object);
  e.before = std::move(before);
  e.after = std::move(after);
  e.ip = who.ip;
  e.created_at = now;
  return storage::AppendAudit(tx, e).status();
}

Result<NewAccount> CreateAccount(storage::Database& db, const Clock& clock, const Principal& actor,
                                 const std::string& name, const std::string& role,
                                 int64_t unit_id) {
  GEBI_RETURN_IF_ERROR(ValidateAccountFields(name, role, unit_id));
  NewAccount out;
  out.password = GeneratePassword();
  GEBI_ASSIGN_OR_RETURN(std::string hash, HashPassword(out.password));
  out.account.name = name;
  out.account.password_hash = hash;
  out.account.role = role;
  out.account.unit_id = unit_id;
  out.account.must_change = true;  // the password was shown to whoever ran the command
  const int64_t now = clock.NowSeconds();
  GEBI_RETURN_IF_ERROR(db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto unit, storage::GetUnit(tx, unit_id));
    if (!unit || unit->kind != role) {
      return Status::InvalidArgument(
          fmt::format("unit: no {} with id {} (see `gebi org` / the org CSV)", role, unit_id));
    }
    GEBI_ASSIGN_OR_RETURN(out.account.id, storage::InsertAdminAccount(tx, out.account, now));
    std::optional<int64_t> community;
    if (role == "community") community = unit_id;
    return Audit(tx, actor, "account.create", "account:" + name, community, "",
                 fmt::format("role={} unit={}", role, unit_id), now);
  }));
  out.account.created_at = out.account.updated_at = now;
  return out;
}

Result<std::string> ResetPassword(storage::Database& db, const Clock& clock, const Principal& actor,
                                  const std::string& name) {
  std::string password = GeneratePassword();
  GEBI_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  const int64_t now = clock.NowSeconds();
  GEBI_RETURN_IF_ERROR(db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto account, storage::GetAdminAccountByName(tx, name));
    if (!account) return Status::NotFound("no admin account named '" + name + "'");
    GEBI_RETURN_IF_ERROR(
        storage::SetAdminPassword(tx, account->id, hash, /*must_change=*/true, now));
    GEBI_RETURN_IF_ERROR(storage::SetAdminDisabled(tx, account->id, false, now));
    GEBI_RETURN_IF_ERROR(storage::ClearLoginFailures(tx, "account:" + name));
    std::optional<int64_t> community;
    if (account->role == "community") community = account->unit_id;
    return Audit(tx, actor, "account.reset_password", "account:" + name, community, "",
                 "new one-time password", now);
  }));
  return password;
}

Result<LoginResult> Login(storage::Database& db, const Clock& clock, const AuthSettings& settings,
                          const std::string& name, const std::string& password,
                          const std::string& ip, int64_t* retry_after) {
  const int64_t now = clock.NowSeconds();
  const int64_t since = now - settings.failure_window_seconds;
  const std::string account_key = "account:" + name;
  const std::string ip_key = "ip:" + ip;
  std::optional<storage::AdminAccount> account;
  int64_t wait = 0;
  int64_t account_slot = 0, ip_slot = 0;
  // The attempt is recorded as a failure before the password is checked, in the transaction
  // that counts the failures: the writer lock orders parallel guesses, so each one sees the
  // slots taken by those before it and at most the limit reach the hash.
  GEBI_RETURN_IF_ERROR(db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_RETURN_IF_ERROR(storage::PruneLoginFailures(tx, since));
    GEBI_ASSIGN_OR_RETURN(auto by_account, storage::LoginFailuresSince(tx, account_key, since));
    GEBI_ASSIGN_OR_RETURN(auto by_ip, storage::LoginFailuresSince(tx, ip_key, since));
    if (by_account.count >= settings.max_account_failures) {
      wait = std::max(wait, by_account.oldest + settings.failure_window_seconds - now);
    }
    if (by_ip.count >= settings.max_ip_failures) {
      wait = std::max(wait, by_ip.oldest + settings.failure_window_seconds - now);
    }
    if (wait > 0) return Status::Ok();
    GEBI_ASSIGN_OR_RETURN(account, storage::GetAdminAccountByName(tx, name));
    GEBI_ASSIGN_OR_RETURN(account_slot, storage::RecordLoginFailure(tx, account_key, now));
    GEBI_ASSIGN_OR_RETURN(ip_slot, storage::RecordLoginFailure(tx, ip_key, now));
    return Status::Ok();
  }));
  if (wait > 0) {
    if (retry_after != nullptr) *retry_after = wait;
    return Status::ResourceExhausted(
        fmt::format("登录失败次数太多，请 {} 分钟后再试", (wait + 59) / 60));
  }
  // The slow hash runs outside any transaction (it must not hold the connection lock) and in
  // a HashSlot (it must not run unbounded in parallel).
  bool ok = false;
  {
    HashSlot slot;
    Status busy = slot.Acquire(settings.max_concurrent_hashes, settings.hash_wait_ms);
    if (!busy.ok()) {
      // No password was checked: give the reservation back, so a busy server locks nobody out.
      GEBI_RETURN_IF_ERROR(db.WithTransaction([&](storage::Tx& tx) -> Status {
        GEBI_RETURN_IF_ERROR(storage::DeleteLoginFailure(tx, account_slot));
        return storage::DeleteLoginFailure(tx, ip_slot);
      }));
      return busy;
    }
    ok = password.size() <= kMaxPasswordLength &&
         VerifyPassword(account ? account->password_hash : DummyHash(), password) && account &&
         !account->disabled;
  }
  // A wrong guess keeps its reserved failure rows.
  if (!ok) return Status::Unauthenticated("用户名或密码不对");
  LoginResult out;
  out.token = RandomToken();
  Principal& p = out.principal;
  p.account_id = account->id;
  p.name = account->name;
  p.role = account->role;
  p.unit_id = account->unit_id;
  p.must_change_password = account->must_change;
  p.csrf_token = RandomToken(24);
  p.token_hash = TokenHash(out.token);
  p.ip = ip;
  storage::AdminSession session{
      p.token_hash, p.account_id, p.csrf_token, ip, now, now, now + settings.session_idle_seconds};
  GEBI_RETURN_IF_ERROR(db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_RETURN_IF_ERROR(storage::DeleteExpiredAdminSessions(tx, now));
    GEBI_RETURN_IF_ERROR(storage::InsertAdminSession(tx, session));
    // The right password: the reservation was no failure. The account's earlier failures go
    // too (as they always did); the address keeps its others.
    GEBI_RETURN_IF_ERROR(storage::ClearLoginFailures(tx, account_key));
    GEBI_RETURN_IF_ERROR(storage::DeleteLoginFailure(tx, account_slot));
    GEBI_RETURN_IF_ERROR(storage::DeleteLoginFailure(tx, ip_slot));
    GEBI_RETURN_IF_ERROR(storage::TouchAdminLogin(tx, p.account_id, now));
    return Audit(tx, p, "login", "account:" + p.name, p.CommunityFilter(), "", "", now);
  }));
  return out;
}

Result<Principal> Authenticate(storage::Database& db, const Clock& clock,
                               const AuthSettings& settings, const std::string& token,
                               const std::string& ip) {
  if (token.empty()) return Status::Unauthenticated("请先登录");
  const int64_t now = clock.NowSeconds();
  const std::string hash = TokenHash(token);
  Principal p;
  bool touch = false;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto session, storage::GetAdminSession(tx, hash));
    if (!session || session->expires_at <= now ||
        session->created_at + settings.session_max_seconds <= now) {
      return Status::Unauthenticated("登录已过期，请重新登录");
    }
    GEBI_ASSIGN_OR_RETURN(auto account, storage::GetAdminAccount(tx, session->account_id));
    if (!account || account->disabled) return Status::Unauthenticated("账号已停用");
    p.account_id = account->id;
    p.name = account->name;
    p.role = account->role;
    p.unit_id = account->unit_id;
    p.must_change_password = account->must_change;
    p.csrf_token = session->csrf_token;
    p.token_hash = hash;
    p.ip = ip;
    touch = now - session->last_seen_at >= kTouchEverySeconds;
    return Status::Ok();
  }));
  if (touch) {
    GEBI_RETURN_IF_ERROR(db.WithTransaction([&](storage::Tx& tx) {
      return storage::TouchAdminSession(tx, hash, now, now + settings.session_idle_seconds);
    }));
  }
  return p;
}

Status Logout(storage::Database& db, const Principal& principal) {
  return db.WithTransaction(
      [&](storage::Tx& tx) { return storage::DeleteAdminSession(tx, principal.token_hash); });
}

Status ChangePassword(storage::Database& db, const Clock& clock, const AuthSettings& settings,
                      const Principal& principal, const std::string& old_password,
                      const std::string& new_password) {
  if (new_password.size() < kMinPasswordLength || new_password.size() > kMaxPasswordLength) {
    return Status::InvalidArgument("new_password: 新密码至少 10 个字符");
  }
  std::string hash;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto account, storage::GetAdminAccount(tx, principal.account_id));
    if (!account) return Status::Unauthenticated("账号不存在");
    hash = account->password_hash;
    return Status::Ok();
  }));
  std::string new_hash;
  {
    // Both hashes in one slot: the change is one request's work.
    HashSlot slot;
    GEBI_RETURN_IF_ERROR(slot.Acquire(settings.max_concurrent_hashes, settings.hash_wait_ms));
    if (!VerifyPassword(hash, old_password)) {
      return Status::InvalidArgument("old_password: 旧密码不对");
    }
    GEBI_ASSIGN_OR_RETURN(new_hash, HashPassword(new_password));
  }
  const int64_t now = clock.NowSeconds();
  return db.WithTransaction([&](storage::Tx& tx) -> Status {
    // SetAdminPassword ends every session, including this one: the caller logs in again.
    GEBI_RETURN_IF_ERROR(storage::SetAdminPassword(tx, principal.account_id, new_hash,
                                                   /*must_change=*/false, now));
    return Audit(tx, principal, "account.change_password", "account:" + principal.name,
                 principal.CommunityFilter(), "", "", now);
  });
}

}  // namespace gebi::handlers::admin
