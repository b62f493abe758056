//! One layout for the print view and the PDF: a document laid out once, in
//! millimetres on A4, to GB/T 9704-2012 — the 信函格式 of §10.1 (a letter from
//! a body to a petitioner or to another body) on the standard page of §5.2:
//! 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm, 22 lines of 28 characters of
//! 3号仿宋. Both renderers place every character where this module says, so
//! the browser's print and the PDF break lines and pages identically.
//!
//! Page 1 (§10.1): the 发文机关标志 in red 小标宋 30 mm below the top edge, a
//! red double line (thick over thin, 170 mm) 4 mm below it, the 发文字号 flush
//! right under it, the title two lines lower (2号小标宋, centred), the 主送
//! one line below the title, then the 正文 (§7.3.3: paragraphs indented two
//! characters, lines filled to the 版心), the 附件说明 (§7.3.4), the
//! 发文机关署名 and 成文日期 with the 印章 pressing on both (§7.3.5.1: date
//! four characters from the right, the name centred over it, the seal's top
//! within one line of the text), the 附注 (§7.3.6), and a red double line
//! (thin over thick) 20 mm above the bottom edge. The 版记 (抄送) sits on the
//! last lines of the last page's 版心 (§10.1: without 印发机关 and rules).
//! Page numbers "— 2 —" from the second page on (§7.5; §10.1: none on the
//! first page), odd pages right, even pages left, one character in.
//!
//! The 署名/日期/印章 block never stands alone on a page: when it does not fit
//! after the text, the last two lines of the text go over with it.

use crate::fonts::{advance, face_for, Face};

pub const PAGE_W: f32 = 210.0;
pub const PAGE_H: f32 = 297.0;
/// 订口 (left margin).
pub const LEFT: f32 = 28.0;
/// 天头 (top margin).
pub const TOP: f32 = 37.0;
pub const BODY_W: f32 = 156.0;
pub const BODY_H: f32 = 225.0;
pub const RIGHT: f32 = LEFT + BODY_W;
pub const ROWS: usize = 22;
pub const COLS: usize = 28;
/// One character of 3号 text: 28 of them fill the 版心's width.
pub const EM: f32 = BODY_W / COLS as f32;
/// One line: 22 of them fill the 版心's height.
pub const LINE: f32 = BODY_H / ROWS as f32;
const PT: f32 = 25.4 / 72.0;
/// 2号 (22 pt): the title.
pub const SIZE_2: f32 = 22.0 * PT;
/// 4号 (14 pt): 版记 and page numbers.
pub const SIZE_4: f32 = 14.0 * PT;
/// Where a CJK glyph's baseline sits below the top of its em box.
const ASCENT: f32 = 0.88;
const SEAL_R: f32 = 21.0;

/// What a document says, in the order GB/T 9704 places it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Letter {
    /// 发文机关 (标志, 署名 and the name on the 印章).
    pub issuer: String,
    /// 发文字号.
    pub doc_no: String,
    pub title: String,
    /// 主送 (without the colon).
    pub recipient: String,
    /// 正文; a paragraph may start with a run-in heading such as "信访请求：".
    pub paragraphs: Vec<String>,
    /// 附件说明: the names of the attachments.
    pub attachments: Vec<String>,
    /// 成文日期, written out (2026年12月6日).
    pub date: String,
    /// 附注, each without its parentheses.
    pub notes: Vec<String>,
    /// 版记: 抄送 bodies.
    pub cc: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    Black,
    Red,
}

impl Color {
    pub fn rgb(self) -> (u8, u8, u8) {
        match self {
            Color::Black => (0, 0, 0),
            Color::Red => (0xE6, 0x00, 0x12),
        }
    }
    pub fn hex(self) -> &'static str {
        match self {
            Color::Black => "#000",
            Color::Red => "#e60012",
        }
    }
}

/// Characters of one face, each at its own x (left edge of the glyph).
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    pub face: Face,
    pub text: String,
    pub xs: Vec<f32>,
}

/// One line of text on a baseline.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub baseline: f32,
    pub size: f32,
    pub color: Color,
    pub spans: Vec<Span>,
}

impl Run {
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }
}

/// A filled rectangle (the red lines).
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    pub color: Color,
}

/// One character of the seal: centred on (x, y) on its baseline, turned by
/// `angle` degrees clockwise about that point.
#[derive(Clone, Debug, PartialEq)]
pub struct SealGlyph {
    pub ch: char,
    pub x: f32,
    pub y: f32,
    pub angle: f32,
}

/// The 印章: a red ring, the body's name along the upper arc, a star.
#[derive(Clone, Debug, PartialEq)]
pub struct Seal {
    pub cx: f32,
    pub cy: f32,
    pub r: f32,
    pub ring: f32,
    pub glyph_size: f32,
    pub glyphs: Vec<SealGlyph>,
    pub star: Vec<(f32, f32)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    /// 1-based.
    pub number: usize,
    pub runs: Vec<Run>,
    pub rules: Vec<Rule>,
    pub seal: Option<Seal>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub pages: Vec<Page>,
}

/// Width in em of `text` in `face`.
pub fn width_em(face: Face, text: &str) -> f32 {
    text.chars().map(|c| advance(face, c)).sum()
}

/// A run starting at `x`, `extra` mm added after every character but the last.
fn run_at(
    parts: &[(Face, String)],
    size: f32,
    x: f32,
    baseline: f32,
    color: Color,
    extra: f32,
) -> Run {
    let mut spans: Vec<Span> = vec![];
    let mut pos = x;
    for (want, text) in parts {
        for c in text.chars() {
            let f = face_for(*want, c);
            match spans.last_mut() {
                Some(s) if s.face == f => {
                    s.text.push(c);
                    s.xs.push(pos);
                }
                _ => spans.push(Span {
                    face: f,
                    text: c.to_string(),
                    xs: vec![pos],
                }),
            }
            pos += advance(*want, c) * size + extra;
        }
    }
    Run {
        baseline,
        size,
        color,
        spans,
    }
}

fn simple(face: Face, text: &str, size: f32, x: f32, baseline: f32, color: Color) -> Run {
    run_at(&[(face, text.to_string())], size, x, baseline, color, 0.0)
}

/// The lines of the 版心: 22 as the standard has them; 23 or 24 when that
/// keeps a letter on one page (§7.3.5.5 allows adjusting the line spacing
/// so that the signature and date fit).
#[derive(Clone, Copy, Debug)]
struct Grid {
    rows: usize,
    line: f32,
}

impl Grid {
    fn new(rows: usize) -> Grid {
        Grid {
            rows,
            line: BODY_H / rows as f32,
        }
    }
    /// The baseline of a `size` line centred in row `row` of the 版心.
    fn baseline(&self, row: usize, size: f32) -> f32 {
        TOP + row as f32 * self.line + self.line / 2.0 + (ASCENT - 0.5) * size
    }
}

/// Characters that may not begin a line (标点禁则).
const NO_START: &str = "，。、；：？！）》」』】〕〉”’…—·％%,.;:?!)]}";
/// Characters that may not end a line.
const NO_END: &str = "（《「『【〔〈“‘([{";

/// Run-in headings set in 黑体 (the 第三十二条 elements of a reply).
const HEADINGS: [&str; 9] = [
    "信访请求：",
    "事实：",
    "理由：",
    "处理意见：",
    "法律法规依据：",
    "途径指引：",
    "复查意见：",
    "复核意见：",
    "处理结果：",
];

/// Whether `h` (with its colon) is a run-in heading set in 黑体.
pub fn is_heading(h: &str) -> bool {
    HEADINGS.contains(&h)
}

/// A line of the flow, before it is given a row.
#[derive(Clone, Debug)]
struct FlowLine {
    chars: Vec<(char, Face)>,
    /// Left offset in em.
    indent: f32,
    /// Width to fill in em, when the line is justified.
    justify: Option<f32>,
}

#[derive(Clone, Debug)]
enum Slot {
    Text(FlowLine),
    Blank,
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// Break `chars` into lines of `width` em; the first line starts `first` em
/// in, the others `rest` em in. Every line but the last is filled to the width.
fn break_lines(chars: &[(char, Face)], first: f32, rest: f32, width: f32) -> Vec<FlowLine> {
    let adv = |i: usize| advance(chars[i].1, chars[i].0);
    let mut out = vec![];
    let mut start = 0;
    let n = chars.len();
    while start < n {
        let indent = if out.is_empty() { first } else { rest };
        let avail = width - indent;
        let mut w = 0.0;
        let mut end = start;
        while end < n && w + adv(end) <= avail + 1e-3 {
            w += adv(end);
            end += 1;
        }
        if end == start {
            end = start + 1; // a character wider than the line: place it anyway
        }
        if end >= n {
            out.push(FlowLine {
                chars: chars[start..].to_vec(),
                indent,
                justify: None,
            });
            break;
        }
        let mut brk = end;
        loop {
            let before = brk;
            // Keep a short Latin word or number (a year, an article) together;
            // a long code such as a case number may break, else the line
            // before it would be stretched letter by letter.
            if is_word(chars[brk].0) && is_word(chars[brk - 1].0) {
                let mut k = brk;
                while k > start && is_word(chars[k - 1].0) {
                    k -= 1;
                }
                let mut e = brk;
                while e < n && is_word(chars[e].0) {
                    e += 1;
                }
                if k > start && e - k <= 8 {
                    brk = k;
                }
            }
            // 行首禁则: push the character before it down with it.
            while brk > start + 1 && brk < n && NO_START.contains(chars[brk].0) {
                brk -= 1;
            }
            // 行尾禁则.
            while brk > start + 1 && NO_END.contains(chars[brk - 1].0) {
                brk -= 1;
            }
            if brk == before {
                break;
            }
        }
        out.push(FlowLine {
            chars: chars[start..brk].to_vec(),
            indent,
            justify: Some(avail),
        });
        start = brk;
    }
    out
}

fn tagged(face: Face, s: &str) -> Vec<(char, Face)> {
    s.chars().map(|c| (c, face)).collect()
}

/// A paragraph of the 正文: two characters in, a run-in heading in 黑体.
fn paragraph(text: &str) -> Vec<FlowLine> {
    let mut chars = vec![];
    match HEADINGS.iter().find(|h| text.starts_with(*h)) {
        Some(h) => {
            chars.extend(tagged(Face::Hei, h));
            chars.extend(tagged(Face::Fang, &text[h.len()..]));
        }
        None => chars.extend(tagged(Face::Fang, text)),
    }
    break_lines(&chars, 2.0, 0.0, COLS as f32)
}

/// Lines of a title of `size` centred within the 版心: one line, or two of
/// balanced length (the second not longer than the first).
fn title_lines(title: &str, size: f32) -> Vec<String> {
    let max = BODY_W / size;
    if width_em(Face::SongBold, title) <= max {
        return vec![title.to_string()];
    }
    let chars: Vec<char> = title.chars().collect();
    let mut cut = chars.len().div_ceil(2);
    while cut < chars.len() && NO_START.contains(chars[cut]) {
        cut += 1;
    }
    vec![chars[..cut].iter().collect(), chars[cut..].iter().collect()]
}

/// Place the flow from `first_row` of page 0; `force` starts a new page at
/// that slot. Returns (page, row) per slot (None for a blank dropped at the
/// top of a page).
fn place(
    flow: &[Slot],
    rows: usize,
    first_row: usize,
    force: Option<usize>,
) -> Vec<Option<(usize, usize)>> {
    let (mut page, mut row) = (0, first_row);
    let mut out = vec![];
    for (i, s) in flow.iter().enumerate() {
        if force == Some(i) && row > 0 {
            page += 1;
            row = 0;
        }
        if row >= rows {
            page += 1;
            row = 0;
        }
        if matches!(s, Slot::Blank) && row == 0 {
            out.push(None);
            continue;
        }
        out.push(Some((page, row)));
        row += 1;
    }
    out
}

fn star(cx: f32, cy: f32, outer: f32) -> Vec<(f32, f32)> {
    let inner = outer * 0.382;
    (0..10)
        .map(|k| {
            let a = (k as f32 * 36.0).to_radians();
            let r = if k % 2 == 0 { outer } else { inner };
            (cx + r * a.sin(), cy - r * a.cos())
        })
        .collect()
}

/// The seal centred on (cx, cy) with `name` along its upper arc.
pub fn seal(name: &str, cx: f32, cy: f32) -> Seal {
    let r = SEAL_R;
    let ring = 1.0;
    let chars: Vec<char> = name.chars().collect();
    let n = chars.len().max(1) as f32;
    let top = r - ring - 1.0; // where the glyphs' tops touch
    let max_size = 5.2_f32;
    // Spread over 200°–250° as a seal's name is; the size follows from the
    // arc each character gets.
    let mid = top - max_size / 2.0;
    let span = (n * (max_size / 0.8 / mid).to_degrees()).clamp(200.0, 250.0);
    let step = span / n;
    let size = max_size
        .min(0.85 * (top - 2.5) * step.to_radians())
        .max(2.5);
    let rb = top - ASCENT * size;
    let glyphs = chars
        .iter()
        .enumerate()
        .map(|(i, &ch)| {
            let theta = -span / 2.0 + (i as f32 + 0.5) * step;
            let t = theta.to_radians();
            SealGlyph {
                ch,
                x: cx + rb * t.sin(),
                y: cy - rb * t.cos(),
                angle: theta,
            }
        })
        .collect();
    Seal {
        cx,
        cy,
        r,
        ring,
        glyph_size: size,
        glyphs,
        star: star(cx, cy, r * 0.3),
    }
}

/// Lay `l` out on A4 pages: on the standard 22-line grid, or on 23 or 24
/// lines when that is what keeps it on one page.
pub fn layout(l: &Letter) -> Layout {
    let standard = layout_on(l, Grid::new(ROWS));
    if standard.pages.len() == 1 {
        return standard;
    }
    [ROWS + 1, ROWS + 2]
        .into_iter()
        .map(|rows| layout_on(l, Grid::new(rows)))
        .find(|t| t.pages.len() == 1)
        .unwrap_or(standard)
}

fn layout_on(l: &Letter, g: Grid) -> Layout {
    let red_x = LEFT + BODY_W / 2.0 - 85.0;
    let mut first = Page {
        number: 1,
        runs: vec![],
        rules: vec![],
        seal: None,
    };
    // 发文机关标志: red 小标宋, centred, top edge 30 mm below the paper's edge.
    let issuer = l.issuer.trim();
    let head_size = 9.0_f32.min(BODY_W / width_em(Face::SongBold, issuer).max(1.0));
    let head_w = width_em(Face::SongBold, issuer) * head_size;
    first.runs.push(simple(
        Face::SongBold,
        issuer,
        head_size,
        LEFT + (BODY_W - head_w) / 2.0,
        30.0 + ASCENT * head_size,
        Color::Red,
    ));
    // The double line 4 mm below it: thick over thin, 170 mm.
    let y = 30.0 + head_size + 4.0;
    first.rules.push(Rule {
        x: red_x,
        y,
        w: 170.0,
        h: 0.8,
        color: Color::Red,
    });
    first.rules.push(Rule {
        x: red_x,
        y: y + 1.4,
        w: 170.0,
        h: 0.3,
        color: Color::Red,
    });
    // 发文字号: flush right, 7/8 of a 3号 character below the line.
    let no_top = y + 1.7 + 0.875 * EM;
    let no_w = width_em(Face::Fang, &l.doc_no) * EM;
    first.runs.push(simple(
        Face::Fang,
        &l.doc_no,
        EM,
        RIGHT - no_w,
        no_top + ASCENT * EM,
        Color::Black,
    ));
    let no_row = ((no_top - TOP) / g.line).floor().max(0.0) as usize;
    // The closing double line of page 1: thin over thick, 20 mm above the bottom edge.
    let yb = PAGE_H - 20.0;
    first.rules.push(Rule {
        x: red_x,
        y: yb - 0.8,
        w: 170.0,
        h: 0.8,
        color: Color::Red,
    });
    first.rules.push(Rule {
        x: red_x,
        y: yb - 2.2,
        w: 170.0,
        h: 0.3,
        color: Color::Red,
    });

    // Title: two lines below the 发文字号.
    let mut row = no_row + 3;
    for t in title_lines(l.title.trim(), SIZE_2) {
        let w = width_em(Face::SongBold, &t) * SIZE_2;
        first.runs.push(simple(
            Face::SongBold,
            &t,
            SIZE_2,
            LEFT + (BODY_W - w) / 2.0,
            g.baseline(row, SIZE_2),
            Color::Black,
        ));
        row += 1;
    }
    let first_row = row + 1;

    // The flow: 主送, 正文, 附件说明.
    let mut flow: Vec<Slot> = vec![];
    if !l.recipient.trim().is_empty() {
        let to = format!("{}：", l.recipient.trim());
        flow.extend(
            break_lines(&tagged(Face::Fang, &to), 0.0, 0.0, COLS as f32)
                .into_iter()
                .map(Slot::Text),
        );
    }
    for p in l.paragraphs.iter().flat_map(|p| p.split('\n')) {
        let p = p.trim();
        if !p.is_empty() {
            flow.extend(paragraph(p).into_iter().map(Slot::Text));
        }
    }
    if !l.attachments.is_empty() {
        flow.push(Slot::Blank);
        let many = l.attachments.len() > 1;
        for (i, a) in l.attachments.iter().enumerate() {
            let (lead, hang) = match (i, many) {
                (0, false) => ("附件：".to_string(), 5.0),
                (0, true) => (format!("附件：{}.", i + 1), 5.0),
                (_, _) => (format!("{}.", i + 1), 5.0),
            };
            let first_indent = if i == 0 { 2.0 } else { 5.0 };
            let text = format!("{lead}{a}");
            let lines = break_lines(&tagged(Face::Fang, &text), first_indent, hang, COLS as f32);
            flow.extend(lines.into_iter().map(Slot::Text));
        }
    }

    // Rows needed after the last text line: blank, blank, 署名, 日期, 附注…,
    // and the seal's lower edge (about two rows below the date); the 抄送 at the bottom.
    let cc_lines = if l.cc.is_empty() {
        vec![]
    } else {
        let text = format!("抄送：{}。", l.cc.join("，"));
        break_lines(
            &tagged(Face::Fang, &text),
            0.0,
            3.0,
            (BODY_W - 2.0 * SIZE_4) / SIZE_4,
        )
    };
    let need_after = |last: usize| -> bool {
        // The seal reaches about 1¾ rows below the date (row last + 4).
        let mut bottom = last + 4 + l.notes.len();
        if !cc_lines.is_empty() {
            bottom = bottom.max(last + 5);
        }
        bottom < g.rows - cc_lines.len()
    };
    let last_text = |places: &[Option<(usize, usize)>]| -> (usize, usize) {
        flow.iter()
            .zip(places)
            .rev()
            .find_map(|(s, p)| match (s, p) {
                (Slot::Text(_), Some(p)) => Some(*p),
                _ => None,
            })
            .unwrap_or((0, first_row.saturating_sub(1)))
    };
    let mut places = place(&flow, g.rows, first_row, None);
    let (mut sig_page, mut last_row) = last_text(&places);
    if !need_after(last_row) {
        // Carry the last two text lines over with the signature.
        let texts: Vec<usize> = flow
            .iter()
            .enumerate()
            .filter(|(_, s)| matches!(s, Slot::Text(_)))
            .map(|(i, _)| i)
            .collect();
        let k = texts[texts.len().saturating_sub(2)..].first().copied();
        places = place(&flow, g.rows, first_row, k);
        (sig_page, last_row) = last_text(&places);
        if !need_after(last_row) {
            // Even then (a text of two lines at the foot of page 1): a page of its own.
            sig_page += 1;
            last_row = 0;
        }
    }
    let pages_n = places
        .iter()
        .flatten()
        .map(|p| p.0)
        .max()
        .unwrap_or(0)
        .max(sig_page)
        + 1;
    let mut pages = vec![first];
    for n in 1..pages_n {
        pages.push(Page {
            number: n + 1,
            runs: vec![],
            rules: vec![],
            seal: None,
        });
    }
    for (s, p) in flow.iter().zip(&places) {
        if let (Slot::Text(line), Some((pg, r))) = (s, p) {
            let count = line.chars.len();
            let natural: f32 = line.chars.iter().map(|(c, f)| advance(*f, *c)).sum();
            let extra = match line.justify {
                Some(w) if count > 1 => {
                    ((w - line.indent - natural).max(0.0) / (count - 1) as f32).min(0.5) * EM
                }
                _ => 0.0,
            };
            let parts: Vec<(Face, String)> = line
                .chars
                .iter()
                .map(|(c, f)| (*f, c.to_string()))
                .collect();
            pages[*pg].runs.push(run_at(
                &parts,
                EM,
                LEFT + line.indent * EM,
                g.baseline(*r, EM),
                Color::Black,
                extra,
            ));
        }
    }
    // 署名, 成文日期, 印章, 附注.
    let sig_row = if sig_page == 0 && last_row < first_row {
        first_row
    } else {
        last_row + 3
    };
    let date = l.date.trim();
    let date_w = width_em(Face::Fang, date) * EM;
    let mut date_x = RIGHT - 4.0 * EM - date_w;
    let mut centre = date_x + date_w / 2.0;
    let name_w = width_em(Face::Fang, issuer) * EM;
    let mut name_x = centre - name_w / 2.0;
    if name_x + name_w > RIGHT - 2.0 * EM {
        // A long name: two characters from the right, the date centred under it.
        name_x = (RIGHT - 2.0 * EM - name_w).max(LEFT);
        centre = name_x + name_w / 2.0;
        date_x = centre - date_w / 2.0;
    }
    let sp = &mut pages[sig_page];
    sp.runs.push(simple(
        Face::Fang,
        issuer,
        EM,
        name_x,
        g.baseline(sig_row, EM),
        Color::Black,
    ));
    sp.runs.push(simple(
        Face::Fang,
        date,
        EM,
        date_x,
        g.baseline(sig_row + 1, EM),
        Color::Black,
    ));
    // The seal's centre a little above the middle of the two lines.
    sp.seal = Some(seal(
        issuer,
        centre,
        TOP + (sig_row + 1) as f32 * g.line - 3.0,
    ));
    for (i, n) in l.notes.iter().enumerate() {
        sp.runs.push(simple(
            Face::Fang,
            &format!("（{}）", n.trim()),
            EM,
            LEFT + 2.0 * EM,
            g.baseline(sig_row + 2 + i, EM),
            Color::Black,
        ));
    }
    // 版记: 抄送 on the last lines of the last page, one character in on each side.
    let last = pages.len() - 1;
    for (i, line) in cc_lines.iter().enumerate() {
        let r = g.rows - cc_lines.len() + i;
        let parts: Vec<(Face, String)> = line
            .chars
            .iter()
            .map(|(c, f)| (*f, c.to_string()))
            .collect();
        pages[last].runs.push(run_at(
            &parts,
            SIZE_4,
            LEFT + SIZE_4 + line.indent * SIZE_4,
            g.baseline(r, SIZE_4),
            Color::Black,
            0.0,
        ));
    }
    // Page numbers from page 2: "— n —", 4号, 7 mm below the 版心; odd right, even left.
    for p in pages.iter_mut().skip(1) {
        let text = format!("— {} —", p.number);
        let w = width_em(Face::Fang, &text) * SIZE_4;
        let x = if p.number % 2 == 1 {
            RIGHT - SIZE_4 - w
        } else {
            LEFT + SIZE_4
        };
        p.runs.push(simple(
            Face::Fang,
            &text,
            SIZE_4,
            x,
            TOP + BODY_H + 7.0 + ASCENT * SIZE_4,
            Color::Black,
        ));
    }
    Layout { pages }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter(paragraphs: usize) -> Letter {
        Letter {
            issuer: "杭州市上城区住房和城乡建设局".into(),
            doc_no: "上城住建信处〔2026〕1号".into(),
            title: "信访事项处理意见书".into(),
            recipient: "王建国、李秀英等5人".into(),
            paragraphs: (0..paragraphs)
                .map(|i| format!("信访请求：第{i}段，要求开发商按合同约定交付东湖小区商品房，并赔偿逾期交房的损失。"))
                .collect(),
            attachments: vec![],
            date: "2026年5月20日".into(),
            notes: vec![],
            cc: vec!["杭州市上城区信访局".into()],
        }
    }

    #[test]
    fn short_letter_is_one_page() {
        let l = layout(&letter(4));
        assert_eq!(l.pages.len(), 1);
        let p = &l.pages[0];
        assert!(p.seal.is_some());
        let texts: Vec<String> = p.runs.iter().map(Run::text).collect();
        assert!(
            texts.contains(&"王建国、李秀英等5人：".to_string()),
            "{texts:?}"
        );
        assert!(texts.iter().any(|t| t.starts_with("抄送：")));
        // Every line fits the 版心.
        for r in &p.runs {
            for s in &r.spans {
                for x in &s.xs {
                    assert!(*x >= LEFT - 0.01 && *x < RIGHT, "{x} in {}", r.text());
                }
            }
        }
    }

    #[test]
    fn long_letter_numbers_its_pages_and_keeps_text_with_the_seal() {
        let l = layout(&letter(14));
        assert!(l.pages.len() >= 2);
        let last = l.pages.last().unwrap();
        assert!(last.seal.is_some());
        let texts: Vec<String> = last.runs.iter().map(Run::text).collect();
        assert!(texts.iter().any(|t| t == &format!("— {} —", last.number)));
        // At least one line of the 正文 stands on the seal's page.
        assert!(texts.iter().any(|t| t.contains("赔偿")), "{texts:?}");
        assert!(!l.pages[0].runs.iter().any(|r| r.text().starts_with("— ")));
    }

    #[test]
    fn a_long_code_breaks_rather_than_stretching_the_line() {
        let text = "你于2026年4月1日提出的信访事项（信访编号XF2026330102000002），本机关已受理。";
        let lines = break_lines(&tagged(Face::Fang, text), 2.0, 0.0, 28.0);
        let first: String = lines[0].chars.iter().map(|c| c.0).collect();
        assert!(first.contains("XF20"), "{first}");
        assert!(first.contains("2026年"), "years stay whole: {first}");
    }

    #[test]
    fn lines_obey_the_punctuation_rules() {
        let text: String = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八，九十".into();
        let lines = break_lines(&tagged(Face::Fang, &text), 0.0, 0.0, 28.0);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].chars[0].0 != '，');
        assert_eq!(
            lines[1].chars[0].0, '八',
            "the character before the comma goes down with it"
        );
    }
}
