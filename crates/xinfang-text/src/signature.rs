//! Near-duplicate signatures for repeat-petition detection (重复访).
//!
//! A petitioner often submits the same matter again, through another channel
//! or re-worded. Registration must link such a submission to the existing
//! case instead of opening a new one, and must do it without comparing the
//! new text against the whole history.
//!
//! Two signatures are offered, both over the tokens of
//! [`Segmenter::tokens`](crate::segment::Segmenter::tokens):
//!
//! * **MinHash** ([`MinHasher`]) — **what registration should use.** The
//!   [`features`] are the content tokens minus [`GENERIC_WORDS`], plus the
//!   character bigrams inside longer tokens; 64 hash functions give a
//!   [`MinHashSig`] whose [`jaccard_estimate`] approximates the Jaccard
//!   similarity of the feature sets. The store indexes each signature under
//!   its [`band_keys`] ([`LSH_BANDS`] × [`LSH_ROWS`]); candidates are the
//!   cases sharing at least one key, and a candidate is proposed to staff as
//!   a repeat when the estimate reaches [`REPEAT_THRESHOLD`] (0.25). On the
//!   test corpus (`tests/common/mod.rs`) re-worded repeats by the same
//!   petitioner estimate 0.30–0.64 (exact 0.30–0.66) and unrelated petitions,
//!   including ones in the same field (two wage-arrears cases), at most 0.17;
//!   every repeat shares ≥ 2 band keys, 4 of 202 unrelated pairs share one.
//! * **SimHash** ([`simhash64`]) — one `u64`, good only at catching
//!   near-identical copies (Hamming distance ≤ [`SIMHASH_NEAR_COPY`]); short
//!   re-worded Chinese texts move too many bits for it to separate repeats
//!   from unrelated texts reliably.
//!
//! All hashes are fixed (FNV-1a + SplitMix64 finaliser, constant seeds), so
//! signatures are stable across runs, machines and Rust versions and can be
//! persisted.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// Recommended minimum [`jaccard_estimate`] to treat a submission as a repeat
/// of an existing case (to be confirmed by staff).
pub const REPEAT_THRESHOLD: f64 = 0.25;
/// Number of LSH bands recommended for the default 64-permutation signature.
pub const LSH_BANDS: usize = 32;
/// Rows per LSH band (`LSH_BANDS * LSH_ROWS` = 64). The candidate curve
/// `1 - (1 - J^2)^32` gives ≈ 0.87 at J = 0.25 and ≈ 0.999 at J = 0.45.
pub const LSH_ROWS: usize = 2;
/// SimHash Hamming distance up to which two texts count as near-identical.
pub const SIMHASH_NEAR_COPY: u32 = 3;
/// Default number of MinHash permutations.
pub const DEFAULT_PERMUTATIONS: usize = 64;

/// 64-bit FNV-1a of `bytes`, finalised with SplitMix64 for good bit spread.
pub fn stable_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    splitmix64(h)
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Generic petition phrasing that nearly every submission shares (请求、要求、
/// 部门、没有 …). Left out of signatures: they would make unrelated petitions
/// look alike without helping to recognise a repeat.
pub const GENERIC_WORDS: &[&str] = &[
    "请求", "要求", "希望", "恳请", "部门", "相关", "有关", "没有", "没", "不", "政府", "领导",
    "解决", "落实", "处理", "多次", "依法", "反映", "至今", "尽快", "帮助", "帮", "某", "去年",
    "无法", "一直", "给予", "予以",
];

/// Hashed features of a token list, robust to re-wording: every token not in
/// [`GENERIC_WORDS`], plus the character bigrams inside tokens of three or
/// more characters (so 回迁安置房 still shares 回迁, 安置, 置房 with 回迁安置
/// and 安置房 however jieba cut it). Duplicates are kept (SimHash weights).
pub fn features(tokens: &[String]) -> Vec<u64> {
    let mut out = Vec::with_capacity(tokens.len() * 3);
    let mut chars: Vec<(usize, char)> = Vec::new();
    for t in tokens {
        if GENERIC_WORDS.contains(&t.as_str()) {
            continue;
        }
        out.push(stable_hash(t.as_bytes()));
        chars.clear();
        chars.extend(t.char_indices());
        if chars.len() >= 3 {
            for w in chars.windows(2) {
                let start = w[0].0;
                let end = w[1].0 + w[1].1.len_utf8();
                out.push(stable_hash(&t.as_bytes()[start..end]));
            }
        }
    }
    out
}

/// 64-bit SimHash of the tokens' [`features`], each distinct feature
/// weighted by its frequency. A text without features gives 0.
pub fn simhash64(tokens: &[String]) -> u64 {
    let mut weights: HashMap<u64, i64> = HashMap::with_capacity(tokens.len() * 3);
    for f in features(tokens) {
        *weights.entry(f).or_default() += 1;
    }
    let mut acc = [0i64; 64];
    for (h, w) in weights {
        for (bit, slot) in acc.iter_mut().enumerate() {
            if h >> bit & 1 == 1 {
                *slot += w;
            } else {
                *slot -= w;
            }
        }
    }
    acc.iter()
        .enumerate()
        .filter(|(_, &v)| v > 0)
        .fold(0u64, |h, (bit, _)| h | 1 << bit)
}

/// Number of differing bits.
pub fn hamming(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// A MinHash signature: the minimum hash of the feature set under each
/// permutation. All values `u64::MAX` means the text had no features.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MinHashSig(pub Vec<u64>);

impl MinHashSig {
    /// Whether the signature comes from a text without any token.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|&v| v == u64::MAX)
    }
}

/// Computes MinHash signatures with a fixed family of hash functions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinHasher {
    seeds: Vec<u64>,
}

impl MinHasher {
    /// A hasher with `permutations` hash functions and deterministic seeds.
    /// Signatures are only comparable between hashers of the same size.
    pub fn new(permutations: usize) -> MinHasher {
        let seeds = (0..permutations as u64)
            .map(|i| splitmix64(0x5851_f42d_4c95_7f2d ^ i.wrapping_mul(0x9e37_79b9_7f4a_7c15)))
            .collect();
        MinHasher { seeds }
    }

    /// Number of hash functions (the signature length).
    pub fn permutations(&self) -> usize {
        self.seeds.len()
    }

    /// Signature of the token list over the set of its [`features`].
    pub fn signature(&self, tokens: &[String]) -> MinHashSig {
        let mut feats = features(tokens);
        feats.sort_unstable();
        feats.dedup();
        let mins = self
            .seeds
            .iter()
            .map(|&seed| {
                feats
                    .iter()
                    .map(|&f| splitmix64(f ^ seed))
                    .min()
                    .unwrap_or(u64::MAX)
            })
            .collect();
        MinHashSig(mins)
    }
}

impl Default for MinHasher {
    /// [`DEFAULT_PERMUTATIONS`] hash functions.
    fn default() -> Self {
        MinHasher::new(DEFAULT_PERMUTATIONS)
    }
}

/// Estimated Jaccard similarity: the share of positions where the signatures
/// agree. Signatures of different length, or of an empty text, give 0.
pub fn jaccard_estimate(a: &MinHashSig, b: &MinHashSig) -> f64 {
    if a.0.len() != b.0.len() || a.0.is_empty() || a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let same = a.0.iter().zip(&b.0).filter(|(x, y)| x == y).count();
    same as f64 / a.0.len() as f64
}

/// Exact Jaccard similarity of the feature sets of two token lists, for
/// confirming candidates or for tests.
pub fn exact_jaccard(a: &[String], b: &[String]) -> f64 {
    let set = |t: &[String]| {
        features(t)
            .into_iter()
            .collect::<std::collections::HashSet<_>>()
    };
    let (sa, sb) = (set(a), set(b));
    let union = sa.union(&sb).count();
    if union == 0 {
        return 0.0;
    }
    sa.intersection(&sb).count() as f64 / union as f64
}

/// Re-submission phrasing that does not change which matter it is.
pub const RESUBMIT_WORDS: &[&str] = &["再次", "重新", "继续", "仍然", "还是", "又", "再"];

fn has_unshared_specific(request: &[String], other: &std::collections::HashSet<&str>) -> bool {
    request.iter().any(|t| {
        let t = t.as_str();
        let specific = t.chars().count() >= 2 || t.chars().any(|c| c.is_ascii_digit());
        specific
            && !GENERIC_WORDS.contains(&t)
            && !RESUBMIT_WORDS.contains(&t)
            && !other.contains(t)
    })
}

/// Two texts about *different* specifics of the same kind of matter (another
/// property, another project, another amount): each request names something
/// — a place, a number — that the other text never mentions. Template-like
/// petitions in one field share most words, so similarity alone links them;
/// this check keeps them apart while a re-worded repeat (whose request
/// mentions nothing the earlier text lacks, or only adds to it) still links.
pub fn specifics_conflict(
    request_a: &[String],
    full_a: &[String],
    request_b: &[String],
    full_b: &[String],
) -> bool {
    let set = |v: &[String]| -> std::collections::HashSet<String> { v.iter().cloned().collect() };
    let (sa, sb) = (set(full_a), set(full_b));
    let ra: std::collections::HashSet<&str> = sa.iter().map(String::as_str).collect();
    let rb: std::collections::HashSet<&str> = sb.iter().map(String::as_str).collect();
    has_unshared_specific(request_a, &rb) && has_unshared_specific(request_b, &ra)
}

/// LSH band keys: the signature cut into `bands` bands of `rows` values, each
/// band hashed together with its index. Two signatures that agree on a whole
/// band share that band's key, so a store indexes `(key → case)` and looks up
/// candidates by key instead of scanning history. Only complete bands are
/// produced (at most `sig.len() / rows`); an empty-text signature gives none.
pub fn band_keys(sig: &MinHashSig, bands: usize, rows: usize) -> Vec<u64> {
    if rows == 0 || sig.is_empty() {
        return Vec::new();
    }
    sig.0
        .chunks_exact(rows)
        .take(bands)
        .enumerate()
        .map(|(band, values)| {
            let mut buf = Vec::with_capacity(8 * (rows + 1));
            buf.extend_from_slice(&(band as u64).to_le_bytes());
            for v in values {
                buf.extend_from_slice(&v.to_le_bytes());
            }
            stable_hash(&buf)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(s: &str) -> Vec<String> {
        crate::Segmenter::global().tokens(s)
    }

    #[test]
    fn specifics_keep_similar_matters_apart() {
        let (ra, fa) = (
            "要求开发商按合同约定时间交付东湖小区商品房",
            "要求开发商按合同约定时间交付东湖小区商品房 本人于2019年购买东湖小区住宅一套，合同约定交房日期已过18个月",
        );
        let (rb, fb) = (
            "要求开发商按合同约定时间交付西溪花园商品房",
            "要求开发商按合同约定时间交付西溪花园商品房 本人于2021年购买西溪花园住宅一套，合同约定交房日期已过7个月",
        );
        assert!(specifics_conflict(&seg(ra), &seg(fa), &seg(rb), &seg(fb)));
        // A re-worded repeat of the same property is no conflict.
        let (rc, fc) = (
            "再次要求开发商按合同约定时间交付东湖小区商品房",
            "再次要求开发商按合同约定时间交付东湖小区商品房 本人于2019年购买东湖小区住宅一套。多次反映无果。",
        );
        assert!(!specifics_conflict(&seg(ra), &seg(fa), &seg(rc), &seg(fc)));
    }

    fn toks(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn identical_and_disjoint() {
        let h = MinHasher::default();
        let a = h.signature(&toks("征地 补偿 标准 太低"));
        let b = h.signature(&toks("物业费 上涨 业主 不满"));
        assert_eq!(jaccard_estimate(&a, &a), 1.0);
        assert!(jaccard_estimate(&a, &b) < 0.1);
        assert_eq!(band_keys(&a, LSH_BANDS, LSH_ROWS).len(), LSH_BANDS);
        assert_eq!(hamming(simhash64(&toks("a b")), simhash64(&toks("a b"))), 0);
    }

    #[test]
    fn empty_text() {
        let h = MinHasher::default();
        let e = h.signature(&[]);
        assert!(e.is_empty());
        assert_eq!(jaccard_estimate(&e, &e), 0.0);
        assert!(band_keys(&e, LSH_BANDS, LSH_ROWS).is_empty());
        assert_eq!(simhash64(&[]), 0);
    }
}
