//! `xinfang bench ocr`: progress on stderr, one JSON object last on stdout.

use std::path::PathBuf;
use std::process::ExitCode;

#[cfg(feature = "ocr")]
pub fn run(
    per: usize,
    write_sample: Option<PathBuf>,
    font: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let font = match font {
        Some(path) => {
            let bytes = std::fs::read(&path)
                .map_err(|e| anyhow::anyhow!("读取字体文件 {} 失败：{e}", path.display()))?;
            Some((path.display().to_string(), bytes))
        }
        None => None,
    };
    if let Some(dir) = write_sample {
        std::fs::create_dir_all(&dir)?;
        let s = xinfang_bench::ocr::sample(0, 0).map_err(anyhow::Error::msg)?;
        let jpeg = xinfang_ocr::synth::encode_jpeg(&s.image, 80);
        std::fs::write(dir.join("letter-clean.jpg"), jpeg)?;
        std::fs::write(dir.join("letter-clean.txt"), s.truth.join("\n") + "\n")?;
        eprintln!("已写出样张：{}", dir.join("letter-clean.jpg").display());
    }
    let font = font.as_ref().map(|(n, b)| (n.as_str(), b.as_slice()));
    let r = xinfang_bench::ocr::run(per.max(1), font, |m| eprintln!("{m}"))
        .map_err(anyhow::Error::msg)?;
    println!("{}", serde_json::to_string(&r)?);
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(feature = "ocr"))]
pub fn run(_: usize, _: Option<PathBuf>, _: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    anyhow::bail!("本程序构建时未包含来信识别（ocr 功能）：请用默认功能重新构建")
}
