//! `/work/cases/{case_no}/repeats`: the registrar's side-by-side check of
//! each 件次 intake linked to this case as a repeat (or 一信多投) — the new
//! submission's request, facts, petitioners and date next to the case's,
//! with the similarity score — and the two decisions: confirm, or split it
//! into a new case of its own (第十九条: every matter registered truthfully).

use super::html::{esc, page, page_in};
use super::session::{csrf_ok, current};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use std::collections::HashMap;
use xinfang_app::repeats::RepeatReview;
use xinfang_app::AppError;
use xinfang_domain::case::{Command, Content, Petitioner};
use xinfang_domain::{Actor, Staff};

fn people(ps: &[Petitioner]) -> String {
    ps.iter()
        .map(|p| {
            let mut s = esc(&p.name);
            if let Some(id) = &p.id_number {
                s.push_str(&format!("（身份证 {}）", esc(id)));
            }
            if let Some(ph) = &p.phone {
                s.push_str(&format!("（电话 {}）", esc(ph)));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("、")
}

fn column(title: &str, date: &str, who: &str, c: &Content) -> String {
    format!(
        "<td><h3>{}</h3><p>时间：{}</p><p>信访人：{}</p><p><b>请求：</b>{}</p><p><b>事实：</b>{}</p><p><b>理由：</b>{}</p></td>",
        esc(title),
        esc(date),
        who,
        esc(&c.request),
        esc(&c.facts),
        esc(&c.reasons)
    )
}

fn render(r: &RepeatReview, staff: &Staff, csrf: &str, notice: &str) -> String {
    let c = &r.case;
    let mut body = format!(
        "<h1>重复件核对：{}</h1>{notice}<p><a href=\"/work/cases/{}\">返回信访事项</a></p>",
        esc(&c.case_no),
        esc(&c.case_no)
    );
    if r.items.is_empty() {
        body.push_str("<p>本件没有登记时关联的重复件次。</p>");
    }
    for it in &r.items {
        let state = match (&it.split_to, it.confirmed) {
            (Some(no), _) => format!(
                "已拆分为新件 <a href=\"/work/cases/{}\">{}</a>",
                esc(no),
                esc(no)
            ),
            (None, true) => "已确认为同一事项".to_string(),
            (None, false) => "待核对".to_string(),
        };
        let sim = it
            .similarity
            .map(|s| format!("{:.0}%", s * 100.0))
            .unwrap_or_else(|| "—".into());
        body.push_str(&format!(
            "<section><h2>第{}件次（{}，{}）</h2><p>相似度：{sim}{}；状态：{state}</p><table><tr>",
            it.submission + 1,
            esc(it.channel),
            esc(&it.unit_name),
            if it.multi_body { "；一信多投" } else { "" }
        ));
        body.push_str(&column(
            "已登记的信访事项",
            &r.registered_at,
            &people(&c.petitioners),
            &c.content,
        ));
        match &it.content {
            Some(content) => body.push_str(&column(
                "本次来信来访",
                &it.at,
                &people(&it.petitioners),
                content,
            )),
            None => body.push_str("<td>本件次登记时未保存原文。</td>"),
        }
        body.push_str("</tr></table>");
        if it.can_decide {
            for (action, label) in [
                ("confirm_repeat", "确认为同一事项"),
                ("split_repeat", "不是同一事项，拆分为新件"),
            ] {
                body.push_str(&format!(
                    "<form method=\"post\" action=\"/work/cases/{}/repeats\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"action\" value=\"{action}\"><input type=\"hidden\" name=\"submission\" value=\"{}\"><button type=\"submit\">{label}</button></form>",
                    esc(&c.case_no),
                    esc(csrf),
                    it.submission
                ));
            }
        }
        body.push_str("</section>");
    }
    if r.masked {
        body.push_str("<p>身份信息已按规定遮蔽。</p>");
    }
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

async fn show(st: &AppState, staff: &Staff, csrf: &str, case_no: &str, notice: &str) -> Response {
    match st.app.repeat_review(staff, case_no).await {
        Ok(r) => Html(render(&r, staff, csrf, notice)).into_response(),
        Err(AppError::NotFound) => (
            StatusCode::NOT_FOUND,
            Html(page(
                "未找到",
                Some(staff),
                "<p class=\"err\">没有这件信访事项，或您无权查看。</p>",
            )),
        )
            .into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Html(page(
                "出错",
                Some(staff),
                &format!("<p class=\"err\">{}</p>", esc(&e.to_string())),
            )),
        )
            .into_response(),
    }
}

/// GET: the side-by-side view.
pub async fn repeats_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(case_no): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some((staff, csrf)) = current(&st, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let notice = match q.get("done").map(String::as_str) {
        Some("confirm") => "<p class=\"ok\" role=\"status\">已确认为同一事项。</p>".to_string(),
        _ => String::new(),
    };
    show(&st, &staff, &csrf, &case_no, &notice).await
}

/// POST: confirm or split one 件次.
pub async fn repeats_decide(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(case_no): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let Some((staff, csrf)) = current(&st, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    if !csrf_ok(&csrf, f.get("csrf").map(String::as_str).unwrap_or("")) {
        return (
            StatusCode::FORBIDDEN,
            Html(page(
                "拒绝",
                None,
                "<p class=\"err\">表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。</p>",
            )),
        )
            .into_response();
    }
    let Some(k) = f.get("submission").and_then(|s| s.parse::<usize>().ok()) else {
        let msg = "<p class=\"err\" role=\"alert\">未能办理：请选择件次</p>";
        return show(&st, &staff, &csrf, &case_no, msg).await;
    };
    let actor = Actor::Staff(staff.clone());
    let result = match f.get("action").map(String::as_str) {
        Some("confirm_repeat") => st
            .app
            .act(&actor, &case_no, &Command::ConfirmRepeat { submission: k })
            .await
            .map(|_| None),
        Some("split_repeat") => st.app.split_repeat(&actor, &case_no, k).await.map(Some),
        _ => Err(AppError::field("action", "未知的操作")),
    };
    match result {
        // A split is shown at once, not redirected: the query code never goes in a URL.
        Ok(Some(out)) => Html(super::split_notice::render(
            &out,
            &case_no,
            &st.app.unit_name(staff.unit),
            &staff,
            st.app.now().date(),
        ))
        .into_response(),
        Ok(None) => Redirect::to(&format!(
            "/work/cases/{}/repeats?done=confirm",
            esc(&case_no)
        ))
        .into_response(),
        Err(e) => {
            let msg = format!(
                "<p class=\"err\" role=\"alert\">未能办理：{}</p>",
                esc(&error_text(&e))
            );
            show(&st, &staff, &csrf, &case_no, &msg).await
        }
    }
}
