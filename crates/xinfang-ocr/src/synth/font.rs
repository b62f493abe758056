//! Typed letters: a [`Scribe`] that sets text in a font file with
//! `ab_glyph` (the embedded 公文 faces, or any TTF/OTF given to the bench).

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use image::GrayImage;

use super::layout::{lay_out, Scribe};
use super::letter::Letter;
use super::Rendered;

struct Typesetter<'a> {
    font: FontRef<'a>,
}

impl Scribe for Typesetter<'_> {
    fn width(&self, s: &str, px: f32) -> f32 {
        let f = self.font.as_scaled(PxScale::from(px));
        s.chars().map(|c| f.h_advance(self.font.glyph_id(c))).sum()
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
        let scale = PxScale::from(px);
        let f = self.font.as_scaled(scale);
        let mut pen = x;
        for c in s.chars() {
            let id = self.font.glyph_id(c);
            if id.0 == 0 && !c.is_whitespace() {
                missing.push(c);
            }
            let g = id.with_scale_and_position(scale, ab_glyph::point(pen, baseline));
            pen += f.h_advance(id);
            if let Some(o) = self.font.outline_glyph(g) {
                let b = o.px_bounds();
                o.draw(|gx, gy, cov| {
                    let (x, y) = (b.min.x as i64 + gx as i64, b.min.y as i64 + gy as i64);
                    if x >= 0 && y >= 0 && (x as u32) < img.width() && (y as u32) < img.height() {
                        let p = img.get_pixel_mut(x as u32, y as u32);
                        let ink = 25.0 * cov + p.0[0] as f32 * (1.0 - cov);
                        p.0[0] = ink.min(p.0[0] as f32) as u8;
                    }
                });
            }
        }
    }
}

/// Render a letter with `font` at `px` pixels per em. Fails with the
/// characters the font lacks (the committed fonts are GB 2312 subsets).
pub fn render(l: &Letter, font: &[u8], px: f32) -> Result<Rendered, String> {
    let font = FontRef::try_from_slice(font).map_err(|e| e.to_string())?;
    lay_out(l, Typesetter { font }, px)
}
