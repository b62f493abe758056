//! 第三十条 for subscribers (issue #19): a webhook endpoint sees exactly
//! what a staff user of its unit sees. Enumerated for an accusation against
//! a district's 住建局 and a claim beside it: the accused body, its
//! government, the province government, an unrelated district's 信访局, the
//! 信访局 handling it, the city 信访局 and the 纪委监委 it is sent to. An
//! accusation whose accused is named only after its event was queued is
//! withheld at sending; the administrator's delivery log shows no
//! accusation they may not see.

use crate::common;
use crate::events_kit::*;
use axum::http::StatusCode;
use common::*;
use serde_json::json;

const ACCUSED: &str = "杭州市上城区住房和城乡建设局";
const JIWEI: &str = "中共杭州市上城区纪律检查委员会（杭州市上城区监察委员会）";

/// (hook name, unit).
const SUBSCRIBERS: &[(&str, &str)] = &[
    ("accused", ACCUSED),
    ("district", "杭州市上城区人民政府"),
    ("province", "浙江省人民政府"),
    ("unrelated", "杭州市拱墅区信访局"),
    ("bureau", "杭州市上城区信访局"),
    ("city_bureau", "杭州市信访局"),
    ("jiwei", JIWEI),
];

fn pairs(case: &str, kinds: &[&str]) -> Vec<(String, String)> {
    kinds
        .iter()
        .map(|k| (case.to_string(), k.to_string()))
        .collect()
}

dual_test!(
    a_subscriber_sees_what_a_user_of_its_unit_sees,
    |app: TestApp| async move {
        let rx = Receiver::start().await;
        let admin = app.token("admin").await;
        let mut ids = std::collections::HashMap::new();
        for (name, unit) in SUBSCRIBERS {
            let (id, _) = subscribe(&app, &admin, name, &rx.url(name), unit, None).await;
            ids.insert(*name, id);
        }
        let bureau = app.token("shangcheng_xfj").await;
        let jiwei = app.token("shangcheng_jiwei").await;
        let zj = app.token("shangcheng_zhujian").await;
        let (s, v) = app
            .post(
                "/api/v1/petitions",
                None,
                json!({
                    "kind": "accusation",
                    "petitioners": [{"name": "检举人甲", "id_number": id_with_check("33010219660606123"), "phone": "13900001111", "address": "杭州市上城区"}],
                    "request": "举报住建局副局长收受开发商好处费",
                    "facts": "多次收受购物卡。", "reasons": "违反廉洁纪律。",
                    "region_code": "330102",
                    "accused": {"unit_name": ACCUSED, "person": "住建局某副局长"}
                }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let acc = v["case_no"].as_str().unwrap().to_string();
        app.act_ok(&bureau, &acc, json!({"action": "transfer", "to": app.unit(JIWEI), "mode": "forward", "report_due": null})).await;
        app.act_ok(&jiwei, &acc, json!({"action": "sign"})).await;
        app.act_ok(
            &jiwei,
            &acc,
            json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
        )
        .await;
        let claim = petition(&app, "业主乙", "33010219800101123", "要求开发商按期交房").await;
        app.act_ok(&bureau, &claim, json!({"action": "transfer", "to": app.unit(ACCUSED), "mode": "forward", "report_due": null})).await;
        app.act_ok(&zj, &claim, json!({"action": "sign"})).await;
        let r = app
            .app
            .webhook_pump(&xinfang_app::events::webhook::client())
            .await
            .unwrap();
        assert_eq!(r.failed, 0, "{r:?}");

        let all_acc = pairs(&acc, &["registered", "transferred", "signed", "notified"]);
        let all_claim = pairs(&claim, &["registered", "transferred", "signed"]);
        let both = |a: &[(String, String)], c: &[(String, String)]| {
            let mut v = a.to_vec();
            v.extend_from_slice(c);
            v
        };
        // The accused body: never the accusation; the claim from the moment
        // it was sent to it (a user there sees it from then on).
        assert_eq!(
            rx.seen("accused"),
            pairs(&claim, &["transferred", "signed"])
        );
        // The bodies above the accused: the claim, never the accusation.
        assert_eq!(rx.seen("district"), all_claim);
        assert_eq!(rx.seen("province"), all_claim);
        // Another district: nothing of this one.
        assert!(rx.seen("unrelated").is_empty());
        // The 信访部门 handling it, and the city's: both cases.
        assert_eq!(rx.seen("bureau"), both(&all_acc, &all_claim));
        assert_eq!(rx.seen("city_bureau"), both(&all_acc, &all_claim));
        // The 纪委监委: the accusation once it was sent there.
        assert_eq!(
            rx.seen("jiwei"),
            pairs(&acc, &["transferred", "signed", "notified"])
        );
        // Users of those units agree (the same rule, asked of the API).
        for (user, sees) in [
            ("shangcheng_zhujian", false),
            ("shangcheng_ld", false),
            ("shangcheng_xfj", true),
            ("hangzhou_xfj", true),
            ("gongshu_xfj", false),
        ] {
            let t = app.token(user).await;
            let (s, _) = app.get(&format!("/api/v1/cases/{acc}"), Some(&t)).await;
            assert_eq!(s == StatusCode::OK, sees, "{user}");
        }

        // The administrator (province government, above the accused) reads
        // the handling bureau's log: no accusation in it, nor in its counts.
        let (_, log) = app
            .get(
                &format!("/api/v1/admin/webhooks/{}/deliveries", ids["bureau"]),
                Some(&admin),
            )
            .await;
        let text = log.to_string();
        assert!(!text.contains(&acc) && text.contains(&claim), "{text}");
        let (_, h) = app
            .get(
                &format!("/api/v1/admin/webhooks/{}", ids["bureau"]),
                Some(&admin),
            )
            .await;
        assert_eq!(h["webhook"]["counts"], json!([["delivered", 3]]), "{h}");
        let cookie = common::web::login(&app, "admin").await;
        let html =
            common::web::page_ok(&app, &format!("/admin/webhooks/{}", ids["bureau"]), &cookie)
                .await;
        assert!(!html.contains(&acc) && html.contains(&claim));

        // An accusation whose accused is not yet known is queued for the
        // 信访部门 in reach; named afterwards as the city 信访局, it is
        // withheld from the city 信访局's endpoint at sending.
        let (s, v) = app
            .post(
                "/api/v1/petitions",
                None,
                json!({
                    "kind": "accusation",
                    "petitioners": [{"name": "检举人乙", "id_number": id_with_check("33010219700707123"), "phone": "13900002222", "address": "杭州市上城区"}],
                    "request": "举报某单位工作人员违规收费",
                    "region_code": "330102",
                    "accused": {"unit_name": "某某办事处"}
                }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let late = v["case_no"].as_str().unwrap().to_string();
        assert!(app.app.webhook_feed().await.unwrap() >= 2);
        app.act_ok(
            &bureau,
            &late,
            json!({"action": "resolve_accused", "unit": app.unit("杭州市信访局")}),
        )
        .await;
        let r = app
            .app
            .webhook_send(&xinfang_app::events::webhook::client())
            .await
            .unwrap();
        assert_eq!(r.withheld, 1, "{r:?}");
        assert!(rx
            .seen("bureau")
            .contains(&(late.clone(), "registered".into())));
        assert!(!rx.seen("city_bureau").iter().any(|(c, _)| *c == late));
        let (st,): (String,) = sqlx::query_as("SELECT status FROM webhook_deliveries WHERE webhook_id = $1 AND case_id = (SELECT id FROM cases WHERE case_no = $2)")
            .bind(ids["city_bureau"])
            .bind(&late)
            .fetch_one(app.app.store.pool())
            .await
            .unwrap();
        assert_eq!(st, "withheld");
    }
);
