// Maintenance: the periodic jobs `gebi serve` runs beside the webhook; today the retention of
// message text (privacy.ledger_days), and the reminders of overdue suggestions
// (suggestions.answer_days). Runs once at Start and then every kInterval on a thread
// of its own; each run is idempotent, so two processes or a restart do no harm. An error is
// logged and the next run tries again. Start/Stop from one owner thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "bot/app.h"

namespace gebi::bot {

class Maintenance {
 public:
  // Hourly: the retention promise is "within a day", and a run over a quiet table is cheap.
  static constexpr std::chrono::minutes kInterval{60};

  explicit Maintenance(App& app) : app_(app) {}  // app must outlive this
  ~Maintenance() { Stop(); }
  Maintenance(const Maintenance&) = delete;
  Maintenance& operator=(const Maintenance&) = delete;

  // One pass of every job now. Returns the ledger rows blanked; errors as Status.
  Result<int64_t> RunOnce();
  void Start();
  void Stop();

 private:
  App& app_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace gebi::bot
