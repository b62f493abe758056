//! Shared plumbing for the ledger pages (督办, 包案, 专项攻坚, 矛盾纠纷, 问责,
//! 预警) and the administration pages (who is logged in and the CSRF check
//! on every POST are the extractors in `pages::extract`): form fields,
//! Chinese error pages with the status the API would give, and what their askama templates share (`templates/ledgers/
//! kit.html`: the CSRF input, the outcome banner, `<option>` lists;
//! `templates/ledgers/message.html`: a page that only says something).

use crate::error::ApiError;
use crate::pages::html::page;
use crate::AppState;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use std::collections::HashMap;
use xinfang_app::AppError;
use xinfang_domain::Staff;

/// A posted or query form.
pub type FormMap = HashMap<String, String>;

/// A trimmed form field ("" when absent).
pub fn field<'a>(f: &'a FormMap, k: &str) -> &'a str {
    f.get(k).map(String::as_str).unwrap_or("").trim()
}

/// The Chinese message of a service error (every field message).
pub fn err_msg(e: &AppError) -> String {
    match e {
        AppError::Invalid(list) => list
            .iter()
            .map(|x| x.message.clone())
            .collect::<Vec<_>>()
            .join("；"),
        AppError::NotFound => "未找到，或您无权查看".into(),
        AppError::Forbidden => "无权办理此操作".into(),
        other => other.to_string(),
    }
}

/// An error page with the status the API gives for the same error, and a way back.
pub fn err_page(staff: &Staff, title: &str, e: AppError, back: &str) -> Response {
    let msg = err_msg(&e);
    let status = ApiError(e).into_response().status();
    message_page(
        status,
        title,
        Some(staff),
        Message::alert(format!("未能办理：{msg}")).link(back, "返回"),
    )
}

/// A page with a 400 and a message (unparseable input on a page).
pub fn bad_request(staff: &Staff, msg: &str, back: &str) -> Response {
    err_page(staff, "输入有误", AppError::BadRequest(msg.into()), back)
}

/// Redirect after a successful POST (303 See Other) with a notice flag.
pub fn done(to: &str) -> Response {
    let (path, frag) = to.split_once('#').map_or((to, ""), |(p, f)| (p, f));
    let sep = if path.contains('?') { '&' } else { '?' };
    let frag = if frag.is_empty() {
        String::new()
    } else {
        format!("#{frag}")
    };
    Redirect::to(&format!("{path}{sep}done=1{frag}")).into_response()
}

/// The outcome of a posted form, shown at the top of the page it re-renders
/// (`kit::banner`): a status when it went through, an alert when not.
pub struct Banner {
    pub ok: bool,
    pub text: String,
}

impl Banner {
    pub fn ok(text: impl Into<String>) -> Banner {
        Banner {
            ok: true,
            text: text.into(),
        }
    }
    pub fn err(text: impl Into<String>) -> Banner {
        Banner {
            ok: false,
            text: text.into(),
        }
    }
}

/// The success banner when the page was reached with `?done=1`.
pub fn notice(q: &FormMap) -> Option<Banner> {
    q.contains_key("done").then(|| Banner::ok("已办理。"))
}

/// What was typed into a posted form, by field name: the map of a form
/// with dynamic fields, or a typed form declared with [`page_form!`].
pub trait Echo {
    /// The value posted as `name`, if any.
    fn echo(&self, name: &str) -> Option<&str>;
}

impl Echo for FormMap {
    fn echo(&self, name: &str) -> Option<&str> {
        self.get(name).map(String::as_str)
    }
}

/// A typed posted form: a struct of text fields (each "" when absent, as a
/// map's missing key was) that can show itself again after a failed post.
macro_rules! page_form {
    ($(#[$m:meta])* $vis:vis struct $name:ident { $($field:ident),* $(,)? }) => {
        $(#[$m])*
        #[derive(serde::Deserialize, Default)]
        #[serde(default)]
        $vis struct $name {
            $(pub $field: String,)*
        }

        impl $crate::pages::ledgers::kit::Echo for $name {
            fn echo(&self, name: &str) -> Option<&str> {
                match name {
                    $(stringify!($field) => Some(&self.$field),)*
                    _ => None,
                }
            }
        }
    };
}
pub(crate) use page_form;

/// A post that failed. When the input was refused (400, 422) the page of
/// the form shows it again with the error and what was typed, so nothing
/// has to be typed twice; anything else (not found, not allowed) gets the
/// error page.
pub struct Failed<'a> {
    pub status: StatusCode,
    pub banner: Banner,
    pub typed: &'a (dyn Echo + Sync),
}

impl<'a> Failed<'a> {
    pub fn new(e: AppError, typed: &'a (dyn Echo + Sync)) -> Failed<'a> {
        let banner = Banner::err(format!("未能办理：{}", err_msg(&e)));
        Failed {
            status: ApiError(e).into_response().status(),
            banner,
            typed,
        }
    }
    /// The input was refused: the form is worth showing again.
    pub fn is_input(&self) -> bool {
        matches!(
            self.status,
            StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY
        )
    }
    /// The error page (as [`err_page`]).
    pub fn page(self, staff: &Staff, title: &str, back: &str) -> Response {
        message_page(
            self.status,
            title,
            Some(staff),
            Message::alert(self.banner.text).link(back, "返回"),
        )
    }
}

/// What a form shows in its fields: what was typed into it when its post
/// failed, else nothing.
pub struct Typed<'a>(pub Option<&'a (dyn Echo + Sync)>);

impl Typed<'_> {
    /// The typed value of `name`, trimmed ("" when nothing was typed).
    pub fn get(&self, name: &str) -> String {
        self.0
            .map(|f| f.echo(name).unwrap_or("").trim().to_string())
            .unwrap_or_default()
    }
    /// The typed value, or `default` when the form was not posted.
    pub fn or(&self, name: &str, default: &str) -> String {
        match self.0 {
            Some(f) => f.echo(name).unwrap_or("").trim().to_string(),
            None => default.to_string(),
        }
    }
}

/// A full staff page (the ledgers are reached from the left menu).
pub fn staff_page(title: &str, staff: &Staff, body: &str) -> Response {
    Html(page(title, Some(staff), body)).into_response()
}

/// As [`staff_page`] with a status (a re-rendered form after a failed post).
pub fn staff_page_status(status: StatusCode, title: &str, staff: &Staff, body: &str) -> Response {
    (status, Html(page(title, Some(staff), body))).into_response()
}

/// One `<option>` (`kit::options`).
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// `<option>`s for a key/label table, with `selected` marking one key.
pub fn options<K: ToString, L: ToString>(
    table: impl IntoIterator<Item = (K, L)>,
    selected: &str,
) -> Vec<Opt> {
    table
        .into_iter()
        .map(|(k, l)| {
            let value = k.to_string();
            Opt {
                selected: !selected.is_empty() && value == selected,
                value,
                label: l.to_string(),
            }
        })
        .collect()
}

/// Unit `<option>`s for the units within the staff member's area (their
/// government's subtree), `selected` marking one unit id.
pub fn area_unit_options(st: &AppState, staff: &Staff, selected: &str) -> Vec<Opt> {
    let org = st.app.org();
    let area = org.government_of(staff.unit).unwrap_or(staff.unit);
    let mut units: Vec<_> = org.units().filter(|u| org.is_within(u.id, area)).collect();
    units.sort_by_key(|u| (u.level, u.id));
    options(units.iter().map(|u| (u.id.0, &u.name)), selected)
}

/// A page body that only says something (`templates/ledgers/message.html`).
#[derive(Template, Default)]
#[template(path = "ledgers/message.html")]
pub struct Message {
    /// A `<section>` with this heading around the text.
    pub heading: Option<&'static str>,
    /// "err", "ok" or "".
    pub class: &'static str,
    /// `role="alert"`.
    pub alert: bool,
    pub text: String,
    /// (href, label): the ways on, after the text.
    pub links: Vec<(String, &'static str)>,
}

impl Message {
    /// An error the reader must notice.
    pub fn alert(text: impl Into<String>) -> Message {
        Message {
            class: "err",
            alert: true,
            text: text.into(),
            ..Default::default()
        }
    }
    pub fn link(mut self, href: impl Into<String>, label: &'static str) -> Message {
        self.links.push((href.into(), label));
        self
    }
}

/// A full page with `status` whose body is the message.
pub fn message_page(
    status: StatusCode,
    title: &str,
    staff: Option<&Staff>,
    m: Message,
) -> Response {
    (status, Html(page(title, staff, &render(&m)))).into_response()
}

/// A template's HTML (a template that fails to render is a bug: say so in
/// the page rather than answer an empty one).
pub fn render(t: &impl Template) -> String {
    t.render().unwrap_or_else(|e| format!("页面生成失败：{e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_escapes_its_text_and_its_links() {
        let html = render(&Message::alert("<b>未找到</b>").link("/work?a=1&b=2", "返回"));
        assert_eq!(
            html,
            "<p class=\"err\" role=\"alert\">&lt;b&gt;未找到&lt;/b&gt;</p><p><a href=\"/work?a=1&amp;b=2\">返回</a></p>"
        );
    }

    #[test]
    fn options_select_the_chosen_key_and_never_an_empty_one() {
        let o = options([("", "（新领域）"), ("01", "城乡建设")], "01");
        assert!(!o[0].selected && o[1].selected);
        let o = options([("", "（新领域）"), ("01", "城乡建设")], "");
        assert!(o.iter().all(|o| !o.selected));
    }
}
