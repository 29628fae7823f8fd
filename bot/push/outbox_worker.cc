#include "bot/push/outbox_worker.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <vector>

#include "bot/log.h"
#include "bot/push/district.h"
#include "bot/wechat/access_token.h"
#include "handlers/org/district.h"
#include "storage/media_store.h"
#include "storage/user_store.h"

namespace gebi::bot {

namespace {

using nlohmann::json;
using storage::OutboxItem;

std::string MakeWorkerId() {
  std::random_device rd;
  return fmt::format("w{}-{:08x}", getpid(), rd());
}

std::string Sha256Hex(const std::string& bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) hex += fmt::format("{:02x}", md[i]);
  return hex;
}

std::string ExtensionFor(const std::string& content_type) {
  if (content_type.find("jpeg") != std::string::npos) return "jpg";
  if (content_type.find("png") != std::string::npos) return "png";
  if (content_type.find("gif") != std::string::npos) return "gif";
  if (content_type.find("webp") != std::string::npos) return "webp";
  if (content_type.find("amr") != std::string::npos) return "amr";
  if (content_type.find("mp4") != std::string::npos) return "mp4";
  return "bin";
}

// Writes bytes to path atomically (temp file + rename). IOError naming the path.
Status WriteFileAtomic(const std::filesystem::path& path, const std::string& bytes) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec)
    return Status::IOError(fmt::format("create {}: {}", path.parent_path().string(), ec.message()));
  std::filesystem::path tmp = path;
  tmp += fmt::format(".tmp{}", getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) return Status::IOError("write " + tmp.string());
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::IOError(fmt::format("rename {}: {}", path.string(), ec.message()));
  return Status::Ok();
}

// Codes after which the same call may succeed later.
bool IsTransient(int errcode) {
  return errcode == errc::kBusy || errcode == errc::kDailyQuota || errcode == errc::kMinuteQuota;
}

}  // namespace

int64_t OutboxWorker::BackoffSeconds(int64_t attempts, int base, int cap) {
  int64_t d = base;
  for (int64_t i = 1; i < attempts && d < cap; ++i) d *= 2;
  return std::min<int64_t>(d, cap);
}

OutboxWorker::OutboxWorker(storage::Database& db, const Clock& clock, WeChatApi& api,
                           AccessTokenProvider& tokens, const Config& config)
    : db_(db),
      clock_(clock),
      api_(api),
      tokens_(tokens),
      config_(config),
      worker_id_(MakeWorkerId()) {}

OutboxWorker::~OutboxWorker() { Stop(); }

int64_t OutboxWorker::Jitter(int64_t delay) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  if (delay < 2) return delay;
  return delay / 2 + std::uniform_int_distribution<int64_t>(0, delay - delay / 2)(rng);
}

OutboxWorker::Result OutboxWorker::Retry(const OutboxItem& item, const std::string& error,
                                         const std::string& channel) {
  if (item.attempts >= config_.push.max_attempts) {
    return Dead(item, fmt::format("{} (after {} attempts)", error, item.attempts));
  }
  int64_t delay = Jitter(BackoffSeconds(item.attempts, config_.push.backoff_base_seconds,
                                        config_.push.backoff_cap_seconds));
  int64_t next = clock_.NowSeconds() + delay;
  Status s = db_.WithTransaction([&](storage::Tx& tx) -> Status {
    return storage::MarkRetry(tx, item.id, next, error, channel).status();
  });
  if (!s.ok()) spdlog::error("outbox {}: cannot mark retry: {}", item.id, s.ToString());
  spdlog::warn("outbox {} ({} to {}): attempt {} failed: {}; next try in {} s", item.id, item.kind,
               MaskId(item.recipient), item.attempts, error, delay);
  return Result::kRetried;
}

OutboxWorker::Result OutboxWorker::Dead(const OutboxItem& item, const std::string& error) {
  Status s = db_.WithTransaction(
      [&](storage::Tx& tx) -> Status { return storage::MarkDead(tx, item.id, error).status(); });
  if (!s.ok()) spdlog::error("outbox {}: cannot mark dead: {}", item.id, s.ToString());
  spdlog::error("outbox {} ({} to {}) dead-lettered: {}; `gebi outbox retry {}` to try again",
                item.id, item.kind, MaskId(item.recipient), error, item.id);
  return Result::kDead;
}

OutboxWorker::Result OutboxWorker::Release(const OutboxItem& item, const std::string& error) {
  int64_t next = clock_.NowSeconds() + config_.push.backoff_base_seconds;
  if (auto until = tokens_.BlockedUntil(); until.ok() && *until > next) next = *until;
  Status s = db_.WithTransaction([&](storage::Tx& tx) -> Status {
    return storage::ReleaseClaim(tx, item.id, next, error).status();
  });
  if (!s.ok()) spdlog::error("outbox {}: cannot release: {}", item.id, s.ToString());
  return Result::kReleased;
}

OutboxWorker::Result OutboxWorker::Finish(const OutboxItem& item, const std::string& channel,
                                          bool inbox) {
  if (!inbox && after_send_ && !after_send_(item)) return Result::kAbandoned;
  const int64_t now = clock_.NowSeconds();
  Status s = db_.WithTransaction([&](storage::Tx& tx) -> Status {
    if (inbox) return storage::MarkInbox(tx, item.id, now).status();
    return storage::MarkSent(tx, item.id, channel, now).status();
  });
  if (!s.ok()) {
    // Sent but not marked: the lease runs out and the row is sent once more (at least once).
    spdlog::error("outbox {}: delivered by {} but cannot mark it: {}", item.id, channel,
                  s.ToString());
  }
  return inbox ? Result::kInbox : Result::kSent;
}

OutboxWorker::Result OutboxWorker::Deliver(const OutboxItem& item) {
  json payload = json::parse(item.payload, nullptr, /*allow_exceptions=*/false);
  if (!payload.is_object() || !payload.contains("text") || !payload["text"].is_string() ||
      payload["text"].get<std::string>().empty()) {
    return Dead(item, "payload is not a JSON object with a non-empty \"text\"");
  }
  const std::string text = payload["text"].get<std::string>();
  const int64_t now = clock_.NowSeconds();
  std::string channel = item.channel.empty() ? "custom" : item.channel;

  if (channel == "custom") {
    std::optional<storage::UserContact> contact;
    Status rs = db_.WithRead([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(contact, storage::GetUserContact(tx, item.recipient));
      return Status::Ok();
    });
    if (!rs.ok()) return Retry(item, rs.ToString(), channel);
    bool window_open =
        contact && contact->subscribed &&
        now - contact->last_inbound_at < int64_t{config_.push.custom_window_hours} * 3600;
    if (window_open) {
      auto r = api_.SendCustomText(item.recipient, text);
      if (!r.ok()) {
        if (r.status().code() == Status::Code::kUnauthenticated) {
          return Release(item, r.status().message());
        }
        return Retry(item, r.status().ToString(), channel);
      }
      if (r->ok()) return Finish(item, "custom", false);
      if (r->errcode == errc::kInvalidOpenid) {
        return Dead(item, fmt::format("custom/send: errcode {} ({})", r->errcode, r->errmsg));
      }
      if (r->errcode != errc::kOutOfWindow && r->errcode != errc::kOutOfCount &&
          r->errcode != errc::kUnauthorized) {
        return Retry(item, fmt::format("custom/send: errcode {} ({})", r->errcode, r->errmsg),
                     channel);
      }
      // 45015 / 45047 / 48001: this channel is closed for this notice; go down the chain.
    }
    channel = "template";
  }

  if (channel == "template") {
    auto it = config_.push.templates.find(item.kind);
    if (it != config_.push.templates.end()) {
      const auto& tpl = it->second;
      std::map<std::string, std::string> data;
      for (const auto& [field, key] : tpl.fields) {
        auto v = payload.find(key);
        data[field] = (v != payload.end() && v->is_string()) ? v->get<std::string>() : text;
      }
      std::string url = tpl.url;
      if (auto u = payload.find("url"); u != payload.end() && u->is_string()) {
        url = u->get<std::string>();
      }
      auto r = api_.SendTemplate(item.recipient, tpl.template_id, url, data,
                                 fmt::format("gebi-{}", item.id));
      if (!r.ok()) {
        if (r.status().code() == Status::Code::kUnauthenticated) {
          return Release(item, r.status().message());
        }
        return Retry(item, r.status().ToString(), channel);
      }
      if (r->ok()) return Finish(item, "template", false);
      if (r->errcode == errc::kInvalidOpenid) {
        return Dead(item, fmt::format("template/send: errcode {} ({})", r->errcode, r->errmsg));
      }
      if (IsTransient(r->errcode) || (r->errcode > 0 && r->errcode < 40000)) {
        return Retry(item, fmt::format("template/send: errcode {} ({})", r->errcode, r->errmsg),
                     channel);
      }
      // 43004 not following, 40037 / 47003 template misconfigured, ...: keep it for the inbox.
      spdlog::warn("outbox {}: template/send refused (errcode {} {}); notice goes to the inbox",
                   item.id, r->errcode, r->errmsg);
    }
  }
  return Finish(item, "inbox", true);
}

OutboxWorker::Result OutboxWorker::FetchMedia(const OutboxItem& item) {
  json payload = json::parse(item.payload, nullptr, /*allow_exceptions=*/false);
  std::string media_id = payload.is_object() ? payload.value("media_id", "") : "";
  if (media_id.empty()) return Dead(item, "media_fetch payload has no media_id");
  auto file = api_.GetMedia(media_id);
  if (!file.ok()) {
    const Status& s = file.status();
    if (s.code() == Status::Code::kUnauthenticated) return Release(item, s.message());
    if (s.IsNotFound()) return Dead(item, s.message());
    return Retry(item, s.ToString(), "");
  }
  const std::string sha = Sha256Hex(file->bytes);
  const std::string rel =
      fmt::format("media/{}/{}.{}", sha.substr(0, 2), sha, ExtensionFor(file->content_type));
  const std::filesystem::path full = std::filesystem::path(config_.storage.data_dir) / rel;
  std::error_code ec;
  if (!std::filesystem::exists(full, ec)) {  // content-addressed: same bytes, same file
    Status w = WriteFileAtomic(full, file->bytes);
    if (!w.ok()) return Retry(item, w.ToString(), "");
  }
  if (after_send_ && !after_send_(item)) return Result::kAbandoned;
  const int64_t now = clock_.NowSeconds();
  Status s = db_.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_RETURN_IF_ERROR(storage::SaveMediaFile(tx, media_id, sha, rel, file->content_type,
                                                static_cast<int64_t>(file->bytes.size()), now));
    return storage::MarkSent(tx, item.id, "media", now).status();
  });
  if (!s.ok()) return Retry(item, s.ToString(), "");
  return Result::kSent;
}

OutboxWorker::Result OutboxWorker::Process(const OutboxItem& item) {
  if (item.kind == storage::kMediaFetchKind) return FetchMedia(item);
  if (item.kind == handlers::kDistrictHandoffKind) {
    // The district's platform, not WeChat: an Open311 POST (bot/push/district.h).
    json payload = json::parse(item.payload, nullptr, /*allow_exceptions=*/false);
    const int64_t ticket = payload.is_object() ? payload.value("ticket_id", int64_t{0}) : 0;
    if (ticket <= 0) return Dead(item, "district_handoff payload has no ticket_id");
    auto sent = SendHandoff(db_, clock_, config_, ticket);
    if (sent.ok()) return Finish(item, "district", false);
    if (sent.status().code() == Status::Code::kUnavailable) {
      return Retry(item, sent.status().ToString(), "");
    }
    return Dead(item, sent.status().ToString());
  }
  return Deliver(item);
}

void OutboxWorker::DrainInto(DrainStats& local) {
  for (bool first = true; !stop_.load(); first = false) {
    const int64_t now = clock_.NowSeconds();
    if (first) {
      // A poll that finds nothing due reads on a reader connection and takes no write lock:
      // an idle worker costs the residents' writes nothing.
      bool any = true;
      Status rs = db_.WithRead([&](storage::Tx& tx) -> Status {
        GEBI_ASSIGN_OR_RETURN(any, storage::AnyDue(tx, now));
        return Status::Ok();
      });
      if (rs.ok() && !any) break;
    }
    std::vector<OutboxItem> rows;
    Status s = db_.WithTransaction([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(
          rows, storage::ClaimDue(tx, worker_id_, now, now + config_.push.lease_seconds, 1));
      return Status::Ok();
    });
    if (!s.ok()) {
      spdlog::error("outbox: cannot claim rows: {}", s.ToString());
      break;
    }
    if (rows.empty()) break;
    ++local.claimed;
    switch (Process(rows.front())) {
      case Result::kSent:
        ++local.sent;
        break;
      case Result::kInbox:
        ++local.inbox;
        break;
      case Result::kRetried:
        ++local.retried;
        break;
      case Result::kDead:
        ++local.dead;
        break;
      case Result::kReleased:
        ++local.released;
        break;
      case Result::kAbandoned:
        ++local.abandoned;
        break;
    }
    if (local.released > 0) break;  // no token: stop this round, rows wait
  }
}

bool OutboxWorker::TokenPaused() const {
  auto until = tokens_.BlockedUntil();
  return until.ok() && *until > clock_.NowSeconds();
}

DrainStats OutboxWorker::DrainOnce() {
  DrainStats total;
  if (TokenPaused()) return total;
  std::mutex stats_mu;
  auto run = [&] {
    DrainStats local;
    DrainInto(local);
    std::lock_guard<std::mutex> lock(stats_mu);
    total.Add(local);
  };
  std::vector<std::thread> threads;
  for (int i = 1; i < config_.push.concurrency; ++i) threads.emplace_back(run);
  run();
  for (auto& t : threads) t.join();
  return total;
}

void OutboxWorker::Loop(int index) {
  while (!stop_.load()) {
    DrainStats st;
    try {
      if (!TokenPaused()) DrainInto(st);
    } catch (const std::exception& e) {
      // A bug must not end the process: log it, wait a poll interval and carry on.
      spdlog::error("outbox worker {} thread {}: {}", worker_id_, index, e.what());
    }
    if (st.claimed > 0) {
      spdlog::info("outbox: {} sent, {} to inbox, {} retry later, {} dead, {} waiting for token",
                   st.sent, st.inbox, st.retried, st.dead, st.released);
    }
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(config_.push.poll_interval_ms),
                 [this] { return stop_.load(); });
  }
}

void OutboxWorker::Start() {
  if (!threads_.empty()) return;
  stop_ = false;
  spdlog::info("outbox worker {} started ({} at a time)", worker_id_, config_.push.concurrency);
  // The threads live until Stop: each claims due rows one at a time and sleeps between polls.
  for (int i = 0; i < config_.push.concurrency; ++i) threads_.emplace_back([this, i] { Loop(i); });
}

void OutboxWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (threads_.empty()) return;
  for (auto& t : threads_) t.join();
  threads_.clear();
  spdlog::info("outbox worker {} stopped", worker_id_);
}

}  // namespace gebi::bot
