//! `xinfang bench ocr`: progress on stderr, one JSON object last on stdout.

use std::path::PathBuf;
use std::process::ExitCode;

#[cfg(feature = "ocr")]
pub fn run(
    per: usize,
    write_sample: Option<PathBuf>,
    font: Option<PathBuf>,
    hand: bool,
) -> anyhow::Result<ExitCode> {
    use xinfang_bench::ocr::Faces;
    let font = match font {
        Some(path) => {
            let bytes = std::fs::read(&path)
                .map_err(|e| anyhow::anyhow!("读取字体文件 {} 失败：{e}", path.display()))?;
            Some((path.display().to_string(), bytes))
        }
        None => None,
    };
    let faces = match (&font, hand) {
        (Some((name, bytes)), _) => Faces::File(name, bytes),
        (None, true) => Faces::Hand,
        (None, false) => Faces::Embedded,
    };
    if let Some(dir) = write_sample {
        std::fs::create_dir_all(&dir)?;
        // The embedded faces' page is the committed test letter (JPEG); a
        // handwritten page is written losslessly, to be looked at.
        let s = xinfang_bench::ocr::sample_in(0, 0, faces).map_err(anyhow::Error::msg)?;
        let (image, bytes) = match faces {
            Faces::Embedded => (
                "letter-clean.jpg",
                xinfang_ocr::synth::encode_jpeg(&s.image, 80),
            ),
            Faces::File(..) => (
                "letter-font.jpg",
                xinfang_ocr::synth::encode_jpeg(&s.image, 80),
            ),
            Faces::Hand => ("letter-hand.png", xinfang_ocr::synth::encode_png(&s.image)),
        };
        let stem = image.split('.').next().unwrap_or(image);
        std::fs::write(dir.join(image), bytes)?;
        std::fs::write(dir.join(format!("{stem}.txt")), s.truth.join("\n") + "\n")?;
        eprintln!("已写出样张：{}", dir.join(image).display());
    }
    let r = xinfang_bench::ocr::run(per.max(1), faces, |m| eprintln!("{m}"))
        .map_err(anyhow::Error::msg)?;
    println!("{}", serde_json::to_string(&r)?);
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(feature = "ocr"))]
pub fn run(_: usize, _: Option<PathBuf>, _: Option<PathBuf>, _: bool) -> anyhow::Result<ExitCode> {
    anyhow::bail!("本程序构建时未包含来信识别（ocr 功能）：请用默认功能重新构建")
}
