//! From read lines to a proposed registration: the petitioner (name, 身份证号
//! validated by its GB 11643 check digit, phone, address), 请求, 事实和理由,
//! the letter's date and the accused, each with a confidence and the box(es)
//! it came from, so the registrar sees what to check. Pure and independent of
//! the OCR engine (it takes lines, whoever read them), so it is tested on
//! text and runs in builds without the `ocr` feature.
//!
//! Rules, in order of trust: a labelled field (`身份证号：…`) is taken as
//! read; a pattern in prose (`我叫…，`) is discounted; a fallback (the
//! signature for the name, the last date on the page) more so. The
//! confidence is the line's recognition confidence times that factor, and a
//! number failing its checksum is proposed at low confidence with the problem.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use xinfang_text::id_number::IdNumber;
use xinfang_text::phone::normalize_phone;

use crate::intake::{AccusedInput, PetitionerInput};

/// One line as read: text, box on its page, recognition confidence.
#[derive(Clone, Debug, Serialize)]
pub struct ReadLine {
    pub text: String,
    #[serde(rename = "box")]
    pub bbox: [u32; 4],
    pub confidence: f32,
    pub page: usize,
}

/// Where a field was read.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SourceBox {
    pub page: usize,
    #[serde(rename = "box")]
    pub bbox: [u32; 4],
}

/// One proposed field.
#[derive(Clone, Debug, Serialize)]
pub struct FieldProposal {
    pub value: String,
    pub confidence: f32,
    pub boxes: Vec<SourceBox>,
}

/// Below this the page highlights a field for checking.
pub const LOW_CONFIDENCE: f32 = 0.85;

/// A registration in the shape `POST /api/v1/cases` takes (plus
/// `letter_date`, `fields` and `problems`, which it ignores).
#[derive(Clone, Debug, Serialize)]
pub struct ProposedRegistration {
    pub channel: &'static str,
    pub petitioners: Vec<PetitionerInput>,
    pub request: String,
    pub facts: String,
    pub reasons: String,
    pub accused: Option<AccusedInput>,
    pub letter_date: Option<NaiveDate>,
    /// Per field (`name`, `id_number`, `phone`, `address`, `request`,
    /// `facts`, `letter_date`, `accused`): value, confidence, boxes.
    pub fields: BTreeMap<&'static str, FieldProposal>,
    /// What the registrar must check, in Chinese.
    pub problems: Vec<String>,
}

const NAME_LABELS: &[&str] = &[
    "姓名",
    "来信人",
    "信访人",
    "反映人",
    "具名人",
    "举报人",
    "申请人",
];
const ADDRESS_LABELS: &[&str] = &["家庭住址", "现住址", "居住地址", "住址", "地址", "住所"];
const REQUEST_LABELS: &[&str] = &["信访请求", "请求事项", "信访诉求", "诉求", "请求"];
const FACTS_LABELS: &[&str] = &[
    "事实和理由",
    "事实与理由",
    "事实及理由",
    "主要事实",
    "具体情况",
];
const ACCUSED_LABELS: &[&str] = &["被反映人", "被举报人", "被控告人", "反映对象", "举报对象"];
/// Lines that end the letter's body.
const CLOSINGS: &[&str] = &["此致", "敬礼", "来信人", "具名", "落款"];

fn norm(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            ':' => '：',
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            'Ｘ' | 'ｘ' => 'X',
            c => c,
        })
        .collect()
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || c == '·'
}

/// `label：value` anywhere in the line: the value (to the end of the line,
/// or the next label-like `XX：`).
fn labelled<'a>(line: &'a str, labels: &[&str]) -> Option<&'a str> {
    for l in labels {
        let mut from = 0;
        while let Some(i) = line[from..].find(l) {
            let at = from + i + l.len();
            let rest = line[at..].trim_start();
            if let Some(v) = rest.strip_prefix('：') {
                return Some(cut_at_next_label(v.trim()));
            }
            from = at;
        }
    }
    None
}

fn cut_at_next_label(v: &str) -> &str {
    // "张三  身份证号：…" — stop before a following label.
    let mut end = v.len();
    for (i, _) in v.match_indices('：') {
        let head = &v[..i];
        let start = head
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_cjk(*c))
            .last()
            .map(|(k, _)| k)
            .unwrap_or(i);
        if start > 0 {
            end = end.min(start);
        }
    }
    v[..end].trim()
}

fn name_in(v: &str) -> Option<String> {
    // "王建国身份证号：…" read without the gap: stop at the next label.
    let end = [
        "身份证",
        "联系",
        "电话",
        "手机",
        "住址",
        "地址",
        "性别",
        "年龄",
    ]
    .iter()
    .filter_map(|l| v.find(l))
    .min()
    .unwrap_or(v.len());
    let name: String = v[..end]
        .chars()
        .take_while(|&c| is_cjk(c))
        .take(5)
        .collect();
    (2..=4).contains(&name.chars().count()).then_some(name)
}

/// Runs of ID-number characters (digits, X) in a line, spaces removed.
fn digit_runs(line: &str) -> Vec<String> {
    let mut out = vec![];
    let mut cur = String::new();
    for c in line.chars() {
        if c.is_ascii_digit() || ((c == 'X' || c == 'x') && cur.len() == 17) {
            cur.push(c.to_ascii_uppercase());
        } else if c == ' ' && !cur.is_empty() {
            continue;
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn cn_digit(c: char) -> Option<u32> {
    "〇一二三四五六七八九"
        .chars()
        .position(|d| d == c)
        .map(|p| p as u32)
        .or_else(|| (c == 'O' || c == '零').then_some(0))
}

/// `2026年3月5日` or `二〇二六年三月五日` anywhere in the line.
fn date_in(line: &str) -> Option<NaiveDate> {
    let chars: Vec<char> = line.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c != '年' || i < 4 {
            continue;
        }
        let y = &chars[i - 4..i];
        let year: Option<u32> = if y.iter().all(|c| c.is_ascii_digit()) {
            y.iter().collect::<String>().parse().ok()
        } else {
            y.iter()
                .map(|&c| cn_digit(c))
                .try_fold(0, |a, d| d.map(|d| a * 10 + d))
        };
        let rest: String = chars[i + 1..].iter().collect();
        let (m, after) = rest.split_once('月')?;
        let (d, _) = after.split_once(['日', '号'])?;
        let (m, d) = (small_number(m.trim())?, small_number(d.trim())?);
        if let Some(date) = year.and_then(|y| NaiveDate::from_ymd_opt(y as i32, m, d)) {
            return Some(date);
        }
    }
    None
}

fn small_number(s: &str) -> Option<u32> {
    if let Ok(n) = s.parse() {
        return Some(n);
    }
    let c: Vec<char> = s.chars().collect();
    match c.as_slice() {
        ['十'] => Some(10),
        ['十', a] => Some(10 + cn_digit(*a)?),
        [a, '十'] => Some(cn_digit(*a)? * 10),
        [a, '十', b] => Some(cn_digit(*a)? * 10 + cn_digit(*b)?),
        [a] => cn_digit(*a),
        _ => None,
    }
}

struct Builder<'a> {
    lines: &'a [ReadLine],
    fields: BTreeMap<&'static str, FieldProposal>,
}

impl Builder<'_> {
    fn set(&mut self, key: &'static str, value: String, idx: &[usize], factor: f32) {
        if value.is_empty() || self.fields.contains_key(key) {
            return;
        }
        let conf = idx
            .iter()
            .map(|&i| self.lines[i].confidence)
            .fold(1.0f32, f32::min)
            * factor;
        let boxes = idx
            .iter()
            .map(|&i| SourceBox {
                page: self.lines[i].page,
                bbox: self.lines[i].bbox,
            })
            .collect();
        self.fields.insert(
            key,
            FieldProposal {
                value,
                confidence: (conf * 1000.0).round() / 1000.0,
                boxes,
            },
        );
    }

    fn value(&self, key: &str) -> String {
        self.fields
            .get(key)
            .map(|f| f.value.clone())
            .unwrap_or_default()
    }
}

fn starts_with_any(s: &str, labels: &[&str]) -> bool {
    labels.iter().any(|l| s.starts_with(l))
}

/// A section: the text after `labels：` on its line and the following lines
/// up to the next section heading or the closing.
fn section(texts: &[String], labels: &[&str], stop: &[&[&str]]) -> Option<(String, Vec<usize>)> {
    let start = texts
        .iter()
        .position(|t| starts_with_any(t.trim_start(), labels) && t.contains('：'))?;
    let first = texts[start].split_once('：').map(|x| x.1).unwrap_or("");
    let mut value = first.trim().to_string();
    let mut idx = vec![start];
    for (i, t) in texts.iter().enumerate().skip(start + 1) {
        let t = t.trim();
        let heading = stop
            .iter()
            .any(|ls| starts_with_any(t, ls) && t.contains('：'));
        if heading
            || starts_with_any(t, CLOSINGS)
            || (date_in(t).is_some() && t.chars().count() < 14)
        {
            break;
        }
        value.push_str(t);
        idx.push(i);
    }
    Some((value, idx))
}

/// Propose a registration from the lines of a letter (reading order).
pub fn propose(lines: &[ReadLine], today: NaiveDate) -> ProposedRegistration {
    let texts: Vec<String> = lines.iter().map(|l| norm(&l.text)).collect();
    let mut b = Builder {
        lines,
        fields: BTreeMap::new(),
    };
    let mut problems = vec![];

    // 身份证号: labelled first, then any valid 18-character run.
    let mut bad_id = None;
    let id_lines: Vec<usize> = (0..texts.len())
        .filter(|&i| texts[i].contains("身份证"))
        .chain(0..texts.len())
        .collect();
    for i in id_lines {
        for run in digit_runs(&texts[i]) {
            if run.len() != 18 {
                continue;
            }
            match IdNumber::parse_at(&run, today) {
                Ok(id) => {
                    let f = if texts[i].contains("身份证") {
                        1.0
                    } else {
                        0.9
                    };
                    b.set("id_number", id.as_str().to_string(), &[i], f);
                }
                Err(e) => {
                    bad_id.get_or_insert((run, i, e.to_string()));
                }
            }
        }
    }
    if !b.fields.contains_key("id_number") {
        if let Some((run, i, e)) = bad_id {
            problems.push(format!("身份证号“{run}”未通过校验（{e}），请对照原件核对"));
            b.set("id_number", run, &[i], 0.3);
        }
    }

    // Phone: an 11-digit mobile run (never part of the ID), or a labelled landline.
    for (i, t) in texts.iter().enumerate() {
        for run in digit_runs(t) {
            if run.len() == 11 && run.starts_with('1') {
                if let Ok(p) = normalize_phone(&run) {
                    let f = if t.contains("电话") || t.contains("手机") {
                        1.0
                    } else {
                        0.9
                    };
                    b.set("phone", p, &[i], f);
                }
            }
        }
        if let Some(v) = labelled(t, &["联系电话", "电话", "手机"]) {
            if let Ok(p) = normalize_phone(v.split_whitespace().next().unwrap_or("")) {
                b.set("phone", p, &[i], 0.95);
            }
        }
    }

    // Name: labelled, then prose, then the signature.
    for (i, t) in texts.iter().enumerate() {
        if let Some(n) = labelled(t, &NAME_LABELS[..1]).and_then(name_in) {
            b.set("name", n, &[i], 1.0);
        }
    }
    for (i, t) in texts.iter().enumerate() {
        for p in ["我叫", "我是", "本人"] {
            if let Some((_, rest)) = t.split_once(p) {
                if let Some(n) = rest
                    .split(['，', ',', '。', '（', ' '])
                    .next()
                    .and_then(name_in)
                {
                    b.set("name", n, &[i], 0.8);
                }
            }
        }
        if let Some(n) = labelled(t, &NAME_LABELS[1..]).and_then(name_in) {
            b.set("name", n, &[i], 0.9);
        }
    }

    for (i, t) in texts.iter().enumerate() {
        if let Some(a) = labelled(t, ADDRESS_LABELS) {
            b.set("address", a.to_string(), &[i], 1.0);
        }
        if let Some(a) = labelled(t, ACCUSED_LABELS) {
            b.set("accused", a.to_string(), &[i], 1.0);
        }
    }

    let stops: [&[&str]; 3] = [REQUEST_LABELS, FACTS_LABELS, ACCUSED_LABELS];
    if let Some((v, idx)) = section(&texts, REQUEST_LABELS, &stops) {
        b.set("request", v, &idx, 1.0);
    }
    if let Some((v, idx)) = section(&texts, FACTS_LABELS, &stops) {
        b.set("facts", v, &idx, 1.0);
    }
    if !b.fields.contains_key("facts") {
        // No headings: the body between the salutation and the closing.
        let start = texts
            .iter()
            .position(|t| t.trim_end().ends_with('：') && t.chars().count() < 20)
            .map(|i| i + 1)
            .unwrap_or(0);
        let end = texts
            .iter()
            .position(|t| starts_with_any(t.trim(), CLOSINGS))
            .unwrap_or(texts.len());
        let idx: Vec<usize> = (start..end.max(start))
            .filter(|&i| {
                let t = texts[i].trim_start();
                !starts_with_any(t, NAME_LABELS)
                    && !starts_with_any(t, ADDRESS_LABELS)
                    && !starts_with_any(t, &["身份证", "联系电话", "电话", "手机"])
            })
            .collect();
        let body: String = idx.iter().map(|&i| texts[i].trim()).collect();
        b.set("facts", body.clone(), &idx, 0.6);
        if let Some(s) = body.split_inclusive(['。', '！']).find(|s| {
            ["请求", "要求", "恳请", "希望"]
                .iter()
                .any(|k| s.contains(k))
        }) {
            b.set("request", s.to_string(), &idx, 0.5);
        }
    }

    // The letter's date: the last date on its own short line, else any last date.
    let dated: Vec<(usize, NaiveDate)> = texts
        .iter()
        .enumerate()
        .filter_map(|(i, t)| date_in(t).map(|d| (i, d)))
        .filter(|(_, d)| *d <= today)
        .collect();
    if let Some(&(i, d)) = dated
        .iter()
        .rev()
        .find(|(i, _)| texts[*i].chars().count() < 16)
        .or(dated.last())
    {
        let f = if texts[i].chars().count() < 16 {
            1.0
        } else {
            0.7
        };
        b.set("letter_date", d.to_string(), &[i], f);
    }

    if !b.fields.contains_key("name") && !lines.is_empty() {
        problems.push("未识别到信访人姓名，请手工填写".into());
    }
    let letter_date = b.value("letter_date").parse().ok();
    let accused = Some(b.value("accused"))
        .filter(|a| !a.is_empty())
        .map(|a| AccusedInput {
            person: Some(a),
            ..Default::default()
        });
    let petitioner = PetitionerInput {
        name: b.value("name"),
        id_number: Some(b.value("id_number")).filter(|s| !s.is_empty()),
        phone: Some(b.value("phone")).filter(|s| !s.is_empty()),
        address: b.value("address"),
        email: None,
    };
    let has_petitioner =
        !petitioner.name.is_empty() || petitioner.id_number.is_some() || petitioner.phone.is_some();
    ProposedRegistration {
        channel: "letter",
        petitioners: if has_petitioner {
            vec![petitioner]
        } else {
            vec![]
        },
        request: b.value("request"),
        facts: b.value("facts"),
        reasons: String::new(),
        accused,
        letter_date,
        fields: b.fields,
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<ReadLine> {
        text.lines()
            .enumerate()
            .map(|(i, t)| ReadLine {
                text: t.into(),
                bbox: [0, i as u32 * 40, 900, i as u32 * 40 + 30],
                confidence: 0.98,
                page: 0,
            })
            .collect()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()
    }

    #[test]
    fn a_labelled_letter_fills_every_field() {
        let l = lines(
            "信访事项反映信\n市信访局：\n姓名：王建国\n身份证号：11010519491231002X\n联系电话：13812345678\n住址：城关镇和平村三组\n被反映人：村委会主任钱某某\n信访请求：请求依法支付拖欠的\n工资三万元。\n事实和理由：我于去年进厂，\n公司停发工资。\n此致\n敬礼！\n来信人：王建国\n2026年3月5日",
        );
        let p = propose(&l, today());
        let who = &p.petitioners[0];
        assert_eq!(who.name, "王建国");
        assert_eq!(who.id_number.as_deref(), Some("11010519491231002X"));
        assert_eq!(who.phone.as_deref(), Some("13812345678"));
        assert_eq!(who.address, "城关镇和平村三组");
        assert_eq!(p.request, "请求依法支付拖欠的工资三万元。");
        assert_eq!(p.facts, "我于去年进厂，公司停发工资。");
        assert_eq!(p.letter_date, NaiveDate::from_ymd_opt(2026, 3, 5));
        assert_eq!(
            p.accused.unwrap().person.as_deref(),
            Some("村委会主任钱某某")
        );
        let f = &p.fields["request"];
        assert_eq!(f.boxes.len(), 2);
        assert_eq!(f.boxes[0].bbox, [0, 280, 900, 310]);
        assert!(p.problems.is_empty());
    }

    #[test]
    fn a_bad_check_digit_is_proposed_low_and_named() {
        let p = propose(&lines("身份证号：110105194912310021\n姓名：李丽"), today());
        let f = &p.fields["id_number"];
        assert!(f.confidence < LOW_CONFIDENCE);
        assert!(p.problems[0].contains("校验"), "{:?}", p.problems);
    }

    #[test]
    fn prose_letters_and_chinese_dates() {
        let p = propose(
            &lines("领导：\n我叫张秀英，电话13912345678，要求解决噪声问题。\n此致\n二〇二六年十一月三日"),
            today(),
        );
        assert_eq!(p.petitioners[0].name, "张秀英");
        assert_eq!(p.letter_date, NaiveDate::from_ymd_opt(2026, 11, 3));
        assert!(p.request.contains("要求解决噪声问题"));
        assert!(p.fields["name"].confidence < 0.9);
    }

    #[test]
    fn two_fields_on_one_line_with_or_without_the_gap() {
        for l in [
            "姓名：李丽  身份证号：11010519491231002X",
            "姓名：李丽身份证号：11010519491231002X",
        ] {
            let p = propose(
                &lines(&format!(
                    "{l}\n联系电话：13912345678  住址：开发区长江路66号"
                )),
                today(),
            );
            assert_eq!(p.petitioners[0].name, "李丽", "{l}");
            assert_eq!(p.petitioners[0].phone.as_deref(), Some("13912345678"));
            assert_eq!(p.petitioners[0].address, "开发区长江路66号");
        }
    }

    #[test]
    fn nothing_read_proposes_nothing() {
        let p = propose(&[], today());
        assert!(p.petitioners.is_empty() && p.fields.is_empty());
    }
}
