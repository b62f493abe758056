//! The leaders' dashboard as a leader reads it (issue #15): the big-number
//! cards show this period and the previous one exactly as `stats_overview`
//! computes them, every card number opens a case list stating that number,
//! a rate of nothing is "—", a unit without data ranks last with "—", chart
//! labels are names (never category codes) and every bar opens the 件次 it
//! counts, and 指标口径 lists every indicator. Runs on SQLite and PostgreSQL.

use crate::analytics::{links, march};
use crate::common;
use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};

const VOLUMES: [&str; 4] = ["submissions", "cases", "batches", "collective_batches"];
const RATES: [&str; 6] = [
    "timely_acceptance_rate",
    "on_time_completion_rate",
    "participation_rate",
    "satisfaction_rate",
    "first_time_resolution_rate",
    "county_and_below_share",
];

/// `html` from `start` to the first `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let i = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} not found"));
    let j = html[i..].find(end).map(|j| i + j).unwrap_or(html.len());
    &html[i..j]
}

/// The text of a fragment, tags removed.
fn text(fragment: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in fragment.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// (href, data-counts, text) of every `<a class="{class}" …>` in `html`.
fn tagged(html: &str, class: &str) -> Vec<(String, String, String)> {
    let open = format!("<a class=\"{class}\" href=\"");
    let mut out = vec![];
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        rest = &rest[i + open.len()..];
        let href = rest[..rest.find('"').unwrap()].replace("&amp;", "&");
        let gt = rest.find('>').unwrap();
        let counts = rest[..gt]
            .split("data-counts=\"")
            .nth(1)
            .map(|r| r[..r.find('"').unwrap()].to_string())
            .unwrap_or_default();
        let end = rest.find("</a>").unwrap();
        out.push((href, counts, rest[gt + 1..end].to_string()));
        rest = &rest[end..];
    }
    out
}

/// The card of indicator `key`.
fn card<'a>(html: &'a str, key: &str) -> &'a str {
    let start = format!("<div class=\"card kpi\" id=\"card-{key}\">");
    let c = between(html, &start, "<div class=\"dash-grid\">");
    let next = c[start.len()..]
        .find("<div class=\"card kpi\"")
        .map(|j| j + start.len())
        .unwrap_or(c.len());
    &c[..next]
}

/// The figure a case list states: its total of 事项 (`total`), or the
/// 件次 / 来访批次 / 人次 it was filtered on.
async fn list_figure(app: &TestApp, href: &str, cookie: &str, counted: &str) -> i64 {
    let html = page_ok(app, href, cookie).await;
    let tag = if counted == "total" {
        "<span id=\"total\" class=\"n\">".to_string()
    } else {
        format!("<span id=\"{counted}\">")
    };
    let i = html
        .find(&tag)
        .unwrap_or_else(|| panic!("no {counted} in {href}"))
        + tag.len();
    html[i..i + html[i..].find('<').unwrap()].parse().unwrap()
}

/// An overview figure as the dashboard writes it.
fn shown(o: &Value, key: &str) -> String {
    match &o[key] {
        Value::Number(n) if n.is_i64() => n.to_string(),
        v => v
            .as_f64()
            .map(|x| format!("{:.1}%", x * 100.0))
            .unwrap_or_else(|| "—".into()),
    }
}

/// The numerator of an overview figure (a count is its own).
fn numerator(o: &Value, key: &str) -> i64 {
    let counts = |k: &str| o["counts"][k].as_i64().unwrap();
    match key {
        "timely_acceptance_rate" => counts("accept_in_time"),
        "on_time_completion_rate" => counts("handling_in_time"),
        "participation_rate" => counts("evaluated"),
        "satisfaction_rate" => counts("satisfied_or_basically"),
        "first_time_resolution_rate" => counts("first_time"),
        "county_and_below_share" => counts("county_and_below"),
        k => o[k].as_i64().unwrap(),
    }
}

/// February, for the previous period: two online petitions at the district
/// bureau, one forwarded in time, the other never (及时受理 1 of 2).
async fn february(app: &TestApp) {
    app.set_time("2026-02-10 10:00");
    let mut nos = vec![];
    for (name, id) in [("丁", "33010219600101011"), ("戊", "33010219600101012")] {
        let (s, r) = app
            .post(
                "/api/v1/petitions",
                None,
                online_petition(name, id, "要求维修小区电梯"),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        nos.push(r["case_no"].as_str().unwrap().to_string());
    }
    app.set_time("2026-02-12 10:00");
    let bureau = app.token("shangcheng_xfj").await;
    app.act_ok(&bureau, &nos[0], json!({"action": "transfer", "to": app.unit("杭州市上城区住房和城乡建设局"), "mode": "forward", "report_due": null})).await;
    app.set_time("2026-03-02 09:00");
}

dual_test!(
    cards_show_both_periods_and_open_their_numerators,
    |app: TestApp| async move {
        february(&app).await;
        march(&app).await;
        let cookie = login(&app, "hangzhou_zf").await;
        let html = page_ok(
            &app,
            "/work/dashboard?from=2026-03-01&to=2026-03-31",
            &cookie,
        )
        .await;
        assert!(
            html.contains("对比上期 2026-01-29 至 2026-02-28"),
            "the previous period is as long and just before"
        );
        let token = app.token("hangzhou_zf").await;
        let (_, cur) = app
            .get(
                "/api/v1/stats/overview?from=2026-03-01&to=2026-03-31",
                Some(&token),
            )
            .await;
        let (_, prev) = app
            .get(
                "/api/v1/stats/overview?from=2026-01-29&to=2026-02-28",
                Some(&token),
            )
            .await;
        let mut followed = 0;
        let mut compared = 0;
        for key in VOLUMES.iter().chain(&RATES) {
            let c = card(&html, key);
            let keys: &[&str] = if *key == "batches" {
                &["batches", "persons"]
            } else {
                std::slice::from_ref(key)
            };
            for (class, o) in [("cur", &cur), ("pv", &prev)] {
                let numbers = tagged(c, class);
                let texts: Vec<&str> = numbers.iter().map(|n| n.2.as_str()).collect();
                let want: Vec<String> = keys.iter().map(|k| shown(o, k)).collect();
                assert_eq!(texts, want, "{key} {class}");
                // Each number opens a list stating its numerator.
                for ((href, counted, _), k) in numbers.iter().zip(keys) {
                    assert_eq!(
                        list_figure(&app, href, &cookie, counted).await,
                        numerator(o, k),
                        "{key} {class}: {href}"
                    );
                    followed += 1;
                }
            }
            // A rate's change in percentage points, good or bad news.
            if let (Some(a), Some(b)) = (cur[*key].as_f64(), prev[*key].as_f64()) {
                let d = (a - b) * 100.0;
                if d.abs() >= 0.05 && RATES.contains(key) {
                    let arrow = if d > 0.0 { "▲" } else { "▼" };
                    let class = if d > 0.0 { "good" } else { "bad" };
                    let want = format!(
                        "<span class=\"delta {class}\">{arrow} {:.1} 个百分点</span>",
                        d.abs()
                    );
                    assert!(c.contains(&want), "{key}: {want} in {c}");
                    compared += 1;
                }
            }
        }
        assert!(followed >= 22, "only {followed} card numbers followed");
        assert!(compared >= 1, "no rate changed between the periods");
        // 及时受理率: 1 of 4 in March, 1 of 2 in February.
        let timely = card(&html, "timely_acceptance_rate");
        assert_eq!(tagged(timely, "cur")[0].2, "25.0%");
        assert_eq!(tagged(timely, "pv")[0].2, "50.0%");
        assert!(timely.contains("▼ 25.0 个百分点"), "{timely}");
    }
);

dual_test!(rates_of_nothing_show_a_dash, |app: TestApp| async move {
    let cookie = login(&app, "hangzhou_zf").await;
    let html = page_ok(
        &app,
        "/work/dashboard?from=2025-01-01&to=2025-01-31",
        &cookie,
    )
    .await;
    for key in RATES {
        let numbers = tagged(card(&html, key), "cur");
        assert_eq!(numbers[0].2, "—", "{key}: no denominator, no rate");
        let (href, counted, _) = &numbers[0];
        assert_eq!(list_figure(&app, href, &cookie, counted).await, 0, "{key}");
    }
    for key in VOLUMES {
        assert_eq!(tagged(card(&html, key), "cur")[0].2, "0", "{key}");
    }
    let table = between(&html, "<table id=\"indicators\">", "</table>");
    assert!(
        table.contains("<tr><td>满意率</td><td><a href=") && !table.contains("0.0%"),
        "no fake 0% in {table}"
    );
    assert!(!html.contains("个百分点"), "no change without values");
    // A period ending before it starts: said so, with the period bar to fix it.
    let (s, html) = page(
        &app,
        "/work/dashboard?from=2026-03-31&to=2026-03-01",
        &cookie,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("结束日期不能早于开始日期") && html.contains("name=\"from\""));
});

dual_test!(
    units_without_data_rank_last_with_a_dash,
    |app: TestApp| async move {
        march(&app).await;
        let cookie = login(&app, "shangcheng_zf").await;
        let html = page_ok(
            &app,
            "/work/dashboard?from=2026-03-01&to=2026-03-31",
            &cookie,
        )
        .await;
        let section = between(&html, "<section id=\"rankings\">", "</section>");
        let body = between(section, "<tbody>", "</table>");
        let rows: Vec<(bool, Vec<String>)> = body
            .split("<tr")
            .skip(1)
            .filter(|r| !r.starts_with(" class=\"group\""))
            .map(|r| {
                let cells = r
                    .split("<td")
                    .skip(1)
                    .map(|c| text(&format!("<{c}")))
                    .collect();
                (r.starts_with(" class=\"nodata\""), cells)
            })
            .collect();
        let scored = rows.iter().take_while(|(nodata, _)| !nodata).count();
        assert!(scored >= 1, "someone was assessed: {section}");
        assert!(scored < rows.len(), "someone had nothing: {section}");
        for (i, (nodata, cells)) in rows.iter().enumerate() {
            // 名次, 单位, 得分, then the four rates.
            if i < scored {
                assert_eq!(cells[0], (i + 1).to_string(), "{cells:?}");
                assert!(cells[2].parse::<f64>().is_ok(), "{cells:?}");
            } else {
                assert!(nodata, "a unit with data after one without: {cells:?}");
                assert_eq!((cells[0].as_str(), cells[2].as_str()), ("—", "—"));
                assert!(cells[3..].iter().all(|c| c == "—"), "{cells:?}");
            }
        }
        let quiet = "杭州市上城区南星街道";
        app.unit(quiet);
        let row = rows
            .iter()
            .find(|(_, c)| c[1] == quiet)
            .unwrap_or_else(|| panic!("{quiet} not listed: {section}"));
        assert!(row.0, "{quiet} had no case in March");
        let group = format!("本期无考核数据的单位 {} 个", rows.len() - scored);
        assert!(section.contains(&group), "{group}");
        // The API says the same: no score, no place, after every scored unit.
        let token = app.token("shangcheng_zf").await;
        let (_, r) = app
            .get(
                "/api/v1/stats/rankings?from=2026-03-01&to=2026-03-31",
                Some(&token),
            )
            .await;
        let units = r["units"].as_array().unwrap();
        let at = units.iter().position(|u| u["unit"] == quiet).unwrap();
        assert_eq!(
            (&units[at]["score"], &units[at]["rank"]),
            (&Value::Null, &Value::Null)
        );
        assert!(units[at..].iter().all(|u| u["score"].is_null()), "{r}");
        assert_eq!(units.len(), rows.len(), "page and API list the same units");
    }
);

dual_test!(
    charts_name_categories_and_every_bar_drills_down,
    |app: TestApp| async move {
        let clerk = app.token("shangcheng_xfj").await;
        let wages = "劳动和社会保障/劳动报酬/拖欠农民工工资";
        for (i, (cat, channel)) in [
            (wages, "letter"),
            ("城乡建设/房地产/交房难", "online"),
            (wages, "visit"),
        ]
        .iter()
        .enumerate()
        {
            let mut b = online_petition(
                &format!("分类{i}"),
                &format!("33010219800101{:03}", 100 + i),
                "要求解决拖欠问题",
            );
            b["channel"] = json!(channel);
            b["category"] = json!(cat);
            let (s, v) = app.post("/api/v1/cases", Some(&clerk), b).await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
        }
        let code = app.app.resolve_category(wages).unwrap();
        assert!(
            code.chars().all(|c| c.is_ascii_digit()),
            "stored as a code: {code}"
        );
        let cookie = login(&app, "shangcheng_zf").await;
        let html = page_ok(
            &app,
            "/work/dashboard?from=2026-03-01&to=2026-03-31",
            &cookie,
        )
        .await;
        // Every chart label on the page is a name.
        let labels: Vec<String> = html
            .split("<text class=\"lbl\"")
            .skip(1)
            .map(|t| text(&format!("<x{}", &t[..t.find("</text>").unwrap()])))
            .collect();
        assert!(labels.len() >= 10, "{labels:?}");
        for l in &labels {
            assert!(
                !l.is_empty() && !l.chars().all(|c| c.is_ascii_digit()),
                "a code as a label: {l:?}"
            );
        }
        assert!(labels.iter().any(|l| l == wages), "{labels:?}");
        let by_category = between(&html, "<section id=\"by-category\">", "</section>");
        assert!(
            !by_category.contains(&format!(">{code}<")),
            "the code {code} shown in {by_category}"
        );
        // Every bar, pyramid row and trend block is a link whose list states its 件次.
        let svgs: Vec<&str> = html
            .split("<svg")
            .skip(1)
            .map(|s| &s[..s.find("</svg>").unwrap()])
            .collect();
        assert!(svgs.len() >= 7, "pyramid, trend and five breakdowns");
        let mut followed = 0;
        for svg in &svgs {
            for shape in ["<rect class=\"bar", "<rect class=\"seg"] {
                for (i, _) in svg.match_indices(shape) {
                    let before = &svg[..i];
                    let open = before.rfind("<a href=").expect("inside a link");
                    assert!(!before[open..].contains("</a>"), "{shape} outside a link");
                }
            }
            for a in svg.split("<a href=\"").skip(1) {
                let href = a[..a.find('"').unwrap()].replace("&amp;", "&");
                let title = between(a, "<title>", "</title>");
                let n: i64 = title[title.rfind('：').unwrap() + '：'.len_utf8()..]
                    .split(' ')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap_or_else(|_| panic!("{title}"));
                assert_eq!(
                    list_figure(&app, &href, &cookie, "submissions").await,
                    n,
                    "{title}: {href}"
                );
                followed += 1;
            }
        }
        assert!(followed >= 15, "only {followed} chart links followed");
        // The API's breakdown names the category too.
        let (_, b) = app
            .get(
                "/api/v1/stats/breakdowns?from=2026-03-01&to=2026-03-31",
                Some(&clerk),
            )
            .await;
        let cats = b["breakdowns"]["category"].as_array().unwrap();
        assert!(
            cats.iter()
                .any(|c| c["label"] == wages && c["key"] == code.as_str()),
            "{b}"
        );
    }
);

dual_test!(
    definitions_are_one_click_away_and_exports_answer,
    |app: TestApp| async move {
        march(&app).await;
        let cookie = login(&app, "hangzhou_zf").await;
        let html = page_ok(
            &app,
            "/work/dashboard?from=2026-03-01&to=2026-03-31",
            &cookie,
        )
        .await;
        assert!(
            !html.contains("docs/") && !html.contains("ARCHITECTURE"),
            "no developer note on the page"
        );
        for quick in ["本月", "本季度", "本年", "上月"] {
            assert!(html.contains(&format!("{quick}</a>")), "{quick}");
        }
        let (href, _) = links(&html)
            .into_iter()
            .find(|(_, t)| t == "指标口径")
            .expect("a link to 指标口径");
        let defs = page_ok(&app, &href, &cookie).await;
        let table = between(&html, "<table id=\"indicators\">", "</table>");
        let names: Vec<&str> = table
            .split("<tr><td>")
            .skip(1)
            .map(|r| &r[..r.find("</td>").unwrap()])
            .collect();
        assert!(names.len() >= 14, "{names:?}");
        for name in names {
            let row = between(&defs, &format!("<th scope=\"row\">{name}</th>"), "</tr>");
            let cells: Vec<String> = row
                .split("<td")
                .skip(1)
                .map(|c| text(&format!("<{c}")))
                .collect();
            assert_eq!(
                cells.len(),
                4,
                "{name}: numerator, denominator, basis, source"
            );
            assert!(cells.iter().all(|c| !c.is_empty()), "{name}: {cells:?}");
            assert!(
                cells[3].contains("《信访工作条例》第") && cells[3].contains('条'),
                "{name}: {}",
                cells[3]
            );
        }
        assert!(defs.contains("单位考核得分") && defs.contains("第三十九条"));
        // The Excel exports, from the toolbar.
        let toolbar = between(&html, "<nav class=\"toolbar\"", "</nav>");
        let exports: Vec<String> = links(toolbar)
            .into_iter()
            .map(|(h, _)| h)
            .filter(|h| h.contains(".xlsx"))
            .collect();
        assert_eq!(exports.len(), 4, "{toolbar}");
        for href in exports {
            let r = fetch(&app, &href, &cookie).await;
            assert_eq!(r.status, StatusCode::OK, "{href}");
            assert!(
                r.header("content-type")
                    .unwrap_or_default()
                    .contains("spreadsheetml"),
                "{href}"
            );
        }
    }
);
