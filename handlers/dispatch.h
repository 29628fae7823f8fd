// The dispatch table: every handler the router can reach, declared as data (name, function,
// the keywords seeded for it, who may use it, its help line), with per-row counters. Keyword
// rules name these handlers; message types and events without a rule fall back to rows keyed
// "<MsgType>" or "event.<event>" and finally "default". Rows are static; counters are relaxed
// atomics: thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "handlers/context.h"
#include "handlers/message.h"
#include "handlers/roles.h"

namespace gebi::handlers {

// A handler: a nearly pure function of the context. User mistakes are answered with a Reply;
// a non-OK Status means the system failed (the delivery rolls back and gets the busy text).
using HandlerFn = Result<Reply> (*)(Context& ctx);

struct HandlerRow {
  std::string_view name;  // "help", "repair", or "<MsgType>", "event.<event>", "default"
  HandlerFn fn;
  // The keywords the schema seeds for this row (storage/migrations.cc, rules with
  // target_kind 'handler'), '|'-separated, so `grep 报修` lands here. Staff may add more rules
  // in the console; tests/handlers/dispatch_test.cc keeps this list equal to the seeded one.
  std::string_view keywords;
  uint32_t roles = kAnyone;  // who may invoke it; others get the "not allowed" text
  // Who may use the row, as a resident reads it ("网格员或社区工作人员"); shown with the
  // "not allowed" text. Empty: derived from roles.
  std::string_view who;
  std::string_view help_key;  // template with the one-line usage for 帮助; empty = not listed
  // The roles whose short 帮助 lists this row (at most kMenuLines rows each, in table order:
  // the sender's main role decides which); every listed row shows in 更多.
  uint32_t menu = 0;
  std::string_view flow;      // non-empty: this row continues conversations of that flow
  // Optional: whether the row takes a text its keyword matched (ctx.text and ctx.args set).
  // A row that does not yields to the next rule the text matches; when none does, it runs
  // anyway and answers with its usage. 停车 takes a plate: 停车费多少 is the office's question.
  bool (*takes)(const Context& ctx) = nullptr;
  // Whose 帮助 lists the row when that differs from who may use it (0: roles). 谢谢 is for
  // anyone to say, but only care families are shown it.
  uint32_t help_roles = 0;
  // Counters (relaxed atomics).
  mutable std::atomic<uint64_t> calls{0};
  mutable std::atomic<uint64_t> failures{0};
  mutable std::atomic<uint64_t> total_us{0};
};

// The short 帮助 shows at most this many lines: more is a list an elderly reader skips.
inline constexpr size_t kMenuLines = 4;

// The whole table, in the order of the lines of 帮助.
const std::vector<const HandlerRow*>& HandlerTable();
// The row named name, or nullptr.
const HandlerRow* FindHandler(std::string_view name);
// The row that continues conversations of flow, or nullptr.
const HandlerRow* FindFlowHandler(std::string_view flow);

// One line per row that has run since start, in table order: "repair calls=12 failures=0
// avg_us=340". `gebi serve` logs them when it stops.
std::vector<std::string> HandlerCounters();

}  // namespace gebi::handlers
