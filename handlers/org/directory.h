// The organisation directory as operators and residents use it: importing the org tree and the
// address directory from CSV (all-or-nothing, errors named by line), and resolving a free-text
// address to a grid (or the nearest candidates). Stateless; thread-safe (uses the caller's Tx).
//
// Org CSV columns:      kind,code,parent,name,contact,people
//   kind: district | street | community | grid | building; code: the operator's stable key;
//   parent: the parent's code (empty for a district); contact: phone/office shown to residents;
//   people: openids separated by ';' who run the unit (grid -> grid_worker, community ->
//   community_staff, street -> street_staff, district -> district_admin, building ->
//   floor_leader). Re-import updates by code and replaces the people it imported before.
// Address CSV columns:  grid,road,number,estate,building
//   grid: a grid's code; either road + number ("信河街","1-49") or estate + building
//   ("桂柑小区","1-10"); a single number is a range of one.
// Both: '#' lines and blank lines are skipped; a first line starting with "kind"/"grid" is the
// header; fields may be "quoted" (RFC 4180).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.h"
#include "storage/org_store.h"

namespace gebi::handlers {

struct CsvRow {
  int line = 0;  // 1-based line number in the file
  std::vector<std::string> fields;
};
// Splits CSV text into rows (quotes, doubled quotes, CRLF). InvalidArgument on an unterminated
// quote, naming the line.
Result<std::vector<CsvRow>> ParseCsv(std::string_view text);

struct ImportSummary {
  int rows = 0;
  int added = 0;
  int updated = 0;
  int grants = 0;
};
// Imports the org CSV inside tx. InvalidArgument listing every bad row ("line 7: ...", one per
// line) and nothing written (the caller rolls back).
Result<ImportSummary> ImportOrgCsv(storage::Tx& tx, std::string_view csv, int64_t now);
// Imports the address CSV inside tx; same error contract.
Result<ImportSummary> ImportAddressCsv(storage::Tx& tx, std::string_view csv, int64_t now);

struct AddressCandidate {
  int64_t grid_id = 0;
  std::string where;  // "信河街1-49号" / "桂柑小区1-10幢"
};
struct AddressMatch {
  std::optional<int64_t> grid_id;            // the one grid the address belongs to
  std::vector<AddressCandidate> candidates;  // else: nearest grids (at most 3), best first
};
// Resolves normalised address text ("信河街23号", "桂柑小区5幢301").
Result<AddressMatch> ResolveAddress(storage::Tx& tx, std::string_view text);

}  // namespace gebi::handlers
