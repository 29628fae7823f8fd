// Volunteers and the skills catalogue: who offers which skills in which community, when they
// are available, and whether they are active. Free functions over the caller's Tx.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.h"

namespace gebi::storage {

struct Volunteer {
  std::string openid;
  int64_t community_id = 0;
  std::string availability;  // free text, e.g. "周末 晚上"
  bool active = true;
  std::vector<std::string> skills;  // catalogue names
  int64_t joined_at = 0;
  std::optional<int64_t> vetted_at;  // set when staff vetted the volunteer
  std::string vetted_by;             // who vetted (an openid or a console account name)
  bool share_phone = false;  // agreed that residents they help see their phone (v7)
};

// Catalogue skill names in display order.
Result<std::vector<std::string>> ListSkills(Tx& tx);
// The catalogue skill a word means (a skill name or a synonym), or nullopt.
Result<std::optional<std::string>> SkillForWord(Tx& tx, std::string_view word);
// Adds a synonym (or re-points it). InvalidArgument when skill is not in the catalogue.
Status PutSkillSynonym(Tx& tx, std::string_view word, std::string_view skill);

// Creates or re-activates openid as a volunteer with exactly these skills.
Status PutVolunteer(Tx& tx, const Volunteer& v, int64_t now);
Result<std::optional<Volunteer>> GetVolunteer(Tx& tx, const std::string& openid);
// Sets active = 0; returns false when openid was not an active volunteer.
Result<bool> DeactivateVolunteer(Tx& tx, const std::string& openid, int64_t now);

// Marks openid as vetted by `by` at now (again: the latest vetting counts). NotFound when
// openid is not a volunteer.
Status VetVolunteer(Tx& tx, const std::string& openid, std::string_view by, int64_t now);
// Withdraws the vetting. NotFound when openid is not a volunteer.
Status UnvetVolunteer(Tx& tx, const std::string& openid, int64_t now);

// Active volunteers whose resident name is name (staff write 认证 王师傅), sorted; at most 10.
Result<std::vector<std::string>> VolunteersNamed(Tx& tx, std::string_view name);

// Active volunteers of community_id with skill, excluding `exclude`, ordered by fewest open
// (claimed) tickets, then longest-serving; at most limit.
Result<std::vector<std::string>> MatchVolunteers(Tx& tx, int64_t community_id,
                                                 std::string_view skill, const std::string& exclude,
                                                 int limit);

}  // namespace gebi::storage
