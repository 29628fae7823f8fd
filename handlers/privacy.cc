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

// Masks digits [from, from + n) of run as the kind of number they are, if they are one.
// Returns whether they were.
bool MaskSpan(const DigitRun& run, size_t from, size_t n, std::string& out) {
  const bool x_last = run.digits[from + n - 1] == 'X' || run.digits[from + n - 1] == 'x';
  if (n == 11 && run.digits[from] == '1' && !x_last) {
    for (size_t k = 3; k < 7; ++k) out[run.positions[from + k]] = '*';  // 139****5678
    return true;
  }
  if (n == 18 || (n == 15 && !x_last)) {
    for (size_t k = 0; k + 4 < n; ++k) out[run.positions[from + k]] = '*';
    return true;
  }
  return false;
}

}  // namespace

std::string MaskPersonalNumbers(std::string_view text) {
  std::string out(text);
  size_t i = 0;
  while (i < text.size()) {
    if (!IsDigit(text[i]) || (i > 0 && IsDigit(text[i - 1]))) {
      ++i;
      continue;
    }
    DigitRun run = ReadRun(text, i);
    // The whole run, or consecutive typed groups inside it ("301 13912345678": a room, then a
    // phone). A number is at most 18 digits, so each start looks at a bounded span: linear.
    if (!MaskSpan(run, 0, run.digits.size(), out)) {
      for (size_t g = 0; g < run.groups.size(); ++g) {
        for (size_t h = g + 1; h <= run.groups.size(); ++h) {
          size_t end = h == run.groups.size() ? run.digits.size() : run.groups[h];
          size_t n = end - run.groups[g];
          if (n > 18) break;
          if (MaskSpan(run, run.groups[g], n, out)) {
            g = h - 1;  // continue after the masked number
            break;
          }
        }
      }
    }
    i = std::max(run.end, i + 1);
  }
  return out;
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
