//! Accountability pages: 约谈 / 通报 records linked to units and cases
//! (第三十九条) with the form for leaders and supervisors, and the annual
//! report with the contents 第四十一条 names, as a printable page. Both are
//! askama templates (`templates/ledgers/accountability.html`, `annual.html`);
//! a refused record comes back as typed.

use crate::pages::extract::{StaffForm, StaffPage};
use crate::pages::ledgers::kit::*;
use crate::pages::list_view::{sort_in_memory, Cell, Column, Export, Filter, ListQuery, ListView};
use crate::pages::page_error::{OrPage, PageResult};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use chrono::Datelike;
use xinfang_app::AppError;
use xinfang_domain::{Role, Staff, UnitId};

/// The records and, for leaders and supervisors, the form.
#[derive(Template)]
#[template(path = "ledgers/accountability.html")]
struct AccountabilityPage<'a> {
    banner: Option<Banner>,
    /// The list component's HTML.
    list: String,
    can_record: bool,
    csrf: &'a str,
    kinds: Vec<Opt>,
    units: Vec<Opt>,
    case_no: String,
    reason: String,
}

async fn render_list(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    q: &FormMap,
    failed: Option<Failed<'_>>,
) -> PageResult {
    let rows = st
        .app
        .accountability_for(staff)
        .await
        .or_page(staff, "约谈通报", "/work")?;
    let lq = ListQuery::from_query(q);
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
    if ListQuery::wants_xlsx(q) {
        return Ok(view.xlsx(st, staff, "accountability.xlsx").await);
    }
    let (status, banner, typed) = match failed {
        Some(f) => (f.status, Some(f.banner), Typed(Some(f.typed))),
        None => (axum::http::StatusCode::OK, notice(q), Typed(None)),
    };
    let body = render(&AccountabilityPage {
        banner,
        list: view.render(&lq),
        can_record: staff.has_any(&[Role::Leader, Role::Supervisor]),
        csrf,
        kinds: options([("talk", "约谈"), ("circular", "通报")], &typed.get("kind")),
        units: area_unit_options(st, staff, &typed.get("unit_id")),
        case_no: typed.get("case_no"),
        reason: typed.get("reason"),
    });
    Ok(staff_page_status(status, "约谈通报", staff, &body))
}

/// `/work/accountability`: records in my area, and the form.
pub async fn list(
    State(st): State<AppState>,
    Query(q): Query<FormMap>,
    StaffPage { staff, csrf }: StaffPage,
) -> PageResult {
    render_list(&st, &staff, &csrf, &q, None).await
}

/// Record a 约谈 or 通报.
pub async fn record(
    State(st): State<AppState>,
    StaffForm {
        staff,
        csrf,
        form: f,
    }: StaffForm<RecordForm>,
) -> PageResult {
    let case_no = Some(f.case_no.trim()).filter(|s| !s.is_empty());
    let r = match f.unit_id.trim().parse::<i64>() {
        Err(_) => Err(AppError::field("unit_id", "请选择单位")),
        Ok(unit) => {
            st.app
                .record_accountability(
                    &staff,
                    f.kind.trim(),
                    UnitId(unit),
                    case_no,
                    f.reason.trim(),
                )
                .await
        }
    };
    Ok(match r {
        Ok(_) => done("/work/accountability"),
        Err(e) => {
            let failed = Failed::new(e, &f);
            if failed.is_input() {
                render_list(&st, &staff, &csrf, &FormMap::new(), Some(failed)).await?
            } else {
                failed.page(&staff, "约谈通报", "/work/accountability")
            }
        }
    })
}

fn num(n: i64) -> String {
    n.to_string()
}

fn pct(rate: Option<f64>) -> String {
    rate.map(|x| format!("{:.1}%", x * 100.0))
        .unwrap_or_else(|| "—（无分母）".into())
}

/// `/work/reports/annual?year=`: the 第四十一条 annual report of my area.
pub async fn annual(
    State(st): State<AppState>,
    Query(q): Query<FormMap>,
    StaffPage { staff, .. }: StaffPage,
) -> PageResult {
    let year = match field(&q, "year") {
        "" => st.app.now().date().year(),
        y => match y.parse::<i32>() {
            Ok(y) if xinfang_app::period::YEARS.contains(&y) => y,
            _ => {
                return Ok(bad_request(
                    &staff,
                    "年份应为 1949 年至 2199 年之间的四位数字，如 2026",
                    "/work/reports/annual",
                ))
            }
        },
    };
    let r = st.app.annual_report(&staff, year).await.or_page(
        &staff,
        "年度报告",
        "/work/reports/annual",
    )?;
    let s = &r.statistics;
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
    let body = render(&AnnualPage {
        year,
        unit: r.unit.clone(),
        stats: stats
            .iter()
            .map(|(name, key)| {
                let v = if key.ends_with("_rate") {
                    pct(s.figure(key))
                } else {
                    // A volume is always there; as a whole number.
                    s.figure(key)
                        .map(|n| num(n as i64))
                        .unwrap_or_else(|| "—".into())
                };
                (*name, v)
            })
            .collect(),
        bodies: r
            .most_petitioned_bodies
            .iter()
            .map(|u| (u.unit.clone(), num(u.cases)))
            .collect(),
        forwarded: num(r.forwarded),
        assigned: num(r.assigned),
        supervised: num(r.supervised),
        adopted: num(r.suggestions_adopted),
        accountability: num(r.accountability_records),
    });
    Ok(staff_page("年度报告", &staff, &body))
}

/// The 第四十一条 annual report, printable on A4.
#[derive(Template)]
#[template(path = "ledgers/annual.html")]
struct AnnualPage {
    year: i32,
    /// The reporting body.
    unit: String,
    /// (指标, 数值).
    stats: Vec<(&'static str, String)>,
    /// (单位, 被反映件数): the bodies complained about most.
    bodies: Vec<(String, String)>,
    forwarded: String,
    assigned: String,
    supervised: String,
    adopted: String,
    accountability: String,
}

page_form! {
    /// A 约谈 or 通报 recorded.
    pub struct RecordForm {
        case_no,
        kind,
        reason,
        unit_id,
    }
}
