//! Files held for a form shown again: when a registration or an online
//! submission comes back with a mistake (422), the files it carried — the
//! letter's scan, the 证明材料 — are kept in the store and offered on the
//! form again, ticked, so the corrected form registers them without anyone
//! choosing them a second time. Bad input loses nothing already accepted.
//! Only a file that passes the attachment checks on its own is held (an
//! empty, oversized or wrong-type file is the mistake, and is refused).

use crate::documents::{check_attachments, sniff, UploadedFile};
use crate::error::AppError;
use crate::state::App;
use xinfang_store::HeldUpload;

/// A held file as a form shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldFile {
    /// The random key the form sends back to find it.
    pub token: String,
    pub file_name: String,
    pub size_bytes: usize,
    /// The picture's media type when the file is a JPEG or PNG (the form
    /// shows it beside itself again); None for a PDF.
    pub image: Option<&'static str>,
}

impl HeldFile {
    /// "1.2MB", "85KB": the size as the form shows it.
    pub fn size_label(&self) -> String {
        let b = self.size_bytes as f64;
        if b >= 1024.0 * 1024.0 {
            format!("{:.1}MB", b / 1024.0 / 1024.0)
        } else {
            format!("{}KB", (b / 1024.0).ceil() as u64)
        }
    }
}

impl App {
    /// Hold `files` for `owner`'s form shown again; returns those held, in
    /// order (files that fail the attachment checks alone are not held).
    pub async fn hold_files(
        &self,
        owner: &str,
        files: &[UploadedFile],
    ) -> Result<Vec<HeldFile>, AppError> {
        let keep: Vec<HeldUpload> = files
            .iter()
            .filter(|f| check_attachments(std::slice::from_ref(f), 0).is_ok())
            .map(|f| HeldUpload {
                token: crate::auth::random_token(),
                file_name: f.file_name.clone(),
                content: f.bytes.clone(),
            })
            .collect();
        self.store.hold_uploads(owner, &keep).await?;
        Ok(keep.iter().map(held_file).collect())
    }

    /// One held picture of `owner`'s, to show beside the form again: its
    /// media type and bytes (None: not `owner`'s, used, or not a picture).
    pub async fn held_picture(
        &self,
        owner: &str,
        token: &str,
    ) -> Result<Option<(&'static str, Vec<u8>)>, AppError> {
        let found = self.held_files(owner, &[token.to_string()]).await?;
        Ok(found
            .into_iter()
            .find_map(|(shown, file)| shown.image.map(|t| (t, file.bytes))))
    }

    /// The files `owner` holds under `tokens` (the ones the form sent back
    /// ticked), with their bytes, in the order given.
    pub async fn held_files(
        &self,
        owner: &str,
        tokens: &[String],
    ) -> Result<Vec<(HeldFile, UploadedFile)>, AppError> {
        Ok(self
            .store
            .held_uploads(owner, tokens)
            .await?
            .into_iter()
            .map(|h| {
                let shown = held_file(&h);
                let file = UploadedFile {
                    file_name: h.file_name,
                    bytes: h.content,
                };
                (shown, file)
            })
            .collect())
    }

    /// The form registered with these held files: they are used.
    pub async fn take_held_files(&self, held: &[HeldFile]) -> Result<(), AppError> {
        let tokens: Vec<String> = held.iter().map(|h| h.token.clone()).collect();
        Ok(self.store.take_held_uploads(&tokens).await?)
    }
}

fn held_file(h: &HeldUpload) -> HeldFile {
    HeldFile {
        token: h.token.clone(),
        file_name: h.file_name.clone(),
        size_bytes: h.content.len(),
        image: sniff(&h.content).filter(|t| t.starts_with("image/")),
    }
}

#[cfg(test)]
mod tests {
    use super::HeldFile;

    #[test]
    fn sizes_read_as_a_form_shows_them() {
        let f = |n| HeldFile {
            token: String::new(),
            file_name: String::new(),
            size_bytes: n,
            image: None,
        };
        assert_eq!(f(1).size_label(), "1KB");
        assert_eq!(f(85 * 1024).size_label(), "85KB");
        assert_eq!(f(1024 * 1024 * 3 / 2).size_label(), "1.5MB");
    }
}
