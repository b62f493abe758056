//! Naive Bayes learning, prediction, correction and persistence; cue rules.

use xinfang_text::classify::{
    litigation_cues, looks_litigation_related, suggest_kind_by_rules, NaiveBayes,
};
use xinfang_text::Segmenter;

const TRAIN: &[(&str, &str)] = &[
    ("包工头拖欠农民工工资半年不给", "劳动社保"),
    ("公司拖欠工资三个月，讨薪无果", "劳动社保"),
    ("工伤认定申请人社局不受理", "劳动社保"),
    ("养老保险缴费年限计算错误", "劳动社保"),
    ("单位不给缴纳社会保险，还拖欠加班工资", "劳动社保"),
    ("征地拆迁补偿款至今没有发放", "城乡建设"),
    ("回迁安置房延期交房两年", "城乡建设"),
    ("开发商烂尾楼停工，业主无法收房", "城乡建设"),
    ("棚户区改造补偿标准太低", "城乡建设"),
    ("小区违章建筑占用消防通道无人处理", "城乡建设"),
    ("楼下烧烤店噪音扰民油烟扰民", "生态环境"),
    ("工厂夜间排放污水，河道黑臭", "生态环境"),
    ("垃圾焚烧厂气味刺鼻，影响居民健康", "生态环境"),
    ("工地夜间施工噪音大，扬尘污染严重", "生态环境"),
];

fn tokens(s: &str) -> Vec<String> {
    Segmenter::global().tokens(s)
}

fn trained() -> NaiveBayes {
    let mut nb = NaiveBayes::new();
    for (text, label) in TRAIN {
        nb.learn(&tokens(text), label);
    }
    nb
}

#[test]
fn predicts_held_out_sentences() {
    let nb = trained();
    assert_eq!(nb.labels(), ["劳动社保", "城乡建设", "生态环境"]);
    let held_out = [
        ("老板拖欠我们工资不发，要求劳动监察帮忙讨薪", "劳动社保"),
        ("拆迁以后安置房一直没有交房", "城乡建设"),
        ("附近工厂排放污水，还有噪音", "生态环境"),
    ];
    for (text, want) in held_out {
        // Multinomial and complement prediction agree here.
        for p in [
            nb.predict(&tokens(text)),
            nb.predict_complement(&tokens(text)),
        ] {
            assert_eq!(p[0].0, want, "{text}: {p:?}");
            let sum: f64 = p.iter().map(|(_, v)| v).sum();
            assert!((sum - 1.0).abs() < 1e-9);
            assert!(p.windows(2).all(|w| w[0].1 >= w[1].1));
        }
    }
    assert!(NaiveBayes::new()
        .predict_complement(&tokens("拖欠工资"))
        .is_empty());
}

#[test]
fn unlearn_reverses_learn() {
    let before = trained();
    let mut nb = before.clone();
    let t = tokens("物业费年年涨，电梯坏了没人修");
    nb.learn(&t, "生态环境");
    assert_ne!(nb, before);
    assert!(nb.unlearn(&t, "生态环境"));
    assert_eq!(nb, before);
    // A brand-new label disappears again entirely.
    nb.learn(&t, "物业管理");
    assert!(nb.unlearn(&t, "物业管理"));
    assert_eq!(nb, before);
    assert!(!nb.unlearn(&t, "物业管理"));
    assert!(!nb.unlearn(&tokens("从未学过的句子内容"), "生态环境"));
    assert_eq!(nb, before);
}

#[test]
fn serde_round_trip() {
    let nb = trained();
    let json = serde_json::to_string(&nb).unwrap();
    let back: NaiveBayes = serde_json::from_str(&json).unwrap();
    assert_eq!(back, nb);
    let t = tokens("拖欠工资");
    assert_eq!(back.predict(&t), nb.predict(&t));
}

#[test]
fn empty_model_predicts_nothing() {
    assert!(NaiveBayes::new().predict(&tokens("任何内容")).is_empty());
}

#[test]
fn kind_rules() {
    let cases = [
        ("建议在我村增设公交站点，方便群众出行", "suggestion"),
        ("实名举报某局长贪污受贿、违纪违法", "accusation"),
        ("要求开发商支付拖欠的补偿款", "claim"),
    ];
    for (text, want) in cases {
        assert_eq!(
            suggest_kind_by_rules(text).map(|k| k.0),
            Some(want),
            "{text}"
        );
    }
    let (_, strong) = suggest_kind_by_rules("举报村干部贪污、受贿").unwrap();
    let (_, weak) = suggest_kind_by_rules("举报").unwrap();
    assert!(strong > weak && strong < 1.0);
}

#[test]
fn litigation_detection() {
    let text = "法院已经判决，但对方拒不履行，申请强制执行后执行局一直没有动静，我还申请了再审";
    assert!(looks_litigation_related(text));
    assert_eq!(
        litigation_cues(text),
        ["法院", "判决", "强制执行", "执行局", "再审"]
    );
    assert!(!looks_litigation_related("小区路灯坏了，物业不修"));
}
