// HttpServer: the cpp-httplib server with the webhook route, /healthz, explicit limits
// (body size, timeouts, keep-alive) and a request log line, plus the admin console and API
// (bot/admin/api.h) unless they listen on their own address. Start/stop from any thread; Stop
// lets in-flight requests finish.
#pragma once

#include <httplib.h>

#include <memory>
#include <string>

#include "bot/app.h"

namespace gebi::bot {

// Applies the thread pool, body limit, timeouts, keep-alive and socket options of
// config.server to server. HttpServer uses it; so does the benchmark's baseline server, so
// the two are always compared under the same settings.
void ApplyServerSettings(httplib::Server& server, const Config& config);

// Binds server to host:port (port 0 = any free port) and returns the bound port, or
// IOError. The port is not shared: a second server on it fails here (cpp-httplib's default
// sets SO_REUSEPORT, which let two processes split one port's connections). The socket
// listens with a backlog of kListenBacklog: Debian's cpp-httplib library listens with 5, and
// a burst of new connections overflowed it; the kernel dropped those handshakes and each
// client waited a second or more to try again.
inline constexpr int kListenBacklog = 1024;
Result<int> BindServer(httplib::Server& server, const std::string& host, int port);

class AdminApi;

// Which route groups a server carries.
enum class Routes {
  kAll,        // webhook, /healthz and (when admin.enabled) the admin console
  kWebhook,    // webhook and /healthz only (the console has its own address)
  kAdminOnly,  // the admin console, its API and /healthz (on admin.listen_host:listen_port)
};

class HttpServer {
 public:
  // app must outlive the server.
  explicit HttpServer(App& app, Routes routes = Routes::kAll);
  ~HttpServer();

  // Binds host:port (port 0 = any free port). Returns the bound port, or IOError.
  Result<int> Bind(const std::string& host, int port);
  // Serves until Stop(); returns false if it could not serve. REQUIRES: Bind succeeded.
  bool Listen();
  // Stops accepting, finishes in-flight requests. Safe to call twice or before Listen.
  void Stop();
  // Waits until the listening loop runs (tests). false after timeout_ms.
  bool WaitUntilRunning(int timeout_ms) const;

 private:
  App& app_;
  httplib::Server server_;
  std::unique_ptr<AdminApi> admin_;
};

}  // namespace gebi::bot
