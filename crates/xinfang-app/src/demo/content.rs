//! Synthetic petitions: names, valid ID numbers and phones, and content for
//! the problems the seeds name (交房难, 办证难, 物业乱象, 拖欠农民工工资, 征地拆迁,
//! 回迁安置, 金融平台逾期兑付, 网络平台诱导消费, 涉法涉诉 …), each mapped to
//! the body with power to handle it.

use crate::intake::PetitionerInput;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;
use xinfang_domain::case::Kind;

/// One kind of matter: which body handles it, its category path, request and facts templates.
pub struct Topic {
    pub body: &'static str,
    pub kind: Kind,
    pub category: &'static str,
    pub request: &'static str,
    pub facts: &'static str,
}

pub const TOPICS: &[Topic] = &[
    Topic { body: "zhujian", kind: Kind::Claim, category: "城乡建设/房地产/交房难", request: "要求开发商按合同约定时间交付{place}商品房", facts: "本人于{year}年购买{place}住宅一套，合同约定交房日期已过{n}个月，开发商以资金困难为由拒不交房，多次协商无果。" },
    Topic { body: "zhujian", kind: Kind::Claim, category: "城乡建设/房地产/办证难", request: "要求协调办理{place}房屋不动产权证书", facts: "{place}小区交付已{n}年，因开发商欠缴土地出让金，全体业主至今无法办理不动产权证书，影响子女入学。" },
    Topic { body: "zhujian", kind: Kind::Claim, category: "城乡建设/物业管理/物业乱象", request: "要求查处{place}物业公司乱收费、服务不到位问题", facts: "{place}物业公司擅自上调物业费，电梯长期故障无人维修，公共收益去向不明，业主委员会多次交涉未果。" },
    Topic { body: "renshe", kind: Kind::Claim, category: "劳动和社会保障/劳动报酬/拖欠农民工工资", request: "要求{place}项目支付拖欠的农民工工资{n}万元", facts: "我们一行在{place}建设项目务工，工程完工后总包单位拖欠工资共计{n}万元，多次讨要无果。" },
    Topic { body: "renshe", kind: Kind::Claim, category: "劳动和社会保障/社会保险/养老保险", request: "要求核实并补缴{year}年以来的养老保险", facts: "本人在{place}企业工作期间，单位未按规定缴纳养老保险，现已达到退休年龄无法领取养老金。" },
    Topic { body: "ziran", kind: Kind::Claim, category: "自然资源/土地征收/征地拆迁", request: "要求足额发放{place}征地补偿款", facts: "{year}年{place}地块被征收，补偿标准低于公告标准，部分补偿款至今未发放到户。" },
    Topic { body: "ziran", kind: Kind::Claim, category: "自然资源/土地征收/回迁安置", request: "要求尽快交付{place}回迁安置房", facts: "{place}拆迁后承诺{n}年内回迁安置，现已逾期多年，过渡费也已停发，生活十分困难。" },
    Topic { body: "shijian", kind: Kind::Claim, category: "市场监督/消费维权/网络数字平台诱导消费", request: "要求{place}网络平台退还诱导消费款项", facts: "{place}网络直播平台以抽奖返现等方式诱导未成年子女充值{n}千元，平台拒绝退款。" },
    Topic { body: "shijian", kind: Kind::Claim, category: "经济管理/金融/金融平台逾期兑付", request: "要求督促{place}理财平台兑付到期本金", facts: "本人在{place}理财平台购买理财产品{n}万元，到期后平台逾期兑付，工作人员已联系不上。" },
    Topic { body: "gongan", kind: Kind::Claim, category: "政法/治安管理/噪音扰民", request: "要求处理{place}夜间施工噪音扰民问题", facts: "{place}工地连续{n}周夜间施工至凌晨，多次拨打报警电话未能解决。" },
    Topic { body: "zhengfa", kind: Kind::Claim, category: "政法/涉法涉诉/不服判决", request: "不服{place}法院民事判决，要求重新审理", facts: "本人与{place}公司合同纠纷一案，法院判决认定事实错误，已申请再审未获支持。" },
    Topic { body: "jiwei", kind: Kind::Accusation, category: "纪检监察/违纪违法/侵占集体资金", request: "举报{place}村干部侵占集体资金", facts: "{place}村干部在{year}年土地流转中虚报面积，侵占集体资金约{n}万元，村务从未公开。" },
    Topic { body: "jiwei", kind: Kind::Accusation, category: "纪检监察/作风问题/吃拿卡要", request: "检举{place}工作人员办事吃拿卡要", facts: "本人在{place}办理审批时，工作人员暗示需要“意思意思”，拖延{n}个月未予办理。" },
    Topic { body: "zhujian", kind: Kind::Suggestion, category: "城乡建设/市政设施/停车充电设施", request: "建议在{place}增设公共停车位和充电桩", facts: "{place}周边老旧小区停车难问题突出，电动车充电不便存在安全隐患，建议利用闲置地块建设。" },
    Topic { body: "renshe", kind: Kind::Suggestion, category: "劳动和社会保障/就业创业/职业技能培训", request: "建议{place}增加灵活就业人员技能培训", facts: "{place}灵活就业人员多，技能培训场次少、报名难，建议按季度开设夜间培训班。" },
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高",
];
const GIVEN: &[&str] = &[
    "建国", "秀英", "伟", "芳", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "志强", "海燕",
];
const PLACES: &[&str] = &[
    "阳光花园",
    "东湖小区",
    "新城家园",
    "滨江苑",
    "金色港湾",
    "和平里",
    "翠苑",
    "钱塘府",
    "江南水乡",
    "幸福村",
    "东沙村",
    "红星村",
];

/// GB 11643 check digit of the first 17 digits.
pub fn id_check_digit(body: &str) -> char {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const C: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = body
        .chars()
        .zip(W)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    C[(sum % 11) as usize]
}

/// A petitioner from `region_code` with a valid ID number and mobile phone.
pub fn petitioner(rng: &mut StdRng, region_code: &str) -> PetitionerInput {
    let name = format!(
        "{}{}",
        SURNAMES.choose(rng).unwrap_or(&"王"),
        GIVEN.choose(rng).unwrap_or(&"伟")
    );
    let body = format!(
        "{region_code}{}{:02}{:02}{:03}",
        rng.gen_range(1950..2003),
        rng.gen_range(1..=12),
        rng.gen_range(1..=28),
        rng.gen_range(0..1000)
    );
    let id = format!("{body}{}", id_check_digit(&body));
    let phone = format!(
        "1{}{:09}",
        ["3", "5", "7", "8", "9"].choose(rng).unwrap_or(&"3"),
        rng.gen_range(0..1_000_000_000u64)
    );
    PetitionerInput {
        name,
        id_number: Some(id),
        phone: Some(phone),
        address: format!(
            "{}{}号",
            PLACES.choose(rng).unwrap_or(&"东湖小区"),
            rng.gen_range(1..200)
        ),
        email: None,
    }
}

/// Fill a template.
pub fn fill(t: &str, rng: &mut StdRng) -> String {
    t.replace("{place}", PLACES.choose(rng).unwrap_or(&"东湖小区"))
        .replace("{year}", &rng.gen_range(2015..2025).to_string())
        .replace("{n}", &rng.gen_range(2..30).to_string())
}

#[cfg(test)]
mod tests {
    use super::TOPICS;
    use xinfang_domain::taxonomy::Taxonomy;

    /// Demo registrations give name paths; each must be a 细类 of the shipped taxonomy.
    #[test]
    fn every_topic_category_is_in_the_taxonomy() {
        let t = Taxonomy::default_tree();
        for topic in TOPICS {
            let node = t
                .resolve(topic.category)
                .unwrap_or_else(|| panic!("{}", topic.category));
            assert_eq!(node.level, 3, "{}", topic.category);
        }
    }
}
