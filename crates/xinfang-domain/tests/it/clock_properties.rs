//! Properties of the period engine over the whole shipped calendar.

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use xinfang_domain::calendar::Calendar;
use xinfang_domain::clock::{explain_simple, grade, Grade};

fn start_strategy() -> impl Strategy<Value = NaiveDate> {
    let base = NaiveDate::from_ymd_opt(2004, 1, 1).unwrap();
    (0i64..8300).prop_map(move |n| base + Duration::days(n))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn due_after_start_and_working_with_rollover(start in start_strategy(), n in 1u32..60) {
        let cal = Calendar::shipped();
        let r = explain_simple(cal, start, n, false, true).unwrap();
        prop_assert!(r.due > start);
        prop_assert!(cal.is_working_day(r.due).unwrap());
        prop_assert!(r.due >= start + Duration::days(n as i64));
        prop_assert_eq!(r.explanation.lines.last().unwrap(), &format!("到期日：{}", r.due));
    }

    #[test]
    fn without_rollover_is_plain_arithmetic(start in start_strategy(), n in 1u32..60) {
        let r = explain_simple(Calendar::shipped(), start, n, false, false).unwrap();
        prop_assert_eq!(r.due, start + Duration::days(n as i64));
    }

    #[test]
    fn working_day_period_has_exactly_n_working_days(start in start_strategy(), n in 1u32..30) {
        let cal = Calendar::shipped();
        let r = explain_simple(cal, start, n, true, true).unwrap();
        prop_assert!(cal.is_working_day(r.due).unwrap());
        let mut count = 0;
        let mut d = start;
        while d < r.due {
            d = d.succ_opt().unwrap();
            if cal.is_working_day(d).unwrap() { count += 1; }
        }
        prop_assert_eq!(count, n);
    }

    #[test]
    fn monotonic_in_n(start in start_strategy(), n in 1u32..59, working in any::<bool>()) {
        let cal = Calendar::shipped();
        let a = explain_simple(cal, start, n, working, true).unwrap().due;
        let b = explain_simple(cal, start, n + 1, working, true).unwrap().due;
        prop_assert!(a <= b);
        if working { prop_assert!(a < b); }
    }

    #[test]
    fn grades_are_ordered(due in start_strategy(), delta in -20i64..20, warn in 0u32..10) {
        let today = due + Duration::days(delta);
        let g = grade(due, today, warn);
        let expected = if delta > 0 { Grade::Overdue } else if -delta <= warn as i64 { Grade::Approaching } else { Grade::Normal };
        prop_assert_eq!(g, expected);
    }
}
