//! Character accuracy as the benchmark reports it: 1 − edit distance / length
//! of the truth, over the text with all white space removed (line breaks and
//! spacing are layout, not reading).

/// Levenshtein distance over chars.
pub fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

fn squeeze(s: &str) -> Vec<char> {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// 1 − edit distance / truth length, floored at 0.
pub fn char_accuracy(truth: &str, read: &str) -> f64 {
    let t = squeeze(truth);
    let r = squeeze(read);
    if t.is_empty() {
        return if r.is_empty() { 1.0 } else { 0.0 };
    }
    (1.0 - edit_distance(&t, &r) as f64 / t.len() as f64).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accuracy_counts_edits_not_spacing() {
        assert_eq!(char_accuracy("张三 来信", "张三\n来信"), 1.0);
        assert_eq!(char_accuracy("abcd", "abxd"), 0.75);
        assert_eq!(char_accuracy("abcd", ""), 0.0);
        assert_eq!(edit_distance(&['a', 'b'], &['b']), 1);
    }
}
