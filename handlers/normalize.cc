#include "handlers/normalize.h"

#include <cstdint>

namespace gebi::handlers {

size_t Utf8Chars(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string Excerpt(std::string_view text, size_t n) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && chars++ == n) {
      return std::string(text.substr(0, i)) + "…";
    }
  }
  return std::string(text);
}

namespace {

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Decodes one UTF-8 code point at s[i]; advances i. Invalid bytes pass through as themselves.
uint32_t NextCodePoint(std::string_view s, size_t& i, size_t& len) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  uint32_t cp = c;
  len = 1;
  // Both continuation bytes must be 10xxxxxx: otherwise a stray lead byte would swallow the
  // next two ASCII bytes ("\xEF<\x01" decoded as U+FF01 and became "!").
  if (c >= 0xE0 && c < 0xF0 && i + 2 < s.size() && IsContinuation(s[i + 1]) &&
      IsContinuation(s[i + 2])) {
    cp = ((c & 0x0F) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3F) << 6) |
         (static_cast<unsigned char>(s[i + 2]) & 0x3F);
    len = 3;
  }
  i += len;
  return cp;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

}  // namespace

std::string Normalize(std::string_view text, std::vector<uint32_t>* offsets) {
  std::string out;
  out.reserve(text.size());
  if (offsets != nullptr) offsets->clear();
  auto mark = [&](size_t from, size_t n) {
    if (offsets != nullptr) offsets->insert(offsets->end(), n, static_cast<uint32_t>(from));
  };
  bool pending_space = false;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i, len = 0;
    uint32_t cp = NextCodePoint(text, i, len);
    char ascii = 0;
    if (len == 3 && cp >= 0xFF01 && cp <= 0xFF5E) {
      ascii = static_cast<char>(cp - 0xFEE0);
    } else if (len == 3 && cp == 0x3000) {
      ascii = ' ';
    } else if (len == 1) {
      ascii = text[start];
    }
    if (ascii != 0 && IsSpace(ascii)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) {
      out.push_back(' ');
      mark(start, 1);
      pending_space = false;
    }
    if (ascii != 0) {
      out.push_back((ascii >= 'A' && ascii <= 'Z') ? static_cast<char>(ascii - 'A' + 'a') : ascii);
      mark(start, 1);
    } else {
      out.append(text.substr(start, len));
      for (size_t k = 0; k < len; ++k) mark(start + k, 1);
    }
  }
  if (offsets != nullptr) {
    // The end maps to the end of the last kept character (trailing whitespace dropped).
    size_t end = text.size();
    while (end > 0 && IsSpace(text[end - 1])) --end;
    offsets->push_back(static_cast<uint32_t>(end));
  }
  return out;
}

std::pair<std::string, std::string> SplitFirstWord(std::string_view s) {
  size_t sp = s.find(' ');
  if (sp == std::string_view::npos) return {std::string(s), ""};
  return {std::string(s.substr(0, sp)), std::string(s.substr(sp + 1))};
}

int64_t ParseNumberArg(std::string_view s) {
  if (!s.empty() && s.front() == '#') s.remove_prefix(1);
  if (s.empty() || s.size() > 12) return -1;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace gebi::handlers
