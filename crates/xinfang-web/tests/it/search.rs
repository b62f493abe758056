//! Full-text search end to end (issue #4 item 7), on SQLite and PostgreSQL:
//! Chinese words rank the right case first with highlights; filters; data
//! scope inside the query (another district finds nothing, the accused body
//! never finds an accusation about itself, not even by its number —
//! 第三十条); petitioner names only for registrars/handlers of the case's
//! units; similar cases; the outbox consumer keeps its cursor across
//! restarts, and `reindex` rebuilds a deleted index.

use crate::common;
use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};
use xinfang_search::SearchIndex;

fn index_dir() -> tempdir::Dir {
    let tag: u64 = rand::random();
    tempdir::Dir(std::env::temp_dir().join(format!("xinfang-search-test-{tag:x}")))
}

fn petition(name: &str, id17: &str, request: &str, facts: &str) -> Value {
    let mut p = online_petition(name, id17, request);
    p["facts"] = json!(facts);
    p
}

async fn register(app: &TestApp, p: Value) -> String {
    let (s, r) = app.post("/api/v1/petitions", None, p).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    r["case_no"].as_str().unwrap().to_string()
}

fn nos(v: &Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .unwrap_or_else(|| panic!("no hits in {v}"))
        .iter()
        .map(|h| h["case_no"].as_str().unwrap().to_string())
        .collect()
}

async fn search(app: &TestApp, token: &str, qs: &str) -> Value {
    let (s, v) = app.get(&format!("/api/v1/search?{qs}"), Some(token)).await;
    assert_eq!(s, StatusCode::OK, "{qs}: {v}");
    v
}

/// `q` percent-encoded.
fn q(text: &str) -> String {
    let mut out = String::from("q=");
    for b in text.bytes() {
        out.push_str(&format!("%{b:02X}"));
    }
    out
}

dual_test!(
    search_scope_filters_names_similar,
    |app: TestApp| async move {
        let dir = index_dir();
        app.app.attach_search(SearchIndex::open(&dir.0).unwrap());
        let bureau = app.token("shangcheng_xfj").await;
        let wuye = register(
            &app,
            petition(
                "钱物业",
                "33010219800101123",
                "要求查处物业公司乱收费问题",
                "东湖小区物业公司擅自上调物业费，电梯长期故障无人维修。",
            ),
        )
        .await;
        let wuye2 = register(
            &app,
            petition(
                "孙电梯",
                "33010219810101123",
                "反映物业公司不维修电梯",
                "和平里物业公司收取物业费后电梯故障三个月无人维修，物业费去向不明。",
            ),
        )
        .await;
        let zhengdi = register(
            &app,
            petition(
                "李征地",
                "33010219820101123",
                "要求足额发放征地补偿款",
                "2019年东沙村地块被征收，征地补偿款至今未发放到户。",
            ),
        )
        .await;
        let (s, v) = app
            .post(
                "/api/v1/cases",
                Some(&bureau),
                json!({
                    "channel": "letter", "kind": "accusation",
                    "petitioners": [{"name": "匿名群众", "address": "湖滨街道"}],
                    "request": "举报湖滨街道干部违规发放补贴", "region_code": "330102",
                    "facts": "湖滨街道干部在发放困难补贴时优亲厚友。",
                    "accused": {"unit_id": app.unit("杭州市上城区湖滨街道")}
                }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let accusation = v["case_no"].as_str().unwrap().to_string();
        // Nothing is searchable before the outbox is consumed.
        assert_eq!(search(&app, &bureau, &q("征地补偿款")).await["total"], 0);
        assert!(app.app.index_pending().await.unwrap() >= 4);

        // A Chinese word finds the right case first, with highlights.
        let v = search(&app, &bureau, &q("征地补偿款")).await;
        assert_eq!(nos(&v), vec![zhengdi.clone()], "{v}");
        let snippet = v["hits"][0]["snippet"].as_str().unwrap();
        assert!(
            snippet.contains("<b>") && snippet.contains("补偿"),
            "{snippet}"
        );
        assert_eq!(v["hits"][0]["kind"], "claim");
        assert_eq!(v["hits"][0]["current_unit_name"], "杭州市上城区信访局");
        // Ranking: the case about 物业费 twice ranks above the one with it once.
        let v = search(&app, &bureau, &q("物业费 电梯")).await;
        assert_eq!(nos(&v).len(), 2, "{v}");
        assert_eq!(nos(&v)[0], wuye2, "{v}");
        // A phrase must appear as written.
        let v = search(&app, &bureau, &q("\"物业公司擅自上调\"")).await;
        assert_eq!(nos(&v), vec![wuye.clone()], "{v}");
        // An exact case number.
        let v = search(&app, &bureau, &q(&zhengdi)).await;
        assert_eq!(nos(&v), vec![zhengdi.clone()]);

        // Filters.
        let v = search(&app, &bureau, "kind=accusation").await;
        assert_eq!(nos(&v), vec![accusation.clone()], "{v}");
        assert_eq!(
            search(&app, &bureau, &format!("{}&kind=accusation", q("物业"))).await["total"],
            0
        );
        assert_eq!(
            search(
                &app,
                &bureau,
                &format!("{}&channel=online&region=3301", q("物业"))
            )
            .await["total"],
            2
        );
        assert_eq!(
            search(&app, &bureau, &format!("{}&region=3302", q("物业"))).await["total"],
            0
        );
        assert_eq!(
            search(
                &app,
                &bureau,
                &format!("{}&from=2026-03-02&to=2026-03-02", q("物业"))
            )
            .await["total"],
            2
        );
        assert_eq!(
            search(&app, &bureau, &format!("{}&from=2026-03-03", q("物业"))).await["total"],
            0
        );
        assert_eq!(
            search(&app, &bureau, &format!("{}&flag=collective", q("物业"))).await["total"],
            0
        );
        assert_eq!(
            search(&app, &bureau, &format!("{}&status=registered", q("物业"))).await["total"],
            2
        );
        assert_eq!(
            search(&app, &bureau, "limit=1&offset=1").await["hits"]
                .as_array()
                .unwrap()
                .len(),
            1
        );

        // Scope: another district finds nothing; the accused township never
        // finds the accusation about itself, not even by its number (第三十条).
        let xihu = app.token("xihu_zf").await;
        assert_eq!(search(&app, &xihu, &q("物业")).await["total"], 0);
        assert_eq!(search(&app, &xihu, "").await["total"], 0);
        let accused = app.token("shangcheng_t1").await;
        assert_eq!(search(&app, &accused, &q("补贴")).await["total"], 0);
        assert_eq!(search(&app, &accused, &q(&accusation)).await["total"], 0);
        assert_eq!(search(&app, &bureau, &q(&accusation)).await["total"], 1);
        // The city government is above the accused township (第三十条): nothing;
        // the city 信访局 reads its whole area and finds it.
        let city_gov = app.token("hangzhou_zf").await;
        assert_eq!(search(&app, &city_gov, &q("补贴")).await["total"], 0);
        let city = app.token("hangzhou_xfj").await;
        assert_eq!(
            nos(&search(&app, &city, &q("补贴")).await),
            vec![accusation.clone()]
        );

        // Petitioner names: the registering bureau's registrar finds and sees
        // them; its supervisor (no registrar/handler role) and the district
        // government above (not one of the case's units) do not.
        let v = search(&app, &bureau, &q("钱物业")).await;
        assert_eq!(nos(&v), vec![wuye.clone()], "{v}");
        assert_eq!(v["hits"][0]["petitioner_names"], "钱物业");
        for user in ["shangcheng_dc", "shangcheng_zf"] {
            let tk = app.token(user).await;
            assert_eq!(search(&app, &tk, &q("钱物业")).await["total"], 0, "{user}");
            let v = search(&app, &tk, &q("物业公司")).await;
            assert_eq!(nos(&v).len(), 2, "{user} sees the cases: {v}");
            assert!(
                v["hits"][0].get("petitioner_names").is_none(),
                "{user}: {v}"
            );
        }

        // An update is reflected after the next consumer run.
        let handler = app.token("shangcheng_zhujian").await;
        assert_eq!(search(&app, &handler, &q("物业")).await["total"], 0);
        app.act_ok(&bureau, &wuye, json!({"action": "transfer", "to": app.unit("杭州市上城区住房和城乡建设局"), "mode": "forward", "report_due": null})).await;
        app.app.index_pending().await.unwrap();
        let v = search(
            &app,
            &bureau,
            &format!("{}&status=pending_receipt", q("物业")),
        )
        .await;
        assert_eq!(nos(&v), vec![wuye.clone()], "{v}");
        assert_eq!(
            nos(&search(&app, &handler, &q("物业")).await),
            vec![wuye.clone()]
        );

        // Similar cases: the other 物业 case first; scope applies.
        let (s, v) = app
            .get(&format!("/api/v1/cases/{wuye}/similar"), Some(&bureau))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(nos(&v).first(), Some(&wuye2), "{v}");
        assert!(!nos(&v).contains(&wuye));
        let (s, _) = app
            .get(&format!("/api/v1/cases/{wuye}/similar"), Some(&xihu))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, v) = app
            .get(&format!("/api/v1/cases/{wuye}/similar"), Some(&handler))
            .await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            !nos(&v).contains(&wuye2),
            "the handler's unit is not involved in the other case: {v}"
        );

        // Odd input never fails the server; bad parameters are 400.
        for odd in [
            "\"物业",
            "(((",
            "AND OR NOT",
            "*:*",
            "<script>",
            "物业\"\"\"",
            "XF",
            "title:物业",
        ] {
            search(&app, &bureau, &q(odd)).await;
        }
        let v = search(&app, &bureau, &q("<b>物业</b>")).await;
        assert!(!v["hits"][0]["snippet"]
            .as_str()
            .unwrap_or("")
            .contains("<script"));
        for bad in [
            "limit=abc",
            "limit=0",
            "limit=1000",
            "offset=-1",
            "offset=99999999",
            "from=2026-13-01",
            "kind=x",
            "flag=x",
            "status=x",
            "unit=-3",
        ] {
            let (s, v) = app
                .get(&format!("/api/v1/search?{bad}"), Some(&bureau))
                .await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}: {v}");
        }
        let (s, _) = app.get("/api/v1/search?q=x", None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);

        // The page: form, results with highlights and links, and the similar panel.
        let cookie = login(&app, "shangcheng_xfj").await;
        let (s, html) = page(&app, &format!("/work/search?{}", q("征地补偿款")), &cookie).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains(&format!("href=\"/work/cases/{zhengdi}\"")),
            "{html}"
        );
        assert!(html.contains("<b>") && html.contains("检索"), "{html}");
        let (_, html) = page(&app, "/work/search?limit=abc", &cookie).await;
        assert!(html.contains("class=\"err\""), "{html}");
        let (_, html) = page(&app, &format!("/work/cases/{wuye}"), &cookie).await;
        assert!(
            html.contains("相似信访事项") && html.contains(&wuye2),
            "{html}"
        );
    }
);

dual_test!(
    cursor_survives_restart_and_reindex_rebuilds,
    |app: TestApp| async move {
        let dir = index_dir();
        app.app.attach_search(SearchIndex::open(&dir.0).unwrap());
        let bureau = app.token("shangcheng_xfj").await;
        let a = register(
            &app,
            petition(
                "周一",
                "33010219800101123",
                "要求处理夜间施工噪音扰民",
                "工地连续三周夜间施工至凌晨。",
            ),
        )
        .await;
        register(
            &app,
            petition(
                "周二",
                "33010219810101123",
                "要求退还网络平台诱导消费款项",
                "直播平台诱导未成年子女充值。",
            ),
        )
        .await;
        assert_eq!(app.app.index_pending().await.unwrap(), 2);
        assert_eq!(app.app.index_pending().await.unwrap(), 0);
        let cursor = app.app.search_handle().unwrap().index.cursor().unwrap();
        assert!(cursor > 0);

        // Restart: the re-opened index keeps its documents and cursor, and the
        // consumer does not start from zero.
        app.app.detach_search();
        let reopened = SearchIndex::open(&dir.0).unwrap();
        assert_eq!(reopened.num_docs(), 2);
        assert_eq!(reopened.cursor().unwrap(), cursor);
        app.app.attach_search(reopened);
        assert_eq!(app.app.index_pending().await.unwrap(), 0);
        assert_eq!(
            nos(&search(&app, &bureau, &q("噪音")).await),
            vec![a.clone()]
        );
        let c = register(
            &app,
            petition(
                "周三",
                "33010219820101123",
                "要求督促理财平台兑付到期本金",
                "理财平台逾期兑付。",
            ),
        )
        .await;
        assert_eq!(app.app.index_pending().await.unwrap(), 1);

        // Delete the index; reindex rebuilds it from the store.
        app.app.detach_search();
        std::fs::remove_dir_all(&dir.0).unwrap();
        let fresh = SearchIndex::open(&dir.0).unwrap();
        assert_eq!(fresh.num_docs(), 0);
        app.app.attach_search(fresh);
        assert_eq!(app.app.reindex().await.unwrap(), 3);
        let h = app.app.search_handle().unwrap();
        assert_eq!(h.index.num_docs(), 3);
        assert!(h.index.cursor().unwrap() > cursor);
        assert_eq!(app.app.index_pending().await.unwrap(), 0);
        assert_eq!(nos(&search(&app, &bureau, &q("理财平台")).await), vec![c]);
        assert_eq!(nos(&search(&app, &bureau, &q("噪音")).await), vec![a]);
    }
);
