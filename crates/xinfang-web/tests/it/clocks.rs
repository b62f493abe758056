//! Statutory clocks on live cases (issue #3): the scanner raises each 临期 /
//! 超期 alert exactly once, and loading a changed calendar re-flows open
//! cases' due dates (with an audit record) while leaving closed ones alone.

use crate::common;
use axum::http::StatusCode;
use common::*;
use serde_json::json;
use xinfang_domain::calendar::Calendar;

dual_test!(scanner_raises_each_alert_once, |app: TestApp| async move {
    let (s, r) = app
        .post(
            "/api/v1/petitions",
            None,
            online_petition("何静", "33010219790909123", "要求查处物业公司乱收费"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let case_no = r["case_no"].as_str().unwrap().to_string();
    // Registered Mon 2026-03-02: forward due 03-17. Nothing is graded yet,
    // and a case due beyond the warning window is not even loaded.
    let rep = app.app.scan_clocks().await.unwrap();
    assert_eq!((rep.raised_approaching, rep.raised_overdue), (0, 0));
    assert_eq!(
        rep.open_cases, 0,
        "due 03-17 is outside the window on 03-02"
    );
    app.set_time("2026-03-15 09:00");
    let rep = app.app.scan_clocks().await.unwrap();
    assert_eq!(rep.open_cases, 1, "now inside the warning window");
    assert_eq!(
        (rep.raised_approaching, rep.raised_overdue),
        (1, 0),
        "临期 within the approaching window"
    );
    let rep = app.app.scan_clocks().await.unwrap();
    assert_eq!(
        (rep.raised_approaching, rep.raised_overdue),
        (0, 0),
        "not raised twice"
    );
    assert_eq!(rep.open_cases, 0, "nothing changes grade until 03-18");
    app.set_time("2026-03-17 09:00");
    assert_eq!(app.app.scan_clocks().await.unwrap().open_cases, 0);
    app.set_time("2026-03-18 09:00");
    let rep = app.app.scan_clocks().await.unwrap();
    assert_eq!(
        (rep.raised_approaching, rep.raised_overdue),
        (0, 1),
        "超期 after the due day"
    );
    let rep = app.app.scan_clocks().await.unwrap();
    assert_eq!(rep.raised_overdue, 0);
    // 超期 and alerted: later scans do not look at the case again (their
    // cost follows the cases falling due, not every case that ever did).
    assert_eq!(rep.open_cases, 0);
    app.set_time("2026-04-20 09:00");
    assert_eq!(app.app.scan_clocks().await.unwrap().open_cases, 0);
    // The supervisor of the district sees both in the inbox.
    let sup = app.token("shangcheng_dc").await;
    let (s, v) = app.get("/api/v1/alerts", Some(&sup)).await;
    assert_eq!(s, StatusCode::OK);
    let mine: Vec<_> = v["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["case_no"] == case_no.as_str())
        .collect();
    assert_eq!(mine.len(), 2, "{v}");
    // Another district's supervisor does not.
    let other = app.token("xihu_dc").await;
    let (_, v) = app.get("/api/v1/alerts", Some(&other)).await;
    assert!(v["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["case_no"] != case_no.as_str()));
    // The case list shows the grade.
    let bureau = app.token("shangcheng_xfj").await;
    let (_, v) = app.get("/api/v1/cases?grade=overdue", Some(&bureau)).await;
    assert!(
        v["cases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["case_no"] == case_no.as_str()),
        "{v}"
    );
});

dual_test!(
    calendar_change_reflows_open_cases_only,
    |app: TestApp| async move {
        let (_, open) = app
            .post(
                "/api/v1/petitions",
                None,
                online_petition("罗明", "33010219600202123", "要求足额发放征地补偿款"),
            )
            .await;
        let open_no = open["case_no"].as_str().unwrap().to_string();
        assert_eq!(open["notice_due"], "2026-03-17");
        // A second case that gets closed (diverted) before the change.
        let (_, closed) = app
            .post(
                "/api/v1/petitions",
                None,
                online_petition("高超", "33010219610303123", "不服法院民事判决要求重新审理"),
            )
            .await;
        let closed_no = closed["case_no"].as_str().unwrap().to_string();
        let bureau = app.token("shangcheng_xfj").await;
        app.act_ok(&bureau, &closed_no, json!({"action": "notify", "route": {"route": "divert", "procedure": "litigation", "guidance": "请向人民法院申请再审"}})).await;

        // The State Council (hypothetically) makes Tue 2026-03-17 a rest day.
        let mut text: String = Calendar::shipped()
            .to_text()
            .lines()
            .filter(|l| l.starts_with("year,2026") || l.starts_with("2026-"))
            .map(|l| format!("{l}\n"))
            .collect();
        text.push_str("2026-03-17,rest,测试调整\n");
        let report = app
            .app
            .import_calendar("admin", &text)
            .await
            .expect("import");
        assert_eq!(report.years, vec![2026]);
        let head = app.token("shangcheng_xfj").await;
        let (_, d) = app
            .get(&format!("/api/v1/cases/{open_no}"), Some(&head))
            .await;
        let forward = d["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["kind"] == "forward")
            .unwrap()
            .clone();
        assert_eq!(
            forward["due"], "2026-03-18",
            "rolled past the new rest day: {forward}"
        );
        let (_, list) = app.get("/api/v1/cases", Some(&head)).await;
        let row = list["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["case_no"] == open_no.as_str())
            .unwrap()
            .clone();
        assert_eq!(row["next_due"], "2026-03-18", "projection re-flowed: {row}");
        let closed_row = list["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["case_no"] == closed_no.as_str())
            .unwrap()
            .clone();
        assert_eq!(closed_row["status"], "diverted");
        assert!(
            closed_row["next_due"].is_null(),
            "closed case has no open duty: {closed_row}"
        );
        // The change is in the audit chain.
        let entries = app.app.store.audit_entries("calendar", 10).await.unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].kind, "calendar_imported");
        // A malformed calendar is refused and changes nothing.
        assert!(
            app.app
                .import_calendar("admin", "year,2026\n2026-03-18,work,错误\n")
                .await
                .is_err(),
            "a weekday cannot be a make-up working day"
        );
        let (_, d) = app
            .get(&format!("/api/v1/cases/{open_no}"), Some(&head))
            .await;
        assert_eq!(d["clocks"][0]["due"], "2026-03-18");
        // The calendar survives a restart (stored in settings).
        let again = xinfang_app::App::new(app.app.store.clone(), xinfang_app::TimeSource::System)
            .await
            .unwrap();
        assert!(!again
            .calendar()
            .is_working_day("2026-03-17".parse().unwrap())
            .unwrap());
    }
);

dual_test!(
    rules_may_only_be_tightened_by_an_admin,
    |app: TestApp| async move {
        let admin = app.token("admin").await;
        let clerk = app.token("shangcheng_xfj").await;
        let (s, v) = app.get("/api/v1/clock-rules", Some(&clerk)).await;
        assert_eq!(s, StatusCode::OK);
        let forward = v["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["kind"] == "forward")
            .unwrap()
            .clone();
        assert_eq!(forward["spec"]["amount"], 15);
        assert_eq!(forward["article"], "第二十二条");
        // 12345-style: 5 working days instead of 15 days.
        let mut strict = forward.clone();
        strict["spec"] = json!({"amount": 5, "counting": "working_days", "rollover": true});
        let (s, _) = app
            .call(
                "PUT",
                "/api/v1/clock-rules",
                Some(&clerk),
                Some(strict.clone()),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "only an administrator");
        let (_, r) = app
            .post(
                "/api/v1/petitions",
                None,
                online_petition("马军", "33010219770707123", "要求处理噪音扰民"),
            )
            .await;
        assert_eq!(r["notice_due"], "2026-03-17");
        let (s, v) = app
            .call("PUT", "/api/v1/clock-rules", Some(&admin), Some(strict))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        // Re-flowed: 5 working days from Mon 03-02 end Mon 03-09.
        let (_, list) = app.get("/api/v1/cases", Some(&clerk)).await;
        assert_eq!(list["cases"][0]["next_due"], "2026-03-09", "{list}");
        // Looser than the statute is refused.
        let mut loose = forward;
        loose["spec"]["amount"] = json!(20);
        let (s, v) = app
            .call("PUT", "/api/v1/clock-rules", Some(&admin), Some(loose))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("不得长于法定期限"));
        // The calendar of a year, and its import through the API.
        let (s, v) = app.get("/api/v1/calendar/2026", Some(&clerk)).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v["days"].as_array().unwrap().len(), 365);
        let (s, _) = app.get("/api/v1/calendar/2030", Some(&clerk)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        // Found by schemathesis: an absurd year once panicked the handler.
        let (s, v) = app.get("/api/v1/calendar/262143", Some(&clerk)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let (s, v) = app
            .get("/api/v1/deadline?from=2026-10-16&days=746323557", None)
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    }
);
