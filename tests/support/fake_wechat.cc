#include "tests/support/fake_wechat.h"

#include <chrono>
#include <stdexcept>

namespace gebi::testing {

namespace {
using nlohmann::json;

const char* kPaths[] = {
    "/cgi-bin/token",
    "/cgi-bin/stable_token",
    "/cgi-bin/message/custom/send",
    "/cgi-bin/message/template/send",
    "/cgi-bin/qrcode/create",
    "/cgi-bin/media/get",
    "/cgi-bin/menu/create",
    "/cgi-bin/user/info",
};

json Err(int code, const std::string& msg) { return {{"errcode", code}, {"errmsg", msg}}; }
}  // namespace

FakeWeChat::FakeWeChat(std::string appid, std::string secret)
    : appid_(std::move(appid)), secret_(std::move(secret)) {
  server_.new_task_queue = [] { return new httplib::ThreadPool(16); };
  server_.set_tcp_nodelay(true);
  for (const char* p : kPaths) {
    std::string path = p;
    auto h = [this, path](const httplib::Request& req, httplib::Response& res) {
      Handle(req, res, path);
    };
    server_.Get(path, h);
    server_.Post(path, h);
  }
  port_ = server_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("fake wechat: cannot bind");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  for (int waited = 0; waited < 5000 && !server_.is_running(); waited += 5) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

FakeWeChat::~FakeWeChat() {
  server_.stop();
  if (thread_.joinable()) thread_.join();
}

void FakeWeChat::AddFault(const std::string& path, Fault fault) {
  std::lock_guard<std::mutex> lock(mu_);
  faults_[path].push_back(fault);
}

void FakeWeChat::ClearFaults() {
  std::lock_guard<std::mutex> lock(mu_);
  faults_.clear();
}

void FakeWeChat::SetFollower(const std::string& openid, bool following) {
  std::lock_guard<std::mutex> lock(mu_);
  followers_[openid] = following;
}

void FakeWeChat::AddMedia(const std::string& media_id, std::string bytes,
                          std::string content_type) {
  std::lock_guard<std::mutex> lock(mu_);
  media_[media_id] = {std::move(bytes), std::move(content_type)};
}

void FakeWeChat::SetTokenLifetime(int seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  token_lifetime_ = seconds;
}

void FakeWeChat::RevokeTokens() {
  std::lock_guard<std::mutex> lock(mu_);
  valid_tokens_.clear();
  stable_token_.clear();
}

std::vector<FakeWeChat::Call> FakeWeChat::Calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return calls_;
}

std::vector<FakeWeChat::Call> FakeWeChat::CallsTo(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Call> out;
  for (const Call& c : calls_) {
    if (c.path == path) out.push_back(c);
  }
  return out;
}

std::vector<FakeWeChat::Delivery> FakeWeChat::Deliveries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return deliveries_;
}

int FakeWeChat::CountCalls(const std::string& path) const {
  return static_cast<int>(CallsTo(path).size());
}

void FakeWeChat::ClearRecords() {
  std::lock_guard<std::mutex> lock(mu_);
  calls_.clear();
  deliveries_.clear();
}

json FakeWeChat::LastMenu() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_menu_;
}

std::string FakeWeChat::Issue(const std::string& kind) {
  std::string t = kind + "-token-" + std::to_string(++token_seq_);
  valid_tokens_.insert(t);
  return t;
}

bool FakeWeChat::ApplyFault(const std::string& path, httplib::Response& res, Call& call) {
  Fault f;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = faults_.find(path);
    if (it == faults_.end() || it->second.empty()) return false;
    f = it->second.front();
    Fault& live = it->second.front();
    if (live.times > 0 && --live.times == 0) it->second.erase(it->second.begin());
  }
  switch (f.kind) {
    case FaultKind::kSlow:
      std::this_thread::sleep_for(std::chrono::milliseconds(f.delay_ms));
      return false;
    case FaultKind::kTimeout:
      std::this_thread::sleep_for(std::chrono::milliseconds(f.delay_ms));
      Answer(res, call, Err(-1, "system error"));
      return true;
    case FaultKind::kHttp5xx:
      call.http_status = 503;
      res.status = 503;
      res.set_content("Service Unavailable", "text/plain");
      {
        std::lock_guard<std::mutex> lock(mu_);
        calls_.push_back(call);
      }
      return true;
    case FaultKind::kErrcode:
      Answer(res, call, Err(f.errcode, "injected fault"));
      return true;
  }
  return false;
}

void FakeWeChat::Answer(httplib::Response& res, Call& call, const json& body) {
  call.errcode = body.value("errcode", 0);
  {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back(call);
  }
  res.set_content(body.dump(), "application/json; encoding=utf-8");
}

void FakeWeChat::Handle(const httplib::Request& req, httplib::Response& res,
                        const std::string& path) {
  Call call;
  call.path = path;
  call.method = req.method;
  for (const auto& [k, v] : req.params) call.query[k] = v;
  if (req.method == "POST") {
    call.body = json::parse(req.body, nullptr, false);
    if (call.body.is_discarded()) return Answer(res, call, Err(47001, "data format error"));
  }
  if (ApplyFault(path, res, call)) return;

  // Token endpoints.
  if (path == "/cgi-bin/token" || path == "/cgi-bin/stable_token") {
    std::string appid, secret;
    bool force = false;
    if (path == "/cgi-bin/token") {
      if (req.method != "GET") return Answer(res, call, Err(43001, "require GET method"));
      if (req.get_param_value("grant_type") != "client_credential") {
        return Answer(res, call, Err(40002, "invalid grant_type"));
      }
      appid = req.get_param_value("appid");
      secret = req.get_param_value("secret");
    } else {
      if (req.method != "POST") return Answer(res, call, Err(43002, "require POST method"));
      appid = call.body.value("appid", "");
      secret = call.body.value("secret", "");
      force = call.body.value("force_refresh", false);
    }
    if (appid != appid_) return Answer(res, call, Err(40013, "invalid appid"));
    if (secret != secret_) return Answer(res, call, Err(40125, "invalid appsecret"));
    std::lock_guard<std::mutex> lock(mu_);
    std::string token;
    if (path == "/cgi-bin/stable_token") {
      if (stable_token_.empty() || force) stable_token_ = Issue("stable");
      token = stable_token_;
    } else {
      token = Issue("classic");
    }
    json body = {{"access_token", token}, {"expires_in", token_lifetime_}};
    call.errcode = 0;
    calls_.push_back(call);
    res.set_content(body.dump(), "application/json; encoding=utf-8");
    return;
  }

  // Every other endpoint needs a valid token.
  std::string token = req.get_param_value("access_token");
  {
    std::unique_lock<std::mutex> lock(mu_);
    bool valid = valid_tokens_.count(token) > 0;
    lock.unlock();
    if (token.empty()) return Answer(res, call, Err(41001, "access_token missing"));
    if (!valid) {
      return Answer(res, call,
                    Err(40001, "invalid credential, access_token is invalid or not latest"));
    }
  }

  if (path == "/cgi-bin/message/custom/send") {
    const json& b = call.body;
    if (!b.is_object() || b.value("msgtype", "") != "text" || !b.contains("text") ||
        !b["text"].is_object() || !b["text"].contains("content") || b.value("touser", "").empty()) {
      return Answer(res, call, Err(47003, "argument invalid!"));
    }
    std::lock_guard<std::mutex> lock(mu_);
    deliveries_.push_back(
        {"custom", b["touser"].get<std::string>(), b["text"]["content"].get<std::string>(), b});
    call.errcode = 0;
    calls_.push_back(call);
    res.set_content(Err(0, "ok").dump(), "application/json; encoding=utf-8");
    return;
  }
  if (path == "/cgi-bin/message/template/send") {
    const json& b = call.body;
    if (!b.is_object() || b.value("template_id", "").empty() || !b.contains("data") ||
        !b["data"].is_object()) {
      return Answer(res, call, Err(47003, "argument invalid!"));
    }
    std::string touser = b.value("touser", "");
    std::lock_guard<std::mutex> lock(mu_);
    auto f = followers_.find(touser);
    if (f == followers_.end() || !f->second) {
      call.errcode = 43004;
      calls_.push_back(call);
      res.set_content(Err(43004, "require subscribe").dump(), "application/json");
      return;
    }
    std::string text;
    for (const auto& [k, v] : b["data"].items()) text += k + "=" + v.value("value", "") + ";";
    deliveries_.push_back({"template", touser, text, b});
    call.errcode = 0;
    calls_.push_back(call);
    json ok = Err(0, "ok");
    ok["msgid"] = static_cast<int64_t>(deliveries_.size());
    res.set_content(ok.dump(), "application/json; encoding=utf-8");
    return;
  }
  if (path == "/cgi-bin/qrcode/create") {
    const json& b = call.body;
    std::string action = b.value("action_name", "");
    std::string scene;
    if (b.contains("action_info") && b["action_info"].contains("scene")) {
      scene = b["action_info"]["scene"].value("scene_str", "");
    }
    if ((action != "QR_LIMIT_STR_SCENE" && action != "QR_STR_SCENE") || scene.empty() ||
        scene.size() > 64) {
      return Answer(res, call, Err(40053, "invalid action info"));
    }
    int n;
    {
      std::lock_guard<std::mutex> lock(mu_);
      n = ++qr_seq_;
    }
    json body = {{"ticket", "gQFake" + std::to_string(n) + "ticket=="},
                 {"url", "http://weixin.qq.com/q/fake" + std::to_string(n) + "_" + scene}};
    return Answer(res, call, body);
  }
  if (path == "/cgi-bin/media/get") {
    std::string id = req.get_param_value("media_id");
    std::unique_lock<std::mutex> lock(mu_);
    auto it = media_.find(id);
    if (it == media_.end()) {
      lock.unlock();
      return Answer(res, call, Err(40007, "invalid media_id"));
    }
    calls_.push_back(call);
    res.set_content(it->second.first, it->second.second.c_str());
    return;
  }
  if (path == "/cgi-bin/menu/create") {
    const json& b = call.body;
    if (!b.is_object() || !b.contains("button") || !b["button"].is_array() || b["button"].empty() ||
        b["button"].size() > 3) {
      return Answer(res, call, Err(40016, "invalid button size"));
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      last_menu_ = b;
    }
    return Answer(res, call, Err(0, "ok"));
  }
  if (path == "/cgi-bin/user/info") {
    std::string openid = req.get_param_value("openid");
    std::unique_lock<std::mutex> lock(mu_);
    auto it = followers_.find(openid);
    bool following = it != followers_.end() && it->second;
    lock.unlock();
    if (!following) return Answer(res, call, json{{"subscribe", 0}, {"openid", openid}});
    return Answer(
        res, call,
        json{{"subscribe", 1}, {"openid", openid}, {"subscribe_scene", "ADD_SCENE_QR_CODE"}});
  }
  Answer(res, call, Err(-1, "system error"));
}

}  // namespace gebi::testing
