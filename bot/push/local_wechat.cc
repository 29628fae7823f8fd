#include "bot/push/local_wechat.h"

#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "handlers/org/district.h"
#include "storage/outbox.h"

namespace gebi::bot {

namespace {

// Rows handled per transaction: keeps the writer lock short when many notices are due.
constexpr int kBatch = 50;
// A claimed row is ours for this long; the loop finishes it in the same transaction anyway.
constexpr int64_t kLeaseSeconds = 60;

constexpr std::string_view kSelectSince =
    "SELECT id, COALESCE(sent_at, created_at), kind, payload FROM outbox "
    "WHERE recipient = ?1 AND channel = 'local' AND status = 'sent' AND id > ?2 "
    "ORDER BY id LIMIT ?3";
constexpr std::string_view kSelectCursor = "SELECT value FROM meta WHERE key = ?1";
constexpr std::string_view kUpsertCursor =
    "INSERT INTO meta(key, value) VALUES (?1, ?2) "
    "ON CONFLICT(key) DO UPDATE SET value = excluded.value";

std::string CursorKey(const std::string& openid) { return "local_seen:" + openid; }

std::string TextOf(const std::string& payload) {
  auto j = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (j.is_object() && j.contains("text") && j["text"].is_string()) {
    return j["text"].get<std::string>();
  }
  return payload;
}

}  // namespace

LocalWeChat::LocalWeChat(storage::Database& db, const Clock& clock, int poll_ms)
    : db_(db), clock_(clock), poll_ms_(poll_ms > 0 ? poll_ms : 500) {}

LocalWeChat::~LocalWeChat() { Stop(); }

Result<int> LocalWeChat::DrainOnce() {
  int done = 0;
  for (;;) {
    int batch = 0;
    Status s = db_.WithTransaction([&](storage::Tx& tx) -> Status {
      const int64_t now = clock_.NowSeconds();
      GEBI_ASSIGN_OR_RETURN(auto rows,
                            storage::ClaimDue(tx, "local", now, now + kLeaseSeconds, kBatch));
      for (const auto& row : rows) {
        if (row.kind == "media_fetch") {
          GEBI_RETURN_IF_ERROR(
              storage::MarkDead(tx, row.id, "demo without AppSecret: no WeChat to fetch from")
                  .status());
        } else if (row.kind == handlers::kDistrictHandoffKind) {
          // Not a notice: marking it delivered would lose the hand-off without a word.
          GEBI_RETURN_IF_ERROR(
              storage::MarkDead(tx, row.id,
                                "demo without AppSecret: the outbox worker that reaches the "
                                "district is not running; `gebi outbox retry ID` once it is")
                  .status());
        } else {
          GEBI_RETURN_IF_ERROR(
              storage::MarkSent(tx, row.id, std::string(kLocalChannel), now).status());
        }
      }
      batch = static_cast<int>(rows.size());
      return Status::Ok();
    });
    if (!s.ok()) return s;
    done += batch;
    if (batch < kBatch) return done;
  }
}

void LocalWeChat::Start() {
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void LocalWeChat::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LocalWeChat::Loop() {
  while (!stop_) {
    (void)DrainOnce();  // a busy database is tried again on the next tick
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(poll_ms_), [this] { return stop_.load(); });
  }
}

Result<std::vector<LocalNotice>> TakeLocalNotices(storage::Database& db, const std::string& openid,
                                                  bool advance, int limit) {
  std::vector<LocalNotice> out;
  Status s = db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto cursor, tx.QueryFirstRow<std::string>(
                                           kSelectCursor,
                                           [](const storage::Stmt& st) { return st.Text(0); },
                                           CursorKey(openid)));
    int64_t after = 0;
    if (cursor) {
      try {
        after = std::stoll(*cursor);
      } catch (const std::exception&) {
        after = 0;  // an unreadable cursor shows everything again
      }
    }
    GEBI_ASSIGN_OR_RETURN(out, tx.QueryRows<LocalNotice>(
                                   kSelectSince,
                                   [](const storage::Stmt& st) {
                                     return LocalNotice{st.Int(0), st.Int(1), st.Text(2),
                                                        TextOf(st.Text(3))};
                                   },
                                   openid, after, int64_t{limit}));
    if (advance && !out.empty()) {
      GEBI_RETURN_IF_ERROR(
          tx.Run(kUpsertCursor, CursorKey(openid), std::to_string(out.back().id)));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace gebi::bot
