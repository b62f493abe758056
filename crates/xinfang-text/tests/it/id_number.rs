//! 居民身份证号码 parsing against an independent check-digit implementation.

use chrono::NaiveDate;
use proptest::prelude::*;
use xinfang_text::id_number::{IdNumber, IdNumberError, Sex};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, 1).unwrap()
}

/// Independent ISO 7064 MOD 11-2: weights are 2^(17-i) mod 11 and the check
/// value is (12 - sum mod 11) mod 11, with 10 written as X.
fn reference_check(body: &str) -> char {
    let sum: u64 = body
        .bytes()
        .enumerate()
        .map(|(i, b)| u64::from(b - b'0') * (2u64.pow(17 - i as u32) % 11))
        .sum();
    match (12 - sum % 11) % 11 {
        10 => 'X',
        v => char::from_digit(v as u32, 10).unwrap(),
    }
}

#[test]
fn published_sample() {
    assert_eq!(reference_check("11010519491231002"), 'X');
    let id = IdNumber::parse_at("11010519491231002X", today()).unwrap();
    assert_eq!(id.as_str(), "11010519491231002X");
    assert_eq!(id.region_code(), "110105");
    assert_eq!(
        id.birth_date(),
        NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
    );
    assert_eq!(id.sex(), Sex::Female);
    assert_eq!(id.sex().label(), "女");
    assert_eq!(id.masked(), "110105********002X");
}

#[test]
fn computed_valid_numbers_parse() {
    for body in [
        "44030419900101123",
        "51010720001231987",
        "65010219750615001",
    ] {
        let s = format!("{body}{}", reference_check(body));
        let id = IdNumber::parse_at(&s, today()).unwrap();
        assert_eq!(id.as_str(), s);
    }
    let male = IdNumber::parse_at("440304199001011233", today());
    assert_eq!(reference_check("44030419900101123"), '3');
    assert_eq!(male.unwrap().sex(), Sex::Male);
}

#[test]
fn wrong_check_digit_names_the_expected_one() {
    let err = IdNumber::parse_at("110105194912310021", today()).unwrap_err();
    assert_eq!(
        err,
        IdNumberError::Checksum {
            expected: 'X',
            found: '1'
        }
    );
    assert_eq!(err.to_string(), "校验码错误（应为 X）");
}

#[test]
fn february_30_is_an_invalid_birth_date() {
    let body = "11010519900230001";
    let s = format!("{body}{}", reference_check(body));
    let err = IdNumber::parse_at(&s, today()).unwrap_err();
    assert!(matches!(err, IdNumberError::InvalidBirthDate(_)));
    assert!(err.to_string().contains("出生日期无效"));
}

#[test]
fn other_errors_have_chinese_messages() {
    let e = IdNumber::parse_at("1234", today()).unwrap_err();
    assert_eq!(e, IdNumberError::Length(4));
    assert!(e.to_string().contains("长度错误"));

    let e = IdNumber::parse_at("11010519491231A02X", today()).unwrap_err();
    assert!(matches!(
        e,
        IdNumberError::InvalidChar {
            position: 15,
            ch: 'A'
        }
    ));
    assert!(e.to_string().contains("含非法字符"));

    let body = "99010519491231002";
    let e = IdNumber::parse_at(&format!("{body}{}", reference_check(body)), today()).unwrap_err();
    assert!(e.to_string().contains("行政区划代码无效"));
}

#[test]
fn fifteen_digit_numbers_become_eighteen() {
    let id = IdNumber::parse_at("110105491231002", today()).unwrap();
    assert_eq!(id.as_str(), "11010519491231002X");
    assert_eq!(
        id.birth_date(),
        NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
    );
    assert!(IdNumber::parse_at("110105490231002", today()).is_err());
}

#[test]
fn serde_round_trip_and_validation() {
    let id = IdNumber::parse_at("11010519491231002X", today()).unwrap();
    let json = serde_json::to_string(&id).unwrap();
    assert_eq!(json, "\"11010519491231002X\"");
    assert_eq!(serde_json::from_str::<IdNumber>(&json).unwrap(), id);
    assert!(serde_json::from_str::<IdNumber>("\"110105194912310021\"").is_err());
}

const PROVINCES: [&str; 8] = ["11", "31", "44", "51", "65", "71", "81", "82"];

fn body_strategy() -> impl Strategy<Value = String> {
    (0..PROVINCES.len(), 0u32..10_000, 0i64..45_000, 0u32..1000).prop_map(|(p, r, d, s)| {
        let date = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(d);
        format!("{}{r:04}{}{s:03}", PROVINCES[p], date.format("%Y%m%d"))
    })
}

proptest! {
    #[test]
    fn computed_check_digit_parses_and_others_fail(body in body_strategy()) {
        let check = reference_check(&body);
        let ok = IdNumber::parse_at(&format!("{body}{check}"), today());
        prop_assert!(ok.is_ok(), "{body}{check}: {ok:?}");
        for other in "0123456789X".chars().filter(|&c| c != check) {
            let err = IdNumber::parse_at(&format!("{body}{other}"), today()).unwrap_err();
            prop_assert_eq!(err, IdNumberError::Checksum { expected: check, found: other });
        }
    }
}
