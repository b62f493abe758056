//! The PDF of a laid-out document, written in-process by krilla: A4 pages,
//! the three faces embedded as subsets of the glyphs used (CID fonts with a
//! ToUnicode map, so the text can be selected, searched and extracted),
//! every character at the position `layout` gave it, the seal drawn as
//! vector paths and text.

use crate::fonts::Face;
use crate::layout::{Color, Layout, Run, Seal, PAGE_H, PAGE_W};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::Document;

const MM: f32 = 72.0 / 25.4;

/// Why a PDF could not be written (a defect, never the document's content).
#[derive(Debug)]
pub struct PdfError(pub String);

impl std::fmt::Display for PdfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PDF: {}", self.0)
    }
}

impl std::error::Error for PdfError {}

struct Fonts {
    fang: Font,
    song: Font,
    hei: Font,
}

impl Fonts {
    fn load() -> Result<Fonts, PdfError> {
        let f = |face: Face| {
            Font::new(face.bytes().into(), 0)
                .ok_or_else(|| PdfError(format!("font {face:?} unreadable")))
        };
        Ok(Fonts {
            fang: f(Face::Fang)?,
            song: f(Face::SongBold)?,
            hei: f(Face::Hei)?,
        })
    }
    fn get(&self, face: Face) -> Font {
        match face {
            Face::Fang => self.fang.clone(),
            Face::SongBold => self.song.clone(),
            Face::Hei => self.hei.clone(),
        }
    }
}

fn fill(color: Color, opacity: f32) -> Fill {
    let (r, g, b) = color.rgb();
    Fill {
        paint: rgb::Color::new(r, g, b).into(),
        opacity: NormalizedF32::new(opacity).unwrap_or(NormalizedF32::ONE),
        rule: Default::default(),
    }
}

/// Draw `text` (one face) with its characters at `xs` (mm) on `baseline`.
fn glyphs(
    s: &mut Surface<'_>,
    font: &Font,
    face: Face,
    text: &str,
    xs: &[f32],
    baseline: f32,
    size: f32,
) {
    let m = face.metrics();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::with_capacity(chars.len());
    for (i, (at, c)) in chars.iter().enumerate() {
        let gid = m.glyph(*c).map(|g| g.0).unwrap_or(0);
        let end = chars.get(i + 1).map(|x| x.0).unwrap_or(text.len());
        // The advance is the distance to the next character's place (justification included).
        let adv = match (xs.get(i), xs.get(i + 1)) {
            (Some(a), Some(b)) => (b - a) / size,
            _ => m.glyph(*c).map(|g| g.1).unwrap_or(1.0),
        };
        out.push(KrillaGlyph::new(
            GlyphId::new(gid),
            adv,
            0.0,
            0.0,
            0.0,
            *at..end,
            None,
        ));
    }
    let Some(x0) = xs.first() else { return };
    s.draw_glyphs(
        Point::from_xy(x0 * MM, baseline * MM),
        &out,
        font.clone(),
        text,
        size * MM,
        false,
    );
}

fn draw_run(s: &mut Surface<'_>, fonts: &Fonts, r: &Run) {
    s.set_fill(Some(fill(r.color, 1.0)));
    for sp in &r.spans {
        glyphs(
            s,
            &fonts.get(sp.face),
            sp.face,
            &sp.text,
            &sp.xs,
            r.baseline,
            r.size,
        );
    }
}

fn draw_seal(s: &mut Surface<'_>, fonts: &Fonts, seal: &Seal) {
    const OPACITY: f32 = 0.85;
    let (r, g, b) = Color::Red.rgb();
    // The ring: a circle stroked with the ring's width.
    let mut pb = PathBuilder::new();
    let rr = (seal.r - seal.ring / 2.0) * MM;
    let (cx, cy) = (seal.cx * MM, seal.cy * MM);
    let k = 0.552_284_8 * rr;
    pb.move_to(cx, cy - rr);
    pb.cubic_to(cx + k, cy - rr, cx + rr, cy - k, cx + rr, cy);
    pb.cubic_to(cx + rr, cy + k, cx + k, cy + rr, cx, cy + rr);
    pb.cubic_to(cx - k, cy + rr, cx - rr, cy + k, cx - rr, cy);
    pb.cubic_to(cx - rr, cy - k, cx - k, cy - rr, cx, cy - rr);
    pb.close();
    if let Some(path) = pb.finish() {
        s.set_fill(None);
        s.set_stroke(Some(Stroke {
            paint: rgb::Color::new(r, g, b).into(),
            width: seal.ring * MM,
            opacity: NormalizedF32::new(OPACITY).unwrap_or(NormalizedF32::ONE),
            ..Default::default()
        }));
        s.draw_path(&path);
        s.set_stroke(None);
    }
    // The star.
    let mut pb = PathBuilder::new();
    for (i, (x, y)) in seal.star.iter().enumerate() {
        if i == 0 {
            pb.move_to(x * MM, y * MM);
        } else {
            pb.line_to(x * MM, y * MM);
        }
    }
    pb.close();
    s.set_fill(Some(fill(Color::Red, OPACITY)));
    if let Some(path) = pb.finish() {
        s.draw_path(&path);
    }
    // The name, each character turned to face outwards.
    let font = fonts.get(Face::SongBold);
    for gl in &seal.glyphs {
        let t = Transform::from_rotate_at(gl.angle, gl.x * MM, gl.y * MM);
        s.push_transform(&t);
        let text = gl.ch.to_string();
        let w = crate::fonts::advance(Face::SongBold, gl.ch) * seal.glyph_size;
        glyphs(
            s,
            &font,
            Face::SongBold,
            &text,
            &[gl.x - w / 2.0],
            gl.y,
            seal.glyph_size,
        );
        s.pop();
    }
}

/// The PDF of `layout`, titled `title` in its metadata.
pub fn pdf(layout: &Layout, title: &str) -> Result<Vec<u8>, PdfError> {
    let fonts = Fonts::load()?;
    let mut doc = Document::new();
    doc.set_metadata(
        Metadata::new()
            .title(title.to_string())
            .language("zh-CN".to_string())
            .creator("xinfang".to_string()),
    );
    for p in &layout.pages {
        let settings = PageSettings::from_wh(PAGE_W * MM, PAGE_H * MM)
            .ok_or_else(|| PdfError("page size".into()))?;
        let mut page = doc.start_page_with(settings);
        let mut s = page.surface();
        for rule in &p.rules {
            if let Some(rect) = Rect::from_xywh(rule.x * MM, rule.y * MM, rule.w * MM, rule.h * MM)
            {
                let mut pb = PathBuilder::new();
                pb.push_rect(rect);
                if let Some(path) = pb.finish() {
                    s.set_fill(Some(fill(rule.color, 1.0)));
                    s.draw_path(&path);
                }
            }
        }
        for r in &p.runs {
            draw_run(&mut s, &fonts, r);
        }
        if let Some(seal) = &p.seal {
            draw_seal(&mut s, &fonts, seal);
        }
        s.finish();
        page.finish();
    }
    doc.finish().map_err(|e| PdfError(format!("{e:?}")))
}
