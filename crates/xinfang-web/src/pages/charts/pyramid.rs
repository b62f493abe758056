//! The 倒金字塔 (`templates/charts/pyramid.html`): 件次 by the level of the
//! registering body, 国家级 at the top and 乡级 at the bottom, each bar
//! centred, so a healthy distribution (most matters settled 县及以下) reads as
//! an upright pyramid and a top-heavy one as inverted. Level names in a
//! column on the left, 件次 and share in two columns on the right — apart
//! from the bars, so the widest bar never runs into its figure.

use super::{share, WIDTH};
use askama::Template;

const LABEL_X: i64 = 52;
const BAR_LEFT: i64 = 62;
const BAR_RIGHT: i64 = 290;
const VALUE_X: i64 = 300;
const ROW_H: i64 = 34;
const TOP: i64 = 22;

/// One level: name, 件次, whether it counts as 县及以下, drill-down.
pub struct Level {
    pub label: String,
    pub value: i64,
    pub low: bool,
    pub href: String,
}

pub struct DrawnLevel {
    pub label: String,
    pub href: String,
    pub tip: String,
    pub row_y: i64,
    pub text_y: i64,
    pub x: i64,
    pub width: i64,
    pub value: i64,
    pub share: String,
    pub low: bool,
}

#[derive(Template)]
#[template(path = "charts/pyramid.html")]
pub struct Pyramid {
    pub levels: Vec<DrawnLevel>,
    pub height: i64,
    pub label_x: i64,
    pub value_x: i64,
    pub share_x: i64,
    pub center: i64,
    pub bar_h: i64,
    pub row_h: i64,
}

impl Pyramid {
    pub fn new(levels: &[Level]) -> Pyramid {
        let total: i64 = levels.iter().map(|l| l.value).sum();
        let max = levels.iter().map(|l| l.value).max().unwrap_or(0).max(1);
        let center = (BAR_LEFT + BAR_RIGHT) / 2;
        let half = ((BAR_RIGHT - BAR_LEFT) / 2) as f64;
        let drawn = levels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let w = (l.value as f64 / max as f64 * half).round() as i64;
                let row_y = TOP + i as i64 * ROW_H;
                DrawnLevel {
                    label: l.label.clone(),
                    href: l.href.clone(),
                    tip: format!(
                        "{}：{} 件次（占 {}）",
                        l.label,
                        l.value,
                        share(l.value, total)
                    ),
                    row_y,
                    text_y: row_y + 21,
                    x: center - w,
                    width: 2 * w,
                    value: l.value,
                    share: share(l.value, total),
                    low: l.low,
                }
            })
            .collect();
        Pyramid {
            levels: drawn,
            height: TOP + levels.len() as i64 * ROW_H + 4,
            label_x: LABEL_X,
            value_x: VALUE_X,
            share_x: WIDTH - 4,
            center,
            bar_h: ROW_H - 8,
            row_h: ROW_H,
        }
    }

    pub fn svg(&self) -> String {
        self.render()
            .unwrap_or_else(|e| format!("<p class=\"err\">图表生成失败：{e}</p>"))
    }
}

#[cfg(test)]
mod tests {
    use super::super::text_width;
    use super::*;

    #[test]
    fn figures_stay_clear_of_bars_and_of_each_other() {
        let levels: Vec<Level> = [
            ("国家级", 0),
            ("省级", 3),
            ("市级", 99_999),
            ("县级", 99_999),
            ("乡级", 7),
        ]
        .iter()
        .map(|(l, n)| Level {
            label: l.to_string(),
            value: *n,
            low: false,
            href: "/work/cases".into(),
        })
        .collect();
        let p = Pyramid::new(&levels);
        for l in &p.levels {
            assert!(l.x >= BAR_LEFT && l.x + l.width <= BAR_RIGHT, "{}", l.label);
            assert!(text_width(&l.label, 15.0) as i64 <= LABEL_X, "{}", l.label);
            let value_end = VALUE_X + text_width(&l.value.to_string(), 14.0) as i64;
            let share_start = WIDTH - 4 - text_width(&l.share, 12.0) as i64;
            assert!(
                value_end + 4 <= share_start,
                "{}: {value_end} {share_start}",
                l.label
            );
        }
        assert_eq!(p.levels[0].width, 0, "国家级 0: no bar");
        assert_eq!(p.levels[2].share, "50.0%");
    }
}
