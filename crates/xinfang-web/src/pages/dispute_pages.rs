//! The 矛盾纠纷排查台账 page: disputes found before they become petitions,
//! registered by the unit that found them, mediated on the 三调联动 track
//! (人民/行政/司法调解), with the outcome, and converted into a petition case
//! when mediation fails (or at once when it must be).

use super::html::esc;
use super::ledger_kit::*;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use xinfang_app::ledgers::Ledger;
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
    let mut s = String::new();
    match d.status.as_str() {
        "found" => {
            s.push_str(&form(
                &format!("<input type=\"hidden\" name=\"status\" value=\"mediating\"><label>调解类别<select name=\"track\">{}</select></label>", options(&TRACKS, "people")),
                "开始调解",
            ));
            s.push_str(&form(
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
            s.push_str(&form(
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
    let status = field(&q, "status");
    let rows: Vec<&DisputeRow> = all
        .iter()
        .filter(|d| status.is_empty() || d.status == status)
        .collect();
    let mut body = format!(
        "{}<section><h2>矛盾纠纷排查台账（{} 件）</h2><form method=\"get\"><label for=\"status\">状态</label><select id=\"status\" name=\"status\"><option value=\"\">全部</option>{}</select><button type=\"submit\">筛选</button></form><p>{}</p>\
         <table><tr><th>编号</th><th>排查单位</th><th>当事人</th><th>纠纷情况</th><th>排查日期</th><th>风险</th><th>三调联动</th><th>状态</th><th>调解情况</th><th>办理</th></tr>",
        notice(&q),
        rows.len(),
        options(&DISPUTE_STATES, status),
        export_link(Ledger::Disputes)
    );
    for d in &rows {
        let case = d
            .case_no
            .as_deref()
            .map(|n| format!("<a href=\"/work/cases/{0}\">{0}</a>", esc(n)))
            .unwrap_or_default();
        body.push_str(&format!(
            "<tr id=\"d{0}\"><td>{0}</td><td>{1}</td><td>{2}</td><td>{3}</td><td>{4}</td><td>{5}</td><td>{6}</td><td>{7} {8}</td><td>{9}</td><td>{10}</td></tr>",
            d.id,
            esc(&st.app.unit_name(UnitId(d.unit_id))),
            esc(&d.parties),
            esc(&d.summary),
            esc(&d.found_on),
            xinfang_app::warnings::level_label(d.risk_level),
            d.track.as_deref().map(|t| label(&TRACKS, t)).unwrap_or("—"),
            label(&DISPUTE_STATES, &d.status),
            case,
            esc(&d.outcome),
            move_forms(d, &csrf)
        ));
    }
    body.push_str("</table></section>");
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
