//! Formal documents (公文): which written document an action legally requires,
//! what it says, and how its 文号 reads. Pure: the app supplies unit names and
//! due dates, the store assigns the sequence number in the event's transaction.
//!
//! 告知书 (第二十三条, 第三十一条), 转送单/交办单 (第二十二条), 延期告知书
//! (第三十四条), 处理意见书 (第三十二条, 第三十五条), 复查意见书 (第三十五条),
//! 复核意见书 (第三十六条).

use crate::case::{
    Case, CaseEvent, DeliveryMethod, EventBody, Kind, Outcome, Route, Stage, TransferMode,
};
use crate::org::UnitId;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The kinds of formal document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocType {
    /// 受理告知书 (第二十三条).
    AcceptNotice,
    /// 不予受理告知书, incl. 导入法定途径 (第二十三条, 第三十一条).
    RejectNotice,
    /// 转送单 (第二十二条(一)(二)); internal.
    ForwardSlip,
    /// 交办单 with the result-report date (第二十二条(三)); internal.
    AssignSlip,
    /// 延期告知书 (第三十四条).
    ExtensionNotice,
    /// 信访处理意见书 (第三十二条).
    DecisionLetter,
    /// 复查意见书 (第三十五条).
    ReviewOpinion,
    /// 复核意见书 (第三十六条).
    ReReviewOpinion,
    /// 送达回证: how and when the written answer reached the petitioner,
    /// and until when 复查/复核 may be requested (第三十五、三十六条).
    DeliveryReceipt,
}

impl DocType {
    pub const ALL: [DocType; 9] = [
        Self::AcceptNotice,
        Self::RejectNotice,
        Self::ForwardSlip,
        Self::AssignSlip,
        Self::ExtensionNotice,
        Self::DecisionLetter,
        Self::ReviewOpinion,
        Self::ReReviewOpinion,
        Self::DeliveryReceipt,
    ];
    pub fn key(self) -> &'static str {
        match self {
            Self::AcceptNotice => "accept_notice",
            Self::RejectNotice => "reject_notice",
            Self::ForwardSlip => "forward_slip",
            Self::AssignSlip => "assign_slip",
            Self::ExtensionNotice => "extension_notice",
            Self::DecisionLetter => "decision_letter",
            Self::ReviewOpinion => "review_opinion",
            Self::ReReviewOpinion => "re_review_opinion",
            Self::DeliveryReceipt => "delivery_receipt",
        }
    }
    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.key() == s)
    }
    /// The document's title.
    pub fn title_zh(self) -> &'static str {
        match self {
            Self::AcceptNotice => "信访事项受理告知书",
            Self::RejectNotice => "信访事项不予受理告知书",
            Self::ForwardSlip => "信访事项转送单",
            Self::AssignSlip => "信访事项交办单",
            Self::ExtensionNotice => "信访事项延期办理告知书",
            Self::DecisionLetter => "信访事项处理意见书",
            Self::ReviewOpinion => "信访事项复查意见书",
            Self::ReReviewOpinion => "信访事项复核意见书",
            Self::DeliveryReceipt => "送达回证",
        }
    }
    /// The type word in the 文号 (after the body's short name).
    pub fn no_word(self) -> &'static str {
        match self {
            Self::AcceptNotice => "信受告",
            Self::RejectNotice => "信不受告",
            Self::ForwardSlip => "信转",
            Self::AssignSlip => "信交",
            Self::ExtensionNotice => "信延告",
            Self::DecisionLetter => "信处",
            Self::ReviewOpinion => "信复查",
            Self::ReReviewOpinion => "信复核",
            Self::DeliveryReceipt => "信送证",
        }
    }
    /// Addressed to the petitioner (shown on the portal); 转送/交办单 are internal.
    pub fn to_petitioner(self) -> bool {
        !matches!(self, Self::ForwardSlip | Self::AssignSlip)
    }
}

/// 文号: body short name + type word + 〔year〕 + sequence + 号.
pub fn doc_no(abbr: &str, t: DocType, year: i32, seq: i64) -> String {
    format!("{abbr}{}〔{year}〕{seq}号", t.no_word())
}

/// A body's short name for 文号 (上城区住房和城乡建设局 → 上城住建): the city
/// prefix of a district body is dropped, the district/county suffix and the
/// usual long forms are shortened.
pub fn body_abbr(name: &str) -> String {
    let mut s = name.strip_prefix("中共").unwrap_or(name).to_string();
    // The 纪委 sits with the 监察委员会 of the same area: 纪委监委.
    if let Some(i) = s.find("纪律检查委员会") {
        s = format!("{}纪委监委", &s[..i]);
    }
    // 杭州市公安局上城区分局 → 上城区公安.
    if let (Some(i), true) = (s.find("公安局"), s.ends_with("分局")) {
        s = format!("{}公安", &s[i + "公安局".len()..s.len() - "分局".len()]);
    }
    // 杭州市上城区… → 上城区…; a city body keeps its city name.
    if let Some(i) = s.find('市') {
        let rest = &s[i + '市'.len_utf8()..];
        if rest.contains('区') || rest.contains('县') {
            s = rest.to_string();
        }
    }
    const LONG: &[(&str, &str)] = &[
        ("委政法委员会", "政法委"),
        ("政法委员会", "政法委"),
        ("住房和城乡建设局", "住建"),
        ("住房和城乡建设厅", "住建"),
        ("人力资源和社会保障局", "人社"),
        ("人力资源和社会保障厅", "人社"),
        ("自然资源厅", "自然资源"),
        ("公安厅", "公安"),
        ("自然资源和规划局", "自然资源"),
        ("市场监督管理局", "市场监管"),
        ("综合行政执法局", "综合执法"),
        ("城市管理局", "城管"),
        ("人民政府信访局", "信访"),
        ("信访局", "信访"),
        ("人民政府", "政府"),
        ("街道办事处", "街道"),
        ("公安局", "公安"),
        ("教育局", "教育"),
        ("卫生健康委员会", "卫健"),
        ("民政局", "民政"),
    ];
    for (long, short) in LONG.iter().copied() {
        if s.ends_with(long) {
            s = format!("{}{short}", &s[..s.len() - long.len()]);
            break;
        }
    }
    for suffix in ["区", "县"] {
        if let Some(i) = s.find(suffix) {
            if i > 0 {
                s = format!("{}{}", &s[..i], &s[i + suffix.len()..]);
                break;
            }
        }
    }
    // 上城信访 would read like 上城信访信告; drop a trailing 信访 before the type word.
    s.strip_suffix("信访").map(str::to_string).unwrap_or(s)
}

/// The rendered content, stored as JSON with the document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocContent {
    /// 主送: the petitioner(s) or the receiving body.
    pub recipient: String,
    pub paragraphs: Vec<String>,
    /// Articles of the 条例 the document rests on.
    pub articles: Vec<String>,
    pub case_no: String,
    /// The 文号 this document corrects (documents are never edited: a
    /// correction is a new document with its own number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrects: Option<String>,
    /// 附件说明 (GB/T 9704 §7.3.4): what goes with the document.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<String>,
    /// 抄送 (the 版记): the bodies that get a copy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<UnitId>,
}

/// A document an event requires, before it is numbered.
#[derive(Clone, Debug, PartialEq)]
pub struct DocDraft {
    pub doc_type: DocType,
    pub issuing_unit: UnitId,
    pub year: i32,
    pub content: DocContent,
}

/// Facts the app supplies (they need the org tree or the calendar).
pub struct DocFacts<'a> {
    pub unit_name: &'a dyn Fn(UnitId) -> String,
    /// Handling due date after the event (for the 延期告知书).
    pub handling_due: Option<NaiveDate>,
    /// The first-instance answer limit of the case's kind, as written in the
    /// 受理告知书: period ("60日") and its source (article or local rule).
    pub answer_limit: (String, String),
    /// The body above the one answering: where 复查 / 复核 is asked
    /// (第三十五、三十六条), named in the letter.
    pub superior_name: Option<String>,
    /// The last day of the petitioner's 复查 / 复核 window after a delivery,
    /// computed on the calendar (for the 送达回证).
    pub window_until: Option<NaiveDate>,
}

/// What the 受理告知书 promises, by kind: the 60 days of 第三十四条 bind only
/// 申诉求决类 matters; suggestions and accusations are answered within the
/// local limit, named with its source.
fn accept_paragraph(
    kind: Kind,
    you: &str,
    on: String,
    (period, source): &(String, String),
) -> String {
    match kind {
        Kind::Claim => format!(
            "经审查，该信访事项属于本机关职权范围，本机关决定予以受理，并将自受理之日（{on}）起{period}内办结（{source}）。"
        ),
        Kind::Suggestion => format!(
            "经审查，本机关决定受理{you}提出的建议意见，将认真研究论证，并自受理之日（{on}）起{period}内予以回复（第二十九条；期限依据：{source}）。"
        ),
        Kind::Accusation => format!(
            "经审查，本机关决定受理{you}的检举控告，将依规依纪依法办理，并自受理之日（{on}）起{period}内反馈（第三十条第一款；期限依据：{source}）。{you}的个人信息和检举控告材料依法保密（第三十条第三款）。"
        ),
    }
}

/// The 主送 of a letter to the petitioners: the name, or the representatives
/// and the number of people ("张三、李四等5人"), never a bare "你" to several.
pub fn petitioner_names(case: &Case) -> String {
    let names: Vec<&str> = case
        .petitioners
        .iter()
        .map(|p| p.name.trim())
        .filter(|n| !n.is_empty())
        .collect();
    let persons = (case.persons as usize).max(names.len());
    match names.len() {
        0 if persons > 1 => format!("信访人等{persons}人"),
        0 => "信访人".into(),
        n if persons > n || n > 3 => format!("{}等{persons}人", names[..n.min(3)].join("、")),
        _ => names.join("、"),
    }
}

/// How a letter addresses its petitioners: 你, or 你们 to several.
pub fn you(case: &Case) -> &'static str {
    if case.persons > 1 || case.petitioners.len() > 1 {
        "你们"
    } else {
        "你"
    }
}

fn day_zh(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// The document `ev` requires, if any. `before` is the case before the event,
/// `after` after it.
pub fn draft_for(
    before: &Case,
    after: &Case,
    ev: &CaseEvent,
    f: &DocFacts<'_>,
) -> Option<DocDraft> {
    let on = ev.at.date();
    let name = f.unit_name;
    let who = petitioner_names(after);
    let you = you(after);
    let received = day_zh(after.registered_on());
    let mut attachments = vec![];
    let mut cc: Vec<UnitId> = vec![];
    let request = after.content.request.clone();
    let (doc_type, issuing_unit, recipient, paragraphs, articles) = match &ev.body {
        EventBody::Transferred {
            to,
            mode,
            report_due,
        } => {
            let t = match mode {
                TransferMode::Forward => DocType::ForwardSlip,
                TransferMode::Assign => DocType::AssignSlip,
            };
            let mut p = vec![format!(
                "现将{who}于{received}提出的信访事项（信访编号{}）{}你单位，请依照职责处理，并自收到之日起15日内书面告知信访人（第二十三条第三款）。",
                after.case_no,
                mode.label_zh()
            )];
            p.push(format!("信访请求：{request}"));
            match (mode, report_due) {
                (TransferMode::Assign, Some(d)) => p.push(format!(
                    "请于{}前反馈办理结果并提交办结报告（第二十二条第（三）项）。",
                    day_zh(*d)
                )),
                (TransferMode::Assign, None) => p.push(
                    "请在指定期限内反馈办理结果并提交办结报告（第二十二条第（三）项）。".into(),
                ),
                _ => {}
            }
            p.push("如认为不属于你单位职权范围，请自收到之日起5个工作日内提出异议并详细说明理由（第二十三条第三款）。".into());
            attachments.push(format!("信访材料（信访编号{}）", after.case_no));
            (
                t,
                before.current_unit,
                name(*to),
                p,
                vec!["第二十二条".into(), "第二十三条".into()],
            )
        }
        EventBody::Notified { route } => {
            let unit = before.current_unit;
            let head = format!(
                "{you}于{received}提出的信访事项（信访编号{}）收悉。信访请求：{request}",
                after.case_no
            );
            match route {
                Route::Accept { .. } => (
                    DocType::AcceptNotice,
                    unit,
                    who.clone(),
                    vec![
                        head,
                        accept_paragraph(after.kind, you, day_zh(on), &f.answer_limit),
                        format!("办理结果将以书面形式答复{you}。{you}可以凭信访编号和查询码查询办理进度。"),
                    ],
                    vec!["第二十三条".into(), f.answer_limit.1.clone()],
                ),
                Route::Divert {
                    procedure,
                    guidance,
                } => {
                    let mut p = vec![
                        head,
                        format!("经审查，{you}的请求应当通过{}解决，依照《信访工作条例》第三十一条规定，信访渠道不予受理，请{you}依照有关法律、行政法规规定的程序向有关机关提出。", procedure.label_zh()),
                    ];
                    if !guidance.trim().is_empty() {
                        p.push(format!("途径指引：{}", guidance.trim()));
                    }
                    (
                        DocType::RejectNotice,
                        unit,
                        who.clone(),
                        p,
                        vec!["第二十三条".into(), "第三十一条".into()],
                    )
                }
                Route::NotOurs { tell_to } => (
                    DocType::RejectNotice,
                    unit,
                    who.clone(),
                    vec![
                        head,
                        format!("经审查，该信访事项不属于本机关职权范围，本机关不予受理。请{you}向{tell_to}提出（第二十三条）。"),
                    ],
                    vec!["第二十三条".into()],
                ),
            }
        }
        EventBody::ExtensionDecided { approved: true } => {
            let st = after.current_stage();
            let ext = st.extensions.last()?;
            let due = f
                .handling_due
                .map(|d| format!("，办理期限延长至{}", day_zh(d)))
                .unwrap_or_default();
            (
                DocType::ExtensionNotice,
                st.unit,
                who.clone(),
                vec![
                    format!(
                        "{you}于{received}提出的信访事项（信访编号{}），本机关已于{}受理。",
                        after.case_no,
                        st.accepted_on.map(day_zh).unwrap_or_default()
                    ),
                    format!(
                        "因{}，经本机关负责人批准，办理期限延长{}日{due}（第三十四条）。",
                        ext.reason, ext.days
                    ),
                    "特此告知。".into(),
                ],
                vec!["第三十四条".into()],
            )
        }
        EventBody::Replied {
            outcome,
            basis,
            text,
        } => {
            let st = after.current_stage();
            let (t, right, articles) = match st.stage {
                Stage::Initial => (
                    DocType::DecisionLetter,
                    format!(
                        "如不服本处理意见，{you}可以自收到本意见书之日起30日内，向{}请求复查（第三十五条）。",
                        f.superior_name.as_deref().unwrap_or("原办理机关的上一级机关")
                    ),
                    vec!["第三十二条".to_string(), "第三十五条".to_string()],
                ),
                Stage::Review => (
                    DocType::ReviewOpinion,
                    format!(
                        "如不服本复查意见，{you}可以自收到本意见书之日起30日内，向{}请求复核（第三十六条）。",
                        f.superior_name.as_deref().unwrap_or("复查机关的上一级机关")
                    ),
                    vec!["第三十五条".to_string(), "第三十六条".to_string()],
                ),
                Stage::ReReview => (
                    DocType::ReReviewOpinion,
                    format!("本复核意见为最终意见。{you}对复核意见不服，仍以同一事实和理由提出投诉请求的，各级党委和政府信访部门和其他机关、单位不再受理（第三十六条第三款）。"),
                    vec!["第三十六条".to_string()],
                ),
            };
            let mut p = vec![format!("信访请求：{request}")];
            // 抄送 (版记): the body that forwarded the matter gets the answer;
            // 复查/复核: the bodies whose answers are reviewed.
            let initial = after.stage_record(Stage::Initial).map(|r| r.unit);
            let review = after.stage_record(Stage::Review).map(|r| r.unit);
            let candidates = match st.stage {
                Stage::Initial => vec![after.transfers.last().map(|t| t.from)],
                Stage::Review => vec![initial],
                Stage::ReReview => vec![review, initial],
            };
            for u in candidates.into_iter().flatten() {
                if u != st.unit && !cc.contains(&u) {
                    cc.push(u);
                }
            }
            for (label, t) in [
                ("事实", &after.content.facts),
                ("理由", &after.content.reasons),
            ] {
                if !t.trim().is_empty() {
                    p.push(format!("{label}：{}", t.trim()));
                }
            }
            let heading = match st.stage {
                Stage::Initial => "处理意见",
                Stage::Review => "复查意见",
                Stage::ReReview => "复核意见",
            };
            p.push(format!("{heading}：{}。{text}", outcome.label_zh()));
            if !basis.trim().is_empty() {
                p.push(format!("法律法规依据：{}", basis.trim()));
            }
            if is_reviewable(*outcome) || st.stage == Stage::ReReview {
                p.push(right);
            }
            (t, st.unit, who.clone(), p, articles)
        }
        EventBody::Delivered { method, note, .. } => {
            let st = after.current_stage();
            let reply = st.reply.as_ref()?;
            let title = match st.stage {
                Stage::Initial => DocType::DecisionLetter,
                Stage::Review => DocType::ReviewOpinion,
                Stage::ReReview => DocType::ReReviewOpinion,
            }
            .title_zh();
            let received = st.delivered_on.unwrap_or(on);
            let mut p = vec![
                format!("受送达人：{who}"),
                format!(
                    "送达文书：{title}（{}出具，信访编号{}）",
                    day_zh(reply.on),
                    after.case_no
                ),
                format!("送达方式：{}", method.unwrap_or_default().label_zh()),
                format!("收到日期：{}", day_zh(received)),
            ];
            if !note.trim().is_empty() {
                p.push(format!("备注：{}", note.trim()));
            }
            // Handed over: the petitioner signs for it; left: the witnesses sign.
            match method.unwrap_or_default() {
                DeliveryMethod::Direct => {
                    p.push("受送达人签收：＿＿＿＿＿＿　　年　　月　　日".into())
                }
                DeliveryMethod::Left => {
                    p.push("见证人签名：＿＿＿＿＿＿　　送达人签名：＿＿＿＿＿＿".into())
                }
                _ => {}
            }
            let mut articles = vec![];
            match (st.stage, f.window_until) {
                (Stage::ReReview, _) => {
                    p.push("本复核意见为最终意见（第三十六条第三款）。".into());
                    articles.push("第三十六条".to_string());
                }
                (stage, Some(until)) => {
                    let (what, article) = if stage == Stage::Initial {
                        ("复查", "第三十五条")
                    } else {
                        ("复核", "第三十六条")
                    };
                    p.push(format!(
                        "如不服，{you}可以在{}前（含当日）向{}请求{what}（{article}）。",
                        day_zh(until),
                        f.superior_name.as_deref().unwrap_or("上一级机关"),
                    ));
                    articles.push(article.to_string());
                }
                _ => {}
            }
            (DocType::DeliveryReceipt, st.unit, who.clone(), p, articles)
        }
        _ => return None,
    };
    Some(DocDraft {
        doc_type,
        issuing_unit,
        year: on.year(),
        content: DocContent {
            recipient,
            paragraphs,
            articles,
            case_no: after.case_no.clone(),
            corrects: None,
            attachments,
            cc,
        },
    })
}

/// The 不予受理告知书 of a case registered as 不予受理 / 不再受理 (第十九条第三款,
/// 第三十六条第三款), issued by the registering body; None for other cases.
pub fn draft_for_registration(case: &Case) -> Option<DocDraft> {
    if case.status != crate::case::Status::NotAccepted {
        return None;
    }
    let who = petitioner_names(case);
    let you = you(case);
    let reason = case.not_accepted_reason.clone().unwrap_or_default();
    let mut articles = vec!["第二十三条".to_string()];
    for a in ["第十九条", "第三十六条"] {
        if reason.contains(a) {
            articles.push(a.to_string());
        }
    }
    Some(DocDraft {
        doc_type: DocType::RejectNotice,
        issuing_unit: case.registering_unit,
        year: case.registered_at.year(),
        content: DocContent {
            recipient: who.clone(),
            paragraphs: vec![
                format!(
                    "{you}于{}提出的信访事项（信访编号{}）收悉。信访请求：{}",
                    day_zh(case.registered_on()),
                    case.case_no,
                    case.content.request
                ),
                format!("经审查，{reason}。"),
                "特此告知。".into(),
            ],
            articles,
            case_no: case.case_no.clone(),
            corrects: None,
            attachments: vec![],
            cc: vec![],
        },
    })
}

/// Outcomes the petitioner may contest by 复查/复核 (all but agreements).
fn is_reviewable(o: Outcome) -> bool {
    !matches!(o, Outcome::Mediated | Outcome::Settled)
}

/// A template for the written reply (第三十二条): basis and text to start from.
#[derive(Clone, Debug, Serialize)]
pub struct ReplyTemplate {
    pub outcome: Outcome,
    pub label: &'static str,
    pub basis: &'static str,
    pub text: &'static str,
}

/// Templates for 支持 / 解释说明 / 不予支持, edited by the handler before sending.
pub fn reply_templates() -> Vec<ReplyTemplate> {
    vec![
        ReplyTemplate {
            outcome: Outcome::Support,
            label: "予以支持",
            basis: "《信访工作条例》第三十二条第（一）项；（请补充具体法律、法规、规章条款）",
            text: "经调查核实，你反映的情况属实，请求事实清楚，符合（有关规定）。本机关予以支持，并将于（日期）前（具体措施）。",
        },
        ReplyTemplate {
            outcome: Outcome::Explain,
            label: "解释说明",
            basis: "《信访工作条例》第三十二条第（二）项；（请补充相关政策规定）",
            text: "经调查核实，你的请求事由合理，但目前缺乏法律依据，无法按你的请求办理。现将有关政策规定和情况解释说明如下：（说明）。",
        },
        ReplyTemplate {
            outcome: Outcome::NotSupport,
            label: "不予支持",
            basis: "《信访工作条例》第三十二条第（三）项；（请补充具体法律、法规、规章条款）",
            text: "经调查核实，你的请求（缺乏事实根据／不符合有关规定），理由如下：（事实与理由）。本机关不予支持。",
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_and_numbers() {
        assert_eq!(body_abbr("杭州市上城区住房和城乡建设局"), "上城住建");
        assert_eq!(body_abbr("杭州市上城区人民政府"), "上城政府");
        assert_eq!(body_abbr("杭州市上城区信访局"), "上城");
        assert_eq!(body_abbr("杭州市人民政府"), "杭州市政府");
        assert_eq!(
            body_abbr("中共杭州市拱墅区纪律检查委员会（杭州市拱墅区监察委员会）"),
            "拱墅纪委监委"
        );
        assert_eq!(body_abbr("中共宁波市海曙区委政法委员会"), "海曙政法委");
        assert_eq!(body_abbr("杭州市公安局上城区分局"), "上城公安");
        assert_eq!(body_abbr("浙江省公安厅"), "浙江省公安");
        assert_eq!(body_abbr("杭州市西湖区三墩镇"), "西湖三墩镇");
        assert_eq!(
            doc_no("上城住建", DocType::AcceptNotice, 2026, 12),
            "上城住建信受告〔2026〕12号"
        );
        assert!(!DocType::AssignSlip.to_petitioner());
        assert!(DocType::ReReviewOpinion.to_petitioner());
        for t in DocType::ALL {
            assert_eq!(DocType::from_key(t.key()), Some(t));
        }
    }

    #[test]
    fn several_petitioners_are_named_never_a_bare_you() {
        use crate::case::Petitioner;
        let p = |name: &str| Petitioner {
            name: name.into(),
            id_number: None,
            phone: None,
            address: String::new(),
            email: None,
        };
        let mut c: Case = serde_json::from_value(serde_json::json!({
            "case_no": "X", "channel": "letter", "kind": "claim", "petitioners": [],
            "persons": 1, "content": {"request": "r", "facts": "f", "reasons": ""},
            "region_code": "330102", "accused": null, "category": null,
            "registered_at": "2026-03-02T09:00:00", "registering_unit": 1, "current_unit": 1,
            "status": "registered", "stage": "initial", "transfers": [], "stages": [],
            "submissions": [], "related_case": null, "not_accepted_reason": null,
            "recused": [], "version": 1
        }))
        .unwrap();
        c.petitioners = vec![p("王建国")];
        c.persons = 1;
        assert_eq!((petitioner_names(&c).as_str(), you(&c)), ("王建国", "你"));
        c.petitioners = vec![p("张三"), p("李四")];
        c.persons = 5;
        assert_eq!(
            (petitioner_names(&c).as_str(), you(&c)),
            ("张三、李四等5人", "你们")
        );
        c.persons = 2;
        assert_eq!(
            (petitioner_names(&c).as_str(), you(&c)),
            ("张三、李四", "你们")
        );
    }
}
