#include "handlers/privacy.h"

#include <unistd.h>

#include <algorithm>
#include <vector>

#include "handlers/pipeline.h"

namespace gebi::handlers {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// One run of digits as a person types it: digits, single spaces or dashes between groups, and
// an X closing an ID-card number.
struct DigitRun {
  size_t end = 0;  // one past the run in the text
  std::string digits;
  std::vector<size_t> positions;  // where each digit sits in the text
  std::vector<size_t> groups;     // index in digits where each typed group starts
};

DigitRun ReadRun(std::string_view text, size_t from) {
  DigitRun r;
  size_t i = from;
  while (i < text.size()) {
    char c = text[i];
    if (IsDigit(c) || ((c == 'X' || c == 'x') && r.digits.size() == 17)) {
      if (i == from || !IsDigit(text[i - 1])) r.groups.push_back(r.digits.size());
      r.digits += c;
      r.positions.push_back(i);
      r.end = ++i;
      if (c == 'X' || c == 'x') break;
    } else if ((c == ' ' || c == '-') && i + 1 < text.size() && IsDigit(text[i + 1]) &&
               !r.digits.empty()) {
      ++i;  // a separator between digit groups
    } else {
      break;
    }
  }
  return r;
}

enum class NumberKind { kNone, kMobile, kIdCard };

// What digits [from, from + n) of run are, by their digits alone.
NumberKind KindOf(const DigitRun& run, size_t from, size_t n) {
  const bool x_last = run.digits[from + n - 1] == 'X' || run.digits[from + n - 1] == 'x';
  if (n == 11 && run.digits[from] == '1' && !x_last) return NumberKind::kMobile;
  if (n == 18 || (n == 15 && !x_last)) return NumberKind::kIdCard;
  return NumberKind::kNone;
}

size_t GroupEnd(const DigitRun& run, size_t g) {
  return g + 1 == run.groups.size() ? run.digits.size() : run.groups[g + 1];
}

// Whether typed groups [g, h) of run read as one number: people split a phone 3-4-4 and an ID
// card 6-8-4 or in fours, but "5-302 13912345678" is a room and then a phone, not a 15-digit
// card. So a number of several groups has groups of at least 3 digits before its last, its last
// group is no phone of its own, and an old 15-digit card is only ever typed in one piece.
bool ReadsAsOne(const DigitRun& run, size_t g, size_t h, NumberKind kind) {
  if (h - g == 1) return true;
  const size_t n = GroupEnd(run, h - 1) - run.groups[g];
  if (kind == NumberKind::kIdCard && n == 15) return false;
  for (size_t k = g; k + 1 < h; ++k) {
    if (GroupEnd(run, k) - run.groups[k] < 3) return false;
  }
  const size_t last = run.groups[h - 1];
  return KindOf(run, last, GroupEnd(run, h - 1) - last) != NumberKind::kMobile;
}

// Calls found(kind, from, n) for each personal number in text, in order, where from and n index
// the run's digits. A number is at most 18 digits, so each start looks at a bounded span: linear.
template <typename Found>
void ScanPersonalNumbers(std::string_view text, Found&& found) {
  size_t i = 0;
  while (i < text.size()) {
    if (!IsDigit(text[i]) || (i > 0 && IsDigit(text[i - 1]))) {
      ++i;
      continue;
    }
    DigitRun run = ReadRun(text, i);
    // Consecutive typed groups inside the run ("301 13912345678": a room, then a phone).
    for (size_t g = 0; g < run.groups.size(); ++g) {
      for (size_t h = g + 1; h <= run.groups.size(); ++h) {
        const size_t n = GroupEnd(run, h - 1) - run.groups[g];
        if (n > 18) break;
        NumberKind kind = KindOf(run, run.groups[g], n);
        if (kind != NumberKind::kNone && ReadsAsOne(run, g, h, kind)) {
          found(run, kind, run.groups[g], n);
          g = h - 1;  // continue after the number
          break;
        }
      }
    }
    i = std::max(run.end, i + 1);
  }
}

}  // namespace

std::string MaskPersonalNumbers(std::string_view text) {
  std::string out(text);
  ScanPersonalNumbers(text, [&](const DigitRun& run, NumberKind kind, size_t from, size_t n) {
    if (kind == NumberKind::kMobile) {
      for (size_t k = 3; k < 7; ++k) out[run.positions[from + k]] = '*';  // 139****5678
    } else {
      for (size_t k = 0; k + 4 < n; ++k) out[run.positions[from + k]] = '*';
    }
  });
  return out;
}

bool ContainsIdCardNumber(std::string_view text) {
  bool any = false;
  ScanPersonalNumbers(text, [&](const DigitRun&, NumberKind kind, size_t, size_t n) {
    any = any || (kind == NumberKind::kIdCard && n == 18);
  });
  return any;
}

Result<storage::ForgetCounts> ForgetPerson(storage::Database& db, const Clock& clock,
                                           const admin::Principal& who, const std::string& openid) {
  if (openid.empty()) return Status::InvalidArgument("openid: 不能为空");
  // Random, so the alias cannot be recomputed from a known openid.
  const std::string alias = "forgotten-" + admin::RandomToken(6);
  storage::ForgetCounts counts;
  GEBI_RETURN_IF_ERROR(db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(counts, storage::ForgetPerson(tx, openid, alias));
    return admin::Audit(tx, who, "person.forget", "person:" + alias, std::nullopt, "",
                        std::to_string(counts.deleted) + " deleted, " +
                            std::to_string(counts.anonymised) + " anonymised",
                        clock.NowSeconds());
  }));
  for (const std::string& f : counts.files) ::unlink(f.c_str());  // after the commit
  return counts;
}

Result<int64_t> ExpireLedgerText(storage::Database& db, int64_t now, int days) {
  int64_t changed = 0;
  const std::string blank = EncodeReply(Reply::None());
  GEBI_RETURN_IF_ERROR(db.WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(changed,
                          storage::BlankLedgerTextBefore(tx, now - int64_t{days} * 86400, blank));
    return Status::Ok();
  }));
  return changed;
}

}  // namespace gebi::handlers
