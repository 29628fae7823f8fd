#include "handlers/chat/photos.h"

#include "storage/media_store.h"

namespace gebi::handlers {

Status KeepPhoto(Context& ctx) {
  if (ctx.msg.media_id.empty()) return Status::Ok();
  const int quota = ctx.settings.limits.media_per_day;
  GEBI_ASSIGN_OR_RETURN(int64_t today,
                        storage::CountMediaSince(ctx.tx, ctx.msg.from_user, ctx.now - 86400));
  if (quota != 0 && today >= quota) return Status::Ok();
  return storage::QueueMediaFetch(ctx.tx, ctx.msg.from_user, ctx.msg.media_id, ctx.msg.pic_url,
                                  ctx.now);
}

}  // namespace gebi::handlers
