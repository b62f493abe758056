//! The result of splitting a 件次 off into a new case: the new case number
//! and its query code — shown this once, like the registration receipt,
//! because only its hash is stored — and a printable 告知 for the
//! petitioner, who otherwise could never follow the new case on the portal
//! (第二十二、二十三条: every matter registered, the petitioner told in
//! writing). The print button uses `/assets/documents.js` (CSP: no inline JS).

use super::html::{esc, page};
use xinfang_app::repeats::SplitOutcome;
use xinfang_domain::Staff;

/// The page shown after a split by `staff` at `unit`, dated `today` (Asia/Shanghai).
pub fn render(
    out: &SplitOutcome,
    old_case_no: &str,
    unit: &str,
    staff: &Staff,
    today: chrono::NaiveDate,
) -> String {
    // The names are the petitioner's own input: escaped like every other value.
    let names = if out.petitioner_names.is_empty() {
        "信访人".to_string()
    } else {
        esc(&out.petitioner_names.join("、"))
    };
    let day = out.received_on.format("%Y年%-m月%-d日").to_string();
    let body = format!(
        "<section class=\"noprint\"><h2>已拆分为新件</h2>\
         <p class=\"ok\" role=\"status\">新的信访编号 <a href=\"/work/cases/{new}\">{new}</a>，查询码 <b id=\"query-code\">{code}</b>。</p>\
         <p class=\"err\">查询码只在此显示一次，系统不保存原文：请打印下方告知书交信访人，或当场告知。</p>\
         <p><button type=\"button\" id=\"print-doc\">打印告知书</button> · <a href=\"/work/cases/{old}/repeats\">返回重复件核对</a></p></section>\
         <article class=\"notice\"><h2>信访事项另行登记告知书</h2>\
         <p>{names}：</p>\
         <p>您于{day}提出的信访事项（{request}），经核对，与信访事项 {old} 不属于同一事项，已另行登记，信访编号为 <b>{new}</b>，查询码为 <b>{code}</b>。</p>\
         <p>您可凭信访编号和查询码，通过网上信访平台查询办理情况、获取有关文书、提出评价意见。请妥善保管查询码，不要告诉他人。</p>\
         <p>特此告知。</p>\
         <p style=\"text-align:right\">{unit}<br>{today}</p></article>\
         <style>@media print{{header,nav,.noprint{{display:none}}}}</style>\
         <script src=\"/assets/documents.js\" defer></script>",
        new = esc(&out.new_case_no),
        code = esc(&out.query_code),
        old = esc(old_case_no),
        request = esc(&out.request),
        unit = esc(unit),
        today = today.format("%Y年%-m月%-d日"),
    );
    page("已拆分为新件", Some(staff), &body)
}
