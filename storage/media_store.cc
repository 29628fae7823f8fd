#include "storage/media_store.h"

#include <nlohmann/json.hpp>

#include "storage/outbox.h"

namespace gebi::storage {

namespace {
constexpr std::string_view kInsert =
    "INSERT OR IGNORE INTO media(media_id, openid, pic_url, created_at) VALUES (?1, ?2, ?3, ?4)";
constexpr std::string_view kSelect =
    "SELECT openid, pic_url, sha256, local_path, content_type, bytes, created_at, fetched_at "
    "FROM media WHERE media_id = ?1";
constexpr std::string_view kSave =
    "UPDATE media SET sha256 = ?2, local_path = ?3, content_type = ?4, bytes = ?5, "
    "fetched_at = ?6 WHERE media_id = ?1";
// Photos attached to tickets (ticket_media) point at the stored copy once it exists.
constexpr std::string_view kLinkTickets =
    "UPDATE ticket_media SET local_path = ?2 WHERE media_id = ?1 AND kind = 'image' "
    "AND local_path IS NULL";
constexpr std::string_view kCountSince =
    "SELECT COUNT(*) FROM media WHERE openid = ?1 AND created_at >= ?2";
}  // namespace

Result<int64_t> CountMediaSince(Tx& tx, const std::string& openid, int64_t since) {
  GEBI_ASSIGN_OR_RETURN(auto n, tx.QueryInt(kCountSince, openid, since));
  return n.value_or(0);
}

Status QueueMediaFetch(Tx& tx, const std::string& openid, const std::string& media_id,
                       const std::string& pic_url, int64_t now) {
  if (media_id.empty()) return Status::InvalidArgument("media_id is empty");
  GEBI_RETURN_IF_ERROR(tx.Run(kInsert, media_id, openid, pic_url, now));
  if (tx.Changes() == 0) return Status::Ok();
  OutboxItem job;
  job.recipient = openid;
  job.kind = std::string(kMediaFetchKind);
  job.payload = nlohmann::json{{"text", ""}, {"media_id", media_id}}.dump();
  job.dedup_key = "media:" + media_id;
  GEBI_ASSIGN_OR_RETURN(bool inserted, Enqueue(tx, job, now));
  (void)inserted;
  return Status::Ok();
}

Result<std::optional<MediaRecord>> GetMedia(Tx& tx, const std::string& media_id) {
  auto read = [&media_id](const Stmt& st) {
    MediaRecord m;
    m.media_id = media_id;
    m.openid = st.Text(0);
    m.pic_url = st.Text(1);
    if (!st.IsNull(2)) m.sha256 = st.Text(2);
    if (!st.IsNull(3)) m.local_path = st.Text(3);
    m.content_type = st.Text(4);
    m.bytes = st.Int(5);
    m.created_at = st.Int(6);
    if (!st.IsNull(7)) m.fetched_at = st.Int(7);
    return m;
  };
  return tx.QueryFirstRow<MediaRecord>(kSelect, read, media_id);
}

Status SaveMediaFile(Tx& tx, const std::string& media_id, const std::string& sha256,
                     const std::string& local_path, const std::string& content_type, int64_t bytes,
                     int64_t now) {
  GEBI_RETURN_IF_ERROR(tx.Run(kSave, media_id, sha256, local_path, content_type, bytes, now));
  if (tx.Changes() == 0) return Status::NotFound("no media row for " + media_id);
  return tx.Run(kLinkTickets, media_id, local_path);
}

}  // namespace gebi::storage
