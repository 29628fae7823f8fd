#include "bot/push/district.h"

#include <fmt/format.h>
#include <httplib.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "handlers/org/district.h"
#include "handlers/org/ladder.h"
#include "handlers/privacy.h"
#include "storage/open311_store.h"

namespace gebi::bot {

namespace {

using nlohmann::json;

// "https://host:port/open311/v2" -> client for "https://host:port" and prefix "/open311/v2".
struct Endpoint {
  std::unique_ptr<httplib::Client> client;
  std::string prefix;
};

Result<Endpoint> Connect(const Config& config) {
  const std::string& base = config.district.open311_base;
  if (base.empty()) return Status::FailedPrecondition("no [district] open311_base configured");
  const size_t scheme = base.find("://");
  const size_t slash = scheme == std::string::npos ? std::string::npos : base.find('/', scheme + 3);
  Endpoint e;
  const std::string origin = slash == std::string::npos ? base : base.substr(0, slash);
  e.prefix = slash == std::string::npos ? "" : base.substr(slash);
  while (!e.prefix.empty() && e.prefix.back() == '/') e.prefix.pop_back();
  e.client = std::make_unique<httplib::Client>(origin);
  const int timeout = config.district.http_timeout_seconds;
  e.client->set_connection_timeout(timeout, 0);
  e.client->set_read_timeout(timeout, 0);
  e.client->set_write_timeout(timeout, 0);
  return e;
}

// The first {code, description} of an Open311 error answer, or the body's start.
std::string ErrorText(const httplib::Result& r) {
  json body = json::parse(r->body, nullptr, /*allow_exceptions=*/false);
  if (body.is_array() && !body.empty() && body[0].is_object()) {
    return fmt::format("HTTP {}: {}", r->status, body[0].value("description", ""));
  }
  return fmt::format("HTTP {}: {}", r->status, r->body.substr(0, 200));
}

Status Refused(const httplib::Result& r, std::string_view what) {
  if (!r) {
    return Status::Unavailable(
        fmt::format("{}: no answer from the district ({})", what, httplib::to_string(r.error())));
  }
  if (r->status >= 500 || r->status == 429) {
    return Status::Unavailable(fmt::format("{}: {}", what, ErrorText(r)));
  }
  if (r->status == 403) return Status::PermissionDenied(fmt::format("{}: {}", what, ErrorText(r)));
  if (r->status == 404) return Status::NotFound(fmt::format("{}: {}", what, ErrorText(r)));
  return Status::InvalidArgument(fmt::format("{}: {}", what, ErrorText(r)));
}

// The first object of a 200 answer's array; InvalidArgument when the body is not one.
Result<json> FirstObject(const httplib::Result& r, std::string_view what) {
  json body = json::parse(r->body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_array() || body.empty() || !body[0].is_object()) {
    return Status::Unavailable(fmt::format("{}: the district's answer is not an Open311 list: {}",
                                           what, r->body.substr(0, 200)));
  }
  return body[0];
}

std::string Field(const json& o, const char* name) {
  auto it = o.find(name);
  if (it == o.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

}  // namespace

Result<std::string> SendHandoff(storage::Database& db, const Clock& clock, const Config& config,
                                int64_t ticket_id) {
  GEBI_ASSIGN_OR_RETURN(Endpoint e, Connect(config));
  std::optional<storage::Handoff> handoff;
  std::vector<storage::PublicTicket> rows;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(handoff, storage::GetHandoff(tx, ticket_id));
    storage::PublicFilter f;
    f.ids = {ticket_id};
    f.limit = 1;
    GEBI_ASSIGN_OR_RETURN(rows, storage::PublicTickets(tx, f));
    return Status::Ok();
  }));
  if (!handoff || rows.empty()) {
    return Status::NotFound(fmt::format("ticket {} was not handed off", ticket_id));
  }
  if (!handoff->remote_id.empty()) return handoff->remote_id;  // a resend after a crash
  const storage::PublicTicket& p = rows.front();
  httplib::Params form{
      {"api_key", config.district.api_key},
      {"service_code", config.district.service_code.empty() ? p.category
                                                             : config.district.service_code},
      {"description", handlers::MaskPersonalNumbers(p.description)},
      {"address_string", p.community_name + p.grid_name + " " + p.building},
      {"attribute[gebi_id]", std::to_string(p.id)},
  };
  const std::string what = fmt::format("district POST requests for ticket {}", ticket_id);
  auto r = e.client->Post(e.prefix + "/requests.json", form);
  if (!r || (r->status != 200 && r->status != 201)) return Refused(r, what);
  GEBI_ASSIGN_OR_RETURN(json first, FirstObject(r, what));
  std::string remote = Field(first, "service_request_id");
  if (remote.empty()) {
    // A batch server answers a token first: its id comes from tokens/{token}.
    const std::string token = Field(first, "token");
    if (token.empty()) return Status::Unavailable(what + ": neither an id nor a token");
    auto t = e.client->Get(
        e.prefix + "/tokens/" + httplib::detail::encode_query_param(token) + ".json",
        httplib::Params{{"api_key", config.district.api_key}}, httplib::Headers{});
    if (!t || t->status != 200) return Refused(t, what + " (token)");
    GEBI_ASSIGN_OR_RETURN(json tok, FirstObject(t, what + " (token)"));
    remote = Field(tok, "service_request_id");
    if (remote.empty()) return Status::Unavailable(what + ": the token has no id yet");
  }
  if (remote.size() > 100) return Status::InvalidArgument(what + ": the district's id is too long");
  GEBI_RETURN_IF_ERROR(db.WithTransaction([&](storage::Tx& tx) {
    return storage::MarkHandoffSent(tx, ticket_id, remote, clock.NowSeconds());
  }));
  return remote;
}

Result<int> PullDistrict(storage::Database& db, const Clock& clock, const Config& config,
                         const handlers::Templates& texts, int limit) {
  GEBI_ASSIGN_OR_RETURN(Endpoint e, Connect(config));
  std::vector<storage::Handoff> due;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(due, storage::HandoffsToPull(tx, limit));
    return Status::Ok();
  }));
  int changed = 0;
  for (const auto& h : due) {
    const std::string what = fmt::format("district GET requests/{} (ticket {})", h.remote_id,
                                         h.ticket_id);
    auto r = e.client->Get(
        e.prefix + "/requests/" + httplib::detail::encode_query_param(h.remote_id) + ".json",
        httplib::Params{{"api_key", config.district.api_key}}, httplib::Headers{});
    if (!r || r->status != 200) {
      spdlog::warn("{}", Refused(r, what).ToString());
      continue;
    }
    auto first = FirstObject(r, what);
    if (!first.ok()) {
      spdlog::warn("{}", first.status().ToString());
      continue;
    }
    const std::string status = Field(*first, "status");
    const std::string notes = Field(*first, "status_notes");
    bool did = false;
    GEBI_RETURN_IF_ERROR(db.WithTransaction([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(did, handlers::ApplyDistrictStatus(tx, texts, clock.NowSeconds(),
                                                               h.ticket_id, status, notes));
      return Status::Ok();
    }));
    changed += did ? 1 : 0;
  }
  return changed;
}

}  // namespace gebi::bot
