//! Horizontal bars (`templates/charts/bars.html`): one row per group, the
//! value at the end of its bar, an x axis with round ticks and gridlines.
//! Short labels (渠道, 类型) sit left of the axis; long ones (内容分类 paths,
//! 地区) get a line of their own above the bar, so a label never collides
//! with a bar or another label. The whole row is the link, so a zero is as
//! clickable as the largest bar.

use super::{fit, nice_ticks, share, text_width, Tick, WIDTH};
use askama::Template;

const PAD: i64 = 4;
const LABEL_FONT: f64 = 15.0;
const VALUE_FONT: f64 = 14.0;
const TICK_FONT: f64 = 13.0;
/// Labels up to this wide go in a column left of the axis.
const LEFT_LABELS_MAX: f64 = 112.0;

/// One group of a bar chart: its name (never a code), figure and drill-down.
pub struct Bar {
    pub label: String,
    pub value: i64,
    pub href: String,
}

/// A bar as drawn.
pub struct DrawnBar {
    pub href: String,
    pub tip: String,
    pub label: String,
    pub label_x: i64,
    pub label_y: i64,
    pub row_y: i64,
    pub bar_y: i64,
    pub width: i64,
    pub value: i64,
    pub value_x: i64,
    pub value_y: i64,
}

#[derive(Template)]
#[template(path = "charts/bars.html")]
pub struct BarChart {
    pub title: String,
    pub height: i64,
    pub x0: i64,
    pub right: i64,
    pub top: i64,
    pub axis_y: i64,
    pub row_h: i64,
    pub bar_h: i64,
    /// "end" (labels left of the axis) or "start" (labels above the bars).
    pub anchor: &'static str,
    pub ticks: Vec<Tick>,
    pub tick_y: i64,
    pub bars: Vec<DrawnBar>,
    pub empty: bool,
}

impl BarChart {
    /// Lay out `bars` (in the order given); `unit` names the figure ("件次").
    pub fn new(title: &str, unit: &str, bars: &[Bar]) -> BarChart {
        let w = WIDTH;
        let widest = bars
            .iter()
            .map(|b| text_width(&b.label, LABEL_FONT))
            .fold(0.0, f64::max);
        let left_labels = widest <= LEFT_LABELS_MAX;
        let x0 = if left_labels {
            PAD + widest.ceil() as i64 + 10
        } else {
            PAD
        };
        let value_room = bars
            .iter()
            .map(|b| text_width(&b.value.to_string(), VALUE_FONT))
            .fold(0.0, f64::max)
            .ceil() as i64
            + 8;
        let max = bars.iter().map(|b| b.value).max().unwrap_or(0);
        let values = nice_ticks(max, 4);
        let top_value = *values.last().unwrap_or(&1);
        // The top tick's label is centred on it: keep it inside the viewBox.
        let tick_room = (text_width(&top_value.to_string(), TICK_FONT) / 2.0).ceil() as i64 + PAD;
        let right = w - value_room.max(tick_room);
        let plot = (right - x0) as f64;
        let x_of = |v: i64| x0 + (v as f64 / top_value as f64 * plot).round() as i64;
        let (row_h, bar_h) = if left_labels { (32, 22) } else { (48, 16) };
        let top = 6;
        let total: i64 = bars.iter().map(|b| b.value).sum();
        let drawn = bars
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let row_y = top + i as i64 * row_h;
                let bar_y = if left_labels { row_y + 5 } else { row_y + 25 };
                let width = x_of(b.value) - x0;
                let label_room = if left_labels {
                    (x0 - PAD - 10) as f64
                } else {
                    (w - 2 * PAD) as f64
                };
                DrawnBar {
                    href: b.href.clone(),
                    tip: format!(
                        "{}：{} {unit}（占 {}）",
                        b.label,
                        b.value,
                        share(b.value, total)
                    ),
                    label: fit(&b.label, LABEL_FONT, label_room),
                    label_x: if left_labels { x0 - 8 } else { PAD },
                    label_y: if left_labels { row_y + 21 } else { row_y + 18 },
                    row_y,
                    bar_y,
                    width,
                    value: b.value,
                    value_x: x0 + width + 5,
                    value_y: bar_y + bar_h / 2 + 5,
                }
            })
            .collect::<Vec<_>>();
        // An empty chart keeps one row for its "本期无数据".
        let axis_y = top + bars.len().max(1) as i64 * row_h + 2;
        BarChart {
            title: title.to_string(),
            height: axis_y + 24,
            x0,
            right,
            top,
            axis_y,
            row_h,
            bar_h,
            anchor: if left_labels { "end" } else { "start" },
            ticks: values
                .iter()
                .map(|v| Tick {
                    pos: x_of(*v),
                    label: v.to_string(),
                })
                .collect(),
            tick_y: axis_y + 18,
            bars: drawn,
            empty: bars.is_empty(),
        }
    }

    /// The SVG markup.
    pub fn svg(&self) -> String {
        self.render()
            .unwrap_or_else(|e| format!("<p class=\"err\">图表生成失败：{e}</p>"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, value: i64) -> Bar {
        Bar {
            label: label.into(),
            value,
            href: format!("/work/cases?x={value}"),
        }
    }

    /// Whether a label or value leaves the box, or a label reaches the
    /// bars on its own line.
    fn overlaps(c: &BarChart) -> bool {
        c.bars.iter().any(|b| {
            let label_w = text_width(&b.label, LABEL_FONT) as i64;
            let (l0, l1) = if c.anchor == "end" {
                (b.label_x - label_w, b.label_x)
            } else {
                (b.label_x, b.label_x + label_w)
            };
            let v1 = b.value_x + text_width(&b.value.to_string(), VALUE_FONT) as i64;
            let same_line = b.label_y == b.value_y;
            l0 < 0 || l1 > WIDTH || v1 > WIDTH || (same_line && l1 > c.x0)
        })
    }

    #[test]
    fn short_labels_sit_left_and_nothing_leaves_the_box() {
        let c = BarChart::new(
            "渠道",
            "件次",
            &[bar("网上信访", 120), bar("来访", 0), bar("传真", 3)],
        );
        assert_eq!(c.anchor, "end");
        assert!(!overlaps(&c));
        assert_eq!(c.bars[1].width, 0, "a zero is no bar");
        assert!(c.bars[1].value_x > c.x0, "but its 0 is shown");
        assert!(c.bars[0].tip.contains("网上信访：120 件次"));
        let svg = c.svg();
        assert!(
            svg.contains("href=\"/work/cases?x=0\""),
            "zero rows link too"
        );
    }

    #[test]
    fn long_labels_get_their_own_line_and_are_shortened() {
        let long = "城乡建设/房地产/商品房预售资金监管与延期交房纠纷处理及其他住房保障问题";
        let c = BarChart::new("分类", "件次", &[bar(long, 99999), bar("未分类", 1)]);
        assert_eq!(c.anchor, "start");
        assert!(!overlaps(&c), "labels and values inside the box");
        assert!(c.bars[0].label.ends_with('…'));
        assert!(c.bars[0].tip.contains(long), "the full name in the tooltip");
        assert!(c.bars[0].label_y < c.bars[0].bar_y, "label above its bar");
        assert!(c.bars[0].bar_y + c.bar_h <= c.bars[1].row_y, "rows apart");
        assert!(c.right + 8 <= WIDTH);
    }

    #[test]
    fn ticks_do_not_collide() {
        for max in [1, 7, 36, 999, 123_456] {
            let c = BarChart::new("t", "件次", &[bar("甲", max)]);
            for w in c.ticks.windows(2) {
                let gap = w[1].pos - w[0].pos;
                let need = text_width(&w[1].label, TICK_FONT) as i64 + 4;
                assert!(gap >= need, "{max}: ticks {} {}", w[0].label, w[1].label);
            }
            let last = c.ticks.last().unwrap();
            assert!(last.pos + (text_width(&last.label, TICK_FONT) / 2.0) as i64 <= WIDTH);
        }
    }
}
