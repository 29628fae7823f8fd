// OutboxWorker: drains the outbox toward WeChat. Each of push.concurrency threads claims one
// due row at a time under a lease (storage/outbox.h), plans its delivery and marks the
// outcome. The planner tries a customer-service message while the recipient's window is open
// (last message within push.custom_window_hours), else a template message when config maps
// the notice kind to one, else leaves the notice in the recipient's inbox, delivered with the
// next passive reply (handlers/chat/inbox.h). 45015 / 45047 fall down that chain at once; other
// failures retry with exponential backoff and jitter until push.max_attempts, then the row is
// dead-lettered. media_fetch rows download a photo (content-addressed under data_dir).
// Delivery is at least once toward WeChat: a crash between send and mark resends that one
// row once. Thread-safe: Start/Stop from one owner thread; DrainOnce from any one thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bot/config.h"
#include "bot/wechat/api.h"
#include "storage/clock.h"
#include "storage/database.h"
#include "storage/outbox.h"

namespace gebi::bot {

class AccessTokenProvider;

struct DrainStats {
  int claimed = 0;
  int sent = 0;       // delivered by custom/send, template/send, or media fetched
  int inbox = 0;      // left in the recipient's inbox
  int retried = 0;    // back to pending with backoff
  int dead = 0;       // dead-lettered
  int released = 0;   // returned uncounted (no access token)
  int abandoned = 0;  // left sending by the test hook (a simulated crash)

  void Add(const DrainStats& o) {
    claimed += o.claimed;
    sent += o.sent;
    inbox += o.inbox;
    retried += o.retried;
    dead += o.dead;
    released += o.released;
    abandoned += o.abandoned;
  }
};

class OutboxWorker {
 public:
  // All references must outlive the worker. worker_id names this worker in claimed_by.
  OutboxWorker(storage::Database& db, const Clock& clock, WeChatApi& api,
               AccessTokenProvider& tokens, const Config& config);
  ~OutboxWorker();  // Stop()
  OutboxWorker(const OutboxWorker&) = delete;
  OutboxWorker& operator=(const OutboxWorker&) = delete;

  // Handles every row due now (and rows due while it runs) with push.concurrency threads,
  // then returns. Nothing is claimed while the token fetch is paused after an alarm.
  DrainStats DrainOnce();

  // Starts push.concurrency threads that keep draining due rows, polling every
  // push.poll_interval_ms, until Stop(). An exception in one is logged; the thread goes on.
  void Start();
  // Finishes the rows in hand, then stops. Idempotent.
  void Stop();

  // Test seam: called after WeChat accepted a row and before it is marked. Returning false
  // abandons the row in state sending, as a crash at that point would.
  void SetAfterSendHook(std::function<bool(const storage::OutboxItem&)> hook) {
    after_send_ = std::move(hook);
  }

  // The retry delay after `attempts` failed attempts, before jitter: base * 2^(attempts-1),
  // capped. With jitter the delay is uniform in [d/2, d].
  static int64_t BackoffSeconds(int64_t attempts, int base, int cap);

 private:
  enum class Result { kSent, kInbox, kRetried, kDead, kReleased, kAbandoned };
  // Claims and handles due rows one at a time until none is due (or Stop, or no token).
  void DrainInto(DrainStats& stats);
  // True while the token fetch is paused after an alarm: nothing is claimed.
  bool TokenPaused() const;
  // One of Start's threads.
  void Loop(int index);
  Result Process(const storage::OutboxItem& item);
  Result Deliver(const storage::OutboxItem& item);
  Result FetchMedia(const storage::OutboxItem& item);
  Result Retry(const storage::OutboxItem& item, const std::string& error,
               const std::string& channel);
  Result Finish(const storage::OutboxItem& item, const std::string& channel, bool inbox);
  Result Dead(const storage::OutboxItem& item, const std::string& error);
  Result Release(const storage::OutboxItem& item, const std::string& error);
  int64_t Jitter(int64_t delay);

  storage::Database& db_;
  const Clock& clock_;
  WeChatApi& api_;
  AccessTokenProvider& tokens_;
  const Config& config_;
  const std::string worker_id_;
  std::function<bool(const storage::OutboxItem&)> after_send_;

  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable cv_;  // wakes the loops on Stop
  std::vector<std::thread> threads_;
};

}  // namespace gebi::bot
