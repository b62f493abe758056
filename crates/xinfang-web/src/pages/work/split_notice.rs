//! The result of splitting a 件次 off into a new case: the new case number
//! and its query code — shown this once, like the registration receipt,
//! because only its hash is stored — and a printable 告知 for the
//! petitioner, who otherwise could never follow the new case on the portal
//! (第二十二、二十三条: every matter registered, the petitioner told in
//! writing). The print button uses `/assets/documents.js` (CSP: no inline JS).
//! The page is `templates/case/split_notice.html` (askama: every value escaped).

use crate::pages::html::page;
use xinfang_app::intake::repeats::SplitOutcome;
use xinfang_domain::Staff;

#[derive(askama::Template)]
#[template(path = "case/split_notice.html")]
struct SplitNotice<'a> {
    new_case_no: &'a str,
    code: &'a str,
    old_case_no: &'a str,
    names: String,
    day: String,
    request: &'a str,
    unit: &'a str,
    today: String,
}

/// The page shown after a split by `staff` at `unit`, dated `today` (Asia/Shanghai).
pub fn render(
    out: &SplitOutcome,
    old_case_no: &str,
    unit: &str,
    staff: &Staff,
    today: chrono::NaiveDate,
) -> String {
    // The names are the petitioner's own input: escaped by askama like every other value.
    let names = if out.petitioner_names.is_empty() {
        "信访人".to_string()
    } else {
        out.petitioner_names.join("、")
    };
    let body = crate::pages::work::case_page::html_of(&SplitNotice {
        new_case_no: &out.new_case_no,
        code: &out.query_code,
        old_case_no,
        names,
        day: out.received_on.format("%Y年%-m月%-d日").to_string(),
        request: &out.request,
        unit,
        today: today.format("%Y年%-m月%-d日").to_string(),
    });
    page("已拆分为新件", Some(staff), &body)
}
