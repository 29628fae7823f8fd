// libFuzzer target: the CSV reader and the org / address imports operators upload from the
// console. ParseCsv sees the raw bytes; the imports run against one migrated in-memory database
// inside a transaction that is always rolled back, so every input starts from the same empty
// schema. The first byte picks org or address import.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "handlers/org/directory.h"
#include "storage/database.h"
#include "storage/migrations.h"

namespace {

constexpr int64_t kNow = 1700000000;

gebi::storage::Database& Db() {
  static gebi::storage::Database* db = [] {
    auto opened = gebi::storage::Database::Open(":memory:");
    if (!opened.ok() || !gebi::storage::Migrate(**opened).ok()) __builtin_trap();
    return std::move(opened).value().release();
  }();
  return *db;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool org = (data[0] & 1) == 0;
  const std::string_view csv(reinterpret_cast<const char*>(data + 1), size - 1);

  auto rows = gebi::handlers::ParseCsv(csv);
  if (rows.ok()) {
    int last = 0;
    for (const auto& row : *rows) {
      // Line numbers name rows in error messages: they must rise and stay in the text.
      if (row.line <= last) __builtin_trap();
      last = row.line;
    }
  }

  const gebi::Status s = Db().WithTransaction([&](gebi::storage::Tx& tx) -> gebi::Status {
    auto summary = org ? gebi::handlers::ImportOrgCsv(tx, csv, kNow)
                       : gebi::handlers::ImportAddressCsv(tx, csv, kNow);
    (void)summary;
    // Never commit: the next input must see the empty directory again.
    return gebi::Status::Aborted("fuzz: roll back");
  });
  if (s.ok()) __builtin_trap();
  return 0;
}
