//! The text of a synthetic letter: random but well-formed personal details
//! (ID numbers with a valid GB 11643 check digit, mobile numbers) and every
//! fixed phrase a page carries. All of a letter's text lives here, so
//! `scripts/vendor-hand-strokes.sh` finds every character the handwriting
//! renderer must be able to write in this file's string literals.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// A4 at 150 dpi.
pub const PAGE: (u32, u32) = (1240, 1754);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Plain,
    Letterhead,
    TwoColumns,
}

/// The content of one letter, with the fields the benchmark checks.
#[derive(Debug, Clone)]
pub struct Letter {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub address: String,
    pub request: String,
    pub facts: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub accused: Option<String>,
    pub layout: Layout,
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗",
];
const GIVEN: &[&str] = &[
    "建国", "秀英", "志强", "桂兰", "海燕", "国华", "明", "丽", "伟", "玉兰", "德胜", "淑珍",
    "春生", "红梅", "文斌", "小军",
];
const PLACES: &[&str] = &[
    "江宁区东山街道金盛路18号",
    "城关镇和平村三组",
    "新华街道幸福小区5栋2单元301室",
    "开发区长江路66号",
    "柳河乡柳河村四组21号",
];
const REQUESTS: &[&str] = &[
    "请求责成有关部门依法支付拖欠的工资共计三万二千元。",
    "请求依法处理小区物业乱收费问题，退还多收的费用。",
    "请求核实我家的征地补偿标准，按政策足额补偿。",
    "请求督促施工单位停止夜间施工，减少噪声扰民。",
    "请求有关部门查处村干部违规占用集体土地的行为。",
];
const FACTS: &[&str] = &[
    "我于二〇二四年三月进入该公司工作，双方签订了劳动合同。",
    "自去年八月起公司以资金困难为由停发工资，至今已有十个月。",
    "我多次找到公司负责人协商，对方一再推诿，没有解决。",
    "去年九月我曾向镇劳动保障所反映，至今没有答复。",
    "小区物业公司未经业主大会同意，自行提高物业费标准。",
    "今年五月以来，工地每天夜里施工到凌晨两点，噪声很大。",
    "村里的老人和孩子晚上无法休息，多次报警也没有改善。",
    "我家承包的两亩耕地被征收，补偿款比邻村少了一半。",
    "村委会没有公开补偿方案，群众意见很大。",
    "以上情况属实，恳请领导重视，尽快予以解决。",
];
const ACCUSED: &[&str] = &["村委会主任钱某某", "某某建筑公司项目经理", "某某物业公司"];
const BODIES: &[&str] = &["市信访局", "县人民政府信访局", "区信访局"];

/// The GB 11643 check digit of 17 digits.
pub fn check_digit(first17: &str) -> char {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .chars()
        .zip(W)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    b"10X98765432"[(sum % 11) as usize] as char
}

impl Letter {
    /// A letter from a seed (same seed, same letter).
    pub fn random(seed: u64, layout: Layout) -> Letter {
        let mut r = StdRng::seed_from_u64(seed);
        let mut pick = |xs: &[&str]| xs[r.gen_range(0..xs.len())].to_string();
        let name = format!("{}{}", pick(SURNAMES), pick(GIVEN));
        let address = pick(PLACES);
        let request = pick(REQUESTS);
        let mut r = StdRng::seed_from_u64(seed ^ 0x5eed);
        let n = r.gen_range(3..6);
        let start = r.gen_range(0..FACTS.len());
        let facts: String = (0..n).map(|k| FACTS[(start + k) % FACTS.len()]).collect();
        let region = ["320115", "110105", "440304", "510107"][r.gen_range(0..4)];
        let birth = format!(
            "{}{:02}{:02}",
            r.gen_range(1950..2004),
            r.gen_range(1..13),
            r.gen_range(1..29)
        );
        let first17 = format!("{region}{birth}{:03}", r.gen_range(0..1000));
        let id_number = format!("{first17}{}", check_digit(&first17));
        let phone = format!(
            "1{}{:09}",
            [3, 5, 7, 8, 9][r.gen_range(0..5)],
            r.gen_range(0..1_000_000_000u64)
        );
        let date = format!("2026-{:02}-{:02}", r.gen_range(1..13), r.gen_range(1..29));
        let accused = r
            .gen_bool(0.4)
            .then(|| ACCUSED[r.gen_range(0..ACCUSED.len())].to_string());
        Letter {
            name,
            id_number,
            phone,
            address,
            request,
            facts,
            date,
            accused,
            layout,
        }
    }
}

/// The fixed words of a page, in the order they appear.
pub const LETTERHEAD: &str = "某某县城关镇和平村村民委员会";
pub const TITLE: &str = "信访事项反映信";
pub const CLOSING: &str = "此致";
pub const SALUTE: &str = "敬礼！";

impl Letter {
    /// The line addressing the petition office, e.g. `市信访局：`.
    pub fn addressee(&self) -> String {
        format!("{}：", BODIES[self.name.chars().count() % BODIES.len()])
    }

    /// Name, ID number, phone and address, one line each.
    pub fn details(&self) -> [String; 4] {
        [
            format!("姓名：{}", self.name),
            format!("身份证号：{}", self.id_number),
            format!("联系电话：{}", self.phone),
            format!("住址：{}", self.address),
        ]
    }

    /// The line naming the person complained about, when there is one.
    pub fn accused_line(&self) -> Option<String> {
        self.accused.as_ref().map(|a| format!("被反映人：{a}"))
    }

    /// The request and the facts, each a paragraph to wrap.
    pub fn paragraphs(&self) -> [String; 2] {
        [
            format!("信访请求：{}", self.request),
            format!("事实和理由：{}", self.facts),
        ]
    }

    pub fn signature(&self) -> String {
        format!("来信人：{}", self.name)
    }

    /// The date as written under the signature: `2026年3月5日`.
    pub fn date_cn(&self) -> String {
        let p: Vec<u32> = self
            .date
            .split('-')
            .filter_map(|s| s.parse().ok())
            .collect();
        format!("{}年{}月{}日", p[0], p[1], p[2])
    }
}

/// Every character a letter can contain (the word lists, the fixed words
/// and labels, digits and the ID number's X), so a renderer can be checked
/// for characters it cannot write.
pub fn alphabet() -> std::collections::BTreeSet<char> {
    let every = Letter {
        name: SURNAMES.concat() + &GIVEN.concat(),
        id_number: "0123456789X".into(),
        phone: String::new(),
        address: PLACES.concat(),
        request: REQUESTS.concat(),
        facts: FACTS.concat(),
        date: "2026-12-31".into(),
        accused: Some(ACCUSED.concat()),
        layout: Layout::Plain,
    };
    let mut text = [LETTERHEAD, TITLE, CLOSING, SALUTE].concat();
    text += &BODIES.concat();
    text += &every.addressee();
    text += &every.details().concat();
    text += &every.accused_line().unwrap_or_default();
    text += &every.paragraphs().concat();
    text += &every.signature();
    text += &every.date_cn();
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digit_matches_gb11643_example() {
        // The standard's example: 11010519491231002X.
        assert_eq!(check_digit("11010519491231002"), 'X');
    }

    #[test]
    fn letters_are_deterministic() {
        let a = Letter::random(7, Layout::Plain);
        let b = Letter::random(7, Layout::Plain);
        assert_eq!(a.id_number, b.id_number);
        assert_eq!(a.id_number.len(), 18);
        assert_eq!(a.phone.len(), 11);
    }
}
