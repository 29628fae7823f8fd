#include "bot/open311/server.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <tinyxml2.h>

#include <chrono>

namespace gebi::bot {

namespace {

using nlohmann::json;

// The element of each entry of a nested array, by the array's name.
std::string Singular(const std::string& name) {
  if (name == "attributes") return "attribute";
  if (name == "values") return "value";
  if (name == "endpoints") return "endpoint";
  if (name == "formats") return "format";
  return "item";
}

std::string Scalar(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_null()) return "";
  return v.dump();
}

void AddValue(tinyxml2::XMLDocument& doc, tinyxml2::XMLElement* parent, const std::string& name,
              const json& v) {
  tinyxml2::XMLElement* e = doc.NewElement(name.c_str());
  parent->InsertEndChild(e);
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) AddValue(doc, e, it.key(), it.value());
  } else if (v.is_array()) {
    for (const auto& child : v) AddValue(doc, e, Singular(name), child);
  } else {
    e->SetText(Scalar(v).c_str());  // tinyxml2 escapes &, < and > in text
  }
}

std::string ClientAddress(const httplib::Request& req) { return req.remote_addr; }

}  // namespace

std::string Open311Xml(const handlers::Open311Answer& a) {
  tinyxml2::XMLDocument doc;
  doc.InsertEndChild(doc.NewDeclaration("xml version=\"1.0\" encoding=\"utf-8\""));
  tinyxml2::XMLElement* root = doc.NewElement(a.xml_root.c_str());
  doc.InsertEndChild(root);
  if (a.body.is_array()) {
    for (const auto& item : a.body) AddValue(doc, root, a.xml_item, item);
  } else if (a.body.is_object()) {
    for (auto it = a.body.begin(); it != a.body.end(); ++it) {
      AddValue(doc, root, it.key(), it.value());
    }
  }
  tinyxml2::XMLPrinter printer;
  doc.Print(&printer);
  return std::string(printer.CStr(), static_cast<size_t>(printer.CStrSize() - 1));
}

void MountOpen311(httplib::Server& server, App& app) {
  auto handle = [&app](const httplib::Request& req, httplib::Response& res) {
    auto start = std::chrono::steady_clock::now();
    const Config& c = app.config();
    handlers::Open311Call call;
    call.method = req.method;
    std::string rest = req.path.substr(kOpen311Prefix.size());
    const size_t dot = rest.rfind('.');
    if (dot != std::string::npos && rest.find('/', dot) == std::string::npos) {
      call.format = rest.substr(dot + 1);
      rest = rest.substr(0, dot);
    }
    call.resource = rest;
    for (const auto& [k, v] : req.params) call.params.emplace(k, v);  // first value wins
    call.peer = ClientAddress(req);
    handlers::Open311Settings settings;
    settings.base_url = c.open311.public_base.empty()
                            ? fmt::format("http://{}/open311/v2", req.get_header_value("Host"))
                            : c.open311.public_base + "/open311/v2";
    settings.requests_per_minute = c.open311.requests_per_minute;
    settings.max_results = c.open311.max_results;
    settings.ladder = {c.escalation.claim_hours, c.escalation.resolve_hours};
    handlers::Open311Answer a = handlers::HandleOpen311(app.db(), app.templates(),
                                                        app.clock().NowSeconds(), settings, call);
    res.status = a.status;
    if (call.format == "xml") {
      res.set_content(Open311Xml(a), "text/xml; charset=utf-8");
    } else {
      res.set_content(a.body.dump(), "application/json; charset=utf-8");
    }
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
    spdlog::log(a.status < 400 ? spdlog::level::info : spdlog::level::warn,
                "{} {} {} open311 us={}", req.method, req.path, a.status, us);
  };
  const std::string pattern = std::string(kOpen311Prefix) + ".*";
  server.Get(pattern, handle);
  server.Post(pattern, handle);
}

}  // namespace gebi::bot
