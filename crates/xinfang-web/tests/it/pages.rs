//! The workbench pages in-process: login sets a strict HttpOnly cookie, the
//! inbox groups what my unit must do, the case page explains every due date
//! and offers only my actions, forms need the session's CSRF token, and the
//! calendar page lets only administrators load a year.

use crate::common;
use axum::http::StatusCode;
use common::*;
use serde_json::json;

dual_test!(workbench_pages, |app: TestApp| async move {
    let (s, text) = form_page(
        &app,
        "/login",
        None,
        "username=shangcheng_xfj&password=wrong",
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(text.contains("用户名或密码错误"));
    let (_, r) = app
        .post(
            "/api/v1/petitions",
            None,
            online_petition(
                "页面测试",
                "33010219700707123",
                "要求<script>alert(1)</script>处理噪音扰民",
            ),
        )
        .await;
    let case_no = r["case_no"].as_str().unwrap().to_string();

    // The session cookie is HttpOnly and SameSite=Strict; login lands on /work.
    let r = login_response(&app, "shangcheng_xfj", PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/work");
    let set = r.header("set-cookie").expect("session cookie");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    let cookie = login(&app, "shangcheng_xfj").await;
    let (s, html) = page(&app, "/work", &cookie).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("我的待办") && html.contains("待转送/待告知"));
    assert!(
        html.contains(&case_no),
        "the new online case waits at the bureau"
    );
    assert!(
        !html.contains("<script>alert(1)</script>"),
        "user text is escaped"
    );

    let (s, html) = page(&app, &format!("/work/cases/{case_no}"), &cookie).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("为什么是这一天")
            && html.contains("民法典第二百零一条")
            && html.contains("第二十二条"),
        "every due date explained"
    );
    assert!(html.contains("转送 / 交办"), "the bureau may forward");
    assert!(!html.contains("value=\"reply\""), "but not reply");
    let csrf = csrf_of(&html);
    let to = app.unit("杭州市上城区住房和城乡建设局");
    // Wrong CSRF: refused, nothing changes.
    let (s, _) = form_page(
        &app,
        &format!("/work/cases/{case_no}/act"),
        Some(&cookie),
        &format!("csrf=bad&action=transfer&to={to}&mode=forward"),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let r = form(
        &app,
        &format!("/work/cases/{case_no}/act"),
        Some(&cookie),
        &format!("csrf={csrf}&action=transfer&to={to}&mode=forward"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().contains("done="));
    // A domain refusal is shown in Chinese on the page.
    let handler = login(&app, "shangcheng_zhujian").await;
    let (_, html) = page(&app, &format!("/work/cases/{case_no}"), &handler).await;
    let hcsrf = csrf_of(&html);
    let (s, html) = form_page(
        &app,
        &format!("/work/cases/{case_no}/act"),
        Some(&handler),
        &format!("csrf={hcsrf}&action=object&reason="),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("未能办理") && html.contains("理由"),
        "{}",
        &html[..200.min(html.len())]
    );
    let (s, _) = form_page(
        &app,
        &format!("/work/cases/{case_no}/act"),
        Some(&handler),
        &format!("csrf={hcsrf}&action=sign"),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, d) = app
        .get(
            &format!("/api/v1/cases/{case_no}"),
            Some(&app.token("shangcheng_zhujian").await),
        )
        .await;
    assert_eq!(d["case"]["status"], "received");

    // Not logged in: to the login page. Another district: not found.
    let (s, _) = page(&app, "/work", "xf_session=nope").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let other = login(&app, "xihu_xfj").await;
    let (s, _) = page(&app, &format!("/work/cases/{case_no}"), &other).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The calendar page: everyone reads; only an administrator loads a year.
    let (_, html) = page(&app, "/admin/calendar?year=2026", &cookie).await;
    assert!(html.contains("春节假期") && html.contains("春节调休上班日"));
    assert!(!html.contains("校验并载入"));
    let admin = login(&app, "admin").await;
    let (_, html) = page(&app, "/admin/calendar", &admin).await;
    let acsrf = csrf_of(&html);
    let (s, html) = form_page(
        &app,
        "/admin/calendar",
        Some(&admin),
        &format!("csrf={acsrf}&text=year%2C2027%0A2027-01-01%2Crest%2C%E5%85%83%E6%97%A6"),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("已载入"), "{html}");
    let (s, _) = form_page(
        &app,
        "/admin/calendar",
        Some(&cookie),
        &format!("csrf={csrf}&text=year%2C2028"),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let _ = json!(null);
});

dual_test!(
    portal_submit_track_evaluate_review,
    |app: TestApp| async move {
        // Field-level errors keep the input.
        let bad = "name=%E7%8E%8B%E4%BA%94&id_number=330102196501011230&address=%E6%B9%96%E6%BB%A8&region_code=330102&kind=claim&request=%E8%A6%81%E6%B1%82%E4%BA%A4%E6%88%BF";
        let (s, html) = form_page(&app, "/submit", None, bad).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let err = between(&html, "id=\"id_number-err\">", "</p>");
        assert!(
            err.contains("身份证号码有误"),
            "error beside the field: {err}"
        );
        assert!(html.contains("value=\"王五\""), "input kept");
        let id = id_with_check("33010219650101123");
        let ok = format!("name=%E7%8E%8B%E4%BA%94&id_number={id}&phone=13812345678&address=%E6%B9%96%E6%BB%A8&region_code=330102&kind=claim&request=%E8%A6%81%E6%B1%82%E4%BA%A4%E4%BB%98%E5%95%86%E5%93%81%E6%88%BF&facts=%E5%BB%B6%E6%9C%9F%E4%BA%A4%E6%88%BF");
        let (s, html) = form_page(&app, "/submit", None, &ok).await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(html.contains("回执"));
        let case_no = between(&html, "id=\"receipt-case-no\">", "</strong>").to_string();
        let code = between(&html, "id=\"receipt-code\" class=\"code\">", "</strong>").to_string();
        assert_eq!(code.len(), 8);
        // Wrong code: not found; right code: the view, with explanations.
        let (s, _) = form_page(
            &app,
            "/track",
            None,
            &format!("case_no={case_no}&query_code=WRONG999"),
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let track = format!("case_no={case_no}&query_code={code}");
        let (s, html) = form_page(&app, "/track", None, &track).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("已登记") && html.contains("民法典第二百零一条"));
        assert!(!html.contains("提交评价"), "nothing to evaluate yet");
        // Staff handle it through to delivery.
        let bureau = app.token("shangcheng_xfj").await;
        let h = app.token("shangcheng_zhujian").await;
        app.act_ok(&bureau, &case_no, json!({"action": "transfer", "to": app.unit("杭州市上城区住房和城乡建设局"), "mode": "forward", "report_due": null})).await;
        for a in [
            json!({"action": "sign"}),
            json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
            json!({"action": "reply", "outcome": "explain", "basis": "合同约定", "text": "已督促开发商。"}),
            json!({"action": "deliver"}),
        ] {
            app.act_ok(&h, &case_no, a).await;
        }
        let (_, html) = form_page(&app, "/track", None, &track).await;
        assert!(
            html.contains("提交评价") && html.contains("请求复查"),
            "evaluate and review offered"
        );
        assert!(
            html.contains("2026年4月1日"),
            "the window's last day is shown"
        );
        let (_, html) = form_page(
            &app,
            "/track",
            None,
            &format!("{track}&op=evaluate&satisfaction=dissatisfied&reason=%E5%A4%AA%E6%85%A2"),
        )
        .await;
        assert!(
            html.contains("已提交"),
            "{}",
            &html[html.len().saturating_sub(400)..]
        );
        let (_, html) = form_page(
            &app,
            "/track",
            None,
            &format!("{track}&op=review&review_reason=%E4%BA%A4%E6%88%BF%E6%97%B6%E9%97%B4%E6%97%A0%E4%BF%9D%E9%9A%9C"),
        )
        .await;
        assert!(
            html.contains("已提交") && html.contains("复查"),
            "review requested"
        );
        let (_, d) = app
            .get(
                &format!("/api/v1/cases/{case_no}"),
                Some(&app.token("shangcheng_zf").await),
            )
            .await;
        assert_eq!(d["case"]["stage"], "review");
    }
);

dual_test!(dashboard_and_case_list, |app: TestApp| async move {
    for (n, id) in [
        ("统计甲", "33010219600101021"),
        ("统计乙", "33010219600101022"),
    ] {
        let (s, _) = app
            .post(
                "/api/v1/petitions",
                None,
                online_petition(n, id, "要求解决停车难"),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);
    }
    let cookie = login(&app, "shangcheng_zf").await;
    let (s, html) = page(
        &app,
        "/work/dashboard?from=2026-03-01&to=2026-03-31",
        &cookie,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    for needle in [
        "满意率",
        "一次性化解率",
        "倒金字塔",
        "单位考核排名",
        "<svg",
        "县级",
        "/work/cases?from=2026-03-01&amp;to=2026-03-31",
    ] {
        assert!(html.contains(needle), "dashboard lacks {needle}");
    }
    assert!(
        html.contains(
            "<td>信访件次</td><td><a href=\"/work/cases?from=2026-03-01&amp;to=2026-03-31&amp;basis=submitted\">2</a>"
        ),
        "figures drill down"
    );
    let (s, html) = page(&app, "/work/cases?from=2026-03-01&to=2026-03-31", &cookie).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("<span id=\"total\" class=\"n\">2</span>"),
        "the drill-down lists the two cases"
    );
    let r = request(
        &app,
        "GET",
        "/work/cases.xlsx?from=2026-03-01&to=2026-03-31",
        Some(&cookie),
        "",
    )
    .await;
    assert!(r.header("content-type").unwrap().contains("spreadsheetml"));
});

dual_test!(
    registrar_registers_a_collective_visit,
    |app: TestApp| async move {
        let cookie = login(&app, "shangcheng_xfj").await;
        let (s, html) = page(&app, "/work/register", &cookie).await;
        assert_eq!(s, StatusCode::OK);
        let csrf = csrf_of(&html);
        // Missing request: errors listed, input kept.
        let (s, html) = form_page(&app, "/work/register", Some(&cookie), &format!("csrf={csrf}&channel=visit&kind=claim&name0=%E4%BB%A3%E8%A1%A8%E7%94%B2&persons=30&region_code=330102&request=")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("未能登记") && html.contains("value=\"代表甲\""));
        let body = format!("csrf={csrf}&channel=visit&kind=claim&name0=%E4%BB%A3%E8%A1%A8%E7%94%B2&name1=%E4%BB%A3%E8%A1%A8%E4%B9%99&name2=%E4%BB%A3%E8%A1%A8%E4%B8%99&persons=30&region_code=330102&request=%E8%A6%81%E6%B1%82%E8%A7%A3%E5%86%B3%E5%9B%9E%E8%BF%81%E5%AE%89%E7%BD%AE%E6%88%BF%E9%80%BE%E6%9C%9F%E4%BA%A4%E4%BB%98");
        let (s, html) = form_page(&app, "/work/register", Some(&cookie), &body).await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(
            html.contains("已登记") && html.contains("集体访") && html.contains("风险信号"),
            "collective flag and warning shown"
        );
        // The petitioner at the window gets number and query code (shown
        // once, with a printable 登记回执), and the code tracks the case.
        let case_no = between(&html, "<a href=\"/work/cases/", "\"").to_string();
        let code = between(&html, "id=\"query-code\">", "<").to_string();
        assert!(
            code.len() >= 8 && html.contains("信访事项登记回执"),
            "{html}"
        );
        let (s, tracked) = app.track(&case_no, &code).await;
        assert_eq!(s, StatusCode::OK, "{tracked}");
        let sup = app.token("shangcheng_dc").await;
        let (_, w) = app.get("/api/v1/warnings", Some(&sup)).await;
        assert!(w["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["signals"].to_string().contains("集体访 30 人")));
    }
);

dual_test!(
    registration_assist_finds_the_petitioners_earlier_case,
    |app: TestApp| async move {
        let id = "33010219700707123";
        let (_, r) = app
            .post(
                "/api/v1/petitions",
                None,
                online_petition("辅助测试", id, "要求开发商按合同约定时间交付商品房"),
            )
            .await;
        let case_no = r["case_no"].as_str().unwrap().to_string();
        let cookie = login(&app, "shangcheng_xfj").await;
        let (_, html) = page(&app, "/work/register", &cookie).await;
        assert!(html.contains("/static/register.js") && html.contains("id=\"assist\""));
        let csrf = csrf_of(&html);
        let (s, js) = page(&app, "/static/register.js", &cookie).await;
        assert_eq!(s, StatusCode::OK);
        assert!(js.contains("/work/register/assist"));

        let stored_id = id_with_check(id);
        // The typed text: same petitioner, same matter, and a threat statement.
        let body = json!({"name": "辅助测试", "id_number": stored_id, "request": "要求开发商按合同约定时间交付商品房，否则扬言跳楼", "region_code": "330102"});
        let (s, a) = post_json(&app, "/work/register/assist", &cookie, &csrf, body.clone()).await;
        assert_eq!(s, StatusCode::OK, "{a}");
        let prior = a["prior"].as_array().unwrap();
        assert_eq!(prior.len(), 1, "{a}");
        assert_eq!(prior[0]["case_no"], case_no.as_str());
        assert_eq!(prior[0]["same_matter"], true);
        assert!(a["risk_terms"].to_string().contains("跳楼"), "{a}");
        // A bad ID number is reported, not fatal.
        let (s, a) = post_json(
            &app,
            "/work/register/assist",
            &cookie,
            &csrf,
            json!({"name": "辅助测试", "id_number": "330102197007071230"}),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            a["problems"][0]
                .as_str()
                .unwrap()
                .contains("身份证号码有误"),
            "{a}"
        );
        // Without the CSRF header, or from another district, nothing is revealed.
        let (s, _) = post_json(
            &app,
            "/work/register/assist",
            &cookie,
            "wrong",
            body.clone(),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let other = login(&app, "haishu_xfj").await;
        let (_, html) = page(&app, "/work/register", &other).await;
        let (s, a) = post_json(&app, "/work/register/assist", &other, &csrf_of(&html), body).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            a["prior"].as_array().unwrap().is_empty(),
            "out of scope: {a}"
        );
    }
);

dual_test!(
    transfer_picker_never_offers_the_accused_body,
    |app: TestApp| async move {
        let hubin = app.unit("杭州市上城区湖滨街道");
        let jiwei = app.unit("中共杭州市上城区纪律检查委员会（杭州市上城区监察委员会）");
        let tk = app.token("shangcheng_xfj").await;
        let (s, v) = app
            .post(
                "/api/v1/cases",
                Some(&tk),
                json!({
                    "channel": "letter", "kind": "accusation",
                    "petitioners": [{"name": "李敏", "address": "湖滨街道"}],
                    "request": "举报湖滨街道某干部侵占集体资金",
                    "region_code": "330102",
                    "accused": {"person": "某干部", "unit_id": hubin}
                }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let case_no = v["case_no"].as_str().unwrap();
        let cookie = login(&app, "shangcheng_xfj").await;
        let (_, html) = page(&app, &format!("/work/cases/{case_no}"), &cookie).await;
        let picker = between(&html, "<select name=\"to\" required", "</select>");
        assert!(picker.contains("<optgroup"), "grouped by area");
        assert!(
            !picker.contains(&format!("value=\"{hubin}\"")),
            "第三十条: the accused body is not offered"
        );
        assert!(
            picker.contains(&format!("value=\"{jiwei}\"")),
            "纪检监察 is offered"
        );
    }
);
