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

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

// Only `{name}` placeholders (and `{{` / `}}` for literal braces). A format spec
// ("{grid:2147483647}" pads to 2 GiB), a conversion, a positional or an empty field is
// refused before fmt sees the text. Returns the first offending field, or "" when clean.
std::string FirstBadField(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '}') {
      if (i + 1 < text.size() && text[i + 1] == '}') {
        ++i;
        continue;
      }
      return "}";
    }
    if (c != '{') continue;
    if (i + 1 < text.size() && text[i + 1] == '{') {
      ++i;
      continue;
    }
    size_t j = i + 1;
    if (j < text.size() && IsNameStart(text[j])) {
      while (j < text.size() && IsNameChar(text[j])) ++j;
      if (j < text.size() && text[j] == '}') {
        i = j;
        continue;
      }
    }
    size_t close = text.find('}', i);
    return std::string(text.substr(i, close == std::string_view::npos ? 24 : close - i + 1));
  }
  return "";
}

// Cuts s to at most max bytes without splitting a UTF-8 character.
void CapUtf8(std::string& s, size_t max) {
  if (s.size() <= max) return;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  s.resize(cut);
}

}  // namespace

Status Templates::Check(std::string_view key, std::string_view text) {
  const TemplateSpec* spec = FindSpec(key);
  if (spec == nullptr)
    return Status::InvalidArgument(fmt::format("unknown template key '{}'", key));
  std::string allowed;
  for (std::string_view p : spec->placeholders) allowed += fmt::format(" {{{}}}", p);
  if (std::string bad = FirstBadField(text); !bad.empty()) {
    return Status::InvalidArgument(
        fmt::format("template '{}': 占位符只能写成 {{名称}}，「{}」不行（可用：{}）", key, bad,
                    allowed.empty() ? " 无" : allowed));
  }
  fmt::dynamic_format_arg_store<fmt::format_context> store;
  for (std::string_view p : spec->placeholders) store.push_back(fmt::arg(p.data(), ""));
  try {
    (void)fmt::vformat(text, store);
  } catch (const fmt::format_error& e) {
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
  std::string out;
  try {
    out = fmt::vformat(text, store);
  } catch (const fmt::format_error&) {  // validated before use; cannot happen
    out = std::string(text);
  }
  CapUtf8(out, kMaxRenderedBytes);
  return out;
}

}  // namespace gebi::handlers
