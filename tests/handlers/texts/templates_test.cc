// Reply templates: only `{name}` placeholders of the key's spec pass the check (at start for
// files, on save for overrides), literal braces are escaped, and a rendered text is capped.
#include "handlers/texts/templates.h"

#include "handlers/texts/template_specs.h"
#include "tests/support/test_env.h"

namespace gebi::handlers {
namespace {

std::vector<TemplateText> AllTexts(const std::string& key, const std::string& text) {
  std::vector<TemplateText> texts;
  for (const TemplateSpec& s : TemplateSpecs()) {
    texts.push_back({std::string(s.key), s.key == key ? text : "x", "t.toml"});
  }
  return texts;
}

TEST_CASE("Templates accept only {name} placeholders of their spec", "[handlers][templates]") {
  CHECK(Templates::Check("not_allowed", "「{command}」要{who}才能用").ok());
  CHECK(Templates::Check("not_allowed", "字面的 {{大括号}} 可以").ok());
  CHECK(Templates::Check("default", "没有占位符").ok());
  for (const char* bad :
       {"{command:2147483647}", "{command:>99999}", "{command!r}", "{0}", "{}", "{ command}",
        "{Command}", "{command", "多余的 }", "{who:{who}}", "{unknown}"}) {
    CAPTURE(bad);
    Status s = Templates::Check("not_allowed", bad);
    CHECK(s.code() == Status::Code::kInvalidArgument);
  }
  Status s = Templates::Check("not_allowed", "x {command:2147483647} y");
  CHECK(s.message().find("{command:2147483647}") != std::string::npos);  // names the field
  CHECK(s.message().find("{command}") != std::string::npos);             // and what is allowed
}

TEST_CASE("A template file with a format spec stops start-up, naming file and key",
          "[handlers][templates]") {
  auto t = Templates::Create(AllTexts("not_allowed", "{command:2147483647}"));
  REQUIRE(!t.ok());
  CHECK(t.status().message().find("t.toml") != std::string::npos);
  CHECK(t.status().message().find("not_allowed") != std::string::npos);
  REQUIRE(Templates::Create(AllTexts("not_allowed", "「{command}」")).ok());
}

TEST_CASE("Rendered texts are capped at a character boundary", "[handlers][templates]") {
  auto t = Templates::Create(AllTexts("not_allowed", "「{command}」"));
  REQUIRE(t.ok());
  std::string huge;
  for (int i = 0; i < 10000; ++i) huge += "灯";  // 3 bytes each
  std::string out = t->Render("not_allowed", {{"command", huge}});
  CHECK(out.size() <= kMaxRenderedBytes);
  CHECK(out.size() > kMaxRenderedBytes - 4);
  CHECK(out.rfind("「灯", 0) == 0);
  CHECK(out.size() % 3 == 0);  // "「" and every "灯" are 3 bytes: no character was cut
  CHECK(t->Render("not_allowed", {{"command", "x"}}) == "「x」");
}

}  // namespace
}  // namespace gebi::handlers
