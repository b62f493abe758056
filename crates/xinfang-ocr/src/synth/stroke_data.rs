//! The stroke medians the handwriting renderer draws: Make Me a Hanzi's
//! centre lines for the Chinese characters the letters use (vendored in
//! `data/hand-medians.txt` by `scripts/vendor-hand-strokes.sh`, Arphic Public
//! License, see `data/PROVENANCE.md`), and hand-made shapes for digits and
//! punctuation (`hand_marks.rs`), which that data does not have.
//!
//! The medians are read from the source tree when first needed, not built
//! into the binary: they are under the Arphic Public License, the program
//! under Apache-2.0, and only the benchmark (`xinfang bench ocr --hand`,
//! run from a checkout) and the tests use them. `XINFANG_HAND_STROKES`
//! names another copy of the file.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Where the vendored medians are: `XINFANG_HAND_STROKES`, else the
/// source tree this crate was built from.
fn medians_path() -> String {
    std::env::var("XINFANG_HAND_STROKES")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/data/hand-medians.txt").into())
}

/// The medians file's text; empty (every Chinese character then missing,
/// which the renderer reports) when it cannot be read, with the reason.
fn medians_text() -> String {
    let path = medians_path();
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        eprintln!(
            "手写笔画数据无法读取（{path}：{e}）：该数据只随源码提供，请在源码目录中运行，或用 XINFANG_HAND_STROKES 指定文件"
        );
        String::new()
    })
}

/// Where the baseline lies in the em box, from its top (Make Me a Hanzi's
/// 900 of 1024 units).
pub const BASELINE: f32 = 900.0 / 1024.0;

/// A character as a pen writes it: strokes in writing order, each a centre
/// line of points in em units (x right, y down from the em's top), and the
/// advance to the next character.
#[derive(Debug, Clone)]
pub struct Glyph {
    pub strokes: Vec<Vec<[f32; 2]>>,
    pub advance: f32,
}

fn parse(text: &str) -> HashMap<char, Glyph> {
    let mut out = HashMap::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let mut chars = line.chars();
        let c = chars.next().expect("a character first");
        let strokes = chars
            .as_str()
            .trim()
            .split(';')
            .map(|stroke| {
                stroke
                    .split_whitespace()
                    .map(|p| {
                        let (x, y) = p.split_once(',').expect("x,y");
                        let q = |v: &str| v.parse::<f32>().expect("a number") / 128.0;
                        [q(x), q(y)]
                    })
                    .collect()
            })
            .collect();
        out.insert(
            c,
            Glyph {
                strokes,
                advance: 1.0,
            },
        );
    }
    out
}

/// Every character the renderer can write.
pub fn glyphs() -> &'static HashMap<char, Glyph> {
    static GLYPHS: OnceLock<HashMap<char, Glyph>> = OnceLock::new();
    GLYPHS.get_or_init(|| {
        let mut all = parse(&medians_text());
        all.extend(super::hand_marks::marks());
        all
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vendored_medians_parse_inside_the_em() {
        let g = parse(&medians_text());
        assert!(g.len() > 250, "{}", g.len());
        let wang = &g[&'王'];
        assert_eq!(wang.strokes.len(), 4);
        // 王's first stroke is the top bar, its last the bottom one.
        assert!(wang.strokes[0][0][1] < 0.3 && wang.strokes[3][0][1] > 0.7);
        for (c, glyph) in &g {
            for s in &glyph.strokes {
                assert!(!s.is_empty(), "{c}");
                for p in s {
                    assert!((0.0..=1.0).contains(&p[0]) && (0.0..=1.0).contains(&p[1]));
                }
            }
        }
    }
}
