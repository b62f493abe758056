//! The page layouts (plain, letterhead, two columns), written once for every
//! way of putting characters on paper: a printed font (`font.rs`) or a pen
//! (`hand.rs`) is a [`Scribe`], and the same letter comes out in the same
//! places either way, so the benchmark compares faces, not layouts.

use image::{GrayImage, Luma};

use super::letter::{Layout, Letter, CLOSING, LETTERHEAD, PAGE, SALUTE, TITLE};
use super::Rendered;

/// Something that writes a line of text onto the page.
pub trait Scribe {
    /// How far `s` reaches at `px` pixels per em (what wrapping and right
    /// alignment use; a pen may stray from it a little).
    fn width(&self, s: &str, px: f32) -> f32;
    /// Write `s` from `x` on the baseline `baseline`; characters it cannot
    /// write are pushed to `missing`.
    fn write(
        &mut self,
        img: &mut GrayImage,
        s: &str,
        x: f32,
        baseline: f32,
        px: f32,
        missing: &mut Vec<char>,
    );
}

/// A page being written, with the lines recorded as truth.
pub struct Sheet<S> {
    pub scribe: S,
    pub img: GrayImage,
    pub truth: Vec<String>,
    pub missing: Vec<char>,
}

impl<S: Scribe> Sheet<S> {
    pub fn new(scribe: S, width: u32, height: u32) -> Sheet<S> {
        Sheet {
            scribe,
            img: GrayImage::from_pixel(width, height, Luma([248])),
            truth: vec![],
            missing: vec![],
        }
    }

    fn width(&self, s: &str, px: f32) -> f32 {
        self.scribe.width(s, px)
    }

    /// Write a line and record it as truth.
    pub fn line(&mut self, s: &str, x: f32, baseline: f32, px: f32) {
        self.scribe
            .write(&mut self.img, s, x, baseline, px, &mut self.missing);
        if !s.trim().is_empty() {
            self.truth.push(s.trim().to_string());
        }
    }

    /// Wrap `text` into lines no wider than `w` (first line indented by two
    /// characters when `indent`).
    fn wrap(&self, text: &str, w: f32, px: f32, indent: bool) -> Vec<String> {
        let mut out = vec![];
        let mut line = String::new();
        let mut avail = if indent { w - 2.0 * px } else { w };
        for c in text.chars() {
            let mut t = line.clone();
            t.push(c);
            if self.width(&t, px) > avail && !line.is_empty() {
                out.push(std::mem::take(&mut line));
                avail = w;
            }
            line.push(c);
        }
        if !line.is_empty() {
            out.push(line);
        }
        out
    }

    /// The page, or the characters the scribe could not write.
    pub fn finish(mut self) -> Result<Rendered, String> {
        if !self.missing.is_empty() {
            self.missing.sort();
            self.missing.dedup();
            return Err(format!("缺字：{:?}", self.missing));
        }
        Ok(Rendered {
            image: self.img,
            truth: self.truth,
        })
    }
}

/// Lay a letter out on an A4 page at `px` pixels per em.
pub fn lay_out<S: Scribe>(l: &Letter, scribe: S, px: f32) -> Result<Rendered, String> {
    let mut pen = Sheet::new(scribe, PAGE.0, PAGE.1);
    let margin = 130.0;
    let width = PAGE.0 as f32 - 2.0 * margin;
    let lead = px * 1.75;
    let mut y = 170.0;
    if l.layout == Layout::Letterhead {
        let hp = px * 1.3;
        let x = (PAGE.0 as f32 - pen.width(LETTERHEAD, hp)) / 2.0;
        pen.line(LETTERHEAD, x, y, hp);
        for xx in margin as u32..(PAGE.0 - margin as u32) {
            for t in 0..3 {
                pen.img.put_pixel(xx, (y + 22.0) as u32 + t, Luma([40]));
            }
        }
        y += lead * 2.0;
    }
    let tp = px * 1.5;
    let tx = (PAGE.0 as f32 - pen.width(TITLE, tp)) / 2.0;
    pen.line(TITLE, tx, y, tp);
    y += lead * 1.6;
    pen.line(&l.addressee(), margin, y, px);
    y += lead;
    let info = l.details();
    if l.layout == Layout::TwoColumns {
        pen.line(&format!("{}  {}", info[0], info[1]), margin, y, px);
        y += lead;
        pen.line(&format!("{}  {}", info[2], info[3]), margin, y, px);
        y += lead;
    } else {
        for s in &info {
            pen.line(s, margin, y, px);
            y += lead;
        }
    }
    if let Some(a) = l.accused_line() {
        pen.line(&a, margin, y, px);
        y += lead;
    }
    let paragraphs = l.paragraphs();
    if l.layout == Layout::TwoColumns {
        let gap = 60.0;
        let cw = (width - gap) / 2.0;
        let all: Vec<(bool, String)> = paragraphs
            .iter()
            .flat_map(|p| {
                pen.wrap(p, cw, px, true)
                    .into_iter()
                    .enumerate()
                    .map(|(k, s)| (k == 0, s))
            })
            .collect();
        let half = all.len().div_ceil(2);
        let top = y;
        for (k, (first, s)) in all.iter().enumerate() {
            let (x, row) = if k < half {
                (margin, k)
            } else {
                (margin + cw + gap, k - half)
            };
            let indent = if *first { 2.0 * px } else { 0.0 };
            pen.line(s, x + indent, top + row as f32 * lead, px);
        }
        y = top + half as f32 * lead + lead;
        pen.line(CLOSING, margin + 2.0 * px, y, px);
        y += lead;
    } else {
        for p in paragraphs.iter().map(String::as_str).chain([CLOSING]) {
            let lines = pen.wrap(p, width, px, true);
            for (k, s) in lines.iter().enumerate() {
                let x = if k == 0 { margin + 2.0 * px } else { margin };
                pen.line(s, x, y, px);
                y += lead;
            }
        }
    }
    pen.line(SALUTE, margin, y, px);
    y += lead * 1.5;
    let sign = l.signature();
    let date = l.date_cn();
    let right = PAGE.0 as f32 - margin;
    let sx = right - pen.width(&sign, px) - px;
    pen.line(&sign, sx, y, px);
    y += lead;
    let dx = right - pen.width(&date, px) - px;
    pen.line(&date, dx, y, px);
    pen.finish()
}
