//! `xinfang import cases FILE.xlsx [--dry-run]`: the dry run names every bad
//! row and exits 1, the real run of a bad file writes nothing, a good file is
//! imported whole (SQLite; the PostgreSQL path is the same service, tested in
//! xinfang-web's analytics tests).

use std::process::{Command, Output};

fn xinfang(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xinfang"))
        .args(args)
        .env_remove("XINFANG_DATABASE_URL")
        .output()
        .expect("run xinfang")
}

fn workbook(path: &std::path::Path, rows: &[[&str; 14]]) {
    let header = [
        "信访日期",
        "渠道",
        "类型",
        "信访人",
        "身份证号",
        "电话",
        "住址",
        "地区代码",
        "登记单位",
        "人数",
        "诉求",
        "事实和理由",
        "内容分类",
        "办理状态",
    ];
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    wb.save(path).unwrap();
}

#[test]
fn import_cases_dry_run_and_all_or_nothing() {
    let dir = std::env::temp_dir().join(format!("xinfang-import-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/cli.db", dir.display());
    let o = xinfang(&["demo", "--cases", "0", "--database-url", &url]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let unit = "杭州市上城区信访局";
    let good = [
        [
            "2025-06-03",
            "来信",
            "申诉求决类",
            "赵一",
            "",
            "13812345678",
            "",
            "330102",
            unit,
            "",
            "要求支付拖欠工资",
            "",
            "",
            "已登记",
        ],
        [
            "2025-06-04",
            "来电",
            "建议意见类",
            "钱二",
            "",
            "",
            "",
            "330102",
            unit,
            "",
            "建议增设公交站点",
            "",
            "",
            "",
        ],
    ];
    let mut bad = good;
    bad[1][1] = "飞鸽传书";
    let (good_file, bad_file) = (dir.join("good.xlsx"), dir.join("bad.xlsx"));
    workbook(&good_file, &good);
    workbook(&bad_file, &bad);
    let run = |file: &std::path::Path, dry: bool| {
        let f = file.to_str().unwrap();
        let mut args = vec!["import", "cases", f, "--database-url", &url];
        if dry {
            args.push("--dry-run");
        }
        xinfang(&args)
    };
    let o = run(&bad_file, true);
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(!o.status.success(), "{out}");
    assert!(out.contains("第 3 行") && out.contains("渠道"), "{out}");
    let o = run(&bad_file, false);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("未写入任何事项"));
    let o = run(&good_file, true);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let o = run(&good_file, false);
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(o.status.success(), "{out}");
    assert!(out.lines().last().unwrap().contains("已导入 2 件"), "{out}");
    // The chain still verifies.
    let o = xinfang(&["audit", "verify", "--database-url", &url]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let _ = std::fs::remove_dir_all(&dir);
}
