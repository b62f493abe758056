//! `/visit/{token}`: 回访 by the one-time link a petitioner receives after
//! 送达 (issue #19; `xinfang_app::notify::visit`). The token is the only
//! key: it opens one case's evaluation once, for 30 days.

use crate::pages::extract::PostedForm;
use crate::pages::html::page;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use xinfang_app::notify::visit::VisitView;
use xinfang_app::AppError;
use xinfang_domain::case::Satisfaction;

#[derive(Template)]
#[template(path = "portal/visit.html")]
struct VisitPage<'a> {
    token: &'a str,
    view: Option<VisitView>,
    done: Option<String>,
    chosen: String,
    reason: String,
    error: String,
}

fn message(e: &AppError) -> String {
    match e {
        AppError::Invalid(list) => list
            .iter()
            .map(|x| x.message.clone())
            .collect::<Vec<_>>()
            .join("；"),
        _ => "链接无效或已失效。请凭信访编号和查询码在查询页面评价。".into(),
    }
}

fn render(status: StatusCode, p: VisitPage<'_>) -> Response {
    let body = p.render().unwrap_or_default();
    (status, Html(page("办理结果评价", None, &body))).into_response()
}

pub async fn visit_page(State(st): State<AppState>, Path(token): Path<String>) -> Response {
    match st.app.visit_view(&token).await {
        Ok(v) => render(
            StatusCode::OK,
            VisitPage {
                token: &token,
                view: Some(v),
                done: None,
                chosen: String::new(),
                reason: String::new(),
                error: String::new(),
            },
        ),
        Err(e) => render(
            StatusCode::NOT_FOUND,
            VisitPage {
                token: &token,
                view: None,
                done: None,
                chosen: String::new(),
                reason: String::new(),
                error: message(&e),
            },
        ),
    }
}

crate::pages::ledgers::kit::page_form! {
    /// The evaluation given through a 回访 link.
    pub struct VisitEvaluation {
        satisfaction,
        reason,
    }
}

pub async fn visit_submit(
    State(st): State<AppState>,
    Path(token): Path<String>,
    PostedForm(f): PostedForm<VisitEvaluation>,
) -> Response {
    let VisitEvaluation {
        satisfaction: chosen,
        reason,
    } = f;
    let Some(s) = Satisfaction::from_key(&chosen) else {
        let view = st.app.visit_view(&token).await.ok();
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            VisitPage {
                token: &token,
                view,
                done: None,
                chosen,
                reason,
                error: "请选择满意、基本满意或不满意".into(),
            },
        );
    };
    match st.app.evaluate_by_link(&token, s, &reason).await {
        Ok(case_no) => render(
            StatusCode::OK,
            VisitPage {
                token: &token,
                view: None,
                done: Some(format!("感谢您的评价。信访事项{case_no}的评价已记录。")),
                chosen,
                reason,
                error: String::new(),
            },
        ),
        Err(e) => {
            let view = st.app.visit_view(&token).await.ok();
            let status = if view.is_some() {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::NOT_FOUND
            };
            render(
                status,
                VisitPage {
                    token: &token,
                    view,
                    done: None,
                    chosen,
                    reason,
                    error: message(&e),
                },
            )
        }
    }
}
