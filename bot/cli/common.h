// What every `gebi` subcommand shares: the --config option, loading the config, opening the
// App, and one rule from a Status to an exit code and a line on stderr. RunCli makes one Cli
// per call and it owns every option's value, so each call starts clean (tests run the command
// line many times in one process). Not thread-safe: one command line, one thread.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bot/app.h"
#include "bot/config.h"
#include "storage/clock.h"
#include "storage/status.h"

namespace gebi::bot {

// Exit codes: 0 done; 2 the operator's input is wrong (a bad config, value or id, or a change
// the current state does not allow); 1 the system failed (database, files, network).
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// The exit code for s by the rule above.
int ExitCode(const Status& s);

// Prints "gebi: <why>" on stderr (the message alone for input errors, with the code for system
// failures) and returns ExitCode(s). Returns kExitOk and prints nothing for an OK status.
int Report(const Status& s);

class Cli {
 public:
  Cli() = default;
  Cli(const Cli&) = delete;
  Cli& operator=(const Cli&) = delete;

  // Adds `--config F` to sub, bound to config_path().
  void AddConfigOption(CLI::App* sub);

  // Storage for an option's value that lives as long as this Cli: CLI11 binds options to
  // references, and the callbacks run after parsing.
  template <class T>
  T& Keep(T initial = T{}) {
    T* value = new T(std::move(initial));
    kept_.emplace_back(value, [](void* p) { delete static_cast<T*>(p); });
    return *value;
  }

  // Loads config_path(). On failure prints why and returns the status (exit kExitUsage).
  Result<Config> LoadConfig() const;

  // Loads the config, opens (and migrates) the App on the system clock and runs fn. Returns
  // fn's exit code, kExitUsage for a bad config, or Report() of the App's failure.
  int WithApp(const std::function<int(App&)>& fn);

  // Makes sub's callback set the exit code to WithApp(fn).
  void RunWithApp(CLI::App* sub, std::function<int(App&)> fn);

  // Makes sub's callback set the exit code to fn().
  void Run(CLI::App* sub, std::function<int()> fn);

  const std::string& config_path() const { return config_path_; }
  const Clock& clock() const { return clock_; }
  int exit_code() const { return exit_code_; }

 private:
  std::string config_path_ = "deploy/gebi.example.toml";
  SystemClock clock_;
  int exit_code_ = kExitOk;
  std::vector<std::unique_ptr<void, void (*)(void*)>> kept_;
};

}  // namespace gebi::bot
