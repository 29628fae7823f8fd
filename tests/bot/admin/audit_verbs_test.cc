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
  const std::regex call(R"re(Audit\(\s*tx,\s*[^,]+,\s*([^,]+),)re");
  const std::regex literal(R"re("([a-z_]+\.[a-z_]+)")re");
  const std::regex composed(R"re("([a-z_]+)\." \+ action)re");
  for (const char* dir : {"handlers", "bot"}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root + "/" + dir)) {
      if (entry.path().extension() != ".cc") continue;
      const std::string text = ReadFile(entry.path());
      for (std::sregex_iterator it(text.begin(), text.end(), call), end; it != end; ++it) {
        const std::string arg = (*it)[1];
        for (std::sregex_iterator l(arg.begin(), arg.end(), literal); l != end; ++l) {
          actions.insert((*l)[1]);
        }
        std::smatch m;
        if (std::regex_search(arg, m, composed)) actions.insert(m[1].str() + ".*");
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
