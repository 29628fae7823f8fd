// Conversations: a multi-step flow per openid (join a grid, ...), persisted so it survives a
// restart, with an expiry after which it is dropped. Functions take the caller's Tx.
#pragma once

#include <optional>
#include <string>

#include "storage/database.h"

namespace gebi::storage {

struct Conversation {
  std::string openid;
  std::string flow;   // e.g. "join"
  std::string step;   // e.g. "ask_name"
  std::string slots;  // JSON object text
  int64_t expires_at = 0;
  int64_t updated_at = 0;
};

// The openid's conversation, expired or not (the caller decides what expiry means), or nullopt.
Result<std::optional<Conversation>> GetConversation(Tx& tx, const std::string& openid);
// Creates or replaces the openid's conversation.
Status PutConversation(Tx& tx, const Conversation& c);
// Removes it; OK when there was none.
Status ClearConversation(Tx& tx, const std::string& openid);

}  // namespace gebi::storage
