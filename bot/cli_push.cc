// Operator commands of the push side: `gebi outbox` (list pending / dead rows),
// `gebi outbox retry ID`, `gebi menu push`, `gebi qr grid ID`, `gebi qr all --unit ID`.
#include <fmt/format.h>

#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "bot/app.h"
#include "bot/cli.h"
#include "bot/log.h"
#include "storage/outbox.h"

namespace gebi::bot {

namespace {

using nlohmann::json;

std::string TimeText(int64_t t) {
  if (t <= 0) return "-";
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

// Loads the config and builds the App; prints the problem and sets *exit_code on failure.
std::unique_ptr<App> Open(const CliCommon& common, const Clock& clock, int* exit_code) {
  auto config = LoadConfig(common.config_path);
  if (!config.ok()) {
    std::cerr << "gebi: " << config.status().message() << "\n";
    *exit_code = 2;
    return nullptr;
  }
  auto app = App::Create(*config, clock);
  if (!app.ok()) {
    std::cerr << "gebi: " << app.status().ToString() << "\n";
    *exit_code = 1;
    return nullptr;
  }
  return std::move(app).value();
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
  if (!s.ok()) {
    std::cerr << "gebi: " << s.ToString() << "\n";
    return 1;
  }
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
  if (!s.ok()) {
    std::cerr << "gebi: " << s.message() << "\n";
    return s.IsNotFound() || s.code() == Status::Code::kFailedPrecondition ? 2 : 1;
  }
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

}  // namespace

json MenuJson(const std::vector<Config::MenuButton>& menu) {
  json buttons = json::array();
  for (const auto& b : menu) buttons.push_back(MenuAction(b));
  return {{"button", buttons}};
}

int PushMenu(App& app) {
  const auto& menu = app.config().menu;
  if (menu.empty()) {
    std::cerr << "gebi: the config has no [[menu.button]]; nothing to push\n";
    return 2;
  }
  Status s = app.api().CreateMenu(MenuJson(menu));
  if (!s.ok()) {
    std::cerr << "gebi: " << s.ToString() << "\n";
    return 1;
  }
  size_t n = 0;
  for (const auto& b : menu) n += b.sub_buttons.empty() ? 1 : b.sub_buttons.size();
  std::cout << fmt::format("menu created: {} top buttons, {} actions\n", menu.size(), n);
  return 0;
}

void AddPushCommands(CLI::App& app, CliCommon& common, int* exit_code) {
  auto* outbox = app.add_subcommand("outbox", "list pending and dead-lettered pushes");
  AddConfigOption(outbox, common);
  static std::string status;
  static int limit = 50;
  status.clear();  // RunCli may run more than once in a process (tests)
  limit = 50;
  outbox->add_option("--status", status, "only rows with this status")
      ->check(CLI::IsMember({"pending", "sending", "sent", "inbox", "dead"}));
  outbox->add_option("--limit", limit, "rows per status")->capture_default_str();
  auto* retry = outbox->add_subcommand("retry", "make a dead (or pending) row due again now");
  AddConfigOption(retry, common);
  static int64_t retry_id = 0;
  retry->add_option("id", retry_id, "outbox row id")->required();
  outbox->callback([&common, exit_code, retry] {
    SystemClock clock;
    auto app = Open(common, clock, exit_code);
    if (!app) return;
    *exit_code = retry->parsed() ? RetryOutbox(*app, retry_id) : ListOutbox(*app, status, limit);
  });

  auto* menu = app.add_subcommand("menu", "the custom menu");
  menu->require_subcommand(1);
  auto* menu_push = menu->add_subcommand("push", "create the custom menu of the config in WeChat");
  AddConfigOption(menu_push, common);
  menu_push->callback([&common, exit_code] {
    SystemClock clock;
    auto app = Open(common, clock, exit_code);
    if (!app) return;
    *exit_code = PushMenu(*app);
  });
}

}  // namespace gebi::bot
