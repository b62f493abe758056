//! The case page: the case, every clock with its Chinese explanation, the
//! timeline, and forms for exactly the actions this user may take now.
//! Rendered by askama templates (`templates/case/`), so every value is
//! escaped where it is written; this module only gathers the values.

use crate::pages::html::page;
use crate::pages::ledgers::kit::page_form;
use crate::AppState;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use xinfang_app::drafts::DraftView;
use xinfang_app::views::{ClockView, Step};
use xinfang_app::AppError;
use xinfang_domain::case::{
    is_accused_unit, Case, Command, LegalProcedure, Route, Satisfaction, TransferMode,
};
use xinfang_domain::{Staff, UnitId, UnitLevel};

page_form! {
    /// What the case page's action forms post (`templates/case/`): the
    /// action and the fields of whichever form it came from; a field the
    /// form does not have is "". 审核签发 posts `draft`, `replaces` and
    /// `comment` (`work::draft_step`).
    pub struct CaseActionForm {
        csrf,
        action,
        to,
        mode,
        report_due,
        reason,
        upheld,
        unit,
        route,
        procedure,
        guidance,
        tell_to,
        litigation_reason,
        days,
        approved,
        outcome,
        basis,
        text,
        method,
        on,
        note,
        satisfaction,
        draft,
        replaces,
        comment,
    }
}

/// Build a domain command from a posted form (every value trimmed).
pub fn command_from_form(f: &CaseActionForm) -> Result<Command, AppError> {
    let unit = |k: &str, v: &str| {
        v.trim()
            .parse::<i64>()
            .map(UnitId)
            .map_err(|_| AppError::field(k, "请选择单位"))
    };
    Ok(match f.action.trim() {
        "transfer" => Command::Transfer {
            to: unit("to", &f.to)?,
            mode: if f.mode.trim() == "assign" {
                TransferMode::Assign
            } else {
                TransferMode::Forward
            },
            report_due: f.report_due.trim().parse().ok(),
        },
        "sign" => Command::Sign,
        "object" => Command::Object {
            reason: f.reason.trim().into(),
        },
        "decide_objection" => Command::DecideObjection {
            upheld: f.upheld.trim() == "yes",
        },
        "decide_jurisdiction" => Command::DecideJurisdiction {
            unit: unit("unit", &f.unit)?,
        },
        "notify" => Command::Notify {
            route: match f.route.trim() {
                "divert" => Route::Divert {
                    procedure: match f.procedure.trim() {
                        "arbitration" => LegalProcedure::Arbitration,
                        "party_appeal" => LegalProcedure::PartyAppeal,
                        "administrative" => LegalProcedure::Administrative,
                        _ => LegalProcedure::Litigation,
                    },
                    guidance: f.guidance.trim().into(),
                },
                "not_ours" => Route::NotOurs {
                    tell_to: f.tell_to.trim().into(),
                },
                _ => Route::Accept {
                    investigate: true,
                    litigation_reason: Some(f.litigation_reason.trim().to_string())
                        .filter(|r| !r.is_empty()),
                },
            },
        },
        "start_pause" => Command::StartPause {
            reason: f.reason.trim().into(),
        },
        "end_pause" => Command::EndPause,
        "request_extension" => Command::RequestExtension {
            days: f
                .days
                .trim()
                .parse()
                .map_err(|_| AppError::field("days", "请填写延期天数"))?,
            reason: f.reason.trim().into(),
        },
        "decide_extension" => Command::DecideExtension {
            approved: f.approved.trim() == "yes",
        },
        "reply" => Command::Reply {
            outcome: serde_json::from_value(serde_json::Value::String(f.outcome.trim().into()))
                .map_err(|_| AppError::field("outcome", "请选择处理意见"))?,
            basis: f.basis.trim().into(),
            text: f.text.trim().into(),
        },
        "deliver" => Command::Deliver {
            method: xinfang_domain::case::DeliveryMethod::from_key(f.method.trim())
                .unwrap_or_default(),
            on: match f.on.trim() {
                "" => None,
                d => Some(
                    d.parse()
                        .map_err(|_| AppError::field("on", "送达日期格式应为 年-月-日"))?,
                ),
            },
            note: f.note.trim().into(),
        },
        "evaluate" => Command::Evaluate {
            satisfaction: Satisfaction::from_key(f.satisfaction.trim())
                .ok_or_else(|| AppError::field("satisfaction", "请选择评价"))?,
            reason: f.reason.trim().into(),
        },
        "request_review" => Command::RequestReview {
            reason: f.reason.trim().into(),
        },
        "declare_interest" => Command::DeclareInterest,
        "resolve_accused" => Command::ResolveAccused {
            unit: unit("unit", &f.unit)?,
        },
        other => return Err(AppError::field("action", format!("未知操作：{other}"))),
    })
}

/// A message above a page's content after a submit (`case/notice.html`):
/// a result (`ok`, read politely) or an error (read out at once).
pub(crate) struct Notice {
    pub ok: bool,
    pub text: String,
}

impl Notice {
    pub fn ok(text: impl Into<String>) -> Notice {
        Notice {
            ok: true,
            text: text.into(),
        }
    }
    pub fn err(text: impl Into<String>) -> Notice {
        Notice {
            ok: false,
            text: text.into(),
        }
    }
}

/// A page that only says one thing (not found, refused, failed).
#[derive(askama::Template)]
#[template(path = "case/notice.html")]
struct MessageOnly {
    notice: Option<Notice>,
}

/// A template's HTML. Rendering fails only on a bug (never on input): it is
/// logged, and the page says so instead of showing half a page.
pub(crate) fn html_of(t: &impl askama::Template) -> String {
    t.render().unwrap_or_else(|e| {
        tracing::error!("template: {e}");
        String::from("页面生成失败，请稍后再试。")
    })
}

/// A full page whose content is one message.
pub(crate) fn message_page(title: &str, staff: Option<&Staff>, notice: Notice) -> String {
    page(
        title,
        staff,
        &html_of(&MessageOnly {
            notice: Some(notice),
        }),
    )
}

/// A unit the pickers offer.
struct UnitChoice {
    id: i64,
    label: String,
    selected: bool,
}

/// The units of one government's area, under the government's name.
struct UnitGroup {
    label: String,
    units: Vec<UnitChoice>,
}

/// The unit picker: one group per government (the tree's areas, from the
/// top down), the government first and then its bodies and townships. The
/// holder is left out, and so is a 检举控告's accused body with everything
/// under it (第三十条: the domain refuses them anyway; the picker never offers them).
fn unit_groups(st: &AppState, case: &Case, preselect: Option<UnitId>) -> Vec<UnitGroup> {
    let org = st.app.org();
    let except = case.current_unit;
    // 本级及下级 first: the holder's own government's area, then the rest.
    let home = org.government_of(except).unwrap_or(except);
    let mut groups: std::collections::BTreeMap<(bool, UnitLevel, i64), Vec<_>> = Default::default();
    for u in org.units().filter(|u| {
        u.id != except && st.app.unit_active(u.id) && !is_accused_unit(case, u.id, &org)
    }) {
        let area = org.government_of(u.id).unwrap_or(u.id);
        let level = org.get(area).map(|g| g.level).unwrap_or(u.level);
        let outside = !org.is_within(area, home);
        groups.entry((outside, level, area.0)).or_default().push(u);
    }
    // Only the suggested body with power is preselected (never 国务院 by default).
    groups
        .into_iter()
        .map(|((_, _, area), mut units)| {
            units.sort_by_key(|u| (u.id.0 != area, u.level, u.id));
            UnitGroup {
                label: org
                    .get(UnitId(area))
                    .map(|g| g.name.clone())
                    .unwrap_or_default(),
                units: units
                    .into_iter()
                    .map(|u| UnitChoice {
                        id: u.id.0,
                        label: format!("{}·{}", u.level.label_zh(), u.name),
                        selected: Some(u.id) == preselect,
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The body with power the system suggests for the case (its category in
/// its region's own government), if it may receive it.
fn suggested_body(st: &AppState, case: &Case) -> Option<(UnitId, String)> {
    let path = case
        .category
        .as_deref()
        .map(|c| st.app.category_label(c))
        .unwrap_or_default();
    let org = st.app.org();
    xinfang_app::intelligence::suggest_body(
        &org,
        &case.region_code,
        &path,
        case.kind,
        !case.litigation_cues.is_empty(),
    )
    .filter(|(u, _)| *u != case.current_unit && !is_accused_unit(case, *u, &org))
}

/// 第三十一条第一项: when the intake found 涉法涉诉 cues, the notify form says
/// so and asks why the matter is nevertheless accepted.
fn litigation_cues(case: &Case) -> Option<String> {
    if case.kind != xinfang_domain::case::Kind::Claim || case.litigation_cues.is_empty() {
        return None;
    }
    Some(case.litigation_cues.join("、"))
}

/// The written opinion: a head drafts and signs in one step; anyone else
/// drafts and sends it to the head (审核签发). A returned draft comes back
/// into the form with the head's comment.
struct Returned {
    comment: String,
    id: i64,
}

struct TemplateChoice {
    key: String,
    label: &'static str,
    basis: String,
    text: String,
}

#[derive(askama::Template)]
#[template(path = "case/reply_form.html")]
struct ReplyForm<'a> {
    case_no: &'a str,
    csrf: &'a str,
    action: &'a str,
    title: &'a str,
    open: bool,
    returned: Option<Returned>,
    templates: Vec<TemplateChoice>,
    outcomes: Vec<(String, &'static str)>,
    selected: String,
    basis: String,
    text: String,
    text_label: &'a str,
}

/// The 书面意见 form: a handler drafts for the head's sign-off, a head
/// issues directly; the outcomes and templates fit the case's kind and stage.
fn reply_form(staff: &Staff, csrf: &str, case: &Case, drafts: &[DraftView], open: bool) -> String {
    use xinfang_domain::case::{Outcome, Stage};
    let head = staff.has(xinfang_domain::Role::Leader);
    let returned = drafts.first().filter(|d| d.row.status == "returned");
    let offered = Outcome::offered(case.kind, case.stage);
    // The templates speak to one petitioner; to several, they say 你们.
    let plural = xinfang_domain::document::you(case) == "你们";
    let you = |s: &str| {
        if plural {
            s.replace('你', "你们").replace("你们们", "你们")
        } else {
            s.to_string()
        }
    };
    let templates = xinfang_domain::document::reply_templates()
        .into_iter()
        .filter(|t| offered.contains(&t.outcome))
        .map(|t| TemplateChoice {
            key: t.outcome.key(),
            label: t.label,
            basis: t.basis.to_string(),
            text: you(t.text),
        })
        .collect();
    let (action, title) = if head {
        ("reply", "出具书面意见并签发")
    } else {
        ("submit_draft", "起草书面意见，送负责人审核签发")
    };
    html_of(&ReplyForm {
        case_no: &case.case_no,
        csrf,
        action,
        title,
        open: open || returned.is_some(),
        returned: returned.map(|d| Returned {
            comment: d.row.review_comment.clone(),
            id: d.row.id,
        }),
        templates,
        outcomes: offered.iter().map(|o| (o.key(), o.label_zh())).collect(),
        selected: returned.map(|d| d.row.outcome.clone()).unwrap_or_default(),
        basis: returned.map(|d| d.row.basis.clone()).unwrap_or_default(),
        text: returned.map(|d| d.row.body.clone()).unwrap_or_default(),
        text_label: if case.stage == Stage::Initial {
            "意见正文"
        } else {
            "理由（维持、撤销或变更的理由）"
        },
    })
}

/// A draft of the written opinion as the 审核签发 panel shows it.
struct DraftRow<'a> {
    id: i64,
    at: String,
    by: &'a str,
    unit: &'a str,
    outcome: &'static str,
    status: &'static str,
    comment: &'a str,
    basis: &'a str,
    body: &'a str,
    can_review: bool,
}

#[derive(askama::Template)]
#[template(path = "case/drafts.html")]
struct DraftsPanel<'a> {
    case_no: &'a str,
    csrf: &'a str,
    drafts: Vec<DraftRow<'a>>,
}

/// 审核签发: every draft of the opinion with its state; the head sees the
/// text as it will be issued and signs it off or returns it with a comment.
fn drafts_panel(csrf: &str, case: &Case, drafts: &[DraftView]) -> String {
    html_of(&DraftsPanel {
        case_no: &case.case_no,
        csrf,
        drafts: drafts
            .iter()
            .map(|d| DraftRow {
                id: d.row.id,
                at: d.row.drafted_at.chars().take(16).collect(),
                by: &d.drafted_by_name,
                unit: &d.unit_name,
                outcome: d.outcome_label,
                status: d.status_label,
                comment: &d.row.review_comment,
                basis: &d.row.basis,
                body: &d.row.body,
                can_review: d.can_review,
            })
            .collect(),
    })
}

/// One action's folded form (`case/action_form.html`); the fields the
/// template shows depend on `action`.
#[derive(askama::Template)]
#[template(path = "case/action_form.html")]
struct ActionForm<'a> {
    case_no: &'a str,
    csrf: &'a str,
    action: &'a str,
    title: &'static str,
    open: bool,
    confirm: Option<&'static str>,
    /// The receiving / deciding / accused unit picker.
    units: Vec<UnitGroup>,
    /// 转送: the body with power the system suggests (preselected).
    suggested: Option<String>,
    /// 书面告知: the 涉法涉诉 cues found at intake.
    litigation_cues: Option<String>,
    /// 送达: the methods, and today (the latest date of receipt).
    methods: Vec<(&'static str, &'static str)>,
    today: String,
    /// 确定被检举控告单位: whom the petitioner named.
    accused: &'a str,
}

fn action_form(st: &AppState, action: &str, csrf: &str, case: &Case, open: bool) -> String {
    let title = match action {
        "transfer" => "转送 / 交办",
        "sign" => "签收",
        "object" => "提出异议（5个工作日内，第二十三条）",
        "decide_objection" => "处理异议",
        "decide_jurisdiction" => "决定受理机关（第二十四条）",
        "notify" => "书面告知与处理途径",
        "start_pause" => "中止计时（听证、补充材料）",
        "end_pause" => "恢复计时",
        "request_extension" => "申请延期（≤30日，第三十四条）",
        "decide_extension" => "审批延期",
        "deliver" => "送达书面答复",
        "evaluate" => "回访评价",
        "request_review" => "登记复查/复核请求",
        "declare_interest" => "申请回避（第二十八条）",
        "resolve_accused" => "确定被检举控告单位（第三十条）",
        _ => return String::new(),
    };
    let suggested = if action == "transfer" {
        suggested_body(st, case)
    } else {
        None
    };
    let units = match action {
        "transfer" => unit_groups(st, case, suggested.as_ref().map(|(u, _)| *u)),
        "decide_jurisdiction" | "resolve_accused" => unit_groups(st, case, None),
        _ => Vec::new(),
    };
    html_of(&ActionForm {
        case_no: &case.case_no,
        csrf,
        action,
        title,
        open,
        confirm: crate::pages::work::case_flow::confirm_text(action),
        units,
        suggested: suggested.map(|(_, n)| n),
        litigation_cues: litigation_cues(case),
        methods: xinfang_domain::case::DeliveryMethod::ALL
            .iter()
            .map(|m| (m.key(), m.label_zh()))
            .collect(),
        today: st.app.now().date().to_string(),
        accused: case
            .accused
            .as_ref()
            .and_then(|a| a.unit_name.as_deref().or(a.person.as_deref()))
            .unwrap_or("未填写"),
    })
}

/// After a submit: what was done, and what comes next.
struct Toast {
    message: &'static str,
    then: String,
}

/// The case's 件次 when some were linked at intake as repeats.
struct Repeats {
    total: usize,
    repeats: usize,
    multi: usize,
}

/// The step the case waits for, with its form (open).
struct NextStep {
    label: &'static str,
    form: String,
}

#[derive(askama::Template)]
#[template(path = "case/page.html")]
struct CasePage<'a> {
    done: Option<Toast>,
    notice: Option<Notice>,
    steps: String,
    case_no: &'a str,
    status_label: &'a str,
    stage: &'a str,
    channel: &'a str,
    kind: &'a str,
    persons: u32,
    registering_unit: &'a str,
    current_unit: &'a str,
    people: String,
    category: Option<String>,
    request: &'a str,
    facts: &'a str,
    reasons: &'a str,
    not_accepted: Option<&'a str>,
    new_matter_reason: Option<&'a str>,
    repeats: Option<Repeats>,
    next: Option<NextStep>,
    clocks: Vec<ClockRow<'a>>,
    clock_error: Option<&'a str>,
    others: Vec<String>,
    drafts: String,
    timeline: &'a [Step],
    /// What the petitioner was sent and whether it reached them (issue #19).
    messages: Vec<xinfang_app::notify::MessageView>,
    levers: String,
    documents: String,
    similar: String,
}

/// A clock as the 时限 table shows it.
struct ClockRow<'a> {
    name: &'a str,
    stage: &'a str,
    article: &'a str,
    start: &'a str,
    grade: &'a str,
    due: &'a str,
    met: String,
    explanation: &'a [String],
}

impl<'a> ClockRow<'a> {
    fn of(k: &'a ClockView) -> Self {
        ClockRow {
            name: k.name,
            stage: k.stage,
            article: &k.article,
            start: &k.start,
            grade: k.grade,
            due: &k.due,
            met: k
                .met_on
                .as_ref()
                .map(|m| format!("已于 {m} 完成"))
                .unwrap_or_else(|| k.grade_label.to_string()),
            explanation: &k.explanation,
        }
    }
}

/// The case page of `case_no` for `staff`, with `notice` (an error of the
/// last submit) and `done` (the action just taken) above it.
pub async fn render_case(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    case_no: &str,
    notice: Option<Notice>,
    done: Option<&str>,
) -> Response {
    let d = match st.app.case_detail(staff, case_no, "页面查阅").await {
        Ok(d) => d,
        Err(_) => {
            return (
                StatusCode::NOT_FOUND,
                Html(message_page(
                    "未找到",
                    Some(staff),
                    Notice::err("未找到该信访事项，或您无权查看。"),
                )),
            )
                .into_response()
        }
    };
    let c = &d.case;
    // The page's remaining reads are independent of one another: they run
    // side by side on the store's readers.
    let (levels, drafts, levers, documents, similar, messages) = tokio::join!(
        st.app.account_levels(&c.case_no),
        st.app.drafts_of(staff, case_no),
        crate::pages::work::case_levers::panel(st, staff, csrf, &c.case_no, c.current_unit),
        crate::pages::work::documents::panel(st, staff, &c.case_no),
        crate::pages::work::search::similar_panel(st, staff, &c.case_no),
        st.app.case_messages(staff, &c.case_no),
    );
    let levels = levels.unwrap_or_default();
    let drafts = drafts.unwrap_or_default();
    let messages = messages.unwrap_or_default();
    let people: Vec<String> = c
        .petitioners
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let account = match levels.get(i).copied().flatten() {
                Some(level) => format!("（已注册“我的信访”账号：{level}）"),
                None => String::new(),
            };
            format!(
                "{} {} {}{account}",
                p.name,
                p.id_number.as_deref().unwrap_or(""),
                p.phone.as_deref().unwrap_or("")
            )
        })
        .collect();
    let repeats = c.submissions.iter().skip(1).filter(|s| s.repeat).count();
    let form = |a: &str, open: bool| {
        if a == "reply" {
            reply_form(staff, csrf, c, &drafts, open)
        } else {
            action_form(st, a, csrf, c, open)
        }
    };
    // The step the case waits for, its form open, before the clocks.
    let next = crate::pages::work::case_flow::next_action(c, &d.actions);
    // After a submit: what was done, and what comes next.
    let done = done.map(|done| {
        let running = d.clocks.iter().find(|k| k.met_on.is_none());
        let then = match (next, running) {
            (Some(a), Some(k)) => format!(
                "下一步：{}（{}：{}）。",
                crate::pages::work::case_flow::action_label(a),
                k.name,
                k.due
            ),
            (Some(a), None) => format!(
                "下一步：{}。",
                crate::pages::work::case_flow::action_label(a)
            ),
            (None, Some(k)) => {
                format!("现由{}办理（{}：{}）。", d.current_unit_name, k.name, k.due)
            }
            (None, None) => format!("当前状态：{}。", d.status_label),
        };
        Toast {
            message: crate::pages::work::case_flow::done_message(done),
            then,
        }
    });
    let others: Vec<String> = d
        .actions
        .iter()
        .copied()
        .filter(|a| Some(*a) != next)
        .map(|a| form(a, false))
        .collect();
    let body = html_of(&CasePage {
        done,
        notice,
        steps: crate::pages::work::case_flow::step_bar(c),
        case_no: &c.case_no,
        status_label: d.status_label,
        stage: c.stage.label_zh(),
        channel: c.channel.label_zh(),
        kind: c.kind.label_zh(),
        persons: c.persons,
        registering_unit: &d.registering_unit_name,
        current_unit: &d.current_unit_name,
        people: people.join("；"),
        // The stored taxonomy code shown by its current name path.
        category: c.category.as_deref().map(|k| st.app.category_label(k)),
        request: &c.content.request,
        facts: &c.content.facts,
        reasons: &c.content.reasons,
        not_accepted: c.not_accepted_reason.as_deref(),
        new_matter_reason: c.new_matter_reason.as_deref(),
        repeats: (repeats > 0).then(|| Repeats {
            total: c.submissions.len(),
            repeats,
            multi: c.submissions.iter().filter(|s| s.multi_body).count(),
        }),
        next: next.map(|a| NextStep {
            label: crate::pages::work::case_flow::action_label(a),
            form: form(a, true),
        }),
        clocks: d.clocks.iter().map(ClockRow::of).collect(),
        clock_error: d.clock_error.as_deref(),
        others,
        drafts: drafts_panel(csrf, c, &drafts),
        timeline: &d.timeline,
        messages,
        levers,
        documents,
        similar,
    });
    Html(page(&c.case_no, Some(staff), &body)).into_response()
}
