//! From uploaded bytes to grey working pages, with every size checked before
//! memory is spent on it: the declared dimensions are read from the header
//! first (a decompression bomb is refused before decoding), the decoder runs
//! under `image::Limits`, a PDF's Flate streams are inflated through a byte
//! cap, and big photos are area-shrunk to the working size at once.
//!
//! PDFs: scanned letters are image PDFs, one image per page. Each page's
//! largest image XObject is the scan (DCT = JPEG bytes as they are; Flate =
//! raw grey/RGB samples); pages without one are skipped. poppler is not used.

use std::io::{Cursor, Read};
use std::panic::AssertUnwindSafe;

use image::{DynamicImage, GrayImage, ImageDecoder, ImageReader};

use crate::geometry::{shrink_to, WORK_MAX_SIDE};
use crate::OcrError;

/// What an upload may be.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest accepted image, in pixels (declared dimensions).
    pub max_pixels: u64,
    /// Largest accepted side.
    pub max_side: u32,
    /// Pages read from one PDF.
    pub max_pages: usize,
    /// Decoder allocation cap, bytes.
    pub max_alloc: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_pixels: 64_000_000,
            max_side: 16_000,
            max_pages: 10,
            max_alloc: 512 * 1024 * 1024,
        }
    }
}

/// The kind of file, from its first bytes (never its name or declared type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    Pdf,
}

pub fn sniff(bytes: &[u8]) -> Option<Kind> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Kind::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Kind::Png)
    } else if bytes.starts_with(b"%PDF-") {
        Some(Kind::Pdf)
    } else {
        None
    }
}

/// Decode an upload into grey working pages (one for an image, one per
/// scanned page of a PDF).
pub fn decode_pages(bytes: &[u8], limits: &Limits) -> Result<Vec<GrayImage>, OcrError> {
    match sniff(bytes).ok_or(OcrError::Unsupported)? {
        Kind::Jpeg | Kind::Png => Ok(vec![decode_image(bytes, limits)?]),
        Kind::Pdf => pdf_pages(bytes, limits),
    }
}

fn check_size(w: u64, h: u64, limits: &Limits) -> Result<(), OcrError> {
    if w == 0 || h == 0 {
        return Err(OcrError::Corrupt("图像尺寸为零".into()));
    }
    if w * h > limits.max_pixels || w.max(h) > limits.max_side as u64 {
        return Err(OcrError::TooLarge {
            width: w,
            height: h,
            max_megapixels: limits.max_pixels / 1_000_000,
        });
    }
    Ok(())
}

/// A JPEG or PNG: header first, then a limited decode, EXIF orientation
/// applied, grey, shrunk to the working size.
pub fn decode_image(bytes: &[u8], limits: &Limits) -> Result<GrayImage, OcrError> {
    let corrupt = |e: image::ImageError| OcrError::Corrupt(e.to_string());
    // A PNG states its size in the first chunk: refuse a bomb before the
    // decoder reads any further.
    if bytes.len() >= 24 && sniff(bytes) == Some(Kind::Png) && &bytes[12..16] == b"IHDR" {
        let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as u64;
        check_size(be(&bytes[16..20]), be(&bytes[20..24]), limits)?;
    }
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| OcrError::Corrupt(e.to_string()))?;
    let (w, h) = reader.into_dimensions().map_err(corrupt)?;
    check_size(w as u64, h as u64, limits)?;
    let mut il = image::Limits::default();
    il.max_image_width = Some(limits.max_side);
    il.max_image_height = Some(limits.max_side);
    il.max_alloc = Some(limits.max_alloc);
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| OcrError::Corrupt(e.to_string()))?;
    reader.limits(il);
    let mut decoder = reader.into_decoder().map_err(corrupt)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(corrupt)?;
    img.apply_orientation(orientation);
    Ok(shrink_to(img.into_luma8(), WORK_MAX_SIDE))
}

fn pdf_pages(bytes: &[u8], limits: &Limits) -> Result<Vec<GrayImage>, OcrError> {
    // lopdf is careful but not fuzzed to our standard: a panic on a hostile
    // file must stay a refusal, not take the request down.
    let doc = std::panic::catch_unwind(AssertUnwindSafe(|| lopdf::Document::load_mem(bytes)))
        .map_err(|_| OcrError::Corrupt("PDF 结构无法解析".into()))?
        .map_err(|e| OcrError::Corrupt(format!("PDF 结构无法解析：{e}")))?;
    let pages = doc.get_pages();
    if pages.len() > limits.max_pages {
        return Err(OcrError::TooManyPages {
            pages: pages.len(),
            max: limits.max_pages,
        });
    }
    let mut out = vec![];
    for (_, page_id) in pages {
        let images = std::panic::catch_unwind(AssertUnwindSafe(|| {
            doc.get_page_images(page_id).unwrap_or_default()
        }))
        .unwrap_or_default();
        let Some(best) = images
            .iter()
            .filter(|i| i.width > 0 && i.height > 0)
            .max_by_key(|i| i.width.saturating_mul(i.height))
        else {
            continue;
        };
        check_size(best.width as u64, best.height as u64, limits)?;
        let filters: Vec<&str> = best.filters.iter().flatten().map(|s| s.as_str()).collect();
        let img = match filters.as_slice() {
            ["DCTDecode"] => decode_image(best.content, limits)?,
            ["FlateDecode"] | [] => raw_samples(best, filters.is_empty(), limits)?,
            other => {
                return Err(OcrError::Corrupt(format!(
                    "PDF 图像编码 {other:?} 不支持（支持 JPEG 与 Flate）"
                )))
            }
        };
        out.push(img);
    }
    if out.is_empty() {
        return Err(OcrError::NoImages);
    }
    Ok(out)
}

/// Raw 8-bit grey or RGB samples (Flate-compressed or not), inflated through
/// a cap of exactly the declared size.
fn raw_samples(
    im: &lopdf::xobject::PdfImage<'_>,
    uncompressed: bool,
    limits: &Limits,
) -> Result<GrayImage, OcrError> {
    if im.bits_per_component.unwrap_or(8) != 8 {
        return Err(OcrError::Corrupt(
            "PDF 图像位深不支持（仅支持 8 位）".into(),
        ));
    }
    let channels: u64 = match im.color_space.as_deref() {
        Some("DeviceGray") => 1,
        Some("DeviceRGB") => 3,
        _ => return Err(OcrError::Corrupt("PDF 图像色彩空间不支持".into())),
    };
    let (w, h) = (im.width as u64, im.height as u64);
    let want = w * h * channels;
    if want > limits.max_alloc {
        return Err(OcrError::TooLarge {
            width: w,
            height: h,
            max_megapixels: limits.max_pixels / 1_000_000,
        });
    }
    let data = if uncompressed {
        im.content.to_vec()
    } else {
        let mut v = Vec::with_capacity(want as usize);
        flate2::read::ZlibDecoder::new(im.content)
            .take(want)
            .read_to_end(&mut v)
            .map_err(|e| OcrError::Corrupt(format!("PDF 图像解压失败：{e}")))?;
        v
    };
    if (data.len() as u64) < want {
        return Err(OcrError::Corrupt("PDF 图像数据不完整".into()));
    }
    let grey: Vec<u8> = if channels == 1 {
        data
    } else {
        data.chunks_exact(3)
            .map(|p| ((p[0] as u32 * 299 + p[1] as u32 * 587 + p[2] as u32 * 114) / 1000) as u8)
            .collect()
    };
    let img = GrayImage::from_raw(w as u32, h as u32, grey)
        .ok_or_else(|| OcrError::Corrupt("PDF 图像尺寸不符".into()))?;
    Ok(shrink_to(img, WORK_MAX_SIDE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_an_image() {
        let l = Limits::default();
        assert!(matches!(
            decode_pages(b"hello", &l),
            Err(OcrError::Unsupported)
        ));
        assert!(matches!(
            decode_pages(b"%PDF-1.4\n garbage", &l),
            Err(OcrError::Corrupt(_))
        ));
        assert!(matches!(
            decode_pages(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 1], &l),
            Err(OcrError::Corrupt(_))
        ));
    }

    #[test]
    fn refuses_a_png_bomb_from_its_header() {
        // A valid PNG header declaring 60000×60000, without the pixels.
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend_from_slice(&60000u32.to_be_bytes());
        ihdr.extend_from_slice(&60000u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
        png.extend_from_slice(&13u32.to_be_bytes());
        png.extend_from_slice(&ihdr);
        png.extend_from_slice(&crc32(&ihdr).to_be_bytes());
        let err = decode_pages(&png, &Limits::default()).unwrap_err();
        assert_eq!(err.code(), "image_too_large", "{err}");
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= b as u32;
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
}
