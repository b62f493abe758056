//! Repeat review: a submission linked at intake as another 件次 can be
//! confirmed, or split off into a new case with its own number and clocks
//! (linked back, nothing deleted, chain intact) — on the page
//! `/work/cases/{case_no}/repeats` and via `POST …/actions`. Runs on SQLite
//! and PostgreSQL.

use crate::common;
use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};

fn letter(request: &str, facts: &str) -> Value {
    json!({
        "channel": "letter",
        "kind": "claim",
        "petitioners": [{ "name": "王重复", "id_number": id_with_check("33010219700101234"), "phone": "13912345678", "address": "杭州市上城区" }],
        "request": request,
        "facts": facts,
        "reasons": "请依法处理。",
        "region_code": "330102"
    })
}

dual_test!(confirm_or_split_a_repeat, |app: TestApp| async move {
    let xfj = app.token("shangcheng_xfj").await;
    let (s, first) = app
        .post("/api/v1/cases", Some(&xfj), letter("要求开发商按合同约定时间交付东湖小区商品房", "本人于2019年购买东湖小区住宅一套，合同约定交房日期已过18个月，开发商以资金困难为由拒不交房，多次协商无果。"))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    let case_no = first["case_no"].as_str().unwrap().to_string();
    app.set_time("2026-03-03 10:00");
    // Re-worded: the same matter.
    let (_, second) = app
        .post("/api/v1/cases", Some(&xfj), letter("再次要求开发商按合同约定时间交付东湖小区商品房", "本人于2019年购买东湖小区住宅一套，合同约定交房日期已过18个月。上次信访后问题仍未解决。"))
        .await;
    assert_eq!(
        second["repeat_of"].as_str(),
        Some(case_no.as_str()),
        "{second}"
    );
    let sim = second["similarity"].as_f64().unwrap();
    assert!(sim > 0.25 && sim < 1.0, "{sim}");
    app.set_time("2026-03-05 10:00");
    let (_, third) = app
        .post("/api/v1/cases", Some(&xfj), letter("要求开发商按合同约定时间交付东湖小区商品房和车位", "本人于2019年购买东湖小区住宅一套，合同约定交房日期已过18个月，开发商拒不交房，车位也未交付。"))
        .await;
    assert_eq!(
        third["repeat_of"].as_str(),
        Some(case_no.as_str()),
        "{third}"
    );
    assert_eq!(app.app.store.count("cases").await.unwrap(), 1);

    let actions = format!("/api/v1/cases/{case_no}/actions");
    // Someone outside the area does not even see the case.
    let outsider = app.token("xihu_xfj").await;
    let (s, _) = app
        .post(
            &actions,
            Some(&outsider),
            json!({"action": "confirm_repeat", "submission": 1}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The first 件次 is the case itself, not a repeat.
    let (s, v) = app
        .post(
            &actions,
            Some(&xfj),
            json!({"action": "split_repeat", "submission": 0}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = app
        .post(
            &actions,
            Some(&xfj),
            json!({"action": "confirm_repeat", "submission": 1}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = app
        .post(
            &actions,
            Some(&xfj),
            json!({"action": "confirm_repeat", "submission": 1}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "confirmed twice: {v}");

    // The side-by-side page, then a split through it.
    let cookie = login(&app, "shangcheng_xfj").await;
    let path = format!("/work/cases/{case_no}/repeats");
    let (s, html) = page(&app, &path, &cookie).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("相似度")
            && html.contains("车位也未交付")
            && html.contains("以资金困难为由拒不交房"),
        "{html}"
    );
    assert!(html.contains("已确认为同一事项"));
    let csrf = csrf_of(&html);
    let r = form(
        &app,
        &path,
        Some(&cookie),
        "csrf=bad&action=split_repeat&submission=2",
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.app.store.count("cases").await.unwrap(),
        1,
        "nothing changed on a bad CSRF token"
    );
    let r = form(
        &app,
        &path,
        Some(&cookie),
        &format!("csrf={csrf}&action=split_repeat&submission=2"),
    )
    .await;
    let split_page = r.text();
    // The result page shows the new number and its query code once, with a
    // printable 告知 for the petitioner; nothing is put in a redirect URL.
    assert_eq!(r.status, StatusCode::OK, "{split_page}");
    assert!(r.header("location").is_none());
    let new_no = between(&split_page, "<a href=\"/work/cases/", "\"").to_string();
    assert!(
        new_no.starts_with("XF2026330102") && new_no != case_no,
        "{split_page}"
    );
    let code = between(&split_page, "id=\"query-code\">", "<").to_string();
    assert!(code.len() >= 8, "{split_page}");
    assert!(
        split_page.contains("信访事项另行登记告知书")
            && split_page.contains("王重复：")
            && split_page.contains(&format!(
                "信访编号为 <b>{new_no}</b>，查询码为 <b>{code}</b>"
            ))
            && split_page.contains("id=\"print-doc\"")
            && split_page.contains("/assets/documents.js"),
        "{split_page}"
    );
    // The petitioner can follow the new case with that code; a wrong one fails.
    let (s, tracked) = app.track(&new_no, &code).await;
    assert_eq!(s, StatusCode::OK, "{tracked}");
    let (s, _) = app.track(&new_no, "WRONG0000").await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The new case: own number, linked back, registered on the day the 件次 came in.
    let (_, new_case) = app.app.store.load_case(&new_no).await.unwrap().unwrap();
    assert_eq!(new_case.related_case.as_deref(), Some(case_no.as_str()));
    assert_eq!(new_case.submissions.len(), 1);
    assert!(new_case.content.facts.contains("车位"));
    assert_eq!(
        new_case.registered_at.format("%Y-%m-%d").to_string(),
        "2026-03-05"
    );
    // The old case keeps the 件次 (marked), nothing deleted.
    let (_, old) = app.app.store.load_case(&case_no).await.unwrap().unwrap();
    assert_eq!(old.submissions.len(), 3);
    assert_eq!(
        old.submissions[2].split_to.as_deref(),
        Some(new_no.as_str())
    );
    assert!(old.submissions[1].confirmed);
    assert_eq!(app.app.store.count("cases").await.unwrap(), 2);
    assert_eq!(app.app.store.count("submissions").await.unwrap(), 3);
    // Split twice is refused; the chain holds both cases' events.
    let (s, _) = app
        .post(
            &actions,
            Some(&xfj),
            json!({"action": "split_repeat", "submission": 2}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app.app.store.verify_chain().await.unwrap().is_ok());
    // Via the API as well: split the confirmed one? No — only what is not split yet; confirmed may still be split.
    let (s, v) = app
        .post(
            &actions,
            Some(&xfj),
            json!({"action": "split_repeat", "submission": 1}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let api_no = v["new_case_no"].as_str().unwrap().to_string();
    assert!(api_no.starts_with("XF2026330102"), "{v}");
    // The API gives the new case's query code too, and it works.
    let api_code = v["query_code"].as_str().unwrap();
    let (s, tracked) = app.track(&api_no, api_code).await;
    assert_eq!(s, StatusCode::OK, "{tracked}");
    assert_eq!(app.app.store.count("cases").await.unwrap(), 3);
});
