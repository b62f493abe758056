//! 居民身份证号码 (citizen identity number, GB 11643-1999).
//!
//! Registration must record the petitioner's identity truthfully, and a
//! mistyped ID number silently breaks repeat detection and the petitioner's
//! own case lookup. This module validates the number (length, characters,
//! province code, birth date, ISO 7064 MOD 11-2 check digit), upgrades
//! first-generation 15-digit numbers to 18 digits, and gives the parts and a
//! masked form for display.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Weights of the 17 body digits (ISO 7064 MOD 11-2).
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for `sum % 11`.
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
/// Province-level codes (first two digits). 71 台湾, 81 香港, 82 澳门 and 83
/// (used on 台湾居民居住证) are included.
const PROVINCES: [u8; 35] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
];
/// Earliest accepted birth year.
const MIN_BIRTH_YEAR: i32 = 1900;

/// Why a string is not a valid ID number. Messages are shown to staff and
/// are short (`校验码错误（应为 X）`) so callers can prefix the field name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    /// Not 18 (or 15) characters after trimming.
    #[error("长度错误：应为 18 位（或 15 位旧号码），实为 {0} 位")]
    Length(usize),
    /// A character other than a digit (or a final X).
    #[error("含非法字符：第 {position} 位“{ch}”")]
    InvalidChar {
        /// 1-based position of the offending character.
        position: usize,
        /// The offending character.
        ch: char,
    },
    /// The first two digits are no province code.
    #[error("行政区划代码无效：{0}")]
    InvalidRegion(String),
    /// The embedded birth date does not exist, is before 1900 or in the future.
    #[error("出生日期无效：{0}")]
    InvalidBirthDate(String),
    /// The 18th character does not match the ISO 7064 MOD 11-2 check.
    #[error("校验码错误（应为 {expected}）")]
    Checksum {
        /// The check character the body requires.
        expected: char,
        /// The check character that was given.
        found: char,
    },
}

/// Sex encoded in the 17th digit (odd = male).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// 男
    Male,
    /// 女
    Female,
}

impl Sex {
    /// Chinese label: 男 / 女.
    pub fn label(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }
}

/// A validated 18-character ID number (uppercase `X`).
///
/// `Debug` prints the masked form so numbers do not leak into logs by
/// accident; `Display` and [`IdNumber::as_str`] give the full number.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdNumber {
    value: String,
    birth: NaiveDate,
}

impl IdNumber {
    /// Parses and validates against today's local date (birth date may not
    /// lie in the future). See [`IdNumber::parse_at`].
    pub fn parse(s: &str) -> Result<IdNumber, IdNumberError> {
        Self::parse_at(s, chrono::Local::now().date_naive())
    }

    /// Parses and validates with `today` as the reference date.
    ///
    /// Input is trimmed; a lowercase `x` is accepted. A 15-digit
    /// first-generation number is converted to 18 digits (birth year 19YY,
    /// check digit computed).
    pub fn parse_at(s: &str, today: NaiveDate) -> Result<IdNumber, IdNumberError> {
        let s = s.trim();
        let chars: Vec<char> = s.chars().collect();
        let value = match chars.len() {
            18 => {
                check_chars(&chars, true)?;
                chars
                    .iter()
                    .map(|c| c.to_ascii_uppercase())
                    .collect::<String>()
            }
            15 => {
                check_chars(&chars, false)?;
                let body: String = format!("{}19{}", &s[..6], &s[6..]);
                let check = check_char(&body);
                format!("{body}{check}")
            }
            n => return Err(IdNumberError::Length(n)),
        };
        check_region(&value)?;
        let birth = parse_birth(&value, today)?;
        let expected = check_char(&value[..17]);
        let found = value.as_bytes()[17] as char;
        if expected != found {
            return Err(IdNumberError::Checksum { expected, found });
        }
        Ok(IdNumber { value, birth })
    }

    /// The full 18-character number.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// Birth date encoded in digits 7–14.
    pub fn birth_date(&self) -> NaiveDate {
        self.birth
    }

    /// The 6-digit administrative region code of the place of first issue.
    pub fn region_code(&self) -> &str {
        &self.value[..6]
    }

    /// Sex from the 17th digit: odd = 男, even = 女.
    pub fn sex(&self) -> Sex {
        if (self.value.as_bytes()[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// Age in whole years on `today`.
    pub fn age_at(&self, today: NaiveDate) -> u32 {
        let b = self.birth;
        let mut age = today.year() - b.year();
        if (today.month(), today.day()) < (b.month(), b.day()) {
            age -= 1;
        }
        age.max(0) as u32
    }

    /// Masked for display: first 6 digits (region), eight `*`, last 4
    /// (e.g. `110105********002X`). The region stays visible because staff
    /// use it to route; birth date and sequence are hidden.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.value[..6], &self.value[14..])
    }
}

/// Computes the check character for a 17-digit body.
///
/// # Panics
/// If `body17` is not 17 ASCII digits.
pub fn check_char(body17: &str) -> char {
    assert!(body17.len() == 17 && body17.bytes().all(|b| b.is_ascii_digit()));
    let sum: u32 = body17
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

fn check_chars(chars: &[char], allow_x_last: bool) -> Result<(), IdNumberError> {
    let last = chars.len() - 1;
    for (i, &ch) in chars.iter().enumerate() {
        let ok = ch.is_ascii_digit() || (allow_x_last && i == last && (ch == 'X' || ch == 'x'));
        if !ok {
            return Err(IdNumberError::InvalidChar {
                position: i + 1,
                ch,
            });
        }
    }
    Ok(())
}

fn check_region(value: &str) -> Result<(), IdNumberError> {
    let province: u8 = value[..2].parse().unwrap_or(0);
    if PROVINCES.contains(&province) {
        Ok(())
    } else {
        Err(IdNumberError::InvalidRegion(value[..6].to_string()))
    }
}

fn parse_birth(value: &str, today: NaiveDate) -> Result<NaiveDate, IdNumberError> {
    let raw = &value[6..14];
    let y: i32 = raw[..4].parse().unwrap_or(0);
    let m: u32 = raw[4..6].parse().unwrap_or(0);
    let d: u32 = raw[6..8].parse().unwrap_or(0);
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(date) if y >= MIN_BIRTH_YEAR && date <= today => Ok(date),
        _ => Err(IdNumberError::InvalidBirthDate(raw.to_string())),
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

impl FromStr for IdNumber {
    type Err = IdNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IdNumber::parse(s)
    }
}

impl TryFrom<String> for IdNumber {
    type Error = IdNumberError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        IdNumber::parse(&s)
    }
}

impl From<IdNumber> for String {
    fn from(id: IdNumber) -> String {
        id.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 6, 1).unwrap()
    }

    #[test]
    fn published_sample_parses() {
        let id = IdNumber::parse_at("11010519491231002X", today()).unwrap();
        assert_eq!(id.region_code(), "110105");
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.masked(), "110105********002X");
        assert_eq!(id.age_at(today()), 74);
        assert_eq!(format!("{id:?}"), "IdNumber(110105********002X)");
    }

    #[test]
    fn lowercase_x_and_whitespace_accepted() {
        let id = IdNumber::parse_at(" 11010519491231002x ", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn future_birth_date_rejected() {
        let body = "11010520300101001";
        let id = format!("{body}{}", check_char(body));
        assert!(matches!(
            IdNumber::parse_at(&id, today()),
            Err(IdNumberError::InvalidBirthDate(_))
        ));
    }
}
