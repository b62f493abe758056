//! Authorisation matrix (issue #7 §4): for a claim held by 上城区住建局 and an
//! accusation about 湖滨街道, every kind of user — own unit, its head, the
//! sender, units above, a sibling body, another district, an uninvolved
//! township, the accused body, an administrator, no token — against reading
//! the case, finding it in lists, acting on it, and the staff-only endpoints.

use crate::common;
use axum::http::StatusCode;
use common::*;
use serde_json::json;

/// (user, relation, may read the claim, may act on it (notify), may read the accusation)
///
/// The accusation is about 湖滨街道 (a township under 上城区人民政府): its
/// staff, and every body above it (district, city, province governments),
/// never see it (第三十条第三款); the 信访部门 of each level read their whole
/// area (第十四条, 第四十条), the district 纪委监委 handles accusations.
const MATRIX: &[(&str, &str, bool, bool, bool)] = &[
    ("shangcheng_zhujian", "own unit, handler", true, true, false),
    ("shangcheng_zhujian_ld", "own unit, head", true, true, false),
    (
        "shangcheng_xfj",
        "sender (registering bureau)",
        true,
        false,
        true,
    ),
    ("shangcheng_dc", "sender's supervisor", true, false, true),
    ("shangcheng_zf", "government above", true, false, false),
    ("hangzhou_zf", "city above", true, false, false),
    ("hangzhou_xfj", "city 信访局 (its area)", true, false, true),
    (
        "zhejiang_xfj",
        "province 信访局 (its area)",
        true,
        false,
        true,
    ),
    ("admin", "province administrator", true, false, false),
    ("shangcheng_renshe", "sibling body", false, false, false),
    (
        "xihu_zhujian",
        "same body, other district",
        false,
        false,
        false,
    ),
    ("xihu_zf", "other district government", false, false, false),
    ("xihu_xfj", "other district 信访局", false, false, false),
    ("shangcheng_t2", "uninvolved township", false, false, false),
    ("shangcheng_t1", "accused township", false, false, false),
    ("ningbo_zf", "other city", false, false, false),
    ("ningbo_xfj", "other city 信访局", false, false, false),
];

dual_test!(
    every_role_against_every_relation,
    |app: TestApp| async move {
        let bureau = app.token("shangcheng_xfj").await;
        let handler = app.token("shangcheng_zhujian").await;
        let (_, r) = app
            .post(
                "/api/v1/petitions",
                None,
                online_petition(
                    "权限测试",
                    "33010219900909123",
                    "要求处理小区物业乱收费问题",
                ),
            )
            .await;
        let claim = r["case_no"].as_str().unwrap().to_string();
        app.act_ok(&bureau, &claim, json!({"action": "transfer", "to": app.unit("杭州市上城区住房和城乡建设局"), "mode": "forward", "report_due": null})).await;
        app.act_ok(&handler, &claim, json!({"action": "sign"}))
            .await;
        let (s, v) = app
            .post(
                "/api/v1/cases",
                Some(&bureau),
                json!({
                    "channel": "letter", "kind": "accusation",
                    "petitioners": [{"name": "匿名群众", "address": "湖滨街道"}],
                    "request": "举报湖滨街道干部违规发放补贴", "region_code": "330102",
                    "accused": {"unit_id": app.unit("杭州市上城区湖滨街道")}
                }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let accusation = v["case_no"].as_str().unwrap().to_string();

        for (user, relation, read, act, read_acc) in MATRIX {
            let tk = app.token(user).await;
            let (s, _) = app.get(&format!("/api/v1/cases/{claim}"), Some(&tk)).await;
            assert_eq!(
                s == StatusCode::OK,
                *read,
                "{user} ({relation}) read claim: {s}"
            );
            if !read {
                assert_eq!(
                    s,
                    StatusCode::NOT_FOUND,
                    "{user}: denial must not reveal existence"
                );
            }
            let (_, list) = app.get("/api/v1/cases?limit=500", Some(&tk)).await;
            let listed = list["cases"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["case_no"] == claim.as_str());
            assert_eq!(listed, *read, "{user} ({relation}) list");
            let (s, _) = app
                .get(&format!("/api/v1/cases/{accusation}"), Some(&tk))
                .await;
            assert_eq!(
                s == StatusCode::OK,
                *read_acc,
                "{user} ({relation}) read accusation: {s}"
            );
            let listed = list["cases"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["case_no"] == accusation.as_str());
            assert_eq!(listed, *read_acc, "{user} ({relation}) list accusation");
            if !act {
                let (s, _) = app.post(&format!("/api/v1/cases/{claim}/actions"), Some(&tk), json!({"action": "notify", "route": {"route": "accept", "investigate": true}})).await;
                assert!(
                    s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND,
                    "{user} ({relation}) must not act: {s}"
                );
            }
        }
        // The own unit acts (once; the case then moves on).
        app.act_ok(
            &handler,
            &claim,
            json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
        )
        .await;

        // Without a token every staff endpoint answers 401.
        for path in [
            "/api/v1/cases",
            &format!("/api/v1/cases/{claim}"),
            "/api/v1/units",
            "/api/v1/alerts",
            "/api/v1/warnings",
            "/api/v1/clock-rules",
            "/api/v1/stats/overview?from=2026-01-01&to=2026-12-31",
        ] {
            let (s, _) = app.get(path, None).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "{path}");
            let (s, _) = app.get(path, Some("not-a-token")).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "{path} with a bad token");
        }
        let (s, _) = app
            .post(
                &format!("/api/v1/cases/{claim}/actions"),
                None,
                json!({"action": "deliver"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        // Administrative endpoints need the admin role.
        let clerk = app.token("shangcheng_xfj").await;
        let (s, _) = app
            .call(
                "PUT",
                "/api/v1/sensitive-periods",
                Some(&clerk),
                Some(json!([])),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = app
            .post("/api/v1/calendar", Some(&clerk), json!("year,2027"))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
);
