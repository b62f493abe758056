//! Tabs with count badges (`templates/components/tabs.html`): the tab is a
//! query parameter, so a tab can be linked, reloaded and reached with the
//! keyboard like any link.

use askama::Template;

pub struct Tab {
    pub label: String,
    pub count: usize,
    pub href: String,
    pub current: bool,
    /// "" (neutral), "warn" (临期) or "alarm" (超期, 预警).
    pub tone: &'static str,
}

#[derive(Template)]
#[template(path = "components/tabs.html")]
struct Tabs<'a> {
    label: &'a str,
    tabs: &'a [Tab],
}

/// The tab bar; `label` names it for screen readers.
pub fn render(label: &str, tabs: &[Tab]) -> String {
    Tabs { label, tabs }
        .render()
        .unwrap_or_else(|e| format!("页面生成失败：{e}"))
}
