// Templates: the reply texts, loaded once from templates/ (by bot/) and rendered with fmt named
// arguments. Every key the code uses is declared in handlers/texts/template_specs.h with the
// placeholders it may name; Create() refuses a set with a missing key, an unknown key, or a
// text that names an unknown placeholder. Immutable after Create: thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/status.h"

namespace gebi::handlers {

struct TemplateText {
  std::string key;
  std::string text;
  std::string source;  // file the text came from, for error messages
};

// A rendered text never exceeds this: a passive reply shows about 2 KiB, a push 4 KiB, and
// arguments (descriptions, names) are capped where they are written; this bounds the rest.
inline constexpr size_t kMaxRenderedBytes = 8 * 1024;

using TemplateArgs = std::vector<std::pair<std::string_view, std::string>>;

class Templates {
 public:
  // Validates texts against TemplateSpecs(). InvalidArgument naming the file and key of the
  // first problem.
  static Result<Templates> Create(const std::vector<TemplateText>& texts);

  // Renders key with args. REQUIRES: key is declared in TemplateSpecs() (else returns the key
  // itself in brackets, which tests catch). Missing args render as empty strings.
  std::string Render(std::string_view key, const TemplateArgs& args = {}) const;

  // Validates one candidate text for key (used by the admin console before saving): only
  // `{name}` placeholders of key's spec; `{{` and `}}` stand for braces. InvalidArgument
  // naming the first bad field.
  static Status Check(std::string_view key, std::string_view text);
  // Renders text as if it were key's, with args (for previews). REQUIRES: Check passed.
  static std::string RenderText(std::string_view key, std::string_view text,
                                const TemplateArgs& args);

  // A copy whose texts are replaced by overrides (key -> text) that pass Check; others are
  // ignored (the admin API refuses to store them).
  Templates WithOverrides(const std::map<std::string, std::string, std::less<>>& overrides) const;

  bool Has(std::string_view key) const { return texts_.count(std::string(key)) > 0; }
  const std::map<std::string, std::string, std::less<>>& texts() const { return texts_; }

 private:
  std::map<std::string, std::string, std::less<>> texts_;
};

}  // namespace gebi::handlers
