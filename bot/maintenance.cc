#include "bot/maintenance.h"

#include <spdlog/spdlog.h>

#include "handlers/chat/suggestions.h"
#include "handlers/privacy.h"

namespace gebi::bot {

Result<int64_t> Maintenance::RunOnce() {
  const int64_t now = app_.clock().NowSeconds();
  // Every suggestion gets an answer: the overdue ones go to their staff again.
  auto reminded = handlers::RemindOverdueSuggestions(app_.db(), app_.pipeline(), now,
                                                     app_.config().suggestions.answer_days);
  auto blanked = handlers::ExpireLedgerText(app_.db(), now, app_.config().privacy.ledger_days);
  if (!reminded.ok()) return reminded.status();  // the retention job still ran
  return blanked;
}

void Maintenance::Start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = false;
  }
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      lock.unlock();
      try {
        auto blanked = RunOnce();
        if (!blanked.ok()) {
          spdlog::error("maintenance: {}", blanked.status().ToString());
        } else if (*blanked > 0) {
          spdlog::info("maintenance: blanked the text of {} messages older than {} days", *blanked,
                       app_.config().privacy.ledger_days);
        }
      } catch (const std::exception& e) {  // a bug must not end the process
        spdlog::error("maintenance: {}", e.what());
      }
      lock.lock();
      cv_.wait_for(lock, kInterval, [this] { return stop_; });
    }
  });
}

void Maintenance::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace gebi::bot
