//! Campaign pages (专项攻坚, 积案化解, 三张清单: 控制增量/消减存量/防范变量):
//! create a campaign or list, add cases by number or by a case-list query
//! (status, handling unit, registered dates, overdue), and move each item
//! 化解 / 稳控 / 销号 with evidence — 动态销号 counted per campaign, with its
//! progress over its period (起始日期 … 截止日期): time passed, counts per
//! state, items struck off in the period, and overdue items. The pages are
//! askama templates (`templates/ledgers/campaigns.html`, `campaign.html`);
//! a refused form comes back as it was typed, and 销号, which cannot be
//! taken back, is confirmed first.

use crate::pages::extract::{StaffForm, StaffPage};
use crate::pages::ledgers::kit::*;
use crate::pages::list_view::{sort_in_memory, Cell, Column, Export, Filter, ListQuery, ListView};
use crate::pages::page_error::{OrPage, PageResult};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use xinfang_app::AppError;
use xinfang_domain::campaign::{check_item_move, item_overdue, label, ITEM_STATES, LIST_KINDS};
use xinfang_domain::clock::Grade;
use xinfang_domain::{Role, Staff, UnitId};
use xinfang_store::{CampaignRow, CaseFilter};

const CASE_STATUSES: [(&str, &str); 6] = [
    ("registered,received", "待转送/待告知"),
    ("pending_receipt", "待签收"),
    ("handling,under_review", "办理中"),
    ("replied", "待送达"),
    ("delivered", "已送达"),
    ("final", "已终结"),
];

/// Counts per item state, in ITEM_STATES order.
fn counts(c: &CampaignRow) -> [usize; 4] {
    let mut n = [0; 4];
    for i in &c.items {
        if let Some(k) = ITEM_STATES.iter().position(|(s, _)| *s == i.status) {
            n[k] += 1;
        }
    }
    n
}

/// The progress of a campaign over its period, as the page shows it.
struct ProgressView {
    days_elapsed: i64,
    days_total: i64,
    /// 已化解 including 已销号, and its share of the items.
    resolved: usize,
    share: String,
    stabilized: usize,
    struck: usize,
    struck_in_period: usize,
    pending: usize,
    overdue: usize,
}

fn progress_view(c: &CampaignRow) -> Option<ProgressView> {
    let p = c.progress.as_ref()?;
    let share = |n: usize| {
        if c.items.is_empty() {
            "—".to_string()
        } else {
            format!("{:.1}%", n as f64 * 100.0 / c.items.len() as f64)
        }
    };
    Some(ProgressView {
        days_elapsed: p.days_elapsed,
        days_total: p.days_total,
        resolved: p.resolved + p.struck,
        share: share(p.resolved + p.struck),
        stabilized: p.stabilized,
        struck: p.struck,
        struck_in_period: p.struck_in_period,
        pending: p.pending,
        overdue: p.overdue,
    })
}

/// The list and, for leaders and supervisors, the 新建 form.
#[derive(Template)]
#[template(path = "ledgers/campaigns.html")]
struct CampaignsPage<'a> {
    banner: Option<Banner>,
    /// The list component's HTML.
    list: String,
    can_create: bool,
    csrf: &'a str,
    name: String,
    kinds: Vec<Opt>,
    starts_on: String,
    deadline: String,
}

async fn render_list(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    q: &FormMap,
    failed: Option<Failed<'_>>,
) -> PageResult {
    let all = st
        .app
        .campaigns_for(staff)
        .await
        .or_page(staff, "专项攻坚", "/work")?;
    let lq = ListQuery::from_query(q);
    let (kind, text) = (lq.get("list_kind"), lq.get("text").trim());
    let mut rows: Vec<&CampaignRow> = all
        .iter()
        .filter(|c| kind.is_empty() || c.list_kind == kind)
        .filter(|c| text.is_empty() || c.name.contains(text))
        .collect();
    sort_in_memory(&mut rows, &lq, |c, key| match key {
        "deadline" => c.deadline.clone(),
        "overdue" => format!("{:08}", c.progress.as_ref().map(|p| p.overdue).unwrap_or(0)),
        _ => c.starts_on.clone(),
    });
    let view = ListView {
        title: "专项攻坚与三张清单".into(),
        unit_word: "项",
        base: "/work/campaigns",
        total: rows.len() as i64,
        filters: vec![
            Filter::text(&lq, "text", "名称", ""),
            Filter::select(&lq, "list_kind", "类别", LIST_KINDS),
        ],
        columns: vec![
            Column::plain("名称"),
            Column::plain("类别"),
            Column::plain("责任单位"),
            Column::sortable("期间", "deadline"),
            Column::plain("事项"),
            Column::plain("待化解"),
            Column::plain("已化解"),
            Column::plain("稳控"),
            Column::plain("已销号"),
            Column::sortable("逾期", "overdue"),
        ],
        rows: rows
            .iter()
            .map(|c| {
                let n = counts(c);
                let overdue = c.progress.as_ref().map(|p| p.overdue).unwrap_or(0);
                vec![
                    Cell::link(&c.name, format!("/work/campaigns/{}", c.id)),
                    Cell::text(label(&LIST_KINDS, &c.list_kind)),
                    Cell::text(st.app.unit_name(UnitId(c.owner_unit))),
                    Cell::text(format!("{} 至 {}", c.starts_on, c.deadline)),
                    Cell::text(c.items.len().to_string()),
                    Cell::text(n[0].to_string()),
                    Cell::text(n[1].to_string()),
                    Cell::text(n[2].to_string()),
                    Cell::text(n[3].to_string()),
                    if overdue > 0 {
                        Cell::text(overdue.to_string()).class("overdue")
                    } else {
                        Cell::text("0")
                    },
                ]
            })
            .collect(),
        export: Export::Here,
        empty: "暂无专项或清单。",
        above: String::new(),
    };
    if ListQuery::wants_xlsx(q) {
        return Ok(view.xlsx(st, staff, "campaigns.xlsx").await);
    }
    let (status, banner, typed) = match failed {
        Some(f) => (f.status, Some(f.banner), Typed(Some(f.typed))),
        None => (axum::http::StatusCode::OK, notice(q), Typed(None)),
    };
    let body = render(&CampaignsPage {
        banner,
        list: view.render(&lq),
        can_create: staff.has_any(&[Role::Leader, Role::Supervisor]),
        csrf,
        name: typed.get("name"),
        kinds: options(LIST_KINDS, &typed.or("list_kind", "backlog")),
        starts_on: typed.get("starts_on"),
        deadline: typed.get("deadline"),
    });
    Ok(staff_page_status(status, "专项攻坚", staff, &body))
}

/// `/work/campaigns`: the area's campaigns and lists, and the create form.
pub async fn list(
    State(st): State<AppState>,
    Query(q): Query<FormMap>,
    StaffPage { staff, csrf }: StaffPage,
) -> PageResult {
    render_list(&st, &staff, &csrf, &q, None).await
}

/// Create a campaign.
pub async fn create(
    State(st): State<AppState>,
    StaffForm {
        staff,
        csrf,
        form: f,
    }: StaffForm<CampaignForm>,
) -> PageResult {
    let starts_on = match f.starts_on.trim() {
        "" => Ok(None),
        v => v
            .parse()
            .map(Some)
            .map_err(|_| AppError::field("starts_on", "起始日期格式应为 YYYY-MM-DD")),
    };
    let deadline = f
        .deadline
        .trim()
        .parse()
        .map_err(|_| AppError::field("deadline", "请填写期限（YYYY-MM-DD）"));
    let r = match (starts_on, deadline) {
        (Ok(starts_on), Ok(deadline)) => {
            st.app
                .create_campaign(
                    &staff,
                    f.name.trim(),
                    f.list_kind.trim(),
                    starts_on,
                    deadline,
                )
                .await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    Ok(match r {
        Ok(c) => done(&format!("/work/campaigns/{}", c.id)),
        Err(e) => {
            let failed = Failed::new(e, &f);
            if failed.is_input() {
                render_list(&st, &staff, &csrf, &FormMap::new(), Some(failed)).await?
            } else {
                failed.page(&staff, "专项攻坚", "/work/campaigns")
            }
        }
    })
}

/// One item of a campaign as its row shows it.
struct ItemView<'a> {
    i: &'a xinfang_store::CampaignItemRow,
    unit: String,
    state: &'static str,
    overdue: bool,
    /// The moves offered besides 销号 (none once struck off).
    moves: Vec<Opt>,
    /// 已化解: it may be struck off (销号, confirmed).
    can_strike: bool,
    /// What was typed into this row's forms when a move failed:
    /// (evidence for a move, evidence for 销号).
    evidence: (String, String),
}

/// The campaign: its items with their moves, and the 加入事项 form.
#[derive(Template)]
#[template(path = "ledgers/campaign.html")]
struct CampaignPage<'a> {
    banner: Option<Banner>,
    csrf: &'a str,
    c: &'a CampaignRow,
    kind: &'static str,
    owner: String,
    counts: [usize; 4],
    progress: Option<ProgressView>,
    items: Vec<ItemView<'a>>,
    can_add: bool,
    /// The 加入事项 form as typed.
    case_nos: String,
    by_query: bool,
    statuses: Vec<Opt>,
    units: Vec<Opt>,
    from: String,
    to: String,
    overdue_only: bool,
}

/// Evidence long enough for the domain's check: to ask it only which moves
/// it allows.
const ANY_EVIDENCE: &str = "依据已写明";

/// The moves an item in `status` may make besides 销号, as the domain allows them.
fn moves_from(status: &str) -> Vec<(&'static str, &'static str)> {
    ITEM_STATES
        .iter()
        .copied()
        .filter(|(to, _)| *to != "struck" && check_item_move(status, to, ANY_EVIDENCE).is_ok())
        .collect()
}

/// 销号 is allowed (from 已化解 only).
fn can_strike(status: &str) -> bool {
    check_item_move(status, "struck", ANY_EVIDENCE).is_ok()
}

/// Where a failed post came from on the campaign page: the 加入事项 form, or
/// the forms of one item.
enum From {
    Add,
    Item(i64),
}

async fn render_detail(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    id: i64,
    q: &FormMap,
    failed: Option<(Failed<'_>, From)>,
) -> PageResult {
    let c = st
        .app
        .campaign_for(staff, id)
        .await
        .or_page(staff, "专项攻坚", "/work/campaigns")?;
    let (status, banner, typed, from) = match failed {
        Some((f, from)) => (f.status, Some(f.banner), Some(f.typed), Some(from)),
        None => (axum::http::StatusCode::OK, notice(q), None, None),
    };
    let add = Typed(typed.filter(|_| matches!(from, Some(From::Add))));
    let today = st.app.now().date();
    let items = c
        .items
        .iter()
        .map(|i| {
            let overdue = c
                .deadline
                .parse::<chrono::NaiveDate>()
                .map(|end| {
                    item_overdue(
                        &i.status,
                        i.case_grade.as_deref() == Some(Grade::Overdue.key()),
                        end,
                        today,
                    )
                })
                .unwrap_or(false);
            let mine = Typed(typed.filter(|_| matches!(from, Some(From::Item(x)) if x == i.id)));
            let struck = mine.get("status") == "struck";
            ItemView {
                i,
                unit: st.app.unit_name(UnitId(i.current_unit)),
                state: label(&ITEM_STATES, &i.status),
                overdue,
                moves: options(moves_from(&i.status), &mine.get("status")),
                can_strike: can_strike(&i.status),
                evidence: if struck {
                    (String::new(), mine.get("evidence"))
                } else {
                    (mine.get("evidence"), String::new())
                },
            }
        })
        .collect();
    let body = render(&CampaignPage {
        banner,
        csrf,
        kind: label(&LIST_KINDS, &c.list_kind),
        owner: st.app.unit_name(UnitId(c.owner_unit)),
        counts: counts(&c),
        progress: progress_view(&c),
        items,
        can_add: staff.has_any(&[Role::Leader, Role::Supervisor]),
        case_nos: add.get("case_nos"),
        by_query: add.get("by_query") == "1",
        statuses: options(CASE_STATUSES, &add.get("status")),
        units: area_unit_options(st, staff, &add.get("unit")),
        from: add.get("from"),
        to: add.get("to"),
        overdue_only: add.get("overdue") == "1",
        c: &c,
    });
    Ok(staff_page_status(status, &c.name, staff, &body))
}

/// `/work/campaigns/{id}`: items with their transitions, and the add forms.
pub async fn detail(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<FormMap>,
    StaffPage { staff, csrf }: StaffPage,
) -> PageResult {
    render_detail(&st, &staff, &csrf, id, &q, None).await
}

/// After a failed post to a campaign: its page with the error and the form
/// as typed when the input was refused, else the error page.
async fn failed_on(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    id: i64,
    failed: Failed<'_>,
    from: From,
    title: &str,
) -> PageResult {
    Ok(if failed.is_input() {
        render_detail(st, staff, csrf, id, &FormMap::new(), Some((failed, from))).await?
    } else {
        failed.page(staff, title, &format!("/work/campaigns/{id}"))
    })
}

/// The 加入事项 form's query, or why it cannot be run.
fn add_filter(f: &AddItemsForm) -> Result<Option<CaseFilter>, AppError> {
    if f.by_query.trim() != "1" {
        return Ok(None);
    }
    let unit = match f.unit.trim() {
        "" => None,
        u => Some(
            u.parse::<i64>()
                .map_err(|_| AppError::BadRequest("办理单位无效".into()))?,
        ),
    };
    for (k, v) in [("from", f.from.trim()), ("to", f.to.trim())] {
        if !v.is_empty() && v.parse::<chrono::NaiveDate>().is_err() {
            return Err(AppError::field(k, "日期格式应为 YYYY-MM-DD"));
        }
    }
    let opt = |v: &str| Some(v.trim().to_string()).filter(|s| !s.is_empty());
    Ok(Some(CaseFilter {
        statuses: f
            .status
            .trim()
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        current_unit: unit,
        grade: (f.overdue.trim() == "1").then(|| Grade::Overdue.key().to_string()),
        registered_from: opt(&f.from),
        registered_to: opt(&f.to),
        limit: 5_000,
        ..Default::default()
    }))
}

/// Add cases by number and/or by query.
pub async fn add_items(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    StaffForm {
        staff,
        csrf,
        form: f,
    }: StaffForm<AddItemsForm>,
) -> PageResult {
    let nos: Vec<String> = f
        .case_nos
        .trim()
        .split(|c: char| c == ',' || c == '，' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let r = match add_filter(&f) {
        Ok(None) if nos.is_empty() => Err(AppError::field(
            "case_nos",
            "请填写信访编号或勾选按条件加入",
        )),
        Ok(filter) => st.app.add_to_campaign(&staff, id, &nos, filter).await,
        Err(e) => Err(e),
    };
    Ok(match r {
        Ok(_) => done(&format!("/work/campaigns/{id}")),
        Err(e) => {
            let failed = Failed::new(e, &f);
            failed_on(&st, &staff, &csrf, id, failed, From::Add, "加入事项").await?
        }
    })
}

/// 化解 / 稳控 / 销号 of one item.
pub async fn move_item(
    State(st): State<AppState>,
    Path(item): Path<i64>,
    StaffForm {
        staff,
        csrf,
        form: f,
    }: StaffForm<MoveItemForm>,
) -> PageResult {
    let campaign = f.campaign.trim().parse::<i64>().ok();
    Ok(
        match st
            .app
            .move_item(&staff, item, f.status.trim(), f.evidence.trim())
            .await
        {
            Ok(c) => done(&format!("/work/campaigns/{}", c.id)),
            Err(e) => match campaign {
                Some(id) => {
                    let failed = Failed::new(e, &f);
                    failed_on(&st, &staff, &csrf, id, failed, From::Item(item), "专项攻坚").await?
                }
                None => err_page(&staff, "专项攻坚", e, "/work/campaigns"),
            },
        },
    )
}

page_form! {
    /// A new 专项攻坚 campaign.
    pub struct CampaignForm {
        name,
        list_kind,
        starts_on,
        deadline,
    }
}

page_form! {
    /// An item of a campaign moved on (or struck), with the grounds.
    pub struct MoveItemForm {
        campaign,
        status,
        evidence,
    }
}

page_form! {
    /// Cases added to a campaign: by number, or by a query over the area's cases.
    pub struct AddItemsForm {
        case_nos,
        by_query,
        status,
        unit,
        from,
        to,
        overdue,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_offers_the_moves_the_domain_allows_and_strikes_only_when_resolved() {
        assert_eq!(
            moves_from("pending"),
            vec![("resolved", "已化解"), ("stabilized", "稳控")]
        );
        assert_eq!(moves_from("resolved"), vec![("pending", "待化解")]);
        assert!(moves_from("struck").is_empty());
        assert!(can_strike("resolved"));
        assert!(!can_strike("stabilized") && !can_strike("pending") && !can_strike("struck"));
    }
}
