//! The labelled petition corpus format (`data/bench/petitions.tsv`) and the
//! deterministic fold split, shared by `xinfang bench classify` and the
//! cross-validation test here, so that both score the same folds.
//!
//! A corpus is what staff confirmation would have produced: a 类别 code, the
//! kind (建议意见 / 检举控告 / 申诉求决, 第二十九–三十一条) and whether the matter
//! is 涉法涉诉 (第二十八条), for each petition text.

/// One labelled petition.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelledText {
    /// Taxonomy code (the corpus uses four-digit 类别 codes).
    pub code: String,
    /// Kind key: `suggestion` / `accusation` / `claim`.
    pub kind: &'static str,
    /// Whether the matter is 涉法涉诉.
    pub litigation: bool,
    /// The petition as written.
    pub text: String,
}

/// Parses the TSV corpus: a header line, then `category⇥kind⇥litigation⇥text` (tab-separated)
/// with the kind in Chinese and litigation as 是 / 否. Errors name the line.
pub fn parse_corpus(tsv: &str) -> Result<Vec<LabelledText>, String> {
    let mut out = vec![];
    for (i, line) in tsv.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.splitn(4, '\t').collect();
        let [code, kind, lit, text] = cols[..] else {
            return Err(format!("第 {} 行应有 4 列", i + 1));
        };
        let kind = match kind {
            "建议意见" => "suggestion",
            "检举控告" => "accusation",
            "申诉求决" => "claim",
            k => return Err(format!("第 {} 行类型不明：{k}", i + 1)),
        };
        let litigation = match lit {
            "是" => true,
            "否" => false,
            l => return Err(format!("第 {} 行涉法涉诉应为是或否：{l}", i + 1)),
        };
        if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("第 {} 行分类代码应为数字：{code}", i + 1));
        }
        out.push(LabelledText {
            code: code.to_string(),
            kind,
            litigation,
            text: text.to_string(),
        });
    }
    Ok(out)
}

/// The fold (0..k) of a text: a stable FNV-1a hash of the seed and text, so
/// folds do not depend on the corpus order or on a random generator.
pub fn fold_of(text: &str, seed: u64, k: usize) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % k.max(1) as u64) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        let ok = "category\tkind\tlitigation\ttext\n0101\t申诉求决\t否\t交房难\n\n1201\t检举控告\t是\t法官受贿\n";
        let c = parse_corpus(ok).unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c[1].kind, "accusation");
        assert!(c[1].litigation);
        assert!(parse_corpus("h\n0101\t投诉\t否\tx")
            .unwrap_err()
            .contains("第 2 行"));
        assert!(parse_corpus("h\n0101\t申诉求决\tx").is_err());
        assert!(parse_corpus("h\n城建\t申诉求决\t否\tx").is_err());
    }

    #[test]
    fn folds_are_stable_and_spread() {
        assert_eq!(fold_of("交房难", 11, 5), fold_of("交房难", 11, 5));
        let mut seen = [0usize; 5];
        for i in 0..500 {
            seen[fold_of(&format!("信访{i}"), 11, 5)] += 1;
        }
        assert!(seen.iter().all(|n| (70..130).contains(n)), "{seen:?}");
    }
}
