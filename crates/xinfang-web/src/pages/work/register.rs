//! Registration at the window (来信、来访、来电、传真): up to five
//! representatives and the number present for a collective visit (第二十条),
//! 请求/事实/理由 (第十九条), the accused for a 检举控告 — then the outcome with
//! what intake understood: repeat link, 越级/集体 flags, suggestions, warnings.
//! Both pages are askama templates (`templates/register/`): every value the
//! registrar typed comes back escaped.

use crate::pages::extract::StaffPage;
use crate::pages::held_files;
use crate::pages::html::page;
use crate::pages::session::csrf_ok;
use crate::pages::work::case_page::{html_of, message_page, Notice};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use std::collections::HashMap;
use xinfang_app::held_files::HeldFile;
use xinfang_app::intake::{AccusedInput, IntakeRequest, PetitionerInput};
use xinfang_app::AppError;
use xinfang_domain::case::{Channel, Kind};
use xinfang_domain::{Actor, UnitKind};

fn v<'a>(f: &'a HashMap<String, String>, k: &str) -> &'a str {
    f.get(k).map(String::as_str).unwrap_or("")
}

/// The form field of a representative's service field error
/// (`petitioners[1].address` → `addr1`), to show the message next to it.
fn rep_field(api: &str) -> Option<String> {
    let rest = api.strip_prefix("petitioners[")?;
    let (i, field) = rest.split_once("].")?;
    let i: usize = i.parse().ok().filter(|i| *i < 5)?;
    let name = match field {
        "name" => "name",
        "id_number" => "id",
        "phone" => "phone",
        "address" => "addr",
        _ => return None,
    };
    Some(format!("{name}{i}"))
}

/// An option of a select.
struct Opt {
    value: String,
    label: String,
    selected: bool,
}

/// A labelled select (渠道, 类型).
struct Select {
    name: &'static str,
    label: &'static str,
    options: Vec<Opt>,
}

/// The places of one group (本辖区, 其他地区).
struct RegionGroup {
    label: &'static str,
    options: Vec<Opt>,
}

/// One representative's input, with intake's message when it refused it.
struct RepCell {
    name: String,
    label: String,
    /// The column's name inside the empty input: on a phone the table's
    /// headings are not shown.
    hint: &'static str,
    value: String,
    error: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "register/form.html")]
struct RegisterForm<'a> {
    csrf: &'a str,
    errors: &'a [String],
    selects: Vec<Select>,
    reps: Vec<Vec<RepCell>>,
    persons: &'a str,
    regions: Vec<RegionGroup>,
    categories: Vec<Opt>,
    request: &'a str,
    facts: &'a str,
    reasons: &'a str,
    accused_person: &'a str,
    accused_units: Vec<Opt>,
    new_matter: &'a str,
    /// Scans kept from the last try (`templates/components/held_files.html`).
    held: Vec<HeldFile>,
}

impl RegisterForm<'_> {
    /// The first held file that is a picture, shown beside the form again
    /// (`/work/register/held/{token}`).
    fn held_picture(&self) -> Option<&HeldFile> {
        self.held.iter().find(|h| h.image.is_some())
    }
}

fn form_html(
    st: &AppState,
    staff: &xinfang_domain::Staff,
    csrf: &str,
    f: &HashMap<String, String>,
    errors: &[String],
    field_errors: &HashMap<String, String>,
    held: Vec<HeldFile>,
) -> String {
    let org = st.app.org();
    // 事项发生地: the registrar's own area first (本级及下级), named as places
    // (杭州市上城区), defaulting to the registrar's own area.
    let home = org.government_of(staff.unit).unwrap_or(staff.unit);
    let home_code = org
        .get(home)
        .map(|u| u.region_code.clone())
        .unwrap_or_default();
    let chosen_region = match v(f, "region_code") {
        "" => home_code.as_str(),
        c => c,
    };
    let mut regions: Vec<_> = org
        .units()
        .filter(|u| u.kind == UnitKind::Government)
        .map(|u| {
            let place = u.name.trim_end_matches("人民政府").to_string();
            let place = if place == "国务院" {
                "全国".to_string()
            } else {
                place
            };
            (
                !org.is_within(u.id, home),
                u.level,
                u.region_code.clone(),
                place,
            )
        })
        .collect();
    regions.sort();
    regions.dedup_by(|a, b| a.2 == b.2);
    let regions = [(false, "本辖区"), (true, "其他地区")]
        .into_iter()
        .map(|(outside, label)| RegionGroup {
            label,
            options: regions
                .iter()
                .filter(|r| r.0 == outside)
                .map(|(_, _, code, place)| Opt {
                    value: code.clone(),
                    label: place.clone(),
                    selected: chosen_region == code,
                })
                .collect(),
        })
        .collect();
    let select = |name: &'static str, label: &'static str, opts: &[(&str, &str)]| Select {
        name,
        label,
        options: opts
            .iter()
            .map(|(k, l)| Opt {
                value: k.to_string(),
                label: l.to_string(),
                selected: v(f, name) == *k,
            })
            .collect(),
    };
    let reps = (0..5)
        .map(|i| {
            let n = i + 1;
            // An input with its value and, when intake refused it, the message beside it.
            [
                ("name", "姓名"),
                ("id", "身份证号码"),
                ("phone", "电话"),
                ("addr", "住址"),
            ]
            .into_iter()
            .map(|(field, label)| {
                let name = format!("{field}{i}");
                RepCell {
                    label: format!("代表{n}{label}"),
                    hint: label,
                    value: v(f, &name).to_string(),
                    error: field_errors.get(&name).cloned(),
                    name,
                }
            })
            .collect()
        })
        .collect();
    let mut units: Vec<_> = org.units().collect();
    units.sort_by_key(|u| (u.level, u.id));
    let accused_units = std::iter::once(Opt {
        value: String::new(),
        label: "（无）".into(),
        selected: false,
    })
    .chain(units.iter().map(|u| Opt {
        value: u.id.0.to_string(),
        label: u.name.clone(),
        selected: v(f, "accused_unit") == u.id.0.to_string(),
    }))
    .collect();
    // Active 细类 of the taxonomy; the stored value is the code.
    let chosen = st.app.category_label(v(f, "category"));
    let categories = std::iter::once(Opt {
        value: String::new(),
        label: "（未分类）".into(),
        selected: false,
    })
    .chain(
        st.app
            .taxonomy()
            .leaf_choices()
            .into_iter()
            .map(|(code, path)| Opt {
                selected: path == chosen || code == v(f, "category"),
                value: code,
                label: path,
            }),
    )
    .collect();
    html_of(&RegisterForm {
        csrf,
        errors,
        selects: vec![
            select(
                "channel",
                "渠道",
                &[
                    ("letter", "来信"),
                    ("visit", "来访"),
                    ("phone", "来电"),
                    ("fax", "传真"),
                ],
            ),
            select(
                "kind",
                "类型",
                &[
                    ("claim", "申诉求决类"),
                    ("suggestion", "建议意见类"),
                    ("accusation", "检举控告类"),
                ],
            ),
        ],
        reps,
        persons: v(f, "persons"),
        regions,
        categories,
        request: v(f, "request"),
        facts: v(f, "facts"),
        reasons: v(f, "reasons"),
        accused_person: v(f, "accused_person"),
        accused_units,
        new_matter: v(f, "new_matter_reason"),
        held,
    })
}

pub async fn register_form(
    State(st): State<AppState>,
    StaffPage { staff, csrf }: StaffPage,
) -> Response {
    Html(page(
        "登记",
        Some(&staff),
        &form_html(
            &st,
            &staff,
            &csrf,
            &HashMap::new(),
            &[],
            &HashMap::new(),
            vec![],
        ),
    ))
    .into_response()
}

/// The query code of a case registered at the window, shown this once
/// (only its hash is stored), with a printable 登记回执 for the petitioner,
/// who needs number and code to follow the case on the portal.
struct Receipt {
    code: String,
    unit: String,
    day: String,
}

#[derive(askama::Template)]
#[template(path = "register/done.html")]
struct Registered<'a> {
    case_no: &'a str,
    status: &'static str,
    receipt: Option<Receipt>,
    repeat_of: Option<&'a str>,
    not_accepted: Option<&'a str>,
    link_basis: Option<&'a str>,
    skip_level: bool,
    collective: bool,
    /// 登记辅助: the suggestions, in words.
    suggestions: Vec<String>,
    /// Risk signals: label and level.
    signals: Vec<String>,
    /// What became of the letter's scan, when one came with the form.
    scan: Option<ScanNote>,
}

/// Whether the scan was attached, in words.
struct ScanNote {
    ok: bool,
    text: String,
}

/// Attach the letter's scan to the just-registered case (the attachments
/// store, checked as every attachment; the download is audited there) with
/// its read text, which the search index takes in with the case (issue #22).
async fn attach_scan(
    st: &AppState,
    staff: &xinfang_domain::Staff,
    case_no: &str,
    scans: &[xinfang_app::documents::UploadedFile],
) -> Option<ScanNote> {
    if scans.is_empty() {
        return None;
    }
    Some(
        match st.app.attach_letter_scans(staff, case_no, scans).await {
            Ok(done) if done.with_text > 0 => ScanNote {
                ok: true,
                text: format!(
                    "来信扫描件已作为附件保存（{}个），识别出的文字已纳入全文检索。",
                    done.attachments.len()
                ),
            },
            Ok(done) => ScanNote {
                ok: true,
                text: format!(
                    "来信扫描件已作为附件保存（{}个）；未能识别出文字，全文检索不含扫描件内容。",
                    done.attachments.len()
                ),
            },
            Err(e) => ScanNote {
                ok: false,
                text: format!("信访事项已登记，但来信扫描件未能保存：{e}"),
            },
        },
    )
}

pub async fn register(
    State(st): State<AppState>,
    StaffPage { staff, csrf }: StaffPage,
    req: axum::extract::Request,
) -> Response {
    let _headers = req.headers().clone();
    // The form is multipart when a scan of the letter came with it (issue #22).
    let (f, scans) = match crate::pages::portal::documents::read_submit_form(&st, req).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    if !csrf_ok(&csrf, v(&f, "csrf")) {
        return (
            StatusCode::FORBIDDEN,
            Html(message_page(
                "拒绝",
                None,
                Notice::err("CSRF 校验失败，请刷新页面后重试。"),
            )),
        )
            .into_response();
    }
    // Scans kept when this form was last shown again (held_files.rs).
    let owner = format!("user:{}", staff.username);
    let held = held_files::recall(&st, &owner, &f).await;
    let chosen_now = scans;
    let scans: Vec<_> = held.files.iter().chain(&chosen_now).cloned().collect();
    let opt = |k: &str| Some(v(&f, k).trim().to_string()).filter(|s| !s.is_empty());
    let petitioners: Vec<PetitionerInput> = (0..5)
        .filter(|i| !v(&f, &format!("name{i}")).trim().is_empty())
        .map(|i| PetitionerInput {
            name: v(&f, &format!("name{i}")).into(),
            id_number: opt(&format!("id{i}")),
            phone: opt(&format!("phone{i}")),
            address: v(&f, &format!("addr{i}")).into(),
            email: None,
        })
        .collect();
    let accused = match (
        opt("accused_person"),
        v(&f, "accused_unit").parse::<i64>().ok(),
    ) {
        (None, None) => None,
        (person, unit_id) => Some(AccusedInput {
            person,
            unit_id,
            unit_name: None,
        }),
    };
    let req = IntakeRequest {
        channel: Channel::from_key(v(&f, "channel")).unwrap_or(Channel::Letter),
        kind: Kind::from_key(v(&f, "kind")),
        petitioners,
        persons: v(&f, "persons").parse().ok(),
        request: v(&f, "request").into(),
        facts: v(&f, "facts").into(),
        reasons: v(&f, "reasons").into(),
        region_code: v(&f, "region_code").into(),
        accused,
        category: opt("category"),
        registering_unit: None,
        new_matter_reason: opt("new_matter_reason"),
    };
    match st.app.intake(&Actor::Staff(staff.clone()), req).await {
        Ok(o) => {
            let s = &o.suggestions;
            let mut suggestions = Vec::new();
            if let Some((k, p)) = &s.kind {
                suggestions.push(format!("建议类型：{}（{:.0}%）", k.label_zh(), p * 100.0));
            }
            if let Some((c, p)) = &s.category {
                suggestions.push(format!("建议分类：{c}（{:.0}%）", p * 100.0));
            }
            if let Some((_, n)) = &s.body {
                suggestions.push(format!("可能的有权处理机关：{n}"));
            }
            if s.litigation {
                suggestions
                    .push("疑似涉法涉诉（诉访分离，第二十八条）：应引导向政法机关依法反映".into());
            }
            let scan = attach_scan(&st, &staff, &o.case_no, &scans).await;
            held_files::used(&st, &held.shown).await;
            let body = html_of(&Registered {
                scan,
                case_no: &o.case_no,
                status: o.status.label_zh(),
                receipt: o.query_code.as_ref().map(|code| Receipt {
                    code: code.clone(),
                    unit: st.app.unit_name(staff.unit),
                    day: st.app.now().date().format("%Y年%-m月%-d日").to_string(),
                }),
                repeat_of: o.repeat_of.as_deref(),
                not_accepted: o.not_accepted_reason.as_deref(),
                link_basis: o.link_basis.as_deref(),
                skip_level: o.skip_level,
                collective: o.collective,
                suggestions,
                signals: o
                    .signals
                    .iter()
                    .map(|sig| {
                        format!(
                            "{}（{}）",
                            sig.label,
                            xinfang_app::warnings::level_label(sig.level as i64)
                        )
                    })
                    .collect(),
            });
            Html(page("已登记", Some(&staff), &body)).into_response()
        }
        Err(e) => {
            let msgs: Vec<String> = match &e {
                AppError::Invalid(list) => list.iter().map(|x| x.message.clone()).collect(),
                other => vec![other.to_string()],
            };
            // Nothing chosen is lost: the scans come back ticked.
            let kept = held_files::keep(&st, &owner, held.shown, &chosen_now).await;
            let mut field_errors: HashMap<String, String> = HashMap::new();
            if let AppError::Invalid(list) = &e {
                for x in list {
                    if let Some(name) = rep_field(&x.field) {
                        field_errors
                            .entry(name)
                            .and_modify(|m| {
                                m.push('；');
                                m.push_str(&x.message)
                            })
                            .or_insert_with(|| x.message.clone());
                    }
                }
            }
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Html(page(
                    "登记",
                    Some(&staff),
                    &form_html(&st, &staff, &csrf, &f, &msgs, &field_errors, kept),
                )),
            )
                .into_response()
        }
    }
}
