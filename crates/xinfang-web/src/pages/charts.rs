//! Server-side SVG charts (inline SVG is allowed by the CSP; no script, no
//! external asset): the 倒金字塔, the monthly trend by channel, and labelled
//! horizontal bars. Every bar is a link to the cases behind it.

use super::html::esc;
use std::collections::BTreeMap;
use xinfang_domain::case::Channel;

/// Horizontal bars (the inverted pyramid: national at the top).
pub fn pyramid_svg(levels: &[(&str, i64, String)]) -> String {
    let max = levels.iter().map(|(_, n, _)| *n).max().unwrap_or(1).max(1) as f64;
    let mut svg = String::from("<svg role=\"img\" aria-label=\"倒金字塔：各级登记件次\" width=\"100%\" viewBox=\"0 0 640 200\" xmlns=\"http://www.w3.org/2000/svg\">");
    for (i, (label, n, href)) in levels.iter().enumerate() {
        let w = (*n as f64 / max) * 440.0;
        let y = 10 + i as i32 * 36;
        let x = 150.0 + (440.0 - w) / 2.0;
        svg.push_str(&format!(
            "<a href=\"{}\"><text x=\"10\" y=\"{}\" font-size=\"14\">{}</text><rect x=\"{x:.0}\" y=\"{y}\" width=\"{w:.0}\" height=\"26\" fill=\"#a51c1c\"/><text x=\"600\" y=\"{}\" font-size=\"14\" text-anchor=\"end\">{n}</text></a>",
            esc(href),
            y + 18,
            esc(label),
            y + 18
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// Stacked monthly columns by channel; each block links to
/// `link(month, channel)`, the cases with a 件次 of that channel in that month.
pub fn trend_svg(
    months: &BTreeMap<String, BTreeMap<String, i64>>,
    link: &dyn Fn(&str, &str) -> String,
) -> String {
    let colours = [
        ("online", "#1565c0"),
        ("letter", "#2e7d32"),
        ("visit", "#a51c1c"),
        ("phone", "#ef6c00"),
        ("fax", "#6a1b9a"),
    ];
    let max = months
        .values()
        .map(|m| m.values().sum::<i64>())
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let n = months.len().max(1) as f64;
    let bw = (600.0 / n).min(60.0);
    let mut svg = String::from("<svg role=\"img\" aria-label=\"按月、按渠道的信访件次\" width=\"100%\" viewBox=\"0 0 680 260\" xmlns=\"http://www.w3.org/2000/svg\">");
    for (i, (month, by)) in months.iter().enumerate() {
        let x = 40.0 + i as f64 * bw;
        let mut y = 220.0;
        for (key, colour) in colours {
            let v = *by.get(key).unwrap_or(&0) as f64;
            let h = v / max * 200.0;
            y -= h;
            if v > 0.0 {
                svg.push_str(&format!("<a href=\"{}\"><rect x=\"{x:.0}\" y=\"{y:.1}\" width=\"{:.0}\" height=\"{h:.1}\" fill=\"{colour}\"><title>{} {}：{}</title></rect></a>", esc(&link(month, key)), bw * 0.8, esc(month), Channel::from_key(key).map(|c| c.label_zh()).unwrap_or(key), v));
            }
        }
        svg.push_str(&format!(
            "<text x=\"{x:.0}\" y=\"238\" font-size=\"10\">{}</text>",
            esc(&month[2..])
        ));
    }
    for (i, (key, colour)) in colours.iter().enumerate() {
        svg.push_str(&format!("<rect x=\"{}\" y=\"248\" width=\"10\" height=\"10\" fill=\"{colour}\"/><text x=\"{}\" y=\"257\" font-size=\"11\">{}</text>", 40 + i * 110, 54 + i * 110, Channel::from_key(key).map(|c| c.label_zh()).unwrap_or(key)));
    }
    svg.push_str("</svg>");
    svg
}

/// Horizontal bars: (label, value, link), longest = largest value.
pub fn bars_svg(title: &str, items: &[(String, i64, String)]) -> String {
    let max = items.iter().map(|(_, n, _)| *n).max().unwrap_or(1).max(1) as f64;
    let h = 14 + items.len() * 26;
    let mut svg = format!(
        "<svg role=\"img\" aria-label=\"{}\" width=\"100%\" viewBox=\"0 0 680 {h}\" xmlns=\"http://www.w3.org/2000/svg\">",
        esc(title)
    );
    for (i, (label, n, href)) in items.iter().enumerate() {
        let y = 6 + i * 26;
        let w = (*n as f64 / max) * 380.0;
        let short: String = label.chars().take(16).collect();
        svg.push_str(&format!(
            "<a href=\"{}\"><text x=\"4\" y=\"{}\" font-size=\"13\">{}</text><rect x=\"230\" y=\"{y}\" width=\"{w:.0}\" height=\"20\" fill=\"#a51c1c\"><title>{}：{n}</title></rect><text x=\"{:.0}\" y=\"{}\" font-size=\"13\">{n}</text></a>",
            esc(href),
            y + 15,
            esc(&short),
            esc(label),
            236.0 + w,
            y + 15
        ));
    }
    svg.push_str("</svg>");
    svg
}
