#include "handlers/texts/templates.h"

#include <fmt/args.h>
#include <fmt/format.h>

#include "handlers/texts/template_specs.h"

namespace gebi::handlers {

namespace {

const TemplateSpec* FindSpec(std::string_view key) {
  for (const TemplateSpec& s : TemplateSpecs()) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

}  // namespace

Status Templates::Check(std::string_view key, std::string_view text) {
  const TemplateSpec* spec = FindSpec(key);
  if (spec == nullptr)
    return Status::InvalidArgument(fmt::format("unknown template key '{}'", key));
  fmt::dynamic_format_arg_store<fmt::format_context> store;
  for (std::string_view p : spec->placeholders) store.push_back(fmt::arg(p.data(), ""));
  try {
    (void)fmt::vformat(text, store);
  } catch (const fmt::format_error& e) {
    std::string allowed;
    for (std::string_view p : spec->placeholders) allowed += fmt::format(" {{{}}}", p);
    return Status::InvalidArgument(fmt::format("template '{}': {} (allowed:{})", key, e.what(),
                                               allowed.empty() ? " none" : allowed));
  }
  return Status::Ok();
}

Result<Templates> Templates::Create(const std::vector<TemplateText>& texts) {
  Templates t;
  for (const TemplateText& tt : texts) {
    Status s = Check(tt.key, tt.text);
    if (!s.ok()) return s.WithContext(tt.source);
    t.texts_[tt.key] = tt.text;
  }
  for (const TemplateSpec& spec : TemplateSpecs()) {
    if (!t.Has(spec.key)) {
      return Status::InvalidArgument(fmt::format("template '{}' is missing", spec.key));
    }
  }
  return t;
}

Templates Templates::WithOverrides(
    const std::map<std::string, std::string, std::less<>>& overrides) const {
  Templates t = *this;
  for (const auto& [key, text] : overrides) {
    if (Has(key) && Check(key, text).ok()) t.texts_[key] = text;
  }
  return t;
}

std::string Templates::Render(std::string_view key, const TemplateArgs& args) const {
  auto it = texts_.find(key);
  if (it == texts_.end()) return fmt::format("[{}]", key);
  return RenderText(key, it->second, args);
}

std::string Templates::RenderText(std::string_view key, std::string_view text,
                                  const TemplateArgs& args) {
  const TemplateSpec* spec = FindSpec(key);
  fmt::dynamic_format_arg_store<fmt::format_context> store;
  if (spec != nullptr) {
    for (std::string_view p : spec->placeholders) {
      const std::string* value = nullptr;
      for (const auto& [name, v] : args) {
        if (name == p) value = &v;
      }
      // p points into a string literal of TemplateSpecs(): stable and NUL-terminated.
      if (value != nullptr) {
        store.push_back(fmt::arg(p.data(), std::string_view(*value)));
      } else {
        store.push_back(fmt::arg(p.data(), std::string_view()));
      }
    }
  }
  try {
    return fmt::vformat(text, store);
  } catch (const fmt::format_error&) {  // validated before use; cannot happen
    return std::string(text);
  }
}

}  // namespace gebi::handlers
