// The Open311 GeoReport v2 server through the real HTTP server on loopback: discovery,
// services, services/{code}, requests (GET with every filter, POST), requests/{id} and
// tokens/{token}, in .json and .xml; errors as the spec's {code, description} list with
// 400 / 403 / 404 (and 429 past the rate limit); API keys hashed and revocable; every call
// audited; residents' openids and phone numbers never in an answer, addresses at building level.
#include <httplib.h>
#include <tinyxml2.h>

#include <nlohmann/json.hpp>

#include "bot/open311/server.h"
#include "handlers/org/open311.h"
#include "handlers/org/demo_data.h"
#include "storage/ladder_store.h"
#include "storage/open311_store.h"
#include "storage/ticket_store.h"
#include "tests/support/test_env.h"

namespace gebi::testing {
namespace {

using nlohmann::json;

class Open311World {
 public:
  explicit Open311World(int per_minute = 60) : clock_(SystemClock().NowSeconds()) {
    config_ = TestConfig(dir_, /*with_aes=*/false);
    config_.server.timestamp_window_seconds = 10 * 365 * 24 * 3600;
    config_.open311.requests_per_minute = per_minute;
    server_ = std::make_unique<TestServer>(config_, &clock_);
    REQUIRE_OK(db().WithTransaction([&](storage::Tx& tx) {
      std::string report;
      return handlers::SeedDemo(tx, clock_.NowSeconds(), &report);
    }));
    auto k = handlers::IssueApiKey(db(), "区12345平台", clock_.NowSeconds());
    REQUIRE_RESULT_OK(k);
    key = *k;
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }

  storage::Database& db() { return server_->app().db(); }
  FakeClock& clock() { return clock_; }

  std::string Say(const std::string& openid, const std::string& text) {
    auto r = server_->Client().SendText(openid, text);
    REQUIRE_RESULT_OK(r);
    return r->Text();
  }
  int64_t Count(const std::string& sql) {
    int64_t n = 0;
    REQUIRE_OK(db().WithRead([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryInt(sql));
      n = v.value_or(0);
      return Status::Ok();
    }));
    return n;
  }

  httplib::Result Get(const std::string& path, httplib::Params params = {}) {
    return client_->Get(("/open311/v2/" + path).c_str(), params, httplib::Headers{});
  }
  httplib::Result Post(const std::string& path, httplib::Params params) {
    return client_->Post(("/open311/v2/" + path).c_str(), params);
  }
  httplib::Params Keyed(httplib::Params p = {}) {
    p.emplace("api_key", key);
    return p;
  }

  std::string key;

 private:
  TempDir dir_;
  FakeClock clock_;
  bot::Config config_;
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

json Body(const httplib::Result& r) {
  REQUIRE(r);
  return json::parse(r->body);
}

// The spec's error shape: [{"code": status, "description": "..."}].
void RequireError(const httplib::Result& r, int status) {
  REQUIRE(r);
  CAPTURE(r->body);
  REQUIRE(r->status == status);
  json b = json::parse(r->body);
  REQUIRE(b.is_array());
  REQUIRE(b.size() == 1);
  REQUIRE(b[0]["code"] == status);
  REQUIRE(b[0]["description"].is_string());
  REQUIRE(!b[0]["description"].get<std::string>().empty());
}

tinyxml2::XMLElement* XmlRoot(tinyxml2::XMLDocument& doc, const httplib::Result& r) {
  REQUIRE(r);
  CAPTURE(r->body);
  REQUIRE(doc.Parse(r->body.c_str()) == tinyxml2::XML_SUCCESS);
  REQUIRE(doc.RootElement() != nullptr);
  return doc.RootElement();
}

std::string Child(tinyxml2::XMLElement* e, const char* name) {
  REQUIRE(e != nullptr);
  tinyxml2::XMLElement* c = e->FirstChildElement(name);
  REQUIRE(c != nullptr);
  return c->GetText() == nullptr ? "" : c->GetText();
}

TEST_CASE("Open311: discovery and services in JSON and XML, unknown codes and formats",
          "[integration][open311]") {
  Open311World w;
  auto d = Body(w.Get("discovery.json"));
  REQUIRE(d["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2");
  REQUIRE(d["endpoints"][0]["formats"] == json::array({"text/xml", "application/json"}));
  REQUIRE(d["endpoints"][0]["url"].get<std::string>().find("/open311/v2") != std::string::npos);
  tinyxml2::XMLDocument dx;
  auto* disc = XmlRoot(dx, w.Get("discovery.xml"));
  REQUIRE(std::string(disc->Name()) == "discovery");
  REQUIRE(Child(disc->FirstChildElement("endpoints")->FirstChildElement("endpoint"), "type") ==
          "production");

  auto services = Body(w.Get("services.json"));
  REQUIRE(services.is_array());
  bool gas = false;
  for (const auto& s : services) {
    for (const char* f :
         {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}) {
      REQUIRE(s.contains(f));
    }
    REQUIRE(s["type"] == "realtime");
    gas = gas || (s["service_code"] == "gas" && s["service_name"] == "燃气");
  }
  REQUIRE(gas);
  tinyxml2::XMLDocument sx;
  auto* root = XmlRoot(sx, w.Get("services.xml"));
  REQUIRE(std::string(root->Name()) == "services");
  REQUIRE(Child(root->FirstChildElement("service"), "metadata") == "false");

  auto def = Body(w.Get("services/plumbing.json"));
  REQUIRE(def["service_code"] == "plumbing");
  REQUIRE(def["attributes"] == json::array());
  tinyxml2::XMLDocument defx;
  REQUIRE(std::string(XmlRoot(defx, w.Get("services/plumbing.xml"))->Name()) ==
          "service_definition");

  RequireError(w.Get("services/nosuch.json"), 404);
  tinyxml2::XMLDocument ex;
  auto r = w.Get("services/nosuch.xml");
  REQUIRE(r->status == 404);
  auto* errors = XmlRoot(ex, r);
  REQUIRE(std::string(errors->Name()) == "errors");
  REQUIRE(Child(errors->FirstChildElement("error"), "code") == "404");
  RequireError(w.Get("services.txt"), 404);
  RequireError(w.Get("nothing.json"), 404);
  RequireError(w.Get("requests/1/2.json", w.Keyed()), 404);
  // Nothing here needed a key: nothing audited.
  REQUIRE(w.Count("SELECT COUNT(*) FROM api_audit") == 0);
}

TEST_CASE("Open311: API keys are required, hashed, revocable, rate-limited and audited",
          "[integration][open311]") {
  Open311World w(/*per_minute=*/5);
  // Only the hash is stored.
  REQUIRE(w.Count("SELECT COUNT(*) FROM api_keys WHERE key_hash = '" + w.key + "'") == 0);
  REQUIRE(w.Count("SELECT COUNT(*) FROM api_keys WHERE key_hash = '" + handlers::HashApiKey(w.key) +
                  "'") == 1);
  RequireError(w.Get("requests.json"), 403);
  RequireError(w.Get("requests.json", {{"api_key", "g311_wrong"}}), 403);
  RequireError(w.Post("requests.json", {{"service_code", "gas"}}), 403);
  REQUIRE(w.Count("SELECT COUNT(*) FROM api_audit WHERE key_id IS NULL AND status = 403") == 3);
  // A flood of bad keys is refused every time; past 120 refusals a minute it is no longer
  // written down (no write lock, no audit growth), and a good key still works.
  for (int i = 0; i < 150; ++i) RequireError(w.Get("requests.json", {{"api_key", "g311_x"}}), 403);
  REQUIRE(w.Count("SELECT COUNT(*) FROM api_audit WHERE key_id IS NULL") == 120);
  REQUIRE(w.Count("SELECT COUNT(*) FROM tickets") == 0);
  // Five calls a minute, then 429 until the minute has passed.
  for (int i = 0; i < 5; ++i) REQUIRE(w.Get("requests.json", w.Keyed())->status == 200);
  RequireError(w.Get("requests.json", w.Keyed()), 429);
  w.clock().Advance(61);
  REQUIRE(w.Get("requests.json", w.Keyed())->status == 200);
  REQUIRE(w.Count("SELECT COUNT(*) FROM api_audit WHERE key_id IS NOT NULL") == 7);
  REQUIRE(w.Count("SELECT COUNT(*) FROM api_keys WHERE last_used_at IS NOT NULL") == 1);
  // A second consumer of the same name is refused; revoking stops the key at once.
  REQUIRE(handlers::IssueApiKey(w.db(), "区12345平台", 0).status().code() ==
          Status::Code::kAlreadyExists);
  REQUIRE(handlers::IssueApiKey(w.db(), "", 0).status().code() == Status::Code::kInvalidArgument);
  REQUIRE_OK(w.db().WithTransaction([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(bool revoked, storage::RevokeApiKey(tx, "区12345平台", 1));
    REQUIRE(revoked);
    GEBI_ASSIGN_OR_RETURN(bool again, storage::RevokeApiKey(tx, "区12345平台", 2));
    REQUIRE(!again);
    return Status::Ok();
  }));
  w.clock().Advance(61);
  RequireError(w.Get("requests.json", w.Keyed()), 403);
}

TEST_CASE("Open311: GET requests with filters, both formats, nothing personal leaves",
          "[integration][open311]") {
  Open311World w;
  w.Say("o_demo_floorleader", "报修 楼道灯坏了，有事打我电话13912345678");
  const std::string light = std::to_string(w.Count("SELECT MAX(id) FROM tickets"));
  w.Say("o_demo_jin", "报修 厨房水管漏水");
  const std::string pipe = std::to_string(w.Count("SELECT MAX(id) FROM tickets"));

  auto all = w.Get("requests.json", w.Keyed());
  REQUIRE(all->status == 200);
  REQUIRE(all->get_header_value("Content-Type").find("application/json") == 0);
  // No openid, no phone, no room number anywhere in the answer.
  REQUIRE(all->body.find("o_demo") == std::string::npos);
  REQUIRE(all->body.find("13912345678") == std::string::npos);
  REQUIRE(all->body.find("301") == std::string::npos);
  REQUIRE(all->body.find("102") == std::string::npos);
  json list = json::parse(all->body);
  REQUIRE(list.size() == 2);
  const json& r = list[1];  // newest first: the light is second
  REQUIRE(r["service_request_id"] == light);
  REQUIRE(r["status"] == "open");
  REQUIRE(r["service_code"] == "electrical");
  REQUIRE(r["service_name"] == "电");
  REQUIRE(r["description"] == "楼道灯坏了，有事打我电话139****5678");
  REQUIRE(r["address"] == "桂柑社区第一网格 5幢");
  REQUIRE(r["address_id"] == "GG-01");
  REQUIRE(r["agency_responsible"] == "桂柑社区第一网格");
  for (const char* f : {"status_notes", "service_notice", "updated_datetime", "zipcode",
                        "media_url", "expected_datetime"}) {
    REQUIRE(r.contains(f));
  }
  const std::string requested = r["requested_datetime"];
  REQUIRE(requested.size() == 25);
  REQUIRE(requested.substr(19) == "+08:00");
  REQUIRE(handlers::ParseW3CDate(requested).has_value());
  REQUIRE(*handlers::ParseW3CDate(r["expected_datetime"].get<std::string>()) ==
          *handlers::ParseW3CDate(requested) + 24 * 3600);

  SECTION("service_request_id, service_code, status and date filters") {
    REQUIRE(Body(w.Get("requests.json", w.Keyed({{"service_request_id", pipe}}))).size() == 1);
    REQUIRE(Body(w.Get("requests.json", w.Keyed({{"service_request_id", light + "," + pipe}})))
                .size() == 2);
    auto plumbing = Body(w.Get("requests.json", w.Keyed({{"service_code", "plumbing"}})));
    REQUIRE(plumbing.size() == 1);
    REQUIRE(plumbing[0]["service_request_id"] == pipe);
    REQUIRE(Body(w.Get("requests.json", w.Keyed({{"status", "closed"}}))).empty());
    REQUIRE(Body(w.Get("requests.json", w.Keyed({{"status", "open"}}))).size() == 2);
    const std::string later = handlers::W3CDate(w.clock().NowSeconds() + 3600);
    REQUIRE(Body(w.Get("requests.json", w.Keyed({{"start_date", later}}))).empty());
    REQUIRE(Body(w.Get("requests.json", w.Keyed({{"end_date", later}}))).size() == 2);
    const std::string earlier = handlers::W3CDate(w.clock().NowSeconds() - 3600);
    REQUIRE(Body(w.Get("requests.json", w.Keyed({{"start_date", earlier}, {"end_date", later}})))
                .size() == 2);
  }
  SECTION("bad filters are 400 in the spec's shape") {
    RequireError(w.Get("requests.json", w.Keyed({{"start_date", "yesterday"}})), 400);
    RequireError(w.Get("requests.json", w.Keyed({{"end_date", "2026-13-01T00:00:00+08:00"}})), 400);
    RequireError(w.Get("requests.json", w.Keyed({{"start_date", "2026-01-01T00:00:00+08:00"},
                                                 {"end_date", "2026-06-01T00:00:00+08:00"}})),
                 400);
    RequireError(w.Get("requests.json", w.Keyed({{"status", "pending"}})), 400);
    RequireError(w.Get("requests.json", w.Keyed({{"service_request_id", "abc"}})), 400);
    RequireError(w.Get("requests/99999.json", w.Keyed()), 404);
    RequireError(w.Get("requests/abc.json", w.Keyed()), 404);
  }
  SECTION("requests/{id} in XML, then closed once resolved") {
    tinyxml2::XMLDocument doc;
    auto* root = XmlRoot(doc, w.Get("requests/" + light + ".xml", w.Keyed()));
    REQUIRE(std::string(root->Name()) == "service_requests");
    auto* req = root->FirstChildElement("request");
    REQUIRE(Child(req, "service_request_id") == light);
    REQUIRE(Child(req, "status") == "open");
    REQUIRE(Child(req, "address") == "桂柑社区第一网格 5幢");
    w.Say("o_demo_worker1", "受理 " + light);
    w.Say("o_demo_worker1", "办结 " + light + " 换了灯泡，电话13800000001");
    auto closed = Body(w.Get("requests/" + light + ".json", w.Keyed()))[0];
    REQUIRE(closed["status"] == "closed");
    REQUIRE(closed["status_notes"] == "换了灯泡，电话138****0001");
    REQUIRE(closed["expected_datetime"] == "");
    REQUIRE(Body(w.Get("requests.json", w.Keyed({{"status", "closed"}}))).size() == 1);
  }
  // Every keyed call was audited with its status.
  REQUIRE(w.Count("SELECT COUNT(*) FROM api_audit WHERE key_id IS NOT NULL") >= 1);
}

TEST_CASE("Open311: POST requests creates a ticket in the right grid, with a token",
          "[integration][open311]") {
  Open311World w;
  SECTION("refusals change nothing") {
    RequireError(w.Post("requests.json", w.Keyed({{"description", "路灯不亮"}})), 400);
    RequireError(
        w.Post("requests.json", w.Keyed({{"service_code", "nosuch"}, {"description", "路灯不亮"}})),
        400);
    RequireError(w.Post("requests.json", w.Keyed({{"service_code", "electrical"}})), 400);
    RequireError(w.Post("requests.json",
                        w.Keyed({{"service_code", "electrical"}, {"description", "路灯不亮"}})),
                 400);  // no address
    RequireError(w.Post("requests.json", w.Keyed({{"service_code", "electrical"},
                                                  {"description", "路灯不亮"},
                                                  {"address_id", "GG"}})),
                 400);  // a community, not a grid
    RequireError(w.Post("requests.json", w.Keyed({{"service_code", "electrical"},
                                                  {"description", std::string(700, 'x')},
                                                  {"address_id", "GG-01"}})),
                 400);
    RequireError(w.Post("requests/5.json", w.Keyed({{"service_code", "electrical"}})), 400);
    REQUIRE(w.Count("SELECT COUNT(*) FROM tickets") == 0);
    REQUIRE(w.Count("SELECT COUNT(*) FROM outbox") == 0);
  }
  SECTION("created from an address: building level kept, token answers the id") {
    auto r = w.Post("requests.xml", w.Keyed({{"service_code", "electrical"},
                                             {"description", "5幢门口路灯不亮"},
                                             {"address_string", "桂柑小区5幢301"},
                                             {"lat", "28.01"},
                                             {"long", "120.65"}}));
    REQUIRE(r->status == 200);
    tinyxml2::XMLDocument doc;
    auto* req = XmlRoot(doc, r)->FirstChildElement("request");
    const std::string id = Child(req, "service_request_id");
    const std::string token = Child(req, "token");
    REQUIRE(token.size() == 32);
    auto t = Body(w.Get("tokens/" + token + ".json", w.Keyed()));
    REQUIRE(t[0]["service_request_id"] == id);
    RequireError(w.Get("tokens/nosuch.json", w.Keyed()), 404);
    auto got = Body(w.Get("requests/" + id + ".json", w.Keyed()))[0];
    REQUIRE(got["address"] == "桂柑社区第一网格 桂柑小区5幢");
    REQUIRE(got["service_code"] == "electrical");
    REQUIRE(w.Count("SELECT COUNT(*) FROM tickets WHERE id = " + id +
                    " AND reporter = 'open311:区12345平台' AND level = 'grid'") == 1);
    // The grid's worker hears of it.
    REQUIRE(w.Count("SELECT COUNT(*) FROM outbox WHERE recipient = 'o_demo_worker1' AND kind = "
                    "'ticket_new'") == 1);
    // The grid worker can take it like any other ticket; the consumer is pushed nothing.
    w.Say("o_demo_worker1", "接单 " + id);
    REQUIRE(w.Count("SELECT COUNT(*) FROM tickets WHERE id = " + id + " AND status = 'claimed'") ==
            1);
    w.Say("o_demo_worker1", "升级 " + id + " 路灯归社区管");
    REQUIRE(w.Count("SELECT COUNT(*) FROM tickets WHERE id = " + id + " AND level = 'community'") ==
            1);
    REQUIRE(w.Count("SELECT COUNT(*) FROM outbox WHERE recipient LIKE 'open311:%'") == 0);
  }
  SECTION("created by grid code") {
    auto r = Body(w.Post("requests.json", w.Keyed({{"service_code", "plumbing"},
                                                   {"description", "井盖松动"},
                                                   {"address_id", "GG-02"}})));
    REQUIRE(r[0].contains("service_request_id"));
    REQUIRE(w.Count("SELECT COUNT(*) FROM tickets t JOIN org_units g ON g.id = t.grid_id "
                    "WHERE g.code = 'GG-02'") == 1);
  }
}

TEST_CASE("Open311: W3C dates round-trip with offsets", "[handlers][open311]") {
  REQUIRE(handlers::W3CDate(0) == "1970-01-01T08:00:00+08:00");
  REQUIRE(handlers::ParseW3CDate("1970-01-01T08:00:00+08:00") == 0);
  REQUIRE(handlers::ParseW3CDate("1970-01-01T00:00:00Z") == 0);
  REQUIRE(handlers::ParseW3CDate("1970-01-01T00:00:00.123-01:30") == 5400);
  for (const char* bad :
       {"", "1970-01-01", "1970-01-01T00:00:00", "1970-01-01T25:00:00Z", "1970-01-01T00:00:00+8",
        "x970-01-01T00:00:00Z", "1970-01-01T00:00:00Zjunk"}) {
    CAPTURE(bad);
    REQUIRE(!handlers::ParseW3CDate(bad).has_value());
  }
}

}  // namespace
}  // namespace gebi::testing
