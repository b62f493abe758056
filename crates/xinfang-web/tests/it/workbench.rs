//! The workbench as its users meet it (issue #15): 我的待办 offers only what
//! the user can open and act on, each tab's badge is the number its list
//! holds, lists page with the filter kept in every link, the menu marks the
//! page and the breadcrumb names where it sits — enumerated over the demo's
//! roles and every tab, on a store with demo cases.

use crate::common;
use axum::http::StatusCode;
use common::web::*;
use common::*;
use std::collections::BTreeSet;

/// Every `href="…"` of `html` starting with `prefix` (as written, `&amp;` kept).
fn hrefs(html: &str, prefix: &str) -> Vec<String> {
    let needle = format!("href=\"{prefix}");
    let mut out = vec![];
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        let start = i + "href=\"".len();
        let end = start + rest[start..].find('"').unwrap();
        out.push(rest[start..end].to_string());
        rest = &rest[end..];
    }
    out
}

/// The number a tab's badge shows.
fn badge(html: &str, href: &str) -> i64 {
    let i = html.find(&format!("href=\"{href}\"")).expect("tab");
    let b = i + html[i..].find("<span class=\"badge").unwrap();
    let s = b + html[b..].find('>').unwrap() + 1;
    html[s..s + html[s..].find('<').unwrap()].parse().unwrap()
}

fn total(html: &str) -> i64 {
    let open = "<span id=\"total\" class=\"n\">";
    match html.find(open) {
        Some(i) => {
            let s = i + open.len();
            html[s..s + html[s..].find('<').unwrap()].parse().unwrap()
        }
        None => 0,
    }
}

async fn demo() -> Vec<TestApp> {
    let mut apps = vec![TestApp::with_demo_cases(Backend::Sqlite, 160)
        .await
        .expect("sqlite")];
    if let Some(pg) = TestApp::with_demo_cases(Backend::Postgres, 160).await {
        apps.push(pg);
    }
    apps
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_inbox_tab_offers_only_what_its_user_may_open() {
    for app in demo().await {
        app.set_time("2026-12-06 09:00");
        for user in [
            "shangcheng_zhujian",
            "shangcheng_zhujian_ld",
            "shangcheng_xfj",
            "shangcheng_xfj_ld",
            "shangcheng_dc",
            "shangcheng_ld",
            "hangzhou_xfj",
            "shangcheng_t1",
        ] {
            let cookie = login(&app, user).await;
            let inbox = page_ok(&app, "/work", &cookie).await;
            let tabs: BTreeSet<String> = hrefs(&inbox, "/work?tab=").into_iter().collect();
            assert!(tabs.len() >= 8, "{user}: {tabs:?}");
            let mut opened = BTreeSet::new();
            for tab in &tabs {
                let html = page_ok(&app, tab, &cookie).await;
                let count = badge(&html, tab);
                // One page of the list: the total is the badge's number.
                if html.contains("<span id=\"total\"") {
                    assert_eq!(total(&html), count, "{user} {tab}");
                } else {
                    // 待审批: two small tables, no pager.
                    assert!(count >= 0);
                }
                for case in hrefs(&html, "/work/cases/XF") {
                    let case = case.split('#').next().unwrap().to_string();
                    if opened.insert(case.clone()) {
                        let (s, body) = page(&app, &case, &cookie).await;
                        assert_eq!(s, StatusCode::OK, "{user} {tab}: {case}");
                        assert!(!body.contains("无权查看"), "{user} {tab}: {case}");
                    }
                }
            }
            // Only leaders have 待审批.
            let leader = user.ends_with("_ld");
            assert_eq!(inbox.contains("/work?tab=approve"), leader, "{user}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_list_pages_with_the_filter_in_every_link() {
    for app in demo().await {
        // The city bureau sees its districts' cases: several pages of claims.
        let cookie = login(&app, "hangzhou_xfj").await;
        let first = page_ok(&app, "/work/cases?kind=claim", &cookie).await;
        let all = total(&first);
        assert!(all > 20, "enough claims to page: {all}");
        let next = hrefs(&first, "/work/cases?")
            .into_iter()
            .find(|h| h.contains("page=2"))
            .expect("a link to page 2");
        assert!(next.contains("kind=claim"), "{next}");
        let second = page_ok(&app, &next.replace("&amp;", "&"), &cookie).await;
        assert_eq!(total(&second), all, "the same filter on page 2");
        let no = |html: &str| -> BTreeSet<String> {
            hrefs(html, "/work/cases/XF").into_iter().collect()
        };
        assert!(
            no(&first).is_disjoint(&no(&second)),
            "pages do not repeat cases"
        );
        assert_eq!(no(&first).len(), 20);
        // The export carries exactly the filter.
        let export = hrefs(&first, "/work/cases.xlsx").pop().expect("export");
        assert!(export.contains("kind=claim"), "{export}");
        // Sorting by the due date puts the nearest first, cases without a clock last.
        let sorted = page_ok(&app, "/work/cases?sort=due", &cookie).await;
        assert!(sorted.contains("aria-sort=\"ascending\""));
    }
}

/// 件次 (来信来访登记簿): for each viewer, the list holds exactly the 件次 of
/// the cases the case list shows (same scope, 第三十条 included), the 特征
/// filter keeps only repeats, pages do not overlap and the export has every
/// filtered row.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submission_register_lists_every_visible_submission() {
    use xinfang_store::CaseFilter;
    for app in demo().await {
        for user in [
            "hangzhou_xfj",
            "shangcheng_xfj",
            "shangcheng_ld",
            "shangcheng_dc",
        ] {
            let cookie = login(&app, user).await;
            let rec = app.app.store.user_by_name(user).await.unwrap().unwrap();
            let staff = xinfang_app::auth::staff_of(&rec);
            let visible: Vec<String> = app
                .app
                .list_for(
                    &staff,
                    CaseFilter {
                        limit: 1_000_000,
                        ..Default::default()
                    },
                )
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.case_no)
                .collect();
            let today = app.app.now().date();
            let month = today.format("%Y-%m-01").to_string();
            let (mut expected, mut repeats, mut this_month) = (0i64, 0i64, 0i64);
            for no in &visible {
                let (_, case) = app.app.store.load_case(no).await.unwrap().unwrap();
                expected += case.submissions.len() as i64;
                repeats += case.submissions.iter().filter(|s| s.repeat).count() as i64;
                this_month += case
                    .submissions
                    .iter()
                    .filter(|s| s.at.date().to_string() >= month && s.at.date() <= today)
                    .count() as i64;
            }
            // Without a period the register opens on this month, shown in the bar.
            let opened = page_ok(&app, "/work/submissions", &cookie).await;
            assert_eq!(total(&opened), this_month, "{user}: this month's 件次");
            assert!(
                opened.contains(&format!("value=\"{month}\"")),
                "{user}: the period is shown"
            );
            let all = "/work/submissions?from=2000-01-01&to=2099-12-31";
            let first = page_ok(&app, all, &cookie).await;
            assert_eq!(total(&first), expected, "{user}: every visible 件次");
            let only = page_ok(&app, &format!("{all}&mark=repeat"), &cookie).await;
            assert_eq!(total(&only), repeats, "{user}: repeats only");
            if expected > 20 {
                let second = page_ok(&app, &format!("{all}&page=2"), &cookie).await;
                assert_eq!(total(&second), expected);
            }
            let r = fetch(&app, &format!("{all}&format=xlsx"), &cookie).await;
            assert_eq!(r.status, StatusCode::OK, "{user}: export");
            use calamine::{Reader, Xlsx};
            let mut wb = Xlsx::new(std::io::Cursor::new(r.body.clone())).expect("xlsx");
            let sheet = wb.sheet_names()[0].clone();
            let rows = wb.worksheet_range(&sheet).expect("sheet").rows().count() as i64;
            assert_eq!(
                rows - 1,
                expected,
                "{user}: the export holds every filtered row"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_menu_marks_the_page_and_the_breadcrumb_names_its_place() {
    for app in demo().await {
        let cookie = login(&app, "shangcheng_xfj").await;
        let list = page_ok(&app, "/work/cases", &cookie).await;
        let case = hrefs(&list, "/work/cases/XF").pop().expect("a case");
        let html = page_ok(&app, &case, &cookie).await;
        assert!(
            html.contains("<a href=\"/work/cases\" aria-current=\"page\">信访事项</a>"),
            "the menu marks 信访事项"
        );
        let crumbs = &html[html.find("class=\"crumbs\"").unwrap()..];
        let crumbs = &crumbs[..crumbs.find("</nav>").unwrap()];
        assert!(
            crumbs.contains("工作台")
                && crumbs.contains("信访事项")
                && crumbs.contains(&case[12..]),
            "{crumbs}"
        );
        // The header names the user's body and role.
        assert!(html.contains("杭州市上城区信访局") && html.contains("登记员"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_lists_conditions_are_named_in_words_not_codes() {
    for app in demo().await {
        // Every condition a dashboard figure can carry into the list is
        // said as the staff know it — a status, a time-limit grade, a
        // region, a unit — never as the stored key, code or id.
        let cookie = login(&app, "hangzhou_xfj").await;
        let org = app.app.org();
        let unit = org
            .units()
            .find(|u| u.name == "杭州市上城区住房和城乡建设局")
            .map(|u| u.id.0)
            .expect("the demo's 上城区住建局");
        let path = format!(
            "/work/cases?status=handling&grade=overdue&region=330102&unit={unit}&kind=claim"
        );
        let list = page_ok(&app, &path, &cookie).await;
        let said = list
            .split("筛选条件：")
            .nth(1)
            .and_then(|s| s.split("</p>").next())
            .expect("the conditions in words")
            .to_string();
        for word in [
            "状态：办理中",
            "时限：超期",
            "地区：杭州市上城区",
            "单位：杭州市上城区住房和城乡建设局",
            "类型：申诉求决类",
        ] {
            assert!(said.contains(word), "{word} in {said}");
        }
        for code in ["handling", "overdue", "330102", "claim"] {
            assert!(!said.contains(code), "{code} shown in {said}");
        }
        assert!(
            !said.contains(&format!("：{unit}")),
            "unit id shown in {said}"
        );
    }
}
