//! Reading order. Letters are mostly one column with a letterhead, right-
//! aligned signature and date; some (leaflets, petitions copied from a
//! newspaper layout) run in two columns. Lines are straightened by the page
//! angle, then: if a vertical gap in the middle of the page separates
//! lines on each side that stand side by side (three pairs, or two when
//! few lines cross the gap: a short letter's right column), the page has two
//! columns — lines spanning the gap (titles, letterheads, the petitioner's
//! details) and blank lines across the page (before 此致) cut the page into
//! bands and each band is read left column first. Otherwise lines are
//! grouped into rows by vertical overlap and each row read left to right.
//!
//! Two measures make this hold on photographed pages:
//! - a line's horizontal extent is its text's ([`Span::core`]), not the
//!   detector's box, which DB's unclip grows by about a quarter of its
//!   height at each end — enough to bridge a narrow column gap when ink
//!   bleeds (uneven light, noise), which read the columns row by row;
//! - a blank line is told by the line pitch (the distance from one line to
//!   the next in the same column), not by box heights: grown boxes leave a
//!   blank line only about one and a half box heights of white, so a small
//!   tilt decided whether 此致 closed the columns or joined the left one.

/// A line's extent in the straightened frame.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub x0: f32,
    pub x1: f32,
    pub y0: f32,
    pub y1: f32,
}

/// How much of a box's height the detector added at each end of a line.
const UNCLIP_SHARE: f32 = 0.25;

/// A gap of more than this many line pitches between one line's centre
/// and the next is a blank line (ordinary spacing is one pitch, a blank
/// line two).
const BLANK_LINE_PITCHES: f32 = 1.5;

impl Span {
    fn cy(&self) -> f32 {
        (self.y0 + self.y1) / 2.0
    }
    fn h(&self) -> f32 {
        self.y1 - self.y0
    }
    /// The horizontal extent of the text itself: the box less the
    /// detector's margin at each end (never less than its middle).
    fn core(&self) -> (f32, f32) {
        let m = (UNCLIP_SHARE * self.h()).min((self.x1 - self.x0) / 2.0);
        (self.x0 + m, self.x1 - m)
    }
    fn overlaps_y(&self, o: &Span) -> bool {
        let ov = self.y1.min(o.y1) - self.y0.max(o.y0);
        ov > 0.5 * self.h().min(o.h())
    }
    fn overlaps_x(&self, o: &Span) -> bool {
        let (a0, a1) = self.core();
        let (b0, b1) = o.core();
        a1.min(b1) > a0.max(b0)
    }
}

fn median(mut v: Vec<f32>) -> Option<f32> {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied()
}

/// The line pitch: the median distance from a line's centre to the next
/// line's below it in the same column (overlapping it horizontally).
fn pitch(spans: &[Span]) -> f32 {
    let line_h = median(spans.iter().map(Span::h).collect()).unwrap_or(1.0);
    let next: Vec<f32> = spans
        .iter()
        .filter_map(|a| {
            spans
                .iter()
                .filter(|b| b.cy() > a.cy() + 0.5 * line_h && a.overlaps_x(b))
                .map(|b| b.cy() - a.cy())
                .min_by(|x, y| x.total_cmp(y))
        })
        .collect();
    median(next).unwrap_or(1.75 * line_h)
}

/// The column gap's x, if the page runs in two columns.
pub fn column_gap(spans: &[Span]) -> Option<f32> {
    if spans.len() < 6 {
        return None;
    }
    let cores: Vec<(f32, f32)> = spans.iter().map(Span::core).collect();
    let left = cores.iter().map(|c| c.0).fold(f32::MAX, f32::min);
    let right = cores.iter().map(|c| c.1).fold(f32::MIN, f32::max);
    let width = right - left;
    let mut best: Option<(usize, usize, f32)> = None;
    let steps = 80;
    for i in 0..=steps {
        let x = left + width * (0.3 + 0.4 * i as f32 / steps as f32);
        let l: Vec<usize> = (0..spans.len()).filter(|&k| cores[k].1 < x).collect();
        let r: Vec<usize> = (0..spans.len()).filter(|&k| cores[k].0 > x).collect();
        if l.len() < 3 || r.len() < 3 {
            continue;
        }
        let side_by_side = l
            .iter()
            .filter(|&&a| r.iter().any(|&b| spans[a].overlaps_y(&spans[b])))
            .count();
        let crossing = spans.len() - l.len() - r.len();
        // Lines of a single column cross the middle; with two columns only
        // titles and the like do. A short letter's right column may hold
        // only two lines: then hardly anything may cross.
        let enough = match side_by_side {
            0 | 1 => false,
            2 => crossing * 3 <= spans.len(),
            _ => crossing * 2 <= spans.len(),
        };
        if !enough {
            continue;
        }
        // The most lines side by side, then the fewest crossing: the middle
        // of the gap rather than its edge.
        let better = match best {
            None => true,
            Some((s, c, _)) => side_by_side > s || (side_by_side == s && crossing < c),
        };
        if better {
            best = Some((side_by_side, crossing, x));
        }
    }
    best.map(|(_, _, x)| x)
}

/// Indices of `spans` in reading order.
pub fn reading_order(spans: &[Span]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..spans.len()).collect();
    idx.sort_by(|&a, &b| spans[a].cy().total_cmp(&spans[b].cy()));
    match column_gap(spans) {
        Some(gap) => two_columns(spans, &idx, gap),
        None => rows(spans, &idx),
    }
}

fn rows(spans: &[Span], by_y: &[usize]) -> Vec<usize> {
    let mut out = vec![];
    let mut row: Vec<usize> = vec![];
    for &i in by_y {
        if let Some(&first) = row.first() {
            if !spans[first].overlaps_y(&spans[i]) {
                row.sort_by(|&a, &b| spans[a].x0.total_cmp(&spans[b].x0));
                out.append(&mut row);
            }
        }
        row.push(i);
    }
    row.sort_by(|&a, &b| spans[a].x0.total_cmp(&spans[b].x0));
    out.append(&mut row);
    out
}

fn two_columns(spans: &[Span], by_y: &[usize], gap: f32) -> Vec<usize> {
    let blank = BLANK_LINE_PITCHES * pitch(spans);
    let mut out = vec![];
    let (mut left, mut right) = (vec![], vec![]);
    let mut last_cy = f32::MIN;
    let flush = |out: &mut Vec<usize>, left: &mut Vec<usize>, right: &mut Vec<usize>| {
        out.extend(rows(spans, left));
        out.extend(rows(spans, right));
        left.clear();
        right.clear();
    };
    for &i in by_y {
        let s = spans[i];
        // A blank line across both columns ends the band (the closing
        // under a two-column body, 此致, starts a new one).
        if s.cy() - last_cy > blank {
            flush(&mut out, &mut left, &mut right);
        }
        last_cy = last_cy.max(s.cy());
        let (c0, c1) = s.core();
        if c1 < gap {
            left.push(i);
        } else if c0 > gap {
            right.push(i);
        } else {
            flush(&mut out, &mut left, &mut right);
            out.push(i);
        }
    }
    flush(&mut out, &mut left, &mut right);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(x0: f32, x1: f32, y0: f32) -> Span {
        Span {
            x0,
            x1,
            y0,
            y1: y0 + 20.0,
        }
    }

    #[test]
    fn a_letter_reads_top_down_and_rows_left_to_right() {
        let s = vec![
            sp(100.0, 900.0, 100.0),
            sp(500.0, 900.0, 300.0), // signature, right
            sp(100.0, 400.0, 200.0),
            sp(450.0, 900.0, 202.0), // same row, right part
        ];
        assert_eq!(reading_order(&s), vec![0, 2, 3, 1]);
    }

    #[test]
    fn two_columns_read_left_then_right_between_full_width_lines() {
        let mut s = vec![sp(100.0, 900.0, 50.0)]; // title
        for k in 0..4 {
            s.push(sp(100.0, 480.0, 100.0 + 28.0 * k as f32)); // 1..=4 left
        }
        for k in 0..4 {
            s.push(sp(520.0, 900.0, 100.0 + 28.0 * k as f32)); // 5..=8 right
        }
        s.push(sp(100.0, 300.0, 250.0)); // 此致, left, after a blank line
        s.push(sp(100.0, 900.0, 400.0)); // footer
        assert_eq!(reading_order(&s), vec![0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    }

    /// A two-column letter as `synth` lays it out on an A4 page at 150 dpi
    /// (margin 130, column gap 60 px), with boxes `h` high at a pitch of
    /// `pitch`, each box grown `grow` px beyond its text at both ends (the
    /// detector's margin). Lines are listed in reading order.
    struct Layout {
        pitch: f32,
        h: f32,
        grow: f32,
        letterhead: bool,
        left_rows: usize,
        right_rows: usize,
    }

    impl Layout {
        fn spans(&self) -> Vec<Span> {
            let mut out = vec![];
            let mut y = 170.0;
            let line = |out: &mut Vec<Span>, x0: f32, x1: f32, y: f32| {
                out.push(Span {
                    x0: x0 - self.grow,
                    x1: x1 + self.grow,
                    y0: y - self.h / 2.0,
                    y1: y + self.h / 2.0,
                })
            };
            if self.letterhead {
                line(&mut out, 330.0, 910.0, y); // 某某县城关镇和平村村民委员会
                y += 2.0 * self.pitch;
            }
            line(&mut out, 480.0, 760.0, y); // 信访事项反映信
            y += 1.6 * self.pitch;
            line(&mut out, 130.0, 280.0, y); // 市信访局：
            y += self.pitch;
            line(&mut out, 130.0, 760.0, y); // 姓名…  身份证号…
            y += self.pitch;
            line(&mut out, 130.0, 1010.0, y); // 联系电话…  住址…
            y += self.pitch;
            let top = y;
            for k in 0..self.left_rows {
                let x0 = if k == 0 { 190.0 } else { 130.0 };
                let x1 = if k + 1 == self.left_rows {
                    400.0
                } else {
                    590.0
                };
                line(&mut out, x0, x1, top + k as f32 * self.pitch);
            }
            for k in 0..self.right_rows {
                let x1 = if k + 1 == self.right_rows {
                    820.0
                } else {
                    1110.0
                };
                line(&mut out, 650.0, x1, top + k as f32 * self.pitch);
            }
            // One blank line, then the closing and the signature.
            y = top + (self.left_rows.max(self.right_rows) + 1) as f32 * self.pitch;
            line(&mut out, 190.0, 250.0, y); // 此致
            y += self.pitch;
            line(&mut out, 130.0, 230.0, y); // 敬礼！
            y += 1.5 * self.pitch;
            line(&mut out, 830.0, 1080.0, y); // 来信人：…
            y += self.pitch;
            line(&mut out, 850.0, 1080.0, y); // 2026年12月5日
            out
        }
    }

    /// Turn every line's centre about the page centre by `deg` (what is
    /// left of a page's tilt after straightening by a slightly wrong angle):
    /// the boxes stay upright but grow to hold the tilted line.
    fn tilt(spans: &[Span], deg: f32) -> Vec<Span> {
        let (s, c) = deg.to_radians().sin_cos();
        spans
            .iter()
            .map(|b| {
                let (cx, cy) = ((b.x0 + b.x1) / 2.0 - 620.0, b.cy() - 877.0);
                let (hw, hh) = ((b.x1 - b.x0) / 2.0, b.h() / 2.0);
                let (nx, ny) = (cx * c - cy * s + 620.0, cx * s + cy * c + 877.0);
                let (ehw, ehh) = (hw * c + hh * s.abs(), hh * c + hw * s.abs() * 0.2);
                Span {
                    x0: nx - ehw,
                    x1: nx + ehw,
                    y0: ny - ehh,
                    y1: ny + ehh,
                }
            })
            .collect()
    }

    fn in_order(spans: &[Span]) {
        let want: Vec<usize> = (0..spans.len()).collect();
        assert_eq!(reading_order(spans), want, "{spans:#?}");
    }

    const TYPED: Layout = Layout {
        pitch: 52.5,
        h: 30.0,
        grow: 6.0,
        letterhead: false,
        left_rows: 6,
        right_rows: 5,
    };

    #[test]
    fn two_columns_with_ragged_ends() {
        // The left column a line longer (as `synth` splits them), the right
        // one longer, and both even.
        for (l, r) in [(6, 5), (5, 6), (6, 6), (3, 3)] {
            in_order(
                &Layout {
                    left_rows: l,
                    right_rows: r,
                    ..TYPED
                }
                .spans(),
            );
        }
    }

    #[test]
    fn a_closing_under_two_columns_after_one_blank_line_even_with_tall_boxes() {
        // Boxes as tall as 0.9 of the pitch (large faces, bleeding ink): a
        // blank line is then only ~1.2 box heights of white, which the old
        // rule took for ordinary spacing and read 此致 into the left column.
        for h in [24.0, 38.0, 44.0, 47.0] {
            in_order(&Layout { h, ..TYPED }.spans());
        }
    }

    #[test]
    fn a_letterhead_over_two_columns() {
        in_order(
            &Layout {
                letterhead: true,
                ..TYPED
            }
            .spans(),
        );
    }

    #[test]
    fn boxes_grown_across_the_column_gap_still_find_it() {
        // Uneven light and noise: the detector's boxes reach 35 px past the
        // text, so left and right boxes overlap across the 60 px gap.
        in_order(
            &Layout {
                grow: 35.0,
                h: 40.0,
                ..TYPED
            }
            .spans(),
        );
    }

    #[test]
    fn a_rotated_pages_boxes_keep_their_order() {
        // Straightened by an angle up to a degree off: the right column sits
        // ~10 px lower or higher than the left, boxes a little taller.
        for deg in [-1.0, -0.5, 0.5, 1.0] {
            for h in [30.0, 40.0] {
                in_order(&tilt(&Layout { h, ..TYPED }.spans(), deg));
            }
        }
    }

    #[test]
    fn a_short_letters_right_column_of_two_lines() {
        // The page of the benchmark that read row by row (uneven light, a
        // short letter): four lines on the left, two on the right.
        in_order(
            &Layout {
                left_rows: 4,
                right_rows: 2,
                ..TYPED
            }
            .spans(),
        );
    }

    #[test]
    fn a_one_column_letter_with_paired_fields_is_not_taken_for_two() {
        // 姓名…  性别… and 电话…  住址… as separate boxes, then the body.
        let mut s = vec![
            sp(480.0, 760.0, 100.0),
            sp(130.0, 500.0, 150.0),
            sp(700.0, 1000.0, 150.0),
            sp(130.0, 500.0, 190.0),
            sp(700.0, 1100.0, 190.0),
        ];
        for k in 0..6 {
            s.push(sp(130.0, 1110.0, 240.0 + 40.0 * k as f32));
        }
        assert_eq!(column_gap(&s), None);
        in_order(&s);
    }

    #[test]
    fn a_one_column_letter_is_not_taken_for_two() {
        let mut s = vec![sp(480.0, 760.0, 100.0), sp(130.0, 280.0, 150.0)];
        for k in 0..8 {
            s.push(sp(130.0, 1110.0, 200.0 + 40.0 * k as f32));
        }
        s.push(sp(130.0, 600.0, 520.0)); // last line of the paragraph
        s.push(sp(830.0, 1080.0, 600.0)); // signature
        s.push(sp(850.0, 1080.0, 640.0)); // date
        assert_eq!(column_gap(&s), None);
        in_order(&s);
    }
}
