//! Tokens of texts that come back again and again — an earlier case's
//! content is compared with every new submission of the same petitioner —
//! segmented once and kept in a small LRU keyed by the text's hash (the text
//! itself is kept and compared, so a hash collision cannot mix texts up).

use crate::{normalize, Segmenter};
use lru::LruCache;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, OnceLock};

/// Texts remembered (a few MB at most).
const CAPACITY: usize = 4096;

type Entry = (Box<str>, Arc<[String]>);

fn cache() -> &'static Mutex<LruCache<u64, Entry>> {
    static CACHE: OnceLock<Mutex<LruCache<u64, Entry>>> = OnceLock::new();
    CACHE.get_or_init(|| {
        Mutex::new(LruCache::new(
            NonZeroUsize::new(CAPACITY).expect("non-zero"),
        ))
    })
}

/// The normalised, segmented tokens of `text` (as [`crate::analyze`] gives
/// them), from the cache when the same text was segmented before.
pub fn tokens_of(text: &str) -> Arc<[String]> {
    let mut h = DefaultHasher::new();
    text.hash(&mut h);
    let key = h.finish();
    if let Ok(mut c) = cache().lock() {
        if let Some((t, tokens)) = c.get(&key) {
            if **t == *text {
                return tokens.clone();
            }
        }
    }
    let tokens: Arc<[String]> = Segmenter::global()
        .tokens_normalized(&normalize(text))
        .into();
    if let Ok(mut c) = cache().lock() {
        c.put(key, (text.into(), tokens.clone()));
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_tokens_equal_fresh_analysis() {
        let text = "要求开发商按合同约定时间交付东湖小区商品房";
        let first = tokens_of(text);
        assert_eq!(&*first, crate::analyze(text).tokens.as_slice());
        let again = tokens_of(text);
        assert!(
            Arc::ptr_eq(&first, &again),
            "second call comes from the cache"
        );
        let other = tokens_of("拖欠农民工工资三个月");
        assert_ne!(&*first, &*other);
    }
}
