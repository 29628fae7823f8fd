#include "storage/user_store.h"

namespace gebi::storage {

namespace {
constexpr std::string_view kTouch =
    "INSERT INTO users(openid, first_seen_at, last_inbound_at) VALUES (?1, ?2, ?2) "
    "ON CONFLICT(openid) DO UPDATE SET last_inbound_at = excluded.last_inbound_at "
    "WHERE excluded.last_inbound_at > last_inbound_at";  // unchanged rows are not rewritten
constexpr std::string_view kSetSubscribed =
    "INSERT INTO users(openid, first_seen_at, last_inbound_at, subscribed) VALUES (?1, ?2, ?2, ?3) "
    "ON CONFLICT(openid) DO UPDATE SET subscribed = excluded.subscribed";
constexpr std::string_view kSelect =
    "SELECT first_seen_at, last_inbound_at, subscribed FROM users WHERE openid = ?1";
constexpr std::string_view kPeopleVersion =
    "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'people_version'";
}  // namespace

Status TouchUser(Tx& tx, const std::string& openid, int64_t now) {
  return tx.Run(kTouch, openid, now);
}

Result<int64_t> PeopleVersion(Tx& tx) {
  GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryInt(kPeopleVersion));
  return v.value_or(0);
}

Status SetSubscribed(Tx& tx, const std::string& openid, bool subscribed, int64_t now) {
  return tx.Run(kSetSubscribed, openid, now, static_cast<int64_t>(subscribed));
}

Result<std::optional<UserContact>> GetUserContact(Tx& tx, const std::string& openid) {
  auto read = [&openid](const Stmt& st) {
    return UserContact{openid, st.Int(0), st.Int(1), st.Int(2) != 0};
  };
  return tx.QueryFirstRow<UserContact>(kSelect, read, openid);
}

}  // namespace gebi::storage
