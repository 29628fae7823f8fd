#include "storage/inbound_ledger.h"

namespace gebi::storage {

namespace {
constexpr std::string_view kSelectHandled =
    "SELECT openid, msg_type, event, content, route, outcome, reply, created_at "
    "FROM inbound_ledger WHERE dedup_key = ?1 AND outcome = 'ok'";
constexpr std::string_view kUpsert =
    "INSERT OR REPLACE INTO inbound_ledger(dedup_key, openid, msg_type, event, content, route, "
    "outcome, reply, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
constexpr std::string_view kCountMessagesSince =
    "SELECT COUNT(*) FROM (SELECT 1 FROM inbound_ledger WHERE openid = ?1 AND created_at >= ?2 "
    "AND msg_type != 'event' LIMIT ?3)";

}  // namespace

Result<std::optional<LedgerEntry>> FindHandled(Tx& tx, const std::string& dedup_key) {
  auto read = [&dedup_key](const Stmt& st) {
    LedgerEntry e;
    e.dedup_key = dedup_key;
    e.openid = st.Text(0);
    e.msg_type = st.Text(1);
    e.event = st.Text(2);
    e.content = st.Text(3);
    e.route = st.Text(4);
    e.outcome = st.Text(5);
    e.reply = st.Text(6);
    e.created_at = st.Int(7);
    return e;
  };
  return tx.QueryFirstRow<LedgerEntry>(kSelectHandled, read, dedup_key);
}

Status RecordDelivery(Tx& tx, const LedgerEntry& e) {
  return tx.Run(kUpsert, e.dedup_key, e.openid, e.msg_type, e.event, e.content, e.route, e.outcome,
                e.reply, e.created_at);
}

Result<int64_t> CountMessagesSince(Tx& tx, const std::string& openid, int64_t since, int64_t cap) {
  GEBI_ASSIGN_OR_RETURN(auto n, tx.QueryInt(kCountMessagesSince, openid, since, cap));
  return n.value_or(0);
}

}  // namespace gebi::storage
