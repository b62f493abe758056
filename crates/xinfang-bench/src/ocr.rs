//! `xinfang bench ocr` (issue #22): reads a labelled set of synthetic letters
//! — generated here, deterministically, from `xinfang_ocr::synth` with the
//! three CJK faces the binary already embeds for 公文 (仿宋, 小标宋, 黑体), a
//! font file, or a simulated ballpoint pen (`--hand`), at three sizes, in
//! three layouts, under each degradation — and reports
//! character accuracy per condition, field accuracy (ID number, phone, name,
//! letter date) through the same `propose` the API uses, seconds per page on
//! this machine and, separately, the model load time.

use std::time::Instant;

use chrono::NaiveDate;
use serde::Serialize;
use xinfang_gongwen::fonts::Face;
use xinfang_ocr::metrics::char_accuracy;
use xinfang_ocr::synth::{degrade, render, render_hand, Degradation, Layout, Letter};
use xinfang_ocr::Ocr;

use xinfang_app::letter_reading::{propose, ReadLine};

/// The conditions reported, in order.
pub const CONDITIONS: [Degradation; 12] = [
    Degradation::Clean,
    Degradation::Rotate(3.0),
    Degradation::Rotate(-1.5),
    Degradation::Keystone(0.05),
    Degradation::Blur(1.2),
    Degradation::Noise(12.0),
    Degradation::UnevenLight,
    Degradation::Jpeg(35),
    Degradation::Photo,
    Degradation::Turn(90),
    Degradation::Turn(180),
    Degradation::Turn(270),
];

const LAYOUTS: [Layout; 3] = [Layout::Plain, Layout::Letterhead, Layout::TwoColumns];
const SIZES: [f32; 3] = [30.0, 26.0, 34.0];

#[derive(Debug, Default, Serialize)]
pub struct FieldScore {
    pub exact: usize,
    pub total: usize,
}

impl FieldScore {
    fn add(&mut self, ok: bool) {
        self.total += 1;
        self.exact += usize::from(ok);
    }
}

#[derive(Debug, Serialize)]
pub struct ConditionResult {
    pub condition: String,
    pub pages: usize,
    pub char_accuracy: f64,
    pub worst_page: f64,
    pub seconds_per_page: f64,
    pub id_exact: usize,
    pub phone_exact: usize,
}

#[derive(Debug, Serialize)]
pub struct OcrBench {
    /// The faces the pages were set in: the three embedded ones, the font
    /// file given with `--font` (e.g. a 楷体 face — print all the same), or
    /// the simulated pen of `--hand`.
    pub faces: String,
    pub load_seconds: f64,
    pub pages: usize,
    pub conditions: Vec<ConditionResult>,
    pub by_layout: Vec<(String, f64)>,
    pub id_number: FieldScore,
    pub phone: FieldScore,
    pub name: FieldScore,
    pub letter_date: FieldScore,
    pub seconds_per_page: f64,
    pub peak_rss_mb: Option<u64>,
}

/// One page of the set: the letter, its rendering and the condition.
pub struct Sample {
    pub letter: Letter,
    pub truth: Vec<String>,
    pub image: image::GrayImage,
    pub condition: Degradation,
}

/// What the pages are written with.
#[derive(Debug, Clone, Copy)]
pub enum Faces<'a> {
    /// The three embedded 公文 faces, in turn.
    Embedded,
    /// A font file: its name and bytes.
    File(&'a str, &'a [u8]),
    /// A simulated ballpoint pen from stroke data (`synth::render_hand`).
    Hand,
}

impl Faces<'_> {
    fn describe(&self) -> String {
        match self {
            Faces::Embedded => {
                "embedded: 仿宋 (Fandol), 小标宋 (Noto Serif CJK Bold), 黑体 (Noto Sans CJK)".into()
            }
            Faces::File(name, _) => name.to_string(),
            Faces::Hand => "handwriting: simulated ballpoint pen on Make Me a Hanzi stroke \
                            medians (hanzi-writer-data 2.0.1), hand-made digits and punctuation"
                .into(),
        }
    }
}

/// Page `k` of a condition: layout, face and size rotate so every
/// condition sees each of them.
pub fn sample(condition: usize, k: usize) -> Result<Sample, String> {
    sample_in(condition, k, Faces::Embedded)
}

/// Page `k` of a condition written with `faces`.
pub fn sample_in(condition: usize, k: usize, faces: Faces<'_>) -> Result<Sample, String> {
    let layout = LAYOUTS[k % LAYOUTS.len()];
    let face = Face::ALL[(k + condition) % Face::ALL.len()];
    let px = SIZES[(k / LAYOUTS.len() + condition) % SIZES.len()];
    let seed = (condition * 1000 + k) as u64 + 1;
    let letter = Letter::random(seed, layout);
    let r = match faces {
        Faces::Embedded => render(&letter, face.bytes(), px)?,
        Faces::File(_, bytes) => render(&letter, bytes, px)?,
        Faces::Hand => render_hand(&letter, px, seed)?,
    };
    let d = CONDITIONS[condition];
    Ok(Sample {
        image: degrade(&r.image, d, seed),
        truth: r.truth,
        letter,
        condition: d,
    })
}

fn peak_rss_mb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

/// Run the benchmark with `per` pages per condition written with `faces`.
pub fn run(
    per: usize,
    faces: Faces<'_>,
    mut progress: impl FnMut(&str),
) -> Result<OcrBench, String> {
    let t = Instant::now();
    let ocr = Ocr::load().map_err(|e| e.to_string())?;
    let load_seconds = t.elapsed().as_secs_f64();
    progress(&format!("模型加载 {load_seconds:.2} 秒"));
    let today = NaiveDate::from_ymd_opt(2026, 12, 31).expect("date");
    let mut conditions = vec![];
    let mut layouts: Vec<(Layout, f64, usize)> = LAYOUTS.iter().map(|&l| (l, 0.0, 0)).collect();
    let (mut id, mut phone, mut name, mut date) = (
        FieldScore::default(),
        FieldScore::default(),
        FieldScore::default(),
        FieldScore::default(),
    );
    let mut total_secs = 0.0;
    let mut pages = 0;
    for (c, condition) in CONDITIONS.iter().enumerate() {
        let (mut acc, mut worst, mut secs, mut id_ok, mut ph_ok) = (0.0, 1.0f64, 0.0, 0, 0);
        for k in 0..per {
            let s = sample_in(c, k, faces)?;
            let t = Instant::now();
            let page = ocr.read_page(&s.image, 0).map_err(|e| e.to_string())?;
            let dt = t.elapsed().as_secs_f64();
            let text: String = page
                .lines
                .iter()
                .map(|l| l.text.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            let a = char_accuracy(&s.truth.join("\n"), &text);
            let lines: Vec<ReadLine> = page
                .lines
                .iter()
                .map(|l| ReadLine {
                    text: l.text.clone(),
                    bbox: l.bbox,
                    confidence: l.confidence,
                    page: 0,
                })
                .collect();
            let p = propose(&lines, today);
            let who = p.petitioners.first();
            let id_hit =
                who.and_then(|w| w.id_number.as_deref()) == Some(s.letter.id_number.as_str());
            let ph_hit = who.and_then(|w| w.phone.as_deref()) == Some(s.letter.phone.as_str());
            id.add(id_hit);
            phone.add(ph_hit);
            name.add(who.map(|w| w.name.as_str()) == Some(s.letter.name.as_str()));
            date.add(
                p.letter_date.map(|d| d.to_string()).as_deref() == Some(s.letter.date.as_str()),
            );
            id_ok += usize::from(id_hit);
            ph_ok += usize::from(ph_hit);
            acc += a;
            worst = worst.min(a);
            secs += dt;
            let l = layouts
                .iter_mut()
                .find(|x| x.0 == s.letter.layout)
                .expect("layout");
            l.1 += a;
            l.2 += 1;
            progress(&format!(
                "{} 第{}页：字符准确率 {:.4}，{:.2} 秒",
                s.condition.label(),
                k + 1,
                a,
                dt
            ));
        }
        total_secs += secs;
        pages += per;
        conditions.push(ConditionResult {
            condition: condition.label(),
            pages: per,
            char_accuracy: acc / per as f64,
            worst_page: worst,
            seconds_per_page: secs / per as f64,
            id_exact: id_ok,
            phone_exact: ph_ok,
        });
    }
    Ok(OcrBench {
        faces: faces.describe(),
        load_seconds,
        pages,
        conditions,
        by_layout: layouts
            .into_iter()
            .map(|(l, a, n)| (format!("{l:?}"), if n == 0 { 0.0 } else { a / n as f64 }))
            .collect(),
        id_number: id,
        phone,
        name,
        letter_date: date,
        seconds_per_page: total_secs / pages.max(1) as f64,
        peak_rss_mb: peak_rss_mb(),
    })
}
