//! Server-side SVG charts for the dashboard. Inline SVG needs no script and
//! no external asset (the CSP allows neither), prints, and every bar can be
//! a plain link to the cases it counts.
//!
//! Each chart is two halves: a Rust function that lays it out (axis ticks,
//! coordinates, labels shortened to fit, which labels to skip so none
//! overlap) and an askama template under `templates/charts/` that only
//! places what was computed — so the markup is escaped like every page and
//! the arithmetic is unit-tested here. Coordinates are in a viewBox about
//! 400 units wide drawn at its natural size on a desk and shrunk on a phone
//! (390 px), where 14-unit labels stay about 12 px.

pub mod bars;
pub mod pyramid;
pub mod trend;

pub use bars::{Bar, BarChart};
pub use pyramid::Pyramid;
pub use trend::Trend;

/// Width of every chart's viewBox.
pub const WIDTH: i64 = 400;

/// One labelled tick of an axis at `pos` (x or y, in viewBox units).
pub struct Tick {
    pub pos: i64,
    pub label: String,
}

/// Round axis values 0, step, 2·step … ≥ `max`, with a step of 1, 2 or 5
/// × 10ⁿ giving at most `intervals` intervals (counts: the step is ≥ 1).
pub fn nice_ticks(max: i64, intervals: i64) -> Vec<i64> {
    let max = max.max(1);
    let intervals = intervals.max(1);
    let mut magnitude = 1;
    loop {
        for m in [1, 2, 5] {
            let step = m * magnitude;
            if max <= step * intervals {
                let top = (max + step - 1) / step * step;
                return (0..=top / step).map(|i| i * step).collect();
            }
        }
        magnitude *= 10;
    }
}

/// Approximate advance width of `s` at `font` size, in viewBox units: a
/// CJK character is one em, digits and Latin about half of one.
pub fn text_width(s: &str, font: f64) -> f64 {
    s.chars()
        .map(|c| match c {
            '.' | ',' | ':' | ' ' | '|' | '!' | 'i' | 'l' => 0.3,
            '%' => 0.85,
            'M' | 'W' | 'm' | 'w' => 0.85,
            c if c.is_ascii_uppercase() => 0.65,
            c if c.is_ascii() => 0.56,
            _ => 1.0,
        })
        .sum::<f64>()
        * font
}

/// `s`, or its beginning and "…" when it is wider than `width`.
pub fn fit(s: &str, font: f64, width: f64) -> String {
    if text_width(s, font) <= width {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        let next = format!("{out}{c}…");
        if text_width(&next, font) > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// Share of `n` in `total` as "12.3%" (for tooltips and the pyramid).
pub fn share(n: i64, total: i64) -> String {
    if total <= 0 {
        return "—".into();
    }
    format!("{:.1}%", n as f64 * 100.0 / total as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_maximum() {
        assert_eq!(nice_ticks(0, 4), [0, 1]);
        assert_eq!(nice_ticks(3, 4), [0, 1, 2, 3]);
        assert_eq!(nice_ticks(7, 4), [0, 2, 4, 6, 8]);
        assert_eq!(nice_ticks(36, 4), [0, 10, 20, 30, 40]);
        assert_eq!(nice_ticks(1234, 4), [0, 500, 1000, 1500]);
        for max in 0..300 {
            let t = nice_ticks(max, 4);
            assert!(*t.last().unwrap() >= max && t.len() <= 6, "{max}: {t:?}");
        }
    }

    #[test]
    fn long_labels_are_shortened_to_fit() {
        let long = "城乡建设/房地产/商品房预售资金监管与延期交房纠纷处理";
        let s = fit(long, 14.0, 200.0);
        assert!(s.ends_with('…') && text_width(&s, 14.0) <= 200.0, "{s}");
        assert_eq!(fit("网上信访", 14.0, 200.0), "网上信访");
        assert_eq!(share(1, 3), "33.3%");
        assert_eq!(share(0, 0), "—");
    }
}
