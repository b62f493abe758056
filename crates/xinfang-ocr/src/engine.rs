//! The reader: embedded models, loaded once per process, and the page
//! pipeline (detect → right a page turned a quarter or half round → straighten
//! and cut each line → recognise → order).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use image::GrayImage;
use serde::Serialize;
use tract_onnx::prelude::*;

use crate::det;
use crate::geometry::crop;
use crate::input::{decode_pages, Limits};
use crate::order::{reading_order, Span};
use crate::orient;
use crate::rec::{Recognizer, HEIGHT, STEPS};
use crate::OcrError;

static DET_MODEL: &[u8] = include_bytes!("../models/ch_PP-OCRv4_det_infer.onnx");
static REC_MODEL: &[u8] = include_bytes!("../models/ch_PP-OCRv4_rec_infer.onnx");

/// Lines read with less confidence are dropped (PaddleOCR's `text_score`).
pub const MIN_LINE_CONFIDENCE: f32 = 0.5;

/// One read line.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub text: String,
    /// `[x0, y0, x1, y1]` on the page as decoded (after EXIF orientation and
    /// shrinking to the working size; see [`Page::width`]).
    #[serde(rename = "box")]
    pub bbox: [u32; 4],
    pub confidence: f32,
    /// 0-based page of the upload.
    pub page: usize,
}

/// One read page.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    pub width: u32,
    pub height: u32,
    /// Dominant text angle found (degrees, clockwise positive).
    pub skew_degrees: f32,
    /// How far the page as uploaded lies turned clockwise from upright (0,
    /// 90, 180, 270): a scan fed in sideways or upside down, turned back
    /// to be read. Boxes are on the page as uploaded all the same.
    pub turned_degrees: u16,
    pub lines: Vec<Line>,
}

/// A whole upload read.
#[derive(Debug, Clone, Serialize)]
pub struct Reading {
    pub pages: Vec<Page>,
}

impl Reading {
    /// All lines in reading order, page after page.
    pub fn lines(&self) -> impl Iterator<Item = &Line> {
        self.pages.iter().flat_map(|p| p.lines.iter())
    }

    /// The text, one line per read line.
    pub fn text(&self) -> String {
        self.lines()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

type Plan = Arc<TypedRunnableModel>;

/// Lines already read, by region index: (text, confidence).
type Reads = HashMap<usize, (String, f32)>;

/// The loaded models. Cheap to share (`Arc`); reads may run concurrently
/// but each uses a few hundred MB, so callers bound concurrency.
pub struct Ocr {
    det_base: InferenceModel,
    det_plans: Mutex<HashMap<(u32, u32), Plan>>,
    rec: Recognizer,
}

fn engine(e: impl std::fmt::Display) -> OcrError {
    OcrError::Engine(e.to_string())
}

impl Ocr {
    /// Parse the embedded models and compile the portrait detector and the
    /// common line widths.
    pub fn load() -> Result<Ocr, OcrError> {
        let det_base = tract_onnx::onnx()
            .model_for_read(&mut &DET_MODEL[..])
            .map_err(engine)?;
        let ocr = Ocr {
            det_base,
            det_plans: Mutex::new(HashMap::new()),
            rec: Recognizer::load(REC_MODEL)?,
        };
        ocr.det_plan(det::PORTRAIT)?;
        ocr.rec.warm(&STEPS[..8])?;
        Ok(ocr)
    }

    /// Size of the recognition alphabet (without the CTC blank).
    pub fn alphabet_len(&self) -> usize {
        self.rec.alphabet_len()
    }

    fn det_plan(&self, canvas: (u32, u32)) -> Result<Plan, OcrError> {
        if let Some(p) = self.det_plans.lock().expect("lock").get(&canvas) {
            return Ok(p.clone());
        }
        let plan = self
            .det_base
            .clone()
            .with_input_fact(
                0,
                f32::fact([1, 3, canvas.1 as usize, canvas.0 as usize]).into(),
            )
            .and_then(|m| m.into_optimized())
            .and_then(|m| m.into_runnable())
            .map_err(engine)?;
        self.det_plans
            .lock()
            .expect("lock")
            .insert(canvas, plan.clone());
        Ok(plan)
    }

    /// Read an upload (JPEG, PNG or image PDF).
    pub fn read_file(&self, bytes: &[u8], limits: &Limits) -> Result<Reading, OcrError> {
        let pages = decode_pages(bytes, limits)?;
        let mut out = vec![];
        for (i, p) in pages.iter().enumerate() {
            out.push(self.read_page(p, i)?);
        }
        Ok(Reading { pages: out })
    }

    /// Detect text regions on a page: the regions and the page's angle.
    fn detect(&self, img: &GrayImage) -> Result<(Vec<det::Region>, f32), OcrError> {
        let (w, h) = img.dimensions();
        self.detect_on(img, det::canvas_for(w, h))
    }

    /// [`Ocr::detect`] with the page scaled into `canvas`.
    fn detect_on(
        &self,
        img: &GrayImage,
        canvas: (u32, u32),
    ) -> Result<(Vec<det::Region>, f32), OcrError> {
        let (input, scale) = det::input(img, canvas);
        let out = self
            .det_plan(canvas)?
            .run(tvec!(input.into()))
            .map_err(engine)?;
        let prob = out[0].to_plain_array_view::<f32>().map_err(engine)?;
        let shape = prob.shape().to_vec();
        let flat = prob.as_slice().ok_or_else(|| engine("输出不连续"))?;
        let (ph, pw) = (shape[shape.len() - 2], shape[shape.len() - 1]);
        Ok(det::regions(flat, pw, ph, scale))
    }

    /// Read one region as it stands, or turned half round: (text, confidence).
    fn read_region(
        &self,
        img: &GrayImage,
        r: &det::Region,
        half_turn: bool,
    ) -> Result<(String, f32), OcrError> {
        let mut rect = r.rect;
        if half_turn {
            rect.angle += std::f32::consts::PI;
        }
        let (cw, px) = crop(img, &rect, HEIGHT, STEPS[STEPS.len() - 1]);
        self.rec.read(cw, &px)
    }

    /// Read every region as it stands: (text, confidence) in region order;
    /// the regions already read (`known`, by index) are not read again.
    fn read_regions(
        &self,
        img: &GrayImage,
        regions: &[det::Region],
        mut known: Reads,
    ) -> Result<Vec<(String, f32)>, OcrError> {
        (0..regions.len())
            .map(|i| match known.remove(&i) {
                Some(read) => Ok(read),
                None => self.read_region(img, &regions[i], false),
            })
            .collect()
    }

    /// Whether the page is upside down, decided before the page is read,
    /// from its widest few lines, one at a time: each is read as it stands
    /// and, while that reading is doubtful, turned half round too. The
    /// page stands as it is once the lines read so far are read surely
    /// (mean confidence ≥ [`orient::SURE`]); it is upside down once they
    /// read surely and clearly better turned; otherwise the next line
    /// decides, and after the last the better direction wins. A printed
    /// page is usually decided by its widest line: one or two line reads,
    /// not a page. One wide line is enough for a short note. Returns the
    /// verdict and the lines read in the winning direction, by region
    /// index, so that no line is read twice the same way.
    fn upside_down(
        &self,
        img: &GrayImage,
        regions: &[det::Region],
    ) -> Result<(bool, Reads), OcrError> {
        let mut wide: Vec<usize> = (0..regions.len())
            .filter(|&i| regions[i].rect.half_w > 3.0 * regions[i].rect.half_h)
            .collect();
        wide.sort_by(|&a, &b| regions[b].rect.half_w.total_cmp(&regions[a].rect.half_w));
        wide.truncate(orient::PROBE_LINES);
        let mean = |reads: &Reads| reads.values().map(|r| r.1).sum::<f32>() / reads.len() as f32;
        let (mut upright, mut turned) = (Reads::new(), Reads::new());
        for &i in &wide {
            upright.insert(i, self.read_region(img, &regions[i], false)?);
            if mean(&upright) >= orient::SURE {
                return Ok((false, upright));
            }
            turned.insert(i, self.read_region(img, &regions[i], true)?);
            let (up, down) = (mean(&upright), mean(&turned));
            if down >= orient::SURE && orient::turned_reads_better(up, down) {
                return Ok((true, turned));
            }
        }
        if !turned.is_empty() && orient::turned_reads_better(mean(&upright), mean(&turned)) {
            Ok((true, turned))
        } else {
            Ok((false, upright))
        }
    }

    /// Read one grey page. A page turned a quarter (most regions taller than
    /// wide: on a page wider than tall, seen at a glance first) is turned
    /// back and detected upright; one upside down (its widest lines read
    /// better turned half round) is turned round before it is read. Boxes are given on
    /// the page as it came.
    pub fn read_page(&self, img: &GrayImage, page: usize) -> Result<Page, OcrError> {
        let (w, h) = img.dimensions();
        let mut turn = orient::Turn::None;
        let mut work = std::borrow::Cow::Borrowed(img);
        // A page wider than tall is most often a letter lying sideways: a
        // glance at a quarter of the pixels decides, so that a sideways
        // page is detected in full once (upright), not twice.
        let sideways = |regions: &[det::Region]| orient::quarter_turned(&shapes(regions));
        let glanced_sideways = w > h && sideways(&self.detect_on(img, det::GLANCE_LANDSCAPE)?.0);
        let (mut regions, mut angle) = if glanced_sideways {
            (vec![], 0.0)
        } else {
            self.detect(img)?
        };
        if glanced_sideways || sideways(&regions) {
            // A quarter turn clockwise; were it the other way, the page is
            // now upside down and the half-turn check below rights it.
            let turned = image::imageops::rotate90(img);
            (regions, angle) = self.detect(&turned)?;
            work = std::borrow::Cow::Owned(turned);
            turn = orient::Turn::Quarter;
        }
        let (upside_down, known) = self.upside_down(&work, &regions)?;
        if upside_down {
            let turned = image::imageops::rotate180(work.as_ref());
            let (tw, th) = turned.dimensions();
            for r in &mut regions {
                r.rect.cx = tw as f32 - r.rect.cx;
                r.rect.cy = th as f32 - r.rect.cy;
            }
            work = std::borrow::Cow::Owned(turned);
            turn = turn.and_half();
        }
        let reads = self.read_regions(&work, &regions, known)?;
        let work = work.as_ref();
        let (ww, wh) = work.dimensions();

        let mut lines = vec![];
        let mut spans = vec![];
        let (s, c) = angle.sin_cos();
        for (r, (text, confidence)) in regions.iter().zip(reads) {
            if text.is_empty() || confidence < MIN_LINE_CONFIDENCE {
                continue;
            }
            // Straighten the centre by the page angle for ordering.
            let (x, y) = (
                r.rect.cx * c + r.rect.cy * s,
                -r.rect.cx * s + r.rect.cy * c,
            );
            let (hw, hh) = if (r.rect.angle - angle).abs() > 0.5 {
                (r.rect.half_h, r.rect.half_w)
            } else {
                (r.rect.half_w, r.rect.half_h)
            };
            spans.push(Span {
                x0: x - hw,
                x1: x + hw,
                y0: y - hh,
                y1: y + hh,
            });
            lines.push(Line {
                text,
                bbox: turn.back(r.rect.bounds(ww, wh), (w, h)),
                confidence,
                page,
            });
        }
        let order = reading_order(&spans);
        let lines = order.into_iter().map(|i| lines[i].clone()).collect();
        Ok(Page {
            width: w,
            height: h,
            skew_degrees: angle.to_degrees(),
            turned_degrees: (360 - turn.degrees()) % 360,
            lines,
        })
    }
}

/// Each region's extent along the page's axes (a region of a sideways line
/// runs along its own axis at a right angle).
fn shapes(regions: &[det::Region]) -> Vec<(f32, f32)> {
    regions
        .iter()
        .map(|r| {
            let (s, c) = r.rect.angle.sin_cos();
            let (s, c) = (s.abs(), c.abs());
            (
                c * r.rect.half_w + s * r.rect.half_h,
                s * r.rect.half_w + c * r.rect.half_h,
            )
        })
        .collect()
}
