//! 指标口径 (`/work/dashboard/definitions`), one click from the dashboard:
//! for every indicator its numerator, denominator, the date that puts an
//! item in the period and the article it rests on, and how the assessment
//! score is made with the weights in force. Read from the same list the
//! figures are computed from (`indicators::DEFINITIONS`).

use super::indicators::{Definition, DEFINITIONS};
use crate::pages::extract::StaffPage;
use crate::pages::html::page_in;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use std::collections::HashMap;

/// A weight of the assessment score, as a percentage.
pub struct Weight {
    pub name: &'static str,
    pub percent: String,
}

#[derive(Template)]
#[template(path = "dashboard/definitions.html")]
struct DefinitionsPage<'a> {
    definitions: &'a [Definition],
    weights: Vec<Weight>,
    back: String,
}

pub async fn definitions(
    State(st): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    StaffPage { staff, .. }: StaffPage,
) -> Response {
    let w = st.app.ranking_weights().await.unwrap_or_default();
    let percent = |x: f64| format!("{:.0}%", x * 100.0);
    // Back to the period the reader came from.
    let back = match (q.get("from"), q.get("to")) {
        (Some(f), Some(t))
            if f.parse::<chrono::NaiveDate>().is_ok() && t.parse::<chrono::NaiveDate>().is_ok() =>
        {
            format!("/work/dashboard?from={f}&to={t}")
        }
        _ => "/work/dashboard".into(),
    };
    let body = DefinitionsPage {
        definitions: DEFINITIONS,
        weights: vec![
            Weight {
                name: "及时受理率",
                percent: percent(w.timely_acceptance),
            },
            Weight {
                name: "按期办结率",
                percent: percent(w.on_time_completion),
            },
            Weight {
                name: "满意率",
                percent: percent(w.satisfaction),
            },
            Weight {
                name: "一次性化解率",
                percent: percent(w.first_time_resolution),
            },
        ],
        back,
    }
    .render()
    .unwrap_or_else(|e| format!("<p class=\"err\">页面生成失败：{e}</p>"));
    Html(page_in(
        "指标口径",
        &staff,
        &[("统计分析", "/work/dashboard")],
        &body,
    ))
    .into_response()
}
