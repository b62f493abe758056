//! The petitioner portal, made for a citizen on a phone (issue #15): the
//! landing page, online submission with every error beside its field in
//! plain words, and the receipt. The folder holds every page a petitioner
//! meets without a staff account: tracking (`track.rs`), documents and
//! materials (`documents.rs`), the receipt (`receipt.rs`), the 我的信访
//! account (`account.rs`), booking a 领导接访 (`reception.rs`), checking a
//! document's authenticity (`verify.rs`), the 回访 link (`visit.rs`), and
//! what they share (`kit.rs`); the pages are askama templates in
//! `templates/portal/`. The query code travels only in POST bodies, never in
//! a URL that could be logged.

pub(crate) mod account;
pub(crate) mod documents;
pub(crate) mod extract;
pub(crate) mod form;
pub(crate) mod kit;
pub(crate) mod receipt;
pub(crate) mod reception;
pub(crate) mod track;
pub(crate) mod verify;
pub(crate) mod visit;

use crate::pages::held_files;
use crate::pages::portal::form::SubmitPage;
use crate::pages::portal::kit::{get, plain_error, respond, Errors};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use std::collections::HashMap;
use xinfang_app::error::FieldError;
use xinfang_app::intake::{IntakeRequest, PetitionerInput};
use xinfang_app::AppError;
use xinfang_domain::case::{Channel, Kind};
use xinfang_domain::Actor;

#[derive(Template)]
#[template(path = "portal/home.html")]
struct Home;

/// `GET /`: what one can do here, and the rules that apply.
pub async fn home() -> Response {
    respond(StatusCode::OK, "网上信访", &Home)
}

/// `GET /submit`: the empty form.
pub async fn submit_page(State(st): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    // A signed-in petitioner (我的信访) finds their name and phone filled in.
    let f = crate::pages::portal::account::prefill(&st, &headers).await;
    let form = SubmitPage::new(&st, &f, &Errors::default(), None);
    respond(StatusCode::OK, "网上信访", &form)
}

/// The form field a service field name belongs to ("petitioners[0].name",
/// "petitioners.name" → "name"), or None for an error of no field.
fn form_field(api: &str) -> Option<&'static str> {
    let name = api
        .trim_start_matches("petitioners[0].")
        .trim_start_matches("petitioners.");
    let known = match name {
        "accused.person" => "accused",
        "accused.unit_name" | "accused.unit" => "accused_unit",
        other => crate::pages::portal::form::FIELDS
            .iter()
            .map(|(id, _)| *id)
            .find(|id| *id == other)?,
    };
    Some(known)
}

/// The fields 第十九条 asks for (name, address, request) and the area,
/// checked after trimming: spaces alone are not an answer. The browser's
/// `required` lets a blank through, so the server says it beside the field.
fn required_errors(f: &HashMap<String, String>) -> Vec<FieldError> {
    [
        ("name", "请填写您的姓名；单位反映问题的，填写单位名称"),
        ("address", "请填写您的住址，书面答复会寄到这里"),
        ("region_code", "请选择事情发生在哪里"),
        ("request", "请写明您希望解决什么问题"),
    ]
    .into_iter()
    .filter(|(k, _)| get(f, k).trim().is_empty())
    .map(|(k, m)| FieldError {
        field: k.into(),
        message: m.into(),
    })
    .collect()
}

/// The intake request the form describes.
fn intake_request(f: &HashMap<String, String>) -> IntakeRequest {
    let opt = |k: &str| Some(get(f, k).trim().to_string()).filter(|s| !s.is_empty());
    IntakeRequest {
        channel: Channel::Online,
        kind: Kind::from_key(get(f, "kind")),
        petitioners: vec![PetitionerInput {
            name: get(f, "name").into(),
            id_number: opt("id_number"),
            phone: opt("phone"),
            address: get(f, "address").into(),
            email: get(f, "email").trim().to_string().into(),
        }],
        persons: None,
        request: get(f, "request").into(),
        facts: get(f, "facts").into(),
        reasons: get(f, "reasons").into(),
        region_code: get(f, "region_code").into(),
        // The body is matched to the unit tree by name (第三十条 is decided on it).
        accused: match (opt("accused"), opt("accused_unit")) {
            (None, None) => None,
            (person, unit_name) => Some(xinfang_app::intake::AccusedInput {
                person,
                unit_id: None,
                unit_name,
            }),
        },
        category: None,
        registering_unit: None,
        new_matter_reason: None,
    }
}

/// `POST /submit`: register, or show the form again with every problem
/// found in one round (required fields, ID and phone, attachments).
pub async fn submit(State(st): State<AppState>, req: axum::extract::Request) -> Response {
    let (f, chosen_now) = match crate::pages::portal::documents::read_submit_form(&st, req).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    // Files kept when this form was last shown again (held_files.rs).
    let held = held_files::recall(&st, PORTAL, &f).await;
    let files: Vec<_> = held.files.iter().chain(&chosen_now).cloned().collect();
    let req = intake_request(&f);
    let mut problems = required_errors(&f);
    problems.extend(xinfang_app::intake::check_fields(&req, st.app.now().date()));
    // Nothing chosen is lost: the files that passed come back ticked.
    let again = |result| form_again(&st, &f, result, &held.shown, &chosen_now);
    // Attachments are checked before anything is registered (issue #5).
    match xinfang_app::documents::check_attachments(&files, 0) {
        Ok(_) => {}
        Err(AppError::Invalid(list)) => problems.extend(list),
        Err(e) => return again(Err(e)).await,
    }
    if !problems.is_empty() {
        return again(Err(AppError::Invalid(problems))).await;
    }
    // The form's hidden key (a browser without it registers as before).
    let key = Some(get(&f, "idempotency_key").trim()).filter(|k| !k.is_empty());
    match st.app.intake_idempotent(&Actor::Petitioner, req, key).await {
        // A resend of a registered form: its files were attached the first time.
        Ok(out) if out.replayed => {
            held_files::used(&st, &held.shown).await;
            crate::pages::portal::receipt::after_submit(&st, out, &[]).await
        }
        Ok(out) => {
            let page = crate::pages::portal::receipt::after_submit(&st, out, &files).await;
            held_files::used(&st, &held.shown).await;
            page
        }
        Err(e) => again(Err(e)).await,
    }
}

/// The owner of files held for the portal's form (held_files.rs).
const PORTAL: &str = "portal";

/// The form again (422) with the errors of `result` beside their fields,
/// the files held before and those chosen now kept (`held_files::keep`).
async fn form_again(
    st: &AppState,
    f: &HashMap<String, String>,
    result: Result<(), AppError>,
    held: &[xinfang_app::held_files::HeldFile],
    chosen_now: &[xinfang_app::documents::UploadedFile],
) -> Response {
    let held = held_files::keep(st, PORTAL, held.to_vec(), chosen_now).await;
    let mut errors = Errors::default();
    let mut general = None;
    match result {
        Ok(()) => {}
        Err(AppError::Invalid(list)) => {
            for x in list {
                match form_field(&x.field) {
                    Some(id) => errors.add(id, &x.message),
                    None => general = Some(x.message),
                }
            }
        }
        Err(AppError::Domain(d)) => match d.field().and_then(form_field) {
            Some(id) => errors.add(id, &d.to_string()),
            None => general = Some(d.to_string()),
        },
        Err(other) => general = Some(plain_error(&other)),
    }
    let form = SubmitPage::new(st, f, &errors, general).with_held(held);
    let title = "网上信访（有需要修改的地方）";
    respond(StatusCode::UNPROCESSABLE_ENTITY, title, &form)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_fields_map_to_form_fields() {
        assert_eq!(form_field("petitioners[0].name"), Some("name"));
        assert_eq!(form_field("petitioners.name"), Some("name"));
        assert_eq!(form_field("petitioners[0].id_number"), Some("id_number"));
        assert_eq!(form_field("accused.person"), Some("accused"));
        assert_eq!(form_field("request"), Some("request"));
        assert_eq!(form_field("category"), None);
    }

    #[test]
    fn blanks_are_not_answers() {
        let f: HashMap<String, String> =
            [("name", "  "), ("address", "湖滨"), ("request", "\u{3000}")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        let fields: Vec<String> = required_errors(&f).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "region_code", "request"]);
    }
}
