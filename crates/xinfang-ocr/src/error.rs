//! Why a file could not be read: each refusal has a machine-readable code for
//! the API and a Chinese message for the pages.

/// A refusal to read an upload.
#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    #[error("文件格式不支持：请上传 JPEG、PNG 图片或扫描版 PDF")]
    Unsupported,
    #[error("图片尺寸过大（{width}×{height}），超过 {max_megapixels} 百万像素的上限")]
    TooLarge {
        width: u64,
        height: u64,
        max_megapixels: u64,
    },
    #[error("文件已损坏，无法解码：{0}")]
    Corrupt(String),
    #[error("PDF 页数过多（{pages} 页），一次最多识别 {max} 页")]
    TooManyPages { pages: usize, max: usize },
    #[error("PDF 中没有扫描图像（可能是文字版 PDF 或空白文件）")]
    NoImages,
    #[error("识别引擎出错：{0}")]
    Engine(String),
}

impl OcrError {
    /// Stable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            OcrError::Unsupported => "unsupported_format",
            OcrError::TooLarge { .. } => "image_too_large",
            OcrError::Corrupt(_) => "corrupt_file",
            OcrError::TooManyPages { .. } => "too_many_pages",
            OcrError::NoImages => "no_scanned_images",
            OcrError::Engine(_) => "ocr_engine_error",
        }
    }

    /// Whether the fault is the upload's (4xx) rather than the engine's.
    pub fn is_input_fault(&self) -> bool {
        !matches!(self, OcrError::Engine(_))
    }
}
