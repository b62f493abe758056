//! The 矛盾纠纷排查台账 page: disputes found before they become petitions,
//! registered by the unit that found them, mediated on the 三调联动 track
//! (人民/行政/司法调解), with the outcome, and converted into a petition case
//! when mediation fails (or at once when it must be).

use super::html::esc;
use super::ledger_kit::*;
use super::list_view::{sort_in_memory, Cell, Column, Export, Filter, ListQuery, ListView};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use xinfang_domain::campaign::{label, DISPUTE_STATES, TRACKS};
use xinfang_domain::UnitId;
use xinfang_store::DisputeRow;

fn move_forms(d: &DisputeRow, csrf: &str) -> String {
    let form = |inner: &str, button: &str| {
        format!(
            "<form method=\"post\" action=\"/work/disputes/{}\">{}{inner}<button type=\"submit\">{button}</button></form>",
            d.id,
            csrf_input(csrf)
        )
    };
    // Converting registers a petition case: it cannot be taken back.
    let confirmed_form = |inner: &str, button: &str| {
        format!(
            "<form method=\"post\" action=\"/work/disputes/{}\" data-confirm=\"确定转为信访事项吗？转入后按信访事项登记办理，不能撤回。\">{}{inner}<button type=\"submit\">{button}</button></form>",
            d.id,
            csrf_input(csrf)
        )
    };
    let mut s = String::new();
    match d.status.as_str() {
        "found" => {
            s.push_str(&form(
                &format!("<input type=\"hidden\" name=\"status\" value=\"mediating\"><label>调解类别<select name=\"track\">{}</select></label>", options(&TRACKS, "people")),
                "开始调解",
            ));
            s.push_str(&confirmed_form(
                "<input type=\"hidden\" name=\"status\" value=\"converted\">",
                "直接转为信访事项",
            ));
        }
        "mediating" => {
            s.push_str(&form(
                "<label>调解结果<select name=\"status\"><option value=\"succeeded\">调解成功</option><option value=\"failed\">调解不成</option></select></label><label>调解情况<input name=\"outcome\" required></label>",
                "记录结果",
            ));
        }
        "failed" => {
            s.push_str(&confirmed_form(
                "<input type=\"hidden\" name=\"status\" value=\"converted\">",
                "转为信访事项",
            ));
        }
        _ => {}
    }
    s
}

/// `/work/disputes`: the ledger and the 排查登记 form.
pub async fn list(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<FormMap>,
) -> Response {
    let (staff, csrf) = match staff_or_login(&st, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let all = match st.app.disputes_for(&staff).await {
        Ok(a) => a,
        Err(e) => return err_page(&staff, "矛盾纠纷排查台账", e, "/work"),
    };
    let lq = ListQuery::from_query(&q);
    let (status, risk, text) = (lq.get("status"), lq.get("risk"), lq.get("text").trim());
    let mut rows: Vec<&DisputeRow> = all
        .iter()
        .filter(|d| status.is_empty() || d.status == status)
        .filter(|d| risk.is_empty() || d.risk_level.to_string() == risk)
        .filter(|d| text.is_empty() || d.parties.contains(text) || d.summary.contains(text))
        .collect();
    sort_in_memory(&mut rows, &lq, |d, key| match key {
        "found" => d.found_on.clone(),
        "risk" => d.risk_level.to_string(),
        _ => format!("{:012}", d.id),
    });
    let view = ListView {
        title: "矛盾纠纷排查台账".into(),
        unit_word: "件",
        base: "/work/disputes",
        total: rows.len() as i64,
        filters: vec![
            Filter::text(&lq, "text", "当事人或纠纷情况", ""),
            Filter::select(&lq, "status", "状态", DISPUTE_STATES),
            Filter::select(
                &lq,
                "risk",
                "风险",
                (1..=3)
                    .rev()
                    .map(|l| (l, xinfang_app::warnings::level_label(l))),
            ),
        ],
        columns: vec![
            Column::sortable("编号", "id"),
            Column::plain("排查单位"),
            Column::plain("当事人"),
            Column::plain("纠纷情况"),
            Column::sortable("排查日期", "found"),
            Column::sortable("风险", "risk"),
            Column::plain("三调联动"),
            Column::plain("状态"),
            Column::plain("调解情况"),
            Column::plain("操作"),
        ],
        rows: rows
            .iter()
            .map(|d| {
                let status = Cell::text(label(&DISPUTE_STATES, &d.status));
                vec![
                    Cell::text(d.id.to_string()).html(format!("<span id=\"d{}\"></span>", d.id)),
                    Cell::text(st.app.unit_name(UnitId(d.unit_id))),
                    Cell::text(&d.parties),
                    Cell::text(&d.summary),
                    Cell::text(&d.found_on),
                    Cell::text(xinfang_app::warnings::level_label(d.risk_level)),
                    Cell::text(d.track.as_deref().map(|t| label(&TRACKS, t)).unwrap_or("—")),
                    match d.case_no.as_deref() {
                        Some(n) => {
                            status.html(format!(" <a href=\"/work/cases/{0}\">{0}</a>", esc(n)))
                        }
                        None => status,
                    },
                    Cell::text(&d.outcome),
                    Cell::default().html(move_forms(d, &csrf)),
                ]
            })
            .collect(),
        export: Export::Here,
        empty: "没有符合条件的矛盾纠纷。",
        above: String::new(),
    };
    if ListQuery::wants_xlsx(&q) {
        return view.xlsx(&st, &staff, "disputes.xlsx").await;
    }
    let mut body = format!("{}{}", notice(&q), view.render(&lq));
    body.push_str(&format!(
        "<section><h2>排查登记</h2><form method=\"post\" action=\"/work/disputes\">{}\
         <label for=\"region_code\">行政区划代码</label><input id=\"region_code\" name=\"region_code\" required placeholder=\"330102\">\
         <label for=\"parties\">当事人</label><input id=\"parties\" name=\"parties\" required>\
         <label for=\"summary\">纠纷情况</label><textarea id=\"summary\" name=\"summary\" required></textarea>\
         <label for=\"risk_level\">风险等级</label><select id=\"risk_level\" name=\"risk_level\"><option value=\"1\">三级（黄色，一般）</option><option value=\"2\">二级（橙色，较大）</option><option value=\"3\">一级（红色，重大）</option></select>\
         <button type=\"submit\">登记</button></form></section>",
        csrf_input(&csrf)
    ));
    staff_page("矛盾纠纷排查台账", &staff, &body)
}

/// 排查登记 at the staff member's unit.
pub async fn register(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<FormMap>,
) -> Response {
    let (staff, _) = match staff_for_post(&st, &headers, &f).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let risk = field(&f, "risk_level").parse::<i64>().unwrap_or(1);
    match st
        .app
        .register_dispute(
            &staff,
            field(&f, "region_code"),
            field(&f, "parties"),
            field(&f, "summary"),
            risk,
        )
        .await
    {
        Ok(d) => done(&format!("/work/disputes#d{}", d.id)),
        Err(e) => err_page(&staff, "排查登记", e, "/work/disputes"),
    }
}

/// Start mediation, record its outcome, or convert into a case.
pub async fn move_dispute(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<FormMap>,
) -> Response {
    let (staff, _) = match staff_for_post(&st, &headers, &f).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let opt = |k: &str| Some(field(&f, k)).filter(|s| !s.is_empty());
    match st
        .app
        .move_dispute(
            &staff,
            id,
            field(&f, "status"),
            opt("track"),
            opt("outcome"),
        )
        .await
    {
        Ok(d) => done(&format!("/work/disputes#d{}", d.id)),
        Err(e) => err_page(&staff, "矛盾纠纷", e, "/work/disputes"),
    }
}
