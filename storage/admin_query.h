// Read models of the admin console over the grid tables: join requests, tickets and volunteers
// with their grid / community names, and the raw rows the numbers page aggregates. Filters are
// bound parameters; community nullopt = every community. Free functions over the caller's Tx.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"
#include "storage/join_store.h"
#include "storage/ticket_store.h"

namespace gebi::storage {

struct JoinRow {
  JoinRequest request;
  std::string grid_name;
  int64_t community_id = 0;
  std::string community_name;
};
// Join requests of a status ("" = any), newest first, at most limit.
Result<std::vector<JoinRow>> ListJoinRows(Tx& tx, std::optional<int64_t> community,
                                          const std::string& status, int limit);

struct TicketRow {
  Ticket ticket;
  std::string grid_name;
  std::string community_name;
  // The reporter as the office knows them (registered resident, else their latest join
  // request's name; "" when unknown), and who claimed it, the same way.
  std::string reporter_name, reporter_building, reporter_room, reporter_phone;
  std::string category_label;  // repair_categories.label (the category's name when none)
  std::string claimed_by_name;
};
struct TicketFilter {
  std::optional<int64_t> community;
  std::optional<int64_t> grid;
  std::string status;    // "" = any; "active" = open, reopened or claimed
  std::string category;  // "" = any
  std::string level;     // "" = any; grid | community | street | district
  std::optional<int64_t> id;  // one ticket
  int limit = 200;
};
// Tickets matching filter, newest first.
Result<std::vector<TicketRow>> ListTicketRows(Tx& tx, const TicketFilter& filter);

struct VolunteerRow {
  std::string openid;
  int64_t community_id = 0;
  std::string community_name;
  std::string availability;
  bool active = true;
  std::vector<std::string> skills;
  int64_t joined_at = 0;
  std::string name;   // as for TicketRow's names; "" when unknown
  std::string phone;  // the resident's phone, "" when not a registered resident
  std::optional<int64_t> vetted_at;
  std::string vetted_by;
};
// Volunteers (active first), at most limit.
Result<std::vector<VolunteerRow>> ListVolunteerRows(Tx& tx, std::optional<int64_t> community,
                                                    int limit);

struct ResidentRow {
  std::string openid;
  std::string name, building, room, phone;
  bool elderly_alone = false;
  int64_t joined_at = 0;
  int64_t grid_id = 0;
  std::string grid_name;
  int64_t community_id = 0;
  std::string community_name;
};
// Registered residents whose name, building + room, phone or grid name contains query ("" =
// all), by community, grid and name, at most limit.
Result<std::vector<ResidentRow>> ListResidentRows(Tx& tx, std::optional<int64_t> community,
                                                  const std::string& query, int limit);
// A person's name as the office knows it (see TicketRow), "" when unknown.
Result<std::string> PersonName(Tx& tx, const std::string& openid);

struct UnitRow {
  int64_t id = 0;
  std::string kind;  // community | grid
  std::string name;
  int64_t community_id = 0;  // itself for a community, the parent for a grid
};
// Communities and their grids (of one community when given), by community then id.
Result<std::vector<UnitRow>> ListCommunityUnits(Tx& tx, std::optional<int64_t> community);

struct TicketTimes {
  int64_t grid_id = 0;
  int64_t community_id = 0;
  int64_t created_at = 0;
  std::optional<int64_t> claimed_at;
  std::optional<int64_t> done_at;
  std::optional<int64_t> closed_at;
  bool cancelled = false;  // closed by the reporter's 取消报修, not by being fixed
};
// Tickets created, done or closed at or after since.
Result<std::vector<TicketTimes>> TicketTimesSince(Tx& tx, int64_t since);
// Active volunteers per community: (community_id, count).
Result<std::vector<std::pair<int64_t, int64_t>>> ActiveVolunteerCounts(Tx& tx);
// Pending join requests per grid: (grid_id, count).
Result<std::vector<std::pair<int64_t, int64_t>>> PendingJoinCounts(Tx& tx);

}  // namespace gebi::storage
