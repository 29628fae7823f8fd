// The escalation ladder's shared work (S4): who acts at each level of a ticket (grid workers,
// community staff, the street's project execution group = the staff granted on the street,
// the district's admins), announcing a hop (the new level's people are pushed, the reporter
// learns in one line where the request is now), and the deadline scheduler `gebi serve` runs
// every minute. Stateless functions over the caller's Tx; thread-safe as far as the Tx is.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "handlers/texts/templates.h"
#include "storage/database.h"
#include "storage/ladder_store.h"
#include "storage/org_store.h"

namespace gebi::handlers {

// The deadlines used where the database has no row (config [escalation]).
struct LadderDefaults {
  int64_t claim_hours = 24;
  int64_t resolve_hours = 72;
};

// Whether t's reporter is a resident on WeChat (not a consumer platform that posted it through
// Open311): only a resident is pushed about their ticket.
bool HasResidentReporter(const storage::Ticket& t);

// The unit that answers for t at level (its grid, its community, the street or the district
// above it); nullopt when the organisation has none.
Result<std::optional<storage::OrgUnit>> LevelUnit(storage::Tx& tx, const storage::Ticket& t,
                                                  std::string_view level);
// The openids who act for t at level: holders of the unit's manager role (sorted).
Result<std::vector<std::string>> LevelPeople(storage::Tx& tx, const storage::Ticket& t,
                                             std::string_view level);
// Whether openid acts for t at level.
Result<bool> IsLevelStaff(storage::Tx& tx, const storage::Ticket& t, std::string_view level,
                          const std::string& openid);
// Where t is at level, as a resident reads it: "桂柑社区第一网格", "桂柑社区", "松台街道项目执行组",
// "鹿城区".
Result<std::string> LevelLabel(storage::Tx& tx, const Templates& texts, const storage::Ticket& t,
                               std::string_view level);

// After a hop (storage::MoveLevel returned event_id): pushes the people of hop.to about t
// (except hop.actor) and tells the reporter in one line where the request is now.
Status AnnounceHop(storage::Tx& tx, const Templates& texts, int64_t now,
                   const storage::Ticket& t, const storage::Hop& hop, int64_t event_id);

// The deadlines of t's category at its level (database row, else the defaults).
Result<storage::Deadline> DeadlineOf(storage::Tx& tx, const storage::Ticket& t,
                                     const LadderDefaults& defaults);
// When t's current deadline falls: unclaimed, claim_hours after it reached its level (or after
// it was last finished, for a reopened ticket); claimed, resolve_hours after the claim before
// the reminder and twice that before it goes up.
struct DeadlineAt {
  int64_t at = 0;
  std::string what;  // claim | reminder | resolve
};
DeadlineAt NextDeadline(const storage::LadderTicket& l, const storage::Deadline& d);

// One scheduler pass at now: every overdue unclaimed ticket goes up one level (at the top its
// people are reminded once); a claimed one past resolve_hours gets one reminder, past twice
// that it goes up. Idempotent: each change is a compare-and-set, so a second pass or a second
// process finds nothing to do. Looks at most at max_tickets tickets.
struct DeadlineRun {
  int escalated = 0;
  int reminded = 0;
};
Result<DeadlineRun> RunDeadlines(storage::Tx& tx, const Templates& texts,
                                 const LadderDefaults& defaults, int64_t now, int max_tickets);

}  // namespace gebi::handlers
