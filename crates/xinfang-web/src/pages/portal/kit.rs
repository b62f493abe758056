//! What every portal page shares: the visit (case number + query code,
//! carried in hidden POST fields so a citizen types them once per visit and
//! never sees them in a URL), a form field with its error, the error
//! summary, citizen-friendly dates, and rendering a template into the public
//! frame. The templates live in `templates/portal/`; askama escapes every
//! value, so no portal page assembles HTML by hand.

use crate::pages::html::page;
use crate::pages::ledgers::kit::Echo;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use std::collections::HashMap;

/// The case a citizen is looking at: re-posted by every follow-up form
/// (document, evaluation, 复查/复核, materials, 返回).
#[derive(Clone, Debug, Default)]
pub struct Visit {
    pub case_no: String,
    pub query_code: String,
}

impl Visit {
    /// From a posted form (trimmed; a code typed in lower case still works).
    pub fn from_form(f: &(impl Echo + ?Sized)) -> Visit {
        Visit {
            case_no: get(f, "case_no").trim().to_string(),
            query_code: get(f, "query_code").trim().to_string(),
        }
    }
}

crate::pages::ledgers::kit::page_form! {
    /// A follow-up form that carries only the visit.
    pub struct VisitForm {
        case_no,
        query_code,
    }
}

/// One posted value, or "" (a typed form, or a map of the fields).
pub fn get<'a>(f: &'a (impl Echo + ?Sized), k: &str) -> &'a str {
    f.echo(k).unwrap_or("")
}

/// A form control: its id (= name), the value to show again, and its error.
#[derive(Clone, Debug, Default)]
pub struct Field {
    pub id: &'static str,
    pub value: String,
    pub error: Option<String>,
}

impl Field {
    pub fn new(id: &'static str, f: &(impl Echo + ?Sized), errors: &Errors) -> Field {
        Field {
            id,
            value: get(f, id).to_string(),
            error: errors.get(id).cloned(),
        }
    }
}

/// Field errors by field id; several messages for one field are joined.
#[derive(Clone, Debug, Default)]
pub struct Errors(HashMap<String, String>);

impl Errors {
    pub fn add(&mut self, field: &str, message: &str) {
        self.0
            .entry(field.to_string())
            .and_modify(|m| {
                m.push('；');
                m.push_str(message)
            })
            .or_insert_with(|| message.to_string());
    }
    pub fn get(&self, field: &str) -> Option<&String> {
        self.0.get(field)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The error summary: one link per field, in the order of `labels`
    /// (the order of the form), each saying which field and what to do.
    pub fn summary(&self, labels: &[(&'static str, &'static str)]) -> Vec<SummaryItem> {
        labels
            .iter()
            .filter_map(|(id, label)| {
                self.0.get(*id).map(|m| SummaryItem {
                    id,
                    label,
                    message: m.clone(),
                })
            })
            .collect()
    }
}

/// One line of the error summary at the top of a form.
#[derive(Clone, Debug)]
pub struct SummaryItem {
    pub id: &'static str,
    pub label: &'static str,
    pub message: String,
}

/// "2026-04-01" (or with a time) as "2026年4月1日" (the time kept).
pub fn cn_date(iso: &str) -> String {
    let (day, time) = iso.split_once(' ').unwrap_or((iso, ""));
    let parts: Vec<&str> = day.split('-').collect();
    let num = |s: &str| s.parse::<u32>().ok();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 && num(m).is_some() && num(d).is_some() => {
            let date = format!("{y}年{}月{}日", num(m).unwrap_or(0), num(d).unwrap_or(0));
            if time.is_empty() {
                date
            } else {
                format!("{date} {time}")
            }
        }
        _ => iso.to_string(),
    }
}

/// An error in words for a citizen: a storage failure says nothing of the
/// database, only that nothing was lost and to try again.
pub fn plain_error(e: &xinfang_app::AppError) -> String {
    use xinfang_app::AppError::*;
    match e {
        Store(_) | Conflict => "系统暂时出了问题，刚才的操作没有完成，请稍后再试。".into(),
        TooManyAttempts => "尝试次数过多，请15分钟后再试。".into(),
        other => other.to_string(),
    }
}

/// A portal form's failure as its page shows it: field errors beside the
/// fields (422); the one failure the page words itself (`worded`: its status
/// and message); anything else a 500 with [`plain_error`]'s words.
pub fn form_errors(
    e: xinfang_app::AppError,
    worded: impl FnOnce(&xinfang_app::AppError) -> Option<(StatusCode, &'static str)>,
) -> (StatusCode, Errors, Option<String>) {
    let mut errors = Errors::default();
    if let xinfang_app::AppError::Invalid(list) = &e {
        for x in list {
            errors.add(&x.field, &x.message);
        }
        return (StatusCode::UNPROCESSABLE_ENTITY, errors, None);
    }
    match worded(&e) {
        Some((status, message)) => (status, errors, Some(message.into())),
        None => (
            StatusCode::INTERNAL_SERVER_ERROR,
            errors,
            Some(plain_error(&e)),
        ),
    }
}

/// A template's HTML (a template error is logged and shown as a short apology).
pub fn render(t: &impl Template) -> String {
    t.render().unwrap_or_else(|e| {
        tracing::error!("portal template: {e}");
        String::from("<p class=\"err\" role=\"alert\">页面显示出错，请稍后再试。</p>")
    })
}

/// A portal page: the template in the public frame, with its status.
pub fn respond(status: StatusCode, title: &str, t: &impl Template) -> Response {
    (status, Html(page(title, None, &render(t)))).into_response()
}

/// A short message page (wrong code, too many attempts, a failure), with a
/// way back to the case when the visit is known to be good.
#[derive(Template)]
#[template(path = "portal/message.html")]
pub struct Message<'a> {
    pub heading: &'a str,
    pub text: &'a str,
    /// An error (role=alert) rather than a confirmation (role=status).
    pub failed: bool,
    pub back: Option<&'a Visit>,
}

/// A message page with `status`.
pub fn message(
    status: StatusCode,
    heading: &str,
    text: &str,
    failed: bool,
    back: Option<&Visit>,
) -> Response {
    respond(
        status,
        heading,
        &Message {
            heading,
            text,
            failed,
            back,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_words() {
        assert_eq!(cn_date("2026-04-01"), "2026年4月1日");
        assert_eq!(cn_date("2026-03-02 10:05"), "2026年3月2日 10:05");
        assert_eq!(cn_date("未送达"), "未送达");
    }

    #[test]
    fn errors_join_and_summarise_in_form_order() {
        let mut e = Errors::default();
        e.add("phone", "甲");
        e.add("name", "乙");
        e.add("phone", "丙");
        let s = e.summary(&[("name", "姓名"), ("phone", "电话")]);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].id, "name");
        assert_eq!(s[1].message, "甲；丙");
    }
}
