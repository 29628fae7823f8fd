// Repair tickets: the ticket row, its timeline (one row per change), attached media, likes,
// and the editable keyword lists that guess a ticket's category. States: open -> claimed ->
// done -> closed, plus reopened (claimable again) and cancelled. Tickets carry an escalation
// `level` (grid | community | street | district). Free functions over the caller's Tx.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.h"

namespace gebi::storage {

struct Ticket {
  int64_t id = 0;
  int64_t grid_id = 0;
  int64_t community_id = 0;
  std::string reporter;
  std::string description;
  std::string category;  // repair_categories.name
  int64_t priority = 0;  // 1 = elderly living alone
  std::string status = "open";
  std::string level = "grid";
  std::string claimed_by;
  std::optional<int64_t> claimed_at;
  std::string done_by;
  std::optional<int64_t> done_at;
  std::string done_note;
  std::optional<int64_t> rating;
  std::string rating_note;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::optional<int64_t> closed_at;
};

struct TicketEvent {
  int64_t id = 0;
  int64_t ticket_id = 0;
  int64_t at = 0;
  std::string actor;   // openid, or "system"
  std::string action;  // created | claimed | done | rated | liked | reopened | cancelled |
                       // closed | media
  std::string from_status;
  std::string to_status;
  std::string note;
};

struct TicketMedia {
  int64_t id = 0;
  int64_t ticket_id = 0;
  std::string kind;  // image | location
  std::string media_id;
  std::string pic_url;
  std::optional<std::string> local_path;  // set once the media has been fetched
  std::optional<double> latitude, longitude;
  std::string label;
  int64_t created_at = 0;
};

struct RepairCategory {
  std::string name;   // electrical, plumbing, ...
  std::string label;  // 电, 水管, ... (shown to residents)
  std::string skill;  // the volunteer skill that fixes it ("" = none)
};

// Inserts t (status open) and its "created" timeline row; returns the id.
// The one row mapper of a ticket: the columns of GEBI_TICKET_COLUMNS (id, grid_id, ...,
// closed_at; 19 of them) read from column first on. Queries that join more columns after them
// (storage/admin_query.cc) use it too.
Ticket ReadTicket(const Stmt& st, int first = 0);

Result<int64_t> CreateTicket(Tx& tx, const Ticket& t, int64_t now);
Result<std::optional<Ticket>> GetTicket(Tx& tx, int64_t id);
// Changes the status when it is one of `from` (compare-and-set) and appends a timeline row;
// also sets the claim / done / rating columns the new status implies (see the .cc).
// Returns the timeline row's id, or FailedPrecondition when the status was not in `from`.
struct Transition {
  std::vector<std::string> from;
  std::string to;
  std::string actor;
  std::string action;
  std::string note;
  std::optional<int64_t> rating;  // with action "rated"
};
Result<int64_t> TransitionTicket(Tx& tx, int64_t id, const Transition& tr, int64_t now);
// Appends a timeline row without a status change (likes, media); returns its id.
Result<int64_t> AddTicketEvent(Tx& tx, const TicketEvent& e);
Result<std::vector<TicketEvent>> TicketTimeline(Tx& tx, int64_t id);

// The reporter's latest ticket in open / claimed / reopened created at or after since.
Result<std::optional<Ticket>> LatestOpenTicketOf(Tx& tx, const std::string& reporter,
                                                 int64_t since);
// What one reporter has going, for the per-sender limits of 报修.
struct ReporterLoad {
  int64_t open = 0;                  // open, claimed or reopened tickets
  int64_t since = 0;                 // tickets created at or after `since`
  std::optional<int64_t> same_text;  // the newest ticket with this exact description created
                                     // at or after `repeat_since` and not cancelled
};
Result<ReporterLoad> LoadOfReporter(Tx& tx, const std::string& reporter, int64_t since,
                                    const std::string& description, int64_t repeat_since);
Result<int64_t> AddTicketMedia(Tx& tx, const TicketMedia& m);
Result<std::vector<TicketMedia>> TicketMediaOf(Tx& tx, int64_t ticket_id);

// Tickets of a reporter, newest first (at most limit).
Result<std::vector<Ticket>> TicketsOfReporter(Tx& tx, const std::string& reporter, int limit);
// Open / reopened / claimed tickets of a grid (or of a community when grid_id is nullopt),
// priority first, then oldest; at most limit.
Result<std::vector<Ticket>> ActiveTickets(Tx& tx, std::optional<int64_t> grid_id,
                                          std::optional<int64_t> community_id, int limit);
// Tickets claimed by openid in a status (e.g. claimed), newest first.
Result<std::vector<Ticket>> TicketsClaimedBy(Tx& tx, const std::string& openid,
                                             std::string_view status, int limit);

// Counts for a volunteer's record.
struct ServiceCounts {
  int64_t claimed = 0;       // tickets ever claimed (timeline "claimed" rows)
  int64_t completed = 0;     // tickets they fixed that are still done or closed
  int64_t likes = 0;         // likes on tickets they completed
  int64_t good_ratings = 0;  // ratings >= 4 on tickets they completed
};
Result<ServiceCounts> ServiceCountsOf(Tx& tx, const std::string& openid);

// Adds a like; false when openid already liked the ticket.
Result<bool> AddLike(Tx& tx, int64_t ticket_id, const std::string& openid, int64_t now);

// Closes every ticket done at or before cutoff (timeline row by "system"); returns how many.
Result<int64_t> CloseStaleTickets(Tx& tx, int64_t cutoff, int64_t now);

// The category keyword lists. GuessCategory picks the longest keyword found in the text;
// "other" when none.
Result<std::vector<RepairCategory>> ListRepairCategories(Tx& tx);
Result<std::optional<RepairCategory>> GetRepairCategory(Tx& tx, std::string_view name);
Result<std::string> GuessCategory(Tx& tx, std::string_view text);
// Adds or re-points a keyword. InvalidArgument when the category does not exist.
Status PutRepairKeyword(Tx& tx, std::string_view keyword, std::string_view category);

}  // namespace gebi::storage
