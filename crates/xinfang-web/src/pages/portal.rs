//! The petitioner portal: 信访须知, online submission with field-level errors
//! and a printable receipt, and tracking by case number + query code. The code
//! travels only in POST bodies (never in a URL that could be logged); the
//! tracking view re-posts it for evaluation and 复查/复核 requests.

use super::html::{esc, page};
use crate::client::ClientAddr;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use std::collections::HashMap;
use xinfang_app::intake::{IntakeRequest, PetitionerInput};
use xinfang_app::AppError;
use xinfang_domain::case::{Channel, Command, Kind, Satisfaction};
use xinfang_domain::Actor;

pub async fn home() -> Html<&'static str> {
    Html(include_str!("../../templates/home.html"))
}

fn get<'a>(f: &'a HashMap<String, String>, k: &str) -> &'a str {
    f.get(k).map(String::as_str).unwrap_or("")
}

fn input(
    f: &HashMap<String, String>,
    name: &str,
    label: &str,
    errors: &HashMap<String, String>,
    extra: &str,
) -> String {
    let err = errors
        .get(name)
        .map(|e| format!("<span class=\"err\" id=\"{name}-err\">{}</span>", esc(e)))
        .unwrap_or_default();
    let described = if err.is_empty() {
        String::new()
    } else {
        format!(" aria-describedby=\"{name}-err\" aria-invalid=\"true\"")
    };
    format!("<label for=\"{name}\">{label}</label><input id=\"{name}\" name=\"{name}\" value=\"{}\"{described} {extra}>{err}", esc(get(f, name)))
}

/// The searchable list of bodies a petitioner may name as accused: every
/// active unit by its full name (the browser filters as they type; a name
/// not on the list is matched to the tree, or left to the 信访部门).
fn accused_units(st: &AppState) -> String {
    let org = st.app.org();
    let mut names: Vec<&str> = org
        .units()
        .filter(|u| st.app.unit_active(u.id))
        .map(|u| u.name.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    let options: String = names
        .iter()
        .map(|n| format!("<option value=\"{}\">", esc(n)))
        .collect();
    format!("<datalist id=\"accused-units\">{options}</datalist>")
}

fn submit_form(
    st: &AppState,
    f: &HashMap<String, String>,
    errors: &HashMap<String, String>,
    general: &str,
) -> String {
    let mut regions: Vec<(String, String)> = st
        .app
        .org()
        .units()
        .filter(|u| u.kind == xinfang_domain::UnitKind::Government)
        .map(|u| (u.region_code.clone(), u.name.clone()))
        .collect();
    regions.sort();
    regions.dedup_by(|a, b| a.0 == b.0);
    // Local areas first (the national placeholder last), by name, never by code.
    regions.sort_by_key(|(c, _)| (c.ends_with("0000") && c.len() == 6, c.clone()));
    let opts: String = std::iter::once("<option value=\"\">请选择</option>".to_string())
        .chain(regions.iter().map(|(c, n)| {
            format!(
                "<option value=\"{}\"{}>{}</option>",
                esc(c),
                if get(f, "region_code") == c {
                    " selected"
                } else {
                    ""
                },
                esc(n)
            )
        }))
        .collect();
    let ta = |name: &str, label: &str, req: bool| {
        let err = errors
            .get(name)
            .map(|e| format!("<span class=\"err\">{}</span>", esc(e)))
            .unwrap_or_default();
        format!("<label for=\"{name}\">{label}</label><textarea id=\"{name}\" name=\"{name}\" rows=\"4\"{}>{}</textarea>{err}", if req { " required" } else { "" }, esc(get(f, name)))
    };
    let accused_fieldset = format!(
        "<fieldset><legend>被检举控告的对象（检举控告类填写，严格保密，第三十条）</legend>{}{}{}</fieldset>",
        input(f, "accused_unit", "单位（输入名称可选择）", errors, "list=\"accused-units\" autocomplete=\"off\""),
        accused_units(st),
        input(f, "accused", "人员姓名、职务", errors, ""),
    );
    format!(
        "<section><h2>网上信访</h2><p>请如实填写姓名、住址和请求、事实、理由（第十九条）。带 * 为必填。</p>{general}<form method=\"post\" action=\"/submit\" enctype=\"multipart/form-data\">\
         {}{}{}{}\
         <label for=\"region_code\">事项发生地 *</label><select id=\"region_code\" name=\"region_code\" required>{opts}</select>{}\
         <label for=\"kind\">类型</label><select id=\"kind\" name=\"kind\"><option value=\"claim\">申诉求决</option><option value=\"suggestion\">建议意见</option><option value=\"accusation\">检举控告</option></select>\
         {}{}{}{}{}<button type=\"submit\">提交</button></form></section>",
        input(f, "name", "姓名（名称）*", errors, "required autocomplete=\"name\""),
        input(f, "id_number", "公民身份号码", errors, "inputmode=\"numeric\""),
        input(f, "phone", "联系电话", errors, "inputmode=\"tel\" autocomplete=\"tel\""),
        input(f, "address", "住址 *", errors, "required autocomplete=\"street-address\""),
        errors.get("region_code").map(|e| format!("<span class=\"err\">{}</span>", esc(e))).unwrap_or_default(),
        ta("request", "请求 *", true),
        ta("facts", "事实", false),
        ta("reasons", "理由", false),
        accused_fieldset,
        super::portal_documents::attachment_input(errors),
    )
}

pub async fn submit_page(State(st): State<AppState>) -> Html<String> {
    Html(page(
        "网上信访",
        None,
        &submit_form(&st, &HashMap::new(), &HashMap::new(), ""),
    ))
}

/// Map service field names to form field names.
fn form_field(api: &str) -> String {
    match api {
        "accused.person" => "accused".into(),
        "accused.unit_name" => "accused_unit".into(),
        _ => api.trim_start_matches("petitioners[0].").to_string(),
    }
}

pub async fn submit(State(st): State<AppState>, req: axum::extract::Request) -> Response {
    let (f, files) = match super::portal_documents::read_submit_form(&st, req).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let opt = |k: &str| Some(get(&f, k).trim().to_string()).filter(|s| !s.is_empty());
    let req = IntakeRequest {
        channel: Channel::Online,
        kind: Kind::from_key(get(&f, "kind")),
        petitioners: vec![PetitionerInput {
            name: get(&f, "name").into(),
            id_number: opt("id_number"),
            phone: opt("phone"),
            address: get(&f, "address").into(),
        }],
        persons: None,
        request: get(&f, "request").into(),
        facts: get(&f, "facts").into(),
        reasons: get(&f, "reasons").into(),
        region_code: get(&f, "region_code").into(),
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
    };
    // Attachments are checked before anything is registered (issue #5).
    let checked = xinfang_app::documents::check_attachments(&files, 0);
    let result = match checked {
        // Report the other field checks too, so one round of corrections suffices.
        Err(AppError::Invalid(mut list)) => {
            list.extend(xinfang_app::intake::check_fields(&req, st.app.now().date()));
            Err(AppError::Invalid(list))
        }
        Err(e) => Err(e),
        Ok(_) => st.app.intake(&Actor::Petitioner, req).await,
    };
    match result {
        Ok(out) => {
            let attached =
                super::portal_documents::attach_after_submit(&st, &out.case_no, &files).await;
            let body = format!(
                "<section><h2>回执</h2><p class=\"ok\" role=\"status\">您的信访事项已登记。请妥善保存信访编号和查询码，凭其查询办理情况、评价和请求复查。</p>\
                 <table><tr><th>信访编号</th><td><strong>{}</strong></td></tr><tr><th>查询码</th><td><strong>{}</strong></td></tr><tr><th>状态</th><td>{}</td></tr><tr><th>书面告知/转送期限</th><td>{}</td></tr></table>{}\
                 {attached}<p><a href=\"/track\">查询办理情况</a></p></section>",
                esc(&out.case_no),
                esc(out.query_code.as_deref().unwrap_or("（本次为同一事项的重复信访，已并入原事项）")),
                out.status.label_zh(),
                esc(&out.notice_due.map(|d| d.to_string()).unwrap_or_default()),
                out.not_accepted_reason.map(|r| format!("<p class=\"err\">{}</p>", esc(&r))).unwrap_or_default()
            );
            Html(page("回执", None, &body)).into_response()
        }
        Err(e) => {
            let mut errors = HashMap::new();
            let general = match &e {
                AppError::Invalid(list) => {
                    for x in list {
                        errors
                            .entry(form_field(&x.field))
                            .and_modify(|m: &mut String| {
                                m.push('；');
                                m.push_str(&x.message)
                            })
                            .or_insert_with(|| x.message.clone());
                    }
                    String::new()
                }
                AppError::Domain(d) if d.field().is_some() => {
                    errors.insert(form_field(d.field().unwrap_or_default()), d.to_string());
                    String::new()
                }
                other => format!(
                    "<p class=\"err\" role=\"alert\">{}</p>",
                    esc(&other.to_string())
                ),
            };
            let general = if general.is_empty() {
                "<p class=\"err\" role=\"alert\">请按提示修改后重新提交。</p>".to_string()
            } else {
                general
            };
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Html(page(
                    "网上信访",
                    None,
                    &submit_form(&st, &f, &errors, &general),
                )),
            )
                .into_response()
        }
    }
}

const TRACK_FORM: &str = "<section><h2>查询办理情况</h2><form method=\"post\" action=\"/track\"><label for=\"case_no\">信访编号</label><input id=\"case_no\" name=\"case_no\" required><label for=\"query_code\">查询码</label><input id=\"query_code\" name=\"query_code\" required autocomplete=\"off\"><button type=\"submit\">查询</button></form></section>";

pub async fn track_page() -> Html<String> {
    Html(page("查询", None, TRACK_FORM))
}

/// Tracking, and (with `op`) evaluation or a 复查/复核 request, all by POST.
pub async fn track(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let (case_no, code) = (
        get(&f, "case_no").trim().to_string(),
        get(&f, "query_code").trim().to_string(),
    );
    let (id, case) = match st.app.check_query_code(&st.portal_throttle, &client, &case_no, &code).await {
        Ok(x) => x,
        Err(AppError::TooManyAttempts) => return (StatusCode::TOO_MANY_REQUESTS, Html(page("查询", None, &format!("<p class=\"err\" role=\"alert\">尝试次数过多，请15分钟后再试。</p>{TRACK_FORM}")))).into_response(),
        Err(_) => return (StatusCode::NOT_FOUND, Html(page("查询", None, &format!("<p class=\"err\" role=\"alert\">信访编号或查询码不正确。</p>{TRACK_FORM}")))).into_response(),
    };
    let mut notice = String::new();
    let op = get(&f, "op");
    if !op.is_empty() {
        let cmd = match op {
            "evaluate" => {
                Satisfaction::from_key(get(&f, "satisfaction")).map(|s| Command::Evaluate {
                    satisfaction: s,
                    reason: get(&f, "reason").into(),
                })
            }
            "review" => Some(Command::RequestReview),
            _ => None,
        };
        notice = match cmd {
            Some(c) => match st.app.act(&Actor::Petitioner, &case_no, &c).await {
                Ok(_) => "<p class=\"ok\" role=\"status\">已提交。</p>".into(),
                Err(e) => format!(
                    "<p class=\"err\" role=\"alert\">{}</p>",
                    esc(&e.to_string())
                ),
            },
            None => "<p class=\"err\" role=\"alert\">请选择评价。</p>".into(),
        };
    }
    let case = if notice.is_empty() {
        case
    } else {
        st.app
            .store
            .load_case(&case_no)
            .await
            .ok()
            .flatten()
            .map(|(_, c)| c)
            .unwrap_or(case)
    };
    let v = match st.app.public_view(id, &case).await {
        Ok(v) => v,
        Err(e) => {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html(page("查询", None, &esc(&e.to_string()))),
            )
                .into_response()
        }
    };
    let hidden = format!("<input type=\"hidden\" name=\"case_no\" value=\"{}\"><input type=\"hidden\" name=\"query_code\" value=\"{}\">", esc(&case_no), esc(&code));
    let mut body = format!("{notice}<section><h2>信访事项 {}</h2><p>状态：<strong>{}</strong>（{}） · {} · 登记于 {}</p><p>请求：{}</p>", esc(&v.case_no), v.status_label, v.stage, v.kind_label, esc(&v.registered_at), esc(&v.request));
    if v.is_final {
        body.push_str("<p class=\"ok\">本事项已经复核终结（第三十六条）。</p>");
    }
    if let Some(r) = &v.not_accepted_reason {
        body.push_str(&format!("<p class=\"err\">{}</p>", esc(r)));
    }
    body.push_str("<h3>办理过程</h3><ol>");
    for s in &v.steps {
        body.push_str(&format!("<li>{} {}</li>", esc(&s.at), esc(&s.summary)));
    }
    let docs = st.app.petitioner_documents(id).await.unwrap_or_default();
    body.push_str("</ol><h3>期限</h3><ul>");
    for c in &v.due_dates {
        body.push_str(&format!(
            "<li>{}：{}（{}）<details><summary>说明</summary><ol>{}</ol></details></li>",
            c.name,
            esc(&c.due),
            esc(&c.article),
            c.explanation
                .iter()
                .map(|l| format!("<li>{}</li>", esc(l)))
                .collect::<String>()
        ));
    }
    body.push_str("</ul><h3>书面答复</h3>");
    for r in &v.replies {
        body.push_str(&format!("<article><h4>{}意见：{}</h4><p>依据：{}</p><p>{}</p><p>出具：{} 送达：{}</p></article>", r.stage, r.outcome, esc(&r.basis), esc(&r.text), esc(&r.on), esc(r.delivered_on.as_deref().unwrap_or("未送达"))));
    }
    body.push_str(&super::portal_documents::portal_documents(&docs, &hidden));
    body.push_str(&super::portal_documents::portal_upload_form(&hidden));
    if v.can_evaluate {
        body.push_str(&format!("<form method=\"post\" action=\"/track\">{hidden}<input type=\"hidden\" name=\"op\" value=\"evaluate\"><fieldset><legend>评价</legend><label><input type=\"radio\" name=\"satisfaction\" value=\"satisfied\"> 满意</label><label><input type=\"radio\" name=\"satisfaction\" value=\"basically_satisfied\"> 基本满意</label><label><input type=\"radio\" name=\"satisfaction\" value=\"dissatisfied\"> 不满意</label><label for=\"reason\">原因</label><input id=\"reason\" name=\"reason\"></fieldset><button type=\"submit\">提交评价</button></form>"));
    }
    if let (Some(until), Some(name)) = (&v.review_window_until, v.review_name) {
        body.push_str(&format!("<form method=\"post\" action=\"/track\">{hidden}<input type=\"hidden\" name=\"op\" value=\"review\"><p>如对处理意见不服，可于 <strong>{}</strong> 前请求{name}（第三十五、三十六条）。</p><button type=\"submit\">请求{name}</button></form>", esc(until)));
    }
    body.push_str("</section>");
    Html(page("办理情况", None, &body)).into_response()
}
