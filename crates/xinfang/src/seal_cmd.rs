//! 电子签章 beside `serve` and on the command line (issue #20 item 6): the
//! platform's SM2 root key comes from the key file `serve` loads
//! (`keys_cmd::install`: beside the SQLite file, or `XINFANG_KEY_FILE` /
//! `XINFANG_DATA_KEY`), the signer signs every newly issued document within
//! seconds, and `xinfang documents verify FILE` checks a signed package
//! offline.

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// How often the signer looks at every document again, not only new ones.
const FULL_SWEEP: Duration = Duration::from_secs(600);
use xinfang_app::document_seal::{fingerprint, verify_package, SignedDocument};
use xinfang_app::App;
use xinfang_crypto::keys::KeyFile;

/// Install the platform's SM2 root key from the key file `serve` loaded
/// (`keys_cmd::install`), so documents are signed with it.
pub fn install_root(app: &App, keys: &KeyFile) -> anyhow::Result<()> {
    app.set_signing_root(keys.ring()?.sm2().1.clone());
    Ok(())
}

/// Sign newly issued documents every two seconds. Each round looks only
/// at documents numbered above the last one signed; every ten minutes the
/// signer looks at them all again, for a document committed after one with
/// a higher number (PostgreSQL hands out ids before commit).
pub fn spawn_signer(app: App) {
    tokio::spawn(async move {
        let mut after = 0;
        let mut swept = Instant::now();
        loop {
            if swept.elapsed() >= FULL_SWEEP {
                after = 0;
                swept = Instant::now();
            }
            match app.seal_pending_after(after, 200).await {
                Ok((n, last)) => {
                    after = last;
                    if n > 0 {
                        continue;
                    }
                }
                Err(e) => tracing::warn!("document signing failed: {e}"),
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
    });
}

/// `xinfang documents verify FILE [--root-key HEX]`: 0 valid, 1 not.
pub fn verify_file(file: &Path, root_key: Option<&str>) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| anyhow::anyhow!("读取签章文件失败：{}：{e}", file.display()))?;
    let p: SignedDocument =
        serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("不是本系统的签章文件：{e}"))?;
    println!("文号：{}", p.doc_no);
    println!("标题：{}", p.title);
    println!("发文机关：{}", p.issuer);
    println!("成文时间：{}", p.issued_at);
    println!(
        "签章时间：{}  密钥：{}（指纹 {}）",
        p.signed_at,
        p.key_id,
        fingerprint(&p.public_key)
    );
    println!("验证码：{}", p.code);
    match verify_package(&p, root_key) {
        Ok(()) => {
            if root_key.is_none() {
                println!(
                    "根公钥指纹：{}（未用 --root-key 比对，请与平台公布的根公钥核对）",
                    fingerprint(&p.root_public_key)
                );
            }
            println!("验证通过：签章有效，文书内容与签发时一致");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!("验证未通过：{e}");
            Ok(ExitCode::from(1))
        }
    }
}
