#include "bot/ladder_scheduler.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "bot/push/district.h"
#include "handlers/org/district.h"

namespace gebi::bot {

Result<LadderScheduler::Pass> LadderScheduler::RunOnce() {
  const Config& c = app_.config();
  const handlers::LadderDefaults defaults{c.escalation.claim_hours, c.escalation.resolve_hours};
  const int64_t now = app_.clock().NowSeconds();
  Pass pass;
  Status s = app_.db().WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(pass.deadlines, handlers::RunDeadlines(tx, app_.templates(), defaults,
                                                                 now, kMaxTicketsPerPass));
    if (!c.district.open311_base.empty()) {
      GEBI_ASSIGN_OR_RETURN(pass.handed_off,
                            handlers::QueueDistrictHandoffs(tx, now, kMaxTicketsPerPass));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return pass;
}

Result<int> LadderScheduler::PullOnce() {
  return PullDistrict(app_.db(), app_.clock(), app_.config(), app_.templates(),
                      kMaxPullsPerRound);
}

void LadderScheduler::Start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = false;
  }
  const Config& c = app_.config();
  const std::chrono::seconds interval(c.escalation.check_interval_seconds);
  const std::chrono::minutes pull_every(c.district.pull_interval_minutes);
  const bool district = !c.district.open311_base.empty();
  thread_ = std::thread([this, interval, pull_every, district] {
    auto next_pull = std::chrono::steady_clock::now();
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      lock.unlock();
      try {
        auto pass = RunOnce();
        if (!pass.ok()) {
          spdlog::error("ladder: {}", pass.status().ToString());
        } else if (pass->deadlines.escalated > 0 || pass->deadlines.reminded > 0 ||
                   pass->handed_off > 0) {
          spdlog::info("ladder: {} tickets went up a level, {} reminders, {} handed to the district",
                       pass->deadlines.escalated, pass->deadlines.reminded, pass->handed_off);
        }
        if (district && std::chrono::steady_clock::now() >= next_pull) {
          next_pull = std::chrono::steady_clock::now() + pull_every;
          auto pulled = PullOnce();
          if (!pulled.ok()) {
            spdlog::error("ladder: district pull: {}", pulled.status().ToString());
          } else if (*pulled > 0) {
            spdlog::info("ladder: the district changed {} tickets", *pulled);
          }
        }
      } catch (const std::exception& e) {  // a bug must not end the process
        spdlog::error("ladder: {}", e.what());
      }
      lock.lock();
      cv_.wait_for(lock, interval, [this] { return stop_; });
    }
  });
}

void LadderScheduler::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace gebi::bot
