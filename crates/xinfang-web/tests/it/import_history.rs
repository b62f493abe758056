//! The import applies each row's 办理状态: the historical steps (转送, 签收,
//! 受理, 答复, 送达, 评价) become real events with their dates, decided by the
//! domain, so an imported case shows its state, clocks and facts, and counts
//! in the statistics; bad rows are rejected with the reason and a file with
//! any bad row writes nothing. Runs on SQLite and PostgreSQL.

use crate::common;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

const N: usize = 22;
const BUREAU: &str = "杭州市上城区信访局";
const ZHUJIAN: &str = "杭州市上城区住房和城乡建设局";

fn workbook(rows: &[[&str; N]]) -> Vec<u8> {
    let cols = xinfang_app::import::row::COLUMNS;
    // The history columns come first; 被反映单位/被反映人 follow (left empty here).
    assert!(cols.len() >= N);
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, (h, _)) in cols.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

/// A row: (date, channel, kind, name, request, 办理状态, 办理单位, 转送, 受理, 办结, 处理意见, 依据, 送达, 评价).
#[allow(clippy::type_complexity)]
fn row<'a>(
    (date, channel, kind, name, request): (&'a str, &'a str, &'a str, &'a str, &'a str),
    (status, handler, fwd, acc, rep, outcome, basis, del, eval): (
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
    ),
) -> [&'a str; N] {
    [
        date, channel, kind, name, "", "", "", "330102", BUREAU, "", request, "", "", status,
        handler, fwd, acc, rep, outcome, basis, del, eval,
    ]
}

async fn upload(app: &TestApp, token: &str, dry_run: bool, bytes: Vec<u8>) -> (StatusCode, Value) {
    let req = Request::builder()
        .method("POST")
        .uri(format!("/api/v1/import/cases?dry_run={dry_run}"))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/octet-stream")
        .body(Body::from(bytes))
        .unwrap();
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let s = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (s, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn case_count(app: &TestApp) -> i64 {
    app.app
        .store
        .count_cases(&xinfang_store::CaseFilter::default())
        .await
        .unwrap()
}

fn clock<'a>(c: &'a Value, kind: &str) -> &'a Value {
    c["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} clock in {}", c["clocks"]))
}

dual_test!(
    import_applies_each_handling_state,
    |app: TestApp| async move {
        let claim = "申诉求决类";
        let good = vec![
            row(
                ("2025-06-03", "来信", claim, "赵一", "要求支付拖欠工资"),
                ("已转送", ZHUJIAN, "2025-06-05", "", "", "", "", "", ""),
            ),
            row(
                (
                    "2025-06-04",
                    "网上信访",
                    claim,
                    "钱二",
                    "要求交付回迁安置房",
                ),
                (
                    "办理中",
                    ZHUJIAN,
                    "2025-06-05",
                    "2025-06-10",
                    "",
                    "",
                    "",
                    "",
                    "",
                ),
            ),
            row(
                ("2025-06-05", "来电", claim, "孙三", "要求维修小区电梯"),
                (
                    "已办结",
                    ZHUJIAN,
                    "2025-06-06",
                    "2025-06-12",
                    "2025-07-20",
                    "支持",
                    "《杭州市物业管理条例》",
                    "",
                    "",
                ),
            ),
            row(
                (
                    "2025-06-06",
                    "来信",
                    "建议意见类",
                    "李四",
                    "建议增设公交站点",
                ),
                (
                    "已送达",
                    "",
                    "",
                    "2025-06-07",
                    "2025-06-20",
                    "采纳",
                    "",
                    "2025-06-22",
                    "满意",
                ),
            ),
            row(
                ("2025-06-07", "来访", claim, "周五", "要求解决噪音扰民"),
                ("", "", "", "", "", "", "", "", ""),
            ),
        ];
        let admin = app.token("admin").await;
        let before = case_count(&app).await;
        let (s, r) = upload(&app, &admin, true, workbook(&good)).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(
            (
                r["accepted"].as_i64(),
                r["rejected"].as_array().map(Vec::len)
            ),
            (Some(5), Some(0)),
            "{r}"
        );
        assert_eq!(case_count(&app).await, before, "a dry run writes nothing");
        let (s, r) = upload(&app, &admin, false, workbook(&good)).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        let nos: Vec<String> = r["case_nos"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        assert_eq!(nos.len(), 5, "{r}");
        let city = app.token("hangzhou_zf").await;
        let mut cases = vec![];
        for no in &nos {
            let (s, c) = app.get(&format!("/api/v1/cases/{no}"), Some(&city)).await;
            assert_eq!(s, StatusCode::OK, "{c}");
            cases.push(c);
        }
        let status: Vec<&str> = cases
            .iter()
            .map(|c| c["case"]["status"].as_str().unwrap())
            .collect();
        assert_eq!(
            status,
            [
                "pending_receipt",
                "handling",
                "replied",
                "delivered",
                "registered"
            ]
        );
        let zhujian = app.unit(ZHUJIAN);
        assert_eq!(cases[1]["case"]["current_unit"], zhujian);
        // Clocks run from the historical dates: forwarded in time; the handling
        // limit (第三十四条) from 受理 on 2025-06-10, never answered, is overdue now.
        let fwd = clock(&cases[0], "forward");
        assert_eq!(fwd["met_on"], "2025-06-05", "{fwd}");
        let h = clock(&cases[1], "handling");
        assert_eq!(
            (h["start"].as_str(), h["grade"].as_str()),
            (Some("2025-06-10"), Some("overdue")),
            "{h}"
        );
        let h = clock(&cases[2], "handling");
        assert_eq!(h["met_on"], "2025-07-20", "{h}");
        // Events with their dates, by the import clerk, in the timeline.
        let steps: Vec<&str> = cases[3]["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["kind"].as_str().unwrap())
            .collect();
        assert_eq!(
            steps,
            [
                "registered",
                "notified",
                "replied",
                "delivered",
                "evaluated"
            ],
            "{}",
            cases[3]["timeline"]
        );
        assert!(cases[3]["timeline"][4]["at"]
            .as_str()
            .unwrap()
            .starts_with("2025-06-22"));
        assert_eq!(
            cases[3]["case"]["stages"][0]["evaluation"]["satisfaction"],
            "satisfied"
        );
        // Facts and statistics: one delivered in June, evaluated, satisfied.
        let (_, o) = app
            .get(
                "/api/v1/stats/overview?from=2025-06-01&to=2025-06-30",
                Some(&city),
            )
            .await;
        let c = &o["counts"];
        assert_eq!(
            (
                c["delivered"].as_i64(),
                c["evaluated"].as_i64(),
                c["satisfied_or_basically"].as_i64()
            ),
            (Some(1), Some(1), Some(1)),
            "{o}"
        );
        assert_eq!(o["submissions"], 5, "{o}");
        assert!(app.app.store.verify_chain().await.unwrap().is_ok());

        // Bad rows: each rejected with its reason; the real run writes nothing.
        let bad = vec![
            good[4],
            row(
                ("2025-06-08", "来信", claim, "吴六", "要求退还押金"),
                ("已归档", "", "", "", "", "", "", "", ""),
            ),
            row(
                ("2025-06-08", "来信", claim, "郑七", "要求退还押金"),
                ("已办结", "", "", "2025-06-09", "", "", "", "", ""),
            ),
            row(
                ("2025-06-08", "来信", claim, "王八", "要求退还押金"),
                ("办理中", "", "", "2025-05-01", "", "", "", "", ""),
            ),
            row(
                (
                    "2025-06-08",
                    "来信",
                    "检举控告类",
                    "冯九",
                    "检举某局干部收受贿赂",
                ),
                ("已转送", ZHUJIAN, "2025-06-09", "", "", "", "", "", ""),
            ),
            row(
                ("2025-06-08", "来信", claim, "陈十", "要求退还押金"),
                ("已终结", "", "", "", "", "", "", "", ""),
            ),
        ];
        let after_good = case_count(&app).await;
        let (s, r) = upload(&app, &admin, true, workbook(&bad)).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        let rejected = r["rejected"].as_array().unwrap();
        let rows: Vec<i64> = rejected
            .iter()
            .map(|x| x["row"].as_i64().unwrap())
            .collect();
        assert_eq!(rows, [3, 4, 5, 6, 7], "{r}");
        let reasons: Vec<String> = rejected.iter().map(|x| x["reasons"].to_string()).collect();
        for (i, want) in ["已归档", "办结日期", "早于信访日期", "纪检监察", "复核"]
            .iter()
            .enumerate()
        {
            assert!(
                reasons[i].contains(want),
                "row {}: {want} not in {}",
                rows[i],
                reasons[i]
            );
        }
        let (s, r) = upload(&app, &admin, false, workbook(&bad)).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(r["case_nos"].as_array().unwrap().len(), 0, "{r}");
        assert_eq!(case_count(&app).await, after_good, "nothing written");
        assert_eq!(app.app.store.imported_count().await.unwrap(), 5);
        assert!(app.app.store.verify_chain().await.unwrap().is_ok());
    }
);
