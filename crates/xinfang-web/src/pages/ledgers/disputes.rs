//! The 矛盾纠纷排查台账 page: disputes found before they become petitions,
//! registered by the unit that found them, mediated on the 三调联动 track
//! (人民/行政/司法调解), with the outcome, and converted into a petition case
//! when mediation fails (or at once when it must be). The page is the list
//! component with its row controls and the 排查登记 form as askama templates
//! (`templates/ledgers/dispute*.html`); a refused form comes back as typed.

use crate::pages::extract::{StaffForm, StaffPage};
use crate::pages::ledgers::kit::*;
use crate::pages::list_view::{sort_in_memory, Cell, Column, Export, Filter, ListQuery, ListView};
use crate::pages::page_error::{OrPage, PageResult};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use xinfang_domain::campaign::{label, DISPUTE_STATES, TRACKS};
use xinfang_domain::{Staff, UnitId};
use xinfang_store::DisputeRow;

/// What a dispute's row holds besides text (`templates/ledgers/dispute_cell.html`).
enum Part<'a> {
    /// The target of `#d{id}` after a move.
    Anchor(i64),
    /// The case it became.
    Case(&'a str),
    /// The next steps for its state, filled in as typed when a move was
    /// refused. Converting registers a case: it is confirmed first.
    Moves {
        id: i64,
        /// 排查登记: mediation can start (on one of the tracks).
        start: bool,
        tracks: Vec<Opt>,
        /// 调解中: its result can be recorded.
        record: bool,
        results: Vec<Opt>,
        outcome: String,
        /// The button that converts it into a case, if it can be.
        convert: Option<&'static str>,
    },
}

#[derive(Template)]
#[template(path = "ledgers/dispute_cell.html")]
struct DisputeCell<'a> {
    csrf: &'a str,
    part: Part<'a>,
}

/// The ledger and the 排查登记 form.
#[derive(Template)]
#[template(path = "ledgers/disputes.html")]
struct DisputesPage<'a> {
    banner: Option<Banner>,
    /// The list component's HTML.
    list: String,
    csrf: &'a str,
    region_code: String,
    parties: String,
    summary: String,
    risks: Vec<Opt>,
}

/// Where a refused post came from: the 排查登记 form, or one dispute's row.
enum From {
    Register,
    Dispute(i64),
}

async fn render_list(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    q: &FormMap,
    failed: Option<(Failed<'_>, From)>,
) -> PageResult {
    let all = st
        .app
        .disputes_for(staff)
        .await
        .or_page(staff, "矛盾纠纷排查台账", "/work")?;
    let (status, banner, typed, from) = match failed {
        Some((f, from)) => (f.status, Some(f.banner), Some(f.typed), Some(from)),
        None => (axum::http::StatusCode::OK, notice(q), None, None),
    };
    let cell = |part: Part<'_>| render(&DisputeCell { csrf, part });
    let lq = ListQuery::from_query(q);
    let (state, risk, text) = (lq.get("status"), lq.get("risk"), lq.get("text").trim());
    let mut rows: Vec<&DisputeRow> = all
        .iter()
        .filter(|d| state.is_empty() || d.status == state)
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
                let mine =
                    Typed(typed.filter(|_| matches!(from, Some(From::Dispute(x)) if x == d.id)));
                vec![
                    Cell::text(d.id.to_string()).html(cell(Part::Anchor(d.id))),
                    Cell::text(st.app.unit_name(UnitId(d.unit_id))),
                    Cell::text(&d.parties),
                    Cell::text(&d.summary),
                    Cell::text(&d.found_on),
                    Cell::text(xinfang_app::warnings::level_label(d.risk_level)),
                    Cell::text(d.track.as_deref().map(|t| label(&TRACKS, t)).unwrap_or("—")),
                    match d.case_no.as_deref() {
                        Some(n) => status.html(cell(Part::Case(n))),
                        None => status,
                    },
                    Cell::text(&d.outcome),
                    Cell::default().html(cell(Part::Moves {
                        id: d.id,
                        start: d.status == "found",
                        record: d.status == "mediating",
                        convert: match d.status.as_str() {
                            "found" => Some("直接转为信访事项"),
                            "failed" => Some("转为信访事项"),
                            _ => None,
                        },
                        tracks: options(TRACKS, &mine.or("track", "people")),
                        results: options(
                            [("succeeded", "调解成功"), ("failed", "调解不成")],
                            &mine.get("status"),
                        ),
                        outcome: mine.get("outcome"),
                    })),
                ]
            })
            .collect(),
        export: Export::Here,
        empty: "没有符合条件的矛盾纠纷。",
        above: String::new(),
    };
    if ListQuery::wants_xlsx(q) {
        return Ok(view.xlsx(st, staff, "disputes.xlsx").await);
    }
    let reg = Typed(typed.filter(|_| matches!(from, Some(From::Register))));
    let body = render(&DisputesPage {
        banner,
        list: view.render(&lq),
        csrf,
        region_code: reg.get("region_code"),
        parties: reg.get("parties"),
        summary: reg.get("summary"),
        risks: options(
            [
                ("1", "三级（黄色，一般）"),
                ("2", "二级（橙色，较大）"),
                ("3", "一级（红色，重大）"),
            ],
            &reg.get("risk_level"),
        ),
    });
    Ok(staff_page_status(status, "矛盾纠纷排查台账", staff, &body))
}

/// `/work/disputes`: the ledger and the 排查登记 form.
pub async fn list(
    State(st): State<AppState>,
    Query(q): Query<FormMap>,
    StaffPage { staff, csrf }: StaffPage,
) -> PageResult {
    render_list(&st, &staff, &csrf, &q, None).await
}

/// After a refused post: the ledger again with the form as typed, else the
/// error page.
async fn failed_on(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    failed: Failed<'_>,
    from: From,
    title: &str,
) -> PageResult {
    Ok(if failed.is_input() {
        render_list(st, staff, csrf, &FormMap::new(), Some((failed, from))).await?
    } else {
        failed.page(staff, title, "/work/disputes")
    })
}

/// 排查登记 at the staff member's unit.
pub async fn register(
    State(st): State<AppState>,
    StaffForm {
        staff,
        csrf,
        form: f,
    }: StaffForm<DisputeForm>,
) -> PageResult {
    let risk = f.risk_level.trim().parse::<i64>().unwrap_or(1);
    Ok(
        match st
            .app
            .register_dispute(
                &staff,
                f.region_code.trim(),
                f.parties.trim(),
                f.summary.trim(),
                risk,
            )
            .await
        {
            Ok(d) => done(&format!("/work/disputes#d{}", d.id)),
            Err(e) => {
                let failed = Failed::new(e, &f);
                failed_on(&st, &staff, &csrf, failed, From::Register, "排查登记").await?
            }
        },
    )
}

/// Start mediation, record its outcome, or convert into a case.
pub async fn move_dispute(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    StaffForm {
        staff,
        csrf,
        form: f,
    }: StaffForm<MoveDisputeForm>,
) -> PageResult {
    fn opt(v: &str) -> Option<&str> {
        Some(v.trim()).filter(|s| !s.is_empty())
    }
    Ok(
        match st
            .app
            .move_dispute(&staff, id, f.status.trim(), opt(&f.track), opt(&f.outcome))
            .await
        {
            Ok(d) => done(&format!("/work/disputes#d{}", d.id)),
            Err(e) => {
                let failed = Failed::new(e, &f);
                failed_on(&st, &staff, &csrf, failed, From::Dispute(id), "矛盾纠纷").await?
            }
        },
    )
}

page_form! {
    /// A dispute registered at the staff member's unit (排查登记).
    pub struct DisputeForm {
        region_code,
        parties,
        summary,
        risk_level,
    }
}

page_form! {
    /// A dispute moved on: mediation started, its outcome, or a case made of it.
    pub struct MoveDisputeForm {
        status,
        track,
        outcome,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moves(start: bool, record: bool, convert: Option<&'static str>) -> String {
        render(&DisputeCell {
            csrf: "t",
            part: Part::Moves {
                id: 7,
                start,
                tracks: options(TRACKS, "people"),
                record,
                results: vec![],
                outcome: "谈<妥>".into(),
                convert,
            },
        })
    }

    #[test]
    fn converting_a_dispute_is_confirmed_and_a_refused_outcome_comes_back() {
        let found = moves(true, false, Some("直接转为信访事项"));
        assert!(found.contains("开始调解") && found.contains("data-confirm=\"确定转为信访事项吗"));
        assert!(!found.contains("name=\"outcome\""));
        let mediating = moves(false, true, None);
        assert!(!mediating.contains("data-confirm"));
        assert!(mediating.contains("name=\"outcome\" required value=\"谈&lt;妥&gt;\""));
        let anchor = render(&DisputeCell {
            csrf: "t",
            part: Part::Anchor(7),
        });
        assert_eq!(anchor, "<span id=\"d7\"></span>");
    }
}
