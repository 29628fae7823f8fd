// Clock: the one source of "now" for every layer, so tests can move time.
// SystemClock is thread-safe; FakeClock is thread-safe (atomic).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace gebi {

class Clock {
 public:
  virtual ~Clock() = default;
  // Unix time in seconds.
  virtual int64_t NowSeconds() const = 0;
  // Unix time in milliseconds.
  virtual int64_t NowMillis() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowSeconds() const override { return NowMillis() / 1000; }
  int64_t NowMillis() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t seconds) : millis_(seconds * 1000) {}
  int64_t NowSeconds() const override { return millis_.load() / 1000; }
  int64_t NowMillis() const override { return millis_.load(); }
  void Advance(int64_t seconds) { millis_ += seconds * 1000; }
  void Set(int64_t seconds) { millis_ = seconds * 1000; }

 private:
  std::atomic<int64_t> millis_;
};

}  // namespace gebi
