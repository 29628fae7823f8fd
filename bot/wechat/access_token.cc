#include "bot/wechat/access_token.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include "bot/log.h"
#include "bot/wechat/api.h"
#include "storage/token_store.h"

namespace gebi::bot {

namespace {

constexpr auto kLeasePoll = std::chrono::milliseconds(50);  // wait step while another fetches

std::string MakeHolder() {
  std::random_device rd;
  return fmt::format("{}-{:08x}", getpid(), rd());
}

// Refusals of the fetch itself that retrying cannot fix: an operator must act.
bool IsAlarm(int errcode) {
  return errcode == errc::kIpNotWhitelisted || errcode == errc::kBadSecret ||
         errcode == errc::kBadAppid || errcode == errc::kInvalidCredential ||
         errcode == errc::kIpRiskControl || errcode == 41004 /* appsecret missing */ ||
         errcode == 40002 /* invalid grant_type */;
}

std::string AlarmHint(int errcode) {
  switch (errcode) {
    case errc::kIpNotWhitelisted:
      return "add this server's egress IP to the IP whitelist in the MP console";
    case errc::kIpRiskControl:
      return "an administrator must confirm calls from this IP in the MP console";
    case errc::kBadAppid:
      return "check wechat.appid";
    default:
      return "check wechat.appid and GEBI_WECHAT_APPSECRET";
  }
}

}  // namespace

AccessTokenProvider::AccessTokenProvider(storage::Database& db, const Clock& clock,
                                         WeChatHttp& http, const Config& config)
    : db_(db),
      clock_(clock),
      http_(http),
      config_(config),
      holder_(MakeHolder()),
      lease_name_("access_token:" + config.push.token_mode) {}

int64_t AccessTokenProvider::fetches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return fetches_;
}

Result<int64_t> AccessTokenProvider::BlockedUntil() {
  int64_t until = 0;
  GEBI_RETURN_IF_ERROR(db_.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto row, storage::GetToken(tx, config_.push.token_mode));
    if (row) until = row->blocked_until;
    return Status::Ok();
  }));
  return until;
}

Result<AccessTokenProvider::Fetched> AccessTokenProvider::Fetch(int* errcode) {
  *errcode = 0;
  const auto& w = config_.wechat;
  Result<ApiReply> r = config_.push.token_mode == "classic"
                           ? http_.Get("/cgi-bin/token", {{"grant_type", "client_credential"},
                                                          {"appid", w.appid},
                                                          {"secret", w.appsecret}})
                           : http_.Post("/cgi-bin/stable_token", {},
                                        {{"grant_type", "client_credential"},
                                         {"appid", w.appid},
                                         {"secret", w.appsecret},
                                         {"force_refresh", false}});
  if (!r.ok()) return r.status();
  if (r->errcode != 0) {
    *errcode = r->errcode;
    return Status::Unavailable(fmt::format("errcode {} ({})", r->errcode, r->errmsg));
  }
  Fetched f;
  f.token = r->body.value("access_token", "");
  f.expires_in = r->body.value("expires_in", int64_t{0});
  if (f.token.empty() || f.expires_in <= 0) {
    return Status::Corruption("token answer without access_token or expires_in");
  }
  return f;
}

Result<std::string> AccessTokenProvider::Get() {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string& mode = config_.push.token_mode;
  if (!cached_.empty() && clock_.NowSeconds() < cached_refresh_at_) return cached_;

  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::seconds(2 * config_.push.http_timeout_seconds + 5);
  for (;;) {
    const int64_t now = clock_.NowSeconds();
    std::optional<storage::StoredToken> row;
    bool leased = false;
    GEBI_RETURN_IF_ERROR(db_.WithTransaction([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(row, storage::GetToken(tx, mode));
      if (row && !row->token.empty() && now < row->refresh_at) return Status::Ok();
      if (row && row->blocked_until > now) return Status::Ok();
      GEBI_ASSIGN_OR_RETURN(
          leased, storage::TryAcquireLease(tx, lease_name_, holder_, now,
                                           now + 2 * config_.push.http_timeout_seconds + 5));
      return Status::Ok();
    }));
    if (row && !row->token.empty() && now < row->refresh_at) {
      cached_ = row->token;
      cached_refresh_at_ = row->refresh_at;
      return cached_;
    }
    if (row && row->blocked_until > now) {
      return Status::Unauthenticated(
          fmt::format("no access token: WeChat refused the fetch ({}); paused for {} more s",
                      row->last_error, row->blocked_until - now));
    }
    if (!leased) {
      // Another process is fetching. The old token stays valid until it expires.
      if (row && !row->token.empty() && now < row->expires_at &&
          row->rejected_token != row->token) {
        return row->token;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        return Status::Unauthenticated("no access token: another process holds the fetch lease");
      }
      std::this_thread::sleep_for(kLeasePoll);
      continue;
    }

    int errcode = 0;
    ++fetches_;
    Result<Fetched> f = Fetch(&errcode);
    const int64_t done = clock_.NowSeconds();
    Status saved = db_.WithTransaction([&](storage::Tx& tx) -> Status {
      if (f.ok()) {
        int64_t refresh_at = done + f->expires_in * config_.push.token_refresh_percent / 100;
        GEBI_RETURN_IF_ERROR(
            storage::SaveToken(tx, mode, f->token, done, refresh_at, done + f->expires_in));
        cached_ = f->token;
        cached_refresh_at_ = refresh_at;
      } else if (IsAlarm(errcode)) {
        GEBI_RETURN_IF_ERROR(storage::BlockToken(
            tx, mode, done + config_.push.alarm_backoff_seconds, f.status().message()));
      }
      return storage::ReleaseLease(tx, lease_name_, holder_);
    });
    GEBI_RETURN_IF_ERROR(saved);
    if (f.ok()) {
      spdlog::info("access token ({}) fetched, valid {} s", mode, f->expires_in);
      return f->token;
    }
    if (IsAlarm(errcode)) {
      spdlog::error(
          "ALARM: WeChat refused the access-token fetch for appid {}: {}. {}; no new fetch for "
          "{} s",
          config_.wechat.appid, f.status().message(), AlarmHint(errcode),
          config_.push.alarm_backoff_seconds);
    } else {
      spdlog::warn("access token fetch failed: {}", f.status().message());
    }
    return Status::Unauthenticated("no access token: fetch failed: " + f.status().message());
  }
}

Status AccessTokenProvider::Reject(const std::string& token) {
  std::lock_guard<std::mutex> lock(mu_);
  if (cached_ == token) {
    cached_.clear();
    cached_refresh_at_ = 0;
  }
  return db_.WithTransaction(
      [&](storage::Tx& tx) { return storage::RejectToken(tx, config_.push.token_mode, token); });
}

}  // namespace gebi::bot
