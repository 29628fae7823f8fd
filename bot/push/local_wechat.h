// LocalWeChat: the demo's stand-in for WeChat's delivery. With no AppSecret nothing can reach
// WeChat, so `gebi serve` runs this instead of the OutboxWorker: due notices are marked
// delivered on channel "local" (stored in the outbox, never sent anywhere), and
// `gebi chat --openid X` reads what X received since its last look (a cursor per openid in
// the meta table). A photo download cannot happen without WeChat: such rows are dead-lettered
// with a reason an operator can read. Thread-safe: Start/Stop from one owner thread;
// DrainOnce and the reading functions from any thread (each uses its own transaction).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/clock.h"
#include "storage/database.h"

namespace gebi::bot {

// The channel a locally delivered notice is marked with.
inline constexpr std::string_view kLocalChannel = "local";

class LocalWeChat {
 public:
  // db and clock must outlive this. poll_ms: how often the loop looks for due rows.
  LocalWeChat(storage::Database& db, const Clock& clock, int poll_ms);
  ~LocalWeChat();  // Stop()
  LocalWeChat(const LocalWeChat&) = delete;
  LocalWeChat& operator=(const LocalWeChat&) = delete;

  // Delivers every notice due now; returns how many rows it finished (delivered or dead).
  Result<int> DrainOnce();
  void Start();
  void Stop();  // idempotent

 private:
  void Loop();

  storage::Database& db_;
  const Clock& clock_;
  const int poll_ms_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable cv_;  // wakes the loop on Stop
  std::thread thread_;
};

struct LocalNotice {
  int64_t id = 0;
  int64_t at = 0;     // when it was delivered locally
  std::string kind;   // ticket_new, join_result ...
  std::string text;   // what the person reads
};

// The notices openid received locally after its cursor, oldest first (at most limit), and the
// cursor moved past them when advance is true. Errors: storage failures.
Result<std::vector<LocalNotice>> TakeLocalNotices(storage::Database& db, const std::string& openid,
                                                  bool advance, int limit);

}  // namespace gebi::bot
