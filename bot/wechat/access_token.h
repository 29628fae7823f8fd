// AccessTokenProvider: the WeChat access token, kept in SQLite (storage/token_store.h) so
// that every thread and every process sharing the database uses one token and only one of
// them fetches at a time (a lease row; in-process a mutex). A token is refreshed once
// push.token_refresh_percent of its life has passed; stable_token by default, classic on
// request. When WeChat refuses the fetch itself (40164 IP not whitelisted, bad AppSecret or
// AppID) one alarm line is logged and fetching pauses for push.alarm_backoff_seconds — for
// every process, since the pause is stored too. The AppSecret never reaches a log or a Status.
// Thread-safe.
#pragma once

#include <mutex>
#include <string>

#include "bot/config.h"
#include "storage/clock.h"
#include "storage/database.h"

namespace gebi::bot {

class WeChatHttp;

class AccessTokenProvider {
 public:
  // All references must outlive the provider.
  AccessTokenProvider(storage::Database& db, const Clock& clock, WeChatHttp& http,
                      const Config& config);

  // A valid token. Unauthenticated when none can be had now: the fetch is paused after an
  // alarm (message says until when), WeChat or the network failed the fetch, or another
  // process holds the fetch lease for too long. IOError on storage failure.
  Result<std::string> Get();
  // Reports that WeChat refused token (40001/40014/42001): the next Get fetches a new one,
  // unless another caller already replaced it.
  Status Reject(const std::string& token);
  // Unix seconds until which fetching is paused after an alarm (0 = not paused).
  Result<int64_t> BlockedUntil();

  // Number of fetches this provider sent to WeChat (tests, logs).
  int64_t fetches() const;

 private:
  struct Fetched {
    std::string token;
    int64_t expires_in = 0;
  };
  // One call to /cgi-bin/stable_token or /cgi-bin/token. Status carries errcode meaning.
  Result<Fetched> Fetch(int* errcode);

  storage::Database& db_;
  const Clock& clock_;
  WeChatHttp& http_;
  const Config& config_;
  const std::string holder_;      // lease holder id: pid + random
  const std::string lease_name_;  // "access_token:<mode>"

  mutable std::mutex mu_;          // one fetch per process at a time; guards the fields below
  std::string cached_;             // guarded by mu_
  int64_t cached_refresh_at_ = 0;  // guarded by mu_
  int64_t fetches_ = 0;            // guarded by mu_
};

}  // namespace gebi::bot
