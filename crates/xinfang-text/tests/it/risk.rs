//! Risk lexicon scanning and validation.

use xinfang_text::normalize;
use xinfang_text::risk::{risk_level, LexiconError, RiskCategory, RiskLexicon};

#[test]
fn finds_threats_with_positions() {
    let text = normalize("如果再不解决，我就到市政府门口自焚，和他们同归于尽！");
    let hits = RiskLexicon::global().scan(&text);
    let terms: Vec<&str> = hits.iter().map(|h| h.term.as_str()).collect();
    assert_eq!(terms, ["自焚", "同归于尽"]);
    for h in &hits {
        assert_eq!(&text[h.start..h.end], h.term);
        assert_eq!(h.category, RiskCategory::Threat);
        assert_eq!(h.level, 3);
    }
    assert_eq!(hits[0].start, text.find("自焚").unwrap());
    assert_eq!(risk_level(&hits), Some(3));
}

#[test]
fn spaced_and_full_width_text_still_matches() {
    let text = normalize("我 要 自 焚　，还要找媒体曝光");
    let hits = RiskLexicon::global().scan(&text);
    let cats: Vec<RiskCategory> = hits.iter().map(|h| h.category).collect();
    assert!(cats.contains(&RiskCategory::Threat), "{hits:?}");
    assert!(cats.contains(&RiskCategory::PublicOpinion), "{hits:?}");
}

#[test]
fn collective_and_article_26_signals() {
    let text = normalize("村民准备组织两百人集体上访，到时候围堵县政府大门，拦截公务车辆");
    let hits = RiskLexicon::global().scan(&text);
    let terms: Vec<&str> = hits.iter().map(|h| h.term.as_str()).collect();
    assert!(terms.contains(&"组织…上访"), "{terms:?}");
    assert!(terms.contains(&"集体上访"), "{terms:?}");
    assert!(
        !terms.contains(&"集体"),
        "contained term reported: {terms:?}"
    );
    assert!(terms.contains(&"围堵"), "{terms:?}");
    assert!(terms.contains(&"拦截公务车辆"), "{terms:?}");
}

#[test]
fn quiet_text_has_no_hits() {
    let hits = RiskLexicon::global().scan("小区路灯坏了三个月，希望尽快修好。");
    assert!(hits.is_empty(), "{hits:?}");
    assert_eq!(risk_level(&hits), None);
}

#[test]
fn bad_lines_are_rejected_with_line_numbers() {
    let cases = [
        (
            "自焚\t扬言极端\t3\n跳楼 扬言极端 3",
            2,
            "3 个以制表符分隔的字段",
        ),
        ("自焚\t扬言极端\t4", 1, "等级"),
        ("# 注释\n\n自焚\t威胁\t3", 3, "未知类别"),
        ("自焚\t扬言极端\t3\n自焚\t扬言极端\t2", 2, "重复"),
        ("组织…\t群体\t3", 1, "缺少文字"),
    ];
    for (text, line, msg) in cases {
        match RiskLexicon::from_text(text) {
            Err(e @ LexiconError::Line { line: l, .. }) => {
                assert_eq!(l, line, "{text}");
                assert!(e.to_string().contains(msg), "{e}");
            }
            other => panic!("{text}: {other:?}"),
        }
    }
    assert_eq!(
        RiskLexicon::from_text("# 只有注释").unwrap_err(),
        LexiconError::Empty
    );
}

#[test]
fn custom_lexicon_is_case_insensitive() {
    let lex = RiskLexicon::from_text("TikTok\t舆情\t1").unwrap();
    let hits = lex.scan("要发到tiktok上");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].category.label(), "舆情");
}

#[test]
fn embedded_lexicon_is_valid() {
    assert!(RiskLexicon::global().len() > 100);
}

#[test]
fn gapped_term_spans_its_parts_within_one_sentence() {
    let lex = RiskLexicon::from_text("组织…上访\t群体\t3\n集体\t群体\t1").unwrap();
    let text = "他组织村民明天集体上访";
    let hits = lex.scan(text);
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0].term, "组织…上访");
    assert_eq!(&text[hits[0].start..hits[0].end], "组织村民明天集体上访");
    assert!(lex.scan("组织了一次座谈。后来上访").is_empty());
    assert!(lex.scan("组织一二三四五六七八九十一二三上访").is_empty());
}
