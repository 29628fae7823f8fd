// The Open311 GeoReport v2 edge: mounts GET/POST /open311/v2/<resource>.<json|xml> on a
// cpp-httplib server, turns each request into a handlers::Open311Call (query and form fields,
// the client's address) and renders the answer as JSON or as XML (tinyxml2), logging one line
// per call without the api_key. The routes hold no state beyond the borrowed App: thread-safe.
#pragma once

#include <httplib.h>

#include <string>

#include "bot/app.h"
#include "handlers/org/open311.h"

namespace gebi::bot {

// The path prefix of every Open311 route.
inline constexpr std::string_view kOpen311Prefix = "/open311/v2/";

// Adds the routes to server. app must outlive the server.
void MountOpen311(httplib::Server& server, App& app);

// The answer as XML: <root><item>…</item>…</root> for an array, <root>…</root> for an object;
// nested arrays (attributes, values, endpoints, formats) hold one singular element per entry.
std::string Open311Xml(const handlers::Open311Answer& a);

}  // namespace gebi::bot
