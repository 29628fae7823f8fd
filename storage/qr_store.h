// Permanent parametric QR codes (one per scene, e.g. "grid-7"): the ticket and url WeChat
// returned, and where the printable posters were written. Permanent codes are limited to
// 100,000 per account, so a scene is created once and reused. Functions take the caller's Tx.
#pragma once

#include <optional>
#include <string>

#include "storage/database.h"

namespace gebi::storage {

struct QrCode {
  std::string scene;      // scene_str, e.g. "grid-7"
  std::string ticket;     // for https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=
  std::string url;        // the QR payload
  std::string poster_a4;  // file paths, empty until written
  std::string poster_a5;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

Result<std::optional<QrCode>> GetQrCode(Tx& tx, const std::string& scene);
// Inserts or replaces the row of code.scene (created_at kept on replace).
Status SaveQrCode(Tx& tx, const QrCode& code, int64_t now);

}  // namespace gebi::storage
