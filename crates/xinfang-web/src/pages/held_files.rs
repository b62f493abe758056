//! The files a form brings back after a mistake (issue #22; bad input loses
//! nothing already accepted): when a registration or an online submission
//! is shown again (422), the files it carried are held in the store
//! (`App::hold_files`) and listed on the form, each ticked under `heldN`
//! with its token; the corrected form sends the ticked ones back, and they
//! are registered with the files chosen now. One owner per form — the
//! registrar (`user:NAME`) or the portal — so a token alone finds nothing
//! of anyone else's. The list is `templates/components/held_files.html`.

use crate::pages::extract::StaffPage;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use xinfang_app::documents::UploadedFile;
use xinfang_app::held_files::HeldFile;

/// Most held files a form lists (the attachment limit is five).
const MOST: usize = 5;

/// The tokens of the held files the form sent back ticked (`held0`…).
fn ticked(f: &HashMap<String, String>) -> Vec<String> {
    (0..MOST)
        .filter_map(|i| f.get(&format!("held{i}")))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

/// The held files a form brings back: the ticked ones `owner` holds.
#[derive(Default)]
pub struct Recalled {
    /// As the form lists them.
    pub shown: Vec<HeldFile>,
    /// Their bytes, to register with the files chosen now.
    pub files: Vec<UploadedFile>,
}

/// The ticked held files of this form. A store failure loses only the
/// offer (logged), never the form.
pub async fn recall(st: &AppState, owner: &str, f: &HashMap<String, String>) -> Recalled {
    let tokens = ticked(f);
    if tokens.is_empty() {
        return Recalled::default();
    }
    match st.app.held_files(owner, &tokens).await {
        Ok(found) => {
            let (shown, files) = found.into_iter().unzip();
            Recalled { shown, files }
        }
        Err(e) => {
            tracing::warn!("held files could not be read: {e}");
            Recalled::default()
        }
    }
}

/// The form is shown again: hold the files chosen this time and list them
/// after those already held.
pub async fn keep(
    st: &AppState,
    owner: &str,
    mut shown: Vec<HeldFile>,
    chosen_now: &[UploadedFile],
) -> Vec<HeldFile> {
    match st.app.hold_files(owner, chosen_now).await {
        Ok(new) => shown.extend(new),
        Err(e) => tracing::warn!("files could not be held for the form: {e}"),
    }
    shown.truncate(MOST);
    shown
}

/// `GET /work/register/held/{token}`: a held scan the registrar chose, so
/// the form shown again shows it beside itself as before. Only its owner's
/// session finds it; not stored in any cache.
pub async fn picture(
    State(st): State<AppState>,
    Path(token): Path<String>,
    StaffPage { staff, .. }: StaffPage,
) -> Response {
    let owner = format!("user:{}", staff.username);
    match st.app.held_picture(&owner, &token).await {
        Ok(Some((media_type, bytes))) => (
            [
                (header::CONTENT_TYPE, media_type),
                (header::CACHE_CONTROL, "no-store"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, "没有这份保留的扫描件").into_response(),
        Err(e) => {
            tracing::warn!("held scan could not be read: {e}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "暂时无法读取扫描件，请稍后再试",
            )
                .into_response()
        }
    }
}

/// The form registered: its held files are used.
pub async fn used(st: &AppState, shown: &[HeldFile]) {
    if shown.is_empty() {
        return;
    }
    if let Err(e) = st.app.take_held_files(shown).await {
        tracing::warn!("held files could not be marked used: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ticked_tokens_come_back() {
        let f: HashMap<String, String> =
            [("held0", "a"), ("held2", " b "), ("held3", ""), ("x", "c")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        assert_eq!(ticked(&f), ["a", "b"]);
    }
}
