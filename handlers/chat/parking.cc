// Parking (S8): reports of badly parked cars to the community office, the owner asked to move
// (never told who reported), free spots that expire, and the photos of both.
#include "handlers/chat/parking.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "handlers/chat/common.h"
#include "handlers/chat/join.h"
#include "handlers/chat/moderation.h"
#include "handlers/chat/photos.h"
#include "handlers/chat/phrases.h"
#include "handlers/chat/repair.h"
#include "handlers/normalize.h"
#include "storage/org_store.h"
#include "storage/parking_store.h"
#include "storage/ticket_store.h"

namespace gebi::handlers {

namespace {

using nlohmann::json;

// A second report of the same plate this soon joins the first.
constexpr int64_t kJoinWindowSeconds = 30 * 60;
// Reports and spots one sender may make per hour: a busy evening, not a flood.
constexpr int kMaxPerHour = 10;
// Plates one person may register (a family's cars).
constexpr size_t kMaxPlates = 3;
// A location is a few words ("3幢东门口"): 50 Chinese characters at most.
constexpr size_t kMaxLocationBytes = 150;
// 车位 lists this many spots.
constexpr int kMaxSpotsListed = 10;

// Province, an optional separator, the city letter, an optional separator, the serial (its
// length and letters are checked after the match), and the character that ends a trailer's,
// learner car's, police car's or Hong Kong / Macau car's plate (浙C1234挂, 浙C1234学).
// Normalised text: ASCII is lower case.
const RE2& PlateRe() {
  static const RE2 re(
      "(京|津|沪|渝|冀|豫|云|辽|黑|湘|皖|鲁|新|苏|浙|赣|鄂|桂|甘|晋|蒙|陕|吉|闽|贵|粤|青|藏|"
      "川|宁|琼)[ ]?[·•・.\\-]?[ ]?([a-z])[ ]?[·•・.\\-]?[ ]?([a-z0-9]+)(挂|学|警|港|澳)?");
  return re;
}

bool ValidSerial(const std::string& serial, bool suffixed) {
  if (serial.find_first_of("IO") != std::string::npos) return false;  // never used: 1 and 0
  if (suffixed) return serial.size() == 4;
  if (serial.size() == 5) return true;
  if (serial.size() != 6) return false;
  // New energy: D / F first (small cars) or last (large ones).
  const auto df = [](char c) { return c == 'D' || c == 'F'; };
  return df(serial.front()) || df(serial.back());
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// The community office: its staff, else (none registered) the sender's grid workers.
Result<std::vector<std::string>> Office(storage::Tx& tx, int64_t community_id,
                                        std::optional<int64_t> grid_id) {
  GEBI_ASSIGN_OR_RETURN(auto staff, storage::HoldersOf(tx, community_id, "community_staff"));
  if (staff.empty() && grid_id) {
    GEBI_ASSIGN_OR_RETURN(staff, storage::HoldersOf(tx, *grid_id, "grid_worker"));
  }
  std::sort(staff.begin(), staff.end());
  staff.erase(std::unique(staff.begin(), staff.end()), staff.end());
  return staff;
}

// The sender's community and grid as a resident; nullopt when they are not one.
struct Home {
  int64_t community_id = 0;
  int64_t grid_id = 0;
  std::string name;
};
Result<std::optional<Home>> HomeOf(Context& ctx) {
  GEBI_ASSIGN_OR_RETURN(auto resident, storage::GetResident(ctx.tx, ctx.msg.from_user));
  if (!resident) return std::optional<Home>();
  GEBI_ASSIGN_OR_RETURN(auto community,
                        storage::AncestorOfKind(ctx.tx, resident->grid_id, "community"));
  if (!community) return std::optional<Home>();
  return std::optional<Home>(Home{community->id, resident->grid_id, resident->name});
}

Status PushAll(Context& ctx, const std::vector<std::string>& to, std::string_view kind,
               const std::string& text, const json& extra, const std::string& key_prefix,
               const std::string& except = "") {
  for (const auto& who : to) {
    if (who == except) continue;
    GEBI_RETURN_IF_ERROR(QueuePush(ctx, who, kind, text, extra, key_prefix + who));
  }
  return Status::Ok();
}

}  // namespace

std::optional<PlateMatch> FindPlate(std::string_view normalized) {
  // ASCII lower case keeps every byte where it was: offsets into lower are offsets into the
  // text (a carried-over 浙C12345 of a follow-up message is upper case).
  std::string lower(normalized);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  re2::StringPiece input(lower);
  re2::StringPiece groups[5];
  if (!PlateRe().Match(input, 0, input.size(), RE2::UNANCHORED, groups, 5)) return std::nullopt;
  const std::string serial = Upper(std::string(groups[3]));
  std::string suffix(groups[4]);
  size_t length = groups[0].size();
  if (!suffix.empty() && serial.size() != 4) {  // 浙C12345挂了罚单: the 挂 is a word after it
    length -= suffix.size();
    suffix.clear();
  }
  if (!ValidSerial(serial, !suffix.empty())) return std::nullopt;
  PlateMatch m;
  m.plate = std::string(groups[1]) + Upper(std::string(groups[2])) + serial + suffix;
  const size_t start = static_cast<size_t>(groups[0].data() - lower.data());
  m.before = TrimPunct(normalized.substr(0, start));
  m.after = TrimPunct(normalized.substr(start + length));
  return m;
}

std::optional<std::string> NormalizePlate(std::string_view text) {
  const std::string n = Normalize(text);
  auto m = FindPlate(n);
  if (!m || !m->before.empty() || !m->after.empty()) return std::nullopt;
  return m->plate;
}

bool TakesParking(const Context& ctx) {
  return TrimPunct(ctx.args).empty() || FindPlate(ctx.args).has_value();
}

Result<Reply> HandleParking(Context& ctx) {
  GEBI_ASSIGN_OR_RETURN(auto home, HomeOf(ctx));
  if (!home) return NotMemberYet(ctx, "parking.join_first");
  if (ctx.args.empty()) {
    GEBI_RETURN_IF_ERROR(AskNext(ctx, "parking", "", "parking.usage"));
    return Text(ctx, "parking.usage");
  }
  auto found = FindPlate(ctx.args);
  if (!found) return Text(ctx, "parking.no_plate");
  // The place as written: after the plate (a suffix of the text), else before it.
  std::string location =
      found->after.empty() ? found->before : TrimPunct(RawTail(ctx, found->after));
  if (location.empty()) {
    GEBI_RETURN_IF_ERROR(AskNext(ctx, "parking", found->plate, "parking.ask_location"));
    return Text(ctx, "parking.ask_location", {{"plate", found->plate}});
  }
  if (location.size() > kMaxLocationBytes) return Text(ctx, "parking.too_long");
  GEBI_ASSIGN_OR_RETURN(
      int64_t recent, storage::CountParkingReportsSince(ctx.tx, ctx.msg.from_user, ctx.now - 3600));
  if (recent >= kMaxPerHour)
    return Text(ctx, "parking.too_many", {{"max", std::to_string(kMaxPerHour)}});
  GEBI_ASSIGN_OR_RETURN(auto muted,
                        MutedReply(ctx.tx, ctx.templates, ctx.msg.from_user, {}, ctx.now));
  if (muted) return Reply::Text(*muted);
  GEBI_ASSIGN_OR_RETURN(auto office, Office(ctx.tx, home->community_id, home->grid_id));

  GEBI_ASSIGN_OR_RETURN(auto open,
                        storage::OpenReportOfPlate(ctx.tx, home->community_id, found->plate,
                                                   ctx.now - kJoinWindowSeconds));
  if (open) {
    const std::string id = std::to_string(open->id);
    GEBI_ASSIGN_OR_RETURN(
        bool added, storage::AddParkingReporter(ctx.tx, open->id, ctx.msg.from_user, ctx.now));
    if (!added) return Text(ctx, "parking.already", {{"plate", open->plate}, {"id", id}});
    const std::string count = std::to_string(open->reporters + 1);
    GEBI_RETURN_IF_ERROR(PushAll(
        ctx, office, "parking_joined",
        ctx.templates.Render(
            "push.parking_joined",
            {{"id", id}, {"plate", open->plate}, {"location", open->location}, {"count", count}}),
        json{{"parking_report_id", open->id}}, fmt::format("parking_joined:{}:{}:", id, count)));
    return Text(ctx, "parking.joined", {{"id", id}, {"plate", open->plate}, {"count", count}});
  }

  storage::ParkingReport r;
  r.community_id = home->community_id;
  r.plate = found->plate;
  r.location = location;
  r.reporter = ctx.msg.from_user;
  GEBI_ASSIGN_OR_RETURN(auto owner, storage::ConfirmedOwner(ctx.tx, home->community_id, r.plate));
  // The owner reporting their own car is not asked to move it.
  if (owner && *owner != ctx.msg.from_user) r.owner = *owner;
  GEBI_ASSIGN_OR_RETURN(r.id, storage::CreateParkingReport(ctx.tx, r, ctx.now));
  const std::string id = std::to_string(r.id);
  // The report is kept whatever happens; its relay to the office and the owner carries the
  // reporter's words and is screened first (handlers/chat/moderation.h).
  json pushes = json::array();
  const std::string to_office = ctx.templates.Render(
      "push.parking_new", {{"id", id}, {"plate", r.plate}, {"location", r.location}});
  for (const auto& who : office) {
    pushes.push_back(PendingPush(who, "parking_new", to_office, json{{"parking_report_id", r.id}},
                                 fmt::format("parking_new:{}:{}", id, who)));
  }
  if (!r.owner.empty()) {
    // Only the plate and the place: never who reported it.
    pushes.push_back(PendingPush(
        r.owner, "parking_move",
        ctx.templates.Render("push.parking_move", {{"plate", r.plate}, {"location", r.location}}),
        json{{"parking_report_id", r.id}}, fmt::format("parking_move:{}:{}", id, r.owner)));
  }
  Relay relay;
  relay.kind = "parking";
  relay.sender = ctx.msg.from_user;
  relay.community_id = home->community_id;
  relay.grid_id = home->grid_id;
  relay.text = r.location;
  relay.payload = json{{"id", r.id}, {"pushes", pushes}};
  GEBI_ASSIGN_OR_RETURN(Screened screened,
                        ScreenRelay(ctx.tx, ctx.templates, ctx.settings, relay, ctx.now));
  if (screened.verdict != Screened::Verdict::kPass) return Reply::Text(screened.reply);
  GEBI_RETURN_IF_ERROR(DeliverPushes(ctx.tx, ctx.templates, relay.payload, ctx.now).status());
  return Text(ctx, "parking.created",
              {{"id", id},
               {"plate", r.plate},
               {"location", r.location},
               {"note", r.owner.empty() ? "" : ctx.templates.Render("parking.owner_told")}});
}

Result<Reply> HandleMyCar(Context& ctx) {
  GEBI_ASSIGN_OR_RETURN(auto home, HomeOf(ctx));
  if (!home) return NotMemberYet(ctx, "parking.join_first");
  GEBI_ASSIGN_OR_RETURN(auto mine, storage::PlatesOf(ctx.tx, ctx.msg.from_user));
  if (ctx.args.empty()) {
    if (mine.empty()) return Text(ctx, "my_car.usage");
    std::string lines;
    for (const auto& p : mine) {
      lines += (lines.empty() ? "" : "\n") + p.plate + " — " +
               ctx.templates.Render("plate.status." + p.status);
    }
    return Text(ctx, "my_car.list", {{"lines", lines}});
  }
  auto plate = NormalizePlate(ctx.args);
  if (!plate) return Text(ctx, "my_car.no_plate");
  for (const auto& p : mine) {
    if (p.plate == *plate) {
      return Text(
          ctx, "my_car.already",
          {{"plate", p.plate}, {"status", ctx.templates.Render("plate.status." + p.status)}});
    }
  }
  if (mine.size() >= kMaxPlates) {
    return Text(ctx, "my_car.too_many", {{"max", std::to_string(kMaxPlates)}});
  }
  storage::CarPlate p;
  p.community_id = home->community_id;
  p.grid_id = home->grid_id;
  p.plate = *plate;
  p.openid = ctx.msg.from_user;
  GEBI_ASSIGN_OR_RETURN(bool inserted, storage::RegisterPlate(ctx.tx, p, ctx.now));
  if (inserted) {
    GEBI_ASSIGN_OR_RETURN(auto office, Office(ctx.tx, home->community_id, home->grid_id));
    GEBI_ASSIGN_OR_RETURN(std::string grid, GridLabel(ctx.tx, home->grid_id));
    GEBI_RETURN_IF_ERROR(
        PushAll(ctx, office, "plate_registered",
                ctx.templates.Render("push.plate_registered",
                                     {{"name", home->name}, {"grid", grid}, {"plate", p.plate}}),
                json{{"plate", p.plate}}, fmt::format("plate_registered:{}:{}:", p.plate, p.openid),
                ctx.msg.from_user));
  }
  return Text(ctx, "my_car.registered", {{"plate", p.plate}});
}

Result<Reply> HandleConfirmPlate(Context& ctx) {
  auto plate = NormalizePlate(ctx.args);
  if (!plate) return Text(ctx, "confirm_plate.usage");
  GEBI_ASSIGN_OR_RETURN(auto regs, storage::RegistrationsOfPlate(ctx.tx, *plate));
  for (const auto& p : regs) {
    if (p.status != "pending") continue;
    GEBI_ASSIGN_OR_RETURN(bool manage, storage::CanManage(ctx.tx, ctx.msg.from_user, p.grid_id));
    if (!manage) continue;
    GEBI_ASSIGN_OR_RETURN(auto owner, storage::ConfirmedOwner(ctx.tx, p.community_id, p.plate));
    if (owner && *owner != p.openid) return Text(ctx, "confirm_plate.taken", {{"plate", p.plate}});
    GEBI_ASSIGN_OR_RETURN(bool done,
                          storage::ConfirmPlate(ctx.tx, p.id, ctx.msg.from_user, ctx.now));
    if (!done) continue;
    GEBI_RETURN_IF_ERROR(
        QueuePush(ctx, p.openid, "plate_confirmed",
                  ctx.templates.Render("push.plate_confirmed", {{"plate", p.plate}}),
                  json{{"plate", p.plate}}, fmt::format("plate_confirmed:{}", p.id)));
    return Text(ctx, "confirm_plate.ok", {{"plate", p.plate}});
  }
  return Text(ctx, "confirm_plate.none", {{"plate", *plate}});
}

Result<Reply> HandleCarMoved(Context& ctx) {
  GEBI_ASSIGN_OR_RETURN(auto r, storage::OpenReportOwnedBy(ctx.tx, ctx.msg.from_user));
  if (!r) return Text(ctx, "car_moved.none");
  GEBI_ASSIGN_OR_RETURN(bool moved, storage::MarkCarMoved(ctx.tx, r->id, ctx.now));
  if (!moved) return Text(ctx, "car_moved.none");
  GEBI_ASSIGN_OR_RETURN(auto reporters, storage::ParkingReporters(ctx.tx, r->id));
  GEBI_ASSIGN_OR_RETURN(auto office, Office(ctx.tx, r->community_id, std::nullopt));
  const std::string text = ctx.templates.Render("push.parking_moved", {{"plate", r->plate}});
  const json extra{{"parking_report_id", r->id}};
  const std::string key = fmt::format("parking_moved:{}:", r->id);
  GEBI_RETURN_IF_ERROR(PushAll(ctx, reporters, "parking_moved", text, extra, key));
  GEBI_RETURN_IF_ERROR(PushAll(ctx, office, "parking_moved", text, extra, key));
  return Text(ctx, "car_moved.ok", {{"plate", r->plate}});
}

Result<Reply> HandleFreeSpot(Context& ctx) {
  GEBI_ASSIGN_OR_RETURN(auto home, HomeOf(ctx));
  if (!home) return NotMemberYet(ctx, "parking.join_first");
  const std::string location = TrimPunct(RawTail(ctx, ctx.args));
  if (location.empty()) {
    GEBI_RETURN_IF_ERROR(AskNext(ctx, "free_spot", "", "free_spot.ask"));
    return Text(ctx, "free_spot.ask");
  }
  if (location.size() > kMaxLocationBytes) return Text(ctx, "parking.too_long");
  GEBI_ASSIGN_OR_RETURN(int64_t recent,
                        storage::CountSpotsSince(ctx.tx, ctx.msg.from_user, ctx.now - 3600));
  if (recent >= kMaxPerHour) {
    return Text(ctx, "free_spot.too_many", {{"max", std::to_string(kMaxPerHour)}});
  }
  const int minutes = ctx.settings.parking_spot_minutes;
  storage::ParkingSpot s;
  s.community_id = home->community_id;
  s.reporter = ctx.msg.from_user;
  s.location = location;
  s.created_at = ctx.now;
  s.expires_at = ctx.now + int64_t{minutes} * 60;
  GEBI_ASSIGN_OR_RETURN(s.id, storage::CreateParkingSpot(ctx.tx, s));
  GEBI_ASSIGN_OR_RETURN(bool share, storage::SpotsToCarOwners(ctx.tx, home->community_id));
  if (share) {
    GEBI_ASSIGN_OR_RETURN(auto owners, storage::CarOwnerMembers(ctx.tx, home->community_id));
    GEBI_RETURN_IF_ERROR(PushAll(
        ctx, owners, "free_spot",
        ctx.templates.Render("push.free_spot",
                             {{"location", location}, {"minutes", std::to_string(minutes)}}),
        json{{"parking_spot_id", s.id}}, fmt::format("free_spot:{}:", s.id), ctx.msg.from_user));
  }
  return Text(ctx, "free_spot.created",
              {{"location", location}, {"minutes", std::to_string(minutes)}});
}

Result<Reply> HandleSpots(Context& ctx) {
  GEBI_ASSIGN_OR_RETURN(auto home, HomeOf(ctx));
  if (!home) return NotMemberYet(ctx, "parking.join_first");
  GEBI_ASSIGN_OR_RETURN(auto spots,
                        storage::ActiveSpots(ctx.tx, home->community_id, ctx.now, kMaxSpotsListed));
  if (spots.empty()) return Text(ctx, "spots.none");
  std::string lines;
  for (const auto& s : spots) {
    lines += (lines.empty() ? "" : "\n") +
             ctx.templates.Render(
                 "spots.line",
                 {{"location", s.location},
                  {"minutes", std::to_string(std::max<int64_t>(0, (ctx.now - s.created_at) / 60))},
                  {"note", s.photos > 0 ? ctx.templates.Render("spots.photo_mark") : ""}});
  }
  return Text(ctx, "spots.list", {{"lines", lines}});
}

Result<Reply> HandleImage(Context& ctx) {
  GEBI_ASSIGN_OR_RETURN(auto item, storage::LatestParkingItemOf(ctx.tx, ctx.msg.from_user,
                                                                ctx.now - kPhotoWindowSeconds));
  if (!item) return HandleMedia(ctx);
  // A repair reported after the parking report takes the photo.
  GEBI_ASSIGN_OR_RETURN(auto ticket, storage::LatestOpenTicketOf(ctx.tx, ctx.msg.from_user,
                                                                 ctx.now - kPhotoWindowSeconds));
  if (ticket && ticket->created_at > item->created_at) return HandleMedia(ctx);
  GEBI_RETURN_IF_ERROR(storage::AddParkingMedia(ctx.tx, *item, ctx.msg.from_user, ctx.msg.media_id,
                                                ctx.msg.pic_url, ctx.now)
                           .status());
  // Downloaded like a repair photo (WeChat keeps media 3 days), within the daily quota.
  GEBI_RETURN_IF_ERROR(KeepPhoto(ctx));
  if (item->kind == "report") {
    return Text(ctx, "parking.photo", {{"id", std::to_string(item->id)}});
  }
  return Text(ctx, "free_spot.photo");
}

}  // namespace gebi::handlers
