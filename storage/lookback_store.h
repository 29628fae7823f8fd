// Looking back (S11): the message record read back for a dispute. Searches the inbound ledger
// (what people wrote, masked as recorded, and the reply they got) by person, ticket, text and
// time within a community's people; and one person's conversation as a timeline of their
// messages, the replies, the notices pushed to them and their ticket actions. Read-only;
// functions take the caller's Tx; stateless, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

namespace gebi::storage {

struct LookbackFilter {
  std::optional<int64_t> community;  // only people of this community (nullopt = everyone)
  std::string person;                // an openid or a resident's exact name; "" = anyone
  std::optional<int64_t> ticket_id;  // only the ticket's reporter and actors
  std::string text;                  // a piece of the message or the reply; "" = any
  int64_t from = 0;                  // created_at range, inclusive
  int64_t to = INT64_MAX;
  int limit = 200;
};

struct LookbackMessage {
  std::string openid;
  std::string person_name;  // "" when they gave none
  std::string msg_type;
  std::string content;  // as recorded (masked; blanked after the retention days)
  std::string reply;    // the stored reply (JSON of handlers' Reply)
  std::string route;
  int64_t created_at = 0;
};
// Ledger rows matching filter, newest first.
Result<std::vector<LookbackMessage>> SearchMessages(Tx& tx, const LookbackFilter& filter);

// Whether openid belongs to community (a resident of one of its grids, its volunteer, or a
// role in it or below it).
Result<bool> PersonInCommunity(Tx& tx, const std::string& openid, int64_t community);

struct TimelineEntry {
  int64_t at = 0;
  // in (they wrote) | reply (the bot answered) | push (a notice to them) | action (on a ticket)
  std::string kind;
  std::string text;       // message, stored reply (JSON), push payload (JSON), or the action's note
  std::string detail;     // in / reply: the route; push: its status; action: the action's name
  int64_t ticket_id = 0;  // action: the ticket
};
// openid's record between from and to, oldest first, at most limit entries.
Result<std::vector<TimelineEntry>> PersonTimeline(Tx& tx, const std::string& openid, int64_t from,
                                                  int64_t to, int limit);

}  // namespace gebi::storage
