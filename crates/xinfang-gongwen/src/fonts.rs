//! The three faces a 公文 needs, embedded in the binary so that a PDF never
//! depends on what is installed where the server runs: 仿宋 for the text,
//! 小标宋 for the 发文机关标志 and the title, 黑体 for run-in headings. The
//! files are subsets (GB 2312 and a little more) made by
//! `scripts/vendor-fonts.sh`; see `fonts/README.md` for their licences.
//!
//! Layout measures with the same glyph advances the PDF and the browser use,
//! so the line breaks decided here are the ones printed.

use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};
use std::sync::LazyLock;

/// A typeface of the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Face {
    /// 仿宋: FandolFang (GPL with the font exception).
    Fang,
    /// 小标宋: Noto Serif CJK SC Bold (SIL OFL 1.1).
    SongBold,
    /// 黑体: Noto Sans CJK SC Regular (SIL OFL 1.1).
    Hei,
}

pub(crate) static FANG: &[u8] = include_bytes!("../fonts/fang.otf");
pub(crate) static SONG_BOLD: &[u8] = include_bytes!("../fonts/song-bold.otf");
pub(crate) static HEI: &[u8] = include_bytes!("../fonts/hei.otf");

impl Face {
    pub const ALL: [Face; 3] = [Face::Fang, Face::SongBold, Face::Hei];

    /// The font file (OpenType, CFF outlines).
    pub fn bytes(self) -> &'static [u8] {
        match self {
            Face::Fang => FANG,
            Face::SongBold => SONG_BOLD,
            Face::Hei => HEI,
        }
    }

    /// The CSS/SVG family name the print view declares with `@font-face`.
    pub fn css_family(self) -> &'static str {
        match self {
            Face::Fang => "gw-fang",
            Face::SongBold => "gw-song",
            Face::Hei => "gw-hei",
        }
    }

    /// The file name under `/assets/fonts/`.
    pub fn file_name(self) -> &'static str {
        match self {
            Face::Fang => "fang.otf",
            Face::SongBold => "song-bold.otf",
            Face::Hei => "hei.otf",
        }
    }

    pub fn from_file_name(name: &str) -> Option<Face> {
        Face::ALL.into_iter().find(|f| f.file_name() == name)
    }

    pub(crate) fn metrics(self) -> &'static Metrics {
        match self {
            Face::Fang => &FANG_M,
            Face::SongBold => &SONG_M,
            Face::Hei => &HEI_M,
        }
    }

    /// Whether the face has a glyph for `c`.
    pub fn has(self, c: char) -> bool {
        self.metrics().glyph(c).is_some()
    }
}

/// Glyph ids and advances of one face.
pub(crate) struct Metrics {
    font: FontRef<'static>,
    upem: f32,
}

static FANG_M: LazyLock<Metrics> = LazyLock::new(|| Metrics::new(FANG));
static SONG_M: LazyLock<Metrics> = LazyLock::new(|| Metrics::new(SONG_BOLD));
static HEI_M: LazyLock<Metrics> = LazyLock::new(|| Metrics::new(HEI));

impl Metrics {
    fn new(bytes: &'static [u8]) -> Metrics {
        // The files are ours and checked by a test: a broken one is a build defect.
        let font = FontRef::new(bytes).expect("embedded font parses");
        let upem = font
            .metrics(Size::unscaled(), LocationRef::default())
            .units_per_em as f32;
        Metrics { font, upem }
    }

    /// Glyph id and advance (in em) of `c`, if the face has it.
    pub(crate) fn glyph(&self, c: char) -> Option<(u32, f32)> {
        let gid = self.font.charmap().map(c)?;
        if gid.to_u32() == 0 {
            return None;
        }
        let adv = self
            .font
            .glyph_metrics(Size::unscaled(), LocationRef::default())
            .advance_width(gid)
            .unwrap_or(self.upem);
        Some((gid.to_u32(), adv / self.upem))
    }
}

/// The face that draws `c`: `want` if it has the glyph, else the first of
/// the others that does (a name character outside the subset of one face may
/// be in another); `want` when none has it (the PDF then shows .notdef, the
/// text layer still carries the character).
pub fn face_for(want: Face, c: char) -> Face {
    if want.has(c) {
        return want;
    }
    Face::ALL.into_iter().find(|f| f.has(c)).unwrap_or(want)
}

/// The advance of `c` in em when drawn with `want` (or its fallback).
pub fn advance(want: Face, c: char) -> f32 {
    let f = face_for(want, c);
    match f.metrics().glyph(c) {
        Some((_, a)) => a,
        None if is_wide(c) => 1.0,
        None => 0.5,
    }
}

/// Full-width (CJK, full-width punctuation) versus half-width (Latin, digits).
pub fn is_wide(c: char) -> bool {
    !(c.is_ascii() || ('\u{00A0}'..='\u{024F}').contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fonts_cover_documents() {
        for f in Face::ALL {
            for c in "信访事项处理意见书上城区住房和城乡建设局〔2026〕号：，。（）《》、—".chars()
            {
                assert!(f.has(c), "{f:?} lacks {c}");
            }
            assert!(
                (advance(f, '访') - 1.0).abs() < 0.01,
                "{f:?}: CJK is one em"
            );
        }
        // 堃 is outside GB 2312 but in the subset (a name character).
        assert!(Face::Fang.has('堃') || Face::SongBold.has('堃'));
        assert!(advance(Face::Fang, '1') < 0.7);
    }
}
