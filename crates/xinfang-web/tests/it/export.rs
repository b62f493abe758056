//! Excel export (issue #6 §8): the case list and the overview open as real
//! workbooks (read back with calamine), Chinese headers, scoped rows.

use crate::common;
use axum::http::StatusCode;
use calamine::{Data, Reader, Xlsx};
use common::*;
use std::io::Cursor;

fn sheet(bytes: Vec<u8>) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("a valid xlsx");
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).expect("sheet");
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Float(f) => f.to_string(),
                    Data::Int(i) => i.to_string(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

dual_test!(cases_and_overview_to_excel, |app: TestApp| async move {
    for (name, id, req) in [
        ("甲", "33010219600101011", "要求交付商品房"),
        ("乙", "33010219600101012", "要求支付拖欠工资"),
    ] {
        let (s, _) = app
            .post("/api/v1/petitions", None, online_petition(name, id, req))
            .await;
        assert_eq!(s, StatusCode::CREATED);
    }
    let tk = app.token("shangcheng_xfj").await;
    let (s, ct, bytes) = app.get_raw("/api/v1/export/cases.xlsx", Some(&tk)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(ct.contains("spreadsheetml"), "{ct}");
    let rows = sheet(bytes);
    assert_eq!(rows[0][0], "信访编号");
    assert_eq!(rows[0][7], "状态");
    assert_eq!(rows.len(), 3, "header + 2 cases: {rows:?}");
    assert!(rows.iter().any(|r| r[6].contains("拖欠工资")));
    assert_eq!(rows[1][2], "网上信访");
    assert_eq!(rows[1][7], "已登记");
    // Another district gets the header only.
    let other = app.token("xihu_xfj").await;
    let (_, _, bytes) = app.get_raw("/api/v1/export/cases.xlsx", Some(&other)).await;
    assert_eq!(sheet(bytes).len(), 1);
    // The overview.
    let gov = app.token("shangcheng_zf").await;
    let (s, _, bytes) = app
        .get_raw(
            "/api/v1/export/stats/overview.xlsx?from=2026-03-01&to=2026-03-31",
            Some(&gov),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let rows = sheet(bytes);
    assert_eq!(rows[1], vec!["信访件次".to_string(), "2".to_string()]);
    assert!(
        rows.iter()
            .any(|r| r[0] == "满意率" && r[1].contains("无分母")),
        "{rows:?}"
    );
    let (s, _, _) = app.get_raw("/api/v1/export/cases.xlsx", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
});
