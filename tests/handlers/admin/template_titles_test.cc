// Every reply text has a Chinese title and group, every placeholder a Chinese name and a sample
// that is not its code: the console shows no template key.
#include "handlers/admin/template_titles.h"

#include <set>
#include <string>

#include "handlers/admin/templates.h"
#include "handlers/texts/template_specs.h"
#include "tests/support/test_env.h"

namespace gebi::handlers::admin {
namespace {

bool IsChinese(const std::string& s) {
  return !s.empty() && static_cast<unsigned char>(s[0]) >= 0x80;
}

TEST_CASE("Every template key has its own Chinese title and a group", "[handlers][admin]") {
  std::set<std::string> titles;
  for (const TemplateSpec& spec : TemplateSpecs()) {
    CAPTURE(spec.key);
    const std::string title = TemplateTitle(spec.key);
    CHECK(IsChinese(title));
    CHECK(title.find("其他文字") == std::string::npos);
    CHECK(titles.insert(title).second);  // no two texts look the same in the list
    CHECK(IsChinese(TemplateGroup(spec.key)));
    for (auto p : spec.placeholders) {
      CAPTURE(p);
      CHECK(PlaceholderLabel(p) != "替换内容");
      CHECK(PlaceholderSample(p).find(p) == std::string::npos);
    }
  }
  CHECK(TemplateGroup("help.line.repair") == "帮助菜单");
  CHECK(TemplateGroup("push.ticket_done_reporter") == "推送：报修");
  CHECK(TemplateGroup("repair.usage") == "报修和工单");
  CHECK(TemplateTitle("no.such.key") == "常用回复：其他文字");
}

TEST_CASE("A template's example uses sample values, never placeholder codes",
          "[handlers][admin]") {
  auto r = PreviewTemplate("push.ticket_assigned",
                           "社区把 {id} 号报修交给您处理：{description}（{room}）。");
  REQUIRE_RESULT_OK(r);
  CHECK(*r == "社区把 12 号报修交给您处理：楼道灯坏了（5幢301）。");
}

}  // namespace
}  // namespace gebi::handlers::admin
