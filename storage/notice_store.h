// Numbered notices to circles with one receipt row per recipient (S6), and recruitments with a
// quota, a waiting list and signups in arrival order. A notice's pushes are outbox rows keyed
// "notice:<id>:<openid>" (reminders "notice:<id>:remind:<openid>"), written in the caller's
// transaction together with the notice: a notice to 5,000 people is a handful of set-based
// statements. Free functions over the caller's Tx; no state of their own.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

namespace gebi::storage {

struct Notice {
  int64_t id = 0;
  std::optional<int64_t> community_id;
  std::string author;
  std::string circles;  // the circles' names as shown ("5幢楼幢群、党员圈")
  std::string body;
  std::string status;  // sent | withdrawn
  int64_t recipients = 0;
  int64_t received = 0;  // receipts so far
  int64_t created_at = 0;
  std::optional<int64_t> reminded_at;
  std::optional<int64_t> withdrawn_at;
};

struct NoticeRecipient {
  std::string openid;
  std::string name;  // resident name, else the name given in a circle, else ""
  std::optional<int64_t> received_at;
};

// Distinct members (any role) of the given circles except `except`, counted once each.
Result<int64_t> CountCircleAudience(Tx& tx, const std::vector<int64_t>& circle_ids,
                                    const std::string& except);

// Creates notice n (n.id, n.recipients, n.received are ignored) with one recipient row per
// distinct member of circle_ids (the author excluded) and stores the count. Returns the id.
// InvalidArgument when circle_ids is empty.
Result<int64_t> CreateNotice(Tx& tx, const Notice& n, const std::vector<int64_t>& circle_ids,
                             int64_t now);
// Queues one outbox row of kind "notice" per recipient of notice id (dedup
// "notice:<id>:<openid>"), all with payload_json. Returns how many were queued.
Result<int64_t> QueueNoticePushes(Tx& tx, int64_t id, const std::string& payload_json, int64_t now);
// The distinct members of circle_ids except `except`, sorted.
Result<std::vector<std::string>> CircleAudience(Tx& tx, const std::vector<int64_t>& circle_ids,
                                                const std::string& except);
Result<std::optional<Notice>> GetNotice(Tx& tx, int64_t id);
// The circle ids a notice went to.
Result<std::vector<int64_t>> NoticeCircleIds(Tx& tx, int64_t id);
// Notices newest first, at most limit; community_id nullopt = every community.
Result<std::vector<Notice>> ListNotices(Tx& tx, std::optional<int64_t> community_id, int limit);
// Recipients of a notice: not yet received first, then by name; at most limit.
Result<std::vector<NoticeRecipient>> NoticeRecipients(Tx& tx, int64_t id, int limit);
// True when openid was sent notice id.
Result<bool> IsNoticeRecipient(Tx& tx, int64_t id, const std::string& openid);
// The newest notice sent to openid (still sent, not withdrawn) without a receipt, if any.
Result<std::optional<int64_t>> LatestUnreceived(Tx& tx, const std::string& openid);
// Records openid's receipt; returns false when it was already there (the first time is kept).
Result<bool> MarkReceived(Tx& tx, int64_t id, const std::string& openid, int64_t now);
// Queues one more push (dedup "notice:<id>:remind:<openid>") to every recipient without a
// receipt and stamps reminded_at. Returns how many were queued.
Result<int64_t> QueueReminders(Tx& tx, int64_t id, const std::string& payload_json, int64_t now);
// Withdraws notice id: its pushes not yet delivered (pending, or waiting in an inbox) are
// deleted, the notice becomes withdrawn, and every recipient whose push already left gets
// `told_payload_json` in their inbox (delivered with their next reply; dedup
// "notice:<id>:withdrawn:<openid>"). Returns {cancelled, told}.
struct WithdrawCounts {
  int64_t cancelled = 0;
  int64_t told = 0;
};
Result<WithdrawCounts> WithdrawNotice(Tx& tx, int64_t id, const std::string& told_payload_json,
                                      int64_t now);

// Per community: notices sent and receipts over recipients.
struct NoticeStats {
  std::optional<int64_t> community_id;
  int64_t notices = 0;
  int64_t recipients = 0;
  int64_t received = 0;
};
Result<std::vector<NoticeStats>> NoticeStatsByCommunity(Tx& tx);

// Recruitments.
struct Recruitment {
  int64_t id = 0;
  std::optional<int64_t> community_id;
  std::string organiser;
  std::string body;
  int64_t quota = 0;
  std::string circles;  // names as shown, "" when open to anyone
  std::string status;   // open | closed
  int64_t signed_up = 0;
  int64_t waiting = 0;
  int64_t created_at = 0;
};
struct Signup {
  int64_t id = 0;  // arrival order
  std::string openid;
  std::string name;
  std::string status;  // signed | waiting | cancelled
};

Result<int64_t> CreateRecruitment(Tx& tx, const Recruitment& r,
                                  const std::vector<int64_t>& circle_ids, int64_t now);
Result<std::optional<Recruitment>> GetRecruitment(Tx& tx, int64_t id);
Result<std::vector<int64_t>> RecruitmentCircleIds(Tx& tx, int64_t id);
Result<std::vector<Recruitment>> ListRecruitments(Tx& tx, std::optional<int64_t> community_id,
                                                  int limit);
// openid's signup (any status), if any.
Result<std::optional<Signup>> GetSignup(Tx& tx, int64_t id, const std::string& openid);
// Signs openid up (again, after a cancel): signed while the quota has room, else waiting.
// Returns the new status.
Result<std::string> SignUp(Tx& tx, int64_t id, const std::string& openid, const std::string& name,
                           int64_t quota, int64_t now);
// Cancels openid's signup; when it held a place, the earliest waiting person takes it.
// Returns the promoted openid, if any. NotFound when openid had no active signup.
Result<std::optional<std::string>> CancelSignup(Tx& tx, int64_t id, const std::string& openid,
                                                int64_t now);
// Active signups (signed, then waiting), in arrival order.
Result<std::vector<Signup>> ListSignups(Tx& tx, int64_t id);
// Closes an open recruitment; returns false when it was already closed.
Result<bool> CloseRecruitment(Tx& tx, int64_t id, int64_t now);

}  // namespace gebi::storage
