//! The terms a case's request contributes to the hot issues (热点问题): its
//! jieba tokens of two characters or more, without numbers and without the
//! words every petition uses ([`GENERIC_TERMS`]).
//!
//! The dashboard counts them over two weeks of cases on every load; at a
//! million cases that is tens of thousands of requests, and segmenting them
//! again on each load cost seconds (issue #17). A request does not change
//! once registered, so each text's terms are kept in an LRU keyed by a
//! 128-bit hash of the text (two independent SipHash keys: a collision is
//! not a practical concern, and the text itself is not kept — the memo
//! holds no petition content). `serve` warms it with the last two weeks at
//! start ([`crate::state::App::warm_hot_terms`]).

use crate::analytics::GENERIC_TERMS;
use lru::LruCache;
use std::hash::{BuildHasher, Hasher};
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, OnceLock};

/// Requests remembered: two weeks of a province's cases at several
/// thousand a day, at ≈150 bytes each (≈30 MB at most).
const CAPACITY: usize = 200_000;

type Terms = Arc<[String]>;

struct Memo {
    keys: (std::hash::RandomState, std::hash::RandomState),
    cache: Mutex<LruCache<u128, Terms>>,
}

fn memo() -> &'static Memo {
    static MEMO: OnceLock<Memo> = OnceLock::new();
    MEMO.get_or_init(|| Memo {
        keys: (Default::default(), Default::default()),
        cache: Mutex::new(LruCache::new(
            NonZeroUsize::new(CAPACITY).expect("non-zero"),
        )),
    })
}

fn key(m: &Memo, text: &str) -> u128 {
    let half = |s: &std::hash::RandomState| {
        let mut h = s.build_hasher();
        h.write(text.as_bytes());
        h.finish() as u128
    };
    (half(&m.keys.0) << 64) | half(&m.keys.1)
}

/// The hot-issue terms of one request, distinct, in first-seen order.
pub fn terms_of(request: &str) -> Terms {
    let m = memo();
    let k = key(m, request);
    if let Some(t) = m.cache.lock().ok().and_then(|mut c| c.get(&k).cloned()) {
        return t;
    }
    let mut seen = std::collections::HashSet::new();
    let terms: Terms = xinfang_text::segment::Segmenter::global()
        .tokens(request)
        .into_iter()
        .filter(|t| {
            t.chars().count() >= 2
                && !t.chars().all(|c| c.is_ascii_digit())
                && !GENERIC_TERMS.contains(&t.as_str())
        })
        .filter(|t| seen.insert(t.clone()))
        .collect();
    if let Ok(mut c) = m.cache.lock() {
        c.put(k, terms.clone());
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_filtered_distinct_and_remembered() {
        let r = "要求解决东湖小区小区物业乱收费问题，2025年起物业费上涨";
        let t = terms_of(r);
        assert!(t.iter().any(|x| x == "物业"), "{t:?}");
        assert!(!t.iter().any(|x| x == "要求" || x == "问题"), "{t:?}");
        assert!(!t.iter().any(|x| x.chars().count() < 2), "{t:?}");
        assert!(!t.iter().any(|x| x.chars().all(|c| c.is_ascii_digit())));
        let distinct: std::collections::HashSet<_> = t.iter().collect();
        assert_eq!(distinct.len(), t.len(), "each term once: {t:?}");
        assert!(Arc::ptr_eq(&t, &terms_of(r)), "second call from the memo");
        assert_ne!(&*t, &*terms_of("拖欠农民工工资三个月"));
    }
}
