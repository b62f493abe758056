//! Synthetic letters for the benchmark and the committed test sample:
//! petition letters with random but well-formed personal details
//! (`letter.rs`), typed in a given CJK font (`font.rs`) or written with a
//! simulated ballpoint pen from stroke data (`hand.rs`), in three layouts
//! (plain, letterhead, two columns; `layout.rs`), and the phone-photo style
//! degradations the benchmark reports on (here). The truth is the rendered
//! lines, so accuracy is measured against exactly what was drawn.

mod font;
mod hand;
mod hand_marks;
mod layout;
mod letter;
mod stroke_data;

pub use font::render;
pub use hand::{render_hand, write_hand_lines};
pub use letter::{alphabet, check_digit, Layout, Letter, PAGE};

use image::{GrayImage, Luma};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::geometry::sample;

/// A rendered page and the lines drawn on it, in reading order.
pub struct Rendered {
    pub image: GrayImage,
    pub truth: Vec<String>,
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

/// PNG bytes of a grey page (lossless, for looking at a sample).
pub fn encode_png(img: &GrayImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(vec![]);
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("encoding a grey page");
    out.into_inner()
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
