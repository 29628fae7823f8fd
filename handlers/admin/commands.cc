#include "handlers/admin/commands.h"

#include <algorithm>

#include "handlers/dispatch.h"
#include "handlers/normalize.h"
#include "handlers/router.h"

namespace gebi::handlers::admin {

namespace {

const std::vector<CommandInfo> kCommands = {
    {"help", "帮助", "列出发消息的人能用的所有命令", {"帮助", "菜单"}},
    {"cancel", "取消", "结束正在进行的对话（比如填到一半的入格申请）", {"取消"}},
    {"join", "加入网格", "居民按地址找到自己的网格，填姓名和房号后申请加入，网格员审核",
     {"加入网格 桂柑小区5幢", "加入网格"}},
    {"repair", "报修", "居民报告要修的东西，生成工单，通知网格员和会修的志愿者",
     {"报修 楼道灯坏了", "报修 水管漏水"}},
    {"my_repairs", "我的报修", "居民查看自己报修的进度", {"我的报修"}},
    {"rate", "评价", "居民给修好的工单打 1 到 5 分", {"评价 12 5"}},
    {"like", "点赞", "居民给修好的工单点赞，志愿者会收到感谢", {"点赞 12"}},
    {"reopen", "没修好", "居民说工单没修好，工单重新打开", {"没修好 12"}},
    {"cancel_repair", "取消报修", "居民撤回自己的报修", {"取消报修 12"}},
    {"volunteer", "报名志愿者", "居民报名当志愿者，写上会的技能", {"志愿者 水电 保洁", "我要当志愿者"}},
    {"my_service", "我的服务", "志愿者查看自己接单、完成和收到的点赞", {"我的服务"}},
    {"quit_volunteer", "退出志愿者", "志愿者不再接单", {"退出志愿者"}},
    {"tickets", "查看工单", "网格员、楼道长和志愿者查看待处理的工单", {"工单"}},
    {"claim", "接单", "志愿者或网格员接下一个工单", {"接单 12"}},
    {"done", "完成", "接单的人说明修好了，居民会收到通知", {"完成 12 换了灯泡"}},
    {"requests", "待审核", "网格员查看待审核的入格申请", {"待审核"}},
    {"approve", "通过申请", "网格员通过入格申请，居民成为网格成员", {"通过 3"}},
    {"reject", "拒绝申请", "网格员拒绝入格申请并写明原因", {"拒绝 3 不是本小区住户"}},
    {"welcome", "关注欢迎语", "有人关注公众号时发出欢迎语", {}},
    {"more", "更多", "看列表的下一页，或看全部指令", {"更多"}},
    {"human", "找人工", "给居民网格员或社区的电话，并请网格员联系他（每人每天一次）",
     {"人工", "我不会用", "找网格员"}},
    {"fixed", "修好了", "报修人说已经修好，工单完成，接着请他打分", {"修好了，谢谢"}},
    {"vet", "认证志愿者", "网格员或社区工作人员认证志愿者，认证后才能看到独居老人和房号、接优先报修",
     {"认证 施青松"}},
    {"suggest", "提建议", "居民给社区提建议，社区工作人员收到推送，一定会答复", {"建议 巡逻喇叭声音小一点"}},
    {"my_suggestions", "我的建议", "居民查看自己提的建议和答复", {"我的建议"}},
    {"answer_suggestion", "回复建议", "社区工作人员或网格员答复居民的建议，居民会收到", {"回复 3 已经调小了音量"}},
    {"adopt_suggestion", "采纳建议", "采纳居民的建议，可以写说明，居民会收到", {"采纳 3 下周开始执行"}},
    {"decline_suggestion", "不采纳建议", "不采纳居民的建议，一定要写原因，居民会收到", {"不采纳 3 喇叭是消防要求的"}},
    {"parking", "反映停车", "居民反映乱停的车，通知社区；登记过的车主会收到挪车提醒（不告诉是谁反映的）",
     {"停车 浙C12345 3幢门口"}},
    {"my_car", "登记我的车", "居民登记自己的车牌，社区确认后，有人反映时提醒他挪车", {"我的车 浙C12345"}},
    {"confirm_plate", "确认车牌", "社区工作人员或网格员确认居民登记的车牌", {"确认车牌 浙C12345"}},
    {"car_moved", "已挪车", "车主说车已挪走，反映的邻居会收到", {"已挪"}},
    {"free_spot", "报空车位", "居民告诉邻居哪里有空车位，过一段时间自动失效", {"空位 3幢东边"}},
    {"spots", "看空车位", "居民查看邻居报的、还没过期的空车位", {"车位"}},
    {"escalate", "升级", "网格员或这一级的工作人员把解决不了的报修交给上一级（网格、社区、街道、区）",
     {"升级 12 需要社区协调物业"}},
    {"urge", "催办", "报修人请正在处理的那一级快一点（每天一次）", {"催办 12", "催办"}},
    {"accept", "受理", "报修现在所在那一级的工作人员接手处理", {"受理 12"}},
    {"send_back", "退回", "这一级的工作人员把报修交回下一级，要写原因", {"退回 12 属于网格的事"}},
    {"resolve", "办结", "这一级的工作人员办好了报修，报修人会收到通知并打分",
     {"办结 12 已协调物业更换水管"}},
    // Circles, notices and recruitment (S6).
    {"create_circle", "建圈", "网格员或社区工作人员建一个圈子，自己当圈主，得到邀请码",
     {"建圈 楼栋 5幢邻里群", "建圈 党员 桂柑党员圈"}},
    {"join_circle", "加入圈子", "居民凭邀请码加入圈子；实名圈子要管理员同意", {"加入圈子 381920"}},
    {"my_circles", "我的圈子", "看自己在哪些圈子里", {"我的圈子"}},
    {"leave_circle", "退出圈子", "不再收某个圈子的消息（网格圈跟着网格走）", {"退出圈子 5幢邻里群"}},
    {"circle_members", "圈子成员", "圈子管理员查看成员、邀请码和等同意的申请", {"圈子成员 5幢邻里群"}},
    {"circle_approve", "同意入圈", "圈子管理员同意实名圈子的入圈申请", {"入圈通过 3"}},
    {"circle_reject", "拒绝入圈", "圈子管理员拒绝入圈申请并写明原因", {"入圈拒绝 3 不是本楼住户"}},
    {"notice", "发通知", "圈子管理员给一个或几个圈子发编号通知，先确认人数，每人只收一次",
     {"通知 5幢邻里群 周六上午停水", "通知 全部 台风天请关好门窗"}},
    {"receipt", "回复收到", "成员告诉发通知的人自己看到了通知", {"收到", "收到 3"}},
    {"notice_status", "通知情况", "发通知的人看谁收到了、谁还没回复", {"通知情况 3"}},
    {"notice_remind", "提醒没回复的人", "给还没回复收到的人再发一次（每条通知一次）", {"提醒 3"}},
    {"notice_withdraw", "撤回通知", "撤回发错的通知：没送到的取消，看过的人收到撤回说明", {"撤回 3"}},
    {"recruit", "招募", "圈子管理员发起有名额的活动，发给圈子成员报名", {"招募 10 周六电视台录节目 @党员圈"}},
    {"signup", "报名", "居民报名参加招募；满了进候补，有人取消自动补上", {"报名 3"}},
    {"cancel_signup", "取消报名", "居民取消报名，名额让给候补的人", {"取消报名 3"}},
    {"signups", "报名情况", "发起人查看报名名单和候补", {"报名情况 3"}},
    {"close_recruit", "结束招募", "发起人停止接受报名", {"结束招募 3"}},
    // Elderly-care relays (S7).
    {"care_add_elder", "添加老人", "网格员或社区工作人员登记要关爱的老人，不写圈子就建「称呼+关爱圈」，得到给家属的邀请码",
     {"添加老人 金阿婆", "添加老人 金阿婆 幸福里关爱圈"}},
    {"care_assign", "指派关爱志愿者", "网格员请登记过的志愿者关爱某位老人，志愿者会收到推送", {"指派志愿者 金阿婆 李明"}},
    {"care_relay", "关爱消息", "被指派的志愿者告诉老人家属近况，10分钟内的照片也发给家属；只有这位老人的家属收到",
     {"关爱 金阿婆 今天午饭吃了一碗面"}},
    {"care_thanks", "谢谢志愿者", "家属谢谢发关爱消息的志愿者，记一次感谢，志愿者收到一次通知", {"谢谢", "谢谢 5"}},
    // Moderation (S10).
    {"release", "放行", "圈子管理员看过被拦下的内容，没问题就发出去", {"放行 5"}},
    {"reject_held", "驳回", "圈子管理员不发被拦下的内容，发的人记一次违规，多次会被禁言",
     {"驳回 5 含广告"}},
    {"remove_member", "踢出", "圈子管理员提议把违规的人移出圈子，网格员确认后生效",
     {"踢出 张三 多次发广告"}},
    {"confirm_removal", "确认踢出", "网格员同意圈子管理员的踢出提议，把人移出圈子", {"确认踢出 3"}},
    {"appeal", "申诉", "觉得内容被拦错或被处理错了，请社区工作人员再看", {"申诉 5 这是小区通知"}},
};

std::vector<std::string_view> Keywords(const HandlerRow& row) {
  std::vector<std::string_view> out;
  std::string_view rest = row.keywords;
  while (!rest.empty()) {
    size_t bar = rest.find('|');
    out.push_back(rest.substr(0, bar));
    rest = bar == std::string_view::npos ? std::string_view() : rest.substr(bar + 1);
  }
  return out;
}

}  // namespace

const std::vector<CommandInfo>& Commands() { return kCommands; }

const CommandInfo* FindCommand(std::string_view handler) {
  for (const CommandInfo& c : kCommands) {
    if (c.handler == handler) return &c;
  }
  return nullptr;
}

std::string CommandTitle(std::string_view handler) {
  if (const CommandInfo* c = FindCommand(handler)) return std::string(c->title);
  if (const HandlerRow* row = FindHandler(handler)) {
    auto words = Keywords(*row);
    if (!words.empty() && !words.front().empty()) return std::string(words.front());
  }
  return "系统命令";
}

bool IsSystemRule(const storage::Rule& rule) {
  if (rule.target_kind != "handler" || rule.community_id) return false;
  const HandlerRow* row = FindHandler(rule.target);
  if (row == nullptr) return false;
  for (std::string_view k : Keywords(*row)) {
    if (k == rule.pattern) return true;
  }
  return false;
}

std::optional<ShadowedCommand> FindShadowedCommand(const std::vector<storage::Rule>& others,
                                                   const storage::Rule& rule) {
  if (!rule.enabled || rule.match_kind == "event") return std::nullopt;
  std::vector<storage::Rule> without;
  for (const storage::Rule& r : others) {
    if (r.enabled && r.id != rule.id) without.push_back(r);
  }
  // The router orders by priority, then id: the candidate takes the place the saved rule
  // gets (an edited rule keeps its id; a new one gets one above every other).
  storage::Rule candidate = rule;
  if (candidate.id <= 0) {
    candidate.id = 1;
    for (const storage::Rule& r : others) candidate.id = std::max(candidate.id, r.id + 1);
  }
  std::vector<storage::Rule> with = without;
  with.push_back(candidate);
  auto before = Router::Compile(without, 0);
  auto after = Router::Compile(with, 0);
  // Probe texts: every enabled command keyword rule's own pattern, then the examples.
  std::vector<std::pair<std::string, std::string>> probes;  // (text, handler)
  for (const storage::Rule& r : without) {
    if (r.target_kind == "handler" && r.match_kind != "regex" && r.match_kind != "event") {
      probes.emplace_back(r.pattern, r.target);
    }
  }
  for (const CommandInfo& c : kCommands) {
    for (std::string_view e : c.examples) probes.emplace_back(std::string(e), c.handler);
  }
  for (const auto& [text, handler] : probes) {
    if (rule.target_kind == "handler" && rule.target == handler) continue;
    const std::string normalized = Normalize(text);
    auto was = Router::MatchTextIn(*before, normalized, rule.community_id);
    if (!was || was->rule.target_kind != "handler" || was->rule.target != handler) continue;
    auto now = Router::MatchTextIn(*after, normalized, rule.community_id);
    if (now && now->rule.id == candidate.id) {
      return ShadowedCommand{handler, CommandTitle(handler), text};
    }
  }
  return std::nullopt;
}

}  // namespace gebi::handlers::admin
