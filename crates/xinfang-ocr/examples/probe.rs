//! Render one synthetic letter with a font file, degrade it, read it, and
//! print accuracy and timings: `cargo run -p xinfang-ocr --example probe --
//! FONT.otf [seed] [layout 0-2] [px] [condition 0-8] [out.jpg]`; FONT `hand`
//! writes the page with the simulated pen instead (`synth::render_hand`;
//! out.png keeps it lossless). The
//! committed test letter is `probe fang.otf 1 0 30 0 tests/data/letter-clean.jpg`
//! (the same page `xinfang bench ocr --write-sample` writes).

use std::time::Instant;

use xinfang_ocr::metrics::char_accuracy;
use xinfang_ocr::synth::{
    degrade, encode_jpeg, encode_png, render, render_hand, Degradation, Layout, Letter,
};
use xinfang_ocr::Ocr;

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let hand = a[1] == "hand";
    let font = if hand {
        vec![]
    } else {
        std::fs::read(&a[1]).expect("font file")
    };
    let seed: u64 = a.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let layout = [Layout::Plain, Layout::Letterhead, Layout::TwoColumns]
        [a.get(3).and_then(|s| s.parse().ok()).unwrap_or(0)];
    let px: f32 = a.get(4).and_then(|s| s.parse().ok()).unwrap_or(30.0);
    let conds = [
        Degradation::Clean,
        Degradation::Rotate(3.0),
        Degradation::Rotate(-1.5),
        Degradation::Keystone(0.05),
        Degradation::Blur(1.2),
        Degradation::Noise(12.0),
        Degradation::UnevenLight,
        Degradation::Jpeg(35),
        Degradation::Photo,
    ];
    let cond = conds[a.get(5).and_then(|s| s.parse().ok()).unwrap_or(0)];
    let letter = Letter::random(seed, layout);
    let r = if hand {
        render_hand(&letter, px, seed).expect("render")
    } else {
        render(&letter, &font, px).expect("render")
    };
    let img = degrade(&r.image, cond, seed);
    if let Some(out) = a.get(6) {
        let bytes = if out.ends_with(".png") {
            encode_png(&img)
        } else {
            encode_jpeg(&img, 80)
        };
        std::fs::write(out, bytes).expect("write");
        std::fs::write(
            std::path::Path::new(out).with_extension("txt"),
            r.truth.join("\n") + "\n",
        )
        .expect("write truth");
    }
    let t = Instant::now();
    let ocr = Ocr::load().expect("load");
    eprintln!("load {:.2}s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let page = ocr.read_page(&img, 0).expect("read");
    let secs = t.elapsed().as_secs_f64();
    let text: Vec<&str> = page.lines.iter().map(|l| l.text.as_str()).collect();
    let text = text.join("\n");
    println!("{text}");
    eprintln!(
        "{}: accuracy {:.4}, {:.2}s, skew {:.2}°, {} lines",
        cond.label(),
        char_accuracy(&r.truth.join("\n"), &text),
        secs,
        page.skew_degrees,
        page.lines.len()
    );
}
