//! Historical-case import: the row parser never panics on any text, every
//! accepted row has the documented invariants, and arbitrary bytes given as an
//! .xlsx file are refused with an error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use xinfang_app::import::row::{layout, parse_row, COLUMNS};

fuzz_target!(|data: &[u8]| {
    if data.starts_with(b"PK") {
        let _ = xinfang_app::import::read_sheet(data);
        return;
    }
    let Ok(s) = std::str::from_utf8(data) else { return };
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let mut lines = s.lines();
    // First line: either a header of its own, or use the documented one.
    let header: Vec<String> = match lines.next() {
        Some(h) if h.contains('\t') => h.split('\t').map(str::to_string).collect(),
        _ => COLUMNS.iter().map(|(n, _)| n.to_string()).collect(),
    };
    let Ok(l) = layout(&header) else { return };
    for line in lines {
        let cells: Vec<String> = line.split('\t').map(str::to_string).collect();
        if let Ok(r) = parse_row(&l, &cells, today) {
            assert!(r.date <= today);
            assert!(!r.petitioners.is_empty());
            assert!(r.persons as usize >= r.petitioners.len());
            assert!(!r.request.is_empty());
            assert_eq!(r.region_code.len(), 6);
            // The 办理状态's steps follow each other, from the 信访日期 to today.
            let h = &r.history;
            let steps = [h.forwarded_on, h.accepted_on, h.replied_on, h.delivered_on];
            let mut last = r.date;
            for d in steps.into_iter().flatten() {
                assert!(d >= last && d <= today);
                last = d;
            }
        }
    }
});
