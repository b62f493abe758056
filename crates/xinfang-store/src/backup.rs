//! Consistent online backup and restore. SQLite: `VACUUM INTO` writes a
//! transactionally consistent copy while the server runs; restore copies a
//! verified backup into place (server stopped). PostgreSQL: `pg_dump
//! --format=custom` and `pg_restore --clean`, the tools made for it.

use crate::connect::Dialect;
use crate::error::StoreError;
use crate::Store;
use std::path::Path;
use std::process::Command;

fn sqlite_path(url: &str) -> Result<String, StoreError> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(|| StoreError::Url(url.into()))?;
    Ok(rest.split('?').next().unwrap_or(rest).to_string())
}

fn run(cmd: &mut Command) -> Result<(), StoreError> {
    let out = cmd
        .output()
        .map_err(|e| StoreError::Corrupt(format!("无法运行 {cmd:?}：{e}")))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(StoreError::Corrupt(format!(
            "{cmd:?} 失败：{}",
            String::from_utf8_lossy(&out.stderr)
        )))
    }
}

impl Store {
    /// Write a consistent backup of the live database to `dest` (must not exist).
    pub async fn backup(&self, dest: &Path) -> Result<(), StoreError> {
        if dest.exists() {
            return Err(StoreError::Corrupt(format!(
                "备份文件已存在：{}",
                dest.display()
            )));
        }
        match self.dialect() {
            Dialect::Sqlite => {
                let target = dest.to_string_lossy().replace('\'', "''");
                sqlx::query(&format!("VACUUM INTO '{target}'"))
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
            Dialect::Postgres => run(Command::new("pg_dump")
                .args(["--format=custom", "--no-owner", "--file"])
                .arg(dest)
                .arg(self.url())),
        }
    }

    /// Restore `src` into the database at `url` (the server must be stopped).
    /// SQLite refuses to overwrite an existing database unless `force`.
    pub async fn restore(url: &str, src: &Path, force: bool) -> Result<(), StoreError> {
        if !src.exists() {
            return Err(StoreError::Corrupt(format!(
                "备份文件不存在：{}",
                src.display()
            )));
        }
        if url.starts_with("sqlite:") {
            // Check the backup is an xinfang database before putting it in place.
            let probe = Store::connect(&format!("sqlite://{}?mode=ro", src.display())).await?;
            probe.count("cases").await?;
            probe.pool.close().await;
            let path = sqlite_path(url)?;
            if Path::new(&path).exists() && !force {
                return Err(StoreError::Corrupt(format!(
                    "目标数据库已存在：{path}（确认覆盖请加 --force）"
                )));
            }
            for suffix in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
            std::fs::copy(src, &path).map_err(|e| StoreError::Corrupt(format!("复制失败：{e}")))?;
            Ok(())
        } else {
            run(Command::new("pg_restore")
                .args(["--clean", "--if-exists", "--no-owner", "--dbname"])
                .arg(url)
                .arg(src))
        }
    }
}
