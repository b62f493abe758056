//! Reads the committed rendered letter (`data/letter-clean.jpg`, written by
//! `xinfang bench ocr --write-sample`) and checks it against the truth the
//! renderer recorded: character accuracy ≥ 0.98, and the ID number and the
//! phone read exactly. Also the refusals that need the engine.

use xinfang_ocr::metrics::char_accuracy;
use xinfang_ocr::{Limits, Ocr};

const LETTER: &[u8] = include_bytes!("data/letter-clean.jpg");
const TRUTH: &str = include_str!("data/letter-clean.txt");

fn field(label: &str) -> String {
    TRUTH
        .lines()
        .find_map(|l| l.strip_prefix(label))
        .unwrap_or_else(|| panic!("truth has no {label}"))
        .trim()
        .to_string()
}

#[test]
fn reads_the_committed_letter() {
    let ocr = Ocr::load().expect("models load");
    let t = std::time::Instant::now();
    let r = ocr.read_file(LETTER, &Limits::default()).expect("read");
    eprintln!("read in {:.2}s", t.elapsed().as_secs_f64());
    let text = r.text();
    let acc = char_accuracy(TRUTH, &text);
    eprintln!("accuracy {acc:.4}\n{text}");
    assert!(acc >= 0.98, "character accuracy {acc}");
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(
        flat.contains(&field("身份证号：")),
        "ID number not read exactly"
    );
    assert!(
        flat.contains(&field("联系电话：")),
        "phone not read exactly"
    );
    for l in r.lines() {
        assert!(l.bbox[0] < l.bbox[2] && l.bbox[1] < l.bbox[3]);
        assert!(l.confidence >= 0.5 && l.confidence <= 1.0);
    }
    // Reading order: the title first, the date last.
    let lines: Vec<&str> = r.lines().map(|l| l.text.as_str()).collect();
    assert_eq!(lines.first().copied(), TRUTH.lines().next());
    assert_eq!(lines.last().copied(), TRUTH.lines().last());
}

#[test]
fn a_letter_turned_sideways_or_upside_down_is_righted() {
    let ocr = Ocr::load().expect("models load");
    let page = image::load_from_memory(LETTER).expect("jpeg").to_luma8();
    let (w, h) = page.dimensions();
    let id = field("身份证号：");
    for (turn, img) in [
        (90, image::imageops::rotate90(&page)),
        (180, image::imageops::rotate180(&page)),
        (270, image::imageops::rotate270(&page)),
    ] {
        let t = std::time::Instant::now();
        let p = ocr.read_page(&img, 0).expect("read");
        let text: Vec<&str> = p.lines.iter().map(|l| l.text.as_str()).collect();
        let text = text.join("\n");
        let acc = char_accuracy(TRUTH, &text);
        eprintln!(
            "turned {turn}°: accuracy {acc:.4}, righted by {}°, {:.2}s",
            p.turned_degrees,
            t.elapsed().as_secs_f64()
        );
        assert!(acc >= 0.98, "turned {turn}°: accuracy {acc}\n{text}");
        assert_eq!(p.turned_degrees, turn, "turned {turn}°");
        assert!(text.contains(&id), "turned {turn}°: ID number");
        // Boxes are on the page as it came: the ID line's box, turned back
        // the same way, lands where it is on the upright page.
        let (iw, ih) = img.dimensions();
        assert_eq!((p.width, p.height), (iw, ih));
        assert_eq!((iw.max(ih), iw.min(ih)), (w.max(h), w.min(h)));
        let on_turned = p.lines.iter().find(|l| l.text.contains(&id)).unwrap().bbox;
        let [x0, y0, x1, y1] = on_turned;
        let upright = match turn {
            90 => [y0, iw - x1, y1, iw - x0],
            180 => [iw - x1, ih - y1, iw - x0, ih - y0],
            _ => [ih - y1, x0, ih - y0, x1],
        };
        assert!(
            upright[0] < w / 2 && upright[2] > upright[0] + 200,
            "{turn}: {upright:?}"
        );
        assert!(
            upright[1] < h / 2,
            "{turn}: the ID line is in the upper half: {upright:?}"
        );
    }
    // An upright page is not turned.
    assert_eq!(ocr.read_page(&page, 0).unwrap().turned_degrees, 0);
}

#[test]
fn a_short_note_upside_down_is_righted() {
    // Only the letter's heading on an otherwise blank page: one wide line
    // decides which way up it lies.
    let ocr = Ocr::load().expect("models load");
    let page = image::load_from_memory(LETTER).expect("jpeg").to_luma8();
    let (w, h) = page.dimensions();
    let heading = TRUTH.lines().next().unwrap();
    let whole = ocr.read_page(&page, 0).expect("read");
    let [x0, y0, x1, y1] = whole
        .lines
        .iter()
        .find(|l| l.text == heading)
        .expect("heading read")
        .bbox;
    let (x0, y0) = (x0.saturating_sub(20), y0.saturating_sub(20));
    let band = image::imageops::crop_imm(&page, x0, y0, x1 + 20 - x0, y1 + 20 - y0).to_image();
    let mut note = image::GrayImage::from_pixel(w, h, image::Luma([255]));
    image::imageops::replace(&mut note, &band, x0 as i64, y0 as i64);
    let upright = ocr.read_page(&note, 0).expect("read");
    assert_eq!(upright.lines.len(), 1, "one line on the note");
    let texts = |p: &xinfang_ocr::Page| p.lines.iter().map(|l| l.text.clone()).collect::<Vec<_>>();
    assert_eq!(upright.turned_degrees, 0);
    assert!(
        texts(&upright).iter().any(|t| t == heading),
        "{:?}",
        texts(&upright)
    );
    let turned = ocr
        .read_page(&image::imageops::rotate180(&note), 0)
        .expect("read");
    assert_eq!(turned.turned_degrees, 180, "{:?}", texts(&turned));
    assert_eq!(texts(&turned), texts(&upright));
}

#[test]
fn a_blank_page_and_noise_give_nothing_to_register() {
    let ocr = Ocr::load().expect("models load");
    let blank = image::GrayImage::from_pixel(1240, 1754, image::Luma([250]));
    let p = ocr.read_page(&blank, 0).expect("blank page");
    assert!(p.lines.is_empty(), "{:?}", p.lines);
    // A photo that is no letter: smooth shapes, no writing.
    let scene = image::GrayImage::from_fn(1600, 1200, |x, y| {
        let v = ((x as f32 / 90.0).sin() * (y as f32 / 70.0).cos() * 100.0 + 128.0) as u8;
        image::Luma([v])
    });
    let p = ocr.read_page(&scene, 0).expect("scene");
    let chars: usize = p.lines.iter().map(|l| l.text.chars().count()).sum();
    assert!(chars < 10, "{:?}", p.lines);
}

#[test]
fn a_fifty_megapixel_photo_is_shrunk_not_refused() {
    let ocr = Ocr::load().expect("models load");
    let big = image::GrayImage::from_pixel(8660, 5780, image::Luma([245]));
    let jpeg = xinfang_ocr::synth::encode_jpeg(&big, 70);
    drop(big);
    let t = std::time::Instant::now();
    let r = ocr.read_file(&jpeg, &Limits::default()).expect("read");
    assert!(t.elapsed().as_secs() < 60);
    assert_eq!(r.pages.len(), 1);
    assert!(r.pages[0].width <= 3000 && r.pages[0].height <= 3000);
}

#[test]
fn an_image_pdf_is_read_page_by_page() {
    let ocr = Ocr::load().expect("models load");
    let page = image::load_from_memory(LETTER)
        .expect("sample")
        .into_luma8();
    let blank = image::GrayImage::from_pixel(620, 877, image::Luma([250]));
    let pdf = xinfang_ocr::synth::image_pdf(&[page, blank], 85);
    let r = ocr.read_file(&pdf, &Limits::default()).expect("read pdf");
    assert_eq!(r.pages.len(), 2);
    assert!(r.pages[1].lines.is_empty());
    assert!(r.lines().all(|l| l.page == 0));
    assert!(char_accuracy(TRUTH, &r.text()) >= 0.97);
    // Too many pages: refused before anything is decoded.
    let many = vec![image::GrayImage::from_pixel(50, 50, image::Luma([250])); 11];
    let err = ocr
        .read_file(
            &xinfang_ocr::synth::image_pdf(&many, 50),
            &Limits::default(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "too_many_pages");
}
