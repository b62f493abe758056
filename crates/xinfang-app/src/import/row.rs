//! The row parser of the historical-case import: pure (no IO, no org), so it
//! can be fuzzed. The column layout is by Chinese header, in any order:
//!
//! | 列 | 必填 | 内容 |
//! |---|---|---|
//! | 信访日期 | 是 | 2025-03-01、2025/3/1、2025年3月1日 或 Excel 日期 |
//! | 渠道 | 是 | 网上信访 / 来信 / 来访 / 来电 / 传真 |
//! | 类型 | 是 | 建议意见类 / 检举控告类 / 申诉求决类 |
//! | 信访人 | 是 | 姓名（多人以“、”分隔，来访最多 5 名代表，第二十条） |
//! | 身份证号 | 否 | 第一名信访人的居民身份证号（校验码） |
//! | 电话 | 否 | 第一名信访人的电话 |
//! | 住址 | 否 | |
//! | 地区代码 | 是 | 6 位行政区划代码 |
//! | 登记单位 | 是 | 登记机关全称 |
//! | 人数 | 否 | 来访人数（集体访） |
//! | 诉求 | 是 | |
//! | 事实和理由 | 否 | |
//! | 内容分类 | 否 | 如 城乡建设/房地产/交房难 |
//! | 办理状态 | 否 | 已登记 / 已转送 / 已受理 / 办理中 / 已办结 / 已答复 / 已送达（见 `history`，按此补录办理过程；原文另行保存） |
//! | 办理单位 | 否 | 办理机关全称（不同于登记单位时先转送、签收） |
//! | 转送日期、受理日期、办结日期、送达日期 | 视办理状态 | 各步骤的日期 |
//! | 处理意见 | 已办结起必填 | 支持 / 解释说明 / 不予支持 / 采纳 / 部分采纳 / 未采纳 / 已办理并反馈 / 调解达成协议 / 和解达成协议 |
//! | 法律依据 | 否 | 处理意见的依据（第三十二条） |
//! | 评价 | 否 | 满意 / 基本满意 / 不满意（已送达的事项） |
//! | 被反映单位 | 否 | 检举控告类：被检举控告的单位全称（第三十条据此回避，不得转给被反映单位） |
//! | 被反映人 | 否 | 检举控告类：被检举控告的人员 |

use chrono::{Datelike, NaiveDate};
use xinfang_domain::case::{Channel, Kind, Petitioner};

/// (header, required) in the documented order.
pub const COLUMNS: &[(&str, bool)] = &[
    ("信访日期", true),
    ("渠道", true),
    ("类型", true),
    ("信访人", true),
    ("身份证号", false),
    ("电话", false),
    ("住址", false),
    ("地区代码", true),
    ("登记单位", true),
    ("人数", false),
    ("诉求", true),
    ("事实和理由", false),
    ("内容分类", false),
    ("办理状态", false),
    ("办理单位", false),
    ("转送日期", false),
    ("受理日期", false),
    ("办结日期", false),
    ("处理意见", false),
    ("法律依据", false),
    ("送达日期", false),
    ("评价", false),
    ("被反映单位", false),
    ("被反映人", false),
];

/// Index of the first column after the history columns (办理单位 … 评价).
const HISTORY_END: usize = 22;

/// Where each documented column is in the sheet.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout(Vec<Option<usize>>);

/// Map the header row to the documented columns; every missing required header is an error.
pub fn layout(header: &[String]) -> Result<Layout, String> {
    let pos: Vec<Option<usize>> = COLUMNS
        .iter()
        .map(|(name, _)| header.iter().position(|h| h.trim() == *name))
        .collect();
    let missing: Vec<&str> = COLUMNS
        .iter()
        .zip(&pos)
        .filter(|((_, req), p)| *req && p.is_none())
        .map(|((n, _), _)| *n)
        .collect();
    if missing.is_empty() {
        Ok(Layout(pos))
    } else {
        Err(format!("缺少表头列：{}", missing.join("、")))
    }
}

/// One row, parsed and checked (not yet against the organisation).
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedRow {
    pub date: NaiveDate,
    pub channel: Channel,
    pub kind: Kind,
    pub petitioners: Vec<Petitioner>,
    pub region_code: String,
    pub unit_name: String,
    pub persons: u32,
    pub request: String,
    pub facts: String,
    pub category: Option<String>,
    pub source_status: String,
    /// 被反映单位 / 被反映人 of a 检举控告 (empty when not given).
    pub accused_unit: String,
    pub accused_person: String,
    /// The historical steps the 办理状态 stands for.
    pub history: super::history::History,
}

/// Parse a date as typed in a sheet.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let norm: String = s
        .replace(['年', '月', '/', '.'], "-")
        .trim_end_matches('日')
        .to_string();
    let mut it = norm.split('-');
    let (y, m, d) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() {
        return None;
    }
    NaiveDate::from_ymd_opt(
        y.trim().parse().ok()?,
        m.trim().parse().ok()?,
        d.trim().parse().ok()?,
    )
}

fn channel_of(s: &str) -> Option<Channel> {
    Channel::ALL
        .into_iter()
        .find(|c| c.label_zh() == s || c.key() == s || (s == "网信" && *c == Channel::Online))
}

fn kind_of(s: &str) -> Option<Kind> {
    Kind::ALL
        .into_iter()
        .find(|k| k.label_zh() == s || k.key() == s || k.label_zh().trim_end_matches('类') == s)
}

/// Parse one data row against `today`; every problem is reported (in Chinese).
pub fn parse_row(l: &Layout, cells: &[String], today: NaiveDate) -> Result<ParsedRow, Vec<String>> {
    let get = |i: usize| -> &str {
        l.0.get(i)
            .copied()
            .flatten()
            .and_then(|p| cells.get(p))
            .map(|s| s.trim())
            .unwrap_or("")
    };
    let mut errs = vec![];
    let date = match parse_date(get(0)) {
        Some(d) if d > today => {
            errs.push(format!("信访日期 {d} 晚于今天"));
            None
        }
        Some(d) if d.year() < 1990 => {
            errs.push(format!("信访日期 {d} 早于 1990 年"));
            None
        }
        Some(d) => Some(d),
        None => {
            errs.push(format!("信访日期“{}”无法识别", get(0)));
            None
        }
    };
    let channel = channel_of(get(1));
    if channel.is_none() {
        errs.push(format!("渠道“{}”应为 网上信访/来信/来访/来电/传真", get(1)));
    }
    let kind = kind_of(get(2));
    if kind.is_none() {
        errs.push(format!(
            "类型“{}”应为 建议意见类/检举控告类/申诉求决类",
            get(2)
        ));
    }
    let names: Vec<&str> = get(3)
        .split(['、', ',', '，', ';', '；'])
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    if names.is_empty() {
        errs.push("缺少信访人姓名（第十九条）".into());
    }
    if names.iter().any(|n| n.chars().count() > 50) {
        errs.push("信访人姓名超过 50 字".into());
    }
    // The same refusal of control and invisible format characters as intake.
    if let Some(m) = crate::intake::hidden_char_message("信访人姓名", get(3)) {
        errs.push(m);
    }
    let id_number = match (get(4), date) {
        ("", _) => None,
        (raw, Some(d)) => match xinfang_text::id_number::IdNumber::parse_at(raw, d) {
            Ok(id) => Some(id.as_str().to_string()),
            Err(e) => {
                errs.push(format!("身份证号码无效：{e}"));
                None
            }
        },
        (_, None) => None,
    };
    let phone = match get(5) {
        "" => None,
        raw => match xinfang_text::phone::normalize_phone(raw) {
            Ok(p) => Some(p),
            Err(e) => {
                errs.push(format!("电话号码无效：{e}"));
                None
            }
        },
    };
    let address = get(6).to_string();
    if address.chars().count() > 200 {
        errs.push("住址超过 200 字".into());
    }
    if let Some(m) = crate::intake::hidden_char_message("住址", &address) {
        errs.push(m);
    }
    let region_code = get(7).to_string();
    if region_code.len() != 6 || !region_code.bytes().all(|b| b.is_ascii_digit()) {
        errs.push(format!("地区代码“{region_code}”应为 6 位数字"));
    }
    let unit_name = get(8).to_string();
    if unit_name.is_empty() {
        errs.push("缺少登记单位".into());
    }
    let persons = match get(9) {
        "" => names.len().max(1) as u32,
        raw => match raw.parse::<u32>() {
            Ok(n) if (1..=10_000).contains(&n) => n.max(names.len() as u32),
            _ => {
                errs.push(format!("人数“{raw}”应为 1 到 10000 的整数"));
                1
            }
        },
    };
    let request = get(10).to_string();
    if request.is_empty() {
        errs.push("缺少诉求（第十九条）".into());
    }
    let (facts, category, source_status) = (get(11).to_string(), get(12), get(13).to_string());
    let history = match (date, kind) {
        (Some(date), Some(kind)) => {
            let cells: Vec<&str> = (14..HISTORY_END).map(get).collect();
            match super::history::parse_history(
                &source_status,
                &cells,
                date,
                kind,
                &unit_name,
                today,
            ) {
                Ok(h) => Some(h),
                Err(e) => {
                    errs.extend(e);
                    None
                }
            }
        }
        _ => None,
    };
    match (errs.is_empty(), date, channel, kind, history) {
        (true, Some(date), Some(channel), Some(kind), Some(history)) => Ok(ParsedRow {
            date,
            channel,
            kind,
            petitioners: names
                .iter()
                .enumerate()
                .map(|(i, n)| Petitioner {
                    name: n.to_string(),
                    id_number: if i == 0 { id_number.clone() } else { None },
                    phone: if i == 0 { phone.clone() } else { None },
                    address: address.clone(),
                    email: None,
                })
                .collect(),
            region_code,
            unit_name,
            persons,
            request,
            facts,
            category: (!category.is_empty()).then(|| category.to_string()),
            source_status,
            accused_unit: get(HISTORY_END).to_string(),
            accused_person: get(HISTORY_END + 1).to_string(),
            history,
        }),
        _ => Err(errs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hdr() -> Vec<String> {
        COLUMNS.iter().map(|(n, _)| n.to_string()).collect()
    }

    #[test]
    fn dates_in_common_forms() {
        let d = NaiveDate::from_ymd_opt(2025, 3, 1);
        assert_eq!(parse_date("2025-03-01"), d);
        assert_eq!(parse_date("2025/3/1"), d);
        assert_eq!(parse_date("2025年3月1日"), d);
        assert_eq!(parse_date("2025-02-30"), None);
        assert_eq!(parse_date("三月"), None);
    }

    #[test]
    fn missing_headers_are_named() {
        let e = layout(&["信访日期".to_string()]).unwrap_err();
        assert!(e.contains("渠道") && e.contains("诉求"), "{e}");
    }

    #[test]
    fn every_problem_of_a_row_is_reported() {
        let l = layout(&hdr()).unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let row: Vec<String> = [
            "2025-13-01",
            "飞鸽",
            "申诉求决类",
            "",
            "330102196001010010",
            "123",
            "",
            "3301",
            "上城区信访局",
            "",
            "",
            "",
            "",
            "",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let errs = parse_row(&l, &row, today).unwrap_err();
        let all = errs.join("；");
        for want in ["信访日期", "渠道", "信访人", "电话", "地区代码", "诉求"] {
            assert!(all.contains(want), "{want} not in {all}");
        }
        let good: Vec<String> = [
            "2025-03-01",
            "来访",
            "申诉求决类",
            "张三、李四",
            "",
            "13812345678",
            "湖滨街道",
            "330102",
            "杭州市上城区信访局",
            "8",
            "要求解决欠薪",
            "",
            "劳动和社会保障/工资",
            "已登记",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let r = parse_row(&l, &good, today).unwrap();
        assert_eq!(
            (r.petitioners.len(), r.persons, r.channel),
            (2, 8, Channel::Visit)
        );
        assert_eq!(r.petitioners[0].phone.as_deref(), Some("13812345678"));
        assert_eq!(r.source_status, "已登记");
    }
}
