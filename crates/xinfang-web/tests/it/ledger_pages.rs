//! The supervision, 包案, campaign, dispute, warning and accountability flows
//! driven end to end through the server-rendered pages (session cookie +
//! CSRF), out-of-scope users refused, and every ledger export read back with
//! calamine (pages and API). Runs on SQLite and PostgreSQL.

use crate::common;
use axum::http::StatusCode;
use calamine::{Data, Reader, Xlsx};
use common::*;
use serde_json::json;
use std::io::Cursor;

/// The session's CSRF token, read from any page with a form.
async fn csrf(app: &TestApp, cookie: &str, path: &str) -> String {
    csrf_of(&page(app, path, cookie).await.1)
}

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

/// A ledger from the page link (session) as rows.
async fn page_export(app: &TestApp, cookie: &str, ledger: &str) -> Vec<Vec<String>> {
    let r = fetch(app, &format!("/work/export/{ledger}.xlsx"), cookie).await;
    assert_eq!(r.status, StatusCode::OK, "{ledger}");
    sheet(r.body)
}

/// A ledger through the API (bearer token) as rows.
async fn api_export(app: &TestApp, user: &str, ledger: &str) -> Vec<Vec<String>> {
    let tk = app.token(user).await;
    let (s, ct, bytes) = app
        .get_raw(&format!("/api/v1/export/{ledger}.xlsx"), Some(&tk))
        .await;
    assert_eq!(s, StatusCode::OK, "{ledger}");
    assert!(ct.contains("spreadsheetml"), "{ct}");
    sheet(bytes)
}

/// A case accepted for handling at the district 住建局.
async fn accepted_case(app: &TestApp, name: &str, id17: &str, unit: &str, handler: &str) -> String {
    let (_, r) = app
        .post(
            "/api/v1/petitions",
            None,
            online_petition(name, id17, "要求维修小区破损道路"),
        )
        .await;
    let case_no = r["case_no"].as_str().unwrap().to_string();
    let bureau = app.token("shangcheng_xfj").await;
    let h = app.token(handler).await;
    app.act_ok(
        &bureau,
        &case_no,
        json!({"action": "transfer", "to": app.unit(unit), "mode": "forward", "report_due": null}),
    )
    .await;
    app.act_ok(&h, &case_no, json!({"action": "sign"})).await;
    case_no
}

fn id_from(location: &str, prefix: &str) -> i64 {
    let rest = location
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{location}"));
    rest.split(['?', '#']).next().unwrap().parse().unwrap()
}

dual_test!(supervision_through_pages, |app: TestApp| async move {
    let zj = "杭州市上城区住房和城乡建设局";
    let case_no = accepted_case(
        &app,
        "督办页面",
        "33010219880808123",
        zj,
        "shangcheng_zhujian",
    )
    .await;
    let h = app.token("shangcheng_zhujian").await;
    app.act_ok(
        &h,
        &case_no,
        json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
    )
    .await;
    let case_page = format!("/work/cases/{case_no}");

    let dc = login(&app, "shangcheng_dc").await;
    let (_, html) = page(&app, &case_page, &dc).await;
    assert!(
        html.contains("催办 / 督办 / 挂牌督办"),
        "supervisor sees the form"
    );
    let dc_csrf = csrf(&app, &dc, &case_page).await;
    // Bad CSRF: refused, nothing created.
    let r = form(
        &app,
        &format!("{case_page}/supervise"),
        Some(&dc),
        "csrf=x&kind=listed&feedback_due=2026-03-10&requirement=abc",
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A 督办 needs a feedback date: a Chinese error, 422.
    let r = form(
        &app,
        &format!("{case_page}/supervise"),
        Some(&dc),
        &format!("csrf={dc_csrf}&kind=supervise&feedback_due=&requirement=abc"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("未能办理"));
    let r = form(
        &app,
        &format!("{case_page}/supervise"),
        Some(&dc),
        &format!(
            "csrf={dc_csrf}&kind=listed&feedback_due=2026-03-10&requirement={}",
            enc("挂牌督办：请于3月10日前反馈")
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let sid = id_from(&r.location(), "/work/supervisions/");

    // Another district cannot see it, nor supervise the case.
    let out = login(&app, "xihu_dc").await;
    let (s, _) = page(&app, &format!("/work/supervisions/{sid}"), &out).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let out_csrf = csrf(&app, &out, "/work/campaigns").await;
    let r = form(
        &app,
        &format!("{case_page}/supervise"),
        Some(&out),
        &format!("csrf={out_csrf}&kind=urge&requirement=abc"),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let (_, html) = page(&app, "/work/listed", &out).await;
    assert!(!html.contains(&case_no));

    // The supervised unit sees the 督办单 (A4) and answers.
    let zjc = login(&app, "shangcheng_zhujian").await;
    let (_, html) = page(&app, "/work?tab=sups", &zjc).await;
    assert!(
        html.contains(&format!("/work/supervisions/{sid}")),
        "the inbox's 督办 tab links the 督办单"
    );
    let detail = format!("/work/supervisions/{sid}");
    let (s, html) = page(&app, &detail, &zjc).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("挂牌督办单")
            && html.contains("@page{size:A4")
            && html.contains("反馈办理情况"),
        "{html}"
    );
    let (_, html) = page(&app, "/work/listed", &zjc).await;
    assert!(html.contains(&case_no), "listed for the area");
    let zcsrf = csrf(&app, &zjc, &detail).await;
    let r = form(
        &app,
        &format!("{detail}/close"),
        Some(&zjc),
        &format!("csrf={zcsrf}"),
    )
    .await;
    assert!(
        r.status == StatusCode::FORBIDDEN || r.status == StatusCode::CONFLICT,
        "{}",
        r.status
    );
    let r = form(
        &app,
        &format!("{detail}/feedback"),
        Some(&zjc),
        &format!("csrf={zcsrf}&feedback={}", enc("已组织施工队维修")),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = form(
        &app,
        &format!("{detail}/close"),
        Some(&zjc),
        &format!("csrf={zcsrf}"),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "the supervised body cannot close it"
    );
    // The supervisor closes it.
    let (_, html) = page(&app, &detail, &dc).await;
    assert!(html.contains("已组织施工队维修") && html.contains("办结督办"));
    let r = form(
        &app,
        &format!("{detail}/close"),
        Some(&dc),
        &format!("csrf={dc_csrf}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (_, html) = page(&app, &detail, &dc).await;
    assert!(html.contains("已办结"));

    // Overdue feedback is marked in the list and its filter.
    let r = form(
        &app,
        &format!("{case_page}/supervise"),
        Some(&dc),
        &format!(
            "csrf={dc_csrf}&kind=supervise&feedback_due=2026-03-05&requirement={}",
            enc("请于3月5日前反馈")
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    app.set_time("2026-03-06 09:00");
    let (_, html) = page(&app, "/work/supervisions?overdue=1", &dc).await;
    assert!(html.contains("（超期）") && html.contains("请于3月5日前反馈"));
    assert!(
        !html.contains("挂牌督办：请于3月10日前反馈"),
        "closed one filtered out"
    );

    // Ledger export: pages and API, scoped.
    let rows = page_export(&app, &dc, "supervisions").await;
    assert_eq!(rows[0][1], "信访编号");
    assert_eq!(rows[0][2], "类别");
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows
        .iter()
        .any(|r| r[2] == "挂牌督办" && r[7] == "已办结" && r[8] == "已组织施工队维修"));
    assert_eq!(
        api_export(&app, "xihu_dc", "supervisions").await.len(),
        1,
        "header only"
    );
    assert_eq!(
        api_export(&app, "shangcheng_dc", "supervisions")
            .await
            .len(),
        3
    );

    // 提级办理 from the case page: the city leader moves it to the city body.
    let city = login(&app, "hangzhou_ld").await;
    let (_, html) = page(&app, &case_page, &city).await;
    assert!(html.contains("提级办理（第四十条）"));
    let ccsrf = csrf(&app, &city, &case_page).await;
    let to = app.unit("杭州市住房和城乡建设局");
    let r = form(
        &app,
        &format!("{case_page}/escalate"),
        Some(&city),
        &format!("csrf={ccsrf}&to={to}&reason="),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is required"
    );
    let r = form(
        &app,
        &format!("{case_page}/escalate"),
        Some(&city),
        &format!("csrf={ccsrf}&to={to}&reason={}", enc("久拖不决，提级办理")),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let (_, d) = app
        .get(
            &format!("/api/v1/cases/{case_no}"),
            Some(&app.token("hangzhou_ld").await),
        )
        .await;
    assert_eq!(d["case"]["current_unit"], to);
});

dual_test!(ownership_through_pages, |app: TestApp| async move {
    let unit = "杭州市上城区自然资源和规划局";
    let case_no = accepted_case(
        &app,
        "包案页面",
        "33010219550505123",
        unit,
        "shangcheng_ziran",
    )
    .await;
    let case_page = format!("/work/cases/{case_no}");
    let ld = login(&app, "shangcheng_ld").await;
    let (_, html) = page(&app, &case_page, &ld).await;
    assert!(html.contains("领导包案（第十八条）") && html.contains("action=\"/work/cases/"));
    let lcsrf = csrf(&app, &ld, &case_page).await;
    // A handler is not a leader: refused.
    let ziran = login(&app, "shangcheng_ziran").await;
    let (_, html) = page(&app, &case_page, &ziran).await;
    assert!(
        !html.contains("/ownership\""),
        "no take-charge form for a handler"
    );
    let zcsrf = csrf(&app, &ziran, &case_page).await;
    let body = format!(
        "team=shangcheng_ziran&plan={}&deadline=2026-06-30",
        enc("一户一策，协调开发商推进回迁")
    );
    let r = form(
        &app,
        &format!("{case_page}/ownership"),
        Some(&ziran),
        &format!("csrf={zcsrf}&{body}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = form(
        &app,
        &format!("{case_page}/ownership"),
        Some(&ld),
        &format!("csrf={lcsrf}&team=xihu_ziran&plan=x&deadline=2026-06-30"),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "team from another district"
    );
    let r = form(
        &app,
        &format!("{case_page}/ownership"),
        Some(&ld),
        &format!("csrf={lcsrf}&{body}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let oid = id_from(&r.location().replace("?done=1", ""), "/work/ownerships#o");
    // The case page now names the leader and offers no second take-charge; the
    // district 信访局 (which can see the case, not on the team) sees who owns it.
    let (_, html) = page(&app, &case_page, &ld).await;
    assert!(!html.contains("/ownership\""), "one leader per case");
    let xfj = login(&app, "shangcheng_xfj").await;
    let (_, html) = page(&app, &case_page, &xfj).await;
    assert!(
        html.contains("包案领导") && html.contains("2026-06-30"),
        "{html}"
    );

    // 批示 on the case page.
    let r = form(
        &app,
        &format!("{case_page}/instruct"),
        Some(&ld),
        &format!("csrf={lcsrf}&text={}", enc("请专班一周内拿出回迁时间表")),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (_, html) = page(&app, &case_page, &ziran).await;
    assert!(html.contains("请专班一周内拿出回迁时间表") && html.contains("一户一策"));

    // The team member records progress on the board; an outsider cannot.
    let (_, html) = page(&app, "/work/ownerships", &ziran).await;
    assert!(html.contains(&case_no) && html.contains("记录进展"));
    let r = form(
        &app,
        &format!("/work/ownerships/{oid}/progress"),
        Some(&ziran),
        &format!("csrf={zcsrf}&text={}", enc("已召开专班会议")),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let other = login(&app, "shangcheng_renshe").await;
    let ocsrf = csrf(&app, &other, "/work/disputes").await;
    let r = form(
        &app,
        &format!("/work/ownerships/{oid}/progress"),
        Some(&other),
        &format!("csrf={ocsrf}&text=abc"),
    )
    .await;
    // A body that cannot see the case learns nothing of its 包案 (not even that it exists).
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let (_, html) = page(&app, "/work/ownerships", &other).await;
    assert!(!html.contains(&case_no));
    let r = form(
        &app,
        &format!("/work/ownerships/{oid}/resolve"),
        Some(&ziran),
        &format!("csrf={zcsrf}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "only the leader resolves");

    // Past the deadline the board marks it; the leader resolves it.
    app.set_time("2026-07-01 09:00");
    let (_, html) = page(&app, "/work/ownerships", &ld).await;
    assert!(
        html.contains("已召开专班会议")
            && html.contains("（已超期）")
            && html.contains("超期 1 件")
    );
    let r = form(
        &app,
        &format!("/work/ownerships/{oid}/resolve"),
        Some(&ld),
        &format!("csrf={lcsrf}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (_, html) = page(&app, "/work/ownerships", &ld).await;
    assert!(html.contains("已化解") && html.contains("超期 0 件"));

    let rows = page_export(&app, &ld, "ownerships").await;
    assert_eq!(rows[0][2], "包案领导");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][1], case_no);
    assert_eq!(rows[1][6], "已化解");
    assert!(rows[1][7].contains("已召开专班会议"));
    assert_eq!(api_export(&app, "xihu_ld", "ownerships").await.len(), 1);
});

dual_test!(campaign_through_pages, |app: TestApp| async move {
    let mut nos = vec![];
    for (n, id) in [
        ("甲", "33010219600101011"),
        ("乙", "33010219600101012"),
        ("丙", "33010219600101013"),
    ] {
        let (_, r) = app
            .post(
                "/api/v1/petitions",
                None,
                online_petition(n, id, "要求解决回迁安置问题"),
            )
            .await;
        nos.push(r["case_no"].as_str().unwrap().to_string());
    }
    let clerk = login(&app, "shangcheng_xfj").await;
    let (_, html) = page(&app, "/work/campaigns", &clerk).await;
    assert!(!html.contains("新建专项或清单"));
    let ccsrf = csrf(&app, &clerk, "/work/disputes").await;
    let r = form(
        &app,
        "/work/campaigns",
        Some(&clerk),
        &format!("csrf={ccsrf}&name=x&list_kind=backlog&deadline=2026-12-31"),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "a registrar does not run campaigns"
    );

    let ld = login(&app, "shangcheng_ld").await;
    let lcsrf = csrf(&app, &ld, "/work/campaigns").await;
    let r = form(
        &app,
        "/work/campaigns",
        Some(&ld),
        &format!("csrf={lcsrf}&name=x&list_kind=other&deadline=2026-12-31"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = form(
        &app,
        "/work/campaigns",
        Some(&ld),
        &format!(
            "csrf={lcsrf}&name={}&list_kind=backlog&deadline=2026-12-31",
            enc("信访问题源头治理三年攻坚")
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let cid = id_from(&r.location(), "/work/campaigns/");
    let page_path = format!("/work/campaigns/{cid}");
    // By number, then by query (no duplicates).
    let r = form(
        &app,
        &format!("{page_path}/items"),
        Some(&ld),
        &format!("csrf={lcsrf}&case_nos={}", nos[0]),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = form(
        &app,
        &format!("{page_path}/items"),
        Some(&ld),
        &format!("csrf={lcsrf}&case_nos=&by_query=1&status=&unit=&from=2026-03-01&to=bad"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = form(
        &app,
        &format!("{page_path}/items"),
        Some(&ld),
        &format!("csrf={lcsrf}&case_nos=&by_query=1&status=&unit=&from=2026-03-01&to=2026-03-31"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (_, html) = page(&app, &page_path, &ld).await;
    for no in &nos {
        assert!(html.contains(no.as_str()));
    }
    assert!(
        html.contains("事项 3 件") && html.contains("已销号 0"),
        "{html}"
    );
    let (_, v) = app
        .get("/api/v1/campaigns", Some(&app.token("shangcheng_ld").await))
        .await;
    let item = v["campaigns"][0]["items"][0]["id"].as_i64().unwrap();
    let item_no = v["campaigns"][0]["items"][0]["case_no"]
        .as_str()
        .unwrap()
        .to_string();
    // 销号 only after 化解, with evidence.
    let mv = format!("/work/campaign-items/{item}");
    let r = form(
        &app,
        &mv,
        Some(&ld),
        &format!(
            "csrf={lcsrf}&campaign={cid}&status=struck&evidence={}",
            enc("已解决问题")
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("销号须先化解"));
    let r = form(
        &app,
        &mv,
        Some(&ld),
        &format!(
            "csrf={lcsrf}&campaign={cid}&status=resolved&evidence={}",
            enc("已签订回迁协议")
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = form(
        &app,
        &mv,
        Some(&ld),
        &format!(
            "csrf={lcsrf}&campaign={cid}&status=struck&evidence={}",
            enc("经核实已交房，予以销号")
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (_, html) = page(&app, &page_path, &ld).await;
    assert!(html.contains("已销号 1") && html.contains("经核实已交房"));
    let (_, html) = page(&app, "/work/campaigns", &ld).await;
    assert!(html.contains("信访问题源头治理三年攻坚"));
    // The holding unit (the 信访局 still holds these cases) may 稳控 and 化解,
    // but 销号 needs the campaign owners' sign-off.
    let other_item = v["campaigns"][0]["items"][1]["id"].as_i64().unwrap();
    let mv2 = format!("/work/campaign-items/{other_item}");
    let r = form(
        &app,
        &mv2,
        Some(&clerk),
        &format!(
            "csrf={ccsrf}&campaign={cid}&status=stabilized&evidence={}",
            enc("已落实稳控责任人")
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = form(
        &app,
        &mv2,
        Some(&clerk),
        &format!(
            "csrf={ccsrf}&campaign={cid}&status=resolved&evidence={}",
            enc("已达成和解协议")
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = form(
        &app,
        &mv2,
        Some(&clerk),
        &format!(
            "csrf={ccsrf}&campaign={cid}&status=struck&evidence={}",
            enc("申请销号")
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let (_, html) = page(&app, &page_path, &ld).await;
    assert!(
        html.contains("已化解 1") && html.contains("已销号 1"),
        "{html}"
    );

    // Another district neither sees nor moves it.
    let out = login(&app, "xihu_ld").await;
    let (s, _) = page(&app, &page_path, &out).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let ocsrf = csrf(&app, &out, "/work/campaigns").await;
    let r = form(
        &app,
        &format!("{page_path}/items"),
        Some(&out),
        &format!("csrf={ocsrf}&case_nos={}", nos[1]),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let rows = api_export(&app, "shangcheng_ld", "campaign-items").await;
    assert_eq!(rows[0][0], "专项/清单");
    assert_eq!(rows.len(), 4, "{rows:?}");
    let struck = rows.iter().find(|r| r[4] == item_no).unwrap();
    assert_eq!(struck[6], "已销号");
    assert_eq!(struck[1], "积案化解");
    assert_eq!(page_export(&app, &out, "campaign-items").await.len(), 1);
});

dual_test!(dispute_through_pages, |app: TestApp| async move {
    let town = login(&app, "shangcheng_t1").await;
    let tcsrf = csrf(&app, &town, "/work/disputes").await;
    let r = form(
        &app,
        "/work/disputes",
        Some(&town),
        &format!("csrf={tcsrf}&region_code=999999&parties=a&summary=b&risk_level=1"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = form(
        &app,
        "/work/disputes",
        Some(&town),
        &format!(
            "csrf={tcsrf}&region_code=330102&parties={}&summary={}&risk_level=2",
            enc("张某与李某"),
            enc("宅基地界址纠纷")
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let did = id_from(&r.location().replace("?done=1", ""), "/work/disputes#d");
    let mv = format!("/work/disputes/{did}");
    // Another district cannot see or move it.
    let out = login(&app, "xihu_zf").await;
    let (_, html) = page(&app, "/work/disputes", &out).await;
    assert!(!html.contains("张某与李某"));
    let ocsrf = csrf(&app, &out, "/work/disputes").await;
    let r = form(
        &app,
        &mv,
        Some(&out),
        &format!("csrf={ocsrf}&status=mediating&track=people"),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // 三调联动: mediation on a track, fails, converts into a case.
    let r = form(
        &app,
        &mv,
        Some(&town),
        &format!("csrf={tcsrf}&status=mediating&track=nonsense"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = form(
        &app,
        &mv,
        Some(&town),
        &format!("csrf={tcsrf}&status=mediating&track=people"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = form(
        &app,
        &mv,
        Some(&town),
        &format!("csrf={tcsrf}&status=converted"),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not while mediating"
    );
    let r = form(
        &app,
        &mv,
        Some(&town),
        &format!(
            "csrf={tcsrf}&status=failed&outcome={}",
            enc("双方未达成一致")
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = form(
        &app,
        &mv,
        Some(&town),
        &format!("csrf={tcsrf}&status=converted"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let county = login(&app, "shangcheng_zf").await;
    let (_, html) = page(&app, "/work/disputes", &county).await;
    assert!(
        html.contains("张某与李某")
            && html.contains("已转为信访事项")
            && html.contains("人民调解")
            && html.contains("双方未达成一致")
    );
    let (_, v) = app
        .get("/api/v1/disputes", Some(&app.token("shangcheng_t1").await))
        .await;
    let case_no = v["disputes"][0]["case_no"]
        .as_str()
        .expect("converted")
        .to_string();
    assert!(html.contains(&format!("/work/cases/{case_no}")));

    let rows = page_export(&app, &county, "disputes").await;
    assert_eq!(rows[0][3], "当事人");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][7], "人民调解");
    assert_eq!(rows[1][8], "已转为信访事项");
    assert_eq!(rows[1][10], case_no);
    assert_eq!(api_export(&app, "xihu_zf", "disputes").await.len(), 1);
});

dual_test!(warning_through_pages, |app: TestApp| async move {
    let mut p = online_petition("韩磊", "33010219820303123", "要求开发商交房");
    p["facts"] = json!("开发商一直拖延交房，如果月底前再不解决，我就到区政府门口自焚。");
    let (_, r) = app.post("/api/v1/petitions", None, p).await;
    let case_no = r["case_no"].as_str().unwrap().to_string();
    let dc = login(&app, "shangcheng_dc").await;
    let (_, html) = page(&app, "/work/warnings", &dc).await;
    assert!(html.contains(&case_no) && html.contains("待核查") && html.contains("自焚"));
    let (_, v) = app
        .get("/api/v1/warnings", Some(&app.token("shangcheng_dc").await))
        .await;
    let wid = v["warnings"][0]["id"].as_i64().unwrap();
    let page_path = format!("/work/warnings/{wid}");
    let out = login(&app, "xihu_dc").await;
    let (s, _) = page(&app, &page_path, &out).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, html) = page(&app, "/work/warnings", &out).await;
    assert!(!html.contains(&case_no));
    let handler = login(&app, "shangcheng_zhujian").await;
    let hcsrf = csrf(&app, &handler, "/work/disputes").await;
    let r = form(
        &app,
        &page_path,
        Some(&handler),
        &format!("csrf={hcsrf}&action=verify&note=abc"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let dcsrf = csrf(&app, &dc, &page_path).await;
    let r = form(
        &app,
        &page_path,
        Some(&dc),
        &format!("csrf={dcsrf}&action=clear&note=abc"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "out of order");
    for (action, note) in [
        ("verify", "已电话联系信访人核实情绪"),
        ("dispose", "街道已上门做稳控工作"),
        ("clear", "开发商承诺交房，风险解除"),
    ] {
        let (_, html) = page(&app, &page_path, &dc).await;
        assert!(
            html.contains(&format!("value=\"{action}\"")),
            "{action} offered next"
        );
        let r = form(
            &app,
            &page_path,
            Some(&dc),
            &format!("csrf={dcsrf}&action={action}&note={}", enc(note)),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{action}: {}", r.text());
    }
    let (_, html) = page(&app, &page_path, &dc).await;
    assert!(
        html.contains("已解除")
            && html.contains("待核查 → 核查中")
            && html.contains("已处置 → 已解除")
            && html.contains("街道已上门做稳控工作")
    );
    assert!(!html.contains("name=\"action\""), "no further step");

    let rows = page_export(&app, &dc, "warnings").await;
    assert_eq!(rows[0][4], "风险信号");
    let row = rows.iter().find(|r| r[1] == case_no).expect("row");
    assert_eq!(row[5], "已解除");
    assert_eq!(row[6], "开发商承诺交房，风险解除");
    assert_eq!(api_export(&app, "xihu_dc", "warnings").await.len(), 1);
});

dual_test!(
    accountability_and_annual_report_pages,
    |app: TestApp| async move {
        let zj = app.unit("杭州市上城区住房和城乡建设局");
        let ld = login(&app, "shangcheng_ld").await;
        let lcsrf = csrf(&app, &ld, "/work/accountability").await;
        let clerk = login(&app, "shangcheng_xfj").await;
        let ccsrf = csrf(&app, &clerk, "/work/disputes").await;
        let reason = enc("多件信访事项超期未办结，约谈主要负责人");
        let r = form(
            &app,
            "/work/accountability",
            Some(&clerk),
            &format!("csrf={ccsrf}&kind=talk&unit_id={zj}&case_no=&reason={reason}"),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let xihu = app.unit("杭州市西湖区住房和城乡建设局");
        let r = form(
            &app,
            "/work/accountability",
            Some(&ld),
            &format!("csrf={lcsrf}&kind=talk&unit_id={xihu}&case_no=&reason={reason}"),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "only units of the area"
        );
        let r = form(
            &app,
            "/work/accountability",
            Some(&ld),
            &format!("csrf={lcsrf}&kind=talk&unit_id={zj}&case_no=&reason={reason}"),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        // A case the recorder cannot see cannot be linked (nor its existence learned).
        let mut p = online_petition("西湖", "33010619700101123", "要求处理噪音");
        p["region_code"] = json!("330106");
        let (s, r) = app.post("/api/v1/petitions", None, p).await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        let xihu_case = r["case_no"].as_str().unwrap().to_string();
        let r = form(
            &app,
            "/work/accountability",
            Some(&ld),
            &format!("csrf={lcsrf}&kind=circular&unit_id={zj}&case_no={xihu_case}&reason={reason}"),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("信访事项不存在"));
        let (_, html) = page(&app, "/work/accountability", &ld).await;
        assert!(html.contains("约谈主要负责人") && html.contains("杭州市上城区住房和城乡建设局"));
        let (_, html) = page(&app, "/work/accountability", &login(&app, "xihu_ld").await).await;
        assert!(!html.contains("约谈主要负责人"));

        let (s, html) = page(&app, "/work/reports/annual?year=2026", &ld).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("2026年度信访工作情况报告")
                && html.contains("第四十一条")
                && html.contains("约谈、通报记录：1 条"),
            "{html}"
        );
        // The page and the API keep one rule for years (app `period.rs`).
        for year in ["abc", "11777", "1948", "2200", "-1"] {
            let (s, html) = page(&app, &format!("/work/reports/annual?year={year}"), &ld).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{year}");
            assert!(html.contains("1949 年至 2199 年"), "{year}: {html}");
        }
        let (s, _) = page(&app, "/work/reports/annual?year=1949", &ld).await;
        assert_eq!(s, StatusCode::OK);

        let rows = api_export(&app, "shangcheng_ld", "accountability").await;
        assert_eq!(rows[0][1], "类别");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1][1], "约谈");
        assert_eq!(rows[1][2], "杭州市上城区住房和城乡建设局");
        // The ledger exports are audited like the case export.
        let entries = app.app.store.audit_entries("audit", 50).await.unwrap();
        assert!(entries
            .iter()
            .any(|e| e.kind == "export_ledger" && e.payload.contains("accountability")));
    }
);

dual_test!(statistics_tables_to_excel, |app: TestApp| async move {
    for (name, id) in [("甲", "33010219600101011"), ("乙", "33010219600101012")] {
        let (s, _) = app
            .post(
                "/api/v1/petitions",
                None,
                online_petition(name, id, "要求交付商品房"),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);
    }
    let tk = app.token("shangcheng_zf").await;
    let q = "from=2026-03-01&to=2026-03-31";
    let (s, ct, bytes) = app
        .get_raw(&format!("/api/v1/export/stats/trend.xlsx?{q}"), Some(&tk))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(ct.contains("spreadsheetml"));
    let rows = sheet(bytes);
    assert_eq!(rows[0][0], "月份");
    assert_eq!(rows[0][1], "网上信访");
    assert_eq!(rows[0][6], "合计");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[1][0].starts_with("2026-03"), "{rows:?}");
    assert_eq!(rows[1][1], "2");
    assert_eq!(rows[1][6], "2");
    let (s, _, bytes) = app
        .get_raw(
            &format!("/api/v1/export/stats/rankings.xlsx?{q}"),
            Some(&tk),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let rows = sheet(bytes);
    assert_eq!(rows[0][..3], ["名次", "单位", "及时受理率"]);
    let (s, _) = app
        .get(
            "/api/v1/export/stats/trend.xlsx?from=bad&to=2026-03-31",
            Some(&tk),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = app
        .get(&format!("/api/v1/export/stats/trend.xlsx?{q}"), None)
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // From the dashboard, with the session; another district's trend is empty.
    let gov = login(&app, "shangcheng_zf").await;
    let (_, html) = page(&app, "/work/dashboard?from=2026-03-01&to=2026-03-31", &gov).await;
    assert!(html.contains("/work/export/rankings.xlsx?from=2026-03-01&amp;to=2026-03-31"));
    let r = request(
        &app,
        "GET",
        &format!("/work/export/trend.xlsx?{q}"),
        Some(&gov),
        "",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(sheet(r.body).len(), 2);
    // The OpenAPI document lists the new downloads with their statuses.
    let (_, doc) = app.get("/api/openapi.json", None).await;
    for ledger in [
        "supervisions",
        "ownerships",
        "campaign-items",
        "disputes",
        "accountability",
        "warnings",
    ] {
        let op = &doc["paths"][format!("/api/v1/export/{ledger}.xlsx")]["get"];
        assert!(
            op["responses"]["200"].is_object() && op["responses"]["401"].is_object(),
            "{ledger}"
        );
    }
    assert!(doc["paths"]["/api/v1/export/stats/trend.xlsx"]["get"]["responses"]["422"].is_object());
    let other = login(&app, "xihu_zf").await;
    let r = request(
        &app,
        "GET",
        &format!("/work/export/trend.xlsx?{q}"),
        Some(&other),
        "",
    )
    .await;
    assert_eq!(sheet(r.body).len(), 1, "header only");
});
