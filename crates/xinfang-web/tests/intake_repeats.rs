//! Repeat review: a submission linked at intake as another 件次 can be
//! confirmed, or split off into a new case with its own number and clocks
//! (linked back, nothing deleted, chain intact) — on the page
//! `/work/cases/{case_no}/repeats` and via `POST …/actions`. Runs on SQLite
//! and PostgreSQL.

mod common;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

async fn send(app: &TestApp, req: Request<Body>) -> (StatusCode, Vec<(String, String)>, String) {
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, headers, String::from_utf8(body).unwrap())
}

fn header(h: &[(String, String)], name: &str) -> Option<String> {
    h.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

async fn form(
    app: &TestApp,
    path: &str,
    cookie: Option<&str>,
    body: &str,
) -> (StatusCode, Vec<(String, String)>, String) {
    let mut req = Request::builder()
        .method("POST")
        .uri(path)
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    send(app, req.body(Body::from(body.to_string())).unwrap()).await
}

async fn login(app: &TestApp, user: &str) -> String {
    let (_, h, _) = form(
        app,
        "/login",
        None,
        &format!("username={user}&password=xinfang2026"),
    )
    .await;
    header(&h, "set-cookie")
        .expect("cookie")
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

fn csrf_of(html: &str) -> String {
    let i =
        html.find("name=\"csrf\" value=\"").expect("csrf field") + "name=\"csrf\" value=\"".len();
    html[i..i + 64].to_string()
}

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
    let req = Request::builder()
        .uri(&path)
        .header("cookie", &cookie)
        .body(Body::empty())
        .unwrap();
    let (s, _, html) = send(&app, req).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("相似度")
            && html.contains("车位也未交付")
            && html.contains("以资金困难为由拒不交房"),
        "{html}"
    );
    assert!(html.contains("已确认为同一事项"));
    let csrf = csrf_of(&html);
    let (s, _, _) = form(
        &app,
        &path,
        Some(&cookie),
        "csrf=bad&action=split_repeat&submission=2",
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(
        app.app.store.count("cases").await.unwrap(),
        1,
        "nothing changed on a bad CSRF token"
    );
    let (s, h, _) = form(
        &app,
        &path,
        Some(&cookie),
        &format!("csrf={csrf}&action=split_repeat&submission=2"),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let loc = header(&h, "location").unwrap();
    let new_no = loc.rsplit("done=").next().unwrap().to_string();
    assert!(
        new_no.starts_with("XF2026330102") && new_no != case_no,
        "{loc}"
    );

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
    assert!(
        v["new_case_no"]
            .as_str()
            .unwrap()
            .starts_with("XF2026330102"),
        "{v}"
    );
    assert_eq!(app.app.store.count("cases").await.unwrap(), 3);
});
