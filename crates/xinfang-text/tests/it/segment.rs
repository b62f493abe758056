//! Segmentation keeps domain terms whole and drops noise.

use xinfang_text::segment::{Segmenter, DOMAIN_DICT};

#[test]
fn domain_terms_stay_whole() {
    let seg = Segmenter::global();
    let tokens = seg.tokens("包工头拖欠农民工工资，村里的征地拆迁补偿不到位，回迁安置也没有落实。");
    for term in ["拖欠农民工工资", "征地拆迁", "回迁安置"] {
        assert!(
            tokens.iter().any(|t| t == term),
            "{term} missing in {tokens:?}"
        );
    }
    let tokens = seg.tokens("小区物业费太高，业主委员会要求公开，噪音扰民问题也没人管");
    for term in ["物业费", "业主委员会", "噪音扰民"] {
        assert!(
            tokens.iter().any(|t| t == term),
            "{term} missing in {tokens:?}"
        );
    }
}

#[test]
fn stop_words_and_punctuation_are_removed() {
    let seg = Segmenter::global();
    let tokens = seg.tokens("我们的 房子，在 2019 年被拆了！！");
    for stop in ["我们", "的", "在", "了", "，", "！", " "] {
        assert!(
            !tokens.iter().any(|t| t == stop),
            "{stop:?} kept in {tokens:?}"
        );
    }
    assert!(tokens.iter().any(|t| t == "房子"), "{tokens:?}");
    assert!(seg.is_stop_word("的"));
    assert!(!seg.is_stop_word("要求"));
}

#[test]
fn ascii_is_lowercased_and_full_width_folded() {
    let tokens = Segmenter::global().tokens("ＡＰＰ平台诱导消费，APP客服不退款");
    assert_eq!(
        tokens.iter().filter(|t| *t == "app").count(),
        2,
        "{tokens:?}"
    );
    assert!(tokens.iter().any(|t| t == "诱导消费"), "{tokens:?}");
}

#[test]
fn search_tokens_add_sub_words() {
    let tokens = Segmenter::global().search_tokens("征地拆迁");
    for t in ["征地", "拆迁", "征地拆迁"] {
        assert!(tokens.iter().any(|x| x == t), "{t} missing in {tokens:?}");
    }
}

#[test]
fn domain_dictionary_is_large_enough_and_loaded() {
    let words: Vec<&str> = DOMAIN_DICT
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert!(words.len() >= 200, "only {} domain words", words.len());
    let seg = Segmenter::global();
    for w in words {
        assert!(seg.has_word(&w.to_ascii_lowercase()), "{w} not loaded");
    }
}

#[test]
fn extra_user_dictionary() {
    let seg = Segmenter::with_user_dict("# 管理员维护\n幸福里小区 5000 ns").unwrap();
    assert!(seg
        .tokens("幸福里小区停水三天")
        .contains(&"幸福里小区".to_string()));
}
