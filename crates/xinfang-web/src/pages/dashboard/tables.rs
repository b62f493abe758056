//! The dashboard's tables for Excel (`/work/stats/tables.xlsx`): the
//! breakdowns, the unit ranking and the hot issues of the period — the
//! figures the page shows, with names for every group.

use crate::AppState;
use chrono::NaiveDate;
use serde_json::json;
use xinfang_app::analytics::DIMENSIONS;
use xinfang_app::export::tables::Table;
use xinfang_app::AppError;
use xinfang_domain::Staff;

/// Breakdowns, rankings and hot issues as tables.
pub async fn stats_tables(
    st: &AppState,
    staff: &Staff,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Table>, AppError> {
    let mut tables = vec![];
    for (dim, rows) in st.app.breakdowns(staff, from, to).await? {
        let title = DIMENSIONS
            .iter()
            .find(|(d, _)| *d == dim)
            .map(|(_, t)| *t)
            .unwrap_or(dim);
        tables.push(Table {
            name: format!("件次{title}"),
            columns: ["分组", "件次", "来访批次", "来访人次", "信访事项"]
                .map(String::from)
                .to_vec(),
            rows: rows
                .iter()
                .map(|r| {
                    vec![
                        json!(st.app.dimension_label(dim, &r.key)),
                        json!(r.submissions),
                        json!(r.batches),
                        json!(r.persons),
                        json!(r.cases),
                    ]
                })
                .collect(),
            rate_columns: vec![],
        });
    }
    let r = st.app.unit_rankings(staff, from, to).await?;
    tables.push(Table {
        name: "单位考核排名".into(),
        columns: [
            "单位",
            "及时受理率",
            "按期办结率",
            "满意率",
            "一次性化解率",
            "得分",
            "名次",
        ]
        .map(String::from)
        .to_vec(),
        rows: r
            .units
            .iter()
            .map(|u| {
                vec![
                    json!(u.unit),
                    json!(u.timely_acceptance_rate),
                    json!(u.on_time_completion_rate),
                    json!(u.satisfaction_rate),
                    json!(u.first_time_resolution_rate),
                    json!(u.score),
                    json!(u.rank),
                ]
            })
            .collect(),
        rate_columns: vec![1, 2, 3, 4],
    });
    let hot = st.app.hot_issues(staff, to).await?;
    for (items, name) in [
        (&hot.categories, "热点内容分类"),
        (&hot.terms, "热点诉求词语"),
    ] {
        tables.push(Table {
            name: name.into(),
            columns: ["热点", "本周", "上周", "增加"].map(String::from).to_vec(),
            rows: items
                .iter()
                .map(|h| {
                    vec![
                        json!(h.label_or_key()),
                        json!(h.this_week),
                        json!(h.last_week),
                        json!(h.rise),
                    ]
                })
                .collect(),
            rate_columns: vec![],
        });
    }
    Ok(tables)
}
