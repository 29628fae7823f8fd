// The community grid through the real server on loopback, as WeChat drives it: the stories S1
// (join by QR), S2 (join by address), S3 (repairs) and S5 (volunteers) as conversations between
// several openids, asserting replies, stored state and queued outbox rows; permissions of every
// role; a restart in the middle of the join flow; expiry; hostile input.
#include <nlohmann/json.hpp>

#include "handlers/org/demo_data.h"
#include "storage/join_store.h"
#include "storage/org_store.h"
#include "storage/outbox.h"
#include "storage/ticket_store.h"
#include "storage/volunteer_store.h"
#include "tests/support/test_env.h"

namespace gebi::testing {
namespace {

using nlohmann::json;

// The demo district on a real server. A FakeClock (starting now) lets tests move time; the
// signature window is widened so requests signed with the real time still verify.
class GridWorld {
 public:
  GridWorld() : clock_(SystemClock().NowSeconds()) {
    config_ = TestConfig(dir_, /*with_aes=*/false);
    config_.server.timestamp_window_seconds = 10 * 365 * 24 * 3600;
    Start();
    REQUIRE_OK(server_->app().db().WithTransaction([&](storage::Tx& tx) {
      std::string report;
      return handlers::SeedDemo(tx, clock_.NowSeconds(), &report);
    }));
    grid1 = UnitId("GG-01");
    grid2 = UnitId("GG-02");
    grid3 = UnitId("GG-03");
  }

  void Start() { server_ = std::make_unique<TestServer>(config_, &clock_); }
  void Restart() {
    server_->Stop();
    server_.reset();
    Start();
  }

  // Sends text as openid; the reply as a person reads it.
  std::string Say(const std::string& openid, const std::string& text) {
    auto r = server_->Client().SendText(openid, text);
    REQUIRE_RESULT_OK(r);
    REQUIRE(r->status == 200);
    return r->Text();
  }
  std::string Event(const std::string& openid, const std::string& event, const std::string& key) {
    // Events dedup on sender + CreateTime + event + key: give each its own CreateTime.
    handlers::Message m;
    m.from_user = openid;
    m.msg_type = "event";
    m.event = event;
    m.event_key = key;
    m.create_time = SystemClock().NowSeconds() + (++event_seq_);
    auto r = server_->Client().Send(m, false);
    REQUIRE_RESULT_OK(r);
    REQUIRE(r->status == 200);
    return r->Text();
  }
  std::string Image(const std::string& openid, const std::string& url, const std::string& media) {
    handlers::Message m;
    m.from_user = openid;
    m.msg_type = "image";
    m.msg_id = bot::ChatClient::NextMsgId();
    m.pic_url = url;
    m.media_id = media;
    auto r = server_->Client().Send(m, false);
    REQUIRE_RESULT_OK(r);
    return r->Text();
  }
  std::string Location(const std::string& openid, double lat, double lon,
                       const std::string& label) {
    handlers::Message m;
    m.from_user = openid;
    m.msg_type = "location";
    m.msg_id = bot::ChatClient::NextMsgId();
    m.location_x = lat;
    m.location_y = lon;
    m.scale = 15;
    m.label = label;
    auto r = server_->Client().Send(m, false);
    REQUIRE_RESULT_OK(r);
    return r->Text();
  }

  std::string Render(std::string_view key, const handlers::TemplateArgs& args = {}) {
    return server_->app().templates().Render(key, args);
  }

  // Reads inside one read transaction.
  template <typename Fn>
  void Read(Fn fn) {
    REQUIRE_OK(server_->app().db().WithRead([&](storage::Tx& tx) -> Status { return fn(tx); }));
  }
  int64_t Count(const std::string& sql) {
    int64_t n = -1;
    Read([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(auto v, tx.QueryInt(sql));
      n = v.value_or(0);
      return Status::Ok();
    });
    return n;
  }
  std::vector<storage::OutboxItem> Outbox(const std::string& recipient) {
    std::vector<storage::OutboxItem> out;
    Read([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(out, storage::ListOutboxFor(tx, recipient));
      return Status::Ok();
    });
    return out;
  }
  std::vector<storage::OutboxItem> OutboxOfKind(const std::string& recipient,
                                                const std::string& kind) {
    std::vector<storage::OutboxItem> out;
    for (auto& o : Outbox(recipient)) {
      if (o.kind == kind) out.push_back(o);
    }
    return out;
  }
  std::optional<storage::Ticket> Ticket(int64_t id) {
    std::optional<storage::Ticket> t;
    Read([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(t, storage::GetTicket(tx, id));
      return Status::Ok();
    });
    return t;
  }
  std::optional<storage::Resident> Resident(const std::string& openid) {
    std::optional<storage::Resident> r;
    Read([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(r, storage::GetResident(tx, openid));
      return Status::Ok();
    });
    return r;
  }
  int64_t UnitId(const std::string& code) {
    int64_t id = 0;
    Read([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(auto u, storage::GetUnitByCode(tx, code));
      if (!u) return Status::NotFound(code);
      id = u->id;
      return Status::Ok();
    });
    return id;
  }
  int64_t LastId(const std::string& table) { return Count("SELECT MAX(id) FROM " + table); }
  // Row counts of every table a grid command writes: equal before and after a refusal.
  std::string Fingerprint() {
    std::string out;
    for (const char* t :
         {"join_requests", "residents", "tickets", "ticket_events", "ticket_media", "ticket_likes",
          "volunteers", "volunteer_skills", "outbox", "conversations", "circle_members"}) {
      out += std::string(t) + "=" +
             std::to_string(Count(std::string("SELECT COUNT(*) FROM ") + t)) + " ";
    }
    out += "status=" + std::to_string(Count("SELECT SUM(length(status)) FROM tickets")) + "/" +
           std::to_string(Count("SELECT SUM(length(status)) FROM join_requests"));
    return out;
  }

  // Plays S1 for openid into grid (scan, name, confirm, approve by worker); returns request id.
  int64_t JoinApproved(const std::string& openid, int64_t grid, const std::string& name_room,
                       const std::string& worker) {
    Event(openid, "SCAN", "grid-" + std::to_string(grid));
    Say(openid, name_room);
    Say(openid, "是");
    int64_t id = LastId("join_requests");
    REQUIRE(Say(worker, "通过 " + std::to_string(id)).find("已通过") != std::string::npos);
    return id;
  }

  // Reports a repair as openid; returns the new ticket id.
  int64_t Repair(const std::string& openid, const std::string& what) {
    std::string reply = Say(openid, "报修 " + what);
    REQUIRE(reply.find("已登记报修") != std::string::npos);
    return LastId("tickets");
  }

  FakeClock& clock() { return clock_; }
  int64_t grid1 = 0, grid2 = 0, grid3 = 0;

 private:
  TempDir dir_;
  FakeClock clock_;
  bot::Config config_;
  std::unique_ptr<TestServer> server_;
  int event_seq_ = 0;
};

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

json Payload(const storage::OutboxItem& o) { return json::parse(o.payload); }

std::string N(int64_t id) { return std::to_string(id); }

TEST_CASE("S1: a resident scans the grid QR, gives name and room, the grid worker approves",
          "[integration][grid]") {
  GridWorld w;
  // subscribe with a scene (a new follower) and SCAN (already following) start the same flow.
  bool subscribe = GENERATE(true, false);
  CAPTURE(subscribe);
  std::string first = subscribe ? w.Event("o_new", "subscribe", "qrscene_grid-" + N(w.grid1))
                                : w.Event("o_new", "SCAN", "grid-" + N(w.grid1));
  REQUIRE(first == w.Render("join.qr_start",
                            {{"grid", "桂柑社区第一网格"}, {"contact", "网格员林晓 13800000001"}}));
  REQUIRE(w.Count("SELECT COUNT(*) FROM conversations WHERE openid = 'o_new' AND flow = 'join' "
                  "AND step = 'ask_name'") == 1);

  std::string confirm = w.Say("o_new", "张三 5幢301 13912345678");
  REQUIRE(Has(confirm, "张三"));
  REQUIRE(Has(confirm, "5幢301"));
  REQUIRE(Has(confirm, "13912345678"));
  REQUIRE(Has(confirm, "桂柑社区第一网格"));

  std::string submitted = w.Say("o_new", "是");
  int64_t req = w.LastId("join_requests");
  REQUIRE(submitted == w.Render("join.submitted", {{"id", N(req)}, {"grid", "桂柑社区第一网格"}}));
  REQUIRE(w.Count("SELECT COUNT(*) FROM conversations WHERE openid = 'o_new'") == 0);
  REQUIRE(!w.Resident("o_new"));  // not a member before the worker verifies

  // The grid's worker (and nobody else) gets the push, with the details to verify.
  auto pushes = w.OutboxOfKind("o_demo_worker1", "join_request");
  REQUIRE(pushes.size() == 1);
  json p = Payload(pushes[0]);
  REQUIRE(p["request_id"] == req);
  REQUIRE(p["grid_id"] == w.grid1);
  std::string text = p["text"];
  REQUIRE(Has(text, "张三"));
  REQUIRE(Has(text, "5幢301"));
  REQUIRE(Has(text, "通过 " + N(req)));
  REQUIRE(pushes[0].status == "pending");
  REQUIRE(w.OutboxOfKind("o_demo_worker2", "join_request").empty());

  // Asking again while pending says so and changes nothing.
  std::string before = w.Fingerprint();
  REQUIRE(Has(w.Say("o_new", "加入网格"), N(req) + "号"));
  REQUIRE(w.Event("o_new", "SCAN", "grid-" + N(w.grid2)) ==
          w.Render("join.pending", {{"id", N(req)},
                                    {"grid", "桂柑社区第一网格"},
                                    {"contact", "网格员林晓 13800000001"}}));
  // Not yet a member: a repair says the request waits, for whom, and whom to call.
  REQUIRE(w.Say("o_new", "报修 灯坏了") == w.Render("join.pending_wait",
                                                    {{"id", N(req)},
                                                     {"grid", "桂柑社区第一网格"},
                                                     {"contact", "网格员林晓 13800000001"}}));
  // Refusals: the resident, another grid's worker, another community's staff, bad numbers.
  REQUIRE(w.Say("o_new", "通过 " + N(req)) ==
          w.Render("not_allowed", {{"command", "通过"}, {"who", "网格员和社区工作人员"}}));
  REQUIRE(w.Say("o_demo_worker2", "通过 " + N(req)) ==
          w.Render("join.not_your_grid", {{"id", N(req)}}));
  REQUIRE(w.Say("o_demo_staff_lo", "通过 " + N(req)) ==
          w.Render("join.not_your_grid", {{"id", N(req)}}));
  REQUIRE(w.Say("o_demo_worker1", "通过") == w.Render("join.approve_usage"));
  REQUIRE(w.Say("o_demo_worker1", "通过 abc") == w.Render("join.approve_usage"));
  REQUIRE(w.Say("o_demo_worker1", "通过 99999") ==
          w.Render("join.request_unknown", {{"id", "99999"}}));
  REQUIRE(w.Say("o_demo_worker2", "待审核") == w.Render("join.requests_none"));
  REQUIRE(w.Fingerprint() == before);

  REQUIRE(Has(w.Say("o_demo_worker1", "待审核"), N(req) + "号 张三 5幢301"));
  REQUIRE(w.Say("o_demo_worker1", "通过 #" + N(req)) ==
          w.Render("join.approved", {{"id", N(req)}, {"name", "张三"}, {"room", "5幢301"}}));
  auto r = w.Resident("o_new");
  REQUIRE(r);
  REQUIRE(r->grid_id == w.grid1);
  REQUIRE(r->name == "张三");
  REQUIRE(r->building == "5幢");
  REQUIRE(r->room == "301");
  REQUIRE(r->phone == "13912345678");
  REQUIRE(w.Count("SELECT COUNT(*) FROM circle_members m JOIN circles c ON c.id = m.circle_id "
                  "WHERE c.kind = 'grid' AND c.unit_id = " +
                  N(w.grid1) + " AND m.openid = 'o_new' AND m.role = 'member'") == 1);
  auto results = w.OutboxOfKind("o_new", "join_result");
  REQUIRE(results.size() == 1);
  REQUIRE(Payload(results[0])["approved"] == true);
  REQUIRE(Payload(results[0])["text"] ==
          w.Render("push.join_approved", {{"grid", "桂柑社区第一网格"}}));

  // Deciding twice is a wrong state change: one line, nothing changes.
  before = w.Fingerprint();
  REQUIRE(w.Say("o_demo_worker1", "拒绝 " + N(req) + " 搞错了") ==
          w.Render("join.already_decided", {{"id", N(req)}, {"status", "通过"}}));
  REQUIRE(w.Fingerprint() == before);
  REQUIRE(w.Say("o_new", "加入网格") ==
          w.Render("join.already_member", {{"grid", "桂柑社区第一网格"}}));
}

TEST_CASE("S1: a rejection needs a reason and tells the resident, and staff above may decide",
          "[integration][grid]") {
  GridWorld w;
  w.Event("o_a", "SCAN", "grid-" + N(w.grid3));
  w.Say("o_a", "李四 25幢402");
  w.Say("o_a", "是");
  int64_t req = w.LastId("join_requests");
  REQUIRE(w.OutboxOfKind("o_demo_worker3", "join_request").size() == 1);
  std::string before = w.Fingerprint();
  REQUIRE(w.Say("o_demo_worker3", "拒绝 " + N(req)) == w.Render("join.reject_usage"));
  REQUIRE(w.Fingerprint() == before);
  // The community's staff may decide for any of its grids.
  REQUIRE(w.Say("o_demo_staff", "reject " + N(req) + " 不是本网格住户") ==
          w.Render("join.rejected", {{"id", N(req)}, {"name", "李四"}}));
  REQUIRE(!w.Resident("o_a"));
  auto results = w.OutboxOfKind("o_a", "join_result");
  REQUIRE(results.size() == 1);
  REQUIRE(Payload(results[0])["approved"] == false);
  REQUIRE(Has(Payload(results[0])["text"], "不是本网格住户"));
  REQUIRE(Has(Payload(results[0])["text"], "0577-88000000"));
  REQUIRE(w.Count("SELECT COUNT(*) FROM join_requests WHERE status = 'rejected' AND "
                  "decided_by = 'o_demo_staff' AND reason = '不是本网格住户'") == 1);
  // A new request after a rejection is allowed.
  REQUIRE(Has(w.Event("o_a", "SCAN", "grid-" + N(w.grid3)), "桂柑社区第三网格"));
}

TEST_CASE("S2: 加入网格 <address> finds the grid, offers the nearest candidates, never a dead end",
          "[integration][grid]") {
  GridWorld w;
  SECTION("a road and number in a range") {
    std::string r = w.Say("o_b", "加入网格 信河街23号");
    REQUIRE(Has(r, "鹿城区/松台街道/桂柑社区/第一网格"));
    REQUIRE(Has(r, "林晓"));
    REQUIRE(Has(w.Say("o_b", "王五 2幢101"), "桂柑社区第一网格"));
    w.Say("o_b", "是");
    REQUIRE(w.OutboxOfKind("o_demo_worker1", "join_request").size() == 1);
  }
  SECTION("an estate and building, English alias, full-width digits") {
    REQUIRE(Has(w.Say("o_b", "join 桂柑小区２５幢"), "第三网格"));
  }
  SECTION("a number outside every range: nearest candidates, pick one by number") {
    std::string r = w.Say("o_b", "加入网格 信河街200号");
    REQUIRE(Has(r, "1. 桂柑社区第二网格（信河街51-99号）"));
    REQUIRE(Has(r, "2. 桂柑社区第一网格（信河街1-49号）"));
    REQUIRE(w.Say("o_b", "7") == w.Render("join.pick_again", {{"max", "2"}}));
    std::string picked = w.Say("o_b", "1");
    REQUIRE(Has(picked, "第二网格"));
    REQUIRE(w.Count("SELECT COUNT(*) FROM conversations WHERE openid = 'o_b' AND step = "
                    "'ask_name'") == 1);
  }
  SECTION("an unknown address: the community offices' phones, and the flow waits for another") {
    std::string r = w.Say("o_b", "加入网格 火星路1号");
    REQUIRE(Has(r, "桂柑社区 0577-88000000"));
    REQUIRE(Has(r, "菱藕社区 0577-88000001"));
    // Any address text in the flow resolves again.
    REQUIRE(Has(w.Say("o_b", "庆年坊3幢"), "庆年坊社区"));
  }
  SECTION("a member asking with their own address is told they are in") {
    w.JoinApproved("o_b", w.grid1, "赵六 3幢101", "o_demo_worker1");
    REQUIRE(w.Say("o_b", "加入网格 信河街5号") ==
            w.Render("join.already_member", {{"grid", "桂柑社区第一网格"}}));
  }
  SECTION("QR codes of unknown grids or other units") {
    REQUIRE(w.Event("o_b", "subscribe", "qrscene_grid-99999") == w.Render("join.qr_unknown"));
    REQUIRE(w.Event("o_b", "SCAN", "grid-" + N(w.UnitId("GG-01-B5"))) ==
            w.Render("join.qr_unknown"));
    REQUIRE(w.Event("o_b", "SCAN", "grid-abc") == w.Render("scan.unknown"));
    REQUIRE(w.Event("o_b", "subscribe", "qrscene_other") == w.Render("welcome"));
    REQUIRE(w.Count("SELECT COUNT(*) FROM conversations") == 0);
  }
}

TEST_CASE("The join flow survives a restart, can be cancelled, and expires politely",
          "[integration][grid]") {
  GridWorld w;
  SECTION("restart between the name and the confirmation") {
    w.Event("o_c", "SCAN", "grid-" + N(w.grid2));
    REQUIRE(Has(w.Say("o_c", "钱七 15栋 602"), "15幢602"));
    w.Restart();
    REQUIRE(Has(w.Say("o_c", "是"), "已提交申请"));
    REQUIRE(w.OutboxOfKind("o_demo_worker2", "join_request").size() == 1);
  }
  SECTION("取消 / cancel leaves the flow") {
    w.Event("o_c", "SCAN", "grid-" + N(w.grid2));
    REQUIRE(w.Say("o_c", "取消") == w.Render("cancelled"));
    REQUIRE(Has(w.Say("o_c", "钱七 15幢602"), "没看懂"));
    w.Event("o_c", "SCAN", "grid-" + N(w.grid2));
    REQUIRE(w.Say("o_c", "cancel") == w.Render("cancelled"));
    REQUIRE(w.Say("o_c", "cancel") == w.Render("nothing_to_cancel"));
    REQUIRE(w.Count("SELECT COUNT(*) FROM join_requests") == 0);
  }
  SECTION("an idle flow expires with a note and nothing is submitted") {
    w.Event("o_c", "SCAN", "grid-" + N(w.grid2));
    w.Say("o_c", "钱七 15幢602");
    w.clock().Advance(31 * 60);
    std::string r = w.Say("o_c", "是");
    REQUIRE(r.rfind(w.Render("flow_expired"), 0) == 0);
    REQUIRE(w.Count("SELECT COUNT(*) FROM join_requests") == 0);
    REQUIRE(w.Count("SELECT COUNT(*) FROM conversations") == 0);
  }
  SECTION("no ID numbers, no garbage names; the flow re-asks and stores nothing") {
    w.Event("o_c", "SCAN", "grid-" + N(w.grid2));
    REQUIRE(w.Say("o_c", "钱七 330302195001011234") == w.Render("join.no_id_number"));
    REQUIRE(w.Say("o_c", "钱七，33030219500101123X。") == w.Render("join.no_id_number"));
    REQUIRE(w.Say("o_c", "钱七 330302 19500101 1234") == w.Render("join.no_id_number"));
    REQUIRE(w.Say("o_c", "我不知道") == w.Render("join.ask_name_again"));
    REQUIRE(w.Image("o_c", "http://x/y.jpg", "m1") == w.Render("join.ask_name_again"));
    REQUIRE(Has(w.Say("o_c", "钱七 15幢602"), "请核对"));
    REQUIRE(w.Say("o_c", "嗯？") == w.Render("join.confirm_again"));
    REQUIRE(w.Say("o_c", "否") == w.Render("join.ask_name_again"));
    REQUIRE(w.Count("SELECT COUNT(*) FROM join_requests") == 0);
  }
  SECTION("hostile text is stored as text") {
    w.Event("o_c", "SCAN", "grid-" + N(w.grid2));
    // Not a name: asked again, nothing stored, every table still there.
    std::string name = "x');DROP TABLE t;--{id}";
    REQUIRE(w.Say("o_c", name + " 15幢602") == w.Render("join.ask_name_again"));
    REQUIRE(w.Count("SELECT COUNT(*) FROM join_requests") == 0);
    // Quotes and commas around a real name are only punctuation.
    REQUIRE(Has(w.Say("o_c", "「钱七」，15幢602。"), "钱七，15幢602"));
    w.Say("o_c", "是");
    int64_t req = w.LastId("join_requests");
    std::string approved = w.Say("o_demo_worker2", "通过 " + N(req));
    INFO(approved);
    REQUIRE(Has(approved, "钱七"));
    REQUIRE(w.Resident("o_c")->name == "钱七");
  }
}

TEST_CASE(
    "S3: an elderly resident's repair reaches the grid worker and the electrician, is "
    "claimed, done, reopened, done again, rated and liked",
    "[integration][grid]") {
  GridWorld w;
  // Staff vetted the electrician: he may see an elderly resident's flag and room.
  REQUIRE(Has(w.Say("o_demo_worker1", "认证 施青松"), "已认证"));
  int64_t t = w.Repair("o_demo_jin", "家里两盏电灯都不亮了");
  auto ticket = w.Ticket(t);
  REQUIRE(ticket);
  REQUIRE(ticket->category == "electrical");
  REQUIRE(ticket->priority == 1);
  REQUIRE(ticket->status == "open");
  REQUIRE(ticket->grid_id == w.grid1);
  REQUIRE(ticket->level == "grid");

  // Pushes: the grid worker (with the room), the matching vetted volunteer (the room, not the
  // name); not the cleaner (other skill), not another community's people.
  auto to_worker = w.OutboxOfKind("o_demo_worker1", "ticket_new");
  REQUIRE(to_worker.size() == 1);
  std::string wt = Payload(to_worker[0])["text"];
  REQUIRE(Has(wt, "【优先·独居老人】"));
  REQUIRE(Has(wt, "5幢102"));
  REQUIRE(Payload(to_worker[0])["ticket_id"] == t);
  auto to_volunteer = w.OutboxOfKind("o_demo_volunteer", "ticket_new");
  REQUIRE(to_volunteer.size() == 1);
  std::string vt = Payload(to_volunteer[0])["text"];
  REQUIRE(Has(vt, "接单 " + N(t)));
  REQUIRE(Has(vt, "5幢102"));
  REQUIRE(!Has(vt, "金阿婆"));
  REQUIRE(w.OutboxOfKind("o_demo_cleaner", "ticket_new").empty());
  REQUIRE(w.OutboxOfKind("o_demo_worker2", "ticket_new").empty());

  // A photo and a location within 10 minutes attach to the ticket.
  w.clock().Advance(5 * 60);
  REQUIRE(w.Image("o_demo_jin", "http://mmbiz.qpic.cn/x.jpg", "MEDIA1") ==
          w.Render("media.attached_image", {{"id", N(t)}}));
  REQUIRE(w.Location("o_demo_jin", 28.0, 120.6, "桂柑小区5幢") ==
          w.Render("media.attached_location", {{"id", N(t)}}));
  REQUIRE(w.Count("SELECT COUNT(*) FROM ticket_media WHERE ticket_id = " + N(t) +
                  " AND kind = 'image' AND media_id = 'MEDIA1' AND pic_url = "
                  "'http://mmbiz.qpic.cn/x.jpg' AND local_path IS NULL") == 1);
  REQUIRE(w.Count("SELECT COUNT(*) FROM ticket_media WHERE ticket_id = " + N(t) +
                  " AND kind = 'location' AND label = '桂柑小区5幢'") == 1);

  // Wrong people: one plain line each, nothing changes.
  std::string before = w.Fingerprint();
  REQUIRE(w.Say("o_demo_jin", "接单 " + N(t)) ==
          w.Render("not_allowed", {{"command", "接单"}, {"who", "志愿者和网格员"}}));
  REQUIRE(w.Say("o_demo_worker_lo1", "接单 " + N(t)) ==
          w.Render("ticket.not_yours", {{"id", N(t)}}));
  REQUIRE(w.Say("o_demo_volunteer", "完成 " + N(t) + " 好了") ==
          w.Render("done.not_claimed", {{"id", N(t)}}));
  REQUIRE(w.Say("o_demo_volunteer", "接单") == w.Render("claim.usage"));
  REQUIRE(w.Say("o_demo_volunteer", "取消") == w.Render("cancelled"));  // it asked for the number
  REQUIRE(w.Say("o_demo_volunteer", "接单 99999") == w.Render("ticket.unknown", {{"id", "99999"}}));
  REQUIRE(w.Say("o_demo_jin", "评价 " + N(t) + " 5") ==
          w.Render("rate.not_done", {{"id", N(t)}, {"status", w.Render("ticket.status.open")}}));
  REQUIRE(w.Fingerprint() == before);

  // The volunteer sees it in 工单 and claims first; the worker is told it is taken.
  REQUIRE(Has(w.Say("o_demo_volunteer", "工单"), N(t) + "号【优先·独居老人】 5幢102"));
  REQUIRE(Has(w.Say("o_demo_worker1", "工单"), "5幢102"));
  std::string claimed = w.Say("o_demo_volunteer", "接单 " + N(t));
  REQUIRE(Has(claimed, "接单成功"));
  REQUIRE(Has(claimed, "5幢102"));  // the claimer needs to know where to go
  REQUIRE(w.Say("o_demo_worker1", "接单 " + N(t)) == w.Render("claim.taken", {{"id", N(t)}}));
  REQUIRE(w.Say("o_demo_volunteer", "接单 " + N(t)) ==
          w.Render("claim.already_yours", {{"id", N(t)}}));
  REQUIRE(w.Ticket(t)->claimed_by == "o_demo_volunteer");
  REQUIRE(Has(Payload(w.OutboxOfKind("o_demo_jin", "ticket_claimed").at(0))["text"], "施青松"));
  REQUIRE(w.OutboxOfKind("o_demo_worker1", "ticket_claimed").size() == 1);

  // Someone else may not finish it; the claimer must say what was done.
  REQUIRE(w.Say("o_demo_cleaner", "完成 " + N(t) + " 好了") ==
          w.Render("done.not_claimer", {{"id", N(t)}}));
  REQUIRE(w.Say("o_demo_volunteer", "完成 " + N(t)) == w.Render("done.need_note", {{"id", N(t)}}));
  REQUIRE(w.Say("o_demo_volunteer", "完成 " + N(t) + " 换了两个灯泡") ==
          w.Render("done.ok", {{"id", N(t)}}));
  auto done = w.OutboxOfKind("o_demo_jin", "ticket_done");
  REQUIRE(done.size() == 1);
  REQUIRE(Has(Payload(done[0])["text"], "换了两个灯泡"));
  REQUIRE(Has(Payload(done[0])["text"], "评价 " + N(t) + " 5"));

  // Not fixed: reopened, the volunteer and the worker are told, anyone may claim again.
  REQUIRE(w.Say("o_demo_floorleader", "没修好 " + N(t)) ==
          w.Render("ticket.reporter_only", {{"id", N(t)}}));
  REQUIRE(w.Say("o_demo_jin", "没修好 " + N(t) + " 还是不亮") ==
          w.Render("reopen.ok", {{"id", N(t)}}));
  REQUIRE(w.Ticket(t)->status == "reopened");
  REQUIRE(w.Ticket(t)->claimed_by.empty());
  REQUIRE(w.OutboxOfKind("o_demo_volunteer", "ticket_reopened").size() == 1);
  REQUIRE(w.OutboxOfKind("o_demo_worker1", "ticket_reopened").size() == 1);
  REQUIRE(Has(w.Say("o_demo_worker1", "claim " + N(t)), "接单成功"));
  REQUIRE(w.Say("o_demo_worker1", "done " + N(t) + " 换了开关") ==
          w.Render("done.ok", {{"id", N(t)}}));

  // Rated: closed. Liked by a neighbour once; not by another community; not twice.
  REQUIRE(w.Say("o_demo_jin", "评价 " + N(t) + " 9") == w.Render("rate.usage"));
  REQUIRE(w.Say("o_demo_floorleader", "评价 " + N(t) + " 5") ==
          w.Render("ticket.reporter_only", {{"id", N(t)}}));
  REQUIRE(w.Say("o_demo_jin", "评价 " + N(t) + " 5 很好") == w.Render("rate.ok", {{"id", N(t)}}));
  REQUIRE(w.Say("o_demo_jin", "评价 " + N(t) + " 4") == w.Render("rate.already", {{"id", N(t)}}));
  REQUIRE(w.Ticket(t)->status == "closed");
  REQUIRE(w.Ticket(t)->rating == 5);
  REQUIRE(w.OutboxOfKind("o_demo_worker1", "ticket_rated").size() == 1);
  REQUIRE(w.Say("o_demo_floorleader", "点赞 " + N(t)) == w.Render("like.ok", {{"id", N(t)}}));
  REQUIRE(w.Say("o_demo_floorleader", "like " + N(t)) == w.Render("like.already", {{"id", N(t)}}));
  REQUIRE(w.Say("o_demo_worker_lo1", "点赞 " + N(t)) ==
          w.Render("ticket.not_yours", {{"id", N(t)}}));
  REQUIRE(w.Say("o_demo_worker1", "点赞 " + N(t)) == w.Render("like.own_work", {{"id", N(t)}}));
  REQUIRE(w.OutboxOfKind("o_demo_worker1", "ticket_thanks").size() == 1);

  // Every change is a timeline row.
  std::vector<std::string> actions;
  w.Read([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto tl, storage::TicketTimeline(tx, t));
    for (const auto& e : tl) actions.push_back(e.action + ":" + e.to_status);
    return Status::Ok();
  });
  REQUIRE(actions == std::vector<std::string>{"created:open", "media:open", "media:open",
                                              "claimed:claimed", "done:done", "reopened:reopened",
                                              "claimed:claimed", "done:done", "rated:closed",
                                              "liked:closed"});
  REQUIRE(Has(w.Say("o_demo_jin", "我的报修"), N(t) + "号 家里两盏电灯都不亮了 — 已结束"));
  REQUIRE(w.Say("o_demo_worker1", "工单") == w.Render("tickets.none"));
}

TEST_CASE("S5: volunteers sign up with skills, get matching requests, see their record, leave",
          "[integration][grid]") {
  GridWorld w;
  // Not in a grid yet: join first.
  REQUIRE(w.Say("o_demo_resident", "志愿者 水电") == w.Render("volunteer.join_first"));
  w.JoinApproved("o_demo_resident", w.grid1, "张三 5幢301", "o_demo_worker1");

  std::string before = w.Fingerprint();
  REQUIRE(Has(w.Say("o_demo_resident", "志愿者"), "水电维修、保洁"));
  REQUIRE(Has(w.Say("o_demo_resident", "志愿者 飞行"), "不认识「飞行」"));
  REQUIRE(w.Say("o_demo_resident", "我的服务") ==
          w.Render("not_allowed", {{"command", "我的服务"}, {"who", "志愿者"}}));
  REQUIRE(w.Say("o_demo_resident", "取消") == w.Render("cancelled"));  // 志愿者 alone asked
  REQUIRE(w.Fingerprint() == before);

  REQUIRE(w.Say("o_demo_resident", "我要当义工 保洁、按摩 周末") ==
          w.Render("volunteer.ok", {{"skills", "保洁、按摩"}, {"when", "（周末）"}}));
  storage::Volunteer v;
  w.Read([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(auto got, storage::GetVolunteer(tx, "o_demo_resident"));
    v = *got;
    return Status::Ok();
  });
  REQUIRE(v.skills == std::vector<std::string>{"保洁", "按摩"});
  REQUIRE(v.availability == "周末");
  REQUIRE(v.community_id == w.UnitId("GG"));
  // Synonyms map to one skill; re-signup replaces the skills.
  REQUIRE(w.Say("o_demo_resident", "volunteer cleaning 打扫 electrician") ==
          w.Render("volunteer.updated", {{"skills", "保洁、水电维修"}, {"when", ""}}));
  REQUIRE(Has(w.Say("o_demo_resident", "更多"), "我的服务"));

  // A cleaning request reaches both cleaners, the one with fewer open claims first.
  int64_t busy = w.Repair("o_demo_floorleader", "灯坏了");  // not a priority one: any volunteer
  w.Say("o_demo_cleaner", "接单 " + N(busy));  // the cleaner now has one open claim
  int64_t t = w.Repair("o_demo_floorleader", "楼道垃圾要打扫");
  auto a = w.OutboxOfKind("o_demo_resident", "ticket_new");
  auto b = w.OutboxOfKind("o_demo_cleaner", "ticket_new");
  REQUIRE(!a.empty());
  REQUIRE(Payload(a[0])["ticket_id"] == t);
  REQUIRE(!b.empty());
  REQUIRE(Payload(b[0])["ticket_id"] == t);
  REQUIRE(a[0].id < b[0].id);  // queued first: fewest open claims
  REQUIRE(w.OutboxOfKind("o_demo_massage", "ticket_new").empty());

  REQUIRE(Has(w.Say("o_demo_resident", "接单 " + N(t)), "接单成功"));
  REQUIRE(w.Say("o_demo_resident", "退出志愿者") ==
          w.Render("volunteer.quit_open", {{"id", N(t)}}));
  w.Say("o_demo_resident", "完成 " + N(t) + " 扫干净了");
  w.Say("o_demo_floorleader", "评价 " + N(t) + " 5");
  w.Say("o_demo_jin", "点赞 " + N(t));
  std::string record = w.Say("o_demo_resident", "我的服务");
  REQUIRE(Has(record, "接单 1 次，完成 1 次，收到感谢 2 次（点赞 1，好评 1）"));
  REQUIRE(w.Say("o_demo_resident", "quit volunteer") == w.Render("volunteer.quit_ok"));
  REQUIRE(w.Say("o_demo_resident", "接单 " + N(busy)) ==
          w.Render("not_allowed", {{"command", "接单"}, {"who", "志愿者和网格员"}}));
  REQUIRE(w.Count("SELECT active FROM volunteers WHERE openid = 'o_demo_resident'") == 0);
}

TEST_CASE("我的服务 counts a repair as completed only while it stays fixed", "[integration][grid]") {
  GridWorld w;
  int64_t t = w.Repair("o_demo_floorleader", "楼道灯不亮了");
  REQUIRE(Has(w.Say("o_demo_volunteer", "接单 " + N(t)), "接单成功"));
  w.Say("o_demo_volunteer", "完成 " + N(t) + " 换了灯泡");
  REQUIRE(Has(w.Say("o_demo_volunteer", "我的服务"), "完成 1 次"));
  w.Say("o_demo_floorleader", "没修好 " + N(t));
  REQUIRE(w.Count("SELECT COUNT(*) FROM tickets WHERE id = " + N(t) +
                  " AND status = 'reopened'") == 1);
  REQUIRE(Has(w.Say("o_demo_volunteer", "我的服务"), "完成 0 次"));
}

TEST_CASE("更多 (the whole 帮助) lists exactly what the sender's role may do",
          "[integration][grid]") {
  GridWorld w;
  auto help = [&](const std::string& openid) { return w.Say(openid, "更多"); };
  std::string resident = help("o_stranger");
  std::string worker = help("o_demo_worker1");
  std::string volunteer = help("o_demo_volunteer");
  std::string staff = help("o_demo_staff");
  std::string leader = help("o_demo_floorleader");
  for (const std::string& h : {resident, worker, volunteer, staff, leader}) {
    REQUIRE(Has(h, w.Render("help.line.repair")));
    REQUIRE(Has(h, w.Render("help.line.join")));
  }
  REQUIRE(!Has(resident, w.Render("help.line.claim")));
  REQUIRE(!Has(resident, w.Render("help.line.approve")));
  REQUIRE(!Has(resident, w.Render("help.line.tickets")));
  REQUIRE(!Has(resident, w.Render("help.line.my_service")));
  REQUIRE(Has(worker, w.Render("help.line.approve")));
  REQUIRE(Has(worker, w.Render("help.line.claim")));
  REQUIRE(!Has(worker, w.Render("help.line.my_service")));
  REQUIRE(Has(volunteer, w.Render("help.line.claim")));
  REQUIRE(Has(volunteer, w.Render("help.line.my_service")));
  REQUIRE(!Has(volunteer, w.Render("help.line.approve")));
  REQUIRE(Has(staff, w.Render("help.line.requests")));
  REQUIRE(Has(leader, w.Render("help.line.tickets")));
  REQUIRE(!Has(leader, w.Render("help.line.claim")));
  // Staff-only commands from a resident: one line, nothing changes.
  std::string before = w.Fingerprint();
  for (const char* cmd : {"待审核", "通过 1", "拒绝 1 不对", "工单", "接单 1", "完成 1 好"}) {
    CAPTURE(cmd);
    REQUIRE(Has(w.Say("o_stranger", cmd), "回复「帮助」"));
  }
  REQUIRE(w.Fingerprint() == before);
}

}  // namespace
}  // namespace gebi::testing
