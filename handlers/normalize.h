// Text normalisation applied before keyword matching: trim, full-width ASCII forms and the
// ideographic space to half-width, ASCII case-fold, runs of whitespace to one space.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gebi::handlers {

// When offsets is given, it receives one entry per output byte plus one: the input offset the
// output byte came from (the last entry is the input size less trailing whitespace), so a
// normalised suffix can be mapped back to the sender's own words (see RawTail in
// handlers/context.h).
std::string Normalize(std::string_view text, std::vector<uint32_t>* offsets = nullptr);

// Splits "cmd rest of text" at the first space: {"cmd", "rest of text"} (rest may be empty).
std::pair<std::string, std::string> SplitFirstWord(std::string_view normalized);

// Parses a ticket / request number written "12", "#12" or "＃12" (after Normalize: "#12").
// Returns -1 when s is not such a number.
int64_t ParseNumberArg(std::string_view s);

// Characters of UTF-8 text (bytes that do not continue a character).
size_t Utf8Chars(std::string_view s);
// The first n characters of text (whole UTF-8 characters), with "…" when cut.
std::string Excerpt(std::string_view text, size_t n);

}  // namespace gebi::handlers
