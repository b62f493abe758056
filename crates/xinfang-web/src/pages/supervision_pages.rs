//! Supervision pages (第四十条): the list of 催办/督办/挂牌督办 sent or received
//! in my area with filters and overdue feedback marked; one supervision with
//! its printable 督办单 (A4), the feedback form for the supervised unit and
//! the close form for the supervising area; and the 挂牌督办 list.

use super::html::esc;
use super::ledger_kit::*;
use super::list_view::{sort_in_memory, Cell, Column, Export, Filter, ListQuery, ListView};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use xinfang_app::ledgers::{supervision_kind_label, supervision_status_label};
use xinfang_domain::{Role, Staff};
use xinfang_store::SupervisionRow;

const KINDS: [(&str, &str); 3] = [
    ("urge", "催办"),
    ("supervise", "督办"),
    ("listed", "挂牌督办"),
];
const STATUSES: [(&str, &str); 4] = [
    ("open", "待反馈"),
    ("answered", "已反馈"),
    ("closed", "已办结"),
    ("overdue", "反馈超期"),
];

/// Overdue: escalated, or still open past its feedback date.
fn is_overdue(s: &SupervisionRow, today: &str) -> bool {
    s.status == "overdue"
        || (s.status == "open" && s.feedback_due.as_deref().is_some_and(|d| d < today))
}

/// The list of supervisions as rows of the list component.
fn view(
    st: &AppState,
    title: &str,
    base: &'static str,
    rows: &[&SupervisionRow],
    today: &str,
    filters: Vec<Filter>,
    above: String,
) -> ListView {
    let unit = |u: i64| st.app.unit_name(xinfang_domain::UnitId(u));
    ListView {
        title: title.into(),
        unit_word: "件",
        base,
        total: rows.len() as i64,
        filters,
        columns: vec![
            Column::sortable("编号", "id"),
            Column::plain("信访编号"),
            Column::plain("类别"),
            Column::plain("督办单位"),
            Column::plain("被督办单位"),
            Column::plain("督办要求"),
            Column::sortable("反馈期限", "due"),
            Column::plain("状态"),
        ],
        rows: rows
            .iter()
            .map(|s| {
                let late = is_overdue(s, today);
                let due = s.feedback_due.as_deref().unwrap_or("—");
                vec![
                    Cell::link(
                        format!("第{}号", s.id),
                        format!("/work/supervisions/{}", s.id),
                    ),
                    Cell::link(&s.case_no, format!("/work/cases/{}", s.case_no)),
                    Cell::text(supervision_kind_label(&s.kind)),
                    Cell::text(unit(s.from_unit)),
                    Cell::text(unit(s.to_unit)),
                    Cell::text(&s.requirement),
                    if late {
                        Cell::text(format!("{due}（超期）")).class("overdue")
                    } else {
                        Cell::text(due)
                    },
                    Cell::text(supervision_status_label(&s.status)),
                ]
            })
            .collect(),
        export: Export::Here,
        empty: "没有符合条件的督办。",
        above,
    }
}

fn sort_key(s: &&SupervisionRow, key: &str) -> String {
    match key {
        "due" => s.feedback_due.clone().unwrap_or_default(),
        _ => format!("{:012}", s.id),
    }
}

/// `/work/supervisions`: filters kind / status / overdue / text.
pub async fn list(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<FormMap>,
) -> Response {
    let (staff, _) = match staff_or_login(&st, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let all = match st.app.supervisions_for(&staff).await {
        Ok(a) => a,
        Err(e) => return err_page(&staff, "督办", e, "/work"),
    };
    let lq = ListQuery::from_query(&q);
    let today = st.app.now().date().to_string();
    let (kind, status, text) = (lq.get("kind"), lq.get("status"), lq.get("text").trim());
    let overdue = lq.get("overdue") == "1";
    let mut rows: Vec<&SupervisionRow> = all
        .iter()
        .filter(|s| kind.is_empty() || s.kind == kind)
        .filter(|s| status.is_empty() || s.status == status)
        .filter(|s| !overdue || is_overdue(s, &today))
        .filter(|s| text.is_empty() || s.case_no.contains(text) || s.requirement.contains(text))
        .collect();
    sort_in_memory(&mut rows, &lq, sort_key);
    let filters = vec![
        Filter::text(&lq, "text", "信访编号或督办要求", ""),
        Filter::select(&lq, "kind", "类别", KINDS),
        Filter::select(&lq, "status", "状态", STATUSES),
        Filter::select(&lq, "overdue", "反馈超期", [("1", "仅看反馈超期")]),
    ];
    let v = view(
        &st,
        "督办（本辖区发出或收到）",
        "/work/supervisions",
        &rows,
        &today,
        filters,
        String::new(),
    );
    if ListQuery::wants_xlsx(&q) {
        return v.xlsx(&st, &staff, "supervisions.xlsx").await;
    }
    staff_page("督办", &staff, &v.render(&lq))
}

/// `/work/listed`: the 挂牌督办 list every staff member in the area sees.
pub async fn listed(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<FormMap>,
) -> Response {
    let (staff, _) = match staff_or_login(&st, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let all = match st.app.supervisions_for(&staff).await {
        Ok(a) => a,
        Err(e) => return err_page(&staff, "挂牌督办", e, "/work"),
    };
    let lq = ListQuery::from_query(&q);
    let today = st.app.now().date().to_string();
    let status = lq.get("status");
    let mut rows: Vec<&SupervisionRow> = all
        .iter()
        .filter(|s| s.kind == "listed")
        .filter(|s| status.is_empty() || s.status == status)
        .collect();
    sort_in_memory(&mut rows, &lq, sort_key);
    let v = view(
        &st,
        "挂牌督办",
        "/work/listed",
        &rows,
        &today,
        vec![Filter::select(&lq, "status", "状态", STATUSES)],
        "<p class=\"muted\">挂牌督办事项在本辖区内公开，反馈超期的以红色标示（第四十条）。</p>"
            .into(),
    );
    if ListQuery::wants_xlsx(&q) {
        return v.xlsx(&st, &staff, "listed.xlsx").await;
    }
    staff_page("挂牌督办", &staff, &v.render(&lq))
}

fn sheet(st: &AppState, s: &SupervisionRow) -> String {
    let unit = |u: i64| esc(&st.app.unit_name(xinfang_domain::UnitId(u)));
    format!(
        "<style>@page{{size:A4;margin:20mm}}.sheet{{max-width:170mm}}.sheet h2{{text-align:center;letter-spacing:.3em}}.sheet td{{border:1px solid #333}}\
         @media print{{header,nav,form,.noprint{{display:none}}body{{background:#fff}}section.sheet{{border:0}}}}</style>\
         <section class=\"sheet\" aria-label=\"督办单\"><h2>{}单</h2><p style=\"text-align:right\">编号：督〔{}〕第 {} 号</p><table>\
         <tr><th>督办单位</th><td>{}</td></tr><tr><th>被督办单位</th><td>{}</td></tr>\
         <tr><th>信访事项</th><td>{}</td></tr><tr><th>督办要求</th><td>{}</td></tr>\
         <tr><th>反馈期限</th><td>{}</td></tr><tr><th>发起时间</th><td>{}</td></tr>\
         <tr><th>状态</th><td>{}</td></tr><tr><th>反馈情况</th><td>{}</td></tr></table>\
         <p>依据《信访工作条例》第四十条，请被督办单位按期反馈办理情况。</p></section>",
        supervision_kind_label(&s.kind),
        esc(s.created_at.get(..4).unwrap_or("")),
        s.id,
        unit(s.from_unit),
        unit(s.to_unit),
        esc(&s.case_no),
        esc(&s.requirement),
        esc(s.feedback_due.as_deref().unwrap_or("—")),
        esc(&s.created_at),
        supervision_status_label(&s.status),
        esc(&s.feedback)
    )
}

fn forms(staff: &Staff, csrf: &str, s: &SupervisionRow) -> String {
    let mut out = String::new();
    if staff.unit.0 == s.to_unit && (s.status == "open" || s.status == "overdue") {
        out.push_str(&format!(
            "<section class=\"noprint\"><h3>反馈办理情况</h3><form method=\"post\" action=\"/work/supervisions/{}/feedback\">{}<label for=\"feedback\">反馈内容</label><textarea id=\"feedback\" name=\"feedback\" required></textarea><button type=\"submit\">提交反馈</button></form></section>",
            s.id,
            csrf_input(csrf)
        ));
    }
    if s.status == "answered"
        && staff.has_any(&[Role::Supervisor, Role::Leader])
        && staff.unit.0 != s.to_unit
    {
        out.push_str(&format!(
            "<section class=\"noprint\"><h3>办结督办</h3><form method=\"post\" action=\"/work/supervisions/{}/close\">{}<button type=\"submit\">办结</button></form></section>",
            s.id,
            csrf_input(csrf)
        ));
    }
    out
}

/// `/work/supervisions/{id}`: the 督办单 (print with the browser, A4) and the forms.
pub async fn detail(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<FormMap>,
) -> Response {
    let (staff, csrf) = match staff_or_login(&st, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match st.app.supervision_for(&staff, id).await {
        Ok(s) => {
            let body = format!(
                "{}{}<p class=\"noprint\">打印督办单：使用浏览器“打印”（A4 纸）。<a href=\"/work/cases/{}\">查看信访事项</a></p>{}",
                notice(&q),
                sheet(&st, &s),
                esc(&s.case_no),
                forms(&staff, &csrf, &s)
            );
            staff_page("督办单", &staff, &body)
        }
        Err(e) => err_page(&staff, "督办", e, "/work/supervisions"),
    }
}

/// The supervised unit's feedback.
pub async fn feedback(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<FormMap>,
) -> Response {
    let (staff, _) = match staff_for_post(&st, &headers, &f).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let back = format!("/work/supervisions/{id}");
    if let Err(e) = st.app.supervision_for(&staff, id).await {
        return err_page(&staff, "督办", e, "/work/supervisions");
    }
    match st
        .app
        .supervision_feedback(&staff, id, field(&f, "feedback"))
        .await
    {
        Ok(_) => done(&back),
        Err(e) => err_page(&staff, "督办反馈", e, &back),
    }
}

/// The supervising area closes an answered supervision.
pub async fn close(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<FormMap>,
) -> Response {
    let (staff, _) = match staff_for_post(&st, &headers, &f).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let back = format!("/work/supervisions/{id}");
    if let Err(e) = st.app.supervision_for(&staff, id).await {
        return err_page(&staff, "督办", e, "/work/supervisions");
    }
    match st.app.close_supervision(&staff, id).await {
        Ok(_) => done(&back),
        Err(e) => err_page(&staff, "办结督办", e, &back),
    }
}
