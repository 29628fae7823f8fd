#include "bot/cli/common.h"

#include <iostream>

namespace gebi::bot {

int ExitCode(const Status& s) {
  switch (s.code()) {
    case Status::Code::kOk:
      return kExitOk;
    case Status::Code::kNotFound:
    case Status::Code::kInvalidArgument:
    case Status::Code::kPermissionDenied:
    case Status::Code::kAlreadyExists:
    case Status::Code::kFailedPrecondition:
      return kExitUsage;
    default:
      return kExitFailure;
  }
}

int Report(const Status& s) {
  if (s.ok()) return kExitOk;
  int code = ExitCode(s);
  std::cerr << "gebi: " << (code == kExitUsage ? s.message() : s.ToString()) << "\n";
  return code;
}

void Cli::AddConfigOption(CLI::App* sub) {
  sub->add_option("--config,-c", config_path_, "TOML config file")->capture_default_str();
}

Result<Config> Cli::LoadConfig() const {
  auto config = bot::LoadConfig(config_path_);
  if (!config.ok()) std::cerr << "gebi: " << config.status().message() << "\n";
  return config;
}

int Cli::WithApp(const std::function<int(App&)>& fn) {
  auto config = LoadConfig();
  if (!config.ok()) return kExitUsage;
  auto app = App::Create(*config, clock_);
  if (!app.ok()) return Report(app.status());
  return fn(**app);
}

void Cli::RunWithApp(CLI::App* sub, std::function<int(App&)> fn) {
  sub->callback([this, fn = std::move(fn)] { exit_code_ = WithApp(fn); });
}

void Cli::Run(CLI::App* sub, std::function<int()> fn) {
  sub->callback([this, fn = std::move(fn)] { exit_code_ = fn(); });
}

}  // namespace gebi::bot
