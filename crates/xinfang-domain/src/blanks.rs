//! Unfilled template blanks. The reply templates (第三十二条) leave blanks in
//! full-width brackets — "（有关规定）", "（日期）", "（请补充具体法律、法规、
//! 规章条款）" — for the handler to replace. A written opinion that still holds
//! one is unfinished and may not be issued: the petitioner would read
//! "将于（日期）前（具体措施）" as the body's decision. The blanks are taken
//! from the templates themselves, so a new template cannot bring an
//! unchecked blank.

use crate::document::reply_templates;

/// Every bracketed blank of the reply templates, e.g. "（日期）".
pub fn template_blanks() -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for t in reply_templates() {
        for text in [t.basis, t.text] {
            let mut rest = text;
            while let Some(start) = rest.find('（') {
                let Some(len) = rest[start..].find('）') else {
                    break;
                };
                let blank = &rest[start..start + len + '）'.len_utf8()];
                // "第三十二条第（一）项" is a citation, not a blank.
                let inner = &blank['（'.len_utf8()..blank.len() - '）'.len_utf8()];
                if inner.chars().count() > 1 && !out.iter().any(|b| b == blank) {
                    out.push(blank.to_string());
                }
                rest = &rest[start + len + '）'.len_utf8()..];
            }
        }
    }
    out
}

/// The template blanks still present in `text`, in the order of the templates.
pub fn unfilled_blanks(text: &str) -> Vec<String> {
    template_blanks()
        .into_iter()
        .filter(|b| text.contains(b.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_is_unfinished_until_its_blanks_are_filled() {
        // 第三十二条: each template, as offered, is refused; the citation
        // "第三十二条第（一）项" is not taken for a blank.
        let blanks = template_blanks();
        assert!(blanks.contains(&"（日期）".to_string()), "{blanks:?}");
        assert!(!blanks.iter().any(|b| b == "（一）"), "{blanks:?}");
        for t in reply_templates() {
            assert!(!unfilled_blanks(t.text).is_empty(), "{}", t.label);
            assert!(!unfilled_blanks(t.basis).is_empty(), "{}", t.label);
        }
        assert!(unfilled_blanks("依据《信访工作条例》第三十二条第（一）项，予以支持。").is_empty());
    }
}
