//! Accountability pages: 约谈 / 通报 records linked to units and cases
//! (第三十九条) with the form for leaders and supervisors, and the annual
//! report with the contents 第四十一条 names, as a printable page.

use super::html::esc;
use super::ledger_kit::*;
use super::list_view::{sort_in_memory, Cell, Column, Export, Filter, ListQuery, ListView};
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use chrono::Datelike;
use serde_json::Value;
use xinfang_app::AppError;
use xinfang_domain::{Role, UnitId};

/// `/work/accountability`: records in my area, and the form.
pub async fn list(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<FormMap>,
) -> Response {
    let (staff, csrf) = match staff_or_login(&st, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let rows = match st.app.accountability_for(&staff).await {
        Ok(r) => r,
        Err(e) => return err_page(&staff, "约谈通报", e, "/work"),
    };
    let lq = ListQuery::from_query(&q);
    let (kind, text) = (lq.get("kind"), lq.get("text").trim());
    let mut rows: Vec<_> = rows
        .iter()
        .filter(|r| kind.is_empty() || r.kind == kind)
        .filter(|r| {
            text.is_empty()
                || r.reason.contains(text)
                || st.app.unit_name(UnitId(r.unit_id)).contains(text)
        })
        .collect();
    sort_in_memory(&mut rows, &lq, |r, _| r.at.clone());
    let view = ListView {
        title: "约谈、通报（第三十九条）".into(),
        unit_word: "条",
        base: "/work/accountability",
        total: rows.len() as i64,
        filters: vec![
            Filter::text(&lq, "text", "单位或事由", ""),
            Filter::select(
                &lq,
                "kind",
                "类别",
                [("talk", "约谈"), ("circular", "通报")],
            ),
        ],
        columns: vec![
            Column::plain("编号"),
            Column::plain("类别"),
            Column::plain("单位"),
            Column::plain("关联信访事项"),
            Column::plain("事由"),
            Column::plain("记录人"),
            Column::sortable("时间", "at"),
        ],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::text(r.id.to_string()),
                    Cell::text(if r.kind == "talk" { "约谈" } else { "通报" }),
                    Cell::text(st.app.unit_name(UnitId(r.unit_id))),
                    match r.case_no.as_deref() {
                        Some(n) => Cell::link(n, format!("/work/cases/{n}")),
                        None => Cell::text(""),
                    },
                    Cell::text(&r.reason),
                    Cell::text(&r.created_by),
                    Cell::text(&r.at),
                ]
            })
            .collect(),
        export: Export::Here,
        empty: "暂无约谈、通报记录。",
        above: String::new(),
    };
    if ListQuery::wants_xlsx(&q) {
        return view.xlsx(&st, &staff, "accountability.xlsx").await;
    }
    let mut body = format!("{}{}", notice(&q), view.render(&lq));
    if staff.has_any(&[Role::Leader, Role::Supervisor]) {
        body.push_str(&format!(
            "<section><h2>记录约谈或通报</h2><form method=\"post\" action=\"/work/accountability\">{}\
             <label for=\"kind\">类别</label><select id=\"kind\" name=\"kind\"><option value=\"talk\">约谈</option><option value=\"circular\">通报</option></select>\
             <label for=\"unit_id\">单位</label><select id=\"unit_id\" name=\"unit_id\" required>{}</select>\
             <label for=\"case_no\">关联信访编号（可选）</label><input id=\"case_no\" name=\"case_no\">\
             <label for=\"reason\">事由</label><textarea id=\"reason\" name=\"reason\" required></textarea><button type=\"submit\">记录</button></form></section>",
            csrf_input(&csrf),
            area_unit_options(&st, &staff)
        ));
    }
    staff_page("约谈通报", &staff, &body)
}

/// Record a 约谈 or 通报.
pub async fn record(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<FormMap>,
) -> Response {
    let (staff, _) = match staff_for_post(&st, &headers, &f).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Ok(unit) = field(&f, "unit_id").parse::<i64>() else {
        return err_page(
            &staff,
            "约谈通报",
            AppError::field("unit_id", "请选择单位"),
            "/work/accountability",
        );
    };
    let case_no = Some(field(&f, "case_no")).filter(|s| !s.is_empty());
    match st
        .app
        .record_accountability(
            &staff,
            field(&f, "kind"),
            UnitId(unit),
            case_no,
            field(&f, "reason"),
        )
        .await
    {
        Ok(_) => done("/work/accountability"),
        Err(e) => err_page(&staff, "约谈通报", e, "/work/accountability"),
    }
}

fn num(v: &Value) -> String {
    v.as_i64()
        .map(|x| x.to_string())
        .unwrap_or_else(|| "—".into())
}

fn pct(v: &Value) -> String {
    v.as_f64()
        .map(|x| format!("{:.1}%", x * 100.0))
        .unwrap_or_else(|| "—（无分母）".into())
}

/// `/work/reports/annual?year=`: the 第四十一条 annual report of my area.
pub async fn annual(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<FormMap>,
) -> Response {
    let (staff, _) = match staff_or_login(&st, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let year = match field(&q, "year") {
        "" => st.app.now().date().year(),
        y => match y.parse::<i32>() {
            Ok(y) if (1990..=2200).contains(&y) => y,
            _ => return bad_request(&staff, "年份应为四位数字，如 2026", "/work/reports/annual"),
        },
    };
    let r = match st.app.annual_report(&staff, year).await {
        Ok(r) => r,
        Err(e) => return err_page(&staff, "年度报告", e, "/work/reports/annual"),
    };
    let s = &r["statistics"];
    let stats: [(&str, &str); 12] = [
        ("信访件次", "submissions"),
        ("信访事项", "cases"),
        ("来访批次", "batches"),
        ("来访人次", "persons"),
        ("集体访批次", "collective_batches"),
        ("及时受理率", "timely_acceptance_rate"),
        ("按期办结率", "on_time_completion_rate"),
        ("参评率", "participation_rate"),
        ("满意率", "satisfaction_rate"),
        ("一次性化解率", "first_time_resolution_rate"),
        ("重复信访率", "repeat_rate"),
        ("越级访占比", "skip_level_rate"),
    ];
    let mut body = format!(
        "<style>@page{{size:A4;margin:20mm}}@media print{{header,nav,form{{display:none}}}}</style>\
         <section><form method=\"get\"><label for=\"year\">年份</label><input id=\"year\" name=\"year\" value=\"{year}\" inputmode=\"numeric\"><button type=\"submit\">查看</button></form>\
         <h2>{}{year}年度信访工作情况报告</h2><p>依据《信访工作条例》第四十一条，报告本年度信访事项的数据统计、信访事项涉及领域以及被投诉较多的机关或者单位、转送督办情况、各部门采纳改进建议情况。</p>\
         <h3>一、数据统计</h3><table><tr><th>指标</th><th>数值</th></tr>",
        esc(r["unit"].as_str().unwrap_or(""))
    );
    for (name, key) in stats {
        let v = if key.ends_with("_rate") {
            pct(&s[key])
        } else {
            num(&s[key])
        };
        body.push_str(&format!("<tr><td>{name}</td><td>{v}</td></tr>"));
    }
    body.push_str(
        "</table><h3>二、被投诉较多的机关或单位</h3><p class=\"muted\">按信访事项中被反映、被检举控告的单位统计。</p><table><tr><th>单位</th><th>被反映件数</th></tr>",
    );
    for u in r["most_petitioned_bodies"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td></tr>",
            esc(u["unit"].as_str().unwrap_or("")),
            num(&u["cases"])
        ));
    }
    body.push_str(&format!(
        "</table><h3>三、转送、交办、督办情况</h3><table><tr><th>转送</th><td>{}</td></tr><tr><th>交办</th><td>{}</td></tr><tr><th>督办</th><td>{}</td></tr></table>\
         <h3>四、采纳改进建议情况</h3><p>采纳或部分采纳的建议：{} 件。</p><h3>五、约谈、通报</h3><p>约谈、通报记录：{} 条（<a href=\"/work/accountability\">明细</a>）。</p></section>",
        num(&r["forwarded"]),
        num(&r["assigned"]),
        num(&r["supervised"]),
        num(&r["suggestions_adopted"]),
        num(&r["accountability_records"])
    ));
    staff_page("年度报告", &staff, &body)
}
