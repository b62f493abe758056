//! Official calendar loader: never panics; what it accepts round-trips and answers every covered day.
#![no_main]
use libfuzzer_sys::fuzz_target;
use xinfang_domain::calendar::Calendar;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(cal) = Calendar::parse(s) {
        assert_eq!(Calendar::parse(&cal.to_text()).unwrap(), cal);
        for y in cal.years() {
            assert!(cal.year_overview(y).unwrap().len() >= 365);
        }
    }
});
