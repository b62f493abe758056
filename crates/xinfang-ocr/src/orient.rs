//! Righting a page fed in sideways or upside down (issue #22): scanners and
//! phones do not care which way up a letter lies. No direction classifier is
//! shipped; two cheap rules do it:
//!
//! - **Quarter turn**: the detector finds text lines on a sideways page as
//!   regions much taller than wide. When most of the clearly elongated
//!   regions stand upright, the page is turned a quarter clockwise and
//!   detected again.
//! - **Half turn**: the recogniser reads upside-down text with little
//!   confidence. The widest few lines are read first, one at a time (one
//!   is usually enough); while that reading is doubtful each is read turned
//!   half round too, and the page is turned if that reads clearly better —
//!   before the rest of the page is read, so an upside-down page is read
//!   once, not twice. A quarter turn the wrong way (a page
//!   turned 270°) ends upside down and is righted by this second rule.
//!
//! Boxes are reported on the page as uploaded: [`Turn::back`] maps them.

/// Lines read to decide whether a page is upside down.
pub const PROBE_LINES: usize = 6;

/// Mean confidence at which the page is taken to be upright without a
/// turned reading (printed letters read at 0.9 and more).
pub const SURE: f32 = 0.85;

/// Whether the regions' shapes (half width, half height — page axes) say
/// the page lies sideways: at least three clearly elongated regions, and
/// more of them standing than lying.
pub fn quarter_turned(shapes: &[(f32, f32)]) -> bool {
    let standing = shapes.iter().filter(|(w, h)| *h > 2.5 * *w).count();
    let lying = shapes.iter().filter(|(w, h)| *w > 2.5 * *h).count();
    standing >= 3 && standing > 2 * lying
}

/// Whether the half-turned reading is clearly the better one.
pub fn turned_reads_better(upright: f32, turned: f32) -> bool {
    turned > upright + 0.1
}

/// How the page was turned (clockwise) before reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Turn {
    None,
    Quarter,
    Half,
    ThreeQuarters,
}

impl Turn {
    /// This turn and then a half turn more.
    pub fn and_half(self) -> Turn {
        match self {
            Turn::None => Turn::Half,
            Turn::Quarter => Turn::ThreeQuarters,
            Turn::Half => Turn::None,
            Turn::ThreeQuarters => Turn::Quarter,
        }
    }

    pub fn degrees(self) -> u16 {
        match self {
            Turn::None => 0,
            Turn::Quarter => 90,
            Turn::Half => 180,
            Turn::ThreeQuarters => 270,
        }
    }

    /// A box `[x0, y0, x1, y1]` on the turned page, on the page as it came
    /// (`w`×`h`).
    pub fn back(self, b: [u32; 4], (w, h): (u32, u32)) -> [u32; 4] {
        let [x0, y0, x1, y1] = b;
        let flip = |v: u32, max: u32| max.saturating_sub(v);
        match self {
            Turn::None => b,
            // Turned a quarter clockwise: (x, y) came from (y, h − x).
            Turn::Quarter => [y0, flip(x1, h), y1, flip(x0, h)],
            // Half round: (x, y) came from (w − x, h − y).
            Turn::Half => [flip(x1, w), flip(y1, h), flip(x0, w), flip(y0, h)],
            // Three quarters (a quarter, then half round on the h×w page).
            Turn::ThreeQuarters => Turn::Quarter.back(Turn::Half.back(b, (h, w)), (w, h)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{imageops, GrayImage, Luma};

    /// A page with one dark box, turned by `t`, and where the box lands.
    fn landed(t: Turn) -> ([u32; 4], GrayImage) {
        let mut img = GrayImage::from_pixel(40, 30, Luma([255]));
        for x in 5..15 {
            for y in 3..9 {
                img.put_pixel(x, y, Luma([0]));
            }
        }
        let turned = match t {
            Turn::None => img,
            Turn::Quarter => imageops::rotate90(&img),
            Turn::Half => imageops::rotate180(&img),
            Turn::ThreeQuarters => imageops::rotate270(&img),
        };
        let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
        for (x, y, p) in turned.enumerate_pixels() {
            if p.0[0] == 0 {
                x0 = x0.min(x);
                y0 = y0.min(y);
                x1 = x1.max(x + 1);
                y1 = y1.max(y + 1);
            }
        }
        ([x0, y0, x1, y1], turned)
    }

    #[test]
    fn boxes_on_a_turned_page_map_back_to_the_page_as_it_came() {
        for t in [Turn::None, Turn::Quarter, Turn::Half, Turn::ThreeQuarters] {
            let (b, turned) = landed(t);
            assert_eq!(
                t.back(b, (40, 30)),
                [5, 3, 15, 9],
                "{t:?} on a {}×{} page",
                turned.width(),
                turned.height()
            );
        }
    }

    #[test]
    fn turns_compose() {
        assert_eq!(Turn::Quarter.and_half(), Turn::ThreeQuarters);
        assert_eq!(Turn::None.and_half().degrees(), 180);
        assert_eq!(Turn::ThreeQuarters.and_half(), Turn::Quarter);
    }

    #[test]
    fn a_sideways_page_is_told_by_its_standing_lines() {
        // An upright letter: lines lie; a few square marks (seals, digits).
        let upright = [(300.0, 15.0), (280.0, 15.0), (200.0, 14.0), (20.0, 20.0)];
        assert!(!quarter_turned(&upright));
        // The same turned a quarter.
        let sideways: Vec<(f32, f32)> = upright.iter().map(|&(w, h)| (h, w)).collect();
        assert!(
            !quarter_turned(&sideways[..2]),
            "two lines are too few to tell"
        );
        let mut more = sideways.clone();
        more.push((15.0, 250.0));
        assert!(quarter_turned(&more));
        // A two-column page with narrow columns still lies.
        let columns = [(120.0, 15.0); 8];
        assert!(!quarter_turned(&columns));
    }

    #[test]
    fn only_a_clearly_better_turned_reading_turns_the_page() {
        assert!(turned_reads_better(0.4, 0.95));
        assert!(!turned_reads_better(0.8, 0.85));
    }
}
