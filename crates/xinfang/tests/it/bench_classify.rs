//! `xinfang bench classify` end to end: cross-validation on the shipped
//! labelled corpus prints one JSON line with the documented keys, the learnt
//! models beat the rules-only and majority baselines, and a malformed corpus
//! fails naming its line.

use std::process::Command;

fn run(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xinfang"))
        .args(["bench", "classify"])
        .args(args)
        .current_dir(dir)
        .env_remove("XINFANG_DATABASE_URL")
        .output()
        .expect("run xinfang")
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("xinfang-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn cross_validates_the_shipped_corpus() {
    let dir = temp_dir("bench-classify");
    let out = run(&dir, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let v: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(v["test"], 604, "every case scored once");
    assert_eq!(v["folds"], 5);
    assert_eq!(v["per_field"].as_object().unwrap().len(), 15);
    let f = |k: &str| v[k].as_f64().unwrap_or_else(|| panic!("{k} in {v}"));
    assert!(f("kind_accuracy") > f("kind_rules_accuracy"), "{v}");
    assert!(
        f("category_accuracy") > 5.0 * f("category_majority_accuracy"),
        "{v}"
    );
    assert!(f("category_top3_accuracy") >= f("category_accuracy"));
    assert!(f("field_accuracy") >= f("category_accuracy"));
    assert!(
        f("litigation_precision") > 0.5 && f("litigation_recall") > 0.5,
        "{v}"
    );
    let bands = v["category_calibration"].as_array().unwrap();
    let n: u64 = bands.iter().map(|b| b["n"].as_u64().unwrap()).sum();
    assert_eq!(n, 604);
    assert!(v["curve"].as_array().unwrap().len() >= 4);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_malformed_corpus_names_its_line() {
    let dir = temp_dir("bench-classify-bad");
    let file = dir.join("bad.tsv");
    std::fs::write(
        &file,
        "category\tkind\tlitigation\ttext\n0101\t投诉\t否\t交房难\n",
    )
    .unwrap();
    let out = run(&dir, &["--corpus", file.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("第 2 行"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
