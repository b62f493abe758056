//! Each ledger (see `ledgers::Ledger`) as .xlsx: exactly the rows the
//! caller's list shows, Chinese headers, column widths, a frozen header row;
//! every export is audited like the case export.

use crate::error::AppError;
use crate::export::{header, xerr};
use crate::ledgers::{ownership_status_label, team_names, warning_signals, Ledger};
use crate::state::App;
use crate::warnings::status_label as warning_label;
use rust_xlsxwriter::Workbook;
use xinfang_domain::campaign::{label, DISPUTE_STATES, ITEM_STATES, LIST_KINDS, TRACKS};
use xinfang_domain::{Staff, UnitId};

impl App {
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
                            s.kind.label_zh().into(),
                            self.unit_name(UnitId(s.from_unit)),
                            self.unit_name(UnitId(s.to_unit)),
                            s.requirement,
                            s.feedback_due.unwrap_or_default(),
                            s.status.label_zh().into(),
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
                            crate::warnings::level_label(w.level).to_string(),
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
