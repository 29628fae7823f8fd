#include "handlers/dispatch.h"

#include "handlers/handlers.h"

namespace gebi::handlers {

namespace {

// The route table. Order is the order of lines in 帮助.
HandlerRow kHelp{"help", HandleHelp, kAnyone, "help.line.help"};
HandlerRow kCancel{"cancel", HandleCancel, kAnyone, "help.line.cancel"};
HandlerRow kWelcome{"welcome", HandleWelcome, kAnyone};
HandlerRow kDefault{"default", HandleDefault, kAnyone};
HandlerRow kUnsubscribe{"event.unsubscribe", HandleUnsubscribe, kAnyone};
// Location reports every 5 s and job-finished receipts need no reply.
HandlerRow kLocationEvent{"event.location", HandleIgnore, kAnyone};
HandlerRow kTemplateJob{"event.templatesendjobfinish", HandleIgnore, kAnyone};
HandlerRow kMassJob{"event.masssendjobfinish", HandleIgnore, kAnyone};

const std::vector<const HandlerRow*> kTable = {
    &kHelp,        &kCancel,        &kWelcome,     &kDefault,
    &kUnsubscribe, &kLocationEvent, &kTemplateJob, &kMassJob,
};

}  // namespace

const std::vector<const HandlerRow*>& HandlerTable() { return kTable; }

const HandlerRow* FindHandler(std::string_view name) {
  for (const HandlerRow* row : kTable) {
    if (row->name == name) return row;
  }
  return nullptr;
}

const HandlerRow* FindFlowHandler(std::string_view flow) {
  if (flow.empty()) return nullptr;
  for (const HandlerRow* row : kTable) {
    if (row->flow == flow) return row;
  }
  return nullptr;
}

}  // namespace gebi::handlers
