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
  GEBI_ASSIGN_OR_RETURN(Stmt st, tx.Prepare(kSelect));
  st.BindAll(scene);
  GEBI_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<QrCode>();
  QrCode q{scene, st.Text(0), st.Text(1), st.Text(2), st.Text(3), st.Int(4), st.Int(5)};
  return std::optional<QrCode>(std::move(q));
}

Status SaveQrCode(Tx& tx, const QrCode& code, int64_t now) {
  return tx.Run(kUpsert, code.scene, code.ticket, code.url, code.poster_a4, code.poster_a5, now);
}

}  // namespace gebi::storage
