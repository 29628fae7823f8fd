#include "handlers/admin/lookback.h"

#include <fmt/format.h>

#include <ctime>
#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>

#include "handlers/pipeline.h"
#include "handlers/privacy.h"
#include "storage/admin_query.h"

namespace gebi::handlers::admin {

namespace {

// Beijing time (no daylight saving): what the office's clocks say.
constexpr int64_t kBeijingOffsetSeconds = 8 * 3600;

// The text a stored reply showed ("" for none).
std::string ReplyText(const std::string& stored) {
  if (stored.empty()) return "";
  auto r = DecodeReply(stored);
  if (!r.ok()) return "";
  if (!r->content.empty()) return MaskPersonalNumbers(r->content);
  if (!r->articles.empty()) return MaskPersonalNumbers(r->articles.front().title);
  return MaskPersonalNumbers(r->title);
}

// The text of a push payload {"text": ...} ("" when there is none).
std::string PushText(const std::string& payload) {
  auto j = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return "";
  auto it = j.find("text");
  if (it == j.end() || !it->is_string()) return "";
  return MaskPersonalNumbers(it->get<std::string>());
}

std::string Csv(std::string_view field) {
  // RFC 4180: quote when needed; a leading = + - @ is prefixed so spreadsheets show text.
  std::string s(field);
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) s = "'" + s;
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string BeijingTime(int64_t at) {
  const std::time_t t = static_cast<std::time_t>(at + kBeijingOffsetSeconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

// A ticket action in words (the console's timeline uses the same).
std::string ActionLabel(const std::string& action) {
  static constexpr std::pair<std::string_view, std::string_view> kLabels[] = {
      {"created", "报修"},     {"media", "补充了照片或位置"},
      {"claimed", "接单"},     {"assigned", "被指派处理"},
      {"done", "修好了"},      {"rated", "评价"},
      {"liked", "点赞"},       {"reopened", "说没修好"},
      {"cancelled", "取消了"}, {"closed", "关闭了"},
      {"escalated", "上报"},
  };
  for (const auto& [code, label] : kLabels) {
    if (code == action) return std::string(label);
  }
  return "处理";
}

Status CheckQuery(const LookbackQuery& q) {
  if (q.person.size() > kMaxLookbackQueryBytes) return Status::InvalidArgument("person: 太长了");
  if (q.text.size() > kMaxLookbackQueryBytes) return Status::InvalidArgument("text: 太长了");
  return Status::Ok();
}

}  // namespace

Result<std::vector<LookbackRow>> SearchRecord(storage::Database& db, const Principal& principal,
                                              const LookbackQuery& q, int limit) {
  GEBI_RETURN_IF_ERROR(CheckQuery(q));
  storage::LookbackFilter f;
  f.community = principal.CommunityFilter();
  f.person = q.person;
  f.ticket_id = q.ticket_id;
  f.text = q.text;
  f.from = q.from.value_or(0);
  f.to = q.to.value_or(INT64_MAX);
  f.limit = limit;
  std::vector<storage::LookbackMessage> found;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    GEBI_ASSIGN_OR_RETURN(found, storage::SearchMessages(tx, f));
    return Status::Ok();
  }));
  std::vector<LookbackRow> out;
  out.reserve(found.size());
  for (auto& m : found) {
    out.push_back(LookbackRow{m.openid, m.person_name, m.msg_type, m.content, ReplyText(m.reply),
                              m.created_at});
  }
  return out;
}

Result<Conversation> GetConversation(storage::Database& db, const Principal& principal,
                                     const std::string& openid, std::optional<int64_t> from,
                                     std::optional<int64_t> to) {
  if (openid.empty() || openid.size() > kMaxLookbackQueryBytes) {
    return Status::InvalidArgument("openid: 请从搜索结果里选一个人");
  }
  Conversation c;
  c.openid = openid;
  GEBI_RETURN_IF_ERROR(db.WithRead([&](storage::Tx& tx) -> Status {
    if (auto community = principal.CommunityFilter()) {
      GEBI_ASSIGN_OR_RETURN(bool in, storage::PersonInCommunity(tx, openid, *community));
      if (!in) return Status::PermissionDenied("这个人不是您社区的，不能查看");
    }
    GEBI_ASSIGN_OR_RETURN(c.person_name, storage::PersonName(tx, openid));
    GEBI_ASSIGN_OR_RETURN(
        c.entries, storage::PersonTimeline(tx, openid, from.value_or(0), to.value_or(INT64_MAX),
                                           kMaxTimelineEntries));
    return Status::Ok();
  }));
  for (auto& e : c.entries) {
    if (e.kind == "reply") e.text = ReplyText(e.text);
    if (e.kind == "push") e.text = PushText(e.text);
    if (e.kind == "action") e.text = MaskPersonalNumbers(e.text);
  }
  return c;
}

std::string ConversationCsv(const Conversation& c) {
  const std::string who = c.person_name.empty() ? std::string("居民") : c.person_name;
  std::string out = "时间（北京时间）,谁,内容\n";
  for (const auto& e : c.entries) {
    std::string from, text = e.text;
    if (e.kind == "in") from = who;
    if (e.kind == "reply") from = "公众号自动回复";
    if (e.kind == "push") from = "公众号通知";
    if (e.kind == "action") {
      from = who;
      text = fmt::format("工单 {} 号：{}{}", e.ticket_id, ActionLabel(e.detail),
                         text.empty() ? "" : "：" + text);
    }
    if (text.empty() && e.kind == "in") text = "（已按保存期限清除）";
    out += fmt::format("{},{},{}\n", BeijingTime(e.at), Csv(from), Csv(text));
  }
  return out;
}

Result<Conversation> ExportConversation(storage::Database& db, const Clock& clock,
                                        const Principal& principal, const std::string& openid,
                                        std::optional<int64_t> from, std::optional<int64_t> to) {
  GEBI_ASSIGN_OR_RETURN(auto c, GetConversation(db, principal, openid, from, to));
  const nlohmann::json what{
      {"from", from.value_or(0)}, {"to", to.value_or(0)}, {"entries", c.entries.size()}};
  const std::string who = c.person_name.empty() ? std::string("居民") : c.person_name;
  GEBI_RETURN_IF_ERROR(db.WithTransaction([&](storage::Tx& tx) -> Status {
    return Audit(tx, principal, "lookback.export", "person:" + who, principal.CommunityFilter(), "",
                 what.dump(), clock.NowSeconds());
  }));
  return c;
}

}  // namespace gebi::handlers::admin
