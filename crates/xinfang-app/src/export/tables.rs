//! Excel export of the dashboard's statistics tables (breakdowns, rankings,
//! hot issues): one sheet per table, Chinese headers, rates as percentages.

use crate::error::AppError;
use crate::export::{header, xerr};
use crate::state::App;
use rust_xlsxwriter::{Format, Workbook};
use serde_json::Value;
use xinfang_domain::Staff;

/// One statistics table: sheet name, column headers, rows of cells. A cell is
/// a JSON number (written as a number), a string, or null ("—").
pub struct Table {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
    /// Columns holding rates in [0, 1], written as percentages.
    pub rate_columns: Vec<usize>,
}

impl App {
    /// The tables as one workbook, audited (who exported what).
    pub async fn export_tables(
        &self,
        staff: &Staff,
        tables: &[Table],
    ) -> Result<Vec<u8>, AppError> {
        let mut wb = Workbook::new();
        let pct = Format::new().set_num_format("0.0%");
        for t in tables {
            let ws = wb.add_worksheet();
            // Sheet names: ≤ 31 characters, none of []:*?/\.
            let name: String = t
                .name
                .chars()
                .filter(|c| !"[]:*?/\\".contains(*c))
                .take(31)
                .collect();
            ws.set_name(&name).map_err(xerr)?;
            let cols: Vec<(&str, f64)> = t
                .columns
                .iter()
                .enumerate()
                .map(|(i, c)| (c.as_str(), if i == 0 { 36.0 } else { 14.0 }))
                .collect();
            header(ws, &cols).map_err(xerr)?;
            for (i, row) in t.rows.iter().enumerate() {
                let r = (i + 1) as u32;
                for (c, v) in row.iter().enumerate() {
                    let col = c as u16;
                    match v {
                        Value::Number(n) if t.rate_columns.contains(&c) => ws
                            .write_number_with_format(r, col, n.as_f64().unwrap_or(0.0), &pct)
                            .map(|_| ()),
                        Value::Number(n) => ws
                            .write_number(r, col, n.as_f64().unwrap_or(0.0))
                            .map(|_| ()),
                        Value::String(s) => ws.write_string(r, col, s).map(|_| ()),
                        Value::Null => ws.write_string(r, col, "—").map(|_| ()),
                        other => ws.write_string(r, col, other.to_string()).map(|_| ()),
                    }
                    .map_err(xerr)?;
                }
            }
        }
        self.store
            .audit(
                "audit",
                "export_stats_tables",
                &format!("user:{}", staff.username),
                &serde_json::json!({ "tables": tables.iter().map(|t| t.name.clone()).collect::<Vec<_>>() }),
            )
            .await?;
        wb.save_to_buffer().map_err(xerr)
    }
}
