//! Due dates around 春节, 国庆 and 调休 weekends in several years, each
//! computed by hand from the State Council schedule (comments say why).

use chrono::NaiveDate;
use xinfang_domain::calendar::{Calendar, CalendarError, DayKind};
use xinfang_domain::clock::{compute_due, explain_simple, Counting, Extension, Pause, PeriodSpec};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn due(from: &str, days: u32, working: bool, rollover: bool) -> String {
    explain_simple(Calendar::shipped(), d(from), days, working, rollover)
        .unwrap()
        .due
        .to_string()
}

#[test]
fn official_answers() {
    let cases = [
        // 15 days from 2025-09-20 end on 10-05, inside 国庆中秋 (10.1–10.8) → first working day 10-09.
        ("2025-09-20", 15, false, true, "2025-10-09"),
        // 5 working days from Fri 2025-09-26: 9.28 (Sun, 调休上班) counts, 9.29, 9.30, then 10.9, 10.10.
        ("2025-09-26", 5, true, true, "2025-10-10"),
        // 15 days from 2026-02-10 end Wed 02-25, a working day after 春节.
        ("2026-02-10", 15, false, true, "2026-02-25"),
        // 15 days from 2026-02-05 end Fri 02-20 in 春节 (2.15–2.23) → Tue 02-24.
        ("2026-02-05", 15, false, true, "2026-02-24"),
        // Same without rollover.
        ("2026-02-05", 15, false, false, "2026-02-20"),
        // 5 working days from Mon 2026-02-09: 2.10–2.13, then Sat 2.14 (春节调休上班).
        ("2026-02-09", 5, true, true, "2026-02-14"),
        // 2020: 春节 extended to 2.2 — 5 working days from 1.20: 1.21–1.23, 2.3, 2.4.
        ("2020-01-20", 5, true, true, "2020-02-04"),
        // 2015 抗战胜利70周年 9.3–9.5 rest, Sun 9.6 worked: 3 working days from 8.31 end 9.6.
        ("2015-08-31", 3, true, true, "2015-09-06"),
        // 2019 劳动节 5.1–5.4 with 4.28 and 5.5 (Sundays) worked.
        ("2019-04-25", 5, true, true, "2019-05-05"),
        // 2008 国庆 9.29–10.5: 15 days from 9.20 end Sun 10.5 → Mon 10.6.
        ("2008-09-20", 15, false, true, "2008-10-06"),
        // 2023 中秋国庆 9.29–10.6: 10 days from 9.20 end 9.30 → Sat 10.7, a make-up working day.
        ("2023-09-20", 10, false, true, "2023-10-07"),
        // 2024 春节 2.10–2.17: 15 days from 1.30 end 2.14 → Sun 2.18 (调休上班).
        ("2024-01-30", 15, false, true, "2024-02-18"),
        // 2004 golden week 10.1–10.7: 5 working days from Sat 9.25 end Fri 10.8.
        ("2004-09-25", 5, true, true, "2004-10-08"),
        // 60 days (第三十四条) from 2026-03-05 end 05-04 (劳动节) → 05-06.
        ("2026-03-05", 60, false, true, "2026-05-06"),
    ];
    for (from, n, working, rollover, want) in cases {
        assert_eq!(
            due(from, n, working, rollover),
            want,
            "from {from} +{n} working={working} rollover={rollover}"
        );
    }
}

#[test]
fn extension_and_hearing_pause() {
    let cal = Calendar::shipped();
    let spec = PeriodSpec {
        amount: 60,
        counting: Counting::CalendarDays,
        rollover: true,
    };
    let ext = [Extension {
        days: 30,
        reason: "情况复杂".into(),
        approved_on: d("2026-04-21"),
    }];
    // 90 days from 03-05 end Wed 06-03.
    let r = compute_due(cal, d("2026-03-05"), &spec, &[], &ext).unwrap();
    assert_eq!(r.due, d("2026-06-03"));
    assert!(r.explanation.lines.iter().any(|l| l.contains("延期 30 日")));
    // A hearing from 03-10, counting resumes 03-15: 5 days not counted → 65 days → Sat 05-09, a 劳动节 make-up working day.
    let pause = [Pause {
        from: d("2026-03-10"),
        until: Some(d("2026-03-15")),
        reason: "听证".into(),
    }];
    let r = compute_due(cal, d("2026-03-05"), &spec, &pause, &[]).unwrap();
    assert_eq!(r.due, d("2026-05-09"));
    assert!(!r.paused);
    assert!(
        r.explanation
            .lines
            .iter()
            .any(|l| l.contains("共中止 5 日")),
        "{}",
        r.explanation
    );
    // Still paused: provisional and said so.
    let open = [Pause {
        from: d("2026-03-10"),
        until: None,
        reason: "等待补充材料".into(),
    }];
    let r = compute_due(cal, d("2026-03-05"), &spec, &open, &[]).unwrap();
    assert!(r.paused);
    assert!(r.explanation.to_string().contains("暂定"));
}

#[test]
fn explanation_names_skipped_days_and_rollover() {
    let r = explain_simple(Calendar::shipped(), d("2025-09-20"), 15, false, true).unwrap();
    let text = r.explanation.to_string();
    assert!(text.contains("民法典第二百零一条"), "{text}");
    assert!(text.contains("2025-10-05 为国庆节、中秋节假期"), "{text}");
    assert!(text.contains("民法典第二百零三条"), "{text}");
    assert_eq!(r.explanation.lines.last().unwrap(), "到期日：2025-10-09");
    let r = explain_simple(Calendar::shipped(), d("2025-09-26"), 5, true, true).unwrap();
    let text = r.explanation.to_string();
    assert!(
        text.contains("2025-10-01 至 2025-10-08 为国庆节、中秋节假期，不计入工作日"),
        "{text}"
    );
    assert!(
        text.contains("2025-09-28 为国庆节、中秋节调休上班日，计入工作日"),
        "{text}"
    );
}

#[test]
fn outside_the_calendar_is_an_error_not_a_guess() {
    let cal = Calendar::shipped();
    assert!(matches!(
        cal.day_kind(d("2003-12-31")),
        Err(CalendarError::OutOfRange(..))
    ));
    // Two years past the last loaded one is an error; so is a period reaching it.
    assert!(matches!(
        cal.day_kind(d("2028-01-03")),
        Err(CalendarError::OutOfRange(..))
    ));
    assert!(explain_simple(cal, d("2027-12-20"), 30, false, true).is_err());
}

#[test]
fn the_year_after_the_last_loaded_is_provisional_and_only_ever_earlier() {
    let cal = Calendar::shipped();
    assert_eq!(cal.provisional_year(), Some(2027));
    assert!(cal.is_provisional(d("2027-03-01")) && !cal.is_provisional(d("2026-12-31")));
    // Fixed-date holidays and weekends are rest days; nothing else is known.
    assert!(!cal.is_working_day(d("2027-01-01")).unwrap());
    assert!(!cal.is_working_day(d("2027-10-02")).unwrap());
    assert!(!cal.is_working_day(d("2027-01-02")).unwrap(), "Saturday");
    assert!(
        cal.is_working_day(d("2027-02-08")).unwrap(),
        "春节 unknown: counted as working"
    );
    // A 60-day handling period from 2026-11-25 ends 2027-01-24 (a Sunday) → Monday 2027-01-25,
    // and the explanation says the year is provisional.
    let due = explain_simple(cal, d("2026-11-25"), 60, false, true).unwrap();
    assert_eq!(due.due, d("2027-01-25"));
    let text = due.explanation.lines.join("\n");
    assert!(text.contains("2027 年国务院节假日安排尚未载入"), "{text}");
    // Working days across 元旦: 2026-12-28 + 5 working days skips 2027-01-01..03.
    let due = explain_simple(cal, d("2026-12-28"), 5, true, true).unwrap();
    assert_eq!(due.due, d("2027-01-05"));
    // Loading the year replaces the provisional count.
    let mut loaded = cal.clone();
    loaded.merge_years(&Calendar::parse("year,2027\n2027-01-25,rest,测试假日\n").unwrap());
    assert!(!loaded.is_provisional(d("2027-03-01")));
    let due = explain_simple(&loaded, d("2026-11-25"), 60, false, true).unwrap();
    assert_eq!(due.due, d("2027-01-26"));
    assert_eq!(loaded.provisional_year(), Some(2028));
    // Found by schemathesis: an absurd period once overflowed the date walk.
    assert!(matches!(
        explain_simple(cal, d("2026-10-16"), 746_323_557, false, false),
        Err(CalendarError::PeriodTooLong(..))
    ));
}

#[test]
fn shipped_data_is_sane() {
    let cal = Calendar::shipped();
    assert_eq!(cal.years(), (2004..=2026).collect::<Vec<_>>());
    for y in 2004..=2026 {
        let days = cal.year_overview(y).unwrap();
        let holidays = days
            .iter()
            .filter(|(_, k)| matches!(k, DayKind::Holiday(_)))
            .count();
        let working = days.iter().filter(|(_, k)| k.is_working()).count();
        assert!(
            (10..=40).contains(&holidays),
            "{y}: {holidays} holiday days"
        );
        assert!(
            (240..=254).contains(&working),
            "{y}: {working} working days"
        );
    }
    assert_eq!(
        cal.day_kind(d("2020-01-31")).unwrap(),
        DayKind::Holiday("春节".into()),
        "2020 extension"
    );
    assert_eq!(
        cal.day_kind(d("2026-02-14")).unwrap(),
        DayKind::MakeUpWorkday("春节调休".into())
    );
    assert_eq!(
        cal.day_kind(d("2026-02-14")).unwrap().label_zh(),
        "春节调休上班日"
    );
    assert!(
        !cal.is_working_day(d("2015-09-03")).unwrap(),
        "抗战胜利70周年"
    );
    assert!(cal.is_working_day(d("2026-03-02")).unwrap());
    assert!(
        !cal.is_working_day(d("2026-03-07")).unwrap(),
        "an ordinary Saturday"
    );
}

#[test]
fn parse_validates_and_round_trips() {
    let cal = Calendar::shipped();
    assert_eq!(&Calendar::parse(&cal.to_text()).unwrap(), cal);
    let bad = [
        ("year,2026\n2026-03-02,work,错\n", "工作日"),
        (
            "year,2026\n2026-05-01,rest,劳动节\n2026-05-01,rest,劳动节\n",
            "重复",
        ),
        ("year,2026\n2025-05-01,rest,劳动节\n", "不属于"),
        ("2026-05-01,rest,劳动节\n", "年份"),
        ("year,2026\nyear,2026\n", "重复声明"),
        ("year,262143\n", "年份格式"),
        ("year,2026\n2026-13-01,rest,x\n", "日期格式"),
        ("year,2026\n2026-05-01,holiday,x\n", "rest 或 work"),
    ];
    for (text, needle) in bad {
        let e = Calendar::parse(text).expect_err(text).to_string();
        assert!(e.contains(needle), "{text:?} → {e}");
        assert!(e.contains("第 "), "names the line: {e}");
    }
}

#[test]
fn merging_a_year_replaces_it() {
    let mut cal = Calendar::shipped().clone();
    let new = Calendar::parse("year,2026\n2026-03-17,rest,测试\n").unwrap();
    cal.merge_years(&new);
    assert!(!cal.is_working_day(d("2026-03-17")).unwrap());
    assert!(
        cal.is_working_day(d("2026-02-16")).unwrap(),
        "the old 2026 schedule is gone"
    );
    assert!(
        !cal.is_working_day(d("2025-10-01")).unwrap(),
        "other years untouched"
    );
    let y2027 = Calendar::parse("year,2027\n2027-01-01,rest,元旦\n").unwrap();
    cal.merge_years(&y2027);
    assert!(cal.covers(d("2027-06-01")));
    assert!(!cal.is_working_day(d("2027-01-01")).unwrap());
}
