//! Administration (issue #4 items 2 & 6, issue #5 item 2) through the API on
//! SQLite and PostgreSQL: the seeded taxonomy and its edits, the editable risk
//! lexicon and thresholds changing what intake flags, units and users (password
//! policy, deactivation), the daily 零报告, and the audit entries of each.

use crate::common;
use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};

fn letter(name: &str, request: &str, category: Option<&str>) -> Value {
    json!({"channel": "letter", "kind": "claim", "category": category,
        "petitioners": [{"name": name, "address": "湖滨街道东湖小区"}],
        "request": request, "facts": "多次反映未果。", "region_code": "330102"})
}

async fn audit_kinds(app: &TestApp) -> Vec<String> {
    app.app
        .store
        .audit_entries("settings", 200)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

dual_test!(
    taxonomy_seeded_and_edited_by_admin,
    |app: TestApp| async move {
        let clerk = app.token("shangcheng_xfj").await;
        let admin = app.token("admin").await;
        let (s, v) = app.get("/api/v1/taxonomy", Some(&clerk)).await;
        assert_eq!(s, StatusCode::OK);
        let nodes = v["nodes"].as_array().unwrap();
        let names: Vec<&str> = nodes.iter().map(|n| n["name"].as_str().unwrap()).collect();
        for area in [
            "城乡建设",
            "经济管理",
            "市场监督",
            "自然资源",
            "政法",
            "劳动和社会保障",
            "农业农村",
            "生态环境",
            "卫生健康",
            "教育",
            "交通运输",
            "民政",
            "纪检监察",
            "组织人事",
            "其他",
        ] {
            assert!(
                nodes.iter().any(|n| n["level"] == 1 && n["name"] == area),
                "领域 {area}"
            );
        }
        for problem in [
            "交房难",
            "办证难",
            "物业乱象",
            "金融平台逾期兑付",
            "网络数字平台诱导消费",
            "回迁安置",
            "征地拆迁",
            "拖欠农民工工资",
            "涉法涉诉",
        ] {
            assert!(names.contains(&problem), "named problem {problem}");
        }
        assert!(nodes.iter().filter(|n| n["level"] == 2).count() >= 60);
        assert!(nodes.iter().filter(|n| n["level"] == 3).count() >= 150);

        // A case registered with a legacy name path stores the code.
        let (s, r) = app
            .post(
                "/api/v1/cases",
                Some(&clerk),
                letter("甲一", "要求交房", Some("城乡建设/房地产/交房难")),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        let case_no = r["case_no"].as_str().unwrap().to_string();
        let (_, case) = app.app.store.load_case(&case_no).await.unwrap().unwrap();
        assert_eq!(case.category.as_deref(), Some("010101"));
        // An unknown category is refused with the field named, and nothing is registered.
        let (s, r) = app
            .post(
                "/api/v1/cases",
                Some(&clerk),
                letter("甲二", "要求交房", Some("城乡建设/没有这类")),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
        assert_eq!(r["errors"][0]["field"], "category");

        // Only administrators edit (403 for others).
        let (s, _) = app
            .post(
                "/api/v1/taxonomy",
                Some(&clerk),
                json!({"parent": "0101", "name": "预售资金监管"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = app
            .post(
                "/api/v1/taxonomy/010101",
                Some(&clerk),
                json!({"name": "逾期交房"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, v) = app
            .post(
                "/api/v1/taxonomy",
                Some(&admin),
                json!({"parent": "0101", "name": "预售资金监管"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["node"]["code"], "010106");
        assert_eq!(v["path"], "城乡建设/房地产/预售资金监管");
        let (s, v) = app
            .post(
                "/api/v1/taxonomy",
                Some(&admin),
                json!({"parent": "0101", "name": "交房难"}),
            )
            .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "duplicate sibling: {v}"
        );
        // Rename keeps the code; the old case still points at it and shows the new name.
        let (s, v) = app
            .post(
                "/api/v1/taxonomy/010101",
                Some(&admin),
                json!({"name": "逾期交房"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(app.app.category_label("010101"), "城乡建设/房地产/逾期交房");
        // Deactivate: no longer offered nor accepted, but kept.
        let (s, _) = app
            .post(
                "/api/v1/taxonomy/010106",
                Some(&admin),
                json!({"active": false}),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let (s, r) = app
            .post(
                "/api/v1/cases",
                Some(&clerk),
                letter("甲三", "预售资金", Some("010106")),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
        assert!(r["errors"][0]["message"].as_str().unwrap().contains("停用"));
        let (_, v) = app.get("/api/v1/taxonomy", Some(&clerk)).await;
        let node = v["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["code"] == "010106")
            .cloned()
            .unwrap();
        assert_eq!(node["active"], false);
        let (s, _) = app
            .post(
                "/api/v1/taxonomy/999999",
                Some(&admin),
                json!({"name": "x"}),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        let kinds = audit_kinds(&app).await;
        assert!(kinds.contains(&"taxonomy_seeded".to_string()));
        assert!(kinds.contains(&"taxon_added".to_string()));
        assert_eq!(kinds.iter().filter(|k| *k == "taxon_changed").count(), 2);
        assert!(app.app.store.verify_chain().await.unwrap().is_ok());
    }
);

dual_test!(
    edited_lexicon_changes_what_intake_flags,
    |app: TestApp| async move {
        let clerk = app.token("shangcheng_xfj").await;
        let admin = app.token("admin").await;
        let text = "开发商拖欠交房，我们准备扛着煤气罐去售楼处讨说法";
        let (_, r) = app
            .post("/api/v1/cases", Some(&clerk), letter("乙一", text, None))
            .await;
        assert!(
            r["signals"].as_array().unwrap().is_empty(),
            "not flagged before: {r}"
        );

        let (s, mut lex) = app.get("/api/v1/risk-lexicon", Some(&clerk)).await;
        assert_eq!(s, StatusCode::OK);
        assert!(lex["terms"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["term"] == "自焚"));
        assert_eq!(lex["thresholds"]["collective_at"], 5);
        lex["terms"]
            .as_array_mut()
            .unwrap()
            .push(json!({"term": "煤气罐", "category": "扬言极端", "level": 3}));
        let (s, _) = app
            .call(
                "PUT",
                "/api/v1/risk-lexicon",
                Some(&clerk),
                Some(lex.clone()),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // A bad entry is named and nothing changes.
        let mut bad = lex.clone();
        bad["terms"]
            .as_array_mut()
            .unwrap()
            .push(json!({"term": "横幅标语", "category": "未知", "level": 2}));
        let (s, v) = app
            .call("PUT", "/api/v1/risk-lexicon", Some(&admin), Some(bad))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        lex["thresholds"]["collective_at"] = json!(3);
        let (s, v) = app
            .call("PUT", "/api/v1/risk-lexicon", Some(&admin), Some(lex))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");

        let (s, r) = app
            .post("/api/v1/cases", Some(&clerk), letter("乙二", text, None))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        assert!(r["signals"].to_string().contains("煤气罐"), "{r}");
        assert_eq!(r["warning"][1], 3, "{r}");
        // The lowered collective threshold: 3 persons now raise a signal.
        let mut visit = letter("丙一", "要求解决小区道路积水问题", None);
        visit["persons"] = json!(3);
        let (_, r) = app.post("/api/v1/cases", Some(&clerk), visit).await;
        assert!(
            r["signals"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["kind"] == "collective"),
            "{r}"
        );
        // The new configuration survives a restart (loaded at start).
        let again = xinfang_app::App::new(app.app.store.clone(), app.app.time.clone())
            .await
            .unwrap();
        assert!(again
            .analyze(text)
            .risk_hits
            .iter()
            .any(|h| h.term == "煤气罐"));
        assert!(audit_kinds(&app)
            .await
            .contains(&"risk_lexicon_changed".to_string()));
    }
);

dual_test!(
    users_password_policy_and_deactivation,
    |app: TestApp| async move {
        let admin = app.token("admin").await;
        let clerk = app.token("shangcheng_xfj").await;
        let bureau = app.unit("杭州市上城区信访局");
        let new_user = |pw: &str| {
            json!({"username": "sc_new", "display_name": "新登记员", "unit_id": bureau,
               "roles": ["registrar"], "password": pw})
        };
        let (s, _) = app
            .post("/api/v1/admin/users", Some(&clerk), new_user("Abcdef12345"))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, v) = app
            .post("/api/v1/admin/users", Some(&admin), new_user("short1"))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["errors"][0]["field"], "password");
        let (s, v) = app
            .post(
                "/api/v1/admin/users",
                Some(&admin),
                new_user("onlyletterslong"),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let mut bad_role = new_user("Abcdef12345");
        bad_role["roles"] = json!(["boss"]);
        let (s, _) = app
            .post("/api/v1/admin/users", Some(&admin), bad_role)
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, v) = app
            .post("/api/v1/admin/users", Some(&admin), new_user("Abcdef12345"))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let id = v["user"]["id"].as_i64().unwrap();
        assert_eq!(v["user"]["roles"], json!(["registrar"]));
        let (s, _) = app
            .post("/api/v1/admin/users", Some(&admin), new_user("Abcdef12345"))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "duplicate username");
        // A NUL byte (which PostgreSQL cannot store) is a field error, not a 500.
        let mut nul = new_user("Abcdef12345");
        nul["username"] = json!("sc_nul");
        nul["display_name"] = json!("坏\u{0}名");
        let (s, v) = app.post("/api/v1/admin/users", Some(&admin), nul).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");

        let login = |pw: &str| json!({"username": "sc_new", "password": pw});
        let (s, v) = app
            .post("/api/v1/auth/login", None, login("Abcdef12345"))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let token = v["token"].as_str().unwrap().to_string();
        let (s, _) = app.get("/api/v1/cases", Some(&token)).await;
        assert_eq!(s, StatusCode::OK);

        // Change roles; reset the password (policy again).
        let path = format!("/api/v1/admin/users/{id}");
        let (s, v) = app
            .post(
                &path,
                Some(&admin),
                json!({"roles": ["registrar", "supervisor"]}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["user"]["roles"], json!(["registrar", "supervisor"]));
        let (s, _) = app
            .post(&path, Some(&admin), json!({"password": "123"}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, _) = app
            .post(&path, Some(&admin), json!({"password": "Newpass2026x"}))
            .await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = app
            .post("/api/v1/auth/login", None, login("Abcdef12345"))
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "old password no longer works");

        // Deactivated: cannot log in, the existing token stops working.
        let (s, v) = app
            .post(&path, Some(&admin), json!({"active": false}))
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v["user"]["active"], false);
        let (s, _) = app
            .post("/api/v1/auth/login", None, login("Newpass2026x"))
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        let (s, _) = app.get("/api/v1/cases", Some(&token)).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        // The administrator cannot lock themselves out.
        let me = app.app.store.user_by_name("admin").await.unwrap().unwrap();
        let (s, _) = app
            .post(
                &format!("/api/v1/admin/users/{}", me.id.0),
                Some(&admin),
                json!({"active": false}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, v) = app
            .get(&format!("/api/v1/admin/users?unit={bureau}"), Some(&admin))
            .await;
        assert_eq!(s, StatusCode::OK);
        assert!(v["users"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["username"] == "sc_new" && u["active"] == false));
        let (s, _) = app.get("/api/v1/admin/users?unit=abc", Some(&admin)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);

        let kinds = audit_kinds(&app).await;
        assert_eq!(kinds.iter().filter(|k| *k == "user_added").count(), 1);
        assert_eq!(kinds.iter().filter(|k| *k == "user_changed").count(), 3);
        let entries = app.app.store.audit_entries("settings", 50).await.unwrap();
        assert!(
            entries.iter().all(|e| !e.payload.contains("argon2")),
            "no hashes in the log"
        );
    }
);

dual_test!(
    new_unit_in_tree_receives_forwarded_case,
    |app: TestApp| async move {
        let admin = app.token("admin").await;
        let bureau = app.token("shangcheng_xfj").await;
        let gov = app.unit("杭州市上城区人民政府");
        let unit = |name: &str| json!({"parent_id": gov, "name": name, "level": "county", "kind": "functional", "region_code": "330102"});
        let (s, _) = app
            .post(
                "/api/v1/admin/units",
                Some(&bureau),
                unit("杭州市上城区城市管理局"),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let mut bad = unit("杭州市上城区城市管理局");
        bad["level"] = json!("provincial");
        let (s, v) = app.post("/api/v1/admin/units", Some(&admin), bad).await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "higher than parent: {v}"
        );
        let (s, v) = app
            .post(
                "/api/v1/admin/units",
                Some(&admin),
                unit("杭州市上城区城市管理局"),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let new_id = v["unit"]["id"].as_i64().unwrap();
        let (_, v) = app.get("/api/v1/units", Some(&bureau)).await;
        let u = v["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == new_id)
            .cloned()
            .expect("in the tree");
        assert_eq!(u["parent"], gov);

        // It can receive a forwarded case.
        let (_, r) = app
            .post(
                "/api/v1/petitions",
                None,
                online_petition("城管测试", "33010219900101123", "要求拆除小区门口违章搭建"),
            )
            .await;
        let case_no = r["case_no"].as_str().unwrap().to_string();
        app.act_ok(
            &bureau,
            &case_no,
            json!({"action": "transfer", "to": new_id, "mode": "forward", "report_due": null}),
        )
        .await;
        let (_, case) = app.app.store.load_case(&case_no).await.unwrap().unwrap();
        assert_eq!(case.transfers.last().map(|t| t.to.0), Some(new_id));
        // A handler created there signs for it and holds it.
        let (s, v) = app
            .post(
                "/api/v1/admin/users",
                Some(&admin),
                json!({"username": "sc_cg", "display_name": "城管办理员",
            "unit_id": new_id, "roles": ["handler"], "password": "Chengguan2026"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (_, v) = app
            .post(
                "/api/v1/auth/login",
                None,
                json!({"username": "sc_cg", "password": "Chengguan2026"}),
            )
            .await;
        let handler = v["token"].as_str().unwrap().to_string();
        app.act_ok(&handler, &case_no, json!({"action": "sign"}))
            .await;
        let (_, case) = app.app.store.load_case(&case_no).await.unwrap().unwrap();
        assert_eq!(case.current_unit.0, new_id);

        // Renamed and deactivated (never deleted): a deactivated unit receives nothing new.
        let (s, v) = app
            .post(
                "/api/v1/admin/units",
                Some(&admin),
                unit("杭州市上城区临时专班"),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);
        let temp = v["unit"]["id"].as_i64().unwrap();
        let (s, v) = app
            .post(
                &format!("/api/v1/admin/units/{temp}"),
                Some(&admin),
                json!({"name": "杭州市上城区攻坚专班", "active": false}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["active"], false);
        assert_eq!(
            app.app.unit_name(xinfang_domain::UnitId(temp)),
            "杭州市上城区攻坚专班"
        );
        let (_, r) = app
            .post(
                "/api/v1/petitions",
                None,
                online_petition("专班测试", "33010219900202123", "要求处理噪音扰民"),
            )
            .await;
        let case2 = r["case_no"].as_str().unwrap().to_string();
        let (s, v) = app
            .post(
                &format!("/api/v1/cases/{case2}/actions"),
                Some(&bureau),
                json!({"action": "transfer", "to": temp, "mode": "forward", "report_due": null}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let (s, v) = app
            .post(
                &format!("/api/v1/admin/units/{temp}"),
                Some(&admin),
                json!({"name": "杭州市上城区城市管理局"}),
            )
            .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "sibling name taken: {v}"
        );
        let (_, v) = app.get("/api/v1/units", Some(&bureau)).await;
        assert!(v["units"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["id"] == temp
                && u["active"] == false
                && u["name"] == "杭州市上城区攻坚专班"));
        let (s, _) = app
            .post(
                "/api/v1/admin/units/999999",
                Some(&admin),
                json!({"name": "x"}),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (_, v) = app.get("/api/v1/admin/units", Some(&admin)).await;
        assert!(v["units"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["id"] == temp && u["active"] == false));

        let kinds = audit_kinds(&app).await;
        assert_eq!(kinds.iter().filter(|k| *k == "unit_added").count(), 2);
        assert_eq!(kinds.iter().filter(|k| *k == "unit_changed").count(), 1);
    }
);

dual_test!(
    zero_report_once_per_unit_per_day,
    |app: TestApp| async move {
        let admin = app.token("admin").await;
        let sc = app.token("shangcheng_xfj").await;
        let xh = app.token("xihu_xfj").await;
        let (s, v) = app
            .post(
                "/api/v1/zero-reports",
                Some(&sc),
                json!({"nothing_to_report": true}),
            )
            .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "no sensitive period: {v}"
        );
        let (s, _) = app
            .call(
                "PUT",
                "/api/v1/sensitive-periods",
                Some(&admin),
                Some(json!([{"name": "全国两会", "from": "2026-03-01", "to": "2026-03-15"}])),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let (s, v) = app
            .post(
                "/api/v1/zero-reports",
                Some(&sc),
                json!({"nothing_to_report": true}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["report"]["period"], "全国两会");
        let (s, _) = app
            .post(
                "/api/v1/zero-reports",
                Some(&sc),
                json!({"nothing_to_report": true}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "once per unit per day");
        let (s, v) = app
            .post(
                "/api/v1/zero-reports",
                Some(&xh),
                json!({"nothing_to_report": false}),
            )
            .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "warnings need a note: {v}"
        );
        let (s, _) = app
            .post(
                "/api/v1/zero-reports",
                Some(&xh),
                json!({"nothing_to_report": false, "note": "坏\u{0}"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, _) = app
            .post(
                "/api/v1/zero-reports",
                Some(&xh),
                json!({"nothing_to_report": false, "note": "今日预警1件：集体访苗头，已稳控"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);
        let handler = app.token("shangcheng_zhujian").await;
        let (s, _) = app
            .post(
                "/api/v1/zero-reports",
                Some(&handler),
                json!({"nothing_to_report": true}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "only a 信访局 reports");

        let (s, v) = app.get("/api/v1/zero-reports", Some(&admin)).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let names = |k: &str| -> Vec<String> {
            v[k].as_array()
                .unwrap()
                .iter()
                .map(|b| b["unit_name"].as_str().unwrap().to_string())
                .collect()
        };
        assert!(names("reported").contains(&"杭州市上城区信访局".to_string()));
        assert!(names("reported").contains(&"杭州市西湖区信访局".to_string()));
        assert!(names("missing").contains(&"杭州市信访局".to_string()));
        assert!(!names("missing").contains(&"杭州市上城区信访局".to_string()));
        // The next day starts afresh.
        app.set_time("2026-03-03 09:00");
        let (s, _) = app
            .post(
                "/api/v1/zero-reports",
                Some(&sc),
                json!({"nothing_to_report": true}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);
        let (_, v) = app
            .get("/api/v1/zero-reports?day=2026-03-02", Some(&sc))
            .await;
        assert_eq!(
            v["reported"].as_array().unwrap().len(),
            1,
            "上城区 sees its own area: {v}"
        );
        let (s, _) = app.get("/api/v1/zero-reports?day=March", Some(&sc)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let entries = app.app.store.audit_entries("audit", 50).await.unwrap();
        assert_eq!(
            entries.iter().filter(|e| e.kind == "zero_report").count(),
            3
        );
    }
);

dual_test!(admin_endpoints_are_documented, |app: TestApp| async move {
    let (s, doc) = app.get("/api/openapi.json", None).await;
    assert_eq!(s, StatusCode::OK);
    for (path, method, statuses) in [
        ("/api/v1/taxonomy", "get", &["200", "401"][..]),
        (
            "/api/v1/taxonomy",
            "post",
            &["201", "400", "401", "403", "422"][..],
        ),
        (
            "/api/v1/taxonomy/{code}",
            "post",
            &["200", "400", "401", "403", "404", "422"][..],
        ),
        (
            "/api/v1/risk-lexicon",
            "put",
            &["200", "400", "401", "403", "422"][..],
        ),
        (
            "/api/v1/admin/units",
            "post",
            &["201", "400", "401", "403", "422"][..],
        ),
        (
            "/api/v1/admin/units/{id}",
            "post",
            &["200", "400", "401", "403", "404", "422"][..],
        ),
        (
            "/api/v1/admin/users",
            "get",
            &["200", "400", "401", "403"][..],
        ),
        (
            "/api/v1/admin/users/{id}",
            "post",
            &["200", "400", "401", "403", "404", "422"][..],
        ),
        (
            "/api/v1/zero-reports",
            "post",
            &["201", "400", "401", "403", "409", "422"][..],
        ),
        (
            "/api/v1/zero-reports",
            "get",
            &["200", "400", "401", "422"][..],
        ),
    ] {
        for st in statuses {
            assert!(
                doc["paths"][path][method]["responses"].get(*st).is_some(),
                "{method} {path} documents {st}"
            );
        }
    }
    // The pre-existing paths are still there.
    assert!(doc["paths"]["/api/v1/petitions"]["post"].is_object());
});
