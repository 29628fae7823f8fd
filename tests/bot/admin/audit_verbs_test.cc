// The console's audit log reads each row as a Chinese sentence: every action the server audits
// has its verb in templates/admin/app.js (AUDIT_VERBS). A missing one would show staff the
// vague "做了一项操作". The actions are read from the sources, so a new Audit(...) call without
// its verb fails here.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace gebi::testing {
namespace {

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Literal actions named in Audit(...) calls, and the prefixes of composed ones
// ("rule." + action) with the literals that complete them in the same file.
std::set<std::string> AuditedActions(const std::string& root) {
  std::set<std::string> actions;
  // Audit(tx, who, action, ...) in the console, AuditAct(tx, by, community, action, ...) in chat.
  const std::regex call(R"re(\bAudit(?:Act)?\(\s*(?:ctx\.)?tx,([^;]*))re");
  const std::regex literal(R"re("([a-z_]+\.[a-z_]+)")re");
  const std::regex composed(R"re("([a-z_]+)\." \+ action)re");
  for (const char* dir : {"handlers", "bot"}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root + "/" + dir)) {
      if (entry.path().extension() != ".cc") continue;
      const std::string text = ReadFile(entry.path());
      for (std::sregex_iterator it(text.begin(), text.end(), call), end; it != end; ++it) {
        const std::string arg = (*it)[1];
        std::smatch m;
        if (std::regex_search(arg, m, composed)) {
          actions.insert(m[1].str() + ".*");
        } else if (std::regex_search(arg, m, literal)) {  // the first: the action
          actions.insert(m[1]);
          // a ? b : c names two.
          const std::string rest = m.suffix();
          if (std::regex_search(rest, m, literal) && rest.find(':') < rest.find(',')) {
            actions.insert(m[1]);
          }
        }
      }
    }
  }
  return actions;
}

TEST_CASE("Every audited action reads as a Chinese sentence in the console", "[admin][audit]") {
  const std::string root = GEBI_SOURCE_DIR;
  const std::string app = ReadFile(root + "/templates/admin/app.js");
  const auto verbs_at = app.find("const AUDIT_VERBS = {");
  REQUIRE(verbs_at != std::string::npos);
  const std::string verbs = app.substr(verbs_at, app.find("};", verbs_at) - verbs_at);
  const auto actions = AuditedActions(root);
  CHECK(actions.count("account.create") == 1);  // the scan finds what it should
  CHECK(actions.count("rule.*") == 1);
  CHECK(actions.count("circle.manager_remove") == 1);
  CHECK(actions.count("moderation.hold") == 1);
  for (const auto& action : actions) {
    CAPTURE(action);
    if (action.back() == '*') {
      CHECK(verbs.find("'" + action.substr(0, action.size() - 1)) != std::string::npos);
    } else {
      CHECK(verbs.find("'" + action + "'") != std::string::npos);
    }
  }
}

}  // namespace
}  // namespace gebi::testing
