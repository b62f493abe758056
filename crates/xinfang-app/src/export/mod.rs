//! Excel export (.xlsx, rust_xlsxwriter): any case list the caller may see and
//! the statistics overview, with Chinese headers, sensible column widths and a
//! frozen header row. Only what the caller may see goes into a file.

pub mod ledgers;
pub mod stats;
pub mod tables;

use crate::error::AppError;
use crate::state::App;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use xinfang_domain::case::{Channel, Kind, Stage, Status};
use xinfang_domain::clock::Grade;
use xinfang_domain::Staff;
use xinfang_store::CaseFilter;

pub(crate) fn xerr(e: XlsxError) -> AppError {
    AppError::field("export", format!("生成 Excel 失败：{e}"))
}

pub(crate) fn header(ws: &mut Worksheet, cols: &[(&str, f64)]) -> Result<(), XlsxError> {
    let bold = Format::new()
        .set_bold()
        .set_background_color("#F2DCDB")
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    for (i, (name, width)) in cols.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *name, &bold)?;
        ws.set_column_width(i as u16, *width)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

impl App {
    /// The cases matching `filter` that `staff` may see, as a workbook.
    pub async fn export_cases(
        &self,
        staff: &Staff,
        mut filter: CaseFilter,
    ) -> Result<Vec<u8>, AppError> {
        filter.limit = filter.limit.clamp(1, 100_000);
        let rows = self.list_for(staff, filter).await?;
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("信访事项").map_err(xerr)?;
        let cols = [
            ("信访编号", 22.0),
            ("登记时间", 18.0),
            ("渠道", 10.0),
            ("类型", 12.0),
            ("信访人", 14.0),
            ("人数", 6.0),
            ("诉求", 50.0),
            ("状态", 16.0),
            ("阶段", 10.0),
            ("当前单位", 30.0),
            ("到期日", 12.0),
            ("时限状态", 10.0),
            ("越级", 6.0),
        ];
        header(ws, &cols).map_err(xerr)?;
        for (i, r) in rows.iter().enumerate() {
            let row = (i + 1) as u32;
            let label = |v: Option<&'static str>, raw: &str| {
                v.map(str::to_string).unwrap_or_else(|| raw.to_string())
            };
            let stage = match r.stage.as_str() {
                "review" => Stage::Review.label_zh(),
                "re_review" => Stage::ReReview.label_zh(),
                _ => Stage::Initial.label_zh(),
            };
            let grade = match r.grade.as_deref() {
                Some(g) => Grade::from_key(g).unwrap_or(Grade::Normal).label_zh(),
                None => "",
            };
            let cells = [
                r.case_no.clone(),
                r.registered_at.clone(),
                label(
                    Channel::from_key(&r.channel).map(|c| c.label_zh()),
                    &r.channel,
                ),
                label(Kind::from_key(&r.kind).map(|k| k.label_zh()), &r.kind),
                r.petitioner_names.clone(),
                r.persons.to_string(),
                r.request.clone(),
                label(Status::from_key(&r.status).map(|s| s.label_zh()), &r.status),
                stage.to_string(),
                self.unit_name(xinfang_domain::UnitId(r.current_unit)),
                r.next_due.clone().unwrap_or_default(),
                grade.to_string(),
                if r.skip_level { "是" } else { "" }.to_string(),
            ];
            for (c, v) in cells.iter().enumerate() {
                ws.write_string(row, c as u16, v).map_err(xerr)?;
            }
        }
        self.store
            .audit(
                "audit",
                "export_cases",
                &format!("user:{}", staff.username),
                &serde_json::json!({ "rows": rows.len() }),
            )
            .await?;
        wb.save_to_buffer().map_err(xerr)
    }

    /// The overview indicators as a two-column table.
    pub fn export_overview(&self, overview: &crate::stats::Overview) -> Result<Vec<u8>, AppError> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("统计概览").map_err(xerr)?;
        header(ws, &[("指标", 24.0), ("数值", 16.0)]).map_err(xerr)?;
        let pct = Format::new().set_num_format("0.0%");
        let items: &[(&str, &str, bool)] = &[
            ("信访件次", "submissions", false),
            ("信访事项", "cases", false),
            ("来访批次", "batches", false),
            ("来访人次", "persons", false),
            ("集体访批次", "collective_batches", false),
            ("及时受理率", "timely_acceptance_rate", true),
            ("按期办结率", "on_time_completion_rate", true),
            ("参评率", "participation_rate", true),
            ("满意率", "satisfaction_rate", true),
            ("一次性化解率", "first_time_resolution_rate", true),
            ("重复信访率", "repeat_rate", true),
            ("越级访占比", "skip_level_rate", true),
            ("网信占比", "online_share", true),
            ("县及以下占比", "county_and_below_share", true),
        ];
        for (i, (name, key, is_rate)) in items.iter().enumerate() {
            let row = (i + 1) as u32;
            ws.write_string(row, 0, *name).map_err(xerr)?;
            match overview.figure(key) {
                Some(v) if *is_rate => ws.write_number_with_format(row, 1, v, &pct).map(|_| ()),
                Some(v) => ws.write_number(row, 1, v).map(|_| ()),
                None => ws.write_string(row, 1, "—（无分母）").map(|_| ()),
            }
            .map_err(xerr)?;
        }
        wb.save_to_buffer().map_err(xerr)
    }
}
