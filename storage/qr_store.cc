#include "storage/qr_store.h"

namespace gebi::storage {

namespace {
constexpr std::string_view kSelect =
    "SELECT ticket, url, poster_a4, poster_a5, created_at, updated_at FROM qr_codes "
    "WHERE scene = ?1";
constexpr std::string_view kUpsert =
    "INSERT INTO qr_codes(scene, ticket, url, poster_a4, poster_a5, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) ON CONFLICT(scene) DO UPDATE SET "
    "ticket = excluded.ticket, url = excluded.url, poster_a4 = excluded.poster_a4, "
    "poster_a5 = excluded.poster_a5, updated_at = excluded.updated_at";
}  // namespace

Result<std::optional<QrCode>> GetQrCode(Tx& tx, const std::string& scene) {
  auto read = [&scene](const Stmt& st) {
    return QrCode{scene, st.Text(0), st.Text(1), st.Text(2), st.Text(3), st.Int(4), st.Int(5)};
  };
  return tx.QueryFirstRow<QrCode>(kSelect, read, scene);
}

Status SaveQrCode(Tx& tx, const QrCode& code, int64_t now) {
  return tx.Run(kUpsert, code.scene, code.ticket, code.url, code.poster_a4, code.poster_a5, now);
}

}  // namespace gebi::storage
