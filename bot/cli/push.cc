// Operator commands of the push side: `gebi outbox` (list pending / dead rows),
// `gebi outbox retry ID`, `gebi menu push`, `gebi qr grid ID`, `gebi qr all --unit ID`.
// Each opens its own App from --config.
#include "bot/cli/push.h"

#include <fmt/format.h>

#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "bot/app.h"
#include "bot/log.h"
#include "bot/push/qr_poster.h"
#include "storage/org_store.h"
#include "storage/outbox.h"
#include "storage/qr_store.h"

namespace gebi::bot {

namespace {

using nlohmann::json;

// WeChat refusing a call (quota, a disabled interface) or not answering is not the operator's
// input: for the exit-code rule it is the system side failing (exit 1).
Status FromWeChat(const Status& s) {
  if (s.ok()) return s;
  return Status::Unavailable("WeChat: " + s.message());
}

std::string TimeText(int64_t t) {
  if (t <= 0) return "-";
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

int ListOutbox(App& app, const std::string& status, int limit) {
  std::vector<std::pair<std::string, int64_t>> counts;
  std::vector<storage::OutboxItem> rows;
  std::vector<std::string> statuses = status.empty()
                                          ? std::vector<std::string>{"pending", "sending", "dead"}
                                          : std::vector<std::string>{status};
  Status s = app.db().WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(counts, storage::CountOutboxByStatus(tx));
    for (const auto& st : statuses) {
      GEBI_ASSIGN_OR_RETURN(auto some, storage::ListOutboxByStatus(tx, st, limit));
      rows.insert(rows.end(), some.begin(), some.end());
    }
    return Status::Ok();
  });
  if (!s.ok()) return Report(s);
  std::string summary;
  for (const auto& [st, n] : counts) summary += fmt::format("{} {}  ", st, n);
  std::cout << "outbox: " << (summary.empty() ? "empty" : summary) << "\n";
  if (rows.empty()) {
    std::cout << "nothing " << (status.empty() ? "pending or dead" : status) << "\n";
    return 0;
  }
  std::cout << fmt::format("{:>6}  {:<8} {:<16} {:<12} {:>3}  {:<19}  {}\n", "id", "status", "kind",
                           "recipient", "try", "next attempt", "last error");
  for (const auto& r : rows) {
    std::cout << fmt::format("{:>6}  {:<8} {:<16} {:<12} {:>3}  {:<19}  {}\n", r.id, r.status,
                             r.kind, MaskId(r.recipient), r.attempts,
                             r.status == "pending" ? TimeText(r.next_attempt_at) : "-",
                             r.last_error);
  }
  return 0;
}

int RetryOutbox(App& app, int64_t id) {
  Status s = app.db().WithTransaction(
      [&](storage::Tx& tx) { return storage::RetryOutboxItem(tx, id, app.clock().NowSeconds()); });
  if (!s.ok()) return Report(s);
  std::cout << fmt::format("outbox row {} is pending again (due now, attempts reset)\n", id);
  return 0;
}

json MenuAction(const Config::MenuButton& b) {
  json j = {{"name", b.name}};
  if (!b.sub_buttons.empty()) {
    json subs = json::array();
    for (const auto& sb : b.sub_buttons) subs.push_back(MenuAction(sb));
    j["sub_button"] = subs;
    return j;
  }
  j["type"] = b.type;
  if (!b.key.empty()) j["key"] = b.key;
  if (!b.url.empty()) j["url"] = b.url;
  return j;
}

// What a grid's poster shows, read from the organisation model. NotFound for an unknown id,
// InvalidArgument when the unit is not a grid.
Result<PosterInfo> ReadGridPoster(App& app, int64_t grid_id) {
  PosterInfo info;
  Status s = app.db().WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto grid, storage::GetUnit(tx, grid_id));
    if (!grid) return Status::NotFound(fmt::format("no unit with id {}", grid_id));
    if (grid->kind != "grid") {
      return Status::InvalidArgument(
          fmt::format("unit {} ({}) is a {}, not a grid", grid_id, grid->name, grid->kind));
    }
    info.grid_name = grid->name;
    if (grid->parent_id) {
      GEBI_ASSIGN_OR_RETURN(std::string path, storage::UnitPathName(tx, *grid->parent_id));
      for (size_t pos = path.find('/'); pos != std::string::npos; pos = path.find('/', pos)) {
        path.replace(pos, 1, " · ");
      }
      info.grid_path = path;
    }
    GEBI_ASSIGN_OR_RETURN(auto workers, storage::HoldersOf(tx, grid_id, "grid_worker"));
    for (const auto& openid : workers) {
      GEBI_ASSIGN_OR_RETURN(auto r, storage::GetResident(tx, openid));
      if (!r || r->name.empty()) continue;
      info.worker_name += (info.worker_name.empty() ? "" : "、") + r->name;
    }
    if (!grid->contact.empty()) {
      info.worker_name += (info.worker_name.empty() ? "" : "  ") + grid->contact;
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  info.convention = app.templates().Render("poster.convention");
  return info;
}

// Creates (once) the permanent QR of grid_id, writes its A4 and A5 posters under
// data_dir/posters and records all of it. Returns a one-line summary.
Result<std::string> MakeGridPoster(App& app, int64_t grid_id) {
  GEBI_ASSIGN_OR_RETURN(PosterInfo info, ReadGridPoster(app, grid_id));
  const std::string scene = fmt::format("grid-{}", grid_id);
  std::optional<storage::QrCode> code;
  GEBI_RETURN_IF_ERROR(app.db().WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(code, storage::GetQrCode(tx, scene));
    return Status::Ok();
  }));
  if (!code) {  // permanent codes are limited: create each scene once
    auto t = app.api().CreatePermanentQr(scene);
    if (!t.ok()) return FromWeChat(t.status());
    code = storage::QrCode{scene, t->ticket, t->url};
  }
  info.url = code->url;
  const std::string dir = app.config().storage.data_dir + "/posters/";
  code->poster_a4 = dir + scene + "-A4.svg";
  code->poster_a5 = dir + scene + "-A5.svg";
  GEBI_ASSIGN_OR_RETURN(std::string a4, RenderPosterSvg(info, Paper::kA4));
  GEBI_ASSIGN_OR_RETURN(std::string a5, RenderPosterSvg(info, Paper::kA5));
  GEBI_RETURN_IF_ERROR(WritePoster(code->poster_a4, a4));
  GEBI_RETURN_IF_ERROR(WritePoster(code->poster_a5, a5));
  GEBI_RETURN_IF_ERROR(app.db().WithTransaction(
      [&](storage::Tx& tx) { return storage::SaveQrCode(tx, *code, app.clock().NowSeconds()); }));
  return fmt::format("grid {} {}: {} {} (QR {})", grid_id, info.grid_name, code->poster_a4,
                     code->poster_a5, code->url);
}

int QrGrid(App& app, int64_t grid_id) {
  auto r = MakeGridPoster(app, grid_id);
  if (!r.ok()) return Report(r.status());
  std::cout << *r << "\n";
  return 0;
}

int QrAll(App& app, int64_t unit_id) {
  std::vector<int64_t> grids;
  Status s = app.db().WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto unit, storage::GetUnit(tx, unit_id));
    if (!unit) return Status::NotFound(fmt::format("no unit with id {}", unit_id));
    GEBI_ASSIGN_OR_RETURN(auto all, storage::ListUnits(tx, "grid"));
    for (const auto& g : all) {
      GEBI_ASSIGN_OR_RETURN(auto path, storage::UnitPath(tx, g.id));
      for (const auto& u : path) {
        if (u.id == unit_id) {
          grids.push_back(g.id);
          break;
        }
      }
    }
    return Status::Ok();
  });
  if (!s.ok()) return Report(s);
  if (grids.empty()) {
    std::cerr << fmt::format("gebi: unit {} has no grids\n", unit_id);
    return kExitUsage;
  }
  int failed = 0;
  for (size_t i = 0; i < grids.size(); ++i) {
    auto r = MakeGridPoster(app, grids[i]);
    std::cout << fmt::format(
        "[{}/{}] {}\n", i + 1, grids.size(),
        r.ok() ? *r : "grid " + std::to_string(grids[i]) + " FAILED: " + r.status().message());
    std::cout.flush();
    failed += !r.ok();
  }
  std::cout << fmt::format("{} posters written, {} failed\n", grids.size() - failed, failed);
  return failed == 0 ? 0 : 1;
}

json MenuJson(const std::vector<Config::MenuButton>& menu) {
  json buttons = json::array();
  for (const auto& b : menu) buttons.push_back(MenuAction(b));
  return {{"button", buttons}};
}

int PushMenu(App& app) {
  const auto& menu = app.config().menu;
  if (menu.empty()) {
    std::cerr << "gebi: the config has no [[menu.button]]; nothing to push\n";
    return kExitUsage;
  }
  Status s = app.api().CreateMenu(MenuJson(menu));
  if (!s.ok()) return Report(FromWeChat(s));
  size_t n = 0;
  for (const auto& b : menu) n += b.sub_buttons.empty() ? 1 : b.sub_buttons.size();
  std::cout << fmt::format("menu created: {} top buttons, {} actions\n", menu.size(), n);
  return 0;
}

}  // namespace

void AddPushCommands(CLI::App& app, Cli& cli) {
  struct PushArgs {
    std::string status;
    int limit = 50;
    int64_t retry_id = 0;
    int64_t grid_id = 0;
    int64_t unit_id = 0;
  };
  auto& a = cli.Keep<PushArgs>();

  auto* outbox = app.add_subcommand("outbox", "list pending and dead-lettered pushes");
  cli.AddConfigOption(outbox);
  outbox->add_option("--status", a.status, "only rows with this status")
      ->check(CLI::IsMember({"pending", "sending", "sent", "inbox", "dead"}));
  outbox->add_option("--limit", a.limit, "rows per status")->capture_default_str();
  auto* retry = outbox->add_subcommand("retry", "make a dead (or pending) row due again now");
  cli.AddConfigOption(retry);
  retry->add_option("id", a.retry_id, "outbox row id")->required();
  cli.RunWithApp(outbox, [&a, retry](App& app) {
    return retry->parsed() ? RetryOutbox(app, a.retry_id) : ListOutbox(app, a.status, a.limit);
  });

  auto* qr = app.add_subcommand("qr", "permanent grid QR codes and printable posters");
  qr->require_subcommand(1);
  auto* qr_grid = qr->add_subcommand("grid", "create grid-<id>'s QR and write its A4/A5 posters");
  cli.AddConfigOption(qr_grid);
  qr_grid->add_option("id", a.grid_id, "grid (org unit) id")->required();
  cli.RunWithApp(qr_grid, [&a](App& app) { return QrGrid(app, a.grid_id); });
  auto* qr_all = qr->add_subcommand("all", "posters for every grid of a unit");
  cli.AddConfigOption(qr_all);
  qr_all->add_option("--unit", a.unit_id, "street / community / grid unit id")->required();
  cli.RunWithApp(qr_all, [&a](App& app) { return QrAll(app, a.unit_id); });

  auto* menu = app.add_subcommand("menu", "the custom menu");
  menu->require_subcommand(1);
  auto* menu_push = menu->add_subcommand("push", "create the custom menu of the config in WeChat");
  cli.AddConfigOption(menu_push);
  cli.RunWithApp(menu_push, PushMenu);
}

}  // namespace gebi::bot
