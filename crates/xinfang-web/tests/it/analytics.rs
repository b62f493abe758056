//! Dashboard drill-down (every checked figure equals the count of the case
//! list its link opens), hot issues week over week, the reception calendar
//! (第十八条) and the all-or-nothing Excel import of historical cases. Runs on
//! SQLite and PostgreSQL.

use crate::common;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use serde_json::{json, Value};

/// The total the case list shows for a drill-down link.
pub(crate) async fn list_total(app: &TestApp, href: &str, cookie: &str) -> i64 {
    let html = page_ok(app, href, cookie).await;
    let open = "<span id=\"total\" class=\"n\">";
    let i = html.find(open).expect("total") + open.len();
    html[i..i + html[i..].find('<').unwrap()].parse().unwrap()
}

/// (href, text) of every link in `html`.
pub(crate) fn links(html: &str) -> Vec<(String, String)> {
    let mut out = vec![];
    let mut rest = html;
    while let Some(i) = rest.find("<a href=\"") {
        rest = &rest[i + 9..];
        let q = rest.find('"').unwrap();
        let href = rest[..q].replace("&amp;", "&");
        let gt = rest.find('>').unwrap();
        let end = rest.find("</a>").unwrap();
        out.push((href, rest[gt + 1..end].to_string()));
        rest = &rest[end..];
    }
    out
}

/// The row of the indicators table whose first cell is `name`.
fn indicator_row<'a>(html: &'a str, name: &str) -> &'a str {
    let t = html.find("<table id=\"indicators\">").unwrap();
    let i = t + html[t..]
        .find(&format!("<tr><td>{name}</td>"))
        .unwrap_or_else(|| panic!("row {name}"));
    &html[i..i + html[i..].find("</tr>").unwrap()]
}

/// A small March: three online cases (A forwarded, answered, delivered,
/// evaluated; B forwarded late), a collective visit at the city bureau, a repeat letter.
pub(crate) async fn march(app: &TestApp) {
    let bureau = app.token("shangcheng_xfj").await;
    let zhujian = app.token("shangcheng_zhujian").await;
    let mut nos = vec![];
    for (name, id, req) in [
        ("甲", "33010219600101001", "要求交付东湖小区商品房"),
        ("乙", "33010219600101002", "要求支付拖欠工资"),
        ("丙", "33010219600101003", "要求处理噪音扰民"),
    ] {
        let (s, r) = app
            .post("/api/v1/petitions", None, online_petition(name, id, req))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        nos.push(r["case_no"].as_str().unwrap().to_string());
    }
    let city = app.token("hangzhou_xfj").await;
    let reps: Vec<_> = (0..3)
        .map(|i| json!({"name": format!("代表{i}"), "address": "湖滨街道"}))
        .collect();
    let (s, v) = app.post("/api/v1/cases", Some(&city), json!({"channel": "visit", "petitioners": reps, "persons": 8, "request": "要求解决回迁安置房逾期交付问题", "region_code": "330102"})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let a = &nos[0];
    app.set_time("2026-03-03 10:00");
    app.act_ok(&bureau, a, json!({"action": "transfer", "to": app.unit("杭州市上城区住房和城乡建设局"), "mode": "forward", "report_due": null})).await;
    app.act_ok(&zhujian, a, json!({"action": "sign"})).await;
    app.set_time("2026-03-04 10:00");
    app.act_ok(
        &zhujian,
        a,
        json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
    )
    .await;
    app.set_time("2026-03-10 10:00");
    app.act_ok(
        &zhujian,
        a,
        json!({"action": "reply", "outcome": "support", "basis": "合同约定", "text": "限期交房。"}),
    )
    .await;
    app.set_time("2026-03-11 10:00");
    app.act_ok(&zhujian, a, json!({"action": "deliver"})).await;
    app.set_time("2026-03-12 10:00");
    app.act_ok(
        &zhujian,
        a,
        json!({"action": "evaluate", "satisfaction": "satisfied", "reason": ""}),
    )
    .await;
    app.set_time("2026-03-15 10:00");
    let mut again = online_petition("甲", "33010219600101001", "要求交付东湖小区商品房");
    again["channel"] = json!("letter");
    let (_, v) = app.post("/api/v1/cases", Some(&bureau), again).await;
    assert_eq!(v["repeat_of"], a.as_str(), "{v}");
    app.set_time("2026-03-20 10:00");
    app.act_ok(&bureau, &nos[1], json!({"action": "transfer", "to": app.unit("杭州市上城区人力资源和社会保障局"), "mode": "forward", "report_due": null})).await;
    app.set_time("2026-03-31 18:00");
}

dual_test!(
    dashboard_figures_drill_down_to_their_cases,
    |app: TestApp| async move {
        march(&app).await;
        let cookie = login(&app, "hangzhou_zf").await;
        let html = page_ok(
            &app,
            "/work/dashboard?from=2026-03-01&to=2026-03-31",
            &cookie,
        )
        .await;
        // Numerator and denominator of each rate, and the case count, equal their lists.
        let mut checked = 0;
        for name in [
            "信访事项（登记）",
            "集体访批次",
            "及时受理率",
            "按期办结率",
            "参评率",
            "满意率",
            "一次性化解率",
        ] {
            let row = indicator_row(&html, name);
            let ls = links(row);
            assert!(!ls.is_empty(), "{name}: no link in {row}");
            // The value cell links too; numerator/denominator cells are plain numbers.
            for (href, text) in ls.iter().filter(|(_, t)| t.parse::<i64>().is_ok()) {
                let n: i64 = text.parse().unwrap();
                assert_eq!(list_total(&app, href, &cookie).await, n, "{name}: {href}");
                checked += 1;
            }
        }
        assert!(checked >= 12, "only {checked} figures checked");
        // Hand-counted: 4 duties to forward/notify fell due in March, one met in time.
        let timely = links(indicator_row(&html, "及时受理率"));
        let nums: Vec<&str> = timely.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(nums, ["25.0%", "1", "4"]);
        // Breakdowns: every 信访事项 figure of the channel and level tables equals its list.
        for section in ["by-channel", "by-level", "by-region", "by-kind"] {
            let s = html
                .find(&format!("<section id=\"{section}\">"))
                .unwrap_or_else(|| panic!("{section}"));
            let body = &html[s..s + html[s..].find("</section>").unwrap()];
            let table = &body[body.find("<table>").unwrap()..];
            for row in table.split("<tr>").skip(2) {
                let ls = links(row);
                let (href, text) = ls.last().unwrap();
                assert_eq!(
                    list_total(&app, href, &cookie).await,
                    text.parse::<i64>().unwrap(),
                    "{section}: {href}"
                );
            }
        }
        // 件次/批次/人次 figures: each opens the cases behind them, and the list
        // states the 件次/批次/人次 it was filtered on — equal to the figure.
        let volume = |html: &str, id: &str| -> i64 {
            let tag = if id == "total" {
                "<span id=\"total\" class=\"n\">".to_string()
            } else {
                format!("<span id=\"{id}\">")
            };
            let i = html.find(&tag).unwrap_or_else(|| panic!("{id}")) + tag.len();
            html[i..i + html[i..].find('<').unwrap()].parse().unwrap()
        };
        let mut followed = 0;
        for section in [
            "by-channel",
            "by-level",
            "by-region",
            "by-kind",
            "by-category",
        ] {
            let s = html
                .find(&format!("<section id=\"{section}\">"))
                .unwrap_or_else(|| panic!("{section}"));
            let body = &html[s..s + html[s..].find("</section>").unwrap()];
            let table = &body[body.find("<table>").unwrap()..];
            for row in table.split("<tr>").skip(2) {
                let ls = links(row);
                assert_eq!(ls.len(), 4, "{section}: {row}");
                let n = |i: usize| ls[i].1.parse::<i64>().unwrap();
                let (_, list) = page(&app, &ls[0].0, &cookie).await;
                assert_eq!(
                    volume(&list, "submissions"),
                    n(0),
                    "{section} 件次: {}",
                    ls[0].0
                );
                assert_eq!(volume(&list, "total"), n(3), "{section} 事项: {}", ls[0].0);
                let (_, list) = page(&app, &ls[1].0, &cookie).await;
                assert_eq!(
                    volume(&list, "batches"),
                    n(1),
                    "{section} 批次: {}",
                    ls[1].0
                );
                let (_, list) = page(&app, &ls[2].0, &cookie).await;
                assert_eq!(
                    volume(&list, "persons"),
                    n(2),
                    "{section} 人次: {}",
                    ls[2].0
                );
                followed += 1;
            }
        }
        assert!(followed >= 8, "only {followed} breakdown rows followed");
        for (name, id) in [
            ("信访件次", "submissions"),
            ("来访批次", "batches"),
            ("来访人次", "persons"),
        ] {
            let (href, text) = links(indicator_row(&html, name)).remove(0);
            let (_, list) = page(&app, &href, &cookie).await;
            assert_eq!(
                volume(&list, id),
                text.parse::<i64>().unwrap(),
                "{name}: {href}"
            );
            assert!(
                list.contains("一件事项可有多个件次"),
                "the list says what it shows"
            );
        }
        // The same breakdowns by API: 5 件次, one visit batch of 8.
        let token = app.token("hangzhou_zf").await;
        let (s, b) = app
            .get(
                "/api/v1/stats/breakdowns?from=2026-03-01&to=2026-03-31",
                Some(&token),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let ch = b["breakdowns"]["channel"].as_array().unwrap();
        assert_eq!(
            ch.iter()
                .map(|r| r["submissions"].as_i64().unwrap())
                .sum::<i64>(),
            5
        );
        let visit = ch.iter().find(|r| r["key"] == "visit").unwrap();
        assert_eq!(
            (
                visit["batches"].as_i64(),
                visit["persons"].as_i64(),
                visit["label"].as_str()
            ),
            (Some(1), Some(8), Some("来访"))
        );
        let (s, _) = app
            .get(
                "/api/v1/stats/breakdowns?from=2026-03-31&to=2026-03-01",
                Some(&token),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        // The visit channel: 1 batch of 8 persons.
        let s = html.find("<section id=\"by-channel\">").unwrap();
        assert!(html[s..].contains("来访"));
        // Each statistics table exports to Excel.
        let r = request(
            &app,
            "GET",
            "/work/stats/tables.xlsx?from=2026-03-01&to=2026-03-31",
            Some(&cookie),
            "",
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        let bytes = r.body;
        use calamine::{DataType, Reader};
        let mut wb: calamine::Xlsx<_> =
            calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let names = wb.sheet_names();
        for want in ["件次按渠道", "单位考核排名", "热点内容分类", "热点诉求词语"]
        {
            assert!(names.iter().any(|n| n == want), "{want} not in {names:?}");
        }
        let r = wb.worksheet_range("件次按渠道").unwrap();
        let total: f64 = r.rows().skip(1).filter_map(|row| row[1].get_float()).sum();
        assert_eq!(total, 5.0, "件次 by channel sum to the 5 submissions");
    }
);

dual_test!(hot_issues_rise_week_over_week, |app: TestApp| async move {
    let clerk = app.token("shangcheng_xfj").await;
    let reg = |name: String, id: String, req: &str, cat: &str| {
        let mut b = online_petition(&name, &id, req);
        b["channel"] = json!("letter");
        b["category"] = json!(cat);
        b
    };
    // Last week: one wage case, two housing cases.
    app.set_time("2026-02-24 10:00");
    let mut n = 0;
    let mut next = || {
        n += 1;
        (
            format!("人{n}"),
            format!("330102198001{:02}{:03}", n % 28 + 1, n),
        )
    };
    for (req, cat) in [
        ("要求支付拖欠工资", "劳动和社会保障/劳动报酬/拖欠农民工工资"),
        ("要求开发商交付住房", "城乡建设/房地产/交房难"),
        ("要求开发商交付住房", "城乡建设/房地产/交房难"),
    ] {
        let (name, id) = next();
        let (s, v) = app
            .post("/api/v1/cases", Some(&clerk), reg(name, id, req, cat))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    // This week: four wage cases, two housing cases.
    app.set_time("2026-03-03 10:00");
    for (req, cat) in [
        ("要求支付拖欠工资", "劳动和社会保障/劳动报酬/拖欠农民工工资"),
        (
            "工地老板拖欠工资不付",
            "劳动和社会保障/劳动报酬/拖欠农民工工资",
        ),
        ("要求支付拖欠工资", "劳动和社会保障/劳动报酬/拖欠农民工工资"),
        ("拖欠工资三个月", "劳动和社会保障/劳动报酬/拖欠农民工工资"),
        ("要求开发商交付住房", "城乡建设/房地产/交房难"),
        ("要求开发商交付住房", "城乡建设/房地产/交房难"),
    ] {
        let (name, id) = next();
        let (s, v) = app
            .post("/api/v1/cases", Some(&clerk), reg(name, id, req, cat))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let (s, h) = app
        .get("/api/v1/stats/hot?week=2026-03-04", Some(&clerk))
        .await;
    assert_eq!(s, StatusCode::OK, "{h}");
    assert_eq!(h["week_from"], "2026-03-02");
    let cats = h["categories"].as_array().unwrap();
    assert_eq!(cats.len(), 1, "housing did not rise: {h}");
    assert_eq!(
        (
            cats[0]["label"].as_str(),
            cats[0]["this_week"].as_i64(),
            cats[0]["last_week"].as_i64(),
            cats[0]["rise"].as_i64()
        ),
        (
            Some("劳动和社会保障/劳动报酬/拖欠农民工工资"),
            Some(4),
            Some(1),
            Some(3)
        )
    );
    let terms = h["terms"].as_array().unwrap();
    let wage = terms
        .iter()
        .find(|t| t["key"] == "拖欠工资")
        .unwrap_or_else(|| panic!("拖欠工资 not hot: {h}"));
    assert_eq!(
        (wage["this_week"].as_i64(), wage["last_week"].as_i64()),
        (Some(4), Some(1))
    );
    assert!(
        terms.iter().all(|t| t["key"] != "要求"),
        "generic petition words removed: {h}"
    );
    // Bad and missing input.
    let (s, _) = app
        .get("/api/v1/stats/hot?week=2026-13-01", Some(&clerk))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = app.get("/api/v1/stats/hot", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = app
        .get("/api/v1/stats/hot?week=%2B262143-12-31", Some(&clerk))
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "far dates refused, not a panic"
    );
    let (s, _) = app
        .get("/api/v1/receptions?from=%2B262143-12-31", Some(&clerk))
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "far dates refused, not a panic"
    );
    // Documented for schemathesis.
    let (_, doc) = app.get("/api/openapi.json", None).await;
    for path in [
        "/api/v1/stats/hot",
        "/api/v1/stats/breakdowns",
        "/api/v1/receptions",
        "/api/v1/receptions/{id}/appointments",
        "/api/v1/receptions/{id}/cancel",
        "/api/v1/receptions/minimum",
        "/api/v1/import/cases",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} not documented");
    }
    // Drill-down from the dashboard's hot table: the category's this-week count.
    let cookie = login(&app, "shangcheng_xfj").await;
    let html = page_ok(
        &app,
        "/work/dashboard?from=2026-02-01&to=2026-03-04",
        &cookie,
    )
    .await;
    let s = html.find("<section id=\"hot\">").unwrap();
    let hot = &html[s..s + html[s..].find("</section>").unwrap()];
    let (href, text) = links(hot)
        .into_iter()
        .find(|(h, _)| h.contains("category=") && h.contains("from=2026-03-02"))
        .expect("category link");
    assert_eq!(text, "4");
    assert_eq!(list_total(&app, &href, &cookie).await, 4);
});

dual_test!(
    reception_calendar_sessions_bookings_and_sensitive_weeks,
    |app: TestApp| async move {
        let clerk = app.token("shangcheng_xfj").await;
        let session = json!({"kind": "hall", "leader": "王区长", "date": "2026-03-05", "slot": "09:00-11:30", "place": "上城区信访接待大厅", "capacity": 1});
        let (s, v) = app
            .post("/api/v1/receptions", Some(&clerk), session.clone())
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let id = v["id"].as_i64().unwrap();
        // Every bad field named; nothing stored.
        let (s, v) = app.post("/api/v1/receptions", Some(&clerk), json!({"kind": "down", "leader": "", "date": "2026-03-01", "slot": "11:00-09:00", "place": "", "capacity": 0})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let fields: Vec<_> = v["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(fields, ["leader", "date", "slot", "place", "capacity"]);
        let (s, _) = app
            .post("/api/v1/receptions", Some(&clerk), json!({"kind": "x"}))
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        // A handler of another area may not schedule for 上城区.
        let ningbo = app.token("haishu_xfj").await;
        let mut other = session.clone();
        other["unit_id"] = json!(app.unit("杭州市上城区信访局"));
        let (s, _) = app.post("/api/v1/receptions", Some(&ningbo), other).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // Book: capacity 1.
        let (s, v) = app
            .post(
                &format!("/api/v1/receptions/{id}/appointments"),
                Some(&clerk),
                json!({"name": "张三", "phone": "13812345678", "matter": "小区交房问题"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (s, v) = app
            .post(
                &format!("/api/v1/receptions/{id}/appointments"),
                Some(&clerk),
                json!({"name": "李四", "matter": "欠薪"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(v.to_string().contains("已满"), "{v}");
        let (s, v) = app
            .post(
                &format!("/api/v1/receptions/{id}/appointments"),
                Some(&clerk),
                json!({"name": "李四", "matter": "欠薪", "case_no": "XF2026330102999999"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        // Out of scope: invisible, cannot book.
        let (s, _) = app
            .post(
                &format!("/api/v1/receptions/{id}/appointments"),
                Some(&ningbo),
                json!({"name": "王五", "matter": "欠薪"}),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, v) = app
            .get(
                "/api/v1/receptions?from=2026-03-02&to=2026-03-08",
                Some(&ningbo),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v["sessions"].as_array().unwrap().len(), 0);
        let (s, _) = app.get("/api/v1/receptions/abc/cancel", Some(&clerk)).await;
        assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
        let (s, _) = app
            .post("/api/v1/receptions/abc/cancel", Some(&clerk), json!({}))
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        // The list masks the phone.
        let (_, v) = app
            .get(
                "/api/v1/receptions?from=2026-03-02&to=2026-03-08",
                Some(&clerk),
            )
            .await;
        let sess = &v["sessions"][0];
        assert_eq!(
            (sess["booked"].as_i64(), sess["kind_label"].as_str()),
            (Some(1), Some("接访"))
        );
        let phone = sess["appointments"][0]["phone"].as_str().unwrap();
        assert!(
            !phone.contains("12345678") && phone.starts_with("138"),
            "{phone}"
        );
        // No sensitive period: no weeks to flag.
        assert_eq!(v["sensitive_weeks"].as_array().unwrap().len(), 0);
        // In a sensitive period the district (1 session) is below the minimum of 2.
        let admin = app.token("admin").await;
        let (s, _) = app
            .call(
                "PUT",
                "/api/v1/sensitive-periods",
                Some(&admin),
                Some(json!([{"name": "全国两会", "from": "2026-03-01", "to": "2026-03-15"}])),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let (_, v) = app
            .get(
                "/api/v1/receptions?from=2026-03-02&to=2026-03-08",
                Some(&clerk),
            )
            .await;
        let weeks = v["sensitive_weeks"].as_array().unwrap();
        assert_eq!(weeks.len(), 1, "{v}");
        let below = weeks[0]["below_minimum"].as_array().unwrap();
        let district = below
            .iter()
            .find(|b| b["unit"] == "杭州市上城区人民政府")
            .unwrap_or_else(|| panic!("{v}"));
        assert_eq!(
            (district["held"].as_i64(), district["missing"].as_i64()),
            (Some(1), Some(1))
        );
        // With the minimum set to 1 the district is no longer flagged.
        let (s, _) = app
            .call(
                "PUT",
                "/api/v1/receptions/minimum",
                Some(&clerk),
                Some(json!({"min_per_week": 1})),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = app
            .call(
                "PUT",
                "/api/v1/receptions/minimum",
                Some(&admin),
                Some(json!({"min_per_week": 1})),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let (_, v) = app
            .get(
                "/api/v1/receptions?from=2026-03-02&to=2026-03-08",
                Some(&clerk),
            )
            .await;
        assert!(
            v["sensitive_weeks"][0]["below_minimum"]
                .as_array()
                .unwrap()
                .iter()
                .all(|b| b["unit"] != "杭州市上城区人民政府"),
            "{v}"
        );
        // Cancel: kept, marked, no more bookings.
        let (s, _) = app
            .post(
                &format!("/api/v1/receptions/{id}/cancel"),
                Some(&clerk),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let (_, v) = app
            .get(
                "/api/v1/receptions?from=2026-03-02&to=2026-03-08",
                Some(&clerk),
            )
            .await;
        assert_eq!(v["sessions"][0]["status"], "cancelled");
        // Audited in the chain.
        let kinds: Vec<String> = app
            .app
            .store
            .audit_entries("reception", 10)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect();
        for k in ["session_created", "appointment_booked", "session_cancelled"] {
            assert!(kinds.iter().any(|x| x == k), "{k} not in {kinds:?}");
        }
        assert!(app.app.store.verify_chain().await.unwrap().is_ok());
        // The page renders the calendar with a CSRF form.
        let cookie = login(&app, "shangcheng_xfj").await;
        let html = page_ok(
            &app,
            "/work/reception?from=2026-03-02&to=2026-03-08",
            &cookie,
        )
        .await;
        assert!(
            html.contains("王区长") && html.contains("name=\"csrf\"") && html.contains("已取消")
        );
    }
);

/// A workbook with the documented header and these rows.
fn workbook(rows: &[[&str; 14]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, (h, _)) in xinfang_app::import::row::COLUMNS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

async fn upload(app: &TestApp, token: &str, dry_run: bool, bytes: Vec<u8>) -> (StatusCode, Value) {
    let req = Request::builder()
        .method("POST")
        .uri(format!("/api/v1/import/cases?dry_run={dry_run}"))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/octet-stream")
        .body(Body::from(bytes))
        .unwrap();
    let r = send(app, req).await;
    (r.status, r.json())
}

async fn case_count(app: &TestApp) -> i64 {
    app.app
        .store
        .count_cases(&xinfang_store::CaseFilter::default())
        .await
        .unwrap()
}

dual_test!(
    excel_import_dry_run_then_all_or_nothing,
    |app: TestApp| async move {
        let admin = app.token("admin").await;
        let id = id_with_check("33010219700101002");
        let good: Vec<[&str; 14]> = vec![
            [
                "2025-06-03",
                "来信",
                "申诉求决类",
                "赵一",
                &id,
                "13812345678",
                "湖滨街道",
                "330102",
                "杭州市上城区信访局",
                "",
                "要求支付拖欠工资",
                "工地拖欠三个月工资",
                "劳动和社会保障/劳动报酬/拖欠农民工工资",
                "已登记",
            ],
            [
                "2025/6/4",
                "来访",
                "申诉求决类",
                "钱二、孙三",
                "",
                "",
                "",
                "330102",
                "杭州市上城区信访局",
                "7",
                "要求解决安置房交付",
                "",
                "",
                "",
            ],
            [
                "2025年6月5日",
                "网上信访",
                "建议意见类",
                "李四",
                "",
                "0571-87654321",
                "",
                "330102",
                "杭州市上城区信访局",
                "",
                "建议增设公交站点",
                "",
                "",
                "",
            ],
        ];
        let before = case_count(&app).await;
        let (s, r) = upload(&app, &admin, true, workbook(&good)).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(
            (
                r["rows"].as_i64(),
                r["accepted"].as_i64(),
                r["rejected"].as_array().map(Vec::len)
            ),
            (Some(3), Some(3), Some(0)),
            "{r}"
        );
        assert_eq!(case_count(&app).await, before, "a dry run writes nothing");
        // Not an administrator; not a workbook.
        let clerk = app.token("shangcheng_xfj").await;
        assert_eq!(
            upload(&app, &clerk, true, workbook(&good)).await.0,
            StatusCode::FORBIDDEN
        );
        let (s, r) = upload(&app, &admin, true, b"not a workbook".to_vec()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
        // The real run: three cases, numbered, marked imported, counted like any other.
        let (s, r) = upload(&app, &admin, false, workbook(&good)).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        let nos: Vec<String> = r["case_nos"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        assert_eq!(nos.len(), 3);
        assert!(nos.iter().all(|n| n.starts_with("XF2025330102")), "{nos:?}");
        assert_eq!(case_count(&app).await, before + 3);
        assert_eq!(app.app.store.imported_count().await.unwrap(), 3);
        let (_, c) = app
            .get(&format!("/api/v1/cases/{}", nos[0]), Some(&clerk))
            .await;
        assert_eq!(
            c["case"]["registered_at"].as_str().map(|s| &s[..10]),
            Some("2025-06-03"),
            "{c}"
        );
        let (_, o) = app
            .get(
                "/api/v1/stats/overview?from=2025-06-01&to=2025-06-30",
                Some(&clerk),
            )
            .await;
        assert_eq!(
            (
                o["submissions"].as_i64(),
                o["batches"].as_i64(),
                o["persons"].as_i64()
            ),
            (Some(3), Some(1), Some(7)),
            "{o}"
        );
        assert!(app.app.store.verify_chain().await.unwrap().is_ok());
        // One bad ID and one unknown unit: the dry run names both rows, the real run writes nothing.
        // The same number with a wrong check digit.
        let wrong = if id.ends_with('0') { '1' } else { '0' };
        let bad_id = format!("{}{wrong}", &id[..17]);
        let mut bad = good.clone();
        bad[1][4] = &bad_id;
        bad[2][8] = "不存在的单位";
        let (s, r) = upload(&app, &admin, true, workbook(&bad)).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        let rejected = r["rejected"].as_array().unwrap();
        assert_eq!(rejected.len(), 2, "{r}");
        assert_eq!(rejected[0]["row"], 3);
        assert!(rejected[0]["reasons"].to_string().contains("身份证"), "{r}");
        assert_eq!(rejected[1]["row"], 4);
        assert!(
            rejected[1]["reasons"].to_string().contains("登记单位"),
            "{r}"
        );
        let (s, r) = upload(&app, &admin, false, workbook(&bad)).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(r["case_nos"].as_array().unwrap().len(), 0, "{r}");
        assert_eq!(
            case_count(&app).await,
            before + 3,
            "nothing written when any row is bad"
        );
        assert_eq!(app.app.store.imported_count().await.unwrap(), 3);
    }
);

dual_test!(admin_page_uploads_a_workbook, |app: TestApp| async move {
    let rows = [[
        "2025-06-03",
        "来信",
        "申诉求决类",
        "赵一",
        "",
        "",
        "",
        "330102",
        "杭州市上城区信访局",
        "",
        "要求支付拖欠工资",
        "",
        "",
        "",
    ]; 1];
    let cookie = login(&app, "admin").await;
    let html = page_ok(&app, "/admin/import", &cookie).await;
    let i = html.find("name=\"csrf\" value=\"").unwrap() + 19;
    let csrf = html[i..i + 64].to_string();
    let multipart = |csrf: &str, dry: bool, file: &[u8]| {
        let b = "XfBoundary7";
        let mut body =
            format!("--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n")
                .into_bytes();
        if dry {
            body.extend(
                format!("--{b}\r\nContent-Disposition: form-data; name=\"dry_run\"\r\n\r\n1\r\n")
                    .bytes(),
            );
        }
        body.extend(format!("--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"h.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n").bytes());
        body.extend_from_slice(file);
        body.extend(format!("\r\n--{b}--\r\n").bytes());
        Request::builder()
            .method("POST")
            .uri("/admin/import")
            .header("cookie", &cookie)
            .header("content-type", format!("multipart/form-data; boundary={b}"))
            .body(Body::from(body))
            .unwrap()
    };
    let before = case_count(&app).await;
    let r = send(&app, multipart("bad", false, &workbook(&rows))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = send(&app, multipart(&csrf, true, &workbook(&rows))).await;
    assert_eq!(r.status, StatusCode::OK);
    let html2 = r.text();
    assert!(html2.contains("校验结果：共 1 行，合格 1 行"), "{html2}");
    assert_eq!(case_count(&app).await, before);
    let html3 = send(&app, multipart(&csrf, false, &workbook(&rows)))
        .await
        .text();
    assert!(html3.contains("已导入 1 件"), "{html3}");
    assert_eq!(case_count(&app).await, before + 1);
    // Not an administrator: no form.
    let clerk = login(&app, "shangcheng_xfj").await;
    let (s, _) = page(&app, "/admin/import", &clerk).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
});
