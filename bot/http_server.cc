#include "bot/http_server.h"

#include <fmt/format.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <functional>
#include <memory>
#include <thread>

#include "bot/admin/api.h"
#include "bot/log.h"
#include "bot/open311/server.h"
#include "bot/wechat/webhook.h"
#include "storage/migrations.h"

namespace gebi::bot {

namespace {

// cpp-httplib's pool gives a connection its thread for as long as the client keeps it open, so
// with every thread taken a new connection waits in the queue until some client closes (under
// wrk, 66 busy connections to 64 threads: p99 1.3 s, the longest 3.5 s; WeChat gives up at 5).
// This queue counts the connections waiting for a thread; ApplyServerSettings closes busy
// connections while any waits.
class HandOffQueue : public httplib::TaskQueue {
 public:
  HandOffQueue(size_t threads, std::shared_ptr<std::atomic<int>> waiting)
      : pool_(threads), waiting_(std::move(waiting)) {}
  void enqueue(std::function<void()> fn) override {
    waiting_->fetch_add(1, std::memory_order_relaxed);
    pool_.enqueue([waiting = waiting_, fn = std::move(fn)] {
      waiting->fetch_sub(1, std::memory_order_relaxed);
      fn();
    });
  }
  void shutdown() override { pool_.shutdown(); }

 private:
  httplib::ThreadPool pool_;
  std::shared_ptr<std::atomic<int>> waiting_;
};

WebhookRequest ToWebhookRequest(const httplib::Request& req) {
  WebhookRequest w;
  w.method = req.method;
  for (const auto& [k, v] : req.params) w.query.emplace(k, v);  // first value wins
  w.body = req.body;
  return w;
}

}  // namespace

void ApplyServerSettings(httplib::Server& server, const Config& config) {
  const Config::Server& c = config.server;
  const auto threads = static_cast<size_t>(c.threads);
  auto waiting = std::make_shared<std::atomic<int>>(0);
  server.new_task_queue = [threads, waiting] { return new HandOffQueue(threads, waiting); };
  // While a connection waits for a thread, every answer says "Connection: close": the client
  // closes (HTTP/1.1 has it stop sending on that connection), the thread reads the end of the
  // stream and takes the waiting connection, so busy keep-alive connections take turns.
  // cpp-httplib calls this after it has added its own headers, just before writing them.
  server.set_post_routing_handler([waiting](const httplib::Request&, httplib::Response& res) {
    if (waiting->load(std::memory_order_relaxed) > 0 && !res.has_header("Connection")) {
      res.headers.erase("Keep-Alive");
      res.set_header("Connection", "close");
    }
  });
  server.set_payload_max_length(static_cast<size_t>(c.max_body_bytes));
  server.set_read_timeout(c.read_timeout_seconds, 0);
  server.set_write_timeout(c.write_timeout_seconds, 0);
  server.set_keep_alive_max_count(static_cast<size_t>(c.keep_alive_max));
  server.set_keep_alive_timeout(5);
  server.set_tcp_nodelay(true);
  // cpp-httplib applies the payload limit to Content-Length bodies only: a chunked body, or a
  // POST without a length that runs until the connection closes, would be read whole before
  // any route sees it. Such requests are answered before their body is read. WeChat, nginx
  // and browsers all send Content-Length.
  const int64_t max_body = c.max_body_bytes;
  server.set_pre_routing_handler([max_body](const httplib::Request& req, httplib::Response& res) {
    auto refuse = [&res](int status, const char* why) {
      res.status = status;
      res.set_header("Connection", "close");  // the unread body must not be read as a request
      res.set_content(why, "text/plain");
      return httplib::Server::HandlerResponse::Handled;
    };
    if (req.has_header("Transfer-Encoding")) return refuse(411, "length required");
    const bool has_length = req.has_header("Content-Length");
    if (!has_length && (req.method == "POST" || req.method == "PUT" || req.method == "PATCH")) {
      return refuse(411, "length required");
    }
    if (has_length) {
      const std::string value = req.get_header_value("Content-Length");
      int64_t length = -1;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
      if (ec != std::errc() || end != value.data() + value.size() || length < 0) {
        return refuse(400, "bad Content-Length");
      }
      if (length > max_body) return refuse(413, "body too large");
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
}

HttpServer::HttpServer(App& app, Routes routes) : app_(app) {
  const Config& c = app_.config();
  ApplyServerSettings(server_, c);

  auto webhook = [this](const httplib::Request& req, httplib::Response& res) {
    auto start = std::chrono::steady_clock::now();
    WebhookResponse w = HandleWebhook(app_, ToWebhookRequest(req));
    res.status = w.status;
    res.set_content(w.body, w.content_type.c_str());
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
    auto level = w.status == 200 && w.outcome.rfind("failed", 0) != 0 ? spdlog::level::info
                                                                      : spdlog::level::warn;
    spdlog::log(level, "{} {} {} type={} key={} route={} outcome={} us={}", req.method, req.path,
                w.status, w.msg_type, w.msg_key, w.route, w.outcome, us);
  };
  if (routes != Routes::kAdminOnly) {
    server_.Get(c.server.path, webhook);
    server_.Post(c.server.path, webhook);
  }
  if (c.admin.enabled && routes != Routes::kWebhook) {
    admin_ = std::make_unique<AdminApi>(app_);
    admin_->Mount(server_);
  }
  if (c.open311.enabled && routes != Routes::kAdminOnly) MountOpen311(server_, app_);
  server_.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    auto version = storage::SchemaVersion(app_.db());
    if (!version.ok()) {
      res.status = 503;
      res.set_content(R"({"status":"db unavailable"})", "application/json");
      return;
    }
    res.set_content(fmt::format(R"({{"status":"ok","schema":{}}})", *version), "application/json");
  });
  server_.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.status == 413) res.set_content("body too large", "text/plain");
    spdlog::warn("{} {} {}", req.method, req.path, res.status);
  });
  // Last net: an exception escaping a route must not become a bare 500 that WeChat retries.
  server_.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        spdlog::error("{} {} exception: {}", req.method, req.path, what);
        if (req.path.rfind(kOpen311Prefix, 0) == 0) {  // another platform, not WeChat
          res.status = 500;
          res.set_content(R"([{"code":500,"description":"服务器出错了，请稍后再试"}])",
                          "application/json");
          return;
        }
        if (req.path.rfind(kAdminApiPrefix, 0) == 0) {  // a person, not WeChat, is waiting
          res.status = 500;
          res.set_content(R"({"error":"服务器出错了，请稍后再试"})", "application/json");
          return;
        }
        res.status = 200;
        res.set_content("success", "text/plain");
      });
}

Result<int> BindServer(httplib::Server& server, const std::string& host, int port) {
  // cpp-httplib hands each socket it tries to the options callback before bind(); the last
  // one is the socket it bound.
  auto sock = std::make_shared<int>(-1);
  server.set_socket_options([sock](socket_t s) {
    int yes = 1;
    (void)setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    *sock = s;
  });
  int bound = port;
  if (port == 0) {
    bound = server.bind_to_any_port(host);
    if (bound <= 0) return Status::IOError(fmt::format("cannot bind {}:any", host));
  } else if (!server.bind_to_port(host, port)) {
    return Status::IOError(fmt::format("cannot bind {}:{} (in use?)", host, port));
  }
  // listen() again on a listening socket only changes its backlog (Linux and the BSDs).
  if (::listen(*sock, kListenBacklog) != 0) {
    return Status::IOError(
        fmt::format("cannot listen on {}:{}: {}", host, bound, std::strerror(errno)));
  }
  return bound;
}

HttpServer::~HttpServer() {
  Stop();
  // The listening thread must be gone before admin_ (the routes use it) is destroyed: owners
  // join it before destroying the server.
}

Result<int> HttpServer::Bind(const std::string& host, int port) {
  return BindServer(server_, host, port);
}

bool HttpServer::Listen() { return server_.listen_after_bind(); }

void HttpServer::Stop() {
  if (server_.is_running()) server_.stop();
}

bool HttpServer::WaitUntilRunning(int timeout_ms) const {
  for (int waited = 0; waited < timeout_ms; waited += 5) {
    if (server_.is_running()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return server_.is_running();
}

}  // namespace gebi::bot
