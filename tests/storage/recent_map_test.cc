#include "storage/recent_map.h"

#include <string>
#include <thread>
#include <vector>

#include "tests/support/test_env.h"

namespace gebi::testing {
namespace {

using storage::RecentMap;

TEST_CASE("RecentMap finds what was put within its age and no older", "[recent_map]") {
  RecentMap<std::string> map(10, 60);
  map.Put("a", "first", 1000);
  CHECK(map.Find("a", 1000) == "first");
  CHECK(map.Find("a", 1060) == "first");
  CHECK_FALSE(map.Find("a", 1061).has_value());
  CHECK_FALSE(map.Find("b", 1000).has_value());
  map.Put("a", "again", 1061);  // replaced: found again, with its new age
  CHECK(map.Find("a", 1100) == "again");
  CHECK(map.size() == 1);
}

TEST_CASE("RecentMap keeps at most its capacity and lets the oldest go first", "[recent_map]") {
  RecentMap<int> map(3, 60);
  for (int i = 0; i < 5; ++i) map.Put("k" + std::to_string(i), i, 0);
  CHECK(map.size() == 3);
  CHECK_FALSE(map.Find("k0", 0).has_value());
  CHECK_FALSE(map.Find("k1", 0).has_value());
  for (int i = 2; i < 5; ++i) CHECK(map.Find("k" + std::to_string(i), 0) == i);
  // Replacing a value keeps its place in line: k2 is still the next to go.
  map.Put("k2", 20, 0);
  map.Put("k5", 5, 0);
  CHECK_FALSE(map.Find("k2", 0).has_value());
  CHECK(map.Find("k3", 0) == 3);
  CHECK(map.Find("k5", 0) == 5);
}

TEST_CASE("RecentMap takes puts and finds from many threads at once", "[recent_map]") {
  RecentMap<int> map(1000, 60);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&map, t] {
      for (int i = 0; i < 5000; ++i) {
        map.Put(std::to_string(t * 100000 + i), i, 0);
        (void)map.Find(std::to_string(t * 100000 + i / 2), 0);
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(map.size() == 1000);
  // The last key each thread put is among the last 1,000 puts only if no other thread put
  // 1,000 after it; the very last put of all is always there.
  int found = 0;
  for (int t = 0; t < 4; ++t) found += map.Find(std::to_string(t * 100000 + 4999), 0) ? 1 : 0;
  CHECK(found >= 1);
}

}  // namespace
}  // namespace gebi::testing
