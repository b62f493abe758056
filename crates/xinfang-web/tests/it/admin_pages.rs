//! The 系统管理 pages in-process on SQLite and PostgreSQL: only
//! administrators get in (403 page for others), forms need the session's CSRF
//! token, and each form changes what it says (units, users, taxonomy,
//! lexicon, clock rules, sensitive periods) — plus the 零报告 page where a
//! 信访局 records its daily report and the registration form's taxonomy select.

use crate::common;
use axum::http::StatusCode;
use common::web::{fetch, page_ok};
use common::*;
use xinfang_domain::clock::ClockKind;

const PAGES: [&str; 9] = [
    "/admin",
    "/admin/units",
    "/admin/users",
    "/admin/users/1",
    "/admin/taxonomy",
    "/admin/lexicon",
    "/admin/rules",
    "/admin/sensitive-periods",
    "/admin/notices",
];

dual_test!(admin_pages_for_admins_only, |app: TestApp| async move {
    let clerk = try_login(&app, "shangcheng_xfj", "xinfang2026")
        .await
        .unwrap();
    let admin = try_login(&app, "admin", "xinfang2026").await.unwrap();
    for p in PAGES {
        let (s, html) = page(&app, p, &clerk).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{p}");
        assert!(html.contains("仅管理员"), "{p}");
        let (s, html) = page(&app, p, &admin).await;
        assert_eq!(s, StatusCode::OK, "{p}: {html}");
        assert!(
            html.contains("href=\"/admin\">系统管理</a>")
                || html.contains("href=\"/admin\" aria-current=\"page\">系统管理</a>"),
            "{p}: nav link"
        );
    }
    let (_, inbox) = page(&app, "/work", &clerk).await;
    assert!(!inbox.contains("系统管理"));
    let (_, inbox) = page(&app, "/work", &admin).await;
    assert!(inbox.contains("系统管理"));
    // A non-admin's post is refused even with a valid token of their own.
    let (_, html) = page(&app, "/work/register", &clerk).await;
    let clerk_csrf = csrf_of(&html);
    let (s, _) = post_pairs(
        &app,
        "/admin/units",
        &clerk,
        &[
            ("csrf", &clerk_csrf),
            ("parent_id", "1"),
            ("name", "x"),
            ("level", "county"),
            ("kind", "functional"),
            ("region_code", "330102"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Units: bad CSRF changes nothing; a good form adds the unit to the tree.
    let (_, html) = page(&app, "/admin/units", &admin).await;
    let csrf = csrf_of(&html);
    let gov = app.unit("杭州市上城区人民政府").to_string();
    let unit = |c: &str| -> Vec<(&str, String)> {
        vec![
            ("csrf", c.to_string()),
            ("parent_id", gov.clone()),
            ("name", "杭州市上城区城市管理局".into()),
            ("level", "county".into()),
            ("kind", "functional".into()),
            ("region_code", "330102".into()),
        ]
    };
    let bad: Vec<(&str, String)> = unit("0".repeat(64).as_str());
    let (s, _) = post_pairs(
        &app,
        "/admin/units",
        &admin,
        &bad.iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(!app
        .app
        .org()
        .units()
        .any(|u| u.name == "杭州市上城区城市管理局"));
    let good = unit(&csrf);
    let (s, html) = post_pairs(
        &app,
        "/admin/units",
        &admin,
        &good
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("已新增单位"), "{html}");
    let new_unit = app.unit("杭州市上城区城市管理局").to_string();

    // Users: the password policy is enforced; a deactivated user cannot log in.
    let mut user = vec![
        ("csrf", csrf.as_str()),
        ("username", "sc_page"),
        ("display_name", "页面用户"),
        ("unit_id", new_unit.as_str()),
        ("roles", "handler"),
        ("roles", "leader"),
        ("password", "weak"),
    ];
    let (s, html) = post_pairs(&app, "/admin/users", &admin, &user).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("密码至少10位"), "{html}");
    user.pop();
    user.push(("password", "Strong2026pw"));
    let (s, html) = post_pairs(&app, "/admin/users", &admin, &user).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    let rec = app
        .app
        .store
        .user_by_name("sc_page")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rec.roles.len(), 2, "both checked roles");
    assert!(try_login(&app, "sc_page", "Strong2026pw").await.is_some());
    let (s, _) = post_pairs(
        &app,
        &format!("/admin/users/{}", rec.id.0),
        &admin,
        &[("csrf", &csrf), ("op", "deactivate")],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(try_login(&app, "sc_page", "Strong2026pw").await.is_none());

    // Taxonomy: add and deactivate.
    let (s, html) = post_pairs(
        &app,
        "/admin/taxonomy",
        &admin,
        &[
            ("csrf", &csrf),
            ("op", "add"),
            ("parent", "0102"),
            ("name", "电梯加装"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("已新增 010205 电梯加装"), "{html}");
    let (s, _) = post_pairs(
        &app,
        "/admin/taxonomy",
        &admin,
        &[("csrf", &csrf), ("op", "deactivate"), ("code", "010205")],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(!app.app.taxonomy().is_usable("010205"));

    // Lexicon: one more line is used by the analyzer; a malformed line is refused.
    let (_, html) = page(&app, "/admin/lexicon", &admin).await;
    let start =
        html.find("name=\"terms\" rows=\"20\">").unwrap() + "name=\"terms\" rows=\"20\">".len();
    let current = &html[start..start + html[start..].find("</textarea>").unwrap()];
    let th = [
        ("repeat_at", "3"),
        ("repeat_high_at", "5"),
        ("collective_at", "5"),
        ("collective_high_at", "50"),
    ];
    let terms = format!("{current}煤气罐 扬言极端 3\n");
    let mut pairs = vec![("csrf", csrf.as_str()), ("terms", terms.as_str())];
    pairs.extend(th);
    let (s, html) = post_pairs(&app, "/admin/lexicon", &admin, &pairs).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(app
        .app
        .analyze("他说要带煤气罐来")
        .risk_hits
        .iter()
        .any(|h| h.term == "煤气罐"));
    let broken = format!("{current}缺等级 扬言极端\n");
    let mut pairs = vec![("csrf", csrf.as_str()), ("terms", broken.as_str())];
    pairs.extend(th);
    let (s, _) = post_pairs(&app, "/admin/lexicon", &admin, &pairs).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // Clock rules: tighten (第二十二条 15 日 → 10 日) yes, loosen no.
    let rule = |amount: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("kind", "forward".to_string()),
            ("amount", amount.to_string()),
            ("counting", "calendar".to_string()),
            ("rollover", "1".to_string()),
            ("approaching_days", "3".to_string()),
            ("max_extension_days", "0".to_string()),
        ]
    };
    let r = rule("10");
    let (s, html) = post_pairs(
        &app,
        "/admin/rules",
        &admin,
        &r.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert_eq!(app.app.rules().get(ClockKind::Forward).spec.amount, 10);
    let r = rule("20");
    let (s, _) = post_pairs(
        &app,
        "/admin/rules",
        &admin,
        &r.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // Sensitive period, then the bureau's 零报告 once a day.
    let (s, html) = post_pairs(
        &app,
        "/admin/sensitive-periods",
        &admin,
        &[
            ("csrf", &csrf),
            ("op", "add"),
            ("name", "全国两会"),
            ("from", "2026-03-01"),
            ("to", "2026-03-15"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{html}");
    let (_, html) = page(&app, "/work/zero-reports", &clerk).await;
    assert!(html.contains("本单位今日报告"), "{html}");
    assert!(html.contains("杭州市上城区信访局"));
    let ccsrf = csrf_of(&html);
    let (s, html) = post_pairs(
        &app,
        "/work/zero-reports",
        &clerk,
        &[("csrf", &ccsrf), ("nothing", "1")],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("已报送零报告"));
    let (s, _) = post_pairs(
        &app,
        "/work/zero-reports",
        &clerk,
        &[("csrf", &ccsrf), ("nothing", "1")],
    )
    .await;
    assert_ne!(s, StatusCode::OK, "second report the same day refused");
    // Ending the period: today no longer needs a report.
    let (s, _) = post_pairs(
        &app,
        "/admin/sensitive-periods",
        &admin,
        &[("csrf", &csrf), ("op", "end"), ("index", "0")],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(app.app.sensitive_period_on(app.app.now().date()).is_none());

    // The registration form offers the taxonomy's active 细类 by code.
    let (_, html) = page(&app, "/work/register", &clerk).await;
    assert!(
        html.contains("<option value=\"010101\">城乡建设/房地产/交房难</option>"),
        "taxonomy select"
    );
    assert!(
        !html.contains("value=\"010205\""),
        "deactivated node not offered"
    );
    // A case registered with a category shows it by its current name.
    let (s, html) = post_pairs(
        &app,
        "/work/register",
        &clerk,
        &[
            ("csrf", &ccsrf),
            ("channel", "letter"),
            ("kind", "claim"),
            ("name0", "分类测试"),
            ("addr0", "湖滨街道"),
            ("region_code", "330102"),
            ("category", "010201"),
            ("request", "要求整治物业乱收费"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{html}");
    let i = html.find("/work/cases/").expect("case link") + "/work/cases/".len();
    let case_no = &html[i..i + html[i..].find('"').unwrap()];
    let (_, html) = page(&app, &format!("/work/cases/{case_no}"), &clerk).await;
    assert!(
        html.contains("内容分类：城乡建设/物业管理/物业乱象"),
        "{html}"
    );
    // Renaming the 类别 keeps the case's code; the case shows the new name.
    let (s, _) = post_pairs(
        &app,
        "/admin/taxonomy",
        &admin,
        &[
            ("csrf", &csrf),
            ("op", "rename"),
            ("code", "0102"),
            ("new_name", "物业服务管理"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (_, html) = page(&app, &format!("/work/cases/{case_no}"), &clerk).await;
    assert!(
        html.contains("内容分类：城乡建设/物业服务管理/物业乱象"),
        "{html}"
    );
    assert!(app.app.store.verify_chain().await.unwrap().is_ok());
});

// 内容分类 is a list like the others: filtered by name or code, level and
// state (kept in the URL), paged with its total, and exported as exactly
// the filtered rows.
dual_test!(
    taxonomy_is_a_filtered_paged_list,
    |app: TestApp| async move {
        let admin = common::web::login(&app, "admin").await;
        let all = app.app.taxonomy().nodes().len() as i64;
        let html = page_ok(&app, "/admin/taxonomy", &admin).await;
        assert!(
            html.contains(&format!("共 <span id=\"total\" class=\"n\">{all}</span>")),
            "total of every node"
        );
        assert!(html.contains("page=2"), "more than one page");
        // Level 1 (领域) only, and a name filter, each in the URL.
        let fields = app
            .app
            .taxonomy()
            .nodes()
            .iter()
            .filter(|n| n.level == 1)
            .count() as i64;
        let html = page_ok(&app, "/admin/taxonomy?level=1", &admin).await;
        assert!(
            html.contains(&format!("<span id=\"total\" class=\"n\">{fields}</span>")),
            "领域 only"
        );
        let named: Vec<_> = app
            .app
            .taxonomy()
            .nodes()
            .iter()
            .filter(|n| n.name.contains("物业"))
            .map(|n| n.code.clone())
            .collect();
        assert!(!named.is_empty());
        let q = "/admin/taxonomy?text=%E7%89%A9%E4%B8%9A";
        let html = page_ok(&app, q, &admin).await;
        assert!(html.contains(&format!(
            "<span id=\"total\" class=\"n\">{}</span>",
            named.len()
        )));
        assert!(
            html.contains("format=xlsx"),
            "the export carries the filter"
        );
        // The export holds exactly the filtered rows.
        let r = fetch(&app, &format!("{q}&format=xlsx"), &admin).await;
        assert_eq!(r.status, StatusCode::OK);
        use calamine::{Reader, Xlsx};
        let mut wb = Xlsx::new(std::io::Cursor::new(r.body.clone())).expect("xlsx");
        let sheet = wb.sheet_names()[0].clone();
        let range = wb.worksheet_range(&sheet).expect("sheet");
        let codes: Vec<String> = range.rows().skip(1).map(|r| r[0].to_string()).collect();
        assert_eq!(codes, named, "exported rows = the filtered rows");
    }
);
