//! 网上预约领导接访 (issue #19 item 3, 第十八条): a signed-in petitioner sees
//! only the sessions the calendar opened to online booking, from tomorrow
//! to 30 days on; books with a clear error for every wrong field; cannot
//! link another's case, book twice, overfill a session or hold more than
//! three upcoming bookings; is confirmed by SMS; cancels before the day
//! only; and staff see the booking marked 网上预约 with the phone masked.

use crate::common;
use crate::notify::{start_gateway, texts};
use crate::petitioner_accounts::{register, signed_in};
use axum::http::StatusCode;
use common::web::{body_of, form, login, page, page_ok};
use common::*;
use serde_json::json;

async fn session(
    app: &TestApp,
    token: &str,
    date: &str,
    place: &str,
    cap: u32,
    online: bool,
) -> i64 {
    let (s, v) = app
        .post(
            "/api/v1/receptions",
            Some(token),
            json!({"kind": "hall", "leader": "张区长", "date": date, "slot": "09:00-11:30",
                   "place": place, "capacity": cap, "online": online}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["id"].as_i64().unwrap()
}

async fn book(app: &TestApp, cookie: &str, pairs: &[(&str, &str)]) -> common::web::Resp {
    form(app, "/my/reception", Some(cookie), &body_of(pairs)).await
}

dual_test!(
    a_petitioner_books_a_leaders_reception_online,
    |app: TestApp| async move {
        let g = start_gateway(&app).await;
        app.set_time("2026-03-02 10:00");
        let mine = register(
            &app,
            "王预约",
            "33010219800103111",
            "13812345678",
            "要求修复小区电梯",
        )
        .await;
        let other = register(
            &app,
            "李他人",
            "33010219800104222",
            "13900001111",
            "要求增设公交站",
        )
        .await;
        let clerk = app.token("shangcheng_xfj").await;
        let a = session(&app, &clerk, "2026-03-04", "测试厅甲", 2, true).await;
        let b = session(&app, &clerk, "2026-03-05", "测试厅乙", 5, false).await;
        let c = session(&app, &clerk, "2026-03-06", "测试厅丙", 1, true).await;
        let d = session(&app, &clerk, "2026-03-02", "测试厅丁", 5, true).await;
        session(&app, &clerk, "2026-04-20", "测试厅戊", 5, true).await;
        let f = session(&app, &clerk, "2026-03-09", "测试厅己", 5, true).await;
        let gg = session(&app, &clerk, "2026-03-10", "测试厅庚", 5, true).await;
        let h = session(&app, &clerk, "2026-03-11", "测试厅辛", 5, true).await;

        // Not signed in: back to the sign-in page.
        let r = common::web::request(&app, "GET", "/my/reception", None, "").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.location(), "/my");

        let me = signed_in(&app, &g, "13812345678").await;
        // One receiving body chosen (the calendar keeps every area's sessions).
        let area = format!("/my/reception?area={}", app.unit("杭州市上城区信访局"));
        let html = page_ok(&app, &area, &me).await;
        assert!(
            html.contains("测试厅甲") && html.contains("测试厅丙"),
            "{html}"
        );
        assert!(html.contains("2026年3月4日（星期三）"), "{html}");
        assert!(!html.contains("测试厅乙"), "not open to online booking");
        assert!(
            !html.contains("测试厅丁"),
            "today's places are kept for the window"
        );
        assert!(!html.contains("测试厅戊"), "more than 30 days ahead");
        assert!(html.contains(&mine), "one's own petitions to link");
        assert!(!html.contains(&other), "never another's");
        let home = page_ok(&app, "/my", &me).await;
        assert!(
            home.contains("href=\"/my/reception\""),
            "reachable from 我的信访"
        );

        // Every wrong field said beside it.
        let r = book(
            &app,
            &me,
            &[("session", &a.to_string()), ("name", ""), ("matter", "短")],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let t = r.text();
        assert!(
            t.contains("请填写您的姓名") && t.contains("5至500字"),
            "{t}"
        );
        let r = book(
            &app,
            &me,
            &[("name", "王预约"), ("matter", "小区电梯长期停用")],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("请选择一个接访场次"), "{}", r.text());
        let ok = |s: i64| {
            vec![
                ("session".to_string(), s.to_string()),
                ("name".to_string(), "王预约".to_string()),
                (
                    "matter".to_string(),
                    "小区电梯长期停用，物业不修".to_string(),
                ),
            ]
        };
        let pairs = |v: &Vec<(String, String)>, extra: &[(&'static str, &str)]| {
            let mut out: Vec<(String, String)> = v.clone();
            out.extend(extra.iter().map(|(k, x)| (k.to_string(), x.to_string())));
            out
        };
        let post = |v: Vec<(String, String)>| {
            let app = &app;
            let me = me.clone();
            async move {
                let refs: Vec<(&str, &str)> =
                    v.iter().map(|(k, x)| (k.as_str(), x.as_str())).collect();
                book(app, &me, &refs).await
            }
        };
        let r = post(pairs(&ok(a), &[("case_no", &other)])).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.text().contains("只能关联您本人的信访事项"),
            "{}",
            r.text()
        );

        // Booked, linked to one's own case, confirmed by SMS.
        let r = post(pairs(&ok(a), &[("case_no", &mine)])).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(r.location(), "/my/reception?done=booked");
        let html = page_ok(&app, "/my/reception?done=booked", &me).await;
        assert!(
            html.contains("预约成功") && html.contains("我的预约"),
            "{html}"
        );
        assert!(
            html.contains("已预约") && html.contains("取消这个预约"),
            "{html}"
        );
        app.app.notify_pump().await.unwrap();
        let sms = texts(&g).last().cloned().unwrap_or_default();
        assert!(
            sms.contains("2026年3月4日（星期三）")
                && sms.contains("测试厅甲")
                && sms.contains("取消预约"),
            "{sms}"
        );

        // Twice, a closed session, today's, a full one: refused in words.
        let r = post(ok(a)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("您已预约这一场次"), "{}", r.text());
        let r = post(ok(b)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("不接受网上预约"), "{}", r.text());
        let r = post(ok(d)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("接访前一天"), "{}", r.text());
        let (s, v) = app
            .post(
                &format!("/api/v1/receptions/{c}/appointments"),
                Some(&clerk),
                json!({"name": "周女士", "matter": "电梯加装"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert!(page_ok(&app, &area, &me).await.contains("已约满"));
        let r = post(ok(c)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("该场次预约已满"), "{}", r.text());

        // Three upcoming bookings at most.
        assert_eq!(post(ok(f)).await.status, StatusCode::SEE_OTHER);
        assert_eq!(post(ok(gg)).await.status, StatusCode::SEE_OTHER);
        let r = post(ok(h)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("您已有3个尚未到期的预约"), "{}", r.text());

        // Staff see it marked, the phone masked.
        let (s, cal) = app
            .get(
                "/api/v1/receptions?from=2026-03-04&to=2026-03-04",
                Some(&clerk),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let sess = cal["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == a)
            .unwrap();
        assert_eq!(sess["online"], true);
        assert_eq!(sess["booked"], 1);
        let appt = &sess["appointments"][0];
        assert_eq!(appt["online"], true);
        assert_eq!(appt["phone"], "138****5678");
        assert_eq!(appt["case_no"], mine.as_str());
        let staff = login(&app, "shangcheng_xfj").await;
        let html = page_ok(
            &app,
            "/work/reception?from=2026-03-04&to=2026-03-04",
            &staff,
        )
        .await;
        assert!(
            html.contains("网上预约") && html.contains("开放网上预约"),
            "{html}"
        );
        assert!(!html.contains("13812345678"), "masked for staff lists");

        // Cancelling: not another's, and not on the day.
        let mine_appts = app
            .app
            .store
            .online_appointments_of("13812345678")
            .await
            .unwrap();
        let id_of = |sid: i64| {
            mine_appts
                .iter()
                .find(|(x, _)| x.session_id == sid)
                .unwrap()
                .0
                .id
        };
        let them = signed_in(&app, &g, "13900001111").await;
        let r = form(
            &app,
            "/my/reception/cancel",
            Some(&them),
            &body_of(&[("appointment", &id_of(a).to_string())]),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = form(
            &app,
            "/my/reception/cancel",
            Some(&me),
            &body_of(&[("appointment", &id_of(a).to_string())]),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.location(), "/my/reception?done=cancelled");
        let html = page_ok(&app, "/my/reception?done=cancelled", &me).await;
        assert!(
            html.contains("已取消预约") && html.contains("已取消"),
            "{html}"
        );
        let (_, cal) = app
            .get(
                "/api/v1/receptions?from=2026-03-04&to=2026-03-04",
                Some(&clerk),
            )
            .await;
        let sess = cal["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == a)
            .unwrap();
        assert_eq!(sess["booked"], 0, "the place is free again");
        // A place freed: the fourth booking now fits.
        assert_eq!(post(ok(h)).await.status, StatusCode::SEE_OTHER);
        app.set_time("2026-03-09 08:00");
        // (A petitioner session lasts 12 hours: sign in again.)
        let me = signed_in(&app, &g, "13812345678").await;
        let them = signed_in(&app, &g, "13900001111").await;
        let r = form(
            &app,
            "/my/reception/cancel",
            Some(&me),
            &body_of(&[("appointment", &id_of(f).to_string())]),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("接访当天不能在网上取消"), "{}", r.text());

        // Staff close a session to online booking; a body outside the
        // calendar's area may not touch it.
        let handler = app.token("shangcheng_zhujian").await;
        let (s, v) = app
            .call(
                "PUT",
                &format!("/api/v1/receptions/{h}/online"),
                Some(&handler),
                Some(json!({"online": false})),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
        let before = page_ok(&app, &area, &them).await;
        assert!(before.contains("测试厅辛"), "{before}");
        let (s, v) = app
            .call(
                "PUT",
                &format!("/api/v1/receptions/{h}/online"),
                Some(&clerk),
                Some(json!({"online": false})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert!(!page_ok(&app, &area, &them).await.contains("测试厅辛"));
        let (s, _) = page(&app, &area, &me).await;
        assert_eq!(s, StatusCode::OK, "bookings already made stay listed");
        assert!(page_ok(&app, &area, &me).await.contains("测试厅辛"));
    }
);
