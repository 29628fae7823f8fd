#include "handlers/admin/template_titles.h"

#include <utility>

namespace gebi::handlers::admin {

namespace {

using Pair = std::pair<std::string_view, std::string_view>;

// Groups by key prefix, longest first where they overlap.
constexpr Pair kGroups[] = {
    {"help", "帮助菜单"},        {"push.join", "推送：入格"},    {"push.ticket", "推送：报修"},
    {"push", "推送"},            {"join", "加入网格"},           {"scan", "加入网格"},
    {"ticket", "报修和工单"},    {"repair", "报修和工单"},       {"media", "报修和工单"},
    {"claim", "报修和工单"},     {"done", "报修和工单"},         {"rate", "报修和工单"},
    {"like", "报修和工单"},      {"reopen", "报修和工单"},       {"cancel_repair", "报修和工单"},
    {"my_repairs", "报修和工单"}, {"tickets", "报修和工单"},     {"volunteer", "志愿者"},
    {"inbox", "消息盒"},         {"poster", "网格二维码海报"},
    {"fixed", "报修和工单"},     {"safety", "报修和工单"},       {"vet", "志愿者"},
    {"human", "找人工"},         {"reach", "找人工"},            {"list", "常用回复"},
};

constexpr Pair kTitles[] = {
    {"claim.needs_vetting", "接单：优先报修要认证过的志愿者"},
    {"claim.ok", "接单成功"},
    {"done.ask_note", "完成时问修了什么"},
    {"fixed.ask_score", "居民说修好了：请打分"},
    {"fixed.none", "居民说修好了，但没有在修的报修"},
    {"fixed.note", "时间线：报修人说已修好"},
    {"help.all", "全部指令（回复「更多」时）"},
    {"help.line.human", "帮助里的一行：找人工"},
    {"help.line.vet", "帮助里的一行：认证志愿者"},
    {"human.asked", "找人工：给电话并请网格员联系"},
    {"human.asked_today", "找人工：今天已请过网格员"},
    {"human.call", "找人工：只给电话"},
    {"human.someone", "求助推送里没留名字的居民"},
    {"join.pending_wait", "入格申请还在等审核"},
    {"list.more", "列表后面还有几条"},
    {"my_repairs.one", "我的报修：只有一条时"},
    {"push.help_needed", "推送：居民找人工，发给网格员"},
    {"push.ticket_claimed_reporter", "推送：报修已有人接单，发给报修人"},
    {"push.ticket_confirmed", "推送：报修人确认修好，发给接单人"},
    {"push.vetted", "推送：志愿者已通过认证"},
    {"rate.ask_score", "评价时问几分"},
    {"reach.grid", "联系方式：网格员"},
    {"reach.phone", "联系方式：志愿者电话"},
    {"repair.ask", "报修时问哪里坏了"},
    {"safety.gas", "安全提示：燃气"},
    {"safety.smoke", "安全提示：冒烟起火"},
    {"safety.sparks", "安全提示：电火花"},
    {"ticket.urgent_mark", "紧急报修的标记"},
    {"vet.ambiguous", "认证：有几位同名志愿者"},
    {"vet.ok", "认证成功"},
    {"vet.unknown", "认证：没找到这位志愿者"},
    {"vet.usage", "认证的写法"},
    {"volunteer.ask", "报名志愿者时问会什么"},
    {"help", "帮助菜单（整段）"},
    {"help.line.help", "帮助里的一行：帮助"},
    {"help.line.cancel", "帮助里的一行：取消"},
    {"help.line.join", "帮助里的一行：加入网格"},
    {"help.line.repair", "帮助里的一行：报修"},
    {"help.line.my_repairs", "帮助里的一行：我的报修"},
    {"help.line.rate", "帮助里的一行：评价"},
    {"help.line.like", "帮助里的一行：点赞"},
    {"help.line.reopen", "帮助里的一行：没修好"},
    {"help.line.cancel_repair", "帮助里的一行：取消报修"},
    {"help.line.volunteer", "帮助里的一行：报名志愿者"},
    {"help.line.my_service", "帮助里的一行：我的服务"},
    {"help.line.quit_volunteer", "帮助里的一行：退出志愿者"},
    {"help.line.tickets", "帮助里的一行：查看工单"},
    {"help.line.claim", "帮助里的一行：接单"},
    {"help.line.done", "帮助里的一行：完成"},
    {"help.line.requests", "帮助里的一行：待审核"},
    {"help.line.approve", "帮助里的一行：通过申请"},
    {"help.line.reject", "帮助里的一行：拒绝申请"},
    {"welcome", "关注公众号时的欢迎语"},
    {"default", "没看懂时的默认回复"},
    {"busy", "系统忙时的回复"},
    {"text_too_long", "消息太长时的回复"},
    {"rate_limited", "发得太快时的回复"},
    {"not_allowed", "没有权限用这个命令"},
    {"flow_expired", "对话超时"},
    {"cancelled", "已取消当前操作"},
    {"nothing_to_cancel", "没有可以取消的操作"},
    {"join.no_contact", "网格没有联系方式时"},
    {"join.withdrawn", "取消关注后申请撤回"},
    {"join.ask_address", "询问家庭地址"},
    {"join.ask_address_restart", "上一步失效，重新问地址"},
    {"join.found", "找到网格，询问姓名房号"},
    {"join.qr_start", "扫网格二维码后的第一句"},
    {"join.qr_unknown", "二维码对应的网格找不到"},
    {"scan.unknown", "扫的不是网格二维码"},
    {"join.candidates", "地址有几个可能"},
    {"join.no_match", "找不到这个地址"},
    {"join.pick_again", "序号不对，请重选"},
    {"join.ask_name_again", "请重新写姓名和房号"},
    {"join.no_id_number", "不要发身份证号"},
    {"join.confirm", "请居民确认申请内容"},
    {"join.confirm_again", "请回复是或否"},
    {"join.submitted", "申请已提交"},
    {"join.pending", "申请还在审核"},
    {"join.already_member", "已经是网格成员"},
    {"join.approve_usage", "通过申请的用法"},
    {"join.reject_usage", "拒绝申请的用法"},
    {"join.request_unknown", "没有这个申请"},
    {"join.not_your_grid", "不是你负责的网格"},
    {"join.already_decided", "申请已经处理过"},
    {"join.status.approved", "申请状态：已通过"},
    {"join.status.rejected", "申请状态：已拒绝"},
    {"join.approved", "网格员通过后的回复"},
    {"join.rejected", "网格员拒绝后的回复"},
    {"join.requests_none", "没有待审核的申请"},
    {"join.requests", "待审核申请列表"},
    {"push.join_request", "新入格申请（发给网格员）"},
    {"push.join_approved", "申请通过（发给居民）"},
    {"push.join_rejected", "申请被拒（发给居民）"},
    {"ticket.status.open", "工单状态：待接单"},
    {"ticket.status.claimed", "工单状态：处理中"},
    {"ticket.status.done", "工单状态：已修好"},
    {"ticket.status.closed", "工单状态：已关闭"},
    {"ticket.status.cancelled", "工单状态：已取消"},
    {"ticket.status.reopened", "工单状态：重新打开"},
    {"ticket.priority_mark", "独居老人优先的标记"},
    {"ticket.unknown", "没有这个工单"},
    {"ticket.not_yours", "不是你能处理的工单"},
    {"ticket.reporter_only", "只有报修人能这样做"},
    {"ticket.cancelled", "工单已取消"},
    {"ticket.wrong_state", "工单当前状态不能这样做"},
    {"repair.join_first", "报修前要先加入网格"},
    {"repair.usage", "报修的用法"},
    {"repair.too_long", "报修内容太长"},
    {"repair.already_reported", "同样的问题已经报过"},
    {"repair.too_many_open", "未完成的报修太多"},
    {"repair.too_many_recent", "一小时内报修太多"},
    {"repair.created", "报修成功"},
    {"repair.created_workers_only", "报修成功（只通知了网格员）"},
    {"media.attached_image", "照片已加到报修里"},
    {"media.attached_location", "位置已加到报修里"},
    {"media.no_ticket_image", "收到照片但没有报修"},
    {"media.no_ticket_location", "收到位置但没有报修"},
    {"claim.usage", "接单的用法"},
    {"claim.own_ticket", "不能接自己的报修"},
    {"claim.already_yours", "已经是你接的单"},
    {"claim.taken", "已经有人接单"},
    {"claim.ok", "接单成功"},
    {"done.usage", "完成的用法"},
    {"done.need_note", "完成时要写说明"},
    {"done.not_claimed", "还没接单不能完成"},
    {"done.not_claimer", "不是你接的单"},
    {"done.ok", "完成成功"},
    {"rate.usage", "评价的用法"},
    {"rate.already", "已经评价过"},
    {"rate.not_done", "还没修好不能评价"},
    {"rate.ok", "评价成功"},
    {"like.usage", "点赞的用法"},
    {"like.not_done", "还没修好不能点赞"},
    {"like.own_work", "不能给自己点赞"},
    {"like.already", "已经点过赞"},
    {"like.ok", "点赞成功"},
    {"reopen.usage", "没修好的用法"},
    {"reopen.not_done", "还没修好不能说没修好"},
    {"reopen.ok", "工单已重新打开"},
    {"cancel_repair.usage", "取消报修的用法"},
    {"cancel_repair.ok", "报修已取消"},
    {"my_repairs.none", "我的报修：没有"},
    {"my_repairs.list", "我的报修列表"},
    {"tickets.none", "没有待处理的工单"},
    {"tickets.street_hint", "街道人员看工单的提示"},
    {"tickets.list", "待处理工单列表"},
    {"tickets.list_volunteer", "志愿者看到的工单列表"},
    {"push.ticket_new_worker", "新报修（发给网格员）"},
    {"push.ticket_new_volunteer", "新报修（发给会修的志愿者）"},
    {"push.ticket_claimed_reporter", "有人接单（发给报修人）"},
    {"push.ticket_claimed_worker", "有人接单（发给网格员）"},
    {"push.ticket_done_reporter", "修好了（发给报修人）"},
    {"push.ticket_done_worker", "修好了（发给网格员）"},
    {"push.ticket_rated", "收到评价（发给修的人）"},
    {"push.ticket_liked", "收到点赞（发给修的人）"},
    {"push.ticket_reopened", "居民说没修好（发给修的人）"},
    {"push.ticket_cancelled", "报修取消了（发给接单的人）"},
    {"push.ticket_assigned", "社区指派工单（发给接手的人）"},
    {"push.ticket_reassigned", "工单改派（发给原来接单的人）"},
    {"push.ticket_closed_by_office", "社区关闭工单（发给报修人）"},
    {"push.ticket_cancelled_by_office", "社区取消工单（发给报修人）"},
    {"volunteer.join_first", "报名志愿者前要先加入网格"},
    {"volunteer.usage", "报名志愿者的用法"},
    {"volunteer.unknown_skill", "不认识这项技能"},
    {"volunteer.ok", "报名志愿者成功"},
    {"volunteer.updated", "志愿者技能已更新"},
    {"volunteer.any_time", "有空时间：随时"},
    {"volunteer.record", "我的服务记录"},
    {"volunteer.no_open", "没有进行中的工单"},
    {"volunteer.open_header", "进行中的工单标题"},
    {"volunteer.quit_open", "退出前还有没完成的工单"},
    {"volunteer.not_volunteer", "还不是志愿者"},
    {"volunteer.quit_ok", "已退出志愿者"},
    {"inbox.header", "消息盒标题"},
    {"inbox.item", "消息盒里的一条"},
    {"inbox.more", "消息盒还有更多"},
    {"poster.convention", "二维码海报上的群公约"},
};

constexpr Pair kPlaceholders[] = {
    {"id", "号码"},           {"name", "姓名"},         {"room", "楼幢房号"},
    {"phone", "电话"},        {"grid", "网格"},         {"path", "街道社区网格"},
    {"contact", "联系方式"},  {"candidates", "候选地址"}, {"offices", "社区电话"},
    {"max", "上限"},          {"command", "命令"},      {"who", "谁"},
    {"commands", "命令列表"}, {"status", "状态"},       {"total", "总数"},
    {"lines", "列表"},        {"reason", "原因"},       {"office", "社区办公室"},
    {"category", "类别"},     {"description", "问题描述"}, {"note", "说明"},
    {"score", "分数"},        {"priority", "优先标记"}, {"skills", "技能"},
    {"word", "写的词"},       {"when", "有空时间"},     {"count", "条数"},
    {"index", "序号"},        {"text", "内容"},         {"rest", "剩下的条数"},
    {"community", "社区"},    {"worker", "网格员"},     {"n", "数字"},
    {"address", "地址"},      {"claimed", "接单次数"},  {"completed", "修好次数"},
    {"thanks", "感谢次数"},   {"likes", "点赞个数"},    {"good", "好评个数"},
    {"open", "进行中的工单"},
    {"suggestions", "建议试试的命令"}, {"reach", "怎么联系对方"},
};

constexpr Pair kSamples[] = {
    {"command", "通过 3"},
    {"commands", "帮助 — 看看能做什么\n取消 — 退出当前操作"},
    {"name", "张三"},
    {"grid", "第三网格"},
    {"community", "示例社区"},
    {"worker", "李网格员"},
    {"id", "12"},
    {"n", "12"},
    {"reason", "信息不全"},
    {"text", "楼道灯坏了"},
    {"address", "5幢301"},
    {"room", "5幢301"},
    {"phone", "13800000000"},
    {"path", "五马街道 桂柑社区 第三网格"},
    {"contact", "网格员李四 0577-88000000"},
    {"candidates", "1. 桂柑小区5幢\n2. 桂柑小区15幢"},
    {"offices", "桂柑社区 0577-88000000"},
    {"max", "3"},
    {"who", "王师傅"},
    {"status", "处理中"},
    {"total", "2"},
    {"lines", "12号 楼道灯坏了\n13号 水管漏水"},
    {"office", "桂柑社区 0577-88000000"},
    {"category", "电"},
    {"description", "楼道灯坏了"},
    {"note", "换了灯泡"},
    {"score", "5"},
    {"priority", "【独居老人】"},
    {"skills", "水电维修、保洁"},
    {"word", "修车"},
    {"when", "周末"},
    {"count", "3"},
    {"index", "1"},
    {"rest", "2"},
    {"claimed", "8"},
    {"completed", "7"},
    {"thanks", "5"},
    {"likes", "6"},
    {"good", "4"},
    {"open", "12号 楼道灯坏了"},
    {"suggestions", "报修 楼道灯坏了；帮助"},
    {"reach", "联系电话：13800000000。"},
};

std::string_view Find(const Pair* begin, const Pair* end, std::string_view key) {
  for (const Pair* p = begin; p != end; ++p) {
    if (p->first == key) return p->second;
  }
  return {};
}

}  // namespace

std::string TemplateGroup(std::string_view key) {
  std::string_view best;
  size_t best_len = 0;
  for (const auto& [prefix, group] : kGroups) {
    const bool match = key == prefix || (key.size() > prefix.size() &&
                                         key.substr(0, prefix.size()) == prefix &&
                                         (key[prefix.size()] == '.' || key[prefix.size()] == '_'));
    if (match && prefix.size() > best_len) {
      best = group;
      best_len = prefix.size();
    }
  }
  return best.empty() ? "常用回复" : std::string(best);
}

std::string TemplateTitle(std::string_view key) {
  std::string_view t = Find(std::begin(kTitles), std::end(kTitles), key);
  return t.empty() ? TemplateGroup(key) + "：其他文字" : std::string(t);
}

std::string PlaceholderLabel(std::string_view placeholder) {
  std::string_view t = Find(std::begin(kPlaceholders), std::end(kPlaceholders), placeholder);
  return t.empty() ? "替换内容" : std::string(t);
}

std::string PlaceholderSample(std::string_view placeholder) {
  std::string_view t = Find(std::begin(kSamples), std::end(kSamples), placeholder);
  return t.empty() ? "〈" + PlaceholderLabel(placeholder) + "〉" : std::string(t);
}

}  // namespace gebi::handlers::admin
