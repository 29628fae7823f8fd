// Photos that follow a command (a parking report, a free spot, a care relay): the window in
// which an image message belongs to the sender's last command, and keeping the photo (recorded
// and queued for download within the sender's daily quota, as a repair photo is). Stateless;
// thread-safe (each call works in its delivery's Tx).
#pragma once

#include <cstdint>

#include "handlers/context.h"

namespace gebi::handlers {

// A photo this soon after 停车 / 空位 / 关爱 belongs to that command: time enough to open the
// camera and take one, short enough that tomorrow's photo is not tied to today's report.
inline constexpr int64_t kPhotoWindowSeconds = 10 * 60;

// Queues the download of the image in ctx.msg (WeChat keeps media 3 days) unless the sender
// reached settings.limits.media_per_day today; a message without a media id is skipped.
// Errors: storage failures.
Status KeepPhoto(Context& ctx);

}  // namespace gebi::handlers
