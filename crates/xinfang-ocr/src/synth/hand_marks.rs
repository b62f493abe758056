//! Pen shapes for what Make Me a Hanzi has no strokes for: the digits and the
//! X of ID numbers and phones, 〇, and the punctuation the letters use. Drawn
//! by hand here as centre lines (the renderer smooths them and varies them
//! like any stroke), in the way a person writes them on a form: digits
//! smaller than the Chinese characters, sitting on the line, most in one
//! stroke (4, 5 and X in two). No printed font is involved.

use std::collections::HashMap;

use super::stroke_data::{Glyph, BASELINE};

/// A digit's (or X's) cell: its height and width in em and its advance.
const DIGIT_HEIGHT: f32 = 0.58;
const DIGIT_WIDTH: f32 = 0.36;
const DIGIT_ADVANCE: f32 = 0.56;

/// Digit shapes in a unit box (x right, y down), stroke by stroke.
const DIGITS: [(char, &[&[[f32; 2]]]); 11] = [
    ('0', &[]), // an ellipse, made below
    (
        '1',
        &[&[[0.35, 0.16], [0.58, 0.0], [0.56, 0.5], [0.54, 1.0]]],
    ),
    (
        '2',
        &[&[
            [0.08, 0.24],
            [0.3, 0.02],
            [0.66, 0.0],
            [0.88, 0.22],
            [0.78, 0.5],
            [0.4, 0.8],
            [0.06, 1.0],
            [0.5, 0.97],
            [0.96, 0.98],
        ]],
    ),
    (
        '3',
        &[&[
            [0.1, 0.12],
            [0.45, 0.0],
            [0.8, 0.1],
            [0.78, 0.34],
            [0.42, 0.47],
            [0.84, 0.6],
            [0.88, 0.84],
            [0.5, 1.0],
            [0.08, 0.9],
        ]],
    ),
    (
        '4',
        &[
            &[
                [0.62, 0.0],
                [0.32, 0.38],
                [0.04, 0.72],
                [0.5, 0.71],
                [0.98, 0.7],
            ],
            &[[0.72, 0.28], [0.71, 0.65], [0.7, 1.0]],
        ],
    ),
    (
        '5',
        &[
            &[
                [0.24, 0.02],
                [0.2, 0.25],
                [0.16, 0.46],
                [0.5, 0.38],
                [0.86, 0.56],
                [0.84, 0.88],
                [0.45, 1.0],
                [0.08, 0.88],
            ],
            &[[0.24, 0.02], [0.55, 0.01], [0.88, 0.0]],
        ],
    ),
    (
        '6',
        &[&[
            [0.78, 0.0],
            [0.42, 0.22],
            [0.14, 0.58],
            [0.22, 0.94],
            [0.56, 1.0],
            [0.86, 0.78],
            [0.66, 0.52],
            [0.3, 0.56],
            [0.14, 0.72],
        ]],
    ),
    (
        '7',
        &[&[
            [0.06, 0.04],
            [0.5, 0.02],
            [0.92, 0.0],
            [0.66, 0.42],
            [0.48, 0.74],
            [0.38, 1.0],
        ]],
    ),
    (
        '8',
        &[&[
            [0.82, 0.12],
            [0.5, 0.0],
            [0.18, 0.12],
            [0.24, 0.36],
            [0.76, 0.6],
            [0.82, 0.88],
            [0.5, 1.0],
            [0.18, 0.88],
            [0.24, 0.6],
            [0.76, 0.36],
            [0.82, 0.12],
        ]],
    ),
    (
        '9',
        &[&[
            [0.84, 0.18],
            [0.56, 0.0],
            [0.2, 0.08],
            [0.14, 0.34],
            [0.44, 0.48],
            [0.8, 0.32],
            [0.84, 0.18],
            [0.8, 0.6],
            [0.62, 1.0],
        ]],
    ),
    (
        'X',
        &[
            &[[0.04, 0.0], [0.5, 0.5], [0.96, 1.0]],
            &[[0.94, 0.0], [0.5, 0.5], [0.06, 1.0]],
        ],
    ),
];

/// Points on an ellipse, starting at the top and going anticlockwise as a
/// hand does, a little past the start so the loop closes.
fn ellipse(cx: f32, cy: f32, rx: f32, ry: f32) -> Vec<[f32; 2]> {
    (0..=17)
        .map(|k| {
            let t = std::f32::consts::TAU * k as f32 / 16.0;
            [cx - rx * t.sin(), cy - ry * t.cos()]
        })
        .collect()
}

/// A digit's strokes from the unit box to the em, sitting on the baseline.
fn digit(strokes: &[&[[f32; 2]]]) -> Glyph {
    let left = (DIGIT_ADVANCE - DIGIT_WIDTH) / 2.0;
    let top = BASELINE - DIGIT_HEIGHT;
    let place = |p: &[f32; 2]| [left + p[0] * DIGIT_WIDTH, top + p[1] * DIGIT_HEIGHT];
    Glyph {
        strokes: strokes
            .iter()
            .map(|s| s.iter().map(place).collect())
            .collect(),
        advance: DIGIT_ADVANCE,
    }
}

fn mark(advance: f32, strokes: Vec<Vec<[f32; 2]>>) -> Glyph {
    Glyph { strokes, advance }
}

/// A dot: a short stroke the round pen turns into a blob.
fn dot(x: f32, y: f32) -> Vec<[f32; 2]> {
    vec![[x - 0.015, y - 0.02], [x + 0.015, y + 0.02]]
}

/// Every shape defined here.
pub fn marks() -> HashMap<char, Glyph> {
    let mut out: HashMap<char, Glyph> = DIGITS
        .iter()
        .map(|(c, strokes)| (*c, digit(strokes)))
        .collect();
    let zero = ellipse(0.5, 0.5, 0.44, 0.5);
    let zero: Vec<&[[f32; 2]]> = vec![&zero];
    out.insert('0', digit(&zero));
    let b = BASELINE;
    out.insert(
        '：',
        mark(0.62, vec![dot(0.26, b - 0.45), dot(0.26, b - 0.1)]),
    );
    out.insert(
        '，',
        mark(
            0.7,
            vec![vec![
                [0.2, b - 0.1],
                [0.25, b - 0.05],
                [0.22, b + 0.03],
                [0.14, b + 0.09],
            ]],
        ),
    );
    out.insert('。', mark(0.8, vec![ellipse(0.24, b - 0.05, 0.07, 0.07)]));
    out.insert(
        '、',
        mark(0.7, vec![vec![[0.16, b - 0.14], [0.3, b - 0.01]]]),
    );
    out.insert(
        '！',
        mark(
            0.6,
            vec![vec![[0.3, 0.12], [0.29, 0.62]], dot(0.29, b - 0.05)],
        ),
    );
    out.insert('〇', mark(1.0, vec![ellipse(0.5, 0.48, 0.36, 0.38)]));
    out.insert('-', mark(0.56, vec![vec![[0.1, 0.55], [0.46, 0.54]]]));
    out.insert(
        '（',
        mark(0.6, vec![vec![[0.5, 0.05], [0.28, 0.45], [0.5, 0.95]]]),
    );
    out.insert(
        '）',
        mark(0.6, vec![vec![[0.1, 0.05], [0.32, 0.45], [0.1, 0.95]]]),
    );
    out
}
