//! Administrators' upload of historical cases (`/admin/import`): the .xlsx
//! file, a dry run that lists every rejected row with its reasons, and the
//! real run that writes all rows or none (`App::import_cases`). The form is
//! `multipart/form-data`, read by the small parser below (one file part and
//! two text fields; the 2 MB body limit applies).

use super::html::{esc, page};
use super::session::{csrf_ok, current};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use xinfang_app::import::row::COLUMNS;
use xinfang_domain::Role;

/// The parts of a multipart body: (name, bytes). Malformed input yields fewer parts, never a panic.
pub fn multipart_parts(content_type: &str, body: &[u8]) -> Vec<(String, Vec<u8>)> {
    let Some(boundary) = content_type
        .split(';')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("boundary="))
        .map(|b| b.trim_matches('"'))
        .filter(|b| !b.is_empty())
    else {
        return vec![];
    };
    let delim = format!("--{boundary}").into_bytes();
    let find = |hay: &[u8], needle: &[u8], from: usize| -> Option<usize> {
        if from > hay.len() {
            return None;
        }
        hay[from..]
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|p| p + from)
    };
    let mut out = vec![];
    let mut pos = match find(body, &delim, 0) {
        Some(p) => p + delim.len(),
        None => return out,
    };
    while let Some(next) = find(body, &delim, pos) {
        let part = &body[pos..next];
        if let Some(h) = find(part, b"\r\n\r\n", 0) {
            let head = String::from_utf8_lossy(&part[..h]);
            let name = head
                .split(';')
                .map(str::trim)
                .find_map(|p| p.strip_prefix("name="))
                .map(|n| {
                    n.split(['\r', '\n'])
                        .next()
                        .unwrap_or("")
                        .trim_matches('"')
                        .to_string()
                })
                .unwrap_or_default();
            let mut data = &part[h + 4..];
            if data.ends_with(b"\r\n") {
                data = &data[..data.len() - 2];
            }
            out.push((name, data.to_vec()));
        }
        pos = next + delim.len();
    }
    out
}

fn layout_doc() -> String {
    let rows: String = COLUMNS
        .iter()
        .map(|(n, req)| {
            format!(
                "<tr><td>{n}</td><td>{}</td></tr>",
                if *req { "必填" } else { "选填" }
            )
        })
        .collect();
    format!("<table><tr><th>表头（第 1 行）</th><th></th></tr>{rows}</table><p>渠道：网上信访/来信/来访/来电/传真；类型：建议意见类/检举控告类/申诉求决类；日期：2025-03-01 或 Excel 日期；多名信访人以“、”分隔。</p>\
         <p>办理状态按原系统的办理过程补录（按日期记入事件，时限、指标与统计随之计算）：空或“已登记”；“已转送”须填办理单位、转送日期；“已受理”“办理中”须填受理日期（办理单位不同于登记单位时还须填转送日期，视为转送后签收）；“已办结”“已答复”另须填办结日期和处理意见（支持/解释说明/不予支持/采纳/部分采纳/未采纳/已办理并反馈/调解达成协议/和解达成协议），法律依据选填；“已送达”另须填送达日期，评价（满意/基本满意/不满意）选填。日期须依次不早于前一步骤且不晚于今天；填写了办理状态尚未到达的步骤的日期视为矛盾。“已终结”须经复查、复核，不能导入。</p>")
}

pub async fn form(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let Some((staff, csrf)) = current(&st, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    if !staff.has(Role::Admin) {
        return (
            StatusCode::FORBIDDEN,
            Html(page(
                "拒绝",
                Some(&staff),
                "<p class=\"err\">仅管理员可导入历史信访事项。</p>",
            )),
        )
            .into_response();
    }
    let body = format!(
        "<section><h2>导入历史信访事项（Excel）</h2><p>先“仅校验”查看每个不合格行的行号和原因；正式导入时只要有一行不合格，就一行也不写入。导入的事项按登记规则编号、记入审计链，并标记为导入。</p>\
         <form method=\"post\" action=\"/admin/import\" enctype=\"multipart/form-data\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <label for=\"file\">Excel 文件（.xlsx，第一个工作表）</label><input type=\"file\" id=\"file\" name=\"file\" accept=\".xlsx\" required>\
         <label><input type=\"checkbox\" name=\"dry_run\" value=\"1\" checked> 仅校验（不写入）</label><button type=\"submit\">上传</button></form></section><section><h2>列格式</h2>{}</section>",
        esc(&csrf),
        layout_doc()
    );
    Html(page("导入历史信访事项", Some(&staff), &body)).into_response()
}

pub async fn upload(State(st): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some((staff, csrf)) = current(&st, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let parts = multipart_parts(ct, &body);
    let field = |n: &str| {
        parts
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.as_slice())
    };
    let given = field("csrf")
        .map(|v| String::from_utf8_lossy(v).to_string())
        .unwrap_or_default();
    if !csrf_ok(&csrf, &given) || !staff.has(Role::Admin) {
        return (
            StatusCode::FORBIDDEN,
            Html(page(
                "拒绝",
                Some(&staff),
                "<p class=\"err\">仅管理员可导入，且表单须来自本站（CSRF 校验）。</p>",
            )),
        )
            .into_response();
    }
    let dry_run = field("dry_run").is_some();
    let Some(file) = field("file").filter(|f| !f.is_empty()) else {
        return Html(page("导入", Some(&staff), "<p class=\"err\" role=\"alert\">请选择 Excel 文件。</p><p><a href=\"/admin/import\">返回</a></p>")).into_response();
    };
    let batch = format!("page:{}:{}", staff.username, st.app.now());
    let out = match st
        .app
        .import_cases(file, dry_run, &format!("user:{}", staff.username), &batch)
        .await
    {
        Ok(r) => {
            let mut s = format!(
                "<p class=\"{}\" role=\"status\">{}：共 {} 行，合格 {} 行，不合格 {} 行{}。</p>",
                if r.rejected.is_empty() { "ok" } else { "err" },
                if r.dry_run {
                    "校验结果"
                } else {
                    "导入结果"
                },
                r.rows,
                r.accepted,
                r.rejected.len(),
                if !r.dry_run && r.rejected.is_empty() {
                    format!("，已导入 {} 件", r.case_nos.len())
                } else if !r.dry_run {
                    "，未写入任何事项".to_string()
                } else {
                    String::new()
                }
            );
            if !r.rejected.is_empty() {
                s.push_str("<table id=\"rejected\"><tr><th>行号</th><th>原因</th></tr>");
                for x in &r.rejected {
                    s.push_str(&format!(
                        "<tr><td>{}</td><td>{}</td></tr>",
                        x.row,
                        esc(&x.reasons.join("；"))
                    ));
                }
                s.push_str("</table>");
            }
            s
        }
        Err(e) => {
            let msg = match &e {
                xinfang_app::AppError::Invalid(list) => list
                    .iter()
                    .map(|x| x.message.clone())
                    .collect::<Vec<_>>()
                    .join("；"),
                other => other.to_string(),
            };
            format!("<p class=\"err\" role=\"alert\">未导入：{}</p>", esc(&msg))
        }
    };
    Html(page("导入历史信访事项", Some(&staff), &format!("<section><h2>导入历史信访事项</h2>{out}<p><a href=\"/admin/import\">返回</a></p></section>"))).into_response()
}

#[cfg(test)]
mod tests {
    use super::multipart_parts;

    #[test]
    fn parts_are_read_and_garbage_is_harmless() {
        let body = b"--b1\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n--b1\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.xlsx\"\r\n\r\nPK\x03\x04\r\n--b1--\r\n";
        let parts = multipart_parts("multipart/form-data; boundary=b1", body);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0], ("csrf".to_string(), b"abc".to_vec()));
        assert_eq!(parts[1].0, "file");
        assert_eq!(parts[1].1, b"PK\x03\x04".to_vec());
        assert!(multipart_parts("multipart/form-data", body).is_empty());
        for junk in [
            &b""[..],
            b"--b1",
            b"--b1\r\n\r\n--b1",
            b"--b1--b1--b1",
            b"\r\n\r\n--b1",
        ] {
            let _ = multipart_parts("multipart/form-data; boundary=b1", junk);
        }
    }
}
