//! 身份证 parser: never panics; anything accepted has a valid check digit and round-trips.
#![no_main]
use libfuzzer_sys::fuzz_target;
use xinfang_text::id_number::{check_char, IdNumber};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    if let Ok(id) = IdNumber::parse_at(s, today) {
        let v = id.as_str();
        assert_eq!(v.len(), 18);
        assert_eq!(v.chars().last(), Some(check_char(&v[..17])));
        assert_eq!(IdNumber::parse_at(v, today).unwrap().as_str(), v);
        assert!(id.birth_date() <= today);
    }
});
