// FakeWeChat: a WeChat API on 127.0.0.1 (cpp-httplib, port chosen at run time) for tests and
// the outbox benchmark. Implements /cgi-bin/token, /cgi-bin/stable_token,
// /cgi-bin/message/custom/send, /cgi-bin/message/template/send, /cgi-bin/qrcode/create,
// /cgi-bin/media/get, /cgi-bin/menu/create and /cgi-bin/user/info with WeChat's shapes and
// error codes; records every call and every delivered message; injects faults per endpoint.
// Thread-safe: every method may be called while the server runs.
#pragma once

#include <httplib.h>

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace gebi::testing {

class FakeWeChat {
 public:
  struct Call {
    std::string path;  // "/cgi-bin/message/custom/send"
    std::string method;
    std::map<std::string, std::string> query;
    nlohmann::json body;  // null for GET
    int errcode = 0;      // what the fake answered (0 also for HTTP faults: see http_status)
    int http_status = 200;
  };
  // A message WeChat accepted for delivery.
  struct Delivery {
    std::string channel;  // custom | template
    std::string touser;
    std::string text;  // custom: text.content; template: data joined "k=v;" sorted
    nlohmann::json body;
  };
  enum class FaultKind {
    kTimeout,  // sleep `delay_ms` (longer than the client timeout), then answer -1, no effect
    kSlow,     // sleep `delay_ms`, then answer normally
    kHttp5xx,  // HTTP 503, no effect
    kErrcode,  // answer {"errcode": errcode}, no effect
  };
  struct Fault {
    FaultKind kind = FaultKind::kErrcode;
    int errcode = -1;
    int delay_ms = 0;
    int times = 1;  // how many calls it hits; -1 = every call
  };

  // appid/secret the token endpoints accept.
  FakeWeChat(std::string appid = "wx2c2769f8efd9abc2", std::string secret = "fake-secret");
  ~FakeWeChat();

  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Adds a fault for path (faults of a path apply in the order added).
  void AddFault(const std::string& path, Fault fault);
  void ClearFaults();

  // Followers (user/info subscribe=1); template/send to others answers 43004.
  void SetFollower(const std::string& openid, bool following);
  // A photo media/get returns.
  void AddMedia(const std::string& media_id, std::string bytes, std::string content_type);
  // Lifetime of new tokens (expires_in).
  void SetTokenLifetime(int seconds);
  // Makes every issued token invalid (as if fetched elsewhere): next API calls get 40001.
  void RevokeTokens();

  std::vector<Call> Calls() const;
  std::vector<Call> CallsTo(const std::string& path) const;
  std::vector<Delivery> Deliveries() const;
  int CountCalls(const std::string& path) const;
  void ClearRecords();
  nlohmann::json LastMenu() const;

 private:
  void Handle(const httplib::Request& req, httplib::Response& res, const std::string& path);
  // Applies the first matching fault; true when it produced the answer.
  bool ApplyFault(const std::string& path, httplib::Response& res, Call& call);
  void Answer(httplib::Response& res, Call& call, const nlohmann::json& body);
  std::string Issue(const std::string& kind);

  const std::string appid_;
  const std::string secret_;
  mutable std::mutex mu_;
  std::map<std::string, std::vector<Fault>> faults_;                  // guarded by mu_
  std::vector<Call> calls_;                                           // guarded by mu_
  std::vector<Delivery> deliveries_;                                  // guarded by mu_
  std::set<std::string> valid_tokens_;                                // guarded by mu_
  std::string stable_token_;                                          // guarded by mu_
  int token_lifetime_ = 7200;                                         // guarded by mu_
  int token_seq_ = 0;                                                 // guarded by mu_
  int qr_seq_ = 0;                                                    // guarded by mu_
  std::map<std::string, bool> followers_;                             // guarded by mu_
  std::map<std::string, std::pair<std::string, std::string>> media_;  // guarded by mu_
  nlohmann::json last_menu_;                                          // guarded by mu_

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace gebi::testing
