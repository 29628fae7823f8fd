#include "storage/conversation_store.h"

namespace gebi::storage {

namespace {
constexpr std::string_view kSelect =
    "SELECT flow, step, slots, expires_at, updated_at FROM conversations WHERE openid = ?1";
constexpr std::string_view kUpsert =
    "INSERT OR REPLACE INTO conversations(openid, flow, step, slots, expires_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr std::string_view kDelete = "DELETE FROM conversations WHERE openid = ?1";
}  // namespace

Result<std::optional<Conversation>> GetConversation(Tx& tx, const std::string& openid) {
  auto read = [&openid](const Stmt& st) {
    return Conversation{openid, st.Text(0), st.Text(1), st.Text(2), st.Int(3), st.Int(4)};
  };
  return tx.QueryFirstRow<Conversation>(kSelect, read, openid);
}

Status PutConversation(Tx& tx, const Conversation& c) {
  return tx.Run(kUpsert, c.openid, c.flow, c.step, c.slots, c.expires_at, c.updated_at);
}

Status ClearConversation(Tx& tx, const std::string& openid) { return tx.Run(kDelete, openid); }

}  // namespace gebi::storage
