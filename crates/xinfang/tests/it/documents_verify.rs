//! `xinfang documents verify FILE` (issue #20 item 6): `serve` signs the
//! documents of a demo store (its root key created in the key file beside
//! the database), the API hands out a document's signed package, and the
//! command line checks it offline: exit 0 when it holds against the pinned
//! root, 1 with the reason when the content, or the root, is not the one
//! signed.

use crate::server::{bin, Node};
use std::process::Command;
use std::time::{Duration, Instant};

fn verify(file: &std::path::Path, root: &str) -> (bool, String) {
    let o = Command::new(bin())
        .args([
            "documents",
            "verify",
            file.to_str().unwrap(),
            "--root-key",
            root,
        ])
        .output()
        .expect("run xinfang");
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).to_string(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_document_verifies_offline_and_a_changed_one_does_not() {
    let dir = std::env::temp_dir().join(format!("xinfang-seal-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/seal.db", dir.display());
    let o = Command::new(bin())
        .args(["demo", "--cases", "60", "--database-url", &url])
        .env_remove("XINFANG_DATABASE_URL")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let node = Node::start(&url, &[("XINFANG_KEY_FILE", "")]);
    assert!(
        dir.join("xinfang-keys.json").exists(),
        "the key file beside the store"
    );
    let http = reqwest::Client::new();
    let token = node.api_token(&http, "shangcheng_xfj").await;
    let get = |path: String| {
        let http = http.clone();
        let token = token.clone();
        async move { http.get(path).bearer_auth(token).send().await.unwrap() }
    };
    // A case of this desk with an issued document.
    let cases: serde_json::Value = get(format!("{}/api/v1/cases?limit=200", node.base))
        .await
        .json()
        .await
        .unwrap();
    let mut found = None;
    for c in cases["cases"].as_array().unwrap() {
        let no = c["case_no"].as_str().unwrap().to_string();
        let d: serde_json::Value = get(format!("{}/api/v1/cases/{no}/documents", node.base))
            .await
            .json()
            .await
            .unwrap();
        if let Some(id) = d["documents"]
            .as_array()
            .and_then(|a| a.first())
            .and_then(|x| x["id"].as_i64())
        {
            found = Some((no, id));
            break;
        }
    }
    let (case_no, id) = found.expect("a case with a document");
    // The signer beside serve signs within seconds (or the read signs it).
    let deadline = Instant::now() + Duration::from_secs(30);
    let pkg: serde_json::Value = loop {
        let r = get(format!(
            "{}/api/v1/cases/{case_no}/documents/{id}/signed",
            node.base
        ))
        .await;
        if r.status() == 200 {
            break r.json().await.unwrap();
        }
        assert!(Instant::now() < deadline, "not signed: {}", r.status());
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    let root = pkg["root_public_key"].as_str().unwrap().to_string();
    let file = dir.join("doc.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&pkg).unwrap()).unwrap();
    let (ok, out) = verify(&file, &root);
    assert!(ok, "{out}");
    assert!(
        out.contains("验证通过") && out.contains(pkg["doc_no"].as_str().unwrap()),
        "{out}"
    );

    // Another root: refused.
    let other = format!("04{}", "11".repeat(64));
    let (ok, out) = verify(&file, &other);
    assert!(!ok && out.contains("验证未通过"), "{out}");
    // A changed content: refused, saying so.
    let mut bad = pkg.clone();
    let text = bad["canonical"]
        .as_str()
        .unwrap()
        .replacen("文号：", "文号：改", 1);
    bad["canonical"] = serde_json::json!(text);
    std::fs::write(&file, serde_json::to_vec_pretty(&bad).unwrap()).unwrap();
    let (ok, out) = verify(&file, &root);
    assert!(!ok && out.contains("已被改动"), "{out}");
    // Not a package at all.
    std::fs::write(&file, b"{}").unwrap();
    let (ok, _) = verify(&file, &root);
    assert!(!ok);
    drop(node);
    let _ = std::fs::remove_dir_all(&dir);
}
