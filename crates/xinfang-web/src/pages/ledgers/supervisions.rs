//! Supervision pages (第四十条): the list of 催办/督办/挂牌督办 sent or received
//! in my area with filters and overdue feedback marked; one supervision with
//! its printable 督办单 (A4), the feedback form for the supervised unit and
//! the close form for the supervising area; and the 挂牌督办 list. The
//! 督办单 page is an askama template (`templates/ledgers/supervision.html`);
//! the lists are the list component.

use crate::pages::extract::{StaffForm, StaffPage};
use crate::pages::ledgers::kit::*;
use crate::pages::list_view::{sort_in_memory, Cell, Column, Export, Filter, ListQuery, ListView};
use crate::pages::page_error::{OrPage, PageResult};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use xinfang_domain::supervision::{SupervisionKind, SupervisionStatus};
use xinfang_domain::{Role, Staff};
use xinfang_store::SupervisionRow;

/// Filter options: each kind / status by its key, labelled in Chinese.
fn kinds() -> impl Iterator<Item = (&'static str, &'static str)> {
    SupervisionKind::ALL
        .into_iter()
        .map(|k| (k.key(), k.label_zh()))
}
fn statuses() -> impl Iterator<Item = (&'static str, &'static str)> {
    SupervisionStatus::ALL
        .into_iter()
        .map(|s| (s.key(), s.label_zh()))
}

/// Overdue: escalated, or still open past its feedback date.
fn is_overdue(s: &SupervisionRow, today: &str) -> bool {
    s.status == SupervisionStatus::Overdue
        || (s.status == SupervisionStatus::Open
            && s.feedback_due.as_deref().is_some_and(|d| d < today))
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
                    Cell::text(s.kind.label_zh()),
                    Cell::text(unit(s.from_unit)),
                    Cell::text(unit(s.to_unit)),
                    Cell::text(&s.requirement),
                    if late {
                        Cell::text(format!("{due}（超期）")).class("overdue")
                    } else {
                        Cell::text(due)
                    },
                    Cell::text(s.status.label_zh()),
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
    Query(q): Query<FormMap>,
    StaffPage { staff, .. }: StaffPage,
) -> PageResult {
    let all = st
        .app
        .supervisions_for(&staff)
        .await
        .or_page(&staff, "督办", "/work")?;
    let lq = ListQuery::from_query(&q);
    let today = st.app.now().date().to_string();
    let (kind, status, text) = (lq.get("kind"), lq.get("status"), lq.get("text").trim());
    let overdue = lq.get("overdue") == "1";
    let mut rows: Vec<&SupervisionRow> = all
        .iter()
        .filter(|s| kind.is_empty() || s.kind.key() == kind)
        .filter(|s| status.is_empty() || s.status.key() == status)
        .filter(|s| !overdue || is_overdue(s, &today))
        .filter(|s| text.is_empty() || s.case_no.contains(text) || s.requirement.contains(text))
        .collect();
    sort_in_memory(&mut rows, &lq, sort_key);
    let filters = vec![
        Filter::text(&lq, "text", "信访编号或督办要求", ""),
        Filter::select(&lq, "kind", "类别", kinds()),
        Filter::select(&lq, "status", "状态", statuses()),
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
        return Ok(v.xlsx(&st, &staff, "supervisions.xlsx").await);
    }
    Ok(staff_page("督办", &staff, &v.render(&lq)))
}

/// `/work/listed`: the 挂牌督办 list every staff member in the area sees.
pub async fn listed(
    State(st): State<AppState>,
    Query(q): Query<FormMap>,
    StaffPage { staff, .. }: StaffPage,
) -> PageResult {
    let all = st
        .app
        .supervisions_for(&staff)
        .await
        .or_page(&staff, "挂牌督办", "/work")?;
    let lq = ListQuery::from_query(&q);
    let today = st.app.now().date().to_string();
    let status = lq.get("status");
    let mut rows: Vec<&SupervisionRow> = all
        .iter()
        .filter(|s| s.kind == SupervisionKind::Listed)
        .filter(|s| status.is_empty() || s.status.key() == status)
        .collect();
    sort_in_memory(&mut rows, &lq, sort_key);
    let v = view(
        &st,
        "挂牌督办",
        "/work/listed",
        &rows,
        &today,
        vec![Filter::select(&lq, "status", "状态", statuses())],
        render(&ListedNote),
    );
    if ListQuery::wants_xlsx(&q) {
        return Ok(v.xlsx(&st, &staff, "listed.xlsx").await);
    }
    Ok(staff_page("挂牌督办", &staff, &v.render(&lq)))
}

/// What the 挂牌督办 list says above its rows.
#[derive(Template)]
#[template(path = "ledgers/listed_note.html")]
struct ListedNote;

/// The 督办单 (printable on A4), the supervised unit's feedback form and the
/// supervising area's 办结 (confirmed).
#[derive(Template)]
#[template(path = "ledgers/supervision.html")]
struct SupervisionPage<'a> {
    banner: Option<Banner>,
    csrf: &'a str,
    s: &'a SupervisionRow,
    kind: &'static str,
    status: &'static str,
    year: &'a str,
    from_unit: String,
    to_unit: String,
    /// The supervised unit may feed back (and what it typed, if that failed).
    can_feed_back: bool,
    feedback: String,
    /// The supervising area may close it.
    can_close: bool,
}

async fn render_detail(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    id: i64,
    q: &FormMap,
    failed: Option<Failed<'_>>,
) -> PageResult {
    let s = st
        .app
        .supervision_for(staff, id)
        .await
        .or_page(staff, "督办", "/work/supervisions")?;
    let unit = |u: i64| st.app.unit_name(xinfang_domain::UnitId(u));
    let (status, banner, typed) = match failed {
        Some(f) => (f.status, Some(f.banner), Typed(Some(f.typed))),
        None => (axum::http::StatusCode::OK, notice(q), Typed(None)),
    };
    let body = render(&SupervisionPage {
        banner,
        csrf,
        kind: s.kind.label_zh(),
        status: s.status.label_zh(),
        year: s.created_at.get(..4).unwrap_or(""),
        from_unit: unit(s.from_unit),
        to_unit: unit(s.to_unit),
        can_feed_back: staff.unit.0 == s.to_unit
            && matches!(
                s.status,
                SupervisionStatus::Open | SupervisionStatus::Overdue
            ),
        feedback: typed.get("feedback"),
        can_close: s.status == SupervisionStatus::Answered
            && staff.has_any(&[Role::Supervisor, Role::Leader])
            && staff.unit.0 != s.to_unit,
        s: &s,
    });
    Ok(staff_page_status(status, "督办单", staff, &body))
}

/// `/work/supervisions/{id}`: the 督办单 (print with the browser, A4) and the forms.
pub async fn detail(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<FormMap>,
    StaffPage { staff, csrf }: StaffPage,
) -> PageResult {
    render_detail(&st, &staff, &csrf, id, &q, None).await
}

/// The supervised unit's feedback.
pub async fn feedback(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    StaffForm {
        staff,
        csrf,
        form: f,
    }: StaffForm<FeedbackForm>,
) -> PageResult {
    let back = format!("/work/supervisions/{id}");
    st.app
        .supervision_for(&staff, id)
        .await
        .or_page(&staff, "督办", "/work/supervisions")?;
    Ok(
        match st
            .app
            .supervision_feedback(&staff, id, f.feedback.trim())
            .await
        {
            Ok(_) => done(&back),
            // The 督办单 again, with the error and the feedback as typed.
            Err(e) => {
                let failed = Failed::new(e, &f);
                if failed.is_input() {
                    render_detail(&st, &staff, &csrf, id, &FormMap::new(), Some(failed)).await?
                } else {
                    failed.page(&staff, "督办反馈", &back)
                }
            }
        },
    )
}

/// The supervising area closes an answered supervision.
pub async fn close(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    StaffForm { staff, .. }: StaffForm<FormMap>,
) -> PageResult {
    let back = format!("/work/supervisions/{id}");
    st.app
        .supervision_for(&staff, id)
        .await
        .or_page(&staff, "督办", "/work/supervisions")?;
    st.app
        .close_supervision(&staff, id)
        .await
        .or_page(&staff, "办结督办", &back)?;
    Ok(done(&back))
}

page_form! {
    /// The supervised unit's feedback on a 督办单.
    pub struct FeedbackForm {
        feedback,
    }
}
