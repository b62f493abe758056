//! Reading order. Letters are mostly one column with a letterhead, right-
//! aligned signature and date; some (leaflets, petitions copied from a
//! newspaper layout) run in two columns. Lines are straightened by the page
//! angle, then: if a vertical gap in the middle of the page separates at
//! least three lines on each side that stand side by side, the page has two
//! columns — lines spanning the gap (titles, letterheads, signatures) cut the
//! page into bands and each band is read left column first. Otherwise lines
//! are grouped into rows by vertical overlap and each row read left to right.

/// A line's extent in the straightened frame.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub x0: f32,
    pub x1: f32,
    pub y0: f32,
    pub y1: f32,
}

impl Span {
    fn cy(&self) -> f32 {
        (self.y0 + self.y1) / 2.0
    }
    fn overlaps_y(&self, o: &Span) -> bool {
        let ov = self.y1.min(o.y1) - self.y0.max(o.y0);
        ov > 0.5 * (self.y1 - self.y0).min(o.y1 - o.y0)
    }
}

/// The column gap's x, if the page runs in two columns.
pub fn column_gap(spans: &[Span]) -> Option<f32> {
    if spans.len() < 6 {
        return None;
    }
    let left = spans.iter().map(|s| s.x0).fold(f32::MAX, f32::min);
    let right = spans.iter().map(|s| s.x1).fold(f32::MIN, f32::max);
    let width = right - left;
    let mut best: Option<(usize, f32)> = None;
    let steps = 60;
    for i in 0..=steps {
        let x = left + width * (0.3 + 0.4 * i as f32 / steps as f32);
        let l: Vec<&Span> = spans.iter().filter(|s| s.x1 < x).collect();
        let r: Vec<&Span> = spans.iter().filter(|s| s.x0 > x).collect();
        if l.len() < 3 || r.len() < 3 {
            continue;
        }
        let side_by_side = l
            .iter()
            .filter(|a| r.iter().any(|b| a.overlaps_y(b)))
            .count();
        if side_by_side < 3 {
            continue;
        }
        let crossing = spans.iter().filter(|s| s.x0 <= x && s.x1 >= x).count();
        // Lines of a single column cross the middle; with two columns only
        // titles and the like do.
        if crossing * 2 > spans.len() {
            continue;
        }
        if best.is_none_or(|(c, _)| side_by_side > c) {
            best = Some((side_by_side, x));
        }
    }
    best.map(|(_, x)| x)
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
    let mut heights: Vec<f32> = spans.iter().map(|s| s.y1 - s.y0).collect();
    heights.sort_by(|a, b| a.total_cmp(b));
    let line_h = heights[heights.len() / 2];
    let mut out = vec![];
    let (mut left, mut right) = (vec![], vec![]);
    let mut bottom = f32::MIN;
    let flush = |out: &mut Vec<usize>, left: &mut Vec<usize>, right: &mut Vec<usize>| {
        out.extend(rows(spans, left));
        out.extend(rows(spans, right));
        left.clear();
        right.clear();
    };
    for &i in by_y {
        let s = spans[i];
        // A blank line across both columns ends the block (the closing
        // under a two-column body, 此致, starts a new band).
        // Ordinary line spacing leaves up to about one box height between
        // boxes; a blank line leaves more than one and a half.
        if s.y0 > bottom + 1.5 * line_h {
            flush(&mut out, &mut left, &mut right);
        }
        bottom = bottom.max(s.y1);
        if s.x1 < gap {
            left.push(i);
        } else if s.x0 > gap {
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
}
