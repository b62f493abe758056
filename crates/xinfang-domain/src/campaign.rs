//! Campaigns and ledgers: 积案化解 with 动态销号 (an item is struck off only
//! when truly resolved, with evidence and sign-off by the campaign's owners),
//! the 三张清单 as project lists of the same shape, and the 矛盾纠纷排查台账
//! with the 三调联动 mediation track (人民/行政/司法调解, 第三十七条).

use crate::error::DomainError;

/// Which list a campaign is.
pub const LIST_KINDS: [(&str, &str); 4] = [
    ("backlog", "积案化解"),
    ("increment", "控制增量"),
    ("stock", "消减存量"),
    ("variable", "防范变量"),
];

/// Item states: 待化解 → 已化解 / 稳控 → 销号.
pub const ITEM_STATES: [(&str, &str); 4] = [
    ("pending", "待化解"),
    ("resolved", "已化解"),
    ("stabilized", "稳控"),
    ("struck", "已销号"),
];

pub fn label(table: &[(&str, &'static str)], key: &str) -> &'static str {
    table
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, l)| *l)
        .unwrap_or("未知")
}

/// Allowed item moves; 销号 only from 已化解 (not from 稳控: stabilised is not resolved).
pub fn check_item_move(from: &str, to: &str, evidence: &str) -> Result<(), DomainError> {
    let ok = matches!(
        (from, to),
        ("pending", "resolved")
            | ("pending", "stabilized")
            | ("stabilized", "resolved")
            | ("resolved", "struck")
            | ("stabilized", "pending")
            | ("resolved", "pending")
    );
    if !ok {
        return Err(DomainError::invalid(
            "status",
            format!(
                "不能从“{}”改为“{}”（销号须先化解）",
                label(&ITEM_STATES, from),
                label(&ITEM_STATES, to)
            ),
        ));
    }
    if evidence.trim().chars().count() < 4 {
        return Err(DomainError::invalid(
            "evidence",
            "请写明化解、稳控或销号的依据",
        ));
    }
    Ok(())
}

/// 三调联动 tracks.
pub const TRACKS: [(&str, &str); 3] = [
    ("people", "人民调解"),
    ("administrative", "行政调解"),
    ("judicial", "司法调解"),
];

/// Dispute states: 排查登记 → 调解中 → 调解成功 / 调解不成 (→ 转为信访事项).
pub fn check_dispute_move(from: &str, to: &str) -> Result<(), DomainError> {
    let ok = matches!(
        (from, to),
        ("found", "mediating")
            | ("mediating", "succeeded")
            | ("mediating", "failed")
            | ("failed", "converted")
            | ("found", "converted")
    );
    if ok {
        Ok(())
    } else {
        Err(DomainError::invalid("status", "台账状态不能这样变更"))
    }
}

/// Dispute ledger states with their Chinese labels.
pub const DISPUTE_STATES: [(&str, &str); 5] = [
    ("found", "排查登记"),
    ("mediating", "调解中"),
    ("succeeded", "调解成功"),
    ("failed", "调解不成"),
    ("converted", "已转为信访事项"),
];
