#include "handlers/admin/parking.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "storage/admin_query.h"
#include "storage/org_store.h"
#include "storage/outbox.h"

namespace gebi::handlers::admin {

namespace {

Result<std::string> UnitNameOf(storage::Tx& tx, int64_t id) {
  GEBI_ASSIGN_OR_RETURN(auto u, storage::GetUnit(tx, id));
  return u ? u->name : std::string();
}

}  // namespace

Result<ParkingPage> GetParkingPage(storage::Database& db, const Principal& principal, int64_t now,
                                   int limit) {
  ParkingPage page;
  const auto scope = principal.CommunityFilter();
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto reports, storage::ListParkingReports(tx, scope, limit));
    for (auto& r : reports) {
      ParkingPage::Report row;
      GEBI_ASSIGN_OR_RETURN(row.community_name, UnitNameOf(tx, r.community_id));
      GEBI_ASSIGN_OR_RETURN(row.photos, storage::CountReportPhotos(tx, r.id));
      row.owner_known = !r.owner.empty();
      row.report = std::move(r);
      page.reports.push_back(std::move(row));
    }
    GEBI_ASSIGN_OR_RETURN(auto spots, storage::ListSpots(tx, scope, limit));
    for (auto& s : spots) {
      ParkingPage::Spot row;
      GEBI_ASSIGN_OR_RETURN(row.community_name, UnitNameOf(tx, s.community_id));
      GEBI_ASSIGN_OR_RETURN(row.reporter_name, storage::PersonName(tx, s.reporter));
      row.active = s.expires_at > now;
      row.spot = std::move(s);
      page.spots.push_back(std::move(row));
    }
    GEBI_ASSIGN_OR_RETURN(auto plates, storage::ListPlates(tx, scope, limit));
    for (auto& p : plates) {
      ParkingPage::Plate row;
      GEBI_ASSIGN_OR_RETURN(row.community_name, UnitNameOf(tx, p.community_id));
      GEBI_ASSIGN_OR_RETURN(row.grid_name, UnitNameOf(tx, p.grid_id));
      GEBI_ASSIGN_OR_RETURN(row.owner_name, storage::PersonName(tx, p.openid));
      row.plate = std::move(p);
      page.plates.push_back(std::move(row));
    }
    std::vector<int64_t> communities;
    if (scope) {
      communities.push_back(*scope);
    } else {
      GEBI_ASSIGN_OR_RETURN(
          auto all, tx.QueryRows<int64_t>("SELECT id FROM org_units WHERE kind = 'community' "
                                          "ORDER BY id",
                                          [](const storage::Stmt& st) { return st.Int(0); }));
      communities = std::move(all);
    }
    for (int64_t c : communities) {
      ParkingPage::Setting s;
      s.community_id = c;
      GEBI_ASSIGN_OR_RETURN(s.community_name, UnitNameOf(tx, c));
      GEBI_ASSIGN_OR_RETURN(s.spots_to_car_owners, storage::SpotsToCarOwners(tx, c));
      page.settings.push_back(std::move(s));
    }
    return Status::Ok();
  }));
  return page;
}

Status ConfirmPlateFromConsole(storage::Database& db, const Clock& clock, Pipeline& pipeline,
                               const Principal& principal, int64_t plate_id) {
  const int64_t now = clock.NowSeconds();
  return db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto p, storage::GetPlate(tx, plate_id));
    if (!p) return Status::NotFound(fmt::format("没有这条车牌登记（{}）", plate_id));
    if (!principal.CanChange(p->community_id)) {
      return Status::PermissionDenied("这辆车不是您的社区登记的");
    }
    if (p->status != "pending") return Status::FailedPrecondition(p->plate + " 已经确认过了");
    GEBI_ASSIGN_OR_RETURN(auto owner, storage::ConfirmedOwner(tx, p->community_id, p->plate));
    if (owner && *owner != p->openid) {
      return Status::FailedPrecondition(p->plate + " 已确认给另一位居民，请先核对");
    }
    GEBI_ASSIGN_OR_RETURN(bool done,
                          storage::ConfirmPlate(tx, p->id, "admin:" + principal.name, now));
    if (!done) return Status::FailedPrecondition(p->plate + " 已经确认过了");
    GEBI_ASSIGN_OR_RETURN(auto texts, pipeline.TemplatesFor(tx, p->community_id));
    storage::OutboxItem item;
    item.recipient = p->openid;
    item.kind = "plate_confirmed";
    item.payload = nlohmann::json{
        {"text", texts->Render("push.plate_confirmed", {{"plate", p->plate}})},
        {"plate",
         p->plate}}.dump();
    item.dedup_key = fmt::format("plate_confirmed:{}", p->id);
    GEBI_RETURN_IF_ERROR(storage::Enqueue(tx, item, now).status());
    return Audit(tx, principal, "plate.confirm", "plate:" + p->plate, p->community_id, "pending",
                 "confirmed", now);
  });
}

Status SetSpotSharing(storage::Database& db, const Clock& clock, const Principal& principal,
                      int64_t community_id, bool on) {
  const int64_t now = clock.NowSeconds();
  return db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto u, storage::GetUnit(tx, community_id));
    if (!u || u->kind != "community") return Status::InvalidArgument("community_id: 没有这个社区");
    if (!principal.CanChange(community_id)) {
      return Status::PermissionDenied("只能改自己社区的设置");
    }
    GEBI_ASSIGN_OR_RETURN(bool was, storage::SpotsToCarOwners(tx, community_id));
    GEBI_RETURN_IF_ERROR(
        storage::SetSpotsToCarOwners(tx, community_id, on, "admin:" + principal.name, now));
    return Audit(tx, principal, "parking.spot_sharing", fmt::format("community:{}", community_id),
                 community_id, was ? "on" : "off", on ? "on" : "off", now);
  });
}

}  // namespace gebi::handlers::admin
