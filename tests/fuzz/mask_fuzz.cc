// libFuzzer target: MaskPersonalNumbers, applied to every text the ledger keeps. Invariants:
// the output has the input's size (masking replaces digits in place, byte for byte), every
// changed byte became '*' and was an ASCII digit (or the ID card's check letter X) before.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "handlers/privacy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string masked = gebi::handlers::MaskPersonalNumbers(text);
  if (masked.size() != text.size()) __builtin_trap();
  for (size_t i = 0; i < size; ++i) {
    if (masked[i] == text[i]) continue;
    const char c = text[i];
    if (masked[i] != '*' || !((c >= '0' && c <= '9') || c == 'X' || c == 'x')) __builtin_trap();
  }
  return 0;
}
