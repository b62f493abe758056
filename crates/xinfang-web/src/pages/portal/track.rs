//! Tracking (`/track`): the citizen types the case number and query code
//! once; the view then re-posts them in hidden fields with every follow-up
//! (a document, an evaluation, a 复查/复核 request, materials, 返回), so
//! the visit never asks for them again and they never appear in a URL.
//!
//! A 复查/复核 request needs a reason (the higher body reviews what the
//! citizen disputes) and is confirmed in a dialog first (`data-confirm`):
//! it moves the case to the higher body and cannot be taken back. The
//! window is 30 days from receiving the written reply (第三十五、三十六条);
//! its last day is shown.

use crate::client::ClientAddr;
use crate::pages::extract::PostedForm;
use crate::pages::ledgers::kit::{page_form, Echo};
use crate::pages::portal::form::Choice;
use crate::pages::portal::kit::{
    cn_date, get, message, plain_error, respond, Errors, Field, SummaryItem, Visit,
};
use crate::pages::work::documents::corrected_title;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use xinfang_app::views::PublicCaseView;
use xinfang_app::AppError;
use xinfang_domain::case::{Command, Satisfaction};
use xinfang_domain::Actor;

/// The fields of the tracking view's forms, for the error summary.
const FIELDS: &[(&str, &str)] = &[
    ("satisfaction", "评价"),
    ("reason", "评价的原因"),
    ("review_reason", "不服的理由"),
];

#[derive(Template)]
#[template(path = "portal/track_form.html")]
struct TrackForm {
    summary: Vec<SummaryItem>,
    alert: Option<String>,
    case_no: Field,
    query_code: Field,
}

/// `GET /track`: the empty form.
pub async fn track_page() -> Response {
    track_form(
        StatusCode::OK,
        &TrackVisit::default(),
        &Errors::default(),
        None,
    )
}

page_form! {
    /// A visit posted to `/track`: the case number and code, and the
    /// evaluation or 复查/复核 request (`op`) with its fields, if any.
    pub struct TrackVisit {
        case_no,
        query_code,
        op,
        satisfaction,
        reason,
        review_reason,
    }
}

fn track_form(status: StatusCode, f: &dyn Echo, errors: &Errors, alert: Option<&str>) -> Response {
    let form = TrackForm {
        summary: errors.summary(&[("case_no", "信访编号"), ("query_code", "查询码")]),
        alert: alert.map(String::from),
        case_no: Field::new("case_no", f, errors),
        query_code: Field::new("query_code", f, errors),
    };
    respond(status, "查询办理情况", &form)
}

/// A written reply as the citizen reads it.
struct ReplyItem {
    stage: &'static str,
    outcome: &'static str,
    basis: String,
    text: String,
    on: String,
    delivered: String,
}

/// A document addressed to the citizen.
struct DocItem {
    id: i64,
    title: String,
    doc_no: String,
    issuing_unit: String,
    issued_on: String,
}

/// A due date as the citizen reads it.
struct DueItem {
    name: &'static str,
    due: String,
    article: String,
    explanation: Vec<String>,
}

/// The 复查/复核 the citizen may still ask for.
struct ReviewOffer {
    name: &'static str,
    last_day: String,
}

#[derive(Template)]
#[template(path = "portal/case.html")]
struct CasePage<'a> {
    visit: &'a Visit,
    v: &'a PublicCaseView,
    registered_at: String,
    notice: Option<String>,
    alert: Option<String>,
    summary: Vec<SummaryItem>,
    replies: Vec<ReplyItem>,
    /// The timeline: (when, what).
    steps: Vec<(String, String)>,
    docs: Vec<DocItem>,
    due: Vec<DueItem>,
    satisfactions: Vec<Choice>,
    satisfaction: Field,
    reason: Field,
    review_reason: Field,
    review: Option<ReviewOffer>,
    /// Opened from 我的信访 (signed in, no query code).
    mine: bool,
}

/// What an `op` did: a confirmation, field errors, or an error of no field.
#[derive(Default)]
struct Outcome {
    notice: Option<String>,
    errors: Errors,
    alert: Option<String>,
}

/// Run the evaluation or 复查/复核 request the form asked for.
async fn run_op(st: &AppState, visit: &Visit, f: &TrackVisit) -> Outcome {
    let mut out = Outcome::default();
    let (cmd, done) = match get(f, "op") {
        "evaluate" => match Satisfaction::from_key(get(f, "satisfaction")) {
            Some(s) => (
                Command::Evaluate {
                    satisfaction: s,
                    reason: get(f, "reason").trim().into(),
                },
                "您的评价已提交，谢谢。",
            ),
            None => {
                out.errors
                    .add("satisfaction", "请选择满意、基本满意或不满意");
                return out;
            }
        },
        "review" => {
            let reason = get(f, "review_reason").trim();
            if reason.is_empty() {
                out.errors
                    .add("review_reason", "请写明您对处理意见哪些地方不服、为什么");
                return out;
            }
            let cmd = Command::RequestReview {
                reason: reason.into(),
            };
            (cmd, "您的请求已提交，将由上一级机关、单位办理。")
        }
        "opt_out" => {
            // The code was checked by `track` before any op runs.
            if let Ok(Some((_, case))) = st.app.store.load_case(&visit.case_no).await {
                match st.app.stop_messages_for(&case).await {
                    Ok(_) => {
                        out.notice = Some(
                            "已为您退订本件的短信和邮件通知。您仍可随时在本页查询办理情况。".into(),
                        )
                    }
                    Err(e) => out.alert = Some(plain_error(&e)),
                }
            }
            return out;
        }
        _ => return out,
    };
    match st.app.act(&Actor::Petitioner, &visit.case_no, &cmd).await {
        Ok(_) => out.notice = Some(done.into()),
        Err(AppError::Domain(d)) if d.field() == Some("reason") => {
            let field = if get(f, "op") == "review" {
                "review_reason"
            } else {
                "reason"
            };
            out.errors.add(field, &d.to_string());
        }
        Err(AppError::Invalid(list)) => {
            for x in list {
                out.errors.add(&x.field, &x.message);
            }
        }
        Err(e) => out.alert = Some(plain_error(&e)),
    }
    out
}

/// `POST /track`: the case for a number and code, and (with `op`) an
/// evaluation or a 复查/复核 request first.
pub async fn track(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    PostedForm(f): PostedForm<TrackVisit>,
) -> Response {
    view(&st, &client, &headers, f).await
}

/// The tracking view for a posted visit; a signed-in petitioner's own case
/// needs no query code (`account::check_visit`, 我的信访).
pub(crate) async fn view(
    st: &AppState,
    client: &str,
    headers: &HeaderMap,
    f: TrackVisit,
) -> Response {
    let st = st.clone();
    let visit = Visit::from_form(&f);
    let mut missing = Errors::default();
    if visit.case_no.is_empty() {
        missing.add("case_no", "请填写回执上的信访编号");
    }
    let mine = visit.query_code.is_empty()
        && crate::pages::portal::account::signed_in(&st, headers)
            .await
            .is_some();
    if visit.query_code.is_empty() && !mine {
        missing.add("query_code", "请填写回执上的查询码");
    }
    if !missing.is_empty() {
        return track_form(StatusCode::UNPROCESSABLE_ENTITY, &f, &missing, None);
    }
    let checked = crate::pages::portal::account::check_visit(&st, client, headers, &visit).await;
    let (id, case) = match checked {
        Ok(x) => x,
        Err(AppError::TooManyAttempts) => {
            let alert = "尝试次数过多，请15分钟后再试。";
            return track_form(StatusCode::TOO_MANY_REQUESTS, &f, &missing, Some(alert));
        }
        Err(_) => {
            let alert = "信访编号或查询码不正确，请对照回执核对后再试。";
            return track_form(StatusCode::NOT_FOUND, &f, &missing, Some(alert));
        }
    };
    let mut out = run_op(&st, &visit, &f).await;
    let case = if out.notice.is_some() {
        match st.app.store.load_case(&visit.case_no).await {
            Ok(Some((_, c))) => c,
            _ => case,
        }
    } else {
        case
    };
    if out.notice.is_some() && get(&f, "op") == "review" {
        out.notice = Some(review_notice(&st, &case));
    }
    let v = match st.app.public_view(id, &case).await {
        Ok(v) => v,
        Err(e) => {
            let text = plain_error(&e);
            return message(StatusCode::INTERNAL_SERVER_ERROR, "查询", &text, true, None);
        }
    };
    let docs = st.app.petitioner_documents(id).await.unwrap_or_default();
    // After a success the form starts empty again; after an error it keeps what was typed.
    let empty = TrackVisit::default();
    let typed = if out.notice.is_some() { &empty } else { &f };
    let satisfaction = Field::new("satisfaction", typed, &out.errors);
    let page = CasePage {
        visit: &visit,
        registered_at: cn_date(&v.registered_at),
        summary: out.errors.summary(FIELDS),
        notice: out.notice,
        alert: out.alert,
        replies: v.replies.iter().map(reply_item).collect(),
        steps: v
            .steps
            .iter()
            .map(|s| (cn_date(&s.at), s.summary.clone()))
            .collect(),
        docs: docs
            .iter()
            .map(|d| DocItem {
                id: d.id,
                title: corrected_title(d),
                doc_no: d.doc_no.clone(),
                issuing_unit: d.issuing_unit.clone(),
                issued_on: cn_date(&d.issued_on),
            })
            .collect(),
        due: v
            .due_dates
            .iter()
            .map(|c| DueItem {
                name: c.name,
                due: cn_date(&c.due),
                article: c.article.clone(),
                explanation: c.explanation.clone(),
            })
            .collect(),
        satisfactions: [
            ("satisfied", "满意"),
            ("basically_satisfied", "基本满意"),
            ("dissatisfied", "不满意"),
        ]
        .into_iter()
        .map(|(value, label)| Choice {
            checked: satisfaction.value == value,
            value: value.into(),
            label: label.into(),
            hint: "",
        })
        .collect(),
        satisfaction,
        reason: Field::new("reason", typed, &out.errors),
        review_reason: Field::new("review_reason", typed, &out.errors),
        review: match (&v.review_window_until, v.review_name) {
            (Some(until), Some(name)) => Some(ReviewOffer {
                name,
                last_day: cn_date(until),
            }),
            _ => None,
        },
        v: &v,
        mine,
    };
    let status = if page.summary.is_empty() && page.alert.is_none() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    respond(status, "办理情况", &page)
}

/// What a 复查/复核 request led to: which body now reviews, and its limit
/// (30 days from receiving the request, 第三十五、三十六条).
fn review_notice(st: &AppState, case: &xinfang_domain::case::Case) -> String {
    let (name, article) = match case.stage {
        xinfang_domain::case::Stage::ReReview => ("复核", "第三十六条"),
        _ => ("复查", "第三十五条"),
    };
    let org = st.app.org();
    let body = org
        .get(case.current_unit)
        .map(|u| u.name.clone())
        .unwrap_or_else(|| "上一级机关、单位".into());
    format!(
        "您的{name}请求已提交，由{body}{name}。收到请求的机关应当自收到之日起30日内提出{name}意见（{article}）。"
    )
}

fn reply_item(r: &xinfang_app::views::PublicReply) -> ReplyItem {
    ReplyItem {
        stage: r.stage,
        outcome: r.outcome,
        basis: r.basis.clone(),
        text: r.text.clone(),
        on: cn_date(&r.on),
        delivered: r
            .delivered_on
            .as_deref()
            .map(cn_date)
            .unwrap_or_else(|| "尚未送达".into()),
    }
}
