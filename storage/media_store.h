// Photos residents send (image messages): the WeChat media id, which WeChat keeps only three
// days, and once fetched the content-addressed local copy (sha256 file name under the data
// directory). Arrival queues a media_fetch outbox job in the same transaction, so the webhook
// stays local-only; bot/'s outbox worker downloads it. Ticket tables link photos by media_id.
// Functions take the caller's Tx.
#pragma once

#include <optional>
#include <string>

#include "storage/database.h"

namespace gebi::storage {

struct MediaRecord {
  std::string media_id;
  std::string openid;  // who sent it
  std::string pic_url;
  std::optional<std::string> sha256;      // set once fetched
  std::optional<std::string> local_path;  // relative to storage.data_dir, set once fetched
  std::string content_type;
  int64_t bytes = 0;
  int64_t created_at = 0;
  std::optional<int64_t> fetched_at;
};

// Records a photo on arrival and queues its download (outbox kind media_fetch, dedup key
// "media:<media_id>"). Idempotent: a second call for the same media_id changes nothing.
// InvalidArgument when media_id is empty.
// Photos of openid queued at or after since: the per-sender daily download quota.
Result<int64_t> CountMediaSince(Tx& tx, const std::string& openid, int64_t since);

Status QueueMediaFetch(Tx& tx, const std::string& openid, const std::string& media_id,
                       const std::string& pic_url, int64_t now);
Result<std::optional<MediaRecord>> GetMedia(Tx& tx, const std::string& media_id);
// Records the downloaded copy and links the ticket photos (ticket_media rows) with that
// media_id to it. NotFound when media_id was never queued.
Status SaveMediaFile(Tx& tx, const std::string& media_id, const std::string& sha256,
                     const std::string& local_path, const std::string& content_type, int64_t bytes,
                     int64_t now);

}  // namespace gebi::storage
