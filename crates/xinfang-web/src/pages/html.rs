//! Tiny HTML helpers: escaping every user-supplied string, and the page frame
//! (inline CSS, no external assets — the CSP is `default-src 'self'`) with
//! the one staff nav.

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

const CSS: &str = "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:0;color:#1a1a1a;background:#f6f7f9;line-height:1.6}\
header{background:#a51c1c;color:#fff;padding:.6rem 1rem;display:flex;gap:1rem;align-items:center;flex-wrap:wrap}\
header a{color:#fff}header h1{font-size:1.2rem;margin:0 1rem 0 0}main{max-width:70rem;margin:1rem auto;padding:0 1rem}\
section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.8rem 1rem;margin-bottom:1rem}\
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #e5e5e5;padding:.35rem .5rem;text-align:left;vertical-align:top}\
.normal{color:#1b5e20}.approaching{color:#b26a00;font-weight:bold}.overdue{color:#b00020;font-weight:bold}\
.err{background:#fdecea;border:1px solid #b00020;padding:.5rem 1rem;border-radius:4px}td .err{display:block;margin-top:.25rem;padding:.25rem .5rem;font-size:.875rem}.ok{background:#e8f5e9;border:1px solid #1b5e20;padding:.5rem 1rem;border-radius:4px}\
label{display:block;margin:.4rem 0 .1rem}input,select,textarea{font-size:1rem;padding:.35rem;max-width:100%;box-sizing:border-box}textarea{width:100%}\
button{display:block;padding:.4rem 1rem;font-size:1rem;background:#a51c1c;color:#fff;border:0;border-radius:4px;cursor:pointer;margin-top:.4rem}\
:focus{outline:3px solid #1565c0;outline-offset:2px}details{margin:.3rem 0}.counts a,.counts .zero{display:inline-block;margin:0 1rem .5rem 0}.counts .zero{color:#666}\
.reg{display:grid;grid-template-columns:minmax(0,2fr) minmax(14rem,1fr);gap:1rem;align-items:start}.reg #assist{position:sticky;top:.5rem}.reg table{table-layout:fixed}.reg td input{width:100%}.same{display:block;color:#b00020;font-weight:bold}\
@media (max-width:40rem){th,td{display:block}.reg{display:block}}";

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
                "/work/search",
                "检索",
                &[Registrar, Handler, Leader, Supervisor],
            ),
        ],
    ),
    (
        "督查",
        &[
            ("/work/supervisions", "督办", &[Handler, Leader, Supervisor]),
            ("/work/warnings", "预警", &[Leader, Supervisor]),
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
            ("/work/ownerships", "包案", &[Handler, Leader, Supervisor]),
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
        &[("/work/dashboard", "统计分析", &[Leader, Supervisor, Admin])],
    ),
    (
        "管理",
        &[
            ("/admin", "系统管理", &[Admin]),
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

/// The staff nav: the menu of the user's roles, the same on every staff
/// page (built by this one function), with who is signed in.
pub fn nav(staff: &Staff) -> String {
    let mut out = String::from("<nav>");
    for (i, (group, entries)) in menu_for(staff).into_iter().enumerate() {
        if i > 0 {
            out.push_str(" <span class=\"sep\">|</span> ");
        }
        out.push_str(&format!("<span class=\"grp\" title=\"{group}\">"));
        let links: Vec<String> = entries
            .iter()
            .map(|(href, label)| format!("<a href=\"{href}\">{label}</a>"))
            .collect();
        out.push_str(&links.join(" · "));
        out.push_str("</span>");
    }
    let roles: Vec<&str> = staff.roles.iter().map(|r| r.label_zh()).collect();
    out.push_str(&format!(
        "</nav><span>{}（{}）</span><form method=\"post\" action=\"/logout\"><button type=\"submit\">退出</button></form>",
        esc(&staff.name),
        roles.join("、")
    ));
    out
}

/// A full page; a logged-in staff member gets the staff [`nav`].
pub fn page(title: &str, staff: Option<&Staff>, body: &str) -> String {
    let nav = staff.map(nav).unwrap_or_default();
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{} · 信访工作平台</title><style>{CSS}</style></head>\
         <body><header><h1>信访工作平台</h1>{nav}</header><main>{body}</main></body></html>",
        esc(title)
    )
}
