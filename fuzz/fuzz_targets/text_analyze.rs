//! Chinese text analysis (normalise, jieba, MinHash, risk lexicon, cues) on any text: never panics,
//! risk offsets always fall on character boundaries of the normalised text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let a = xinfang_text::analyze(s);
    for h in &a.risk_hits {
        assert!(a.normalized.is_char_boundary(h.start) && a.normalized.is_char_boundary(h.end));
        assert!(h.start < h.end && h.end <= a.normalized.len());
    }
    let _ = xinfang_text::mask::mask_text_pii(s);
    let _ = xinfang_text::phone::normalize_phone(s);
});
