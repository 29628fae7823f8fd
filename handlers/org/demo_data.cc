#include "handlers/org/demo_data.h"

#include <fmt/format.h>

#include "handlers/chat/circles.h"
#include "handlers/org/directory.h"
#include "storage/care_store.h"
#include "storage/circle_store.h"
#include "storage/org_store.h"
#include "storage/rule_store.h"
#include "storage/volunteer_store.h"

namespace gebi::handlers {

namespace {

// Keyword rules a community office typically starts with, as data it can edit later.
struct DemoRule {
  const char* kind;
  const char* pattern;
  const char* text;
};
constexpr DemoRule kDemoRules[] = {
    {"exact", "办事时间", "社区办事时间：周一至周五 8:30-12:00，14:00-17:30。"},
    {"contains", "社区电话", "社区服务电话：0577-88000000（工作日）。"},
};

// The demo district of the report: 鹿城区 / 松台街道 / 桂柑社区 (13 grids), 菱藕社区, 庆年坊社区.
// Same format as `gebi org import` (see org_directory.h).
constexpr std::string_view kDemoOrg = R"csv(kind,code,parent,name,contact,people
district,LC,,鹿城区,0577-88200000,o_demo_district
street,LC-ST,LC,松台街道,0577-88100000,o_demo_street
community,GG,LC-ST,桂柑社区,0577-88000000,o_demo_staff
community,LO,LC-ST,菱藕社区,0577-88000001,o_demo_staff_lo
community,QNF,LC-ST,庆年坊社区,0577-88000002,o_demo_staff_qnf
grid,GG-01,GG,第一网格,网格员林晓 13800000001,o_demo_worker1
grid,GG-02,GG,第二网格,网格员陈敏 13800000002,o_demo_worker2
grid,GG-03,GG,第三网格,网格员周杰 13800000003,o_demo_worker3
grid,GG-04,GG,第四网格,网格员吴芳 13800000004,o_demo_worker4
grid,GG-05,GG,第五网格,网格员郑伟 13800000005,o_demo_worker5
grid,GG-06,GG,第六网格,网格员王丽 13800000006,o_demo_worker6
grid,GG-07,GG,第七网格,网格员冯军 13800000007,o_demo_worker7
grid,GG-08,GG,第八网格,网格员陈静 13800000008,o_demo_worker8
grid,GG-09,GG,第九网格,网格员褚明 13800000009,o_demo_worker9
grid,GG-10,GG,第十网格,网格员卫红 13800000010,o_demo_worker10
grid,GG-11,GG,第十一网格,网格员蒋涛 13800000011,o_demo_worker11
grid,GG-12,GG,第十二网格,网格员沈燕 13800000012,o_demo_worker12
grid,GG-13,GG,第十三网格,网格员韩磊 13800000013,o_demo_worker13
grid,LO-01,LO,第一网格,网格员杨帆 13800000021,o_demo_worker_lo1
grid,LO-02,LO,第二网格,网格员朱琳 13800000022,o_demo_worker_lo2
grid,QNF-01,QNF,第一网格,网格员秦川 13800000031,o_demo_worker_qnf1
grid,QNF-02,QNF,第二网格,网格员许诺 13800000032,o_demo_worker_qnf2
building,GG-01-B5,GG-01,5幢,,o_demo_floorleader
)csv";

// Each 桂柑 grid holds ten buildings of 桂柑小区 and a stretch of a street.
constexpr std::string_view kDemoAddressHeader = "grid,road,number,estate,building\n";
constexpr std::string_view kDemoAddressExtra = R"csv(GG-01,信河街,1-49,,
GG-02,信河街,51-99,,
GG-03,松台路,1-59,,
GG-04,松台路,61-119,,
LO-01,,,菱藕小区,1-20
LO-02,,,菱藕小区,21-40
LO-01,飞霞南路,1-99,,
QNF-01,,,庆年坊,1-15
QNF-02,,,庆年坊,16-30
QNF-01,庆年路,1-79,,
)csv";

struct DemoPerson {
  const char* openid;
  const char* grid_code;  // nullptr: not a resident (plays the join story)
  const char* name;
  const char* building;
  const char* room;
  bool elderly_alone;
  const char* skills;  // volunteer skills separated by spaces; nullptr: not a volunteer
  const char* availability;
  const char* what;  // one line for the report
};
constexpr DemoPerson kPeople[] = {
    {"o_demo_resident", nullptr, "", "", "", false, nullptr, "",
     "a new resident, not in a grid yet: plays S1 (join), then S3 (repair) and S5 (volunteer)"},
    {"o_demo_worker1", "GG-01", "林晓", "1幢", "101", false, nullptr, "",
     "grid worker of 桂柑社区第一网格: approves joins (通过 N), gets repair pushes, 工单"},
    {"o_demo_volunteer", "GG-01", "施青松", "3幢", "202", false, "水电维修", "随时",
     "volunteer electrician 施青松 (水电维修): 工单, 接单 N, 完成 N 说明, 我的服务"},
    {"o_demo_staff", nullptr, "", "", "", false, nullptr, "",
     "community staff of 桂柑社区 (柯建华): 待审核, 通过/拒绝 for every 桂柑 grid, 工单"},
    {"o_demo_jin", "GG-01", "金阿婆", "5幢", "102", true, nullptr, "",
     "elderly resident living alone (金阿婆, grid 1): 报修 gets priority"},
    {"o_demo_floorleader", "GG-01", "王葆蕾", "5幢", "301", false, nullptr, "",
     "floor leader of 第一网格 5幢 (王葆蕾): 工单"},
    {"o_demo_cleaner", "GG-02", "江炳文", "12幢", "101", false, "保洁", "上午",
     "volunteer cleaner 江炳文 (保洁)"},
    {"o_demo_massage", "GG-03", "李志美", "25幢", "402", false, "按摩", "周末",
     "volunteer masseuse 李志美 (按摩)"},
    {"o_demo_jin_family", nullptr, "", "", "", false, nullptr, "",
     "金阿婆's daughter 金晓燕 (lives elsewhere), family in 金阿婆关爱圈: gets 关爱 relays, 谢谢"},
};

std::string DemoAddresses() {
  std::string csv(kDemoAddressHeader);
  for (int g = 1; g <= 13; ++g) {
    csv += fmt::format("GG-{:02d},,,桂柑小区,{}-{}\n", g, (g - 1) * 10 + 1, g * 10);
  }
  csv += kDemoAddressExtra;
  return csv;
}

Status SeedRules(storage::Tx& tx, int64_t now, std::string* report) {
  GEBI_ASSIGN_OR_RETURN(auto rules, storage::ListRules(tx));
  int added = 0;
  for (const DemoRule& d : kDemoRules) {
    bool present = false;
    for (const auto& r : rules)
      present = present || (r.match_kind == d.kind && r.pattern == d.pattern);
    if (present) continue;
    storage::Rule r;
    r.match_kind = d.kind;
    r.pattern = d.pattern;
    r.priority = 50;
    r.target_kind = "text";
    r.target = d.text;
    r.note = "示例规则";
    GEBI_ASSIGN_OR_RETURN(int64_t id, storage::InsertRule(tx, r, now));
    (void)id;
    ++added;
  }
  report->append(fmt::format("keyword rules: {} demo rules added (办事时间, 社区电话)\n", added));
  return Status::Ok();
}

// 金阿婆关爱圈 (S7): an elderly-care circle of grid 1 owned by its grid worker, with 金阿婆 (the
// resident o_demo_jin), her daughter as family and the electrician volunteer assigned. Returns
// the circle's invite code. Idempotent.
Result<std::string> SeedCareCircle(storage::Tx& tx, int64_t grid_id, int64_t now) {
  GEBI_ASSIGN_OR_RETURN(auto existing, storage::CircleByName(tx, "金阿婆关爱圈"));
  if (existing) return existing->invite_code;
  storage::CircleInfo c;
  c.kind = "elderly_care";
  c.name = "金阿婆关爱圈";
  c.unit_id = grid_id;
  c.owner = "o_demo_worker1";
  c.join_mode = "approval";
  GEBI_ASSIGN_OR_RETURN(c.invite_code, NewCircleInviteCode(tx));
  GEBI_ASSIGN_OR_RETURN(int64_t circle, storage::InsertCircle(tx, c, now));
  GEBI_ASSIGN_OR_RETURN(int64_t elder, storage::AddCareElder(tx, circle, "金阿婆",
                                                             std::string("o_demo_jin"),
                                                             "o_demo_worker1", now));
  GEBI_ASSIGN_OR_RETURN(bool family, storage::AddMember(tx, circle, "o_demo_jin_family",
                                                        "金晓燕（金阿婆女儿）", now));
  GEBI_ASSIGN_OR_RETURN(bool linked, storage::LinkCare(tx, elder, "o_demo_jin_family", "family",
                                                       "o_demo_worker1", now));
  GEBI_ASSIGN_OR_RETURN(bool member, storage::AddMember(tx, circle, "o_demo_volunteer", "施青松",
                                                        now));
  GEBI_ASSIGN_OR_RETURN(bool assigned, storage::LinkCare(tx, elder, "o_demo_volunteer",
                                                         "volunteer", "o_demo_worker1", now));
  (void)family, (void)linked, (void)member, (void)assigned;  // a fresh circle: all new
  return c.invite_code;
}

}  // namespace

Status SeedDemo(storage::Tx& tx, int64_t now, std::string* report) {
  GEBI_RETURN_IF_ERROR(SeedRules(tx, now, report));
  GEBI_ASSIGN_OR_RETURN(ImportSummary org, ImportOrgCsv(tx, kDemoOrg, now));
  GEBI_ASSIGN_OR_RETURN(ImportSummary addr, ImportAddressCsv(tx, DemoAddresses(), now));
  report->append(fmt::format(
      "org: 鹿城区/松台街道 with 桂柑社区 (13 grids), 菱藕社区, 庆年坊社区: {} units added, {} "
      "updated; {} address ranges\n",
      org.added, org.updated, addr.rows));

  for (const DemoPerson& p : kPeople) {
    if (p.grid_code == nullptr) continue;
    GEBI_ASSIGN_OR_RETURN(auto grid, storage::GetUnitByCode(tx, p.grid_code));
    if (!grid) return Status::Internal(std::string("demo grid missing: ") + p.grid_code);
    storage::Resident r{p.openid, grid->id, p.name, p.building, p.room, "", p.elderly_alone, now};
    GEBI_RETURN_IF_ERROR(storage::PutResident(tx, r, now));
    GEBI_ASSIGN_OR_RETURN(std::string label, storage::UnitPathName(tx, grid->id));
    GEBI_ASSIGN_OR_RETURN(int64_t circle, storage::EnsureGridCircle(tx, grid->id, label, now));
    GEBI_RETURN_IF_ERROR(storage::PutCircleMember(tx, circle, p.openid, "member", now));
    if (p.skills != nullptr) {
      GEBI_ASSIGN_OR_RETURN(auto community, storage::AncestorOfKind(tx, grid->id, "community"));
      storage::Volunteer v;
      v.openid = p.openid;
      v.community_id = community->id;
      v.availability = p.availability;
      v.skills = {p.skills};
      GEBI_RETURN_IF_ERROR(storage::PutVolunteer(tx, v, now));
    }
  }
  // A neighbour circle owned by the floor leader: "whoever creates it is responsible".
  GEBI_ASSIGN_OR_RETURN(auto building, storage::GetUnitByCode(tx, "GG-01-B5"));
  if (!building) return Status::Internal("the demo building GG-01-B5 is missing");
  GEBI_ASSIGN_OR_RETURN(auto has_circle, storage::FindCircle(tx, "building", building->id));
  if (!has_circle) {
    storage::Circle c{0, "building", "桂柑社区第一网格5幢楼幢群", building->id,
                      "o_demo_floorleader"};
    GEBI_ASSIGN_OR_RETURN(int64_t id, storage::CreateCircle(tx, c, now));
    GEBI_RETURN_IF_ERROR(storage::PutCircleMember(tx, id, "o_demo_worker1", "manager", now));
  }

  GEBI_ASSIGN_OR_RETURN(auto grid1, storage::GetUnitByCode(tx, "GG-01"));
  if (!grid1) return Status::Internal("the demo grid GG-01 is missing");
  GEBI_ASSIGN_OR_RETURN(std::string care_code, SeedCareCircle(tx, grid1->id, now));
  report->append(fmt::format(
      "grid 1 = 桂柑社区第一网格, id {0}: its QR code sends subscribe EventKey qrscene_grid-{0} "
      "(SCAN: grid-{0})\n",
      grid1->id));
  report->append("openids to chat as (gebi chat --openid ID):\n");
  for (const DemoPerson& p : kPeople) {
    report->append(fmt::format("  {:<20} {}\n", p.openid, p.what));
  }
  report->append(fmt::format(
      "play S1: gebi chat --openid o_demo_resident --event subscribe --key qrscene_grid-{}\n"
      "         then reply 「张三 5幢301」, 「是」; as o_demo_worker1: 「通过 N」\n"
      "play S3: as o_demo_resident 「报修 楼道灯坏了」; as o_demo_volunteer 「接单 N」, "
      "「完成 N 换了灯泡」; as o_demo_resident 「评价 N 5」\n"
      "play S5: as o_demo_resident 「志愿者 保洁 周末」, 「我的服务」\n"
      "play S7: as o_demo_volunteer 「关爱 金阿婆 今天午饭吃了一碗面」, then a photo "
      "(--image); as o_demo_jin_family 「谢谢」; a new family member: as o_demo_resident "
      "「加入圈子 {} 金阿婆家属」, as o_demo_worker1 「入圈通过 N」\n",
      grid1->id, care_code));
  return Status::Ok();
}

}  // namespace gebi::handlers
