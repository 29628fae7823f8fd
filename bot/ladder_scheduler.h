// LadderScheduler: the escalation ladder's periodic work inside `gebi serve`. Every
// escalation.check_interval_seconds one pass checks the deadlines (handlers::RunDeadlines:
// overdue tickets go up one level, claimed ones are reminded once) and, with a [district]
// open311_base, queues tickets that reached district level for the hand-off (outbox kind
// district_handoff); every district.pull_interval_minutes it pulls the district's status of
// handed-off tickets (bot/push/district.h). Each pass is one transaction of compare-and-set
// updates, so a restart or a second process never escalates or hands off a ticket twice. An
// error is logged and the next pass tries again. Start/Stop from one owner thread; RunOnce and
// PullOnce from any one thread.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "bot/app.h"
#include "handlers/org/ladder.h"

namespace gebi::bot {

class LadderScheduler {
 public:
  // Tickets looked at per pass: a district's open tickets fit; more wait a minute.
  static constexpr int kMaxTicketsPerPass = 5000;
  // Handed-off tickets pulled per round: one GET each, so a slow district delays little.
  static constexpr int kMaxPullsPerRound = 200;

  explicit LadderScheduler(App& app) : app_(app) {}  // app must outlive this
  ~LadderScheduler() { Stop(); }
  LadderScheduler(const LadderScheduler&) = delete;
  LadderScheduler& operator=(const LadderScheduler&) = delete;

  struct Pass {
    handlers::DeadlineRun deadlines;
    int handed_off = 0;  // tickets queued for the district
  };
  // One pass at the app clock's now. Storage errors as Status.
  Result<Pass> RunOnce();
  // One pull of the district's status; returns the tickets that changed. FailedPrecondition
  // without a [district] open311_base.
  Result<int> PullOnce();
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
