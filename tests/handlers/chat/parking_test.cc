// Licence plates as residents write them: one plate in many writings, new-energy plates, and
// text that is no plate. Pure functions; no database.
#include "handlers/chat/parking.h"

#include <catch2/catch.hpp>

#include "handlers/normalize.h"

namespace gebi::handlers {
namespace {

TEST_CASE("FindPlate writes one plate one way and keeps the words around it",
          "[handlers][parking]") {
  struct Case {
    const char* text;
    const char* plate;
    const char* before;
    const char* after;
  };
  const Case cases[] = {
      {"浙C·12345 3幢门口", "浙C12345", "", "3幢门口"},
      {"浙c 12345 3幢门口", "浙C12345", "", "3幢门口"},
      {"浙C12345 3幢门口", "浙C12345", "", "3幢门口"},
      {"浙Ｃ１２３４５ 3幢门口", "浙C12345", "", "3幢门口"},  // full-width, as typed on phones
      {"浙C-12345，东门", "浙C12345", "", "东门"},
      {"浙C12345门口", "浙C12345", "", "门口"},
      {"3幢门口 浙C12345", "浙C12345", "3幢门口", ""},
      {"浙C·D12345 北门", "浙CD12345", "", "北门"},  // new energy, small car
      {"浙c d12345", "浙CD12345", "", ""},
      {"粤B12345F 地库", "粤B12345F", "", "地库"},  // new energy, large car
      {"浙C·1234挂 路边", "浙C1234挂", "", "路边"},  // trailer
      {"浙c1234学，驾校门口", "浙C1234学", "", "驾校门口"},  // learner car
      {"粤Z 1234港", "粤Z1234港", "", ""},  // Hong Kong car
      {"浙C12345挂了罚单", "浙C12345", "", "挂了罚单"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    auto m = FindPlate(Normalize(c.text));
    REQUIRE(m.has_value());
    CHECK(m->plate == c.plate);
    CHECK(m->before == c.before);
    CHECK(m->after == c.after);
  }
}

TEST_CASE("FindPlate finds no plate in text that holds none", "[handlers][parking]") {
  for (const char* text :
       {"门口有辆车乱停", "浙C1234 门口", "浙C123456 门口", "浙CI2345", "浙CO2345", "ABC12345",
        "浙12345", "", "浙", "C12345 门口", "浙C1234567", "浙C123挂",
        "浙CO234学"}) {
    CAPTURE(text);
    CHECK_FALSE(FindPlate(Normalize(text)).has_value());
  }
}

TEST_CASE("NormalizePlate accepts a plate alone", "[handlers][parking]") {
  CHECK(NormalizePlate("浙c·12345") == std::optional<std::string>("浙C12345"));
  CHECK(NormalizePlate(" 浙C D12345 ") == std::optional<std::string>("浙CD12345"));
  CHECK(NormalizePlate("浙C 1234挂") == std::optional<std::string>("浙C1234挂"));
  CHECK_FALSE(NormalizePlate("浙C12345 门口").has_value());
  CHECK_FALSE(NormalizePlate("我的车").has_value());
}

}  // namespace
}  // namespace gebi::handlers
