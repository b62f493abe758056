//! Print each read line's box and text for a synthetic page (reading-order
//! debugging): `dump_lines FONT seed layout px condition`.
use xinfang_ocr::synth::{degrade, render, Degradation, Layout, Letter};
use xinfang_ocr::metrics::char_accuracy;
use xinfang_ocr::Ocr;

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let font = std::fs::read(&a[1]).expect("font");
    let seed: u64 = a[2].parse().unwrap();
    let layout = [Layout::Plain, Layout::Letterhead, Layout::TwoColumns][a[3].parse::<usize>().unwrap()];
    let px: f32 = a[4].parse().unwrap();
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
    let cond = conds[a[5].parse::<usize>().unwrap()];
    let letter = Letter::random(seed, layout);
    let r = render(&letter, &font, px).unwrap();
    let img = degrade(&r.image, cond, seed);
    let ocr = Ocr::load().unwrap();
    let page = ocr.read_page(&img, 0).unwrap();
    println!("skew {}", page.skew_degrees);
    for l in &page.lines {
        println!("{:?} {:.3} {}", l.bbox, l.confidence, l.text);
    }
    let text: Vec<&str> = page.lines.iter().map(|l| l.text.as_str()).collect();
    println!("acc {:.4}", char_accuracy(&r.truth.join("\n"), &text.join("\n")));
}
