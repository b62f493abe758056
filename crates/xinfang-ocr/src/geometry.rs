//! Small image geometry on grey pages: area downscaling (a 50-megapixel photo
//! becomes a working page before anything else touches it), bilinear
//! sampling, and the rotated crop that straightens each text line — the line's
//! own angle from the detector, so small page rotations and keystone need no
//! second detection pass.

use image::GrayImage;

/// Longest side of the working page. A4 at ~250 dpi; more only costs time.
pub const WORK_MAX_SIDE: u32 = 3000;

/// Shrink by an integer factor with area averaging until the longest side is
/// at most `max_side` (no-op for smaller pages).
pub fn shrink_to(img: GrayImage, max_side: u32) -> GrayImage {
    let (w, h) = img.dimensions();
    let side = w.max(h);
    if side <= max_side {
        return img;
    }
    let k = side.div_ceil(max_side);
    let (nw, nh) = ((w / k).max(1), (h / k).max(1));
    let src = img.as_raw();
    let mut out = vec![0u8; (nw * nh) as usize];
    let kk = k * k;
    for y in 0..nh {
        for x in 0..nw {
            let mut sum = 0u32;
            for dy in 0..k {
                let row = ((y * k + dy) * w + x * k) as usize;
                sum += src[row..row + k as usize]
                    .iter()
                    .map(|&p| p as u32)
                    .sum::<u32>();
            }
            out[(y * nw + x) as usize] = (sum / kk) as u8;
        }
    }
    GrayImage::from_raw(nw, nh, out).expect("size matches")
}

/// Bilinear sample at (x, y); outside the page is white paper.
#[inline]
pub fn sample(img: &GrayImage, x: f32, y: f32) -> f32 {
    let (w, h) = img.dimensions();
    let x = x - 0.5;
    let y = y - 0.5;
    let x0 = x.floor();
    let y0 = y.floor();
    let fx = x - x0;
    let fy = y - y0;
    let px = |xx: f32, yy: f32| -> f32 {
        if xx < 0.0 || yy < 0.0 || xx >= w as f32 || yy >= h as f32 {
            255.0
        } else {
            img.as_raw()[(yy as u32 * w + xx as u32) as usize] as f32
        }
    };
    let a = px(x0, y0);
    let b = px(x0 + 1.0, y0);
    let c = px(x0, y0 + 1.0);
    let d = px(x0 + 1.0, y0 + 1.0);
    (a * (1.0 - fx) + b * fx) * (1.0 - fy) + (c * (1.0 - fx) + d * fx) * fy
}

/// A rotated rectangle on the page: centre, unit axis along the text, half
/// length and half height (page pixels).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RotRect {
    pub cx: f32,
    pub cy: f32,
    pub angle: f32,
    pub half_w: f32,
    pub half_h: f32,
}

impl RotRect {
    /// The four corners, clockwise from top-left.
    pub fn corners(&self) -> [(f32, f32); 4] {
        let (s, c) = self.angle.sin_cos();
        let (ux, uy) = (c * self.half_w, s * self.half_w);
        let (vx, vy) = (-s * self.half_h, c * self.half_h);
        [
            (self.cx - ux - vx, self.cy - uy - vy),
            (self.cx + ux - vx, self.cy + uy - vy),
            (self.cx + ux + vx, self.cy + uy + vy),
            (self.cx - ux + vx, self.cy - uy + vy),
        ]
    }

    /// Axis-aligned bounds `[x0, y0, x1, y1]`, clamped to the page.
    pub fn bounds(&self, w: u32, h: u32) -> [u32; 4] {
        let cs = self.corners();
        let f = |v: f32, max: u32| v.round().clamp(0.0, max as f32) as u32;
        let x0 = cs.iter().map(|p| p.0).fold(f32::MAX, f32::min);
        let x1 = cs.iter().map(|p| p.0).fold(f32::MIN, f32::max);
        let y0 = cs.iter().map(|p| p.1).fold(f32::MAX, f32::min);
        let y1 = cs.iter().map(|p| p.1).fold(f32::MIN, f32::max);
        [f(x0, w), f(y0, h), f(x1, w), f(y1, h)]
    }
}

/// Cut the rectangle out straightened, `out_h` pixels high and as wide as
/// keeps its proportions (at most `max_w`). Returns the grey pixels row-major.
pub fn crop(img: &GrayImage, r: &RotRect, out_h: u32, max_w: u32) -> (u32, Vec<f32>) {
    let scale = (2.0 * r.half_h) / out_h as f32;
    let want = ((2.0 * r.half_w) / scale).round() as u32;
    let out_w = want.clamp(8, max_w);
    let sx = (2.0 * r.half_w) / out_w as f32;
    let (s, c) = r.angle.sin_cos();
    let mut out = Vec::with_capacity((out_w * out_h) as usize);
    for i in 0..out_h {
        let v = (i as f32 + 0.5) * scale - r.half_h;
        for j in 0..out_w {
            let u = (j as f32 + 0.5) * sx - r.half_w;
            let x = r.cx + u * c - v * s;
            let y = r.cy + u * s + v * c;
            out.push(sample(img, x, y));
        }
    }
    (out_w, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shrink_keeps_the_page_within_bounds() {
        let img = GrayImage::from_pixel(7000, 5000, image::Luma([200]));
        let s = shrink_to(img, WORK_MAX_SIDE);
        assert!(s.width() <= WORK_MAX_SIDE && s.height() <= WORK_MAX_SIDE);
        assert_eq!(s.get_pixel(10, 10).0[0], 200);
    }

    #[test]
    fn crop_of_an_upright_box_is_the_box() {
        let mut img = GrayImage::from_pixel(100, 50, image::Luma([255]));
        for x in 20..80 {
            for y in 20..30 {
                img.put_pixel(x, y, image::Luma([0]));
            }
        }
        let r = RotRect {
            cx: 50.0,
            cy: 25.0,
            angle: 0.0,
            half_w: 30.0,
            half_h: 5.0,
        };
        let (w, px) = crop(&img, &r, 10, 100);
        assert_eq!(w, 60);
        assert!(px.iter().all(|&p| p < 1.0));
        assert_eq!(r.bounds(100, 50), [20, 20, 80, 30]);
    }
}
