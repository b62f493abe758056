//! `/work/cases/{case_no}/repeats`: the registrar's side-by-side check of
//! each 件次 intake linked to this case as a repeat (or 一信多投) — the new
//! submission's request, facts, petitioners and date next to the case's,
//! with the similarity score — and the two decisions: confirm, or split it
//! into a new case of its own (第十九条: every matter registered truthfully).
//! The page is `templates/case/repeats.html` (askama: every value escaped).

use crate::pages::extract::{SessionForm, StaffPage};
use crate::pages::html::page_in;
use crate::pages::ledgers::kit::page_form;
use crate::pages::session::csrf_ok;
use crate::pages::work::case_page::{html_of, message_page, Notice};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use std::collections::HashMap;
use xinfang_app::intake::repeats::RepeatReview;
use xinfang_app::AppError;
use xinfang_domain::case::{Command, Content, Petitioner};
use xinfang_domain::{Actor, Staff};

/// The petitioners as one line of text (names, ID and phone as far as shown).
fn people(ps: &[Petitioner]) -> String {
    ps.iter()
        .map(|p| {
            let mut s = p.name.clone();
            if let Some(id) = &p.id_number {
                s.push_str(&format!("（身份证 {id}）"));
            }
            if let Some(ph) = &p.phone {
                s.push_str(&format!("（电话 {ph}）"));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// One side of the comparison.
struct Column<'a> {
    date: &'a str,
    people: String,
    request: &'a str,
    facts: &'a str,
    reasons: &'a str,
}

impl<'a> Column<'a> {
    fn new(date: &'a str, ps: &[Petitioner], c: &'a Content) -> Self {
        Column {
            date,
            people: people(ps),
            request: &c.request,
            facts: &c.facts,
            reasons: &c.reasons,
        }
    }
}

struct Item<'a> {
    /// 1-based, as the registrar counts 件次.
    number: usize,
    submission: usize,
    channel: &'a str,
    unit_name: &'a str,
    similarity: String,
    multi_body: bool,
    split_to: Option<&'a str>,
    confirmed: bool,
    submitted: Option<Column<'a>>,
    can_decide: bool,
}

#[derive(askama::Template)]
#[template(path = "case/repeats.html")]
struct RepeatsPage<'a> {
    case_no: &'a str,
    csrf: &'a str,
    notice: Option<Notice>,
    registered: Column<'a>,
    items: Vec<Item<'a>>,
    masked: bool,
}

fn render(r: &RepeatReview, staff: &Staff, csrf: &str, notice: Option<Notice>) -> String {
    let c = &r.case;
    let items = r
        .items
        .iter()
        .map(|it| Item {
            number: it.submission + 1,
            submission: it.submission,
            channel: it.channel,
            unit_name: &it.unit_name,
            similarity: it
                .similarity
                .map(|s| format!("{:.0}%", s * 100.0))
                .unwrap_or_else(|| "—".into()),
            multi_body: it.multi_body,
            split_to: it.split_to.as_deref(),
            confirmed: it.confirmed,
            submitted: it
                .content
                .as_ref()
                .map(|content| Column::new(&it.at, &it.petitioners, content)),
            can_decide: it.can_decide,
        })
        .collect();
    let body = html_of(&RepeatsPage {
        case_no: &c.case_no,
        csrf,
        notice,
        registered: Column::new(&r.registered_at, &c.petitioners, &c.content),
        items,
        masked: r.masked,
    });
    let href = format!("/work/cases/{}", c.case_no);
    page_in("重复件核对", staff, &[(&c.case_no, &href)], &body)
}

fn error_text(e: &AppError) -> String {
    match e {
        AppError::Invalid(list) => list
            .iter()
            .map(|x| x.message.clone())
            .collect::<Vec<_>>()
            .join("；"),
        other => other.to_string(),
    }
}

async fn show(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    case_no: &str,
    notice: Option<Notice>,
) -> Response {
    match st.app.repeat_review(staff, case_no).await {
        Ok(r) => Html(render(&r, staff, csrf, notice)).into_response(),
        Err(AppError::NotFound) => (
            StatusCode::NOT_FOUND,
            Html(message_page(
                "未找到",
                Some(staff),
                Notice::err("没有这件信访事项，或您无权查看。"),
            )),
        )
            .into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Html(message_page(
                "出错",
                Some(staff),
                Notice::err(e.to_string()),
            )),
        )
            .into_response(),
    }
}

/// GET: the side-by-side view.
pub async fn repeats_page(
    State(st): State<AppState>,
    Path(case_no): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    StaffPage { staff, csrf }: StaffPage,
) -> Response {
    let notice = match q.get("done").map(String::as_str) {
        Some("confirm") => Some(Notice::ok("已确认为同一事项。")),
        _ => None,
    };
    show(&st, &staff, &csrf, &case_no, notice).await
}

page_form! {
    /// One 件次 confirmed as the same matter or split off.
    pub struct RepeatDecision {
        csrf,
        submission,
        action,
    }
}

/// POST: confirm or split one 件次.
pub async fn repeats_decide(
    State(st): State<AppState>,
    Path(case_no): Path<String>,
    SessionForm {
        staff,
        csrf,
        form: f,
    }: SessionForm<RepeatDecision>,
) -> Response {
    if !csrf_ok(&csrf, &f.csrf) {
        return (
            StatusCode::FORBIDDEN,
            Html(message_page(
                "拒绝",
                None,
                Notice::err("表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。"),
            )),
        )
            .into_response();
    }
    let Ok(k) = f.submission.parse::<usize>() else {
        let msg = Notice::err("未能办理：请选择件次");
        return show(&st, &staff, &csrf, &case_no, Some(msg)).await;
    };
    let actor = Actor::Staff(staff.clone());
    let result = match f.action.as_str() {
        "confirm_repeat" => st
            .app
            .act(&actor, &case_no, &Command::ConfirmRepeat { submission: k })
            .await
            .map(|_| None),
        "split_repeat" => st.app.split_repeat(&actor, &case_no, k).await.map(Some),
        _ => Err(AppError::field("action", "未知的操作")),
    };
    match result {
        // A split is shown at once, not redirected: the query code never goes in a URL.
        Ok(Some(out)) => Html(crate::pages::work::split_notice::render(
            &out,
            &case_no,
            &st.app.unit_name(staff.unit),
            &staff,
            st.app.now().date(),
        ))
        .into_response(),
        Ok(None) => Redirect::to(&format!(
            "/work/cases/{}/repeats?done=confirm",
            crate::pages::work::case_list::url_enc(&case_no)
        ))
        .into_response(),
        Err(e) => {
            let msg = Notice::err(format!("未能办理：{}", error_text(&e)));
            show(&st, &staff, &csrf, &case_no, Some(msg)).await
        }
    }
}
