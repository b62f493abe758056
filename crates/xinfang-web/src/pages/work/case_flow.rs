//! How the case page guides (issue #15): the step bar of the lifecycle
//! (登记 → 转送交办 → 签收 → 受理告知 → 办理 → 出具意见 → 送达 → 评价, then
//! 复查/复核 when asked), the one next action for the case's state (its
//! form shown open at the top), what each action did and what comes next
//! (the message after a submit), and which actions ask for confirmation
//! because they cannot be taken back.

use askama::Template;
use xinfang_domain::case::{Case, Stage, Status};

struct Step {
    label: String,
    state: &'static str,
}

#[derive(Template)]
#[template(path = "components/steps.html")]
struct Steps {
    steps: Vec<Step>,
}

/// The step bar of `case`.
pub fn step_bar(case: &Case) -> String {
    let mut labels: Vec<String> = [
        "登记",
        "转送交办",
        "签收",
        "受理告知",
        "办理",
        "出具意见",
        "送达",
        "回访评价",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if case.stage != Stage::Initial || case.status == Status::UnderReview {
        labels.push("复查".into());
    }
    if case.stage == Stage::ReReview {
        labels.push("复核".into());
    }
    let closed = matches!(
        case.status,
        Status::Diverted | Status::NotAccepted | Status::Final
    );
    labels.push(match case.status {
        Status::Diverted => "导入法定途径".into(),
        Status::NotAccepted => "不予受理".into(),
        Status::Final => "终结".into(),
        _ => "办结".into(),
    });
    let last = labels.len() - 1;
    // The index of the step the case is at now.
    let current = match case.status {
        Status::Registered => 1,
        Status::PendingReceipt | Status::Objected => 2,
        Status::Received => 3,
        Status::Handling => 4,
        Status::Replied => 6,
        Status::Delivered if case.stage == Stage::Initial => 7,
        // A delivered review answer: the petitioner may still ask for the next one.
        Status::Delivered => last,
        Status::UnderReview => labels
            .iter()
            .rposition(|l| l == "复查" || l == "复核")
            .unwrap_or(last),
        Status::Diverted | Status::NotAccepted | Status::Final => last,
    };
    Steps {
        steps: labels
            .into_iter()
            .enumerate()
            .map(|(i, label)| Step {
                label,
                state: if i < current || (closed && i == last) {
                    "done"
                } else if i == current {
                    "current"
                } else {
                    "todo"
                },
            })
            .collect(),
    }
    .render()
    .unwrap_or_default()
}

/// The action the case waits for in its state, if this user may take it.
pub fn next_action(case: &Case, actions: &[&'static str]) -> Option<&'static str> {
    let wanted: &[&str] = match case.status {
        Status::Registered => &["transfer", "notify"],
        Status::PendingReceipt => &["sign"],
        Status::Objected => &["decide_objection"],
        Status::Received => &["notify"],
        Status::Handling | Status::UnderReview => &["decide_extension", "reply"],
        Status::Replied => &["deliver"],
        Status::Delivered => &["evaluate"],
        _ => &[],
    };
    wanted
        .iter()
        .find_map(|w| actions.iter().copied().find(|a| a == w))
}

/// What a submitted action did, in the words of the result message.
pub fn done_message(action: &str) -> &'static str {
    match action {
        "transfer" => "已转送（交办）",
        "sign" => "已签收",
        "object" => "已提出异议，待信访部门处理",
        "decide_objection" => "已处理异议",
        "decide_jurisdiction" => "已决定受理机关",
        "notify" => "已出具书面告知",
        "start_pause" => "已中止计时",
        "end_pause" => "已恢复计时",
        "request_extension" => "已提交延期申请，待本单位负责人审批",
        "decide_extension" => "已审批延期申请",
        "submit_draft" => "书面意见已送审，待本单位负责人签发",
        "sign_draft" => "已签发书面意见",
        "return_draft" => "已退回修改",
        "deliver" => "已送达",
        "evaluate" => "已记录评价",
        "request_review" => "已登记复查（复核）请求",
        "declare_interest" => "已申请回避",
        "resolve_accused" => "已确定被检举控告单位",
        _ => "已办理",
    }
}

/// The confirmation an action asks before it is taken, when it cannot be
/// taken back.
pub fn confirm_text(action: &str) -> Option<&'static str> {
    Some(match action {
        "transfer" => "确定转送（交办）吗？转出后由接收单位签收办理。",
        "object" => "确定对本件提出异议吗？",
        "decide_objection" => "确定作出异议处理决定吗？",
        "decide_jurisdiction" => "确定由所选机关受理吗？",
        "notify" => "确定出具书面告知吗？告知书将发给信访人，不能撤回。",
        "deliver" => "确定已送达吗？复查请求期限自信访人收到之日起计算（第三十五条）。",
        "request_review" => "确定登记复查（复核）请求吗？",
        "declare_interest" => "确定申请回避吗？申请后您将不再经办本件（第二十八条）。",
        "resolve_accused" => {
            "确定被检举控告单位吗？确定后该单位及其上下级均不能看到本件（第三十条）。"
        }
        "decide_extension" => "确定作出延期审批决定吗？",
        _ => return None,
    })
}

/// The label of an action (the same words as its form's title).
pub fn action_label(action: &str) -> &'static str {
    match action {
        "transfer" => "转送 / 交办",
        "sign" => "签收",
        "object" => "提出异议",
        "decide_objection" => "处理异议",
        "decide_jurisdiction" => "决定受理机关",
        "notify" => "书面告知（是否受理）",
        "start_pause" => "中止计时",
        "end_pause" => "恢复计时",
        "request_extension" => "申请延期",
        "decide_extension" => "审批延期",
        "reply" => "出具书面意见",
        "deliver" => "送达书面答复",
        "evaluate" => "回访评价",
        "request_review" => "登记复查/复核请求",
        "declare_interest" => "申请回避",
        "resolve_accused" => "确定被检举控告单位",
        _ => "办理",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_that_cannot_be_undone_asks_first() {
        for a in [
            "notify",
            "deliver",
            "declare_interest",
            "request_review",
            "resolve_accused",
            "transfer",
        ] {
            assert!(confirm_text(a).is_some(), "{a}");
        }
        for a in ["start_pause", "end_pause"] {
            assert!(confirm_text(a).is_none(), "{a}");
        }
    }
}
