#include "handlers/chat/inbox.h"

#include <nlohmann/json.hpp>

#include "storage/outbox.h"

namespace gebi::handlers {

namespace {

std::string NoticeText(const std::string& payload) {
  auto j = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (j.is_object() && j.contains("text") && j["text"].is_string()) {
    return j["text"].get<std::string>();
  }
  return payload;
}

// Cuts s to at most n bytes without splitting a UTF-8 sequence.
std::string CutUtf8(const std::string& s, size_t n) {
  if (s.size() <= n) return s;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n) + "…";
}

}  // namespace

Status AttachUnreadNotices(storage::Tx& tx, const std::string& openid, const Templates& templates,
                           int64_t now, Reply& reply) {
  if (reply.kind != Reply::Kind::kText) return Status::Ok();
  GEBI_ASSIGN_OR_RETURN(int64_t count, storage::CountInbox(tx, openid));
  if (count == 0) return Status::Ok();
  GEBI_ASSIGN_OR_RETURN(auto rows, storage::ListInbox(tx, openid, kMaxNoticesPerReply));

  std::string header = templates.Render("inbox.header", {{"count", std::to_string(count)}});
  size_t used = reply.content.size() + header.size() + 64;
  std::string items;
  int64_t included = 0;
  for (const auto& row : rows) {
    std::string text = NoticeText(row.payload);
    size_t left = kPassiveReplyBudgetBytes > used ? kPassiveReplyBudgetBytes - used : 0;
    std::string item =
        templates.Render("inbox.item", {{"index", std::to_string(included + 1)}, {"text", text}});
    if (item.size() > left) {
      if (included > 0) break;
      item = CutUtf8(item, left > 16 ? left : 16);  // the first notice always goes, shortened
    }
    used += item.size() + 1;
    items += "\n" + item;
    GEBI_RETURN_IF_ERROR(storage::MarkInboxDelivered(tx, row.id, now));
    ++included;
  }
  std::string text = header + items;
  if (count > included) {
    text += "\n" + templates.Render("inbox.more", {{"rest", std::to_string(count - included)}});
  }
  reply.content = reply.content.empty() ? text : reply.content + "\n\n" + text;
  return Status::Ok();
}

}  // namespace gebi::handlers
