#include "handlers/dispatch.h"

#include <fmt/format.h>

#include "handlers/chat/assist.h"
#include "handlers/chat/basics.h"
#include "handlers/chat/care.h"
#include "handlers/chat/circles.h"
#include "handlers/chat/join.h"
#include "handlers/chat/moderation.h"
#include "handlers/chat/parking.h"
#include "handlers/chat/ladder.h"
#include "handlers/chat/notices.h"
#include "handlers/chat/repair.h"
#include "handlers/chat/suggestions.h"
#include "handlers/chat/volunteer.h"

namespace gebi::handlers {

namespace {

// The route table. Order is the order of lines in 帮助.
constexpr uint32_t kWorkers = kVolunteer | kStaffRoles;  // who claims and finishes tickets
constexpr std::string_view kStaffWho = "网格员和社区工作人员";
constexpr std::string_view kWorkersWho = "志愿者和网格员";

HandlerRow kHelp{.name = "help",
                 .fn = HandleHelp,
                 .keywords = "帮助|help|?|？|菜单|你好|您好|在吗|hi|hello",
                 .help_key = "help.line.help"};
HandlerRow kMore{.name = "more", .fn = HandleMore, .keywords = "更多|more"};
HandlerRow kHuman{.name = "human",
                  .fn = HandleHuman,
                  .keywords = "人工|转人工|人工客服|找网格员|找人工|不会用|看不懂",
                  .help_key = "help.line.human",
                  .menu = kResident | kVolunteer};
HandlerRow kCancel{.name = "cancel",
                   .fn = HandleCancel,
                   .keywords = "取消|cancel",
                   .help_key = "help.line.cancel"};
HandlerRow kJoin{.name = "join",
                 .fn = HandleJoin,
                 .keywords = "加入网格|入网格|join",
                 .help_key = "help.line.join",
                 .menu = kResident};
HandlerRow kRepair{.name = "repair",
                   .fn = HandleRepair,
                   .keywords = "报修|repair|我要报修|我想报修|要报修|帮我报修|申请报修|坏了|坏掉|"
                               "漏水|堵了|不亮|不出水|跳闸|帮我修|帮忙修|来修|冒火花|冒烟|煤气|燃气|"
                               "漏电|漏了|漏啦|坏啦|堵啦|渗水|滴水|失灵|不好使|修一下",
                   .help_key = "help.line.repair",
                   .menu = kResident};
HandlerRow kMyRepairs{.name = "my_repairs",
                      .fn = HandleMyRepairs,
                      .keywords = "我的报修|my repairs|修好了吗|修好没|什么时候来修|报修进度",
                      .help_key = "help.line.my_repairs",
                      .menu = kResident};
HandlerRow kRate{
    .name = "rate", .fn = HandleRate, .keywords = "评价|rate", .help_key = "help.line.rate",
    .menu = kResident};
// 修好了: the reporter says their claimed ticket is fixed (and is asked for a score).
HandlerRow kFixed{.name = "fixed", .fn = HandleFixed, .keywords = "修好了|修好啦|已经修好"};
HandlerRow kLike{
    .name = "like", .fn = HandleLike, .keywords = "点赞|like", .help_key = "help.line.like"};
HandlerRow kReopen{.name = "reopen",
                   .fn = HandleReopen,
                   .keywords = "没修好|reopen",
                   .help_key = "help.line.reopen"};
HandlerRow kCancelRepair{.name = "cancel_repair",
                         .fn = HandleCancelRepair,
                         .keywords = "取消报修|cancel repair",
                         .help_key = "help.line.cancel_repair"};
HandlerRow kVolunteerRow{.name = "volunteer",
                         .fn = HandleVolunteer,
                         .keywords = "志愿者|我要当志愿者|我要当义工|volunteer|报名志愿者|报名当志愿者|"
                                     "申请志愿者|申请当志愿者|我想当志愿者|我要做志愿者|我想做志愿者",
                         .help_key = "help.line.volunteer"};
HandlerRow kMyService{.name = "my_service",
                      .fn = HandleMyService,
                      .keywords = "我的服务|my service",
                      .roles = kVolunteer,
                      .who = "志愿者",
                      .help_key = "help.line.my_service"};
HandlerRow kQuitVolunteer{.name = "quit_volunteer",
                          .fn = HandleQuitVolunteer,
                          .keywords = "退出志愿者|quit volunteer",
                          .roles = kVolunteer,
                          .who = "志愿者",
                          .help_key = "help.line.quit_volunteer"};
HandlerRow kTickets{.name = "tickets",
                    .fn = HandleTickets,
                    .keywords = "工单|tickets",
                    .roles = kWorkers | kFloorLeader,
                    .who = "网格员、楼道长和志愿者",
                    .help_key = "help.line.tickets",
                    .menu = kVolunteer | kGridWorker};
HandlerRow kClaim{.name = "claim",
                  .fn = HandleClaim,
                  .keywords = "接单|claim",
                  .roles = kWorkers,
                  .who = kWorkersWho,
                  .help_key = "help.line.claim",
                  .menu = kVolunteer};
HandlerRow kDone{.name = "done",
                 .fn = HandleDone,
                 .keywords = "完成|done",
                 .roles = kWorkers,
                 .who = kWorkersWho,
                 .help_key = "help.line.done",
                 .menu = kVolunteer};
HandlerRow kRequests{.name = "requests",
                     .fn = HandleJoinRequests,
                     .keywords = "待审核|requests",
                     .roles = kStaffRoles,
                     .who = kStaffWho,
                     .help_key = "help.line.requests",
                     .menu = kGridWorker};
HandlerRow kApprove{.name = "approve",
                    .fn = HandleApprove,
                    .keywords = "通过|approve",
                    .roles = kStaffRoles,
                    .who = kStaffWho,
                    .help_key = "help.line.approve",
                    .menu = kGridWorker};
HandlerRow kReject{.name = "reject",
                   .fn = HandleReject,
                   .keywords = "拒绝|reject",
                   .roles = kStaffRoles,
                   .who = kStaffWho,
                   .help_key = "help.line.reject",
                   .menu = kGridWorker};
HandlerRow kVet{.name = "vet",
                .fn = HandleVet,
                .keywords = "认证|vet",
                .roles = kStaffRoles,
                .who = kStaffWho,
                .help_key = "help.line.vet"};
// A command word sent alone asked for its argument; the next message is that argument.
HandlerRow kAskFlow{.name = "ask.flow", .fn = HandleAskFlow, .flow = "ask"};
// The 加入网格 conversation's later steps (name and room, address, confirmation).
HandlerRow kJoinFlow{.name = "join.flow", .fn = HandleJoinFlow, .flow = "join"};
// Follow: the seeded event rule for subscribe names this row.
HandlerRow kWelcome{.name = "welcome", .fn = HandleWelcome, .keywords = "subscribe"};
HandlerRow kScan{.name = "event.scan", .fn = HandleScan};
HandlerRow kImage{.name = "image", .fn = HandleCareImage};  // care, parking, else repair photos
HandlerRow kLocation{.name = "location", .fn = HandleMedia};
HandlerRow kDefault{.name = "default", .fn = HandleDefault};
HandlerRow kUnsubscribe{.name = "event.unsubscribe", .fn = HandleUnsubscribe};
// Location reports every 5 s and job-finished receipts need no reply.
HandlerRow kLocationEvent{.name = "event.location", .fn = HandleIgnore};
HandlerRow kTemplateJob{.name = "event.templatesendjobfinish", .fn = HandleIgnore};
HandlerRow kMassJob{.name = "event.masssendjobfinish", .fn = HandleIgnore};

// Suggestions (S9): residents suggest, the community's staff answer.
HandlerRow kSuggest{.name = "suggest",
                    .fn = HandleSuggest,
                    .keywords = "建议|suggest",
                    .help_key = "help.line.suggest"};
HandlerRow kMySuggestions{.name = "my_suggestions",
                          .fn = HandleMySuggestions,
                          .keywords = "我的建议|my suggestions",
                          .help_key = "help.line.my_suggestions"};
HandlerRow kAnswerSuggestion{.name = "answer_suggestion",
                             .fn = HandleAnswerSuggestion,
                             .keywords = "回复|answer",
                             .roles = kStaffRoles,
                             .who = kStaffWho,
                             .help_key = "help.line.answer_suggestion"};
HandlerRow kAdoptSuggestion{.name = "adopt_suggestion",
                            .fn = HandleAdoptSuggestion,
                            .keywords = "采纳|adopt",
                            .roles = kStaffRoles,
                            .who = kStaffWho,
                            .help_key = "help.line.adopt_suggestion"};
HandlerRow kDeclineSuggestion{.name = "decline_suggestion",
                              .fn = HandleDeclineSuggestion,
                              .keywords = "不采纳|decline",
                              .roles = kStaffRoles,
                              .who = kStaffWho,
                              .help_key = "help.line.decline_suggestion"};
// Parking (S8): reports of badly parked cars, plates, free spots.
HandlerRow kParking{.name = "parking",
                    .fn = HandleParking,
                    .keywords = "停车|parking",
                    .help_key = "help.line.parking",
                    .takes = TakesParking};
HandlerRow kMyCar{
    .name = "my_car", .fn = HandleMyCar, .keywords = "我的车|my car", .help_key = "help.line.my_car"};
HandlerRow kConfirmPlate{.name = "confirm_plate",
                         .fn = HandleConfirmPlate,
                         .keywords = "确认车牌|confirm plate",
                         .roles = kStaffRoles,
                         .who = kStaffWho,
                         .help_key = "help.line.confirm_plate"};
HandlerRow kCarMoved{.name = "car_moved",
                     .fn = HandleCarMoved,
                     .keywords = "已挪|moved",
                     .help_key = "help.line.car_moved"};
HandlerRow kFreeSpot{.name = "free_spot",
                     .fn = HandleFreeSpot,
                     .keywords = "空位|free spot",
                     .help_key = "help.line.free_spot"};
HandlerRow kSpots{
    .name = "spots", .fn = HandleSpots, .keywords = "车位|spots", .help_key = "help.line.spots"};

// The escalation ladder (S4): grid -> community -> street -> district. Street and district
// staff work tickets on the ladder: their short menu is these four rows.
constexpr std::string_view kLevelStaffWho = "这一级的网格员和工作人员";
HandlerRow kEscalate{.name = "escalate",
                     .fn = HandleEscalate,
                     .keywords = "升级|escalate",
                     .roles = kStaffRoles,
                     .who = kLevelStaffWho,
                     .help_key = "help.line.escalate",
                     .menu = kStreetStaff};
HandlerRow kUrge{
    .name = "urge", .fn = HandleUrge, .keywords = "催办|urge", .help_key = "help.line.urge"};
HandlerRow kAccept{.name = "accept",
                   .fn = HandleAccept,
                   .keywords = "受理|accept",
                   .roles = kStaffRoles,
                   .who = kLevelStaffWho,
                   .help_key = "help.line.accept",
                   .menu = kStreetStaff};
HandlerRow kSendBack{.name = "send_back",
                     .fn = HandleSendBack,
                     .keywords = "退回|send back",
                     .roles = kStaffRoles,
                     .who = kLevelStaffWho,
                     .help_key = "help.line.send_back",
                     .menu = kStreetStaff};
HandlerRow kResolve{.name = "resolve",
                    .fn = HandleResolve,
                    .keywords = "办结|resolve",
                    .roles = kStaffRoles,
                    .who = kLevelStaffWho,
                    .help_key = "help.line.resolve",
                    .menu = kStreetStaff};

// Public-good circles, notices with receipts and recruitment (S6): handlers/chat/circles.cc and
// handlers/chat/notices.cc. Managers of a circle hold kCircleManager (handlers/roles.h).
constexpr uint32_t kCircleRunners = kStaffRoles | kCircleManager;
constexpr std::string_view kCircleRunnersWho = "圈子管理员和网格员、社区工作人员";
HandlerRow kCreateCircle{.name = "create_circle",
                         .fn = HandleCreateCircle,
                         .keywords = "建圈",
                         .roles = kStaffRoles,
                         .who = kStaffWho,
                         .help_key = "help.line.create_circle"};
HandlerRow kJoinCircle{.name = "join_circle",
                       .fn = HandleJoinCircle,
                       .keywords = "加入圈子",
                       .help_key = "help.line.join_circle"};
HandlerRow kMyCircles{.name = "my_circles",
                      .fn = HandleMyCircles,
                      .keywords = "我的圈子",
                      .help_key = "help.line.my_circles"};
HandlerRow kLeaveCircle{.name = "leave_circle",
                        .fn = HandleLeaveCircle,
                        .keywords = "退出圈子",
                        .help_key = "help.line.leave_circle"};
HandlerRow kReceipt{.name = "receipt",
                    .fn = HandleReceipt,
                    .keywords = "收到",
                    .help_key = "help.line.receipt"};
HandlerRow kSignup{
    .name = "signup", .fn = HandleSignup, .keywords = "报名", .help_key = "help.line.signup"};
HandlerRow kCancelSignup{.name = "cancel_signup",
                         .fn = HandleCancelSignup,
                         .keywords = "取消报名",
                         .help_key = "help.line.cancel_signup"};
HandlerRow kCircleMembersRow{.name = "circle_members",
                             .fn = HandleCircleMembers,
                             .keywords = "圈子成员",
                             .roles = kCircleRunners,
                             .who = kCircleRunnersWho,
                             .help_key = "help.line.circle_members"};
HandlerRow kCircleApprove{.name = "circle_approve",
                          .fn = HandleCircleApprove,
                          .keywords = "入圈通过",
                          .roles = kCircleRunners,
                          .who = kCircleRunnersWho,
                          .help_key = "help.line.circle_approve"};
HandlerRow kCircleReject{.name = "circle_reject",
                         .fn = HandleCircleReject,
                         .keywords = "入圈拒绝",
                         .roles = kCircleRunners,
                         .who = kCircleRunnersWho,
                         .help_key = "help.line.circle_reject"};
HandlerRow kNotice{.name = "notice",
                   .fn = HandleNotice,
                   .keywords = "通知|notice",
                   .roles = kCircleRunners,
                   .who = kCircleRunnersWho,
                   .help_key = "help.line.notice"};
HandlerRow kNoticeStatus{.name = "notice_status",
                         .fn = HandleNoticeStatus,
                         .keywords = "通知情况",
                         .roles = kCircleRunners,
                         .who = kCircleRunnersWho,
                         .help_key = "help.line.notice_status"};
HandlerRow kNoticeRemind{.name = "notice_remind",
                         .fn = HandleNoticeRemind,
                         .keywords = "提醒",
                         .roles = kCircleRunners,
                         .who = kCircleRunnersWho,
                         .help_key = "help.line.notice_remind"};
HandlerRow kNoticeWithdraw{.name = "notice_withdraw",
                           .fn = HandleNoticeWithdraw,
                           .keywords = "撤回",
                           .roles = kCircleRunners,
                           .who = kCircleRunnersWho,
                           .help_key = "help.line.notice_withdraw"};
HandlerRow kRecruit{.name = "recruit",
                    .fn = HandleRecruit,
                    .keywords = "招募",
                    .roles = kCircleRunners,
                    .who = kCircleRunnersWho,
                    .help_key = "help.line.recruit"};
HandlerRow kSignups{.name = "signups",
                    .fn = HandleSignups,
                    .keywords = "报名情况",
                    .roles = kCircleRunners,
                    .who = kCircleRunnersWho,
                    .help_key = "help.line.signups"};
HandlerRow kCloseRecruit{.name = "close_recruit",
                         .fn = HandleCloseRecruit,
                         .keywords = "结束招募",
                         .roles = kCircleRunners,
                         .who = kCircleRunnersWho,
                         .help_key = "help.line.close_recruit"};
// The 通知 conversation's confirmation step.
HandlerRow kNoticeFlow{.name = "notice.flow", .fn = HandleNoticeFlow, .flow = "notice"};

// Elderly-care relays (S7): handlers/chat/care.cc. Grid workers and staff set up elders and
// volunteers; assigned volunteers relay; family (kCareFamily) thank. Family join and are
// approved through 加入圈子 / 入圈通过 above.
HandlerRow kCareAddElder{.name = "care_add_elder",
                         .fn = HandleCareAddElder,
                         .keywords = "添加老人",
                         .roles = kStaffRoles,
                         .who = kStaffWho,
                         .help_key = "help.line.care_add_elder"};
HandlerRow kCareAssign{.name = "care_assign",
                       .fn = HandleCareAssign,
                       .keywords = "指派志愿者",
                       .roles = kStaffRoles,
                       .who = kStaffWho,
                       .help_key = "help.line.care_assign"};
HandlerRow kCareRelay{.name = "care_relay",
                      .fn = HandleCareRelay,
                      .keywords = "关爱",
                      .roles = kVolunteer,
                      .who = "关爱志愿者",
                      .help_key = "help.line.care_relay",
                      .menu = kVolunteer};
HandlerRow kCareThanks{.name = "care_thanks",
                       .fn = HandleCareThanks,
                       .keywords = "谢谢|感谢",
                       .help_key = "help.line.care_thanks",
                       .menu = kResident,
                       .help_roles = kCareFamily};

// Moderation under the circle convention (S10): handlers/chat/moderation.cc. Managers decide
// held relays and propose removals; the grid worker confirms a removal; anyone appeals.
HandlerRow kRelease{.name = "release",
                    .fn = HandleRelease,
                    .keywords = "放行|release",
                    .roles = kCircleRunners,
                    .who = kCircleRunnersWho,
                    .help_key = "help.line.release"};
HandlerRow kRejectHeld{.name = "reject_held",
                       .fn = HandleRejectHeld,
                       .keywords = "驳回",
                       .roles = kCircleRunners,
                       .who = kCircleRunnersWho,
                       .help_key = "help.line.reject_held"};
HandlerRow kRemoveMember{.name = "remove_member",
                         .fn = HandleRemoveMember,
                         .keywords = "踢出",
                         .roles = kCircleRunners,
                         .who = kCircleRunnersWho,
                         .help_key = "help.line.remove_member"};
HandlerRow kConfirmRemoval{.name = "confirm_removal",
                           .fn = HandleConfirmRemoval,
                           .keywords = "确认踢出",
                           .roles = kStaffRoles,
                           .who = kStaffWho,
                           .help_key = "help.line.confirm_removal"};
HandlerRow kAppeal{
    .name = "appeal", .fn = HandleAppeal, .keywords = "申诉", .help_key = "help.line.appeal"};

const std::vector<const HandlerRow*> kTable = {
    &kHelp,          &kCancel,       &kJoin,          &kRepair,       &kMyRepairs,
    &kHuman,         &kRate,         &kFixed,         &kLike,         &kReopen,
    &kCancelRepair,  &kVolunteerRow, &kMyService,     &kQuitVolunteer, &kTickets,
    &kClaim,         &kDone,         &kRequests,      &kApprove,      &kReject,
    &kVet,           &kMore,         &kJoinFlow,      &kAskFlow,      &kWelcome,
    &kScan,          &kImage,        &kLocation,      &kDefault,      &kUnsubscribe,
    &kLocationEvent, &kTemplateJob,  &kMassJob,
    &kSuggest,       &kMySuggestions, &kAnswerSuggestion, &kAdoptSuggestion, &kDeclineSuggestion,
    &kParking,       &kMyCar,         &kConfirmPlate,     &kCarMoved,       &kFreeSpot,
    &kSpots,
    &kEscalate,      &kUrge,         &kAccept,        &kSendBack,     &kResolve,
    // Circles, notices and recruitment (S6).
    &kJoinCircle, &kMyCircles, &kLeaveCircle, &kReceipt, &kSignup, &kCancelSignup,
    &kCreateCircle, &kCircleMembersRow, &kCircleApprove, &kCircleReject, &kNotice,
    &kNoticeStatus, &kNoticeRemind, &kNoticeWithdraw, &kRecruit, &kSignups, &kCloseRecruit,
    &kNoticeFlow,
    // Elderly-care relays (S7).
    &kCareAddElder, &kCareAssign, &kCareRelay, &kCareThanks,
    // Moderation (S10).
    &kRelease, &kRejectHeld, &kRemoveMember, &kConfirmRemoval, &kAppeal,
};

}  // namespace

const std::vector<const HandlerRow*>& HandlerTable() { return kTable; }

const HandlerRow* FindHandler(std::string_view name) {
  for (const HandlerRow* row : kTable) {
    if (row->name == name) return row;
  }
  return nullptr;
}

std::vector<std::string> HandlerCounters() {
  std::vector<std::string> out;
  for (const HandlerRow* row : kTable) {
    const uint64_t calls = row->calls.load(std::memory_order_relaxed);
    if (calls == 0) continue;
    out.push_back(fmt::format("{} calls={} failures={} avg_us={}", row->name, calls,
                              row->failures.load(std::memory_order_relaxed),
                              row->total_us.load(std::memory_order_relaxed) / calls));
  }
  return out;
}

const HandlerRow* FindFlowHandler(std::string_view flow) {
  if (flow.empty()) return nullptr;
  for (const HandlerRow* row : kTable) {
    if (row->flow == flow) return row;
  }
  return nullptr;
}

}  // namespace gebi::handlers
