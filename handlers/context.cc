#include "handlers/context.h"

#include <utility>

#include "handlers/normalize.h"

namespace gebi::handlers {

void Context::SetSenderText(std::string raw) {
  raw_text = std::move(raw);
  text_offsets.clear();
  text = raw_text.empty() ? std::string() : Normalize(raw_text, &text_offsets);
}

std::string RawTail(const Context& ctx, std::string_view suffix) {
  const std::string& text = ctx.text;
  if (suffix.size() > text.size() || ctx.text_offsets.size() != text.size() + 1 ||
      text.compare(text.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return std::string(suffix);
  }
  if (suffix.empty()) return "";
  size_t from = ctx.text_offsets[text.size() - suffix.size()];
  size_t to = ctx.text_offsets.back();
  if (from > to || to > ctx.raw_text.size()) return std::string(suffix);
  return ctx.raw_text.substr(from, to - from);
}

}  // namespace gebi::handlers
