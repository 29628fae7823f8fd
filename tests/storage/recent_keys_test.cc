#include "storage/recent_keys.h"

#include <string>
#include <thread>
#include <vector>

#include "tests/support/test_env.h"

namespace gebi::testing {
namespace {

using storage::RecentKeys;

std::string Key(int i) { return "m:gh_gebi_demo:" + std::to_string(100000000 + i); }

TEST_CASE("RecentKeys remembers what was added and rarely claims what was not", "[recent_keys]") {
  RecentKeys keys;
  for (int i = 0; i < 50000; ++i) keys.Add(Key(i));
  for (int i = 0; i < 50000; ++i) REQUIRE(keys.MayContain(Key(i)));
  int maybe = 0;
  for (int i = 50000; i < 60000; ++i) maybe += keys.MayContain(Key(i)) ? 1 : 0;
  CHECK(maybe < 300);  // ~1% expected at 50,000 keys in one filter
  CHECK_FALSE(keys.MayContain(""));
}

TEST_CASE("RecentKeys keeps at least the last filter's worth of keys and forgets older ones",
          "[recent_keys]") {
  RecentKeys keys;
  const int per = static_cast<int>(RecentKeys::kPerFilter);
  for (int i = 0; i < 3 * per; ++i) keys.Add(Key(i));
  // The last kPerFilter keys are always there.
  for (int i = 2 * per; i < 3 * per; ++i) REQUIRE(keys.MayContain(Key(i)));
  // The first filter's keys were cleared when the third began: at most false "maybe"s remain.
  int maybe = 0;
  for (int i = 0; i < 10000; ++i) maybe += keys.MayContain(Key(i)) ? 1 : 0;
  CHECK(maybe < 500);
}

TEST_CASE("RecentKeys takes keys from many threads at once", "[recent_keys]") {
  RecentKeys keys;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&keys, t] {
      for (int i = 0; i < 20000; ++i) keys.Add(Key(t * 20000 + i));
    });
  }
  for (auto& th : threads) th.join();
  for (int i = 0; i < 80000; ++i) REQUIRE(keys.MayContain(Key(i)));
}

}  // namespace
}  // namespace gebi::testing
