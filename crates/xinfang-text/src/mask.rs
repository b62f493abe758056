//! Masking of personal information for display, export and logs.
//!
//! 第四十五条 of the regulation forbids disclosing a petitioner's personal
//! information; screens other than the handling officer's, statistics
//! exports, the petitioner portal and logs show masked forms. This module
//! masks the known fields (name, ID number, phone, address) and finds ID and
//! mobile numbers inside free text.

pub use crate::phone::mask_phone;

/// Masks a personal name: the first character stays, every other character
/// becomes `*` (`张三丰` → `张**`, `张三` → `张*`). A one-character name
/// becomes `*`.
pub fn mask_name(name: &str) -> String {
    let name = name.trim();
    let mut chars = name.chars();
    match (chars.next(), name.chars().count()) {
        (None, _) => String::new(),
        (Some(_), 1) => "*".to_string(),
        (Some(first), n) => {
            let mut out = String::with_capacity(name.len());
            out.push(first);
            out.extend(std::iter::repeat_n('*', n - 1));
            out
        }
    }
}

/// Masks an ID number: first 6 and last 4 characters stay, the middle becomes
/// `*` (`110105********002X` for 18 characters). Works on any string, valid
/// or not; 10 characters or fewer are fully masked.
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.trim().chars().collect();
    let n = chars.len();
    if n <= 10 {
        return "*".repeat(n);
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[n - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(n - 10))
}

/// Suffixes of administrative divisions down to county level, longest first.
/// The bool says whether the suffix is county level (where masking starts).
const DIVISION_SUFFIXES: &[(&str, bool)] = &[
    ("特别行政区", false),
    ("自治区", false),
    ("自治州", false),
    ("自治县", true),
    ("自治旗", true),
    ("地区", false),
    ("林区", true),
    ("省", false),
    ("市", false),
    ("州", false),
    ("盟", false),
    ("县", true),
    ("区", true),
    ("旗", true),
];
/// Characters that belong to levels below the county (乡镇、街道、门牌).
const BELOW_COUNTY: &[char] = &[
    '镇', '乡', '村', '路', '街', '道', '号', '巷', '弄', '楼', '栋', '室', '组', '屯', '苑', '园',
];
/// Longest name of one division level, in characters, suffix included.
const MAX_DIVISION_CHARS: usize = 12;

/// Masks an address below the county/district level.
///
/// Province, prefecture and county divisions at the start are kept, the rest
/// becomes `****` (`北京市朝阳区建国路88号` → `北京市朝阳区****`). At most three
/// levels are kept; an address without a recognisable division is fully
/// replaced by `****`.
pub fn mask_address(address: &str) -> String {
    let address = address.trim();
    let mut kept = 0; // byte offset of the kept prefix
    for _ in 0..3 {
        let Some((len, county)) = next_division(&address[kept..]) else {
            break;
        };
        kept += len;
        if county {
            break;
        }
    }
    if kept == address.len() {
        return address.to_string();
    }
    format!("{}****", &address[..kept])
}

/// Finds one division name at the start of `s`: returns its byte length and
/// whether it is county level.
fn next_division(s: &str) -> Option<(usize, bool)> {
    let mut char_count = 0;
    for (i, c) in s.char_indices() {
        char_count += 1;
        if char_count > MAX_DIVISION_CHARS || BELOW_COUNTY.contains(&c) {
            return None;
        }
        let end = i + c.len_utf8();
        // Longest suffix ending here that leaves at least one name character.
        for &(suffix, county) in DIVISION_SUFFIXES {
            if s[..end].ends_with(suffix) && s[..end].chars().count() > suffix.chars().count() {
                return Some((end, county));
            }
        }
    }
    None
}

/// Finds ID numbers and mobile numbers in free text and masks them.
///
/// Masked: runs of exactly 18 digits (the last may be `X`/`x`) and of 15
/// digits, as ID numbers (see [`mask_id`]); runs of exactly 11 digits
/// starting `1[3-9]`, and the spaced/dashed form `138 1234 5678`, as mobiles
/// (`138****5678`). Runs are delimited by non-digits, so longer numbers (bank
/// cards, case numbers) are left alone. Only ASCII digits are recognised:
/// normalise the text first.
pub fn mask_text_pii(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0; // bytes of `text` already copied to `out`
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && b[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        let run = j - i;
        let x_end = run == 17 && j < b.len() && (b[j] == b'X' || b[j] == b'x');
        let end = if x_end { j + 1 } else { j };
        let boundary_ok = end >= b.len() || !b[end].is_ascii_alphanumeric();
        let replacement = if boundary_ok && (x_end || run == 18 || run == 15) {
            Some((end, mask_id(&text[i..end])))
        } else if boundary_ok && run == 11 && is_mobile_prefix(&b[i..]) {
            Some((end, format!("{}****{}", &text[i..i + 3], &text[i + 7..end])))
        } else if boundary_ok
            && run == 13
            && b[i..].starts_with(b"86")
            && is_mobile_prefix(&b[i + 2..])
        {
            Some((end, format!("{}****{}", &text[i..i + 5], &text[i + 9..end])))
        } else if run == 3 && is_mobile_prefix(&b[i..]) {
            spaced_mobile(b, i).map(|e| (e, format!("{}****{}", &text[i..i + 3], &text[e - 4..e])))
        } else {
            None
        };
        if let Some((end, masked)) = replacement {
            out.push_str(&text[copied..i]);
            out.push_str(&masked);
            copied = end;
            i = end;
        } else {
            i = j.max(i + 1);
        }
    }
    out.push_str(&text[copied..]);
    out
}

fn is_mobile_prefix(b: &[u8]) -> bool {
    b.len() >= 2 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])
}

/// Matches `ddd?dddd?dddd` with one separator kind (space or `-`) starting at
/// `i`; returns the end offset.
fn spaced_mobile(b: &[u8], i: usize) -> Option<usize> {
    let sep = *b.get(i + 3)?;
    if sep != b' ' && sep != b'-' {
        return None;
    }
    let digits = |from: usize| (from..from + 4).all(|k| b.get(k).is_some_and(u8::is_ascii_digit));
    let ok = digits(i + 4) && b.get(i + 8) == Some(&sep) && digits(i + 9);
    let end = i + 13;
    (ok && b.get(end).is_none_or(|c| !c.is_ascii_digit())).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(mask_name("张三丰"), "张**");
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("张"), "*");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn addresses() {
        assert_eq!(mask_address("北京市朝阳区建国路88号"), "北京市朝阳区****");
        assert_eq!(
            mask_address("广东省深圳市南山区粤海街道科技园"),
            "广东省深圳市南山区****"
        );
        assert_eq!(
            mask_address("新疆维吾尔自治区乌鲁木齐市天山区解放路1号"),
            "新疆维吾尔自治区乌鲁木齐市天山区****"
        );
        assert_eq!(
            mask_address("广东省东莞市长安镇阳光小区"),
            "广东省东莞市****"
        );
        assert_eq!(
            mask_address("山东省济南市市中区某路"),
            "山东省济南市市中区****"
        );
        assert_eq!(mask_address("建国路88号"), "****");
    }

    #[test]
    fn ids() {
        assert_eq!(mask_id("11010519491231002X"), "110105********002X");
        assert_eq!(mask_id("123"), "***");
    }
}
