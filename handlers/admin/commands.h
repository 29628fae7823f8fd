// The system's own chat commands as the admin console shows them: a Chinese title, one line on
// what the command does and example messages, per row of the dispatch table. The console lists
// them apart from the office's rules and read-only; their seeded keywords may be disabled, not
// deleted. A new or edited rule that would answer one of a command's keywords or examples
// instead of the command is refused unless confirmed (FindShadowedCommand). Immutable data and
// pure functions: thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/rule_store.h"

namespace gebi::handlers::admin {

struct CommandInfo {
  std::string_view handler;      // the dispatch row's name (never shown)
  std::string_view title;        // 报修
  std::string_view description;  // what happens when a resident sends it
  std::vector<std::string_view> examples;  // whole messages that reach the command
};

// Every command the console describes, in the order of 帮助.
const std::vector<CommandInfo>& Commands();
// The entry for handler, or nullptr (a row added later without an entry).
const CommandInfo* FindCommand(std::string_view handler);
// The Chinese name of handler: its title, else its first seeded keyword, else "系统命令".
std::string CommandTitle(std::string_view handler);

// Whether rule is one of the keywords the schema seeds for a command (shared, a handler rule
// whose pattern is one of the row's keywords): shown read-only, never deleted.
bool IsSystemRule(const storage::Rule& rule);

struct ShadowedCommand {
  std::string handler;
  std::string title;  // the command's Chinese name
  std::string text;   // a message that would reach rule instead of the command
};
// Whether rule (new: id 0) would answer a message that today reaches a command: each enabled
// keyword rule of a command (its pattern as a message) and each example is matched against the
// enabled rules with and without rule. nullopt when rule shadows nothing (or is disabled, or
// is itself a keyword of that command). others: every stored rule (rule's old version, if
// any, is ignored by id).
std::optional<ShadowedCommand> FindShadowedCommand(const std::vector<storage::Rule>& others,
                                                   const storage::Rule& rule);

}  // namespace gebi::handlers::admin
