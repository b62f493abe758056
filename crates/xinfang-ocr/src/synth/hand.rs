//! Handwritten letters: a [`Scribe`] that writes with a simulated ballpoint
//! pen instead of setting type, so the benchmark can say what the reader
//! does with handwriting-like pages (issue #22) without a handwritten data
//! set, which cannot be had offline under a licence.
//!
//! Each character is its strokes' centre lines (`stroke_data.rs`: Make Me a
//! Hanzi's medians for Chinese, hand-made shapes for digits and punctuation),
//! drawn in writing order as smooth curves (centripetal Catmull–Rom) by a
//! round pen whose width swells and thins a little along each stroke. The
//! variation a neat writer shows is added on purpose, none of it from a
//! font: per page (one writer) a slant, a pen width, an ink tone (never pure
//! black) and a spacing habit; per character a scale of 0.85–1.1, a
//! rotation, a shift off the baseline and an uneven gap; per stroke a shift
//! and a stretch; per point a jitter; per line a slow baseline wander. Same
//! seed, same page.
//!
//! What it is not: real writers join strokes (行书), simplify and vary far
//! more; this is careful 楷书-like writing.

use image::GrayImage;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::layout::{lay_out, Scribe, Sheet};
use super::letter::Letter;
use super::stroke_data::{glyphs, Glyph, BASELINE};
use super::Rendered;

/// The paper's grey (as the typed pages).
const PAPER: f32 = 248.0;
/// A space's advance, in em.
const SPACE: f32 = 0.5;
/// The advance given to a character the pen cannot write (it is reported).
const UNKNOWN: f32 = 1.0;

/// One writer's habits, fixed for a page.
struct Writer {
    /// Lean of the letters (shear, x per unit of height; > 0 leans right).
    slant: f32,
    /// Pen radius in em.
    pen: f32,
    /// Ink grey at full pressure (0 black .. 248 paper).
    ink: f32,
    /// Advance factor: a tight or a loose writer.
    spacing: f32,
    /// Scales every random deviation: a tidier or a looser hand.
    loose: f32,
}

/// The pen and the writer; the random source advances as the page is
/// written, so a page is deterministic for its seed.
pub struct Hand {
    rng: StdRng,
    writer: Writer,
}

impl Hand {
    pub fn new(seed: u64) -> Hand {
        let mut rng = StdRng::seed_from_u64(seed ^ 0x6861_6e64);
        let writer = Writer {
            slant: rng.gen_range(-0.03..0.09),
            pen: rng.gen_range(0.042..0.056),
            ink: rng.gen_range(35.0..80.0),
            spacing: rng.gen_range(0.95..1.06),
            loose: rng.gen_range(0.8..1.2),
        };
        Hand { rng, writer }
    }

    /// A normal deviate (Box–Muller) with standard deviation `sigma`.
    fn normal(&mut self, sigma: f32) -> f32 {
        let u1: f32 = self.rng.gen_range(1e-6..1.0);
        let u2: f32 = self.rng.gen_range(0.0..1.0);
        (-2.0 * u1.ln()).sqrt() * (std::f32::consts::TAU * u2).cos() * sigma
    }

    fn advance(c: char) -> f32 {
        if c.is_whitespace() {
            return SPACE;
        }
        glyphs().get(&c).map_or(UNKNOWN, |g| g.advance)
    }

    /// Write one character whose em box starts at `x`, its baseline at
    /// `baseline`.
    fn character(&mut self, img: &mut GrayImage, g: &Glyph, x: f32, baseline: f32, px: f32) {
        let loose = self.writer.loose;
        let scale = px * self.rng.gen_range(0.85..1.1f32);
        let turn = self.normal(0.03 * loose).clamp(-0.1, 0.1);
        let (sin, cos) = turn.sin_cos();
        let slant = self.writer.slant + self.normal(0.02 * loose);
        let lift = self.normal(0.025 * loose) * px;
        // The character turns and scales about its centre, which sits where
        // the em box's centre would.
        let centre_em = [g.advance / 2.0, 0.5];
        let centre = [
            x + g.advance * px / 2.0,
            baseline - (BASELINE - 0.5) * px + lift,
        ];
        let to_page = |p: [f32; 2]| {
            let (dx, dy) = (p[0] - centre_em[0], p[1] - centre_em[1]);
            let dx = dx - slant * dy;
            [
                centre[0] + scale * (dx * cos - dy * sin),
                centre[1] + scale * (dx * sin + dy * cos),
            ]
        };
        for stroke in &g.strokes {
            let shift = [self.normal(0.02 * loose), self.normal(0.02 * loose)];
            let stretch = 1.0 + self.normal(0.07 * loose);
            let mid = midpoint(stroke);
            let pts: Vec<[f32; 2]> = thin_out(stroke, 0.025)
                .iter()
                .map(|p| {
                    let q = [
                        mid[0] + (p[0] - mid[0]) * stretch + shift[0] + self.normal(0.012 * loose),
                        mid[1] + (p[1] - mid[1]) * stretch + shift[1] + self.normal(0.012 * loose),
                    ];
                    to_page(q)
                })
                .collect();
            let pressure = self.rng.gen_range(0.85..1.12f32);
            let radius = (self.writer.pen * px * pressure).max(0.8);
            let ink = (self.writer.ink + self.normal(8.0)).clamp(20.0, 110.0);
            draw_stroke(img, &smooth(&pts, 0.35), radius, ink);
        }
    }
}

impl Scribe for Hand {
    fn width(&self, s: &str, px: f32) -> f32 {
        s.chars().map(Hand::advance).sum::<f32>() * px * self.writer.spacing
    }

    fn write(
        &mut self,
        img: &mut GrayImage,
        s: &str,
        x: f32,
        baseline: f32,
        px: f32,
        missing: &mut Vec<char>,
    ) {
        // The line drifts: a slow wave and a slight slope.
        let wave = px * self.rng.gen_range(0.02..0.06f32) * self.writer.loose;
        let period = px * self.rng.gen_range(6.0..16.0f32);
        let phase = self.rng.gen_range(0.0..std::f32::consts::TAU);
        let slope = self.normal(0.006);
        let mut pen_x = x;
        for c in s.chars() {
            let adv = Hand::advance(c) * px * self.writer.spacing;
            if !c.is_whitespace() {
                match glyphs().get(&c) {
                    Some(g) => {
                        let along = pen_x - x;
                        let y = baseline
                            + wave * (along / period * std::f32::consts::TAU + phase).sin()
                            + slope * along;
                        self.character(img, g, pen_x, y, px);
                    }
                    None => missing.push(c),
                }
            }
            let gap = self.normal(0.05 * self.writer.loose).clamp(-0.12, 0.15) * px;
            pen_x += adv + gap;
        }
    }
}

fn midpoint(stroke: &[[f32; 2]]) -> [f32; 2] {
    let n = stroke.len().max(1) as f32;
    let (x, y) = stroke
        .iter()
        .fold((0.0, 0.0), |(x, y), p| (x + p[0], y + p[1]));
    [x / n, y / n]
}

/// Drop points closer than `min` to the last one kept (the data crowds
/// points at stroke ends; jittered, they would make zigzags), keeping the
/// last point.
fn thin_out(stroke: &[[f32; 2]], min: f32) -> Vec<[f32; 2]> {
    let mut out: Vec<[f32; 2]> = vec![];
    for (k, p) in stroke.iter().enumerate() {
        let far = out.last().is_none_or(|q| dist(*q, *p) >= min);
        if far || k + 1 == stroke.len() {
            if k + 1 == stroke.len() && !far && out.len() > 1 {
                out.pop();
            }
            out.push(*p);
        }
    }
    out
}

fn dist(a: [f32; 2], b: [f32; 2]) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// A smooth curve through the points (centripetal Catmull–Rom: no loops
/// or overshoot at sharp turns), sampled every `step` pixels or closer.
fn smooth(pts: &[[f32; 2]], step: f32) -> Vec<[f32; 2]> {
    if pts.len() < 2 {
        return pts.to_vec();
    }
    let n = pts.len();
    let at = |k: isize| -> [f32; 2] {
        if k < 0 {
            [2.0 * pts[0][0] - pts[1][0], 2.0 * pts[0][1] - pts[1][1]]
        } else if k as usize >= n {
            let (a, b) = (pts[n - 1], pts[n - 2]);
            [2.0 * a[0] - b[0], 2.0 * a[1] - b[1]]
        } else {
            pts[k as usize]
        }
    };
    let mut out = vec![pts[0]];
    for k in 0..n as isize - 1 {
        let (p0, p1, p2, p3) = (at(k - 1), at(k), at(k + 1), at(k + 2));
        let knot = |a: [f32; 2], b: [f32; 2]| dist(a, b).sqrt().max(1e-3);
        let t1 = knot(p0, p1);
        let t2 = t1 + knot(p1, p2);
        let t3 = t2 + knot(p2, p3);
        let steps = (dist(p1, p2) / step).ceil().max(1.0) as usize;
        for s in 1..=steps {
            let t = t1 + (t2 - t1) * s as f32 / steps as f32;
            let lerp = |a: [f32; 2], b: [f32; 2], ta: f32, tb: f32| {
                let w = (t - ta) / (tb - ta);
                [a[0] + (b[0] - a[0]) * w, a[1] + (b[1] - a[1]) * w]
            };
            let a1 = lerp(p0, p1, 0.0, t1);
            let a2 = lerp(p1, p2, t1, t2);
            let a3 = lerp(p2, p3, t2, t3);
            let b1 = lerp(a1, a2, 0.0, t2);
            let b2 = lerp(a2, a3, t1, t3);
            out.push(lerp(b1, b2, t1, t2));
        }
    }
    out
}

/// Ink a stroke with a round pen: the radius swells towards the middle of
/// the stroke and eases off at its end; the ink is anti-aliased and never
/// lightens what is already written.
fn draw_stroke(img: &mut GrayImage, path: &[[f32; 2]], radius: f32, ink: f32) {
    let (w, h) = (img.width() as i64, img.height() as i64);
    let n = path.len().max(2) - 1;
    for (k, p) in path.iter().enumerate() {
        let t = k as f32 / n as f32;
        let r = radius * (0.82 + 0.22 * (std::f32::consts::PI * t).sin() - 0.1 * t.powi(4));
        let (x0, x1) = (
            (p[0] - r - 1.0).floor() as i64,
            (p[0] + r + 1.0).ceil() as i64,
        );
        let (y0, y1) = (
            (p[1] - r - 1.0).floor() as i64,
            (p[1] + r + 1.0).ceil() as i64,
        );
        for y in y0.max(0)..=y1.min(h - 1) {
            for x in x0.max(0)..=x1.min(w - 1) {
                let d = dist([x as f32 + 0.5, y as f32 + 0.5], *p);
                let cover = (r + 0.5 - d).clamp(0.0, 1.0);
                if cover > 0.0 {
                    let px = img.get_pixel_mut(x as u32, y as u32);
                    let v = PAPER - (PAPER - ink) * cover;
                    if v < px.0[0] as f32 {
                        px.0[0] = v as u8;
                    }
                }
            }
        }
    }
}

/// A letter written by hand at `px` pixels per em (the same layouts as
/// [`super::render`]); `seed` picks the writer and every wobble.
pub fn render_hand(l: &Letter, px: f32, seed: u64) -> Result<Rendered, String> {
    lay_out(l, Hand::new(seed), px)
}

/// A few handwritten lines on a strip of paper just large enough (for
/// tests: a field or two, not a page).
pub fn write_hand_lines(lines: &[&str], px: f32, seed: u64) -> Result<Rendered, String> {
    let hand = Hand::new(seed);
    let margin = 2.0 * px;
    let lead = 1.9 * px;
    let widest = lines.iter().map(|l| hand.width(l, px)).fold(0.0, f32::max);
    let (w, h) = (
        (widest + 2.0 * margin).ceil() as u32,
        (lines.len() as f32 * lead + 2.0 * margin).ceil() as u32,
    );
    let mut sheet = Sheet::new(hand, w, h);
    for (k, l) in lines.iter().enumerate() {
        sheet.line(l, margin, margin + px + k as f32 * lead, px);
    }
    sheet.finish()
}

#[cfg(test)]
mod tests {
    use super::super::letter::{alphabet, Layout, Letter};
    use super::*;

    fn dark_pixels(img: &GrayImage) -> usize {
        img.pixels().filter(|p| p.0[0] < 160).count()
    }

    #[test]
    fn every_character_a_letter_can_use_is_written_with_ink() {
        let all = alphabet();
        assert!(all.len() > 300, "{}", all.len());
        for c in all {
            let s = c.to_string();
            let r = write_hand_lines(&[&s], 30.0, 1)
                .unwrap_or_else(|e| panic!("{c} cannot be written: {e}"));
            let ink = dark_pixels(&r.image);
            // The colon is the least ink: two dots of a few pixels each
            // (a thin pen, a small hand); a character skipped has none.
            assert!(ink >= 4, "{c}: {ink} dark pixels");
        }
    }

    #[test]
    fn a_character_the_pen_lacks_is_reported_not_skipped() {
        let err = write_hand_lines(&["龘"], 30.0, 1).err().expect("refused");
        assert!(err.contains('龘'), "{err}");
    }

    #[test]
    fn pages_are_deterministic_for_a_seed_and_differ_between_seeds() {
        for (k, layout) in [Layout::Plain, Layout::Letterhead, Layout::TwoColumns]
            .into_iter()
            .enumerate()
        {
            let l = Letter::random(k as u64 + 3, layout);
            let a = render_hand(&l, 30.0, 11).expect("every character written");
            let b = render_hand(&l, 30.0, 11).expect("again");
            assert!(a.image == b.image, "{layout:?}: same seed, same page");
            assert_eq!(a.truth, b.truth);
            let c = render_hand(&l, 30.0, 12).expect("another writer");
            assert!(a.image != c.image, "{layout:?}: another seed, another hand");
            // The same words; a wider hand may break the lines elsewhere.
            assert_eq!(
                a.truth.concat(),
                c.truth.concat(),
                "the words do not depend on the hand"
            );
            assert!(a.truth.iter().any(|t| t.contains(&l.id_number)));
            assert!(dark_pixels(&a.image) > 10_000, "{layout:?}: a page of ink");
        }
    }
}
