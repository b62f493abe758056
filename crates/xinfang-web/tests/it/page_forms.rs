//! Typed page forms (issue #18): a page form is a struct naming its fields,
//! and a post with a field missing, a field the form does not have, or a
//! field twice is answered as when the handler read a map of the fields —
//! its own Chinese message on the page (a repeated field's last value
//! counting) — never axum's plain-text 422.

use crate::common;
use axum::http::StatusCode;
use common::web::{body_of, csrf_of, form_page, login, page_ok, post_pairs};
use common::*;

dual_test!(
    a_portal_form_missing_a_field_or_with_unknown_ones,
    |app: TestApp| async move {
        // 文书核验 without the code, and a field the form never had.
        let (s, html) = form_page(&app, "/verify", None, &body_of(&[("colour", "red")])).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(html.contains("验证码是12位字母和数字"), "{html}");
        assert!(
            html.contains("<html"),
            "the page, not a plain-text rejection: {html}"
        );
        // The code twice: the last one is checked, as a map kept it.
        let twice =
            |first: &str, last: &str| body_of(&[("code", first), ("unknown", "1"), ("code", last)]);
        let (s, html) = form_page(&app, "/verify", None, &twice("ABCD-EFGH-JKLM", "12")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(html.contains("验证码是12位"), "{html}");
        let (s, html) = form_page(&app, "/verify", None, &twice("12", "ABCD-EFGH-JKLM")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{html}");
        assert!(html.contains("没有找到这个验证码"), "{html}");

        // 查询 without the query code: the field's own message, the number kept.
        let body = body_of(&[("case_no", "XF-NO-SUCH-1"), ("what", "x")]);
        let (s, html) = form_page(&app, "/track", None, &body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(html.contains("请填写回执上的查询码"), "{html}");
        assert!(
            html.contains("XF-NO-SUCH-1"),
            "what was typed is kept: {html}"
        );
    }
);

dual_test!(
    a_work_form_missing_a_field_or_with_unknown_ones,
    |app: TestApp| async move {
        let cookie = login(&app, "shangcheng_xfj").await;
        let csrf = csrf_of(&page_ok(&app, "/work/reception", &cookie).await);
        // A session without its 接访方式, with a field the form never had.
        let (s, html) = post_pairs(
            &app,
            "/work/reception",
            &cookie,
            &[
                ("csrf", &csrf),
                ("leader", "王区长"),
                ("date", "2026-03-05"),
                ("capacity", "5"),
                ("colour", "red"),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(html.contains("请选择接访方式"), "{html}");
        assert!(html.contains("王区长"), "what was typed is kept: {html}");
        // The capacity twice: the last value is the one read.
        let session = |capacity_last: &'static str| {
            [
                ("csrf", csrf.clone()),
                ("kind", "hall".to_string()),
                ("leader", "王区长".to_string()),
                ("date", "2026-03-05".to_string()),
                ("slot", "09:00-11:30".to_string()),
                ("place", "上城区信访接待大厅".to_string()),
                ("capacity", "5".to_string()),
                ("capacity", capacity_last.to_string()),
            ]
        };
        let pairs = session("many");
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (s, html) = post_pairs(&app, "/work/reception", &cookie, &pairs).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(html.contains("可预约人数应为 1 到 200 的整数"), "{html}");
        let pairs = session("3");
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (s, html) = post_pairs(&app, "/work/reception", &cookie, &pairs).await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
        // Without the token nothing is saved: the CSRF page, as before.
        let (s, html) = post_pairs(&app, "/work/reception", &cookie, &[("kind", "hall")]).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{html}");
        assert!(html.contains("CSRF 校验失败"), "{html}");
    }
);
