//! Line recognition with PP-OCRv4's CTC model. tract cannot run the model
//! with a symbolic width (a Reshape fails to unify), so a line is padded to
//! the next of a few fixed widths and one optimised model per width is
//! compiled on first use and cached (0.15–0.25 s each). The dictionary is the
//! model's own (metadata key `character`), so model and alphabet never part.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tract_onnx::prelude::*;

use crate::OcrError;

pub const HEIGHT: u32 = 48;
/// Width steps, in pixels at height 48 (CTC steps = width / 8).
pub const STEPS: [u32; 14] = [
    96, 192, 288, 384, 512, 640, 800, 960, 1152, 1344, 1600, 1920, 2400, 3200,
];

type Plan = Arc<TypedRunnableModel>;

pub struct Recognizer {
    base: InferenceModel,
    cache: Mutex<HashMap<u32, Plan>>,
    /// Class k > 0 is `alphabet[k - 1]`; class 0 is the CTC blank.
    alphabet: Vec<String>,
}

fn engine(e: impl std::fmt::Display) -> OcrError {
    OcrError::Engine(e.to_string())
}

impl Recognizer {
    pub fn load(bytes: &[u8]) -> Result<Recognizer, OcrError> {
        let onnx = tract_onnx::onnx();
        let proto = onnx.proto_model_for_read(&mut &bytes[..]).map_err(engine)?;
        let chars = proto
            .metadata_props
            .iter()
            .find(|p| p.key == "character")
            .ok_or_else(|| engine("识别模型缺少字典（character）"))?
            .value
            .clone();
        let mut alphabet: Vec<String> = chars.lines().map(str::to_string).collect();
        // PaddleOCR appends the space class after the dictionary.
        alphabet.push(" ".into());
        let base = onnx.model_for_proto_model(&proto).map_err(engine)?;
        Ok(Recognizer {
            base,
            cache: Mutex::new(HashMap::new()),
            alphabet,
        })
    }

    pub fn alphabet_len(&self) -> usize {
        self.alphabet.len()
    }

    fn plan(&self, width: u32) -> Result<Plan, OcrError> {
        if let Some(p) = self.cache.lock().expect("cache lock").get(&width) {
            return Ok(p.clone());
        }
        let plan = self
            .base
            .clone()
            .with_input_fact(0, f32::fact([1, 3, HEIGHT as usize, width as usize]).into())
            .and_then(|m| m.into_optimized())
            .and_then(|m| m.into_runnable())
            .map_err(engine)?;
        self.cache
            .lock()
            .expect("cache lock")
            .insert(width, plan.clone());
        Ok(plan)
    }

    /// Compile the plans for the usual line widths ahead (server start-up).
    pub fn warm(&self, widths: &[u32]) -> Result<(), OcrError> {
        for &w in widths {
            self.plan(w)?;
        }
        Ok(())
    }

    /// Read one straightened line (`w`×48 grey pixels): text and confidence
    /// (mean probability of the emitted characters).
    pub fn read(&self, w: u32, grey: &[f32]) -> Result<(String, f32), OcrError> {
        let step = *STEPS
            .iter()
            .find(|&&s| s >= w)
            .unwrap_or(&STEPS[STEPS.len() - 1]);
        let w = w.min(step) as usize;
        let sw = step as usize;
        let h = HEIGHT as usize;
        let mut plane = vec![0.0f32; h * sw];
        for y in 0..h {
            for x in 0..w {
                plane[y * sw + x] = grey[y * w + x] / 127.5 - 1.0;
            }
        }
        let mut data = Vec::with_capacity(3 * h * sw);
        for _ in 0..3 {
            data.extend_from_slice(&plane);
        }
        let input = Tensor::from_shape(&[1, 3, h, sw], &data).map_err(engine)?;
        let out = self.plan(step)?.run(tvec!(input.into())).map_err(engine)?;
        let probs = out[0].to_plain_array_view::<f32>().map_err(engine)?;
        let shape = probs.shape().to_vec();
        if shape.len() != 3 || shape[2] != self.alphabet.len() + 1 {
            return Err(engine(format!("识别模型输出形状异常：{shape:?}")));
        }
        let classes = shape[2];
        let flat = probs.as_slice().ok_or_else(|| engine("输出不连续"))?;
        // Only the steps that cover the line, not the padding.
        let steps = (w.div_ceil(8) + 1).min(shape[1]);
        let best: Vec<(usize, f32)> = flat
            .chunks_exact(classes)
            .take(steps)
            .map(|row| {
                row.iter()
                    .enumerate()
                    .fold((0, f32::MIN), |b, (k, &p)| if p > b.1 { (k, p) } else { b })
            })
            .collect();
        Ok(self.decode(&best))
    }

    /// Greedy CTC: collapse repeats, drop blanks.
    fn decode(&self, best: &[(usize, f32)]) -> (String, f32) {
        let mut text = String::new();
        let mut confs = vec![];
        let mut prev = 0usize;
        for &(k, p) in best {
            if k != 0 && k != prev {
                if let Some(c) = self.alphabet.get(k - 1) {
                    text.push_str(c);
                    confs.push(p);
                }
            }
            prev = k;
        }
        let conf = if confs.is_empty() {
            0.0
        } else {
            confs.iter().sum::<f32>() / confs.len() as f32
        };
        (text.trim().to_string(), conf)
    }
}
