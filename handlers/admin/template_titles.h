// What the console says about each reply text: a Chinese title, the group of where it is used
// (帮助菜单, 加入网格, 报修, …) and the Chinese name of each placeholder, so no key is shown.
// Immutable data: thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace gebi::handlers::admin {

// The title of template key ("help.line.repair" -> "帮助里的一行：报修"); a key without its
// own title gets its group's name.
std::string TemplateTitle(std::string_view key);
// Where the text is used, as a group heading ("报修和工单").
std::string TemplateGroup(std::string_view key);
// The Chinese name of a placeholder ("id" -> "号码"); "替换内容" for one without a name.
std::string PlaceholderLabel(std::string_view placeholder);
// A sample value for a placeholder (previews and examples): never the placeholder's name.
std::string PlaceholderSample(std::string_view placeholder);

}  // namespace gebi::handlers::admin
