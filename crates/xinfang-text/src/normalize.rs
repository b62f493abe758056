//! Text normalisation before any analysis.
//!
//! Petitions arrive from web forms, scanned letters, phone transcripts and
//! copy-pasted documents, so the same words show up in full-width letters
//! (`ＡＢＣ１２３`), with ideographic spaces, Kangxi radicals (`⼈` for `人`),
//! zero-width characters or stray spaces between Chinese characters
//! (`自 焚`). Segmentation, duplicate signatures and the risk lexicon all
//! work on the output of [`normalize`], so that these variants compare equal.
//!
//! The rules are NFKC-like, with one deliberate exception: the usual Chinese
//! sentence punctuation (`，！？：；（）…`) is kept in its full-width form so the
//! normalised text stays readable for staff.

use unicode_normalization::UnicodeNormalization;

/// Chinese punctuation that NFKC would fold to ASCII but that we keep as is.
const KEEP_FULL_WIDTH: &[char] = &['，', '！', '？', '：', '；', '（', '）', '…'];

/// Normalises free text for analysis and display.
///
/// * full-width ASCII letters, digits and symbols become half-width
///   (`Ａ`→`A`, `０`→`0`), except the Chinese punctuation `，！？：；（）…`;
/// * compatibility characters are folded by NFKC (`⼈`→`人`, `①`→`1`);
/// * small/half-width punctuation variants are unified (`﹐`→`，`, `｡`→`。`,
///   `､`→`、`), and ASCII `, ; : ? !` written right after a Chinese
///   character become their Chinese forms;
/// * zero-width and control characters are removed;
/// * every run of whitespace (including the ideographic space and newlines)
///   becomes one ASCII space, whitespace between two Chinese characters is
///   dropped, and the result is trimmed.
pub fn normalize(text: &str) -> String {
    let folded = fold_chars(text);
    collapse_whitespace(&folded)
}

/// Normalises a personal name: [`normalize`], then removes all whitespace and
/// unifies the separator used in minority and foreign names to `·` (U+00B7).
pub fn normalize_name(s: &str) -> String {
    normalize(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '•' | '・' | '‧' | '∙' | '●' | '．' | '.' | '･' => '·',
            other => other,
        })
        .collect()
}

/// Whether `c` is a CJK ideograph (unified, extension A, compatibility).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// First pass: per-character folding (NFKC except kept punctuation).
fn fold_chars(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending = String::new();
    for c in text.chars() {
        if let Some(mapped) = special_map(c) {
            flush_nfkc(&mut pending, &mut out);
            if let Some(m) = mapped {
                out.push(m);
            }
        } else if c.is_ascii() && !c.is_ascii_control() {
            // ASCII needs no NFKC; keep the fast path cheap.
            flush_nfkc(&mut pending, &mut out);
            out.push(c);
        } else {
            pending.push(c);
        }
    }
    flush_nfkc(&mut pending, &mut out);
    out
}

/// Characters with a fixed mapping: `Some(None)` removes the character.
fn special_map(c: char) -> Option<Option<char>> {
    if KEEP_FULL_WIDTH.contains(&c) {
        return Some(Some(c));
    }
    let mapped = match c {
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => None,
        '\t' | '\n' | '\r' | '\u{000B}' | '\u{000C}' => Some(' '),
        c if c.is_control() => None,
        '﹐' | '﹑' => Some(if c == '﹐' { '，' } else { '、' }),
        '､' => Some('、'),
        '｡' | '﹒' => Some('。'),
        '﹗' => Some('！'),
        '﹖' => Some('？'),
        '﹔' => Some('；'),
        '﹕' => Some('：'),
        '﹙' => Some('（'),
        '﹚' => Some('）'),
        '「' | '『' => Some('“'),
        '」' | '』' => Some('”'),
        _ => return None,
    };
    Some(mapped)
}

fn flush_nfkc(pending: &mut String, out: &mut String) {
    if !pending.is_empty() {
        out.extend(pending.nfkc());
        pending.clear();
    }
}

/// Second pass: whitespace collapsing and ASCII→Chinese punctuation after CJK.
fn collapse_whitespace(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut prev: Option<char> = None; // last non-space char written
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            let mut j = i;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            let next = chars.get(j).copied();
            let drop = match (prev, next) {
                (None, _) | (_, None) => true,
                (Some(p), Some(n)) => is_cjkish(p) && is_cjkish(n),
            };
            if !drop {
                out.push(' ');
            }
            i = j;
            continue;
        }
        let c = match (prev, c) {
            (Some(p), ',' | ';' | ':' | '?' | '!') if is_cjk(p) => to_chinese_punct(c),
            _ => c,
        };
        out.push(c);
        prev = Some(c);
        i += 1;
    }
    out
}

/// CJK ideographs and Chinese punctuation: no space is needed between them.
fn is_cjkish(c: char) -> bool {
    is_cjk(c)
        || matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFF0F | 0xFF1A..=0xFF20)
        || matches!(c, '“' | '”' | '‘' | '’' | '…' | '—' | '·')
}

fn to_chinese_punct(c: char) -> char {
    match c {
        ',' => '，',
        ';' => '；',
        ':' => '：',
        '?' => '？',
        '!' => '！',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_ascii_becomes_half_width() {
        assert_eq!(normalize("ＡＢＣ１２３ａｂｃ"), "ABC123abc");
        assert_eq!(
            normalize("电话：１３８００１３８０００"),
            "电话：13800138000"
        );
    }

    #[test]
    fn chinese_punctuation_is_kept() {
        assert_eq!(normalize("你好，世界！（测试）"), "你好，世界！（测试）");
        assert_eq!(normalize("等待……"), "等待……");
    }

    #[test]
    fn ascii_punct_after_cjk_becomes_chinese() {
        assert_eq!(normalize("你好,世界?"), "你好，世界？");
        assert_eq!(normalize("version 1,2"), "version 1,2");
    }

    #[test]
    fn whitespace_is_collapsed_and_cjk_gaps_removed() {
        assert_eq!(normalize("  我要　自 焚\n\n！ "), "我要自焚！");
        assert_eq!(normalize("A   B\tC"), "A B C");
        assert_eq!(normalize("住在 3 号楼"), "住在 3 号楼");
    }

    #[test]
    fn compatibility_and_invisible_characters() {
        assert_eq!(normalize("⼈民\u{200B}政府"), "人民政府");
        assert_eq!(normalize("﹐｡､"), "，。、");
    }

    #[test]
    fn names() {
        assert_eq!(normalize_name(" 张 三 "), "张三");
        assert_eq!(normalize_name("买买提•艾力"), "买买提·艾力");
        assert_eq!(normalize_name("ＬＩ Ｌｅｉ"), "LILei");
    }
}
