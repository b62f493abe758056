//! The frame around every page (issue #15): a staff member gets the console
//! layout (`templates/layout.html`: their body and role in the header, the
//! left menu of their roles with the current entry marked, a breadcrumb);
//! everyone else the public frame (`templates/public_layout.html`).
//!
//! The frame needs two things a handler does not pass: the requested path
//! (to mark the menu entry) and the unit names (to name the user's body).
//! [`page_context`] middleware puts both into a task-local for the request,
//! so the one `page(title, staff, body)` call of every handler stays as it
//! is, and a page outside a request (a test rendering a fragment) still
//! renders, without the marks.

use crate::pages::html::menu_for;
use askama::Template;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;
use xinfang_domain::org::OrgTree;
use xinfang_domain::Staff;

/// What the frame knows about the request being answered.
#[derive(Clone)]
pub struct PageContext {
    pub path: String,
    pub org: Arc<OrgTree>,
}

tokio::task_local! {
    static CONTEXT: PageContext;
}

/// Middleware: run the handler with the request's [`PageContext`].
pub async fn page_context(State(st): State<crate::AppState>, req: Request, next: Next) -> Response {
    let ctx = PageContext {
        path: req.uri().path().to_string(),
        org: st.app.org(),
    };
    CONTEXT.scope(ctx, next.run(req)).await
}

fn context() -> Option<PageContext> {
    CONTEXT.try_with(Clone::clone).ok()
}

/// One step of the breadcrumb; the last has no link.
pub struct Crumb {
    pub label: String,
    pub href: Option<String>,
}

struct MenuEntry {
    href: &'static str,
    label: &'static str,
    current: bool,
}

struct MenuGroup {
    label: &'static str,
    entries: Vec<MenuEntry>,
}

#[derive(Template)]
#[template(path = "layout.html")]
struct Layout<'a> {
    title: &'a str,
    unit: String,
    name: &'a str,
    roles: String,
    menu: Vec<MenuGroup>,
    crumbs: Vec<Crumb>,
    body: &'a str,
}

#[derive(Template)]
#[template(path = "public_layout.html")]
struct PublicLayout<'a> {
    title: &'a str,
    body: &'a str,
}

/// The menu entry a path belongs to: the longest menu href that is the
/// path or a parent of it (`/work/cases/…` belongs to 信访事项, `/work` only
/// to 我的待办 itself).
fn owning_entry<'m>(menu: &[(&str, Vec<(&'m str, &'m str)>)], path: &str) -> Option<&'m str> {
    menu.iter()
        .flat_map(|(_, e)| e.iter())
        .filter(|(href, _)| {
            path == *href
                || (path.starts_with(href)
                    && path.as_bytes().get(href.len()) == Some(&b'/')
                    && *href != "/work")
        })
        .max_by_key(|(href, _)| href.len())
        .map(|(href, _)| *href)
}

/// A whole page. `parents` are the breadcrumb steps between the menu entry
/// and this page (e.g. a case page under 信访事项); the menu entry itself
/// and the title are added here.
pub fn render(title: &str, staff: Option<&Staff>, parents: &[(&str, &str)], body: &str) -> String {
    let Some(staff) = staff else {
        return PublicLayout { title, body }
            .render()
            .unwrap_or_else(|e| format!("页面生成失败：{e}"));
    };
    let ctx = context();
    let path = ctx.as_ref().map(|c| c.path.as_str()).unwrap_or("");
    let menu = menu_for(staff);
    let owner = owning_entry(&menu, path);
    let mut crumbs = vec![Crumb {
        label: "工作台".into(),
        href: Some("/work".into()),
    }];
    if let Some((group, (href, label))) = menu
        .iter()
        .flat_map(|(g, e)| e.iter().map(move |x| (*g, *x)))
        .find(|(_, (href, _))| Some(*href) == owner)
    {
        if href != "/work" {
            crumbs.push(Crumb {
                label: group.into(),
                href: None,
            });
            if label != title {
                crumbs.push(Crumb {
                    label: label.into(),
                    href: Some(href.into()),
                });
            }
        }
    }
    for (label, href) in parents {
        if crumbs.iter().any(|c| c.label == *label) {
            continue;
        }
        crumbs.push(Crumb {
            label: (*label).into(),
            href: Some((*href).into()),
        });
    }
    if crumbs.last().map(|c| c.label.as_str()) != Some(title) {
        crumbs.push(Crumb {
            label: title.into(),
            href: None,
        });
    } else if let Some(last) = crumbs.last_mut() {
        last.href = None;
    }
    let unit = ctx
        .as_ref()
        .and_then(|c| c.org.get(staff.unit).map(|u| u.name.clone()))
        .unwrap_or_default();
    let roles: Vec<&str> = staff.roles.iter().map(|r| r.label_zh()).collect();
    Layout {
        title,
        unit,
        name: &staff.name,
        roles: roles.join("、"),
        menu: menu
            .into_iter()
            .map(|(label, entries)| MenuGroup {
                label,
                entries: entries
                    .into_iter()
                    .map(|(href, label)| MenuEntry {
                        href,
                        label,
                        current: Some(href) == owner,
                    })
                    .collect(),
            })
            .collect(),
        crumbs,
        body,
    }
    .render()
    .unwrap_or_else(|e| format!("页面生成失败：{e}"))
}

const STYLESHEET: &str = include_str!("../../static/console.css");
const SCRIPT: &str = include_str!("../../static/console.js");

/// `/static/console.css`, embedded in the binary.
pub async fn stylesheet() -> impl axum::response::IntoResponse {
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "no-cache"),
        ],
        STYLESHEET,
    )
}

/// `/static/console.js`, embedded in the binary.
pub async fn script() -> impl axum::response::IntoResponse {
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/javascript; charset=utf-8",
            ),
            (axum::http::header::CACHE_CONTROL, "no-cache"),
        ],
        SCRIPT,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn menu() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
        vec![
            (
                "办理",
                vec![("/work", "我的待办"), ("/work/cases", "信访事项")],
            ),
            (
                "管理",
                vec![("/admin", "系统管理"), ("/admin/calendar", "节假日安排")],
            ),
        ]
    }

    /// An unclosed `@media` block swallows every rule after it (a merge once
    /// left the print block open and phones got desktop-width charts).
    #[test]
    fn the_stylesheet_closes_every_block() {
        let mut depth = 0i32;
        for (n, line) in STYLESHEET.lines().enumerate() {
            depth += line.matches('{').count() as i32 - line.matches('}').count() as i32;
            assert!((0..=2).contains(&depth), "line {}: depth {depth}", n + 1);
            if line.starts_with("/*") {
                assert_eq!(depth, 0, "line {}: a section starts inside a block", n + 1);
            }
        }
        assert_eq!(depth, 0);
    }

    #[test]
    fn a_path_belongs_to_its_longest_menu_prefix() {
        let m = menu();
        assert_eq!(owning_entry(&m, "/work"), Some("/work"));
        assert_eq!(owning_entry(&m, "/work/cases/XF1"), Some("/work/cases"));
        assert_eq!(owning_entry(&m, "/admin/calendar"), Some("/admin/calendar"));
        assert_eq!(owning_entry(&m, "/admin/users/3"), Some("/admin"));
        // /work is 我的待办 only, not the parent of every staff page.
        assert_eq!(owning_entry(&m, "/work/search"), None);
    }
}
