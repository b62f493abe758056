//! Text-line detection with PP-OCRv4's DB model: the page is scaled into a
//! fixed canvas (tract cannot unify a symbolic height at one of the model's
//! Concat nodes, so the input size is fixed — 992×1408 portrait, 1408×992
//! landscape — and the rest padded with white), the probability map is
//! thresholded, and each connected region becomes a rotated rectangle whose
//! angle comes from its own second moments (so a skewed or keystoned line is
//! cut out straight), grown back by DB's unclip ratio.

use image::{imageops::FilterType, GrayImage};
use tract_onnx::prelude::*;

use crate::geometry::RotRect;

pub const PORTRAIT: (u32, u32) = (992, 1408);
const THRESH: f32 = 0.3;
const BOX_THRESH: f32 = 0.5;
const UNCLIP: f32 = 1.6;
/// Regions read per page at most (highest scores first): a photo of a
/// textured wall must not cost a thousand recognitions.
pub const MAX_REGIONS: usize = 200;

/// A landscape canvas of a quarter of the pixels, for a first look at a
/// page wider than tall: enough to see whether its lines stand (a letter
/// lying sideways) before detecting it in full. Both sides are multiples
/// of 32, as the detector's down-sampling needs.
pub const GLANCE_LANDSCAPE: (u32, u32) = (704, 512);

/// The canvas for a page: portrait or landscape.
pub fn canvas_for(w: u32, h: u32) -> (u32, u32) {
    if w > h {
        (PORTRAIT.1, PORTRAIT.0)
    } else {
        PORTRAIT
    }
}

/// The page scaled into the canvas as the model's input, and the scale used.
pub fn input(img: &GrayImage, canvas: (u32, u32)) -> (Tensor, f32) {
    let (w, h) = img.dimensions();
    let s = (canvas.0 as f32 / w as f32)
        .min(canvas.1 as f32 / h as f32)
        .min(2.0);
    let nw = ((w as f32 * s).round() as u32).clamp(1, canvas.0);
    let nh = ((h as f32 * s).round() as u32).clamp(1, canvas.1);
    let small = image::imageops::resize(img, nw, nh, FilterType::Triangle);
    let (cw, ch) = (canvas.0 as usize, canvas.1 as usize);
    let mut plane = vec![1.0f32; cw * ch];
    for y in 0..nh as usize {
        let row = &small.as_raw()[y * nw as usize..(y + 1) * nw as usize];
        for (x, &p) in row.iter().enumerate() {
            plane[y * cw + x] = p as f32 / 127.5 - 1.0;
        }
    }
    let mut data = Vec::with_capacity(3 * cw * ch);
    for _ in 0..3 {
        data.extend_from_slice(&plane);
    }
    let t = Tensor::from_shape(&[1, 3, ch, cw], &data).expect("shape matches");
    (t, s)
}

/// One detected region, in page coordinates.
#[derive(Debug, Clone)]
pub struct Region {
    pub rect: RotRect,
}

struct Blob {
    pixels: Vec<(u32, u32)>,
    score: f32,
    angle: f32,
    elongation: f32,
}

/// Regions from the probability map (`w`×`h`, canvas pixels), with the
/// page's dominant text angle (radians).
pub fn regions(prob: &[f32], w: usize, h: usize, scale: f32) -> (Vec<Region>, f32) {
    // Threshold + 2×2 dilation, as PaddleOCR's post-processing.
    let mut bit = vec![false; w * h];
    for y in 0..h {
        for x in 0..w {
            if prob[y * w + x] > THRESH {
                bit[y * w + x] = true;
                if x + 1 < w {
                    bit[y * w + x + 1] = true;
                }
                if y + 1 < h {
                    bit[(y + 1) * w + x] = true;
                    if x + 1 < w {
                        bit[(y + 1) * w + x + 1] = true;
                    }
                }
            }
        }
    }
    let mut seen = vec![false; w * h];
    let mut blobs = vec![];
    let mut stack = vec![];
    for start in 0..w * h {
        if !bit[start] || seen[start] {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let mut pixels = vec![];
        let mut sum = 0.0f32;
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            pixels.push((x as u32, y as u32));
            sum += prob[i];
            for dy in -1i64..=1 {
                for dx in -1i64..=1 {
                    let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                    if nx < 0 || ny < 0 || nx >= w as i64 || ny >= h as i64 {
                        continue;
                    }
                    let j = ny as usize * w + nx as usize;
                    if bit[j] && !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        if pixels.len() < 12 {
            continue;
        }
        let score = sum / pixels.len() as f32;
        if score < BOX_THRESH {
            continue;
        }
        let (angle, elongation) = moments(&pixels);
        blobs.push(Blob {
            pixels,
            score,
            angle,
            elongation,
        });
    }
    let mut angles: Vec<f32> = blobs
        .iter()
        .filter(|b| b.elongation > 4.0)
        .map(|b| b.angle)
        .collect();
    angles.sort_by(|a, b| a.total_cmp(b));
    let page_angle = angles.get(angles.len() / 2).copied().unwrap_or(0.0);
    blobs.sort_by(|a, b| b.score.total_cmp(&a.score));
    blobs.truncate(MAX_REGIONS);
    let regions = blobs
        .iter()
        .filter_map(|b| {
            let angle = if b.elongation > 4.0 && (b.angle - page_angle).abs() < 0.15 {
                b.angle
            } else {
                page_angle
            };
            let mut r = fit(&b.pixels, angle);
            let (bw, bh) = (2.0 * r.half_w, 2.0 * r.half_h);
            let d = bw * bh * UNCLIP / (2.0 * (bw + bh));
            r.half_w += d;
            r.half_h += d;
            if r.half_h < 2.0 || r.half_w < 2.0 {
                return None;
            }
            r.cx /= scale;
            r.cy /= scale;
            r.half_w /= scale;
            r.half_h /= scale;
            if r.half_h > 1.5 * r.half_w {
                // A vertical run: read it top to bottom.
                r.angle += std::f32::consts::FRAC_PI_2;
                std::mem::swap(&mut r.half_w, &mut r.half_h);
            }
            Some(Region { rect: r })
        })
        .collect();
    (regions, page_angle)
}

/// Principal angle (radians, text direction) and elongation (√ of the
/// eigenvalue ratio) of a pixel set.
fn moments(px: &[(u32, u32)]) -> (f32, f32) {
    let n = px.len() as f64;
    let mx = px.iter().map(|p| p.0 as f64).sum::<f64>() / n;
    let my = px.iter().map(|p| p.1 as f64).sum::<f64>() / n;
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for &(x, y) in px {
        let (dx, dy) = (x as f64 - mx, y as f64 - my);
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    let angle = 0.5 * (2.0 * sxy).atan2(sxx - syy);
    let tr = sxx + syy;
    let det = sxx * syy - sxy * sxy;
    let disc = (tr * tr / 4.0 - det).max(0.0).sqrt();
    let (l1, l2) = (tr / 2.0 + disc, (tr / 2.0 - disc).max(1e-9));
    // Keep the text direction, not the normal, and within ±45°.
    let mut a = angle;
    let quarter = std::f64::consts::FRAC_PI_4;
    if !(-quarter..=quarter).contains(&a) {
        a = 0.0;
    }
    (a as f32, (l1 / l2).sqrt() as f32)
}

/// The tightest rectangle at `angle` around the pixels (canvas pixels, each
/// pixel a unit square).
fn fit(px: &[(u32, u32)], angle: f32) -> RotRect {
    let (s, c) = angle.sin_cos();
    let (mut u0, mut u1, mut v0, mut v1) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
    for &(x, y) in px {
        let (x, y) = (x as f32 + 0.5, y as f32 + 0.5);
        let u = x * c + y * s;
        let v = -x * s + y * c;
        u0 = u0.min(u);
        u1 = u1.max(u);
        v0 = v0.min(v);
        v1 = v1.max(v);
    }
    let (uc, vc) = ((u0 + u1) / 2.0, (v0 + v1) / 2.0);
    RotRect {
        cx: uc * c - vc * s,
        cy: uc * s + vc * c,
        angle,
        half_w: (u1 - u0 + 1.0) / 2.0,
        half_h: (v1 - v0 + 1.0) / 2.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tilted_bar_is_found_with_its_angle() {
        let (w, h) = (200usize, 100usize);
        let mut prob = vec![0.0f32; w * h];
        let a = 3.0f32.to_radians();
        for t in 0..150 {
            for k in 0..6 {
                let x = 20.0 + t as f32 * a.cos() - k as f32 * a.sin();
                let y = 40.0 + t as f32 * a.sin() + k as f32 * a.cos();
                prob[y as usize * w + x as usize] = 0.9;
            }
        }
        let (rs, page) = regions(&prob, w, h, 1.0);
        assert_eq!(rs.len(), 1);
        assert!((page - a).abs() < 0.01, "{page}");
        assert!(rs[0].rect.half_w > 75.0);
    }
}
