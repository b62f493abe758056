//! The work ledgers (台账) as one list: supervisions, 包案, campaign items,
//! the 矛盾纠纷排查台账, 约谈/通报 records and risk warnings — each exported to
//! .xlsx with Chinese headers and column widths, scoped like its list and
//! audited like the case export. Also the scoped single-record reads the
//! pages need (a supervision, a campaign, a warning with its history).

use crate::error::AppError;
use crate::export::{header, xerr};
use crate::state::App;
use crate::warnings::status_label as warning_label;
use rust_xlsxwriter::Workbook;
use xinfang_domain::campaign::{label, DISPUTE_STATES, ITEM_STATES, LIST_KINDS, TRACKS};
use xinfang_domain::supervision::{SupervisionKind, SupervisionStatus};
use xinfang_domain::{Role, Staff, UnitId};
use xinfang_store::{AuditEntry, CampaignRow, OwnershipRow, SupervisionRow, WarningRow};

/// One exportable ledger.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ledger {
    Supervisions,
    Ownerships,
    CampaignItems,
    Disputes,
    Accountability,
    Warnings,
}

impl Ledger {
    pub const ALL: [Ledger; 6] = [
        Self::Supervisions,
        Self::Ownerships,
        Self::CampaignItems,
        Self::Disputes,
        Self::Accountability,
        Self::Warnings,
    ];
    /// The file stem used in URLs (`/api/v1/export/{key}.xlsx`).
    pub fn key(self) -> &'static str {
        match self {
            Self::Supervisions => "supervisions",
            Self::Ownerships => "ownerships",
            Self::CampaignItems => "campaign-items",
            Self::Disputes => "disputes",
            Self::Accountability => "accountability",
            Self::Warnings => "warnings",
        }
    }
    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.key() == s)
    }
    /// The sheet name and the ledger's Chinese title.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Supervisions => "督办台账",
            Self::Ownerships => "领导包案台账",
            Self::CampaignItems => "专项攻坚台账",
            Self::Disputes => "矛盾纠纷排查台账",
            Self::Accountability => "约谈通报台账",
            Self::Warnings => "风险预警台账",
        }
    }
}

/// Chinese label of a supervision kind key.
pub fn supervision_kind_label(k: &str) -> &'static str {
    SupervisionKind::from_key(k)
        .map(|k| k.label_zh())
        .unwrap_or("未知")
}

/// Chinese label of a supervision status key.
pub fn supervision_status_label(s: &str) -> &'static str {
    SupervisionStatus::from_key(s)
        .map(|s| s.label_zh())
        .unwrap_or("未知")
}

/// Chinese label of an ownership status.
pub fn ownership_status_label(s: &str) -> &'static str {
    match s {
        "active" => "化解中",
        "resolved" => "已化解",
        _ => "未知",
    }
}

fn team_names(o: &OwnershipRow) -> String {
    o.team
        .as_array()
        .map(|a| {
            a.iter()
                .map(|m| {
                    format!(
                        "{}（{}）",
                        m["name"].as_str().unwrap_or(""),
                        m["unit"].as_str().unwrap_or("")
                    )
                })
                .collect::<Vec<_>>()
                .join("、")
        })
        .unwrap_or_default()
}

/// The 专班 of an ownership as one line of text.
pub fn ownership_team(o: &OwnershipRow) -> String {
    team_names(o)
}

/// Signal labels of a warning joined for display.
pub fn warning_signals(w: &WarningRow) -> String {
    w.signals
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s["label"].as_str().map(str::to_string))
                .collect::<Vec<_>>()
                .join("；")
        })
        .unwrap_or_default()
}

impl App {
    /// One supervision the staff member may see (sent or received in their area).
    pub async fn supervision_for(
        &self,
        staff: &Staff,
        id: i64,
    ) -> Result<SupervisionRow, AppError> {
        self.supervisions_for(staff)
            .await?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or(AppError::NotFound)
    }

    /// One campaign of the staff member's area.
    pub async fn campaign_for(&self, staff: &Staff, id: i64) -> Result<CampaignRow, AppError> {
        self.campaigns_for(staff)
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(AppError::NotFound)
    }

    /// The area's 包案 ledger (leaders and supervisors); others see their own board.
    pub async fn ownerships_ledger(&self, staff: &Staff) -> Result<Vec<OwnershipRow>, AppError> {
        if !staff.has_any(&[Role::Leader, Role::Supervisor]) {
            return self.ownership_board(staff).await;
        }
        let area = self.org().government_of(staff.unit).unwrap_or(staff.unit);
        Ok(self
            .store
            .ownerships_led_under(&self.unit_path(area))
            .await?)
    }

    /// The 包案 of a case the staff member can see (newest first).
    pub async fn ownerships_of_case(
        &self,
        staff: &Staff,
        case_no: &str,
    ) -> Result<Vec<OwnershipRow>, AppError> {
        let (case_id, case) = self
            .store
            .load_case(case_no)
            .await?
            .ok_or(AppError::NotFound)?;
        if !xinfang_domain::scope::can_see(staff, &case, &self.org()) {
            return Err(AppError::NotFound);
        }
        Ok(self.store.ownerships_of_case(case_id).await?)
    }

    /// A warning of the staff member's area with its 核查/处置/解除 history (from the chained log).
    pub async fn warning_history(
        &self,
        staff: &Staff,
        id: i64,
    ) -> Result<(WarningRow, Vec<AuditEntry>), AppError> {
        let w = self.store.warning(id).await?.ok_or(AppError::NotFound)?;
        let org = self.org();
        let area = org.government_of(staff.unit).unwrap_or(staff.unit);
        if !org.is_within(UnitId(w.unit_id), area) {
            return Err(AppError::NotFound);
        }
        let entries: Vec<AuditEntry> = self
            .store
            .warning_events(id)
            .await?
            .into_iter()
            .filter(|e| {
                serde_json::from_str::<serde_json::Value>(&e.payload)
                    .map(|p| p["warning"].as_i64() == Some(id))
                    .unwrap_or(false)
            })
            .collect();
        Ok((w, entries))
    }

    /// A ledger as a workbook: exactly the rows the staff member's list shows.
    pub async fn export_ledger(&self, staff: &Staff, ledger: Ledger) -> Result<Vec<u8>, AppError> {
        let (cols, rows): (Vec<(&str, f64)>, Vec<Vec<String>>) = match ledger {
            Ledger::Supervisions => (
                vec![
                    ("编号", 8.0),
                    ("信访编号", 22.0),
                    ("类别", 10.0),
                    ("督办单位", 28.0),
                    ("被督办单位", 28.0),
                    ("督办要求", 40.0),
                    ("反馈期限", 12.0),
                    ("状态", 10.0),
                    ("反馈情况", 40.0),
                    ("发起时间", 18.0),
                ],
                self.supervisions_for(staff)
                    .await?
                    .into_iter()
                    .map(|s| {
                        vec![
                            s.id.to_string(),
                            s.case_no,
                            supervision_kind_label(&s.kind).into(),
                            self.unit_name(UnitId(s.from_unit)),
                            self.unit_name(UnitId(s.to_unit)),
                            s.requirement,
                            s.feedback_due.unwrap_or_default(),
                            supervision_status_label(&s.status).into(),
                            s.feedback,
                            s.created_at,
                        ]
                    })
                    .collect(),
            ),
            Ledger::Ownerships => (
                vec![
                    ("编号", 8.0),
                    ("信访编号", 22.0),
                    ("包案领导", 12.0),
                    ("工作专班", 40.0),
                    ("化解方案", 40.0),
                    ("化解时限", 12.0),
                    ("状态", 10.0),
                    ("最新进展", 40.0),
                    ("包案时间", 18.0),
                ],
                self.ownerships_ledger(staff)
                    .await?
                    .into_iter()
                    .map(|o| {
                        vec![
                            o.id.to_string(),
                            o.case_no.clone(),
                            o.leader_name.clone(),
                            team_names(&o),
                            o.plan.clone(),
                            o.deadline.clone(),
                            ownership_status_label(&o.status).into(),
                            o.progress
                                .last()
                                .map(|p| format!("{} {}：{}", p.at, p.author, p.text))
                                .unwrap_or_default(),
                            o.created_at.clone(),
                        ]
                    })
                    .collect(),
            ),
            Ledger::CampaignItems => {
                let mut rows = vec![];
                for c in self.campaigns_for(staff).await? {
                    for i in &c.items {
                        rows.push(vec![
                            c.name.clone(),
                            label(&LIST_KINDS, &c.list_kind).into(),
                            self.unit_name(UnitId(c.owner_unit)),
                            c.deadline.clone(),
                            i.case_no.clone(),
                            self.unit_name(UnitId(i.current_unit)),
                            label(&ITEM_STATES, &i.status).into(),
                            i.evidence.clone(),
                            i.updated_by.clone(),
                            i.updated_at.clone(),
                        ]);
                    }
                }
                (
                    vec![
                        ("专项/清单", 28.0),
                        ("类别", 10.0),
                        ("责任单位", 24.0),
                        ("期限", 12.0),
                        ("信访编号", 22.0),
                        ("办理单位", 28.0),
                        ("状态", 10.0),
                        ("化解/销号依据", 40.0),
                        ("经办", 16.0),
                        ("更新时间", 18.0),
                    ],
                    rows,
                )
            }
            Ledger::Disputes => (
                vec![
                    ("编号", 8.0),
                    ("排查单位", 28.0),
                    ("行政区划", 10.0),
                    ("当事人", 20.0),
                    ("纠纷情况", 40.0),
                    ("排查日期", 12.0),
                    ("风险等级", 8.0),
                    ("调解类别", 10.0),
                    ("状态", 14.0),
                    ("调解结果", 30.0),
                    ("转入信访编号", 22.0),
                ],
                self.disputes_for(staff)
                    .await?
                    .into_iter()
                    .map(|d| {
                        vec![
                            d.id.to_string(),
                            self.unit_name(UnitId(d.unit_id)),
                            d.region_code,
                            d.parties,
                            d.summary,
                            d.found_on,
                            d.risk_level.to_string(),
                            d.track
                                .as_deref()
                                .map(|t| label(&TRACKS, t))
                                .unwrap_or("")
                                .into(),
                            label(&DISPUTE_STATES, &d.status).into(),
                            d.outcome,
                            d.case_no.unwrap_or_default(),
                        ]
                    })
                    .collect(),
            ),
            Ledger::Accountability => (
                vec![
                    ("编号", 8.0),
                    ("类别", 8.0),
                    ("被约谈/通报单位", 30.0),
                    ("关联信访编号", 22.0),
                    ("事由", 50.0),
                    ("记录人", 18.0),
                    ("时间", 18.0),
                ],
                self.accountability_for(staff)
                    .await?
                    .into_iter()
                    .map(|r| {
                        vec![
                            r.id.to_string(),
                            if r.kind == "talk" { "约谈" } else { "通报" }.into(),
                            self.unit_name(UnitId(r.unit_id)),
                            r.case_no.unwrap_or_default(),
                            r.reason,
                            r.created_by,
                            r.at,
                        ]
                    })
                    .collect(),
            ),
            Ledger::Warnings => (
                vec![
                    ("编号", 8.0),
                    ("信访编号", 22.0),
                    ("责任地区", 28.0),
                    ("预警等级", 8.0),
                    ("风险信号", 40.0),
                    ("状态", 10.0),
                    ("核查/处置/解除情况", 40.0),
                    ("预警时间", 18.0),
                    ("更新时间", 18.0),
                ],
                self.warnings_for(staff)
                    .await?
                    .into_iter()
                    .map(|w| {
                        vec![
                            w.id.to_string(),
                            w.case_no.clone(),
                            self.unit_name(UnitId(w.unit_id)),
                            format!("{}级", w.level),
                            warning_signals(&w),
                            warning_label(&w.status).into(),
                            w.note.clone(),
                            w.created_at.clone(),
                            w.updated_at.clone(),
                        ]
                    })
                    .collect(),
            ),
        };
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(ledger.label_zh()).map_err(xerr)?;
        header(ws, &cols).map_err(xerr)?;
        for (i, r) in rows.iter().enumerate() {
            for (c, v) in r.iter().enumerate() {
                ws.write_string((i + 1) as u32, c as u16, v).map_err(xerr)?;
            }
        }
        self.store
            .audit(
                "audit",
                "export_ledger",
                &format!("user:{}", staff.username),
                &serde_json::json!({ "ledger": ledger.key(), "rows": rows.len() }),
            )
            .await?;
        wb.save_to_buffer().map_err(xerr)
    }
}
