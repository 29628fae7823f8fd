#include "handlers/org/directory.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "handlers/normalize.h"

namespace gebi::handlers {

namespace {

// Import limits: an org file is a few hundred rows; refuse absurd input early.
constexpr size_t kMaxNameBytes = 120;  // 40 CJK characters
constexpr size_t kMaxCodeBytes = 64;
constexpr size_t kMaxOpenIdBytes = 64;  // real openids are 28 characters
constexpr int64_t kMaxHouseNumber = 100000;

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

bool IsCodeChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

bool ValidCode(std::string_view s) {
  return !s.empty() && s.size() <= kMaxCodeBytes && std::all_of(s.begin(), s.end(), IsCodeChar);
}

bool ValidOpenId(std::string_view s) {
  return !s.empty() && s.size() <= kMaxOpenIdBytes &&
         std::all_of(s.begin(), s.end(), [](char c) { return IsCodeChar(c) && c != '.'; });
}

// Control characters and the CSV-injection lead characters have no place in a unit name.
bool ValidName(std::string_view s) {
  if (s.empty() || s.size() > kMaxNameBytes) return false;
  if (s.front() == '=' || s.front() == '+' || s.front() == '@') return false;
  return std::none_of(s.begin(), s.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == '\x7f'; });
}

std::vector<std::string> SplitPeople(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(';', start);
    if (end == std::string_view::npos) end = s.size();
    std::string one = Trim(s.substr(start, end - start));
    if (!one.empty()) out.push_back(std::move(one));
    start = end + 1;
  }
  return out;
}

// "12" -> {12,12}; "1-49" -> {1,49}; nullopt when malformed or reversed.
std::optional<std::pair<int64_t, int64_t>> ParseRange(std::string_view s) {
  std::string t = Normalize(s);
  size_t dash = t.find('-');
  auto num = [](std::string_view v) -> int64_t {
    int64_t n = ParseNumberArg(v);
    return n > kMaxHouseNumber ? -1 : n;
  };
  if (dash == std::string::npos) {
    int64_t n = num(t);
    if (n <= 0) return std::nullopt;
    return std::make_pair(n, n);
  }
  int64_t a = num(Trim(std::string_view(t).substr(0, dash)));
  int64_t b = num(Trim(std::string_view(t).substr(dash + 1)));
  if (a <= 0 || b <= 0 || a > b) return std::nullopt;
  return std::make_pair(a, b);
}

bool IsSkippable(const CsvRow& row) {
  if (row.fields.empty()) return true;
  if (!row.fields[0].empty() && row.fields[0][0] == '#') return true;
  return std::all_of(row.fields.begin(), row.fields.end(),
                     [](const std::string& f) { return f.empty(); });
}

std::vector<const CsvRow*> DataRows(const std::vector<CsvRow>& rows, std::string_view header) {
  std::vector<const CsvRow*> out;
  bool first = true;
  for (const CsvRow& r : rows) {
    if (IsSkippable(r)) continue;
    if (first && r.fields[0] == header) {
      first = false;
      continue;
    }
    first = false;
    out.push_back(&r);
  }
  return out;
}

Status Errors(const std::vector<std::string>& errors) {
  std::string msg = fmt::format("{} bad row(s), nothing imported", errors.size());
  for (const auto& e : errors) msg += "\n" + e;
  return Status::InvalidArgument(msg);
}

int Level(std::string_view kind) {
  static constexpr std::string_view kOrder[] = {"district", "street", "community", "grid",
                                                "building"};
  for (int i = 0; i < 5; ++i) {
    if (kOrder[i] == kind) return i;
  }
  return 5;
}

// UTF-8 code points of s, each as its bytes.
std::vector<std::string> CodePoints(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    len = std::min(len, s.size() - i);
    out.emplace_back(s.substr(i, len));
    i += len;
  }
  return out;
}

// The first run of digits at or after pos (skipping spaces), or -1.
int64_t NumberAfter(std::string_view text, size_t pos) {
  while (pos < text.size() && text[pos] == ' ') ++pos;
  size_t start = pos;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
  if (pos == start || pos - start > 6) return -1;
  return std::stoll(std::string(text.substr(start, pos - start)));
}

std::string Where(const storage::AddressRange& a) {
  if (!a.road.empty()) {
    return a.num_from == a.num_to ? fmt::format("{}{}号", a.road, a.num_from)
                                  : fmt::format("{}{}-{}号", a.road, a.num_from, a.num_to);
  }
  return a.bld_from == a.bld_to ? fmt::format("{}{}幢", a.estate, a.bld_from)
                                : fmt::format("{}{}-{}幢", a.estate, a.bld_from, a.bld_to);
}

int64_t Distance(int64_t n, int64_t from, int64_t to) {
  if (n < from) return from - n;
  if (n > to) return n - to;
  return 0;
}

}  // namespace

Result<std::vector<CsvRow>> ParseCsv(std::string_view text) {
  std::vector<CsvRow> rows;
  CsvRow row;
  row.line = 1;
  std::string field;
  bool quoted = false, in_quotes = false;
  int line = 1, quote_line = 0;
  auto end_field = [&] {
    row.fields.push_back(quoted ? field : Trim(field));
    field.clear();
    quoted = false;
  };
  auto end_row = [&] {
    end_field();
    rows.push_back(std::move(row));
    row = CsvRow{};
    row.line = line;
  };
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // BOM
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '"' && Trim(field).empty()) {
      field.clear();
      in_quotes = quoted = true;
      quote_line = line;
    } else if (c == ',') {
      end_field();
    } else if (c == '\n') {
      ++line;
      end_row();
    } else if (c != '\r') {
      field.push_back(c);
    }
  }
  if (in_quotes) {
    return Status::InvalidArgument(fmt::format("line {}: unterminated quote", quote_line));
  }
  if (!field.empty() || !row.fields.empty()) end_row();
  return rows;
}

Result<ImportSummary> ImportOrgCsv(storage::Tx& tx, std::string_view csv, int64_t now) {
  GEBI_ASSIGN_OR_RETURN(auto rows, ParseCsv(csv));
  struct Item {
    int line;
    storage::OrgUnit unit;
    std::string parent_code;
    std::vector<std::string> people;
  };
  std::vector<Item> items;
  std::vector<std::string> errors;
  std::map<std::string, std::string> kind_of_code;  // codes of this file
  for (const CsvRow* r : DataRows(rows, "kind")) {
    auto bad = [&](const std::string& why) {
      errors.push_back(fmt::format("line {}: {}", r->line, why));
    };
    const auto& f = r->fields;
    if (f.size() < 4 || f.size() > 6) {
      bad(fmt::format("expected kind,code,parent,name,contact,people; got {} field(s)", f.size()));
      continue;
    }
    Item it;
    it.line = r->line;
    it.unit.kind = f[0];
    it.unit.code = f[1];
    it.parent_code = f[2];
    it.unit.name = f[3];
    it.unit.contact = f.size() > 4 ? f[4] : "";
    it.people = f.size() > 5 ? SplitPeople(f[5]) : std::vector<std::string>{};
    auto parent_kind = storage::ParentKindOf(it.unit.kind);
    if (!parent_kind) {
      bad(fmt::format("unknown kind '{}' (district, street, community, grid, building)",
                      it.unit.kind));
      continue;
    }
    if (!ValidCode(it.unit.code)) {
      bad(fmt::format("code '{}' must be 1-64 letters, digits, '-', '_' or '.'", it.unit.code));
      continue;
    }
    if (!ValidName(it.unit.name)) {
      bad("name is empty, too long or has control characters");
      continue;
    }
    if (!ValidName(it.unit.contact) && !it.unit.contact.empty()) {
      bad("contact is too long or has control characters");
      continue;
    }
    if (parent_kind->empty() != it.parent_code.empty()) {
      bad(parent_kind->empty() ? "a district has no parent"
                               : fmt::format("a {} needs a parent {}", it.unit.kind, *parent_kind));
      continue;
    }
    bool people_ok = true;
    for (const auto& p : it.people) {
      if (!ValidOpenId(p)) {
        bad(fmt::format("'{}' is not an openid", p));
        people_ok = false;
        break;
      }
    }
    if (!people_ok) continue;
    if (kind_of_code.count(it.unit.code) > 0) {
      bad(fmt::format("code '{}' appears twice", it.unit.code));
      continue;
    }
    GEBI_ASSIGN_OR_RETURN(auto existing, storage::GetUnitByCode(tx, it.unit.code));
    if (existing && existing->kind != it.unit.kind) {
      bad(fmt::format("code '{}' is already a {}", it.unit.code, existing->kind));
      continue;
    }
    kind_of_code[it.unit.code] = it.unit.kind;
    items.push_back(std::move(it));
  }
  // Parents: in this file or already stored, of the right kind.
  for (const Item& it : items) {
    if (it.parent_code.empty()) continue;
    std::string want(*storage::ParentKindOf(it.unit.kind));
    std::string got;
    if (auto k = kind_of_code.find(it.parent_code); k != kind_of_code.end()) {
      got = k->second;
    } else {
      GEBI_ASSIGN_OR_RETURN(auto parent, storage::GetUnitByCode(tx, it.parent_code));
      if (parent) got = parent->kind;
    }
    if (got.empty()) {
      errors.push_back(fmt::format("line {}: parent '{}' not found", it.line, it.parent_code));
    } else if (got != want) {
      errors.push_back(fmt::format("line {}: parent '{}' is a {}, a {} needs a {}", it.line,
                                   it.parent_code, got, it.unit.kind, want));
    }
  }
  if (!errors.empty()) return Errors(errors);

  ImportSummary sum;
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    return Level(a.unit.kind) < Level(b.unit.kind);
  });
  for (Item& it : items) {
    ++sum.rows;
    if (!it.parent_code.empty()) {
      GEBI_ASSIGN_OR_RETURN(auto parent, storage::GetUnitByCode(tx, it.parent_code));
      // Checked above, and parents sort before children: a miss is a bug, not bad input.
      if (!parent) return Status::Internal("parent " + it.parent_code + " vanished during import");
      it.unit.parent_id = parent->id;
    }
    GEBI_ASSIGN_OR_RETURN(auto existing, storage::GetUnitByCode(tx, it.unit.code));
    GEBI_ASSIGN_OR_RETURN(int64_t id, storage::UpsertUnit(tx, it.unit, now));
    ++(existing ? sum.updated : sum.added);
    std::string role(storage::ManagerRoleOf(it.unit.kind));
    GEBI_RETURN_IF_ERROR(storage::RevokeBySource(tx, id, role, "import"));
    for (const auto& p : it.people) {
      GEBI_RETURN_IF_ERROR(storage::Grant(tx, {p, role, id, "import"}, now));
      ++sum.grants;
    }
    if (it.unit.kind == "grid") {
      GEBI_ASSIGN_OR_RETURN(auto path, storage::UnitPath(tx, id));
      std::string label = (path.size() > 1 ? path[1].name : "") + it.unit.name;
      GEBI_ASSIGN_OR_RETURN(int64_t circle, storage::EnsureGridCircle(tx, id, label, now));
      for (const auto& p : it.people) {
        GEBI_RETURN_IF_ERROR(storage::PutCircleMember(tx, circle, p, "manager", now));
      }
    }
  }
  return sum;
}

Result<ImportSummary> ImportAddressCsv(storage::Tx& tx, std::string_view csv, int64_t now) {
  GEBI_ASSIGN_OR_RETURN(auto rows, ParseCsv(csv));
  std::vector<std::string> errors;
  std::vector<storage::AddressRange> ranges;
  for (const CsvRow* r : DataRows(rows, "grid")) {
    auto bad = [&](const std::string& why) {
      errors.push_back(fmt::format("line {}: {}", r->line, why));
    };
    const auto& f = r->fields;
    if (f.size() != 5) {
      bad(fmt::format("expected grid,road,number,estate,building; got {} field(s)", f.size()));
      continue;
    }
    GEBI_ASSIGN_OR_RETURN(auto grid, storage::GetUnitByCode(tx, f[0]));
    if (!grid || grid->kind != "grid") {
      bad(fmt::format("'{}' is not a grid code", f[0]));
      continue;
    }
    storage::AddressRange a;
    a.grid_id = grid->id;
    bool road = !f[1].empty() || !f[2].empty();
    bool estate = !f[3].empty() || !f[4].empty();
    if (road == estate) {
      bad("give either road + number or estate + building");
      continue;
    }
    const std::string& name = road ? f[1] : f[3];
    const std::string& range_text = road ? f[2] : f[4];
    if (!ValidName(name)) {
      bad(road ? "road is empty or has control characters"
               : "estate is empty or has control characters");
      continue;
    }
    auto range = ParseRange(range_text);
    if (!range) {
      bad(fmt::format("'{}' is not a number or a range like 1-49", range_text));
      continue;
    }
    if (road) {
      a.road = Normalize(name);
      a.num_from = range->first;
      a.num_to = range->second;
    } else {
      a.estate = Normalize(name);
      a.bld_from = range->first;
      a.bld_to = range->second;
    }
    ranges.push_back(std::move(a));
  }
  if (!errors.empty()) return Errors(errors);
  ImportSummary sum;
  GEBI_ASSIGN_OR_RETURN(auto before, storage::ListAddresses(tx));
  for (const auto& a : ranges) {
    bool known = std::any_of(before.begin(), before.end(), [&](const storage::AddressRange& b) {
      return b.road == a.road && b.num_from == a.num_from && b.num_to == a.num_to &&
             b.estate == a.estate && b.bld_from == a.bld_from && b.bld_to == a.bld_to;
    });
    GEBI_RETURN_IF_ERROR(storage::UpsertAddress(tx, a, now));
    ++sum.rows;
    ++(known ? sum.updated : sum.added);
  }
  return sum;
}

Result<AddressMatch> ResolveAddress(storage::Tx& tx, std::string_view text) {
  GEBI_ASSIGN_OR_RETURN(auto ranges, storage::ListAddresses(tx));
  AddressMatch out;
  auto add_candidate = [&](const storage::AddressRange& a) {
    for (const auto& c : out.candidates) {
      if (c.grid_id == a.grid_id) return;
    }
    if (out.candidates.size() < 3) out.candidates.push_back({a.grid_id, Where(a)});
  };
  // The longest road or estate name found in the text, and the number after it.
  for (bool by_road : {true, false}) {
    std::string best;
    size_t best_pos = 0;
    for (const auto& a : ranges) {
      const std::string& name = by_road ? a.road : a.estate;
      if (name.empty() || name.size() <= best.size()) continue;
      size_t pos = text.find(name);
      if (pos == std::string_view::npos) continue;
      best = name;
      best_pos = pos + name.size();
    }
    if (best.empty()) continue;
    int64_t n = NumberAfter(text, best_pos);
    std::vector<const storage::AddressRange*> same;
    for (const auto& a : ranges) {
      if ((by_road ? a.road : a.estate) == best) same.push_back(&a);
    }
    for (const auto* a : same) {
      int64_t from = by_road ? a->num_from : a->bld_from, to = by_road ? a->num_to : a->bld_to;
      if (n > 0 && Distance(n, from, to) == 0) {
        out.grid_id = a->grid_id;
        out.candidates.clear();
        return out;
      }
    }
    std::stable_sort(same.begin(), same.end(), [&](const auto* x, const auto* y) {
      if (n <= 0) return false;
      int64_t dx =
          by_road ? Distance(n, x->num_from, x->num_to) : Distance(n, x->bld_from, x->bld_to);
      int64_t dy =
          by_road ? Distance(n, y->num_from, y->num_to) : Distance(n, y->bld_from, y->bld_to);
      return dx < dy;
    });
    for (const auto* a : same) add_candidate(*a);
    if (!out.candidates.empty()) return out;
  }
  // Nothing named exactly: rank ranges by how many two-character pieces of their name appear.
  std::vector<std::pair<int, const storage::AddressRange*>> scored;
  for (const auto& a : ranges) {
    auto cps = CodePoints(a.road.empty() ? a.estate : a.road);
    int score = 0;
    for (size_t i = 0; i + 1 < cps.size(); ++i) {
      if (text.find(cps[i] + cps[i + 1]) != std::string_view::npos) ++score;
    }
    if (score > 0) scored.emplace_back(score, &a);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& x, const auto& y) { return x.first > y.first; });
  for (const auto& [score, a] : scored) add_candidate(*a);
  return out;
}

}  // namespace gebi::handlers
