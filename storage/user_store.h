// Users as WeChat knows them: an openid, when we first and last heard from it, and whether it
// still follows the account. last_inbound_at opens the 48 h customer-service window.
// Functions take the caller's Tx.
#pragma once

#include <optional>
#include <string>

#include "storage/database.h"

namespace gebi::storage {

struct UserContact {
  std::string openid;
  int64_t first_seen_at = 0;
  int64_t last_inbound_at = 0;
  bool subscribed = true;
};

// Records an inbound message or event from openid at now (creates the row on first contact).
Status TouchUser(Tx& tx, const std::string& openid, int64_t now);

// A counter that moves (triggers, schema v14) with every change to the rows a sender's roles
// and community are read from: residents, volunteers, role_grants, circle_members, circles,
// care_links, org_units. Equal values in two transactions: those rows did not change between.
Result<int64_t> PeopleVersion(Tx& tx);
// Sets the follow flag (subscribe / unsubscribe events).
Status SetSubscribed(Tx& tx, const std::string& openid, bool subscribed, int64_t now);
Result<std::optional<UserContact>> GetUserContact(Tx& tx, const std::string& openid);

}  // namespace gebi::storage
