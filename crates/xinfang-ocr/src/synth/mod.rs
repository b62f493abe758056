//! Synthetic letters for the benchmark and the committed test sample: typed
//! petition letters with random but well-formed personal details (ID numbers
//! with a valid GB 11643 check digit, mobile numbers), rendered with a given
//! CJK font in three layouts (plain, letterhead, two columns), and the
//! phone-photo style degradations the benchmark reports on. The truth is the
//! rendered lines, so accuracy is measured against exactly what was drawn.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use image::{GrayImage, Luma};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::geometry::sample;

/// A4 at 150 dpi.
pub const PAGE: (u32, u32) = (1240, 1754);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Plain,
    Letterhead,
    TwoColumns,
}

/// The content of one letter, with the fields the benchmark checks.
#[derive(Debug, Clone)]
pub struct Letter {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub address: String,
    pub request: String,
    pub facts: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub accused: Option<String>,
    pub layout: Layout,
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗",
];
const GIVEN: &[&str] = &[
    "建国", "秀英", "志强", "桂兰", "海燕", "国华", "明", "丽", "伟", "玉兰", "德胜", "淑珍",
    "春生", "红梅", "文斌", "小军",
];
const PLACES: &[&str] = &[
    "江宁区东山街道金盛路18号",
    "城关镇和平村三组",
    "新华街道幸福小区5栋2单元301室",
    "开发区长江路66号",
    "柳河乡柳河村四组21号",
];
const REQUESTS: &[&str] = &[
    "请求责成有关部门依法支付拖欠的工资共计三万二千元。",
    "请求依法处理小区物业乱收费问题，退还多收的费用。",
    "请求核实我家的征地补偿标准，按政策足额补偿。",
    "请求督促施工单位停止夜间施工，减少噪声扰民。",
    "请求有关部门查处村干部违规占用集体土地的行为。",
];
const FACTS: &[&str] = &[
    "我于二〇二四年三月进入该公司工作，双方签订了劳动合同。",
    "自去年八月起公司以资金困难为由停发工资，至今已有十个月。",
    "我多次找到公司负责人协商，对方一再推诿，没有解决。",
    "去年九月我曾向镇劳动保障所反映，至今没有答复。",
    "小区物业公司未经业主大会同意，自行提高物业费标准。",
    "今年五月以来，工地每天夜里施工到凌晨两点，噪声很大。",
    "村里的老人和孩子晚上无法休息，多次报警也没有改善。",
    "我家承包的两亩耕地被征收，补偿款比邻村少了一半。",
    "村委会没有公开补偿方案，群众意见很大。",
    "以上情况属实，恳请领导重视，尽快予以解决。",
];
const ACCUSED: &[&str] = &["村委会主任钱某某", "某某建筑公司项目经理", "某某物业公司"];
const BODIES: &[&str] = &["市信访局", "县人民政府信访局", "区信访局"];

/// The GB 11643 check digit of 17 digits.
pub fn check_digit(first17: &str) -> char {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .chars()
        .zip(W)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    b"10X98765432"[(sum % 11) as usize] as char
}

impl Letter {
    /// A letter from a seed (same seed, same letter).
    pub fn random(seed: u64, layout: Layout) -> Letter {
        let mut r = StdRng::seed_from_u64(seed);
        let mut pick = |xs: &[&str]| xs[r.gen_range(0..xs.len())].to_string();
        let name = format!("{}{}", pick(SURNAMES), pick(GIVEN));
        let address = pick(PLACES);
        let request = pick(REQUESTS);
        let mut r = StdRng::seed_from_u64(seed ^ 0x5eed);
        let n = r.gen_range(3..6);
        let start = r.gen_range(0..FACTS.len());
        let facts: String = (0..n).map(|k| FACTS[(start + k) % FACTS.len()]).collect();
        let region = ["320115", "110105", "440304", "510107"][r.gen_range(0..4)];
        let birth = format!(
            "{}{:02}{:02}",
            r.gen_range(1950..2004),
            r.gen_range(1..13),
            r.gen_range(1..29)
        );
        let first17 = format!("{region}{birth}{:03}", r.gen_range(0..1000));
        let id_number = format!("{first17}{}", check_digit(&first17));
        let phone = format!(
            "1{}{:09}",
            [3, 5, 7, 8, 9][r.gen_range(0..5)],
            r.gen_range(0..1_000_000_000u64)
        );
        let date = format!("2026-{:02}-{:02}", r.gen_range(1..13), r.gen_range(1..29));
        let accused = r
            .gen_bool(0.4)
            .then(|| ACCUSED[r.gen_range(0..ACCUSED.len())].to_string());
        Letter {
            name,
            id_number,
            phone,
            address,
            request,
            facts,
            date,
            accused,
            layout,
        }
    }

    fn date_cn(&self) -> String {
        let p: Vec<u32> = self
            .date
            .split('-')
            .filter_map(|s| s.parse().ok())
            .collect();
        format!("{}年{}月{}日", p[0], p[1], p[2])
    }
}

/// A rendered page and the lines drawn on it, in reading order.
pub struct Rendered {
    pub image: GrayImage,
    pub truth: Vec<String>,
}

struct Pen<'a> {
    font: FontRef<'a>,
    img: GrayImage,
    truth: Vec<String>,
    missing: Vec<char>,
}

impl Pen<'_> {
    fn width(&self, s: &str, px: f32) -> f32 {
        let f = self.font.as_scaled(PxScale::from(px));
        s.chars().map(|c| f.h_advance(self.font.glyph_id(c))).sum()
    }

    fn draw(&mut self, s: &str, x: f32, baseline: f32, px: f32, record: bool) {
        let scale = PxScale::from(px);
        let f = self.font.as_scaled(scale);
        let mut pen = x;
        for c in s.chars() {
            let id = self.font.glyph_id(c);
            if id.0 == 0 && !c.is_whitespace() {
                self.missing.push(c);
            }
            let g = id.with_scale_and_position(scale, ab_glyph::point(pen, baseline));
            pen += f.h_advance(id);
            if let Some(o) = self.font.outline_glyph(g) {
                let b = o.px_bounds();
                let img = &mut self.img;
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
        if record && !s.trim().is_empty() {
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
}

/// Render a letter with `font` at `px` pixels per em. Fails with the
/// characters the font lacks (the committed fonts are GB 2312 subsets).
pub fn render(l: &Letter, font: &[u8], px: f32) -> Result<Rendered, String> {
    let font = FontRef::try_from_slice(font).map_err(|e| e.to_string())?;
    let mut pen = Pen {
        font,
        img: GrayImage::from_pixel(PAGE.0, PAGE.1, Luma([248])),
        truth: vec![],
        missing: vec![],
    };
    let margin = 130.0;
    let width = PAGE.0 as f32 - 2.0 * margin;
    let lead = px * 1.75;
    let mut y = 170.0;
    if l.layout == Layout::Letterhead {
        let head = "某某县城关镇和平村村民委员会";
        let hp = px * 1.3;
        let x = (PAGE.0 as f32 - pen.width(head, hp)) / 2.0;
        pen.draw(head, x, y, hp, true);
        for xx in margin as u32..(PAGE.0 - margin as u32) {
            for t in 0..3 {
                pen.img.put_pixel(xx, (y + 22.0) as u32 + t, Luma([40]));
            }
        }
        y += lead * 2.0;
    }
    let title = "信访事项反映信";
    let tp = px * 1.5;
    pen.draw(
        title,
        (PAGE.0 as f32 - pen.width(title, tp)) / 2.0,
        y,
        tp,
        true,
    );
    y += lead * 1.6;
    let body = BODIES[l.name.chars().count() % BODIES.len()];
    pen.draw(&format!("{body}："), margin, y, px, true);
    y += lead;
    let info = [
        format!("姓名：{}", l.name),
        format!("身份证号：{}", l.id_number),
        format!("联系电话：{}", l.phone),
        format!("住址：{}", l.address),
    ];
    if l.layout == Layout::TwoColumns {
        pen.draw(&format!("{}  {}", info[0], info[1]), margin, y, px, true);
        y += lead;
        pen.draw(&format!("{}  {}", info[2], info[3]), margin, y, px, true);
        y += lead;
    } else {
        for s in &info {
            pen.draw(s, margin, y, px, true);
            y += lead;
        }
    }
    if let Some(a) = &l.accused {
        pen.draw(&format!("被反映人：{a}"), margin, y, px, true);
        y += lead;
    }
    let mut paragraphs = vec![
        format!("信访请求：{}", l.request),
        format!("事实和理由：{}", l.facts),
    ];
    paragraphs.push("此致".into());
    if l.layout == Layout::TwoColumns {
        let gap = 60.0;
        let cw = (width - gap) / 2.0;
        let all: Vec<(bool, String)> = paragraphs[..2]
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
            pen.draw(s, x + indent, top + row as f32 * lead, px, true);
        }
        y = top + half as f32 * lead + lead;
        pen.draw("此致", margin + 2.0 * px, y, px, true);
        y += lead;
    } else {
        for p in &paragraphs {
            let lines = pen.wrap(p, width, px, true);
            for (k, s) in lines.iter().enumerate() {
                let x = if k == 0 { margin + 2.0 * px } else { margin };
                pen.draw(s, x, y, px, true);
                y += lead;
            }
        }
    }
    pen.draw("敬礼！", margin, y, px, true);
    y += lead * 1.5;
    let sign = format!("来信人：{}", l.name);
    let date = l.date_cn();
    let right = PAGE.0 as f32 - margin;
    pen.draw(&sign, right - pen.width(&sign, px) - px, y, px, true);
    y += lead;
    pen.draw(&date, right - pen.width(&date, px) - px, y, px, true);
    if !pen.missing.is_empty() {
        pen.missing.sort();
        pen.missing.dedup();
        return Err(format!("字体缺字：{:?}", pen.missing));
    }
    Ok(Rendered {
        image: pen.img,
        truth: pen.truth,
    })
}

/// A degradation the benchmark reports on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Degradation {
    Clean,
    Rotate(f32),
    Keystone(f32),
    Blur(f32),
    Noise(f32),
    UnevenLight,
    Jpeg(u8),
    /// Rotation, keystone, uneven light, noise, slight blur and JPEG together.
    Photo,
    /// Turned clockwise by a quarter (90), half (180) or three quarters
    /// (270): a scan fed in sideways or upside down.
    Turn(u16),
}

impl Degradation {
    pub fn label(&self) -> String {
        match self {
            Degradation::Clean => "clean".into(),
            Degradation::Rotate(d) => format!("rotate {d}°"),
            Degradation::Keystone(k) => format!("keystone {k}"),
            Degradation::Blur(s) => format!("blur σ={s}"),
            Degradation::Noise(s) => format!("noise σ={s}"),
            Degradation::UnevenLight => "uneven light".into(),
            Degradation::Jpeg(q) => format!("jpeg q={q}"),
            Degradation::Photo => "phone photo (all)".into(),
            Degradation::Turn(d) => format!("turned {d}°"),
        }
    }
}

/// Apply a degradation (deterministic for a seed).
pub fn degrade(img: &GrayImage, d: Degradation, seed: u64) -> GrayImage {
    match d {
        Degradation::Clean => img.clone(),
        Degradation::Rotate(deg) => rotate(img, deg),
        Degradation::Keystone(k) => keystone(img, k),
        Degradation::Blur(s) => image::imageops::blur(img, s),
        Degradation::Noise(s) => noise(img, s, seed),
        Degradation::UnevenLight => light(img),
        Degradation::Jpeg(q) => jpeg(img, q),
        Degradation::Photo => {
            let a = rotate(img, 2.5);
            let a = keystone(&a, 0.04);
            let a = light(&a);
            let a = image::imageops::blur(&a, 0.8);
            let a = noise(&a, 6.0, seed);
            jpeg(&a, 60)
        }
        Degradation::Turn(90) => image::imageops::rotate90(img),
        Degradation::Turn(180) => image::imageops::rotate180(img),
        Degradation::Turn(270) => image::imageops::rotate270(img),
        Degradation::Turn(_) => img.clone(),
    }
}

fn map(img: &GrayImage, f: impl Fn(f32, f32) -> (f32, f32)) -> GrayImage {
    let (w, h) = img.dimensions();
    GrayImage::from_fn(w, h, |x, y| {
        let (sx, sy) = f(x as f32 + 0.5, y as f32 + 0.5);
        Luma([sample(img, sx, sy).round().clamp(0.0, 255.0) as u8])
    })
}

pub fn rotate(img: &GrayImage, deg: f32) -> GrayImage {
    let (w, h) = img.dimensions();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let (s, c) = deg.to_radians().sin_cos();
    map(img, |x, y| {
        let (dx, dy) = (x - cx, y - cy);
        (cx + dx * c + dy * s, cy - dx * s + dy * c)
    })
}

/// The top edge `k` narrower than the bottom, as a phone held below the page.
pub fn keystone(img: &GrayImage, k: f32) -> GrayImage {
    let (w, h) = img.dimensions();
    let cx = w as f32 / 2.0;
    map(img, |x, y| {
        let t = y / h as f32;
        let f = 1.0 - k * (1.0 - t);
        (cx + (x - cx) / f, y)
    })
}

fn noise(img: &GrayImage, sigma: f32, seed: u64) -> GrayImage {
    let mut r = StdRng::seed_from_u64(seed);
    let mut out = img.clone();
    for p in out.pixels_mut() {
        let (u1, u2): (f32, f32) = (r.gen_range(1e-6..1.0), r.gen_range(0.0..1.0));
        let g = (-2.0 * u1.ln()).sqrt() * (std::f32::consts::TAU * u2).cos();
        p.0[0] = (p.0[0] as f32 + g * sigma).round().clamp(0.0, 255.0) as u8;
    }
    out
}

fn light(img: &GrayImage) -> GrayImage {
    let (w, h) = img.dimensions();
    let mut out = img.clone();
    for (x, y, p) in out.enumerate_pixels_mut() {
        let (u, v) = (x as f32 / w as f32, y as f32 / h as f32);
        // Brighter top-left, a shadow towards the bottom right.
        let f = 1.0 - 0.45 * (0.6 * u + 0.4 * v).powf(1.5);
        p.0[0] = (p.0[0] as f32 * f) as u8;
    }
    out
}

pub fn jpeg(img: &GrayImage, q: u8) -> GrayImage {
    let bytes = encode_jpeg(img, q);
    image::load_from_memory(&bytes)
        .map(|i| i.into_luma8())
        .unwrap_or_else(|_| img.clone())
}

/// JPEG bytes of a grey page (for committed samples and uploads in tests).
pub fn encode_jpeg(img: &GrayImage, q: u8) -> Vec<u8> {
    let mut out = vec![];
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, q);
    enc.encode_image(img).expect("encoding a grey page");
    out
}

/// An image PDF as a scanner makes it: one JPEG per page (DCTDecode), each
/// page exactly the image's size. For tests and the benchmark's PDF path.
pub fn image_pdf(pages: &[GrayImage], quality: u8) -> Vec<u8> {
    use lopdf::{dictionary, Document, Object, Stream};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let mut kids = vec![];
    for img in pages {
        let (w, h) = img.dimensions();
        let image = Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Image",
                "Width" => w as i64, "Height" => h as i64,
                "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
                "Filter" => "DCTDecode",
            },
            encode_jpeg(img, quality),
        );
        let image_id = doc.add_object(image);
        let content = format!("q {w} 0 0 {h} 0 0 cm /Im0 Do Q");
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.into_bytes()));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), (w as i64).into(), (h as i64).into()],
            "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => image_id } },
            "Contents" => content_id,
        });
        kids.push(Object::Reference(page_id));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = vec![];
    doc.save_to(&mut out).expect("writing a PDF to memory");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digit_matches_gb11643_example() {
        // The standard's example: 11010519491231002X.
        assert_eq!(check_digit("11010519491231002"), 'X');
    }

    #[test]
    fn letters_are_deterministic() {
        let a = Letter::random(7, Layout::Plain);
        let b = Letter::random(7, Layout::Plain);
        assert_eq!(a.id_number, b.id_number);
        assert_eq!(a.id_number.len(), 18);
        assert_eq!(a.phone.len(), 11);
    }
}
