//! Tiny HTML helpers: escaping every user-supplied string, the staff menu
//! (which roles see which entry), and `page`, the one call that puts a
//! page's content into its frame (`frame.rs`, askama layouts).

use xinfang_domain::{Role, Staff};

/// Escape text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Who sees a menu entry: any of these roles.
type Entry = (&'static str, &'static str, &'static [Role]);

use Role::{Admin, Handler, Leader, Registrar, Supervisor};

/// The staff menu, grouped by task; each entry names the roles whose work
/// it is. A page's own check still decides access: the menu only leaves out
/// what a role has no business opening (a handler has no 零报告 to file).
pub const MENU: &[(&str, &[Entry])] = &[
    (
        "办理",
        &[
            (
                "/work",
                "我的待办",
                &[Registrar, Handler, Leader, Supervisor],
            ),
            ("/work/register", "登记", &[Registrar]),
            (
                "/work/cases",
                "信访事项",
                &[Registrar, Handler, Leader, Supervisor],
            ),
            (
                "/work/submissions",
                "件次",
                &[Registrar, Leader, Supervisor],
            ),
            (
                "/work/search",
                "检索",
                &[Registrar, Handler, Leader, Supervisor],
            ),
            ("/work/accounts", "信访人账号核验", &[Registrar]),
        ],
    ),
    (
        "督查",
        &[
            ("/work/supervisions", "督办", &[Handler, Leader, Supervisor]),
            (
                "/work/listed",
                "挂牌督办",
                &[Registrar, Handler, Leader, Supervisor],
            ),
            ("/work/warnings", "风险预警", &[Leader, Supervisor]),
            ("/work/accountability", "约谈通报", &[Leader, Supervisor]),
            ("/work/zero-reports", "零报告", &[Supervisor]),
        ],
    ),
    (
        "化解",
        &[
            (
                "/work/reception",
                "领导接访",
                &[Registrar, Leader, Supervisor],
            ),
            (
                "/work/ownerships",
                "领导包案",
                &[Handler, Leader, Supervisor],
            ),
            ("/work/campaigns", "专项攻坚", &[Leader, Supervisor]),
            (
                "/work/disputes",
                "矛盾纠纷台账",
                &[Registrar, Handler, Supervisor],
            ),
        ],
    ),
    (
        "分析",
        &[
            ("/work/dashboard", "统计分析", &[Leader, Supervisor, Admin]),
            (
                "/work/reports/annual",
                "年度报告",
                &[Leader, Supervisor, Admin],
            ),
        ],
    ),
    (
        "管理",
        &[
            ("/admin", "系统管理", &[Admin]),
            ("/admin/units", "单位管理", &[Admin]),
            ("/admin/users", "用户管理", &[Admin]),
            ("/admin/taxonomy", "内容分类", &[Admin]),
            ("/admin/rules", "预警规则", &[Admin]),
            ("/admin/notices", "通知", &[Admin]),
            ("/admin/seals", "电子签章", &[Admin]),
            ("/admin/webhooks", "数据推送", &[Admin]),
            ("/admin/import", "历史数据导入", &[Admin]),
            ("/admin/calendar", "节假日安排", &[Admin, Supervisor]),
        ],
    ),
];

/// The menu entries `staff` sees, by group.
pub fn menu_for(staff: &Staff) -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    MENU.iter()
        .map(|(group, entries)| {
            let mine = entries
                .iter()
                .filter(|(_, _, roles)| roles.iter().any(|r| staff.has(*r)))
                .map(|(href, label, _)| (*href, *label))
                .collect::<Vec<_>>();
            (*group, mine)
        })
        .filter(|(_, e)| !e.is_empty())
        .collect()
}

/// A full page in the frame of its reader (see [`crate::pages::frame`]).
pub fn page(title: &str, staff: Option<&Staff>, body: &str) -> String {
    crate::pages::frame::render(title, staff, &[], body)
}

/// A page below another in the breadcrumb, e.g. a case page under the
/// case list: `parents` are (label, href) steps after the menu entry.
pub fn page_in(title: &str, staff: &Staff, parents: &[(&str, &str)], body: &str) -> String {
    crate::pages::frame::render(title, Some(staff), parents, body)
}
