//! The petitioner portal as a citizen meets it (issue #15): blanks and bad
//! numbers are told beside their field in plain words (never the right check
//! digit, never a pattern); one lookup carries the case number and query
//! code through every follow-up in hidden POST fields; a 复查 request needs
//! a reason and is confirmed; the receipt prints and saves; no page shows
//! anything technical.

use crate::common;
use axum::http::StatusCode;
use common::*;
use serde_json::json;

/// Submit through the page; returns case number and query code from the receipt.
async fn submit_page(app: &TestApp, name: &str, id17: &str) -> (String, String, String) {
    let body = body_of(&[
        ("name", name),
        ("id_number", &id_with_check(id17)),
        ("phone", "13812345678"),
        ("address", "杭州市上城区湖滨街道东湖小区3号"),
        ("region_code", "330102"),
        ("kind", "claim"),
        ("request", "要求开发商按合同约定交付商品房"),
        ("facts", "合同约定交房日期已过半年。"),
    ]);
    let (s, html) = form_page(app, "/submit", None, &body).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    let case_no = between(&html, "id=\"receipt-case-no\">", "</strong>").to_string();
    let code = between(&html, "id=\"receipt-code\" class=\"code\">", "</strong>").to_string();
    (case_no, code, html)
}

/// Forward, accept, reply and deliver: the case waits for evaluation and 复查.
async fn handle_to_delivery(app: &TestApp, case_no: &str) {
    let bureau = app.token("shangcheng_xfj").await;
    let h = app.token("shangcheng_zhujian").await;
    let to = app.unit("杭州市上城区住房和城乡建设局");
    app.act_ok(
        &bureau,
        case_no,
        json!({"action": "transfer", "to": to, "mode": "forward", "report_due": null}),
    )
    .await;
    for a in [
        json!({"action": "sign"}),
        json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
        json!({"action": "reply", "outcome": "explain", "basis": "合同约定", "text": "已督促开发商。"}),
        json!({"action": "deliver"}),
    ] {
        app.act_ok(&h, case_no, a).await;
    }
}

/// Every `<form …>…</form>` of a page whose action is one of `actions`.
fn forms<'a>(html: &'a str, actions: &[&str]) -> Vec<&'a str> {
    html.split("<form ")
        .skip(1)
        .map(|f| &f[..f.find("</form>").unwrap_or(f.len())])
        .filter(|f| {
            actions
                .iter()
                .any(|a| f.contains(&format!("action=\"{a}\"")))
        })
        .collect()
}

fn carries_visit(form: &str, case_no: &str, code: &str) -> bool {
    form.contains(&format!(
        "<input type=\"hidden\" name=\"case_no\" value=\"{case_no}\">"
    )) && form.contains(&format!(
        "<input type=\"hidden\" name=\"query_code\" value=\"{code}\">"
    ))
}

dual_test!(
    blank_required_fields_are_told_beside_them,
    |app: TestApp| async move {
        let before = app.app.store.count("cases").await.unwrap();
        let body = body_of(&[
            ("name", "   "),
            ("address", " "),
            ("region_code", ""),
            ("kind", "claim"),
            ("request", "\u{3000}\u{3000}"),
            ("phone", "13812345678"),
        ]);
        let (s, html) = form_page(&app, "/submit", None, &body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        for (field, words) in [
            ("name", "请填写您的姓名"),
            ("address", "请填写您的住址"),
            ("region_code", "请选择事情发生在哪里"),
            ("request", "请写明您希望解决什么问题"),
        ] {
            let err = between(&html, &format!("id=\"{field}-err\">"), "</p>");
            assert!(err.contains(words), "{field}: {err}");
            // The control names its error and is marked invalid.
            let control = between(&html, &format!("id=\"{field}\" name=\"{field}\""), ">");
            assert!(
                control.contains(&format!("{field}-err\""))
                    && control.contains("aria-invalid=\"true\""),
                "{field}: {control}"
            );
            // The summary links to the field.
            let summary = between(&html, "class=\"error-summary\"", "</div>");
            assert!(summary.contains(&format!("href=\"#{field}\"")), "{summary}");
        }
        assert!(between(&html, "class=\"error-summary\"", "</div>").contains("有4处需要修改"));
        assert!(
            !html.contains("id=\"phone-err\""),
            "a good phone is no error"
        );
        assert!(
            html.contains("value=\"13812345678\""),
            "typed values are kept"
        );
        assert_eq!(app.app.store.count("cases").await.unwrap(), before);
    }
);

dual_test!(bad_numbers_in_plain_words, |app: TestApp| async move {
    // The right ID number ends in `right`; a wrong last digit is typed.
    let good = id_with_check("33010219650101123");
    let right = good.chars().last().unwrap();
    let wrong = if right == '0' { '1' } else { '0' };
    let typed = format!("{}{wrong}", &good[..17]);
    let body = body_of(&[
        ("name", "王五"),
        ("id_number", &typed),
        ("phone", "12345678901"),
        ("address", "湖滨"),
        ("region_code", "330102"),
        ("request", "要求交房"),
    ]);
    let (s, html) = form_page(&app, "/submit", None, &body).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let id_err = between(&html, "id=\"id_number-err\">", "</p>");
    assert!(id_err.contains("身份证号码有误"), "{id_err}");
    assert!(
        !id_err.contains("应为") && !id_err.contains(right),
        "the check digit is not revealed: {id_err}"
    );
    let phone_err = between(&html, "id=\"phone-err\">", "</p>");
    assert!(phone_err.contains("11位数字"), "{phone_err}");
    assert!(!phone_err.contains('['), "no pattern: {phone_err}");
    // The JSON API says the same.
    let mut p = online_petition("王五", "33010219650101123", "要求交房");
    p["petitioners"][0]["id_number"] = json!(typed);
    let (s, v) = app.post("/api/v1/petitions", None, p).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let msg = v["errors"][0]["message"].as_str().unwrap();
    assert!(
        msg.contains("身份证号码有误") && !msg.contains(right),
        "{msg}"
    );
});

dual_test!(receipt_prints_and_saves, |app: TestApp| async move {
    let (case_no, code, html) = submit_page(&app, "回执测试", "33010219700303123").await;
    assert_eq!(code.len(), 8);
    assert!(html.contains("data-print") && html.contains("打印回执"));
    assert!(html.contains("请保存好查询码") && html.contains("第二十二条"));
    assert!(html.contains("2026年3月2日"), "submitted today");
    assert!(
        html.contains("最迟 2026年3月"),
        "the forwarding limit is dated"
    );
    let save = forms(&html, &["/submit/receipt"]);
    assert_eq!(save.len(), 1, "one 保存回执 form");
    assert!(carries_visit(save[0], &case_no, &code) && save[0].contains("保存回执"));
    // 查看办理情况 goes on without typing.
    assert!(forms(&html, &["/track"])
        .iter()
        .any(|f| carries_visit(f, &case_no, &code)));
    // Saving: the receipt as a file, with number, code and the next steps.
    let r = form(
        &app,
        "/submit/receipt",
        None,
        &format!("case_no={case_no}&query_code={}", code.to_lowercase()),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let disposition = r.header("content-disposition").unwrap();
    assert!(
        disposition.starts_with("attachment") && disposition.contains(".html"),
        "{disposition}"
    );
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    let file = r.text();
    assert!(file.contains(&case_no) && file.contains(&code), "{file}");
    assert!(file.contains("第二十二条") && file.contains("<style>"));
    assert!(!file.contains("<script"), "the saved file runs nothing");
    // A wrong code saves nothing; the code never goes in a URL.
    let r = form(
        &app,
        "/submit/receipt",
        None,
        &format!("case_no={case_no}&query_code=WRONG234"),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!r.text().contains(&code));
    let r = request(&app, "GET", "/submit/receipt", None, "").await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
});

dual_test!(tracking_carries_the_visit, |app: TestApp| async move {
    let (case_no, code, _) = submit_page(&app, "随访测试", "33010219700404123").await;
    handle_to_delivery(&app, &case_no).await;
    let visit = format!("case_no={case_no}&query_code={code}");
    let (s, html) = form_page(&app, "/track", None, &visit).await;
    assert_eq!(s, StatusCode::OK);
    // Every follow-up form re-posts the case number and code.
    let follow_ups = forms(&html, &["/track", "/track/documents", "/track/attachments"]);
    assert!(
        follow_ups.len() >= 4,
        "documents, upload, evaluate, review: {}",
        follow_ups.len()
    );
    for f in &follow_ups {
        assert!(carries_visit(f, &case_no, &code), "{f}");
    }
    assert!(!html.contains("href=\"/track?"), "nothing in a URL");
    // A document opened from there leads back without typing.
    let id = between(&html, "name=\"id\" value=\"", "\"").to_string();
    let (s, doc) = form_page(&app, "/track/documents", None, &format!("{visit}&id={id}")).await;
    assert_eq!(s, StatusCode::OK);
    let back = forms(&doc, &["/track"]);
    assert_eq!(back.len(), 1, "{doc}");
    assert!(carries_visit(back[0], &case_no, &code) && back[0].contains("返回办理情况"));
    // Materials: the result page leads back too (here: no file chosen).
    let multipart = format!(
        "--BND\r\nContent-Disposition: form-data; name=\"case_no\"\r\n\r\n{case_no}\r\n\
         --BND\r\nContent-Disposition: form-data; name=\"query_code\"\r\n\r\n{code}\r\n--BND--\r\n"
    );
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/track/attachments")
        .header("content-type", "multipart/form-data; boundary=BND")
        .body(axum::body::Body::from(multipart))
        .unwrap();
    let r = send(&app, req).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text();
    assert!(page.contains("请先选择要上传的文件"), "{page}");
    assert!(forms(&page, &["/track"])
        .iter()
        .any(|f| carries_visit(f, &case_no, &code)));
    // Evaluation: the view comes back with the visit, the choice is confirmed.
    let (s, html) = form_page(
        &app,
        "/track",
        None,
        &format!("{visit}&op=evaluate&satisfaction=satisfied"),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("您的评价已提交"));
    assert!(forms(&html, &["/track/documents"])
        .iter()
        .all(|f| carries_visit(f, &case_no, &code)));
});

dual_test!(
    review_needs_a_reason_and_a_confirmation,
    |app: TestApp| async move {
        let (case_no, code, _) = submit_page(&app, "复查测试", "33010219700505123").await;
        handle_to_delivery(&app, &case_no).await;
        let visit = format!("case_no={case_no}&query_code={code}");
        let (_, html) = form_page(&app, "/track", None, &visit).await;
        let review = between(&html, "id=\"review\"", "</section>");
        assert!(
            review.contains("自收到书面答复之日起30日内")
                && review.contains("第三十五条")
                && review.contains("最后一天：<strong>2026年4月1日</strong>"),
            "{review}"
        );
        let form = forms(review, &["/track"]);
        assert!(
            form[0].contains("data-confirm=\"确定请求复查吗？"),
            "{review}"
        );
        assert!(form[0].contains("name=\"review_reason\"") && form[0].contains("required"));
        // Blank: told beside the field, nothing requested.
        let (s, html) = form_page(
            &app,
            "/track",
            None,
            &format!("{visit}&op=review&review_reason=%20%20"),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let err = between(&html, "id=\"review_reason-err\">", "</p>");
        assert!(err.contains("请写明"), "{err}");
        assert!(html.contains("aria-describedby=\"review_reason-hint review_reason-err\""));
        let (_, d) = app
            .get(
                &format!("/api/v1/cases/{case_no}"),
                Some(&app.token("shangcheng_zf").await),
            )
            .await;
        assert_eq!(d["case"]["stage"], "initial");
        // With a reason: requested, and the higher body reads the reason.
        let reason = "开发商承诺的交房时间没有保障";
        let (s, html) = form_page(
            &app,
            "/track",
            None,
            &format!("{visit}&op=review&review_reason={}", enc(reason)),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(
            html.contains("您的复查请求已提交，由杭州市上城区人民政府复查")
                && html.contains("30日内"),
            "{html}"
        );
        let (_, d) = app
            .get(
                &format!("/api/v1/cases/{case_no}"),
                Some(&app.token("shangcheng_zf").await),
            )
            .await;
        assert_eq!(d["case"]["stage"], "review");
        assert!(d.to_string().contains(reason), "the reason is on record");
    }
);

dual_test!(nothing_technical_for_citizens, |app: TestApp| async move {
    for path in ["/", "/submit", "/track"] {
        let r = request(&app, "GET", path, None, "").await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        let html = r.text();
        assert!(
            !html.contains("openapi") && !html.contains("/api/"),
            "{path}"
        );
        assert!(
            html.contains("/static/console.css"),
            "{path}: the public frame"
        );
        assert!(html.contains("name=\"viewport\""), "{path}");
    }
    let (_, _, receipt) = submit_page(&app, "技术测试", "33010219700606123").await;
    assert!(!receipt.contains("/api/") && !receipt.contains("registered\""));
});
