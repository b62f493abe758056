//! Intake JSON: arbitrary bytes through the intake request parser and the pure
//! field checks used by `POST /api/v1/petitions` never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use xinfang_app::intake::IntakeRequest;

fuzz_target!(|data: &[u8]| {
    if let Ok(req) = serde_json::from_slice::<IntakeRequest>(data) {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let _ = xinfang_app::intake::check_fields(&req, today);
        let text = format!("{}{}{}", req.request, req.facts, req.reasons);
        let _ = xinfang_text::analyze(&text);
    }
});
