//! The whole pipeline end to end.

use std::time::Instant;

use xinfang_text::risk::RiskCategory;
use xinfang_text::{analyze, mask_text_pii, warm_up};

const TEXT: &str = "本人李四（身份证１１０１０５１９４９１２３１００２Ｘ，电话13812345678），\
    2019年村里征地拆迁，至今没有拿到补偿款。法院判决后一直没有强制执行。\
    再不解决我就去市政府门口自焚，还要联系媒体曝光！请求领导尽快解决。";

#[test]
fn analyze_end_to_end() {
    let a = analyze(TEXT);
    assert!(
        a.normalized.contains("11010519491231002X"),
        "{}",
        a.normalized
    );
    assert!(a.tokens.iter().any(|t| t == "征地拆迁"), "{:?}", a.tokens);
    assert!(!a.minhash.is_empty());
    assert_ne!(a.simhash, 0);
    assert_eq!(a.risk_level(), Some(3));
    let cats: Vec<RiskCategory> = a.risk_hits.iter().map(|h| h.category).collect();
    assert!(cats.contains(&RiskCategory::Threat) && cats.contains(&RiskCategory::PublicOpinion));
    for h in &a.risk_hits {
        assert_eq!(&a.normalized[h.start..h.end], h.term);
    }
    assert_eq!(a.litigation_cues, ["法院", "判决", "强制执行"]);
    assert_eq!(a.kind_hint.map(|k| k.0), Some("claim"));
    let masked = mask_text_pii(&a.normalized);
    assert!(masked.contains("110105********002X") && masked.contains("138****5678"));
    let json = serde_json_string(&a);
    assert!(json.contains("\"threat\""));
}

fn serde_json_string<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap()
}

#[test]
fn empty_text_is_harmless() {
    let a = analyze("  ");
    assert_eq!(a.normalized, "");
    assert!(a.tokens.is_empty() && a.risk_hits.is_empty() && a.kind_hint.is_none());
    assert!(a.band_keys().is_empty());
}

/// Timing is only meaningful in release builds:
/// `cargo test -p xinfang-text --release --test analyze -- --ignored --nocapture`.
#[test]
#[ignore]
fn analyze_timing() {
    let start = Instant::now();
    warm_up();
    println!("warm_up: {:?}", start.elapsed());
    let long = TEXT.repeat(9);
    for text in [TEXT, long.as_str()] {
        let n = 1000;
        let start = Instant::now();
        for _ in 0..n {
            std::hint::black_box(analyze(std::hint::black_box(text)));
        }
        let per = start.elapsed() / n;
        println!(
            "analyze: {per:?} per text of {} chars",
            text.chars().count()
        );
    }
}
