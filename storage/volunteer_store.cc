#include "storage/volunteer_store.h"

namespace gebi::storage {

namespace {

constexpr std::string_view kSelectSkills = "SELECT name FROM skills ORDER BY sort, name";
constexpr std::string_view kSkillForWord =
    "SELECT skill FROM skill_synonyms WHERE word = ?1 "
    "UNION ALL SELECT name FROM skills WHERE name = ?1 LIMIT 1";
constexpr std::string_view kHasSkill = "SELECT 1 FROM skills WHERE name = ?1";
constexpr std::string_view kUpsertSynonym =
    "INSERT INTO skill_synonyms(word, skill) VALUES (?1, ?2) "
    "ON CONFLICT(word) DO UPDATE SET skill = excluded.skill";
constexpr std::string_view kUpsertVolunteer =
    "INSERT INTO volunteers(openid, community_id, availability, active, joined_at, updated_at, "
    "share_phone) VALUES (?1, ?2, ?3, 1, ?4, ?4, ?5) ON CONFLICT(openid) DO UPDATE SET "
    "community_id = excluded.community_id, availability = excluded.availability, active = 1, "
    "updated_at = excluded.updated_at, share_phone = excluded.share_phone";
constexpr std::string_view kDeleteSkills = "DELETE FROM volunteer_skills WHERE openid = ?1";
constexpr std::string_view kInsertSkill =
    "INSERT OR IGNORE INTO volunteer_skills(openid, skill) VALUES (?1, ?2)";
constexpr std::string_view kSelectVolunteer =
    "SELECT community_id, availability, active, joined_at, vetted_at, vetted_by, share_phone "
    "FROM volunteers WHERE openid = ?1";
constexpr std::string_view kVet =
    "UPDATE volunteers SET vetted_at = ?2, vetted_by = ?3, updated_at = ?2 WHERE openid = ?1";
constexpr std::string_view kUnvet =
    "UPDATE volunteers SET vetted_at = NULL, vetted_by = '', updated_at = ?2 WHERE openid = ?1";
constexpr std::string_view kSelectVolunteerSkills =
    "SELECT vs.skill FROM volunteer_skills vs JOIN skills s ON s.name = vs.skill "
    "WHERE vs.openid = ?1 ORDER BY s.sort";
constexpr std::string_view kVolunteersNamed =
    "SELECT v.openid FROM volunteers v JOIN residents r ON r.openid = v.openid "
    "WHERE r.name = ?1 AND v.active = 1 ORDER BY v.openid LIMIT 10";
constexpr std::string_view kDeactivate =
    "UPDATE volunteers SET active = 0, updated_at = ?2 WHERE openid = ?1 AND active = 1";
constexpr std::string_view kMatch =
    "SELECT v.openid FROM volunteers v JOIN volunteer_skills vs ON vs.openid = v.openid "
    "WHERE v.community_id = ?1 AND v.active = 1 AND vs.skill = ?2 AND v.openid <> ?3 "
    "ORDER BY (SELECT COUNT(*) FROM tickets t WHERE t.claimed_by = v.openid "
    "AND t.status = 'claimed'), v.joined_at, v.openid LIMIT ?4";

// The row of a one-column query of skill names or openids.
std::string ReadString(const Stmt& st) { return st.Text(0); }

}  // namespace

Result<std::vector<std::string>> ListSkills(Tx& tx) {
  return tx.QueryRows<std::string>(kSelectSkills, ReadString);
}

Result<std::optional<std::string>> SkillForWord(Tx& tx, std::string_view word) {
  return tx.QueryText(kSkillForWord, word);
}

Status PutSkillSynonym(Tx& tx, std::string_view word, std::string_view skill) {
  GEBI_ASSIGN_OR_RETURN(auto known, tx.QueryInt(kHasSkill, skill));
  if (!known) return Status::InvalidArgument("unknown skill '" + std::string(skill) + "'");
  return tx.Run(kUpsertSynonym, word, skill);
}

Status PutVolunteer(Tx& tx, const Volunteer& v, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kUpsertVolunteer, v.openid, v.community_id, v.availability, now,
                              int64_t{v.share_phone ? 1 : 0}));
  GEBI_RETURN_IF_ERROR(tx.Run(kDeleteSkills, v.openid));
  for (const std::string& s : v.skills) GEBI_RETURN_IF_ERROR(tx.Run(kInsertSkill, v.openid, s));
  return Status::Ok();
}

Result<std::optional<Volunteer>> GetVolunteer(Tx& tx, const std::string& openid) {
  auto read = [&openid](const Stmt& st) {
    Volunteer v;
    v.openid = openid;
    v.community_id = st.Int(0);
    v.availability = st.Text(1);
    v.active = st.Int(2) != 0;
    v.joined_at = st.Int(3);
    if (!st.IsNull(4)) v.vetted_at = st.Int(4);
    v.vetted_by = st.Text(5);
    v.share_phone = st.Int(6) != 0;
    return v;
  };
  GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryFirstRow<Volunteer>(kSelectVolunteer, read, openid));
  if (!v) return std::optional<Volunteer>();
  GEBI_ASSIGN_OR_RETURN(v->skills,
                        tx.QueryRows<std::string>(kSelectVolunteerSkills, ReadString, openid));
  return v;
}

Result<bool> DeactivateVolunteer(Tx& tx, const std::string& openid, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kDeactivate, openid, now));
  return tx.Changes() > 0;
}

Status VetVolunteer(Tx& tx, const std::string& openid, std::string_view by, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kVet, openid, now, by));
  if (tx.Changes() == 0) return Status::NotFound("no volunteer " + openid);
  return Status::Ok();
}

Status UnvetVolunteer(Tx& tx, const std::string& openid, int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kUnvet, openid, now));
  if (tx.Changes() == 0) return Status::NotFound("no volunteer " + openid);
  return Status::Ok();
}

Result<std::vector<std::string>> MatchVolunteers(Tx& tx, int64_t community_id,
                                                 std::string_view skill, const std::string& exclude,
                                                 int limit) {
  return tx.QueryRows<std::string>(kMatch, ReadString, community_id, skill, exclude, limit);
}

Result<std::vector<std::string>> VolunteersNamed(Tx& tx, std::string_view name) {
  return tx.QueryRows<std::string>(kVolunteersNamed, ReadString, name);
}

}  // namespace gebi::storage
