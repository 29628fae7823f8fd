#include "handlers/context.h"

#include <utility>

#include "handlers/normalize.h"

namespace gebi::handlers {

SenderText SenderText::Of(std::string raw) {
  SenderText words;
  words.raw = std::move(raw);
  if (!words.raw.empty()) words.text = Normalize(words.raw, &words.offsets);
  return words;
}

void Context::SetSenderText(SenderText words) {
  raw_text = std::move(words.raw);
  text = std::move(words.text);
  text_offsets = std::move(words.offsets);
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
