//! Administrators' upload of historical cases (`/admin/import`): the .xlsx
//! file, a dry run that lists every rejected row with its reasons, and the
//! real run that writes all rows or none (`App::import_cases`). The form is
//! `multipart/form-data`, read by the small parser below (one file part and
//! two text fields; the 2 MB body limit applies). The pages are askama
//! templates (`templates/admin/import*.html`).

use crate::pages::extract::StaffPage;
use crate::pages::html::page;
use crate::pages::ledgers::kit::{message_page, render, Message};
use crate::pages::session::{csrf_ok, current};
use crate::AppState;
use askama::Template;
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

/// The upload form and the columns the workbook must have.
#[derive(Template)]
#[template(path = "admin/import.html")]
struct ImportForm<'a> {
    csrf: &'a str,
    /// (heading, required).
    columns: &'a [(&'a str, bool)],
}

/// What a run found: the counts and every rejected row with its reasons.
#[derive(Template)]
#[template(path = "admin/import_result.html")]
struct ImportResult {
    outcome: Result<xinfang_app::import::ImportReport, String>,
}

fn refused(staff: &xinfang_domain::Staff, text: &str) -> Response {
    message_page(
        StatusCode::FORBIDDEN,
        "拒绝",
        Some(staff),
        Message {
            class: "err",
            text: text.into(),
            ..Default::default()
        },
    )
}

pub async fn form(State(_st): State<AppState>, StaffPage { staff, csrf }: StaffPage) -> Response {
    if !staff.has(Role::Admin) {
        return refused(&staff, "仅管理员可导入历史信访事项。");
    }
    let body = render(&ImportForm {
        csrf: &csrf,
        columns: COLUMNS,
    });
    Html(page("导入历史信访事项", Some(&staff), &body)).into_response()
}

/// The session is looked up after the body is read (as every handler did
/// before the extractors): an oversized upload is a 413 even when signed out.
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
        return refused(&staff, "仅管理员可导入，且表单须来自本站（CSRF 校验）。");
    }
    let dry_run = field("dry_run").is_some();
    let Some(file) = field("file").filter(|f| !f.is_empty()) else {
        return message_page(
            StatusCode::OK,
            "导入",
            Some(&staff),
            Message::alert("请选择 Excel 文件。").link("/admin/import", "返回"),
        );
    };
    let batch = format!("page:{}:{}", staff.username, st.app.now());
    let outcome = st
        .app
        .import_cases(file, dry_run, &format!("user:{}", staff.username), &batch)
        .await
        .map_err(|e| match &e {
            xinfang_app::AppError::Invalid(list) => list
                .iter()
                .map(|x| x.message.clone())
                .collect::<Vec<_>>()
                .join("；"),
            other => other.to_string(),
        });
    let body = render(&ImportResult { outcome });
    Html(page("导入历史信访事项", Some(&staff), &body)).into_response()
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
