//! Contact telephone numbers: normalisation and masking.
//!
//! A petitioner's phone number is how the handling unit gives notice
//! (告知) and how the follow-up visit (回访) reaches them, so registration
//! stores one canonical form: an 11-digit mobile (`13812345678`) or a landline
//! with its area code (`010-12345678`). Service numbers such as 12345 are
//! the channel, not the petitioner, and are rejected.

/// Why a string is not a usable contact number. Messages are shown to staff;
/// they are short so callers can prefix the field name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    /// Nothing left after stripping separators.
    #[error("号码为空")]
    Empty,
    /// A character other than digits and the usual separators.
    #[error("含非法字符“{0}”")]
    InvalidChar(char),
    /// A short service number (12345, 110, 95xxx …).
    #[error("不能使用 12345 等服务短号作为联系电话：{0}")]
    ServiceNumber(String),
    /// Starts with 1 but is not an 11-digit mobile number 1[3-9]xxxxxxxxx.
    #[error("手机号码应为 1[3-9] 开头的 11 位号码")]
    InvalidMobile,
    /// Neither a mobile nor area code + 7–8 digit local number.
    #[error("固定电话应为区号加 7–8 位号码（如 010-12345678）")]
    InvalidLandline,
}

/// Normalises a contact number.
///
/// Strips spaces, dashes, dots, brackets and a `+86` / `0086` / `86`
/// country prefix; full-width digits are accepted. Returns an 11-digit mobile
/// (`1[3-9]` + 9 digits) or a landline as `area-local` where the area code is
/// `0` + 2 digits (010, 02x) or `0` + 3 digits, and the local number has 7–8
/// digits not starting with 0 or 1. Numbers of at most 6 digits (12345, 110,
/// 95598 …) are rejected as service numbers.
pub fn normalize_phone(s: &str) -> Result<String, PhoneError> {
    let mut digits = String::with_capacity(s.len());
    let mut had_plus = false;
    for c in s.chars() {
        match c {
            '0'..='9' => digits.push(c),
            '０'..='９' => digits.push((b'0' + (c as u32 - '０' as u32) as u8) as char),
            '+' | '＋' if digits.is_empty() && !had_plus => had_plus = true,
            ' ' | '\u{3000}' | '-' | '－' | '—' | '.' | '(' | ')' | '（' | '）' => {}
            other => return Err(PhoneError::InvalidChar(other)),
        }
    }
    if digits.is_empty() {
        return Err(PhoneError::Empty);
    }
    let mut rest: &str = &digits;
    let mut stripped_country = false;
    if let Some(r) = rest.strip_prefix("0086") {
        rest = r;
        stripped_country = true;
    } else if (had_plus || rest.len() >= 12) && rest.starts_with("86") {
        rest = &rest[2..];
        stripped_country = true;
    }
    if rest.len() <= 6 && !stripped_country {
        return Err(PhoneError::ServiceNumber(rest.to_string()));
    }
    // After a country prefix, 10… is Beijing's area code without its 0.
    if rest.starts_with('1') && !(stripped_country && rest.len() != 11) {
        return mobile(rest);
    }
    let landline: String = if rest.starts_with('0') {
        rest.to_string()
    } else if stripped_country {
        // International form drops the trunk prefix: +86 10 12345678.
        format!("0{rest}")
    } else {
        return Err(PhoneError::InvalidLandline);
    };
    split_landline(&landline)
}

fn mobile(d: &str) -> Result<String, PhoneError> {
    let b = d.as_bytes();
    if b.len() == 11 && (b'3'..=b'9').contains(&b[1]) {
        Ok(d.to_string())
    } else {
        Err(PhoneError::InvalidMobile)
    }
}

fn split_landline(d: &str) -> Result<String, PhoneError> {
    let b = d.as_bytes();
    if b.len() < 3 {
        return Err(PhoneError::InvalidLandline);
    }
    // 010 and 020–029 are the only 3-digit area codes.
    let area_len = if b[1] == b'1' || b[1] == b'2' { 3 } else { 4 };
    let (area, local) = d.split_at(area_len.min(d.len()));
    let local_ok = (7..=8).contains(&local.len()) && !local.starts_with(['0', '1']);
    if area.len() == area_len && b[1] != b'0' && local_ok {
        Ok(format!("{area}-{local}"))
    } else {
        Err(PhoneError::InvalidLandline)
    }
}

/// Masks a phone number for display.
///
/// Mobiles keep the first 3 and last 4 digits (`138****5678`); landlines keep
/// the area code and the last 2 digits (`010-******78`). Input that does not
/// normalise keeps its first 3 and last 2 characters (or is fully masked when
/// shorter than 6 characters).
pub fn mask_phone(s: &str) -> String {
    match normalize_phone(s) {
        Ok(n) => match n.split_once('-') {
            Some((area, local)) => {
                let keep = &local[local.len() - 2..];
                format!("{area}-{}{keep}", "*".repeat(local.len() - 2))
            }
            None => format!("{}****{}", &n[..3], &n[7..]),
        },
        Err(_) => {
            let chars: Vec<char> = s.trim().chars().collect();
            if chars.len() < 6 {
                return "*".repeat(chars.len());
            }
            let head: String = chars[..3].iter().collect();
            let tail: String = chars[chars.len() - 2..].iter().collect();
            format!("{head}{}{tail}", "*".repeat(chars.len() - 5))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn landline_area_codes() {
        assert_eq!(normalize_phone("075526345678").unwrap(), "0755-26345678");
        assert_eq!(normalize_phone("(021)6123-4567").unwrap(), "021-61234567");
        assert_eq!(normalize_phone("0931-8123456").unwrap(), "0931-8123456");
        assert_eq!(normalize_phone("+86 10 62345678").unwrap(), "010-62345678");
    }
}
