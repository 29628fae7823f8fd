// libFuzzer target: the inbound XML parsers, the first code an unauthenticated body reaches.
// Both must return a Status for any bytes, never crash or read out of bounds. A parsed message
// also goes through SerializeInbound (the simulator's writer) and back, for its coverage; the
// round trip may legitimately refuse (CData drops control characters a field may consist of).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bot/wechat/xml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  auto envelope = gebi::bot::ParseEnvelope(xml);
  auto message = gebi::bot::ParseMessage(xml);
  if (message.ok()) {
    auto again = gebi::bot::ParseMessage(gebi::bot::SerializeInbound(*message));
    (void)again;
  }
  return 0;
}
