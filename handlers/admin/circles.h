// Console services for circles, notices with receipts and recruitments (S6), scoped like every
// console list: a community account sees and changes its own community's circles (the
// community above the circle's unit), a district account every community. Each call runs in
// its own transaction; changes are audited. Thread-safe (the Database is).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "handlers/admin/auth.h"
#include "handlers/pipeline.h"
#include "storage/circle_store.h"
#include "storage/clock.h"
#include "storage/database.h"
#include "storage/notice_store.h"

namespace gebi::handlers::admin {

struct CircleView {
  storage::CircleInfo circle;
  std::optional<int64_t> community_id;
  std::string unit_name;                       // "桂柑社区第一网格" / "桂柑社区"
  std::vector<storage::CircleMember> members;  // owner and managers first, at most 500
  std::vector<storage::CircleJoinRequest> pending;
  bool has_qr = false;  // a permanent QR code exists for scene "circle-<id>"
};
// Circles in the principal's scope, by id (grid circles included: they show membership).
Result<std::vector<CircleView>> ListCircleViews(storage::Database& db, const Principal& principal);
// Makes a member a manager (manager = true) or a plain member again. NotFound for an unknown
// circle or member; PermissionDenied outside the scope; FailedPrecondition for the owner.
Status SetCircleManager(storage::Database& db, const Clock& clock, const Principal& principal,
                        int64_t circle_id, const std::string& openid, bool manager);
// Changes a circle's convention (at most 300 characters) and join mode (open | approval).
Status UpdateCircleSettings(storage::Database& db, const Clock& clock, const Principal& principal,
                            int64_t circle_id, const std::string& convention,
                            const std::string& join_mode);

struct NoticeView {
  storage::Notice notice;
  std::vector<storage::NoticeRecipient> recipients;  // not yet received first, at most 500
};
Result<std::vector<NoticeView>> ListNoticeViews(storage::Database& db, const Principal& principal,
                                                int limit);
// The console's 提醒 and 撤回: as in chat (handlers/chat/notices.h). Return how many were
// reminded / {cancelled, told}. NotFound, PermissionDenied, FailedPrecondition as above.
Result<int64_t> RemindNoticeFromConsole(storage::Database& db, const Clock& clock,
                                        Pipeline& pipeline, const Principal& principal, int64_t id);
Result<storage::WithdrawCounts> WithdrawNoticeFromConsole(storage::Database& db, const Clock& clock,
                                                          Pipeline& pipeline,
                                                          const Principal& principal, int64_t id);

struct RecruitmentView {
  storage::Recruitment recruitment;
  std::string organiser_name;
  std::vector<storage::Signup> signups;  // signed, then waiting, in arrival order
};
Result<std::vector<RecruitmentView>> ListRecruitmentViews(storage::Database& db,
                                                          const Principal& principal, int limit);

// Notices sent and their receipt rate per community in scope.
struct NoticeNumbers {
  std::optional<int64_t> community_id;
  std::string community;
  int64_t notices = 0;
  int64_t recipients = 0;
  int64_t received = 0;
};
Result<std::vector<NoticeNumbers>> ListNoticeNumbers(storage::Database& db,
                                                     const Principal& principal);

}  // namespace gebi::handlers::admin
