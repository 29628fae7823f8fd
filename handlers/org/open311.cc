#include "handlers/org/open311.h"

#include <fmt/format.h>
#include <sodium.h>

#include <charconv>
#include <ctime>
#include <vector>

#include "handlers/chat/common.h"
#include "handlers/normalize.h"
#include "handlers/org/directory.h"
#include "handlers/privacy.h"
#include "storage/ladder_store.h"
#include "storage/open311_store.h"
#include "storage/org_store.h"
#include "storage/ticket_store.h"

namespace gebi::handlers {

namespace {

using nlohmann::json;

// China Standard Time: +08:00 all year (no daylight saving).
constexpr int64_t kOffsetSeconds = 8 * 3600;
constexpr std::string_view kOffsetText = "+08:00";
// The spec lets a server refuse date ranges longer than 90 days; a query without dates covers
// the last 90 days.
constexpr int64_t kMaxRangeSeconds = 90 * 86400;
// Refused calls (no valid key) audited per minute, across all callers.
constexpr int64_t kMaxRefusedAuditedPerMinute = 120;
// When this server's API last changed (discovery's changeset).
constexpr std::string_view kChangeset = "2026-12-02T00:00:00+08:00";
constexpr std::string_view kSpecification = "http://wiki.open311.org/GeoReport_v2";
// Caps on what a caller sends, checked before any work.
constexpr size_t kMaxDescriptionBytes = 600;
constexpr size_t kMaxAddressBytes = 200;
constexpr size_t kMaxIdsPerQuery = 50;
constexpr size_t kMaxNameChars = 60;
// Prefix of the reporter column of tickets a consumer posted (never a WeChat openid).
constexpr std::string_view kConsumerReporter = "open311:";

Open311Answer Err(int status, std::string description) {
  Open311Answer a;
  a.status = status;
  a.body = json::array({json{{"code", status}, {"description", std::move(description)}}});
  a.xml_root = "errors";
  a.xml_item = "error";
  return a;
}

std::string Param(const Open311Call& call, const std::string& name) {
  auto it = call.params.find(name);
  return it == call.params.end() ? std::string() : it->second;
}

std::vector<std::string> SplitCommas(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    size_t comma = s.find(',');
    std::string_view part = s.substr(0, comma);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) out.emplace_back(part);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

std::optional<int64_t> ParseId(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

// An address at building level: "桂柑小区5幢301" -> "桂柑小区5幢" (up to the first 幢/栋/号).
std::string BuildingLevel(std::string_view address) {
  size_t cut = std::string_view::npos;
  for (std::string_view mark : {"幢", "栋", "号"}) {
    size_t at = address.find(mark);
    if (at != std::string_view::npos && (cut == std::string_view::npos || at < cut)) {
      cut = at + mark.size();
    }
  }
  return std::string(cut == std::string_view::npos ? address : address.substr(0, cut));
}

bool IsOpen(const std::string& status) {
  return status == "open" || status == "claimed" || status == "reopened";
}

Result<json> RequestJson(storage::Tx& tx, const Templates& texts, const Open311Settings& settings,
                         const storage::PublicTicket& p) {
  storage::Ticket t;
  t.id = p.id;
  t.grid_id = p.grid_id;
  t.community_id = p.community_id;
  t.category = p.category;
  t.level = p.level;
  t.status = p.status;
  GEBI_ASSIGN_OR_RETURN(std::string where, LevelLabel(tx, texts, t, p.level));
  const bool open = IsOpen(p.status);
  std::string notes;
  if (open) {
    notes = fmt::format("由{}处理", where);
  } else if (p.status == "cancelled") {
    notes = "报修人已取消";
  } else {
    notes = MaskPersonalNumbers(p.done_note);
  }
  json r{{"service_request_id", std::to_string(p.id)},
         {"status", open ? "open" : "closed"},
         {"status_notes", notes},
         {"service_name", p.category_label},
         {"service_code", p.category},
         {"description", MaskPersonalNumbers(p.description)},
         {"agency_responsible", where},
         {"service_notice", ""},
         {"requested_datetime", W3CDate(p.created_at)},
         {"updated_datetime", W3CDate(p.updated_at)},
         {"address", p.community_name + p.grid_name + (p.building.empty() ? "" : " ") + p.building},
         {"address_id", p.grid_code},
         {"zipcode", ""},
         {"media_url", ""}};
  if (open) {
    GEBI_ASSIGN_OR_RETURN(storage::Deadline d, DeadlineOf(tx, t, settings.ladder));
    storage::LadderTicket l;
    l.ticket = t;
    l.ticket.claimed_at = p.claimed_at;
    l.ticket.done_at = p.done_at;
    l.level_since = p.level_since;
    l.level_claimed_at = p.level_claimed_at;
    r["expected_datetime"] = W3CDate(NextDeadline(l, d).at);
  } else {
    r["expected_datetime"] = "";
  }
  return r;
}

Open311Answer Requests(json body) {
  Open311Answer a;
  a.body = std::move(body);
  a.xml_root = "service_requests";
  a.xml_item = "request";
  return a;
}

Result<Open311Answer> GetRequests(storage::Tx& tx, const Templates& texts, int64_t now,
                                  const Open311Settings& settings, const Open311Call& call,
                                  std::string_view one_id) {
  storage::PublicFilter f;
  f.limit = settings.max_results;
  std::string ids = one_id.empty() ? Param(call, "service_request_id") : std::string(one_id);
  if (!ids.empty()) {
    auto parts = SplitCommas(ids);
    if (parts.size() > kMaxIdsPerQuery) return Err(400, "service_request_id 一次最多 50 个");
    for (const auto& part : parts) {
      auto id = ParseId(part);
      if (!id) {
        if (!one_id.empty()) return Err(404, "没有这个 service_request_id");
        return Err(400, "service_request_id 要是数字：" + part.substr(0, 40));
      }
      f.ids.push_back(*id);
    }
  } else {
    // The spec: with service_request_id the other filters are ignored.
    std::string codes = Param(call, "service_code");
    if (codes.size() > 1000) return Err(400, "service_code 太长");
    f.categories = SplitCommas(codes);
    std::string start = Param(call, "start_date"), end = Param(call, "end_date");
    if (!start.empty()) {
      f.start = ParseW3CDate(start);
      if (!f.start) return Err(400, "start_date 要是 W3C 日期时间，例如 2026-12-01T00:00:00+08:00");
    }
    if (!end.empty()) {
      f.end = ParseW3CDate(end);
      if (!f.end) return Err(400, "end_date 要是 W3C 日期时间，例如 2026-12-02T00:00:00+08:00");
    }
    if (!f.start && !f.end) f.start = now - kMaxRangeSeconds;
    if (f.start && f.end && *f.end < *f.start) return Err(400, "end_date 早于 start_date");
    if (f.start && f.end && *f.end - *f.start > kMaxRangeSeconds) {
      return Err(400, "start_date 到 end_date 最多 90 天");
    }
    std::string status = Param(call, "status");
    auto statuses = SplitCommas(status);
    if (statuses.size() == 1 && (statuses[0] == "open" || statuses[0] == "closed")) {
      f.status = statuses[0];
    } else if (!statuses.empty()) {
      for (const auto& s : statuses) {
        if (s != "open" && s != "closed") return Err(400, "status 只能是 open 或 closed");
      }
    }
  }
  GEBI_ASSIGN_OR_RETURN(auto rows, storage::PublicTickets(tx, f));
  if (!one_id.empty() && rows.empty()) return Err(404, "没有这个 service_request_id");
  json body = json::array();
  for (const auto& p : rows) {
    GEBI_ASSIGN_OR_RETURN(json r, RequestJson(tx, texts, settings, p));
    body.push_back(std::move(r));
  }
  return Requests(std::move(body));
}

Result<Open311Answer> PostRequest(storage::Tx& tx, const Templates& texts, int64_t now,
                                  const Open311Call& call, const storage::ApiKey& key) {
  const std::string code = Param(call, "service_code");
  if (code.empty()) return Err(400, "缺少 service_code");
  GEBI_ASSIGN_OR_RETURN(auto category, storage::GetRepairCategory(tx, code));
  if (!category) return Err(400, "没有这个 service_code：" + code.substr(0, 40));
  const std::string description = Param(call, "description");
  if (description.empty()) return Err(400, "缺少 description");
  if (description.size() > kMaxDescriptionBytes) return Err(400, "description 最多 600 字节");
  const std::string address = Param(call, "address_string");
  const std::string address_id = Param(call, "address_id");
  if (address.size() > kMaxAddressBytes || address_id.size() > kMaxAddressBytes) {
    return Err(400, "地址太长");
  }
  std::optional<int64_t> grid_id;
  if (!address_id.empty()) {
    GEBI_ASSIGN_OR_RETURN(auto unit, storage::GetUnitByCode(tx, address_id));
    if (!unit || unit->kind != "grid") return Err(400, "address_id 不是我们的网格编号");
    grid_id = unit->id;
  } else if (!address.empty()) {
    GEBI_ASSIGN_OR_RETURN(auto match, ResolveAddress(tx, Normalize(address)));
    if (!match.grid_id) return Err(400, "地址不在我们的网格里，请写 address_id（网格编号）");
    grid_id = match.grid_id;
  } else {
    return Err(400, "要写 address_string 或 address_id（经纬度无法对应到网格）");
  }
  GEBI_ASSIGN_OR_RETURN(auto community, storage::AncestorOfKind(tx, *grid_id, "community"));
  if (!community) return Err(400, "这个网格不属于任何社区");
  storage::Ticket t;
  t.grid_id = *grid_id;
  t.community_id = community->id;
  t.reporter = std::string(kConsumerReporter) + key.name;
  t.description = description;
  t.category = code;
  GEBI_ASSIGN_OR_RETURN(t.id, storage::CreateTicket(tx, t, now));
  // Where it is, at building level (a grid code says nothing more than the grid).
  storage::TicketMedia m;
  m.ticket_id = t.id;
  m.kind = "location";
  m.label = address.empty() ? "" : BuildingLevel(address);
  m.created_at = now;
  double lat = 0, lng = 0;
  const std::string lat_text = Param(call, "lat"), lng_text = Param(call, "long");
  auto parsed_lat = std::from_chars(lat_text.data(), lat_text.data() + lat_text.size(), lat);
  auto parsed_lng = std::from_chars(lng_text.data(), lng_text.data() + lng_text.size(), lng);
  if (!lat_text.empty() && !lng_text.empty() && parsed_lat.ec == std::errc() &&
      parsed_lng.ec == std::errc() && lat >= -90 && lat <= 90 && lng >= -180 && lng <= 180) {
    m.latitude = lat;
    m.longitude = lng;
  }
  if (!m.label.empty() || m.latitude) {
    GEBI_RETURN_IF_ERROR(storage::AddTicketMedia(tx, m).status());
  }
  GEBI_ASSIGN_OR_RETURN(std::string grid, GridLabel(tx, t.grid_id));
  const std::string text = texts.Render("ladder.push_open311_new",
                                        {{"id", std::to_string(t.id)},
                                         {"source", key.name},
                                         {"grid", m.label.empty() ? grid : grid + " " + m.label},
                                         {"description", MaskPersonalNumbers(description)},
                                         {"category", category->label}});
  GEBI_ASSIGN_OR_RETURN(auto workers, GridWorkers(tx, t.grid_id));
  for (const auto& w : workers) {
    GEBI_RETURN_IF_ERROR(QueuePushIn(tx, now, w, "ticket_new", text,
                                     json{{"ticket_id", t.id}, {"grid_id", t.grid_id}},
                                     fmt::format("ticket_new:{}:{}", t.id, w)));
  }
  unsigned char raw[16];
  randombytes_buf(raw, sizeof(raw));
  char hex[sizeof(raw) * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
  const std::string token(hex);
  GEBI_RETURN_IF_ERROR(storage::PutOpen311Token(tx, token, t.id, key.id, now));
  return Requests(json::array({json{{"service_request_id", std::to_string(t.id)},
                                    {"token", token},
                                    {"service_notice", ""},
                                    {"account_id", ""}}}));
}

Result<Open311Answer> GetToken(storage::Tx& tx, std::string_view token) {
  if (token.empty() || token.size() > 64) return Err(404, "没有这个 token");
  GEBI_ASSIGN_OR_RETURN(auto id, storage::TicketOfOpen311Token(tx, token));
  if (!id) return Err(404, "没有这个 token");
  return Requests(json::array(
      {json{{"service_request_id", std::to_string(*id)}, {"token", std::string(token)}}}));
}

Result<Open311Answer> Services(storage::Tx& tx, std::string_view code) {
  GEBI_ASSIGN_OR_RETURN(auto categories, storage::ListRepairCategories(tx));
  Open311Answer a;
  if (!code.empty()) {
    for (const auto& c : categories) {
      if (c.name != code) continue;
      // Our categories ask nothing beyond the description: no attributes.
      a.body = json{{"service_code", c.name}, {"attributes", json::array()}};
      a.xml_root = "service_definition";
      return a;
    }
    return Err(404, "没有这个 service_code");
  }
  a.body = json::array();
  for (const auto& c : categories) {
    a.body.push_back(json{{"service_code", c.name},
                          {"service_name", c.label},
                          {"description", c.label + "类报修"},
                          {"metadata", false},
                          {"type", "realtime"},
                          {"keywords", ""},
                          {"group", "报修"}});
  }
  a.xml_root = "services";
  a.xml_item = "service";
  return a;
}

Open311Answer Discovery(const Open311Settings& settings) {
  Open311Answer a;
  a.body = json{{"changeset", kChangeset},
                {"contact", "请联系社区工作人员"},
                {"key_service", "请社区管理员用 gebi apikey add 名称 发放 api_key"},
                {"endpoints",
                 json::array({json{{"specification", kSpecification},
                                   {"url", settings.base_url},
                                   {"changeset", kChangeset},
                                   {"type", "production"},
                                   {"formats", json::array({"text/xml", "application/json"})}}})}};
  a.xml_root = "discovery";
  return a;
}

}  // namespace

std::string W3CDate(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds + kOffsetSeconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, kOffsetText);
}

std::optional<int64_t> ParseW3CDate(std::string_view s) {
  // YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm)
  auto num = [&](size_t at, size_t len) -> std::optional<int> {
    if (at + len > s.size()) return std::nullopt;
    int v = 0;
    auto [end, ec] = std::from_chars(s.data() + at, s.data() + at + len, v);
    if (ec != std::errc() || end != s.data() + at + len) return std::nullopt;
    return v;
  };
  if (s.size() < 20 || s.size() > 40 || s[4] != '-' || s[7] != '-' ||
      (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  auto y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2),
       se = num(17, 2);
  if (!y || !mo || !d || !h || !mi || !se || *mo < 1 || *mo > 12 || *d < 1 || *d > 31 || *h > 23 ||
      *mi > 59 || *se > 60) {
    return std::nullopt;
  }
  size_t at = 19;
  if (at < s.size() && s[at] == '.') {
    ++at;
    while (at < s.size() && s[at] >= '0' && s[at] <= '9') ++at;
  }
  int64_t offset = 0;
  if (at < s.size() && s[at] == 'Z' && at + 1 == s.size()) {
    offset = 0;
  } else if (at + 6 == s.size() && (s[at] == '+' || s[at] == '-') && s[at + 3] == ':') {
    auto oh = num(at + 1, 2), om = num(at + 4, 2);
    if (!oh || !om || *oh > 14 || *om > 59) return std::nullopt;
    offset = (int64_t{*oh} * 3600 + int64_t{*om} * 60) * (s[at] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = *y - 1900;
  tm.tm_mon = *mo - 1;
  tm.tm_mday = *d;
  tm.tm_hour = *h;
  tm.tm_min = *mi;
  tm.tm_sec = *se;
  return static_cast<int64_t>(timegm(&tm)) - offset;
}

std::string NewApiKey() {
  unsigned char raw[20];
  randombytes_buf(raw, sizeof(raw));
  char hex[sizeof(raw) * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
  return "g311_" + std::string(hex);
}

std::string HashApiKey(std::string_view key) {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  char hex[sizeof(out) * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), out, sizeof(out));
  return std::string(hex);
}

Result<std::string> IssueApiKey(storage::Database& db, std::string_view name, int64_t now) {
  size_t chars = 0;
  for (char c : name) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (chars == 0 || chars > kMaxNameChars) {
    return Status::InvalidArgument("the consumer's name must be 1..60 characters");
  }
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  const std::string key = NewApiKey();
  storage::ApiKey k;
  k.name = std::string(name);
  k.key_hash = HashApiKey(key);
  k.prefix = key.substr(0, 9);
  GEBI_RETURN_IF_ERROR(
      db.WithTransaction([&](storage::Tx& tx) { return storage::AddApiKey(tx, k, now).status(); }));
  return key;
}

Open311Answer HandleOpen311(storage::Database& db, const Templates& texts, int64_t now,
                            const Open311Settings& settings, const Open311Call& call) {
  if (call.format != "json" && call.format != "xml") {
    return Err(404, "只支持 .json 和 .xml 两种格式");
  }
  if (sodium_init() < 0) return Err(500, "服务器出错了，请稍后再试");  // keys and tokens need it
  const size_t slash = call.resource.find('/');
  const std::string head = call.resource.substr(0, slash);
  const std::string tail =
      slash == std::string::npos ? std::string() : call.resource.substr(slash + 1);
  if (tail.find('/') != std::string::npos) return Err(404, "没有这个地址");
  const bool get = call.method == "GET";
  if (head == "discovery" && slash == std::string::npos) {
    if (!get) return Err(400, "discovery 只能 GET");
    return Discovery(settings);
  }
  if (head == "services") {
    if (!get) return Err(400, "services 只能 GET");
    if (slash != std::string::npos && tail.empty()) return Err(404, "没有这个 service_code");
    Open311Answer a;
    Status s = db.WithRead([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(a, Services(tx, tail));
      return Status::Ok();
    });
    if (!s.ok()) return Err(500, "服务器出错了，请稍后再试");
    return a;
  }
  const bool requests = head == "requests";
  const bool tokens = head == "tokens" && slash != std::string::npos;
  if (!requests && !tokens) return Err(404, "没有这个地址");
  if (tokens && !get) return Err(400, "tokens 只能 GET");
  if (requests && slash != std::string::npos && !get) return Err(400, "requests/{id} 只能 GET");
  if (requests && slash != std::string::npos && tail.empty()) {
    return Err(404, "没有这个 service_request_id");
  }
  if (!get && call.method != "POST") return Err(400, "只支持 GET 和 POST");

  // Everything about requests needs a key, and is audited and rate-limited.
  Open311Answer a;
  const std::string path = "/open311/v2/" + call.resource + "." + call.format;
  // A call without a valid key is refused on a read. Refused calls are audited up to
  // kMaxRefusedAuditedPerMinute a minute: past that, a flood of bad keys is answered without
  // taking the write lock the residents' messages need, and without growing the audit table.
  bool refused_unaudited = false;
  Status read = db.WithRead([&](storage::Tx& tx) -> Status {
    const std::string key = Param(call, "api_key");
    std::optional<storage::ApiKey> k;
    if (!key.empty() && key.size() <= 100) {
      GEBI_ASSIGN_OR_RETURN(k, storage::ApiKeyByHash(tx, HashApiKey(key)));
    }
    if (k && !k->revoked_at) return Status::Ok();
    GEBI_ASSIGN_OR_RETURN(int64_t refused, storage::RefusedCallsSince(tx, now - 60));
    if (refused >= kMaxRefusedAuditedPerMinute) {
      a = Err(403, key.empty() ? "缺少 api_key" : "api_key 无效或已停用");
      refused_unaudited = true;
    }
    return Status::Ok();
  });
  if (!read.ok()) return Err(500, "服务器出错了，请稍后再试");
  if (refused_unaudited) return a;
  Status s = db.WithTransaction([&](storage::Tx& tx) -> Status {
    const std::string key = Param(call, "api_key");
    std::optional<storage::ApiKey> k;
    if (!key.empty() && key.size() <= 100) {
      GEBI_ASSIGN_OR_RETURN(k, storage::ApiKeyByHash(tx, HashApiKey(key)));
    }
    if (!k || k->revoked_at) {
      a = Err(403, key.empty() ? "缺少 api_key" : "api_key 无效或已停用");
      return storage::AddApiAudit(tx, std::nullopt, now, call.method, path, a.status, call.peer);
    }
    GEBI_ASSIGN_OR_RETURN(int64_t recent, storage::CallsSince(tx, k->id, now - 60));
    if (recent >= settings.requests_per_minute) {
      a = Err(429, fmt::format("每分钟最多 {} 次，请稍后再试", settings.requests_per_minute));
    } else if (tokens) {
      GEBI_ASSIGN_OR_RETURN(a, GetToken(tx, tail));
    } else if (get) {
      GEBI_ASSIGN_OR_RETURN(a, GetRequests(tx, texts, now, settings, call, tail));
    } else {
      GEBI_ASSIGN_OR_RETURN(a, PostRequest(tx, texts, now, call, *k));
    }
    GEBI_RETURN_IF_ERROR(storage::TouchApiKey(tx, k->id, now));
    return storage::AddApiAudit(tx, k->id, now, call.method, path, a.status, call.peer);
  });
  if (!s.ok()) return Err(500, "服务器出错了，请稍后再试");
  return a;
}

}  // namespace gebi::handlers
