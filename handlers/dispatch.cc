#include "handlers/dispatch.h"

#include "handlers/handlers.h"

namespace gebi::handlers {

namespace {

// The route table. Order is the order of lines in 帮助.
constexpr uint32_t kWorkers = kVolunteer | kStaffRoles;  // who claims and finishes tickets
HandlerRow kHelp{"help", HandleHelp, kAnyone, "help.line.help"};
HandlerRow kCancel{"cancel", HandleCancel, kAnyone, "help.line.cancel"};
HandlerRow kJoin{"join", HandleJoin, kAnyone, "help.line.join"};
HandlerRow kRepair{"repair", HandleRepair, kAnyone, "help.line.repair"};
HandlerRow kMyRepairs{"my_repairs", HandleMyRepairs, kAnyone, "help.line.my_repairs"};
HandlerRow kRate{"rate", HandleRate, kAnyone, "help.line.rate"};
HandlerRow kLike{"like", HandleLike, kAnyone, "help.line.like"};
HandlerRow kReopen{"reopen", HandleReopen, kAnyone, "help.line.reopen"};
HandlerRow kCancelRepair{"cancel_repair", HandleCancelRepair, kAnyone, "help.line.cancel_repair"};
HandlerRow kVolunteerRow{"volunteer", HandleVolunteer, kAnyone, "help.line.volunteer"};
HandlerRow kMyService{"my_service", HandleMyService, kVolunteer, "help.line.my_service",
                      "",           "志愿者"};
HandlerRow kQuitVolunteer{
    "quit_volunteer", HandleQuitVolunteer, kVolunteer, "help.line.quit_volunteer", "", "志愿者"};
HandlerRow kTickets{
    "tickets", HandleTickets,           kWorkers | kFloorLeader, "help.line.tickets",
    "",        "网格员、楼道长和志愿者"};
HandlerRow kClaim{"claim", HandleClaim, kWorkers, "help.line.claim", "", "志愿者和网格员"};
HandlerRow kDone{"done", HandleDone, kWorkers, "help.line.done", "", "志愿者和网格员"};
HandlerRow kRequests{"requests", HandleJoinRequests,    kStaffRoles, "help.line.requests",
                     "",         "网格员和社区工作人员"};
HandlerRow kApprove{"approve", HandleApprove,         kStaffRoles, "help.line.approve",
                    "",        "网格员和社区工作人员"};
HandlerRow kReject{"reject",           HandleReject, kStaffRoles,
                   "help.line.reject", "",           "网格员和社区工作人员"};
HandlerRow kJoinFlow{"join.flow", HandleJoinFlow, kAnyone, "", "join"};
HandlerRow kWelcome{"welcome", HandleWelcome, kAnyone};
HandlerRow kScan{"event.scan", HandleScan, kAnyone};
HandlerRow kImage{"image", HandleMedia, kAnyone};
HandlerRow kLocation{"location", HandleMedia, kAnyone};
HandlerRow kDefault{"default", HandleDefault, kAnyone};
HandlerRow kUnsubscribe{"event.unsubscribe", HandleUnsubscribe, kAnyone};
// Location reports every 5 s and job-finished receipts need no reply.
HandlerRow kLocationEvent{"event.location", HandleIgnore, kAnyone};
HandlerRow kTemplateJob{"event.templatesendjobfinish", HandleIgnore, kAnyone};
HandlerRow kMassJob{"event.masssendjobfinish", HandleIgnore, kAnyone};

const std::vector<const HandlerRow*> kTable = {
    &kHelp,        &kCancel,        &kJoin,         &kRepair,       &kMyRepairs, &kRate,
    &kLike,        &kReopen,        &kCancelRepair, &kVolunteerRow, &kMyService, &kQuitVolunteer,
    &kTickets,     &kClaim,         &kDone,         &kRequests,     &kApprove,   &kReject,
    &kJoinFlow,    &kWelcome,       &kScan,         &kImage,        &kLocation,  &kDefault,
    &kUnsubscribe, &kLocationEvent, &kTemplateJob,  &kMassJob,
};

}  // namespace

const std::vector<const HandlerRow*>& HandlerTable() { return kTable; }

const HandlerRow* FindHandler(std::string_view name) {
  for (const HandlerRow* row : kTable) {
    if (row->name == name) return row;
  }
  return nullptr;
}

std::string RawTail(const Context& ctx, std::string_view suffix) {
  const std::string& text = ctx.text;
  if (suffix.size() > text.size() || ctx.text_offsets.size() != text.size() + 1 ||
      text.compare(text.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return std::string(suffix);
  }
  if (suffix.empty()) return "";
  size_t from = ctx.text_offsets[text.size() - suffix.size()];
  size_t to = ctx.text_offsets.back();
  if (from > to || to > ctx.raw_text.size()) return std::string(suffix);
  return ctx.raw_text.substr(from, to - from);
}

const HandlerRow* FindFlowHandler(std::string_view flow) {
  if (flow.empty()) return nullptr;
  for (const HandlerRow* row : kTable) {
    if (row->flow == flow) return row;
  }
  return nullptr;
}

}  // namespace gebi::handlers
