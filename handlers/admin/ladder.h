// The console's escalation ladder, without HTTP: the board per level (each active ticket with
// its deadline and what it waits for, overdue first), the board's numbers (tickets per level,
// median time per level, deadlines missed), the deadline settings per category and level, and
// the Open311 API keys with their calls of the last day. Community accounts see their
// community's tickets; the settings, numbers and keys are the district's (PermissionDenied for
// others). Every write leaves an audit row. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "handlers/admin/auth.h"
#include "handlers/org/ladder.h"
#include "handlers/texts/templates.h"
#include "storage/clock.h"
#include "storage/database.h"
#include "storage/ladder_store.h"
#include "storage/open311_store.h"
#include "storage/ticket_store.h"

namespace gebi::handlers::admin {

struct LadderRow {
  storage::LadderTicket l;
  std::string where;     // who has it now ("桂柑社区", "松台街道项目执行组")
  std::string grid;      // the grid it came from ("桂柑社区第一网格")
  std::string category;  // the category's label
  DeadlineAt deadline;   // when and what it waits for
};
struct LadderBoard {
  std::vector<LadderRow> rows;  // overdue first, then the nearest deadline
  bool district = false;        // the fields below are filled for district accounts only
  std::vector<storage::LevelNumbers> numbers;
  std::vector<storage::Deadline> deadlines;
  std::vector<storage::RepairCategory> categories;
};
Result<LadderBoard> GetLadderBoard(storage::Database& db, const Templates& texts,
                                   const Principal& principal, const LadderDefaults& defaults,
                                   int64_t now, int limit);

// Sets (or, with remove, deletes) the deadlines of (category, level). InvalidArgument naming
// the field ("category", "level", "claim_hours", "resolve_hours"); PermissionDenied for a
// community account; NotFound when removing a row that is not there.
Status SetLadderDeadline(storage::Database& db, const Clock& clock, const Principal& principal,
                         const storage::Deadline& d, bool remove);

struct ApiKeyRow {
  storage::ApiKey key;
  int64_t calls_today = 0;    // audited calls in the last 24 hours
  int64_t refused_today = 0;  // of which answered 4xx / 5xx
};
Result<std::vector<ApiKeyRow>> ListApiKeyRows(storage::Database& db, const Principal& principal,
                                              int64_t now);
// Issues a key (shown once) / revokes one, with an audit row. InvalidArgument ("consumer"),
// AlreadyExists ("consumer"), NotFound, PermissionDenied for a community account.
Result<std::string> AddApiKeyFor(storage::Database& db, const Clock& clock,
                                 const Principal& principal, const std::string& name);
Status RevokeApiKeyOf(storage::Database& db, const Clock& clock, const Principal& principal,
                      const std::string& name);

}  // namespace gebi::handlers::admin
