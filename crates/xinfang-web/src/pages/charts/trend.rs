//! The monthly trend (`templates/charts/trend.html`): one column per month
//! of the period stacked by channel, a y axis with round ticks and
//! gridlines, the month's total above its column, and a legend in HTML
//! (it wraps on a phone). Every block links to that month's 件次 of that
//! channel, the total to the whole month. With many months, month names and
//! totals are thinned to every k-th column so none overlap; the tooltip
//! still carries every figure.

use super::{nice_ticks, text_width, Tick, WIDTH};
use askama::Template;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;
use xinfang_domain::case::Channel;

const TOP: i64 = 18;
const PLOT_H: i64 = 170;
const MONTH_FONT: f64 = 12.0;
const TOTAL_FONT: f64 = 11.0;

/// CSS class of each channel's colour, in stacking order (bottom first).
pub const CHANNELS: [(&str, &str); 5] = [
    ("visit", "ch-visit"),
    ("letter", "ch-letter"),
    ("online", "ch-online"),
    ("phone", "ch-phone"),
    ("fax", "ch-fax"),
];

pub struct Segment {
    pub href: String,
    pub tip: String,
    pub class: &'static str,
    pub y: i64,
    pub h: i64,
}

pub struct Column {
    pub x: i64,
    pub width: i64,
    pub slot_x: i64,
    pub segments: Vec<Segment>,
    pub total: i64,
    pub total_y: i64,
    pub show_total: bool,
    pub href: String,
    pub tip: String,
    pub center: i64,
    pub month: Option<String>,
    pub year: Option<String>,
}

pub struct LegendEntry {
    pub class: &'static str,
    pub label: &'static str,
}

#[derive(Template)]
#[template(path = "charts/trend.html")]
pub struct Trend {
    pub columns: Vec<Column>,
    pub ticks: Vec<Tick>,
    pub left: i64,
    pub right: i64,
    pub top: i64,
    pub base: i64,
    pub slot: i64,
    pub height: i64,
    pub legend: Vec<LegendEntry>,
}

/// The first day of every month from `from`'s to `to`'s.
pub fn months_between(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = vec![];
    let mut m = from.with_day(1).unwrap_or(from);
    while m <= to && out.len() < 1200 {
        out.push(m);
        match m.checked_add_months(chrono::Months::new(1)) {
            Some(next) => m = next,
            None => break,
        }
    }
    out
}

/// Every `k`-th of `n` slots `slot` wide, so that things `need` wide fit.
fn stride(slot: f64, need: f64) -> usize {
    ((need / slot.max(0.1)).ceil() as usize).max(1)
}

/// The month-label stride: a divisor of 12 (or whole years) ≥ `need`.
fn month_stride(need: usize) -> usize {
    [1, 2, 3, 4, 6, 12]
        .into_iter()
        .find(|k| *k >= need)
        .unwrap_or(need.div_ceil(12) * 12)
}

impl Trend {
    /// `months`: the first day of each month and its 件次 by channel key;
    /// `link(month, channel)` the drill-down (channel None: all channels).
    pub fn new(
        months: &[(NaiveDate, BTreeMap<String, i64>)],
        link: &dyn Fn(NaiveDate, Option<&str>) -> String,
    ) -> Trend {
        let totals: Vec<i64> = months.iter().map(|(_, by)| by.values().sum()).collect();
        let values = nice_ticks(totals.iter().copied().max().unwrap_or(0), 4);
        let top_value = *values.last().unwrap_or(&1);
        let left = 10
            + values
                .iter()
                .map(|v| text_width(&v.to_string(), 12.0).ceil() as i64)
                .max()
                .unwrap_or(8);
        let right = WIDTH - 6;
        let base = TOP + PLOT_H;
        let y_of = |v: i64| base - (v as f64 / top_value as f64 * PLOT_H as f64).round() as i64;
        let n = months.len().max(1);
        let slot = (right - left) as f64 / n as f64;
        let width = (slot * 0.62).clamp(2.0, 40.0).round() as i64;
        let month_every = month_stride(stride(slot, text_width("12月", MONTH_FONT) + 4.0));
        let first_year = months.first().map(|(m, _)| m.year()).unwrap_or(0);
        let widest_total = totals
            .iter()
            .map(|t| text_width(&t.to_string(), TOTAL_FONT))
            .fold(0.0, f64::max);
        let total_every = stride(slot, widest_total + 4.0);
        let mut last_year_x: Option<i64> = None;
        let columns = months
            .iter()
            .zip(&totals)
            .enumerate()
            .map(|(i, ((month, by), total))| {
                let slot_x = left + (i as f64 * slot).round() as i64;
                let center = left + ((i as f64 + 0.5) * slot).round() as i64;
                let mut y = base;
                let mut segments = vec![];
                for (key, class) in CHANNELS {
                    let v = by.get(key).copied().unwrap_or(0);
                    if v == 0 {
                        continue;
                    }
                    let h = ((v as f64 / top_value as f64) * PLOT_H as f64)
                        .round()
                        .max(1.0) as i64;
                    y -= h;
                    let name = Channel::from_key(key).map(|c| c.label_zh()).unwrap_or(key);
                    segments.push(Segment {
                        href: link(*month, Some(key)),
                        tip: format!("{}年{}月 {name}：{v} 件次", month.year(), month.month()),
                        class,
                        y,
                        h,
                    });
                }
                // Months on a stride that divides the year, so every shown
                // January carries its year.
                let years = (month.year() - first_year) as usize;
                let shown = (month.month0() as usize).is_multiple_of(month_every.min(12))
                    && (month_every <= 12 || years.is_multiple_of(month_every / 12));
                let first_shown = shown && last_year_x.is_none();
                let year = (shown
                    && (first_shown || month.month() == 1)
                    && last_year_x.is_none_or(|x| center - x >= 44))
                .then(|| {
                    last_year_x = Some(center);
                    format!("{}年", month.year())
                });
                Column {
                    x: center - width / 2,
                    width,
                    slot_x,
                    total: *total,
                    total_y: y.min(base) - 4,
                    show_total: i.is_multiple_of(total_every),
                    href: link(*month, None),
                    tip: format!("{}年{}月：{total} 件次", month.year(), month.month()),
                    center,
                    month: shown.then(|| format!("{}月", month.month())),
                    year,
                    segments,
                }
            })
            .collect();
        Trend {
            columns,
            ticks: values
                .iter()
                .map(|v| Tick {
                    pos: y_of(*v),
                    label: v.to_string(),
                })
                .collect(),
            left,
            right,
            top: TOP,
            base,
            slot: slot.ceil() as i64,
            height: base + 36,
            legend: CHANNELS
                .iter()
                .map(|(key, class)| LegendEntry {
                    class,
                    label: Channel::from_key(key).map(|c| c.label_zh()).unwrap_or(key),
                })
                .collect(),
        }
    }

    pub fn html(&self) -> String {
        self.render()
            .unwrap_or_else(|e| format!("<p class=\"err\">图表生成失败：{e}</p>"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn trend(from: &str, to: &str, each: i64) -> Trend {
        let months: Vec<_> = months_between(d(from), d(to))
            .into_iter()
            .map(|m| {
                let by = [
                    ("online".to_string(), each),
                    ("visit".to_string(), each / 3),
                ];
                (m, by.into_iter().collect())
            })
            .collect();
        Trend::new(&months, &|m, ch| {
            format!("/work/cases?m={m}&ch={}", ch.unwrap_or(""))
        })
    }

    #[test]
    fn months_cover_the_period() {
        assert_eq!(months_between(d("2026-01-15"), d("2026-03-01")).len(), 3);
        assert_eq!(months_between(d("2025-11-30"), d("2026-01-31")).len(), 3);
        assert_eq!(months_between(d("2026-03-05"), d("2026-03-05")).len(), 1);
    }

    #[test]
    fn labels_never_overlap() {
        for (from, to, each) in [
            ("2026-01-01", "2026-12-31", 12_345),
            ("2023-01-01", "2026-12-31", 7),
            ("2026-03-01", "2026-03-31", 0),
        ] {
            let t = trend(from, to, each);
            let months: Vec<&Column> = t.columns.iter().filter(|c| c.month.is_some()).collect();
            for w in months.windows(2) {
                let gap = w[1].center - w[0].center;
                assert!(
                    gap as f64 >= text_width("12月", MONTH_FONT) + 4.0,
                    "{from}: months"
                );
            }
            let totals: Vec<&Column> = t.columns.iter().filter(|c| c.show_total).collect();
            for w in totals.windows(2) {
                let gap = (w[1].center - w[0].center) as f64;
                assert!(
                    gap >= text_width(&w[0].total.to_string(), TOTAL_FONT),
                    "{from}: totals"
                );
            }
            let years: Vec<&Column> = t.columns.iter().filter(|c| c.year.is_some()).collect();
            assert!(!years.is_empty(), "{from}: the year is named");
            for w in years.windows(2) {
                assert!(w[1].center - w[0].center >= 44, "{from}: years");
            }
            for c in &t.columns {
                assert!(c.x >= t.left && c.x + c.width <= t.right, "{from}: inside");
                let stacked: i64 = c.segments.iter().map(|s| s.h).sum();
                assert!(
                    stacked <= t.base - t.top + c.segments.len() as i64,
                    "{from}: fits"
                );
            }
        }
    }

    #[test]
    fn every_block_links_to_its_month_and_channel() {
        let t = trend("2026-01-01", "2026-02-28", 9);
        let c = &t.columns[1];
        assert_eq!(c.segments.len(), 2, "online and visit");
        assert!(c
            .segments
            .iter()
            .any(|s| s.href.ends_with("m=2026-02-01&ch=online")));
        assert!(
            c.href.ends_with("ch="),
            "the total links to the whole month"
        );
        assert!(
            c.segments[0].tip.contains("2026年2月 来访：3 件次"),
            "{}",
            c.segments[0].tip
        );
        assert!(t
            .html()
            .contains("<title>2026年2月 网上信访：9 件次</title>"));
    }
}
