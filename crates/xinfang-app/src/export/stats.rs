//! The remaining statistics tables as .xlsx (issue #6 §8): the unit
//! assessment ranking (单位考核排名) and the monthly volume by channel — the
//! same figures the dashboard draws, Chinese headers, rates as percentages.

use crate::error::AppError;
use crate::export::{header, xerr};
use crate::state::App;
use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook};
use std::collections::BTreeMap;
use xinfang_domain::case::Channel;
use xinfang_domain::Staff;

const CHANNELS: [&str; 5] = ["online", "letter", "visit", "phone", "fax"];

impl App {
    /// 单位考核排名 for the period, as a workbook (rank, unit, four rates, score).
    pub async fn export_rankings(
        &self,
        staff: &Staff,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<u8>, AppError> {
        let r = self.unit_rankings(staff, from, to).await?;
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("单位考核排名").map_err(xerr)?;
        let cols = [
            ("名次", 6.0),
            ("单位", 32.0),
            ("及时受理率", 12.0),
            ("按期办结率", 12.0),
            ("满意率", 10.0),
            ("一次性化解率", 14.0),
            ("得分", 8.0),
        ];
        header(ws, &cols).map_err(xerr)?;
        let pct = Format::new().set_num_format("0.0%");
        for (i, u) in r.units.iter().enumerate() {
            let row = (i + 1) as u32;
            // A unit without data has no place ("—"), like no score.
            match u.rank {
                Some(rank) => ws.write_number(row, 0, rank as f64).map(|_| ()),
                None => ws.write_string(row, 0, "—").map(|_| ()),
            }
            .map_err(xerr)?;
            ws.write_string(row, 1, &u.unit).map_err(xerr)?;
            for (c, rate) in u.rates().into_iter().enumerate() {
                let col = (c + 2) as u16;
                match rate {
                    Some(v) => ws.write_number_with_format(row, col, v, &pct).map(|_| ()),
                    None => ws.write_string(row, col, "—").map(|_| ()),
                }
                .map_err(xerr)?;
            }
            match u.score {
                Some(v) => ws
                    .write_number(row, 6, (v * 10.0).round() / 10.0)
                    .map(|_| ()),
                None => ws.write_string(row, 6, "—").map(|_| ()),
            }
            .map_err(xerr)?;
        }
        wb.save_to_buffer().map_err(xerr)
    }

    /// 信访件次 by month and channel for the period, as a workbook.
    pub async fn export_trend(
        &self,
        staff: &Staff,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<u8>, AppError> {
        let mut months: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
        for (m, ch, n) in self.monthly_trend(staff, from, to).await? {
            months.entry(m).or_default().insert(ch, n);
        }
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("信访件次趋势").map_err(xerr)?;
        let mut cols: Vec<(&str, f64)> = vec![("月份", 10.0)];
        cols.extend(CHANNELS.iter().map(|c| {
            (
                Channel::from_key(c).map(|c| c.label_zh()).unwrap_or(c),
                12.0,
            )
        }));
        cols.push(("合计", 10.0));
        header(ws, &cols).map_err(xerr)?;
        for (i, (month, by)) in months.iter().enumerate() {
            let row = (i + 1) as u32;
            ws.write_string(row, 0, month).map_err(xerr)?;
            for (c, key) in CHANNELS.iter().enumerate() {
                ws.write_number(row, (c + 1) as u16, *by.get(*key).unwrap_or(&0) as f64)
                    .map_err(xerr)?;
            }
            ws.write_number(row, 6, by.values().sum::<i64>() as f64)
                .map_err(xerr)?;
        }
        wb.save_to_buffer().map_err(xerr)
    }
}
