//! Keys for a store (issue #20): where the key file lives, loading it
//! into the process before the store opens, bringing the store up to it
//! (`Store::protect`), rotation, and the chain anchors of `serve`.
//!
//! The key file is `xinfang-keys.json` beside the SQLite file (so
//! `serve --demo` needs no setup: it is created on first run, mode 0600),
//! or `XINFANG_KEY_FILE`, or the whole file's JSON in `XINFANG_DATA_KEY`;
//! for PostgreSQL the default is `./xinfang-data/xinfang-keys.json`.
//! Anchors go to `anchors.log` in the same directory (or `XINFANG_ANCHORS`).

use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::time::Duration;
use xinfang_crypto::keys::{KeyFile, DEFAULT_FILE_NAME};
use xinfang_store::anchors::ANCHORS_FILE;
use xinfang_store::Store;

/// The directory of a SQLite database file, else `./xinfang-data`.
pub(crate) fn data_dir(url: &str) -> PathBuf {
    let file = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .map(|p| p.split('?').next().unwrap_or(p))
        .filter(|p| !p.is_empty() && !p.contains(":memory:"));
    match file {
        Some(f) => Path::new(f)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from(".")),
        None => PathBuf::from("xinfang-data"),
    }
}

/// The anchors file for a store: `anchors.log` beside a SQLite file;
/// `anchors-<database>.log` in `./xinfang-data` for PostgreSQL (one key
/// directory may serve several databases, each chain has its own anchors).
pub(crate) fn anchors_path(url: &str) -> PathBuf {
    if let Some(p) = std::env::var("XINFANG_ANCHORS")
        .ok()
        .filter(|p| !p.trim().is_empty())
    {
        return PathBuf::from(p);
    }
    if url.starts_with("postgres") {
        let db: String = url
            .rsplit('/')
            .next()
            .unwrap_or("")
            .split('?')
            .next()
            .unwrap_or("")
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        return data_dir(url).join(format!("anchors-{db}.log"));
    }
    data_dir(url).join(ANCHORS_FILE)
}

/// Load (creating on first run) the store's keys and install them in the
/// process. Returns the keys and their file (None when from the environment).
pub(crate) fn install(url: &str) -> anyhow::Result<(KeyFile, Option<PathBuf>)> {
    let dir = data_dir(url);
    std::fs::create_dir_all(&dir).with_context(|| format!("创建 {} 失败", dir.display()))?;
    let (kf, path) = KeyFile::resolve(&dir.join(DEFAULT_FILE_NAME))?;
    xinfang_store::install_keys(kf.ring()?);
    if let Some(p) = path.clone() {
        // A value sealed under a key another process just added: read the file again.
        xinfang_store::set_key_reloader(move || KeyFile::load(&p).and_then(|k| k.ring()).ok());
    }
    Ok((kf, path))
}

/// Connect with keys: install them, migrate, bring the store up to them,
/// and anchor a cut-over the moment it happens.
pub(crate) async fn connect(url: &str) -> anyhow::Result<Store> {
    install(url)?;
    let store = Store::connect(url)
        .await
        .with_context(|| format!("连接数据库失败：{url}"))?;
    store.migrate().await.context("数据库迁移失败")?;
    let r = store.protect().await.context("加密存量数据失败")?;
    if let Some(from) = r.cut_over_at {
        let a = store.anchor(&anchors_path(url)).await?;
        eprintln!(
            "审计链自第 {from} 条起以 HMAC-SM3 认证；切换点已锚定（第 {} 条，{}）",
            a.seq,
            anchors_path(url).display()
        );
    }
    if r.cases_sealed + r.events_sealed + r.index_keys_blinded + r.other_sealed > 0 {
        eprintln!(
            "已加密存量个人信息：{} 件信访事项，{} 条事件，{} 个信访人索引键，{} 条短信与预约记录",
            r.cases_sealed, r.events_sealed, r.index_keys_blinded, r.other_sealed
        );
    }
    Ok(store)
}

/// Anchor the chain head every `XINFANG_ANCHOR_MINUTES` (default 10) when
/// it moved, and reload the key file when a rotation changed it (checked
/// every `XINFANG_KEY_RELOAD_SECS`, default 15).
pub(crate) fn spawn_background(store: Store, url: String, key_file: Option<PathBuf>) {
    let minutes: u64 = std::env::var("XINFANG_ANCHOR_MINUTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|m| *m > 0)
        .unwrap_or(10);
    let reload = std::env::var("XINFANG_KEY_RELOAD_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|s| *s > 0)
        .unwrap_or(15);
    let anchors = anchors_path(&url);
    tokio::spawn(async move {
        let mut last_seq = None;
        let mut last_anchor = std::time::Instant::now();
        let mut modified = key_file
            .as_ref()
            .and_then(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        loop {
            tokio::time::sleep(Duration::from_secs(reload)).await;
            if let Some(p) = &key_file {
                let now = std::fs::metadata(p).and_then(|m| m.modified()).ok();
                if now != modified {
                    match KeyFile::load(p).and_then(|k| k.ring()) {
                        Ok(ring) => {
                            xinfang_store::install_keys(ring);
                            modified = now;
                            tracing::info!("key file reloaded");
                        }
                        Err(e) => tracing::warn!("key file reload failed: {e}"),
                    }
                }
            }
            if last_anchor.elapsed() >= Duration::from_secs(minutes * 60) {
                last_anchor = std::time::Instant::now();
                match store.chain_head().await {
                    Ok(h) if Some(h.seq) != last_seq => match store.anchor(&anchors).await {
                        Ok(a) => last_seq = Some(a.seq + 1),
                        Err(e) => tracing::warn!("anchoring failed: {e}"),
                    },
                    Ok(_) => {}
                    Err(e) => tracing::warn!("reading the chain head failed: {e}"),
                }
            }
        }
    });
}

/// `xinfang keys rotate`: a new SM4 data key becomes active; everything is
/// re-sealed under it in batches while a running server keeps serving
/// (it reloads the key file within 15 s and reads both keys meanwhile).
pub(crate) async fn rotate(url: &str) -> anyhow::Result<()> {
    let (mut kf, path) = install(url)?;
    let Some(path) = path else {
        bail!("密钥来自环境变量 XINFANG_DATA_KEY，无法轮换；请改用密钥文件");
    };
    let old = kf.data.active.clone();
    let new = kf.rotate_data()?;
    kf.save(&path)?;
    xinfang_store::install_keys(kf.ring()?);
    println!("新数据密钥 {new} 已启用（{}）", path.display());
    let store = connect(url).await?;
    println!(
        "已用 {new} 重新加密；{old} 仍有 {} 处使用",
        store.sealed_with(&old).await?
    );
    println!("确认运行中的服务已载入新密钥后，可执行 xinfang keys retire {old} 移除旧密钥");
    Ok(())
}

/// `xinfang keys rotate --chain`: a new HMAC-SM3 chain key becomes active
/// at a recorded change entry (authenticated under the old key), anchored
/// at once. A running server reads the key file again when the head names
/// a key it does not have, so it keeps appending without a restart.
pub(crate) async fn rotate_chain(url: &str) -> anyhow::Result<()> {
    let (mut kf, path) = install(url)?;
    let Some(path) = path else {
        bail!("密钥来自环境变量 XINFANG_DATA_KEY，无法轮换；请改用密钥文件");
    };
    let store = connect(url).await?;
    let old = store.chain_head().await?.chain_key;
    let new = kf.rotate_chain()?;
    kf.save(&path)?;
    xinfang_store::install_keys(kf.ring()?);
    match store.change_chain_key("system:keys").await? {
        Some(from) => {
            let a = store.anchor(&anchors_path(url)).await?;
            println!(
                "审计链自第 {from} 条起改用链密钥 {new}（此前为 {}）；已锚定第 {} 条",
                old.unwrap_or_default(),
                a.seq
            );
        }
        None => println!("审计链已使用链密钥 {new}"),
    }
    Ok(())
}

/// `xinfang keys rotate --index`: a new blind-index key becomes active and
/// every blind column is recomputed under it in batches, while a running
/// server keeps serving (its look-ups consult both keys until the old one
/// leaves the file: `xinfang keys retire <old id>`).
pub(crate) async fn rotate_index(url: &str) -> anyhow::Result<()> {
    let (mut kf, path) = install(url)?;
    let Some(path) = path else {
        bail!("密钥来自环境变量 XINFANG_DATA_KEY，无法轮换；请改用密钥文件");
    };
    let store = connect(url).await?;
    let old = kf.index.active.clone();
    let new = kf.rotate_index()?;
    kf.save(&path)?;
    xinfang_store::install_keys(kf.ring()?);
    println!("新盲索引密钥 {new} 已启用（{}）", path.display());
    let r = reblind(&store).await?;
    println!(
        "已用 {new} 重算盲索引：{} 件信访事项，{} 条预约，{} 个信访人账户，{} 条短信，{} 条退订",
        r.cases, r.appointments, r.accounts, r.messages, r.optouts
    );
    println!(
        "确认运行中的服务已载入新密钥（15 秒内）后，执行 xinfang keys retire {old} 移除旧密钥"
    );
    Ok(())
}

/// Recompute every blind column under the active index key.
async fn reblind(store: &Store) -> anyhow::Result<xinfang_store::ReblindReport> {
    let keys_of =
        |c: &xinfang_domain::case::Case| xinfang_app::intake::petitioner_keys(&c.petitioners);
    let r = store.reblind(&keys_of).await.context("重算盲索引失败")?;
    store
        .put_setting(
            "crypto_index_key",
            &xinfang_store::installed_keys()
                .map(|k| k.index_key_id().to_string())
                .unwrap_or_default(),
        )
        .await?;
    Ok(r)
}

/// `xinfang keys retire KID`: remove an old data key once nothing uses it,
/// or an old blind-index key once the blind columns are recomputed (again:
/// a server still on the old file may have written under it meanwhile).
pub(crate) async fn retire(url: &str, kid: &str) -> anyhow::Result<()> {
    let (mut kf, path) = install(url)?;
    let Some(path) = path else {
        bail!("密钥来自环境变量 XINFANG_DATA_KEY；请直接修改其内容");
    };
    let store = connect(url).await?;
    if kf.index.keys.contains_key(kid) {
        if kid == kf.index.active {
            bail!("{kid} 是当前使用的盲索引密钥，不能移除");
        }
        reblind(&store).await?;
        kf.remove_index_key(kid)?;
        kf.save(&path)?;
        xinfang_store::install_keys(kf.ring()?);
        println!("已重算盲索引并移除盲索引密钥 {kid}");
        return Ok(());
    }
    let left = store.sealed_with(kid).await?;
    if left > 0 {
        bail!("仍有 {left} 处数据使用密钥 {kid}，未移除（稍后重试）");
    }
    kf.remove_data_key(kid)?;
    kf.save(&path)?;
    xinfang_store::install_keys(kf.ring()?);
    println!("已移除数据密钥 {kid}");
    Ok(())
}

/// `xinfang keys show`: key ids and the SM2 public key (never a secret).
pub(crate) fn show(url: &str) -> anyhow::Result<()> {
    let (kf, path) = install(url)?;
    match &path {
        Some(p) => println!("密钥文件：{}", p.display()),
        None => println!("密钥来自环境变量 XINFANG_DATA_KEY"),
    }
    let ids = |s: &xinfang_crypto::KeySet| s.keys.keys().cloned().collect::<Vec<_>>().join("、");
    println!(
        "数据密钥（SM4）：{}（当前 {}）",
        ids(&kf.data),
        kf.data.active
    );
    println!(
        "盲索引密钥（HMAC-SM3）：{}（当前 {}）",
        ids(&kf.index),
        kf.index.active
    );
    println!(
        "审计链密钥（HMAC-SM3）：{}（当前 {}）",
        ids(&kf.chain),
        kf.chain.active
    );
    println!("SM2 签名密钥：{}", kf.sm2.id);
    println!("SM2 公钥：{}", kf.sm2.public);
    Ok(())
}

/// The store's keys if they exist (file or environment) — installed —
/// without creating any (for verifying, backing up and restoring).
pub(crate) fn existing_keys(url: &str) -> anyhow::Result<Option<KeyFile>> {
    let env_set = std::env::var(xinfang_crypto::keys::ENV_KEYS).is_ok_and(|v| !v.trim().is_empty());
    let path = std::env::var(xinfang_crypto::keys::ENV_KEY_FILE)
        .ok()
        .filter(|p| !p.trim().is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| data_dir(url).join(DEFAULT_FILE_NAME));
    if !env_set && !path.exists() {
        return Ok(None);
    }
    Ok(Some(install(url)?.0))
}

/// What a backup of this store needs to be read: the key ids in use.
pub(crate) async fn needed_keys(store: &Store) -> anyhow::Result<String> {
    let head = store.chain_head().await?;
    let mut data = vec![];
    if let Some(ring) = xinfang_store::installed_keys() {
        for kid in ring.data_key_ids() {
            if store.sealed_with(&kid).await? > 0 {
                data.push(kid);
            }
        }
    }
    let index = store.get_setting("crypto_index_key").await?;
    Ok(format!(
        "数据密钥（SM4）：{}；盲索引密钥：{}；审计链密钥：{}",
        if data.is_empty() {
            "无".into()
        } else {
            data.join("、")
        },
        index.unwrap_or_else(|| "无".into()),
        if head.chain_key.is_some() {
            store.chain_keys_used().await?.join("、")
        } else {
            "无（未启用 HMAC-SM3）".into()
        }
    ))
}
