//! Registration at the window (来信、来访、来电、传真): up to five
//! representatives and the number present for a collective visit (第二十条),
//! 请求/事实/理由 (第十九条), the accused for a 检举控告 — then the outcome with
//! what intake understood: repeat link, 越级/集体 flags, suggestions, warnings.

use super::html::{esc, page};
use super::session::{csrf_ok, current};
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use std::collections::HashMap;
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

fn form_html(
    st: &AppState,
    staff: &xinfang_domain::Staff,
    csrf: &str,
    f: &HashMap<String, String>,
    errors: &str,
    field_errors: &HashMap<String, String>,
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
    let mut region_opts = String::new();
    for (outside, group) in [(false, "本辖区"), (true, "其他地区")] {
        region_opts.push_str(&format!("<optgroup label=\"{group}\">"));
        for (_, _, code, place) in regions.iter().filter(|r| r.0 == outside) {
            region_opts.push_str(&format!(
                "<option value=\"{}\"{}>{}</option>",
                esc(code),
                if chosen_region == code {
                    " selected"
                } else {
                    ""
                },
                esc(place)
            ));
        }
        region_opts.push_str("</optgroup>");
    }
    let sel = |name: &str, opts: &[(&str, &str)]| -> String {
        let o: String = opts
            .iter()
            .map(|(k, l)| {
                format!(
                    "<option value=\"{k}\"{}>{l}</option>",
                    if v(f, name) == *k { " selected" } else { "" }
                )
            })
            .collect();
        format!("<select id=\"{name}\" name=\"{name}\">{o}</select>")
    };
    let mut reps = String::from("<fieldset><legend>信访人 / 代表（集体访不超过5人，第二十条）</legend><table><tr><th>姓名</th><th>身份证号码</th><th>电话</th><th>住址</th></tr>");
    for i in 0..5 {
        // An input with its value and, when intake refused it, the message beside it.
        let cell = |name: String, label: &str| {
            let value = esc(v(f, &name));
            match field_errors.get(&name) {
                Some(e) => format!(
                    "<td><input aria-label=\"{label}\" name=\"{name}\" value=\"{value}\" aria-invalid=\"true\" aria-describedby=\"{name}-err\"><span class=\"err\" id=\"{name}-err\">{}</span></td>",
                    esc(e)
                ),
                None => format!("<td><input aria-label=\"{label}\" name=\"{name}\" value=\"{value}\"></td>"),
            }
        };
        let n = i + 1;
        reps.push_str(&format!(
            "<tr>{}{}{}{}</tr>",
            cell(format!("name{i}"), &format!("代表{n}姓名")),
            cell(format!("id{i}"), &format!("代表{n}身份证号码")),
            cell(format!("phone{i}"), &format!("代表{n}电话")),
            cell(format!("addr{i}"), &format!("代表{n}住址")),
        ));
    }
    reps.push_str("</table></fieldset>");
    let mut units: Vec<_> = org.units().collect();
    units.sort_by_key(|u| (u.level, u.id));
    let accused_opts: String = std::iter::once("<option value=\"\">（无）</option>".to_string())
        .chain(units.iter().map(|u| {
            format!(
                "<option value=\"{}\"{}>{}</option>",
                u.id.0,
                if v(f, "accused_unit") == u.id.0.to_string() {
                    " selected"
                } else {
                    ""
                },
                esc(&u.name)
            )
        }))
        .collect();
    // Active 细类 of the taxonomy; the stored value is the code.
    let chosen = st.app.category_label(v(f, "category"));
    let category_opts: String =
        std::iter::once("<option value=\"\">（未分类）</option>".to_string())
            .chain(
                st.app
                    .taxonomy()
                    .leaf_choices()
                    .into_iter()
                    .map(|(code, path)| {
                        format!(
                            "<option value=\"{}\"{}>{}</option>",
                            esc(&code),
                            if path == chosen || code == v(f, "category") {
                                " selected"
                            } else {
                                ""
                            },
                            esc(&path)
                        )
                    }),
            )
            .collect();
    let new_matter = esc(v(f, "new_matter_reason"));
    let new_matter_hidden = if new_matter.is_empty() { " hidden" } else { "" };
    format!(
        "<div class=\"reg\"><section><h2>登记来信、来访、来电</h2>{errors}<form method=\"post\" action=\"/work/register\" data-assist=\"1\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <label for=\"channel\">渠道</label>{}<label for=\"kind\">类型</label>{}{reps}\
         <label for=\"persons\">来访人数（集体访填写实际人数）</label><input id=\"persons\" name=\"persons\" type=\"number\" min=\"1\" value=\"{}\">\
         <label for=\"region_code\">事项发生地</label><select id=\"region_code\" name=\"region_code\">{region_opts}</select>\
         <label for=\"category\">内容分类（领域/类别/细类）</label><select id=\"category\" name=\"category\">{category_opts}</select>\
         <label for=\"request\">请求</label><textarea id=\"request\" name=\"request\" rows=\"3\" required>{}</textarea>\
         <label for=\"facts\">事实</label><textarea id=\"facts\" name=\"facts\" rows=\"4\">{}</textarea>\
         <label for=\"reasons\">理由</label><textarea id=\"reasons\" name=\"reasons\" rows=\"3\">{}</textarea>\
         <label for=\"accused_person\">被检举控告人（检举控告类）</label><input id=\"accused_person\" name=\"accused_person\" value=\"{}\">\
         <label for=\"accused_unit\">被检举控告单位</label><select id=\"accused_unit\" name=\"accused_unit\">{accused_opts}</select>\
         <div id=\"new-matter\"{new_matter_hidden}><label for=\"new_matter_reason\">不属同一事项的理由（系统判定为同一信访人、同一事项时，如经核实并非同一事项，写明理由后作为新事项登记；理由记入登记记录）</label><textarea id=\"new_matter_reason\" name=\"new_matter_reason\" rows=\"2\">{new_matter}</textarea></div>\
         <button type=\"submit\">登记</button></form></section><section id=\"assist\" aria-live=\"polite\"><h3>登记辅助</h3><p>输入信访人和诉求后，这里即时显示分类建议、风险词和该信访人的既往事项。</p></section></div><script src=\"/static/register.js\" defer></script>",
        esc(csrf),
        sel("channel", &[("letter", "来信"), ("visit", "来访"), ("phone", "来电"), ("fax", "传真")]),
        sel("kind", &[("claim", "申诉求决类"), ("suggestion", "建议意见类"), ("accusation", "检举控告类")]),
        esc(v(f, "persons")),
        esc(v(f, "request")),
        esc(v(f, "facts")),
        esc(v(f, "reasons")),
        esc(v(f, "accused_person")),
    )
}

pub async fn register_form(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let Some((staff, csrf)) = current(&st, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    Html(page(
        "登记",
        Some(&staff),
        &form_html(&st, &staff, &csrf, &HashMap::new(), "", &HashMap::new()),
    ))
    .into_response()
}

/// The query code of a case registered at the window, shown this once
/// (only its hash is stored), with a printable 登记回执 for the petitioner,
/// who needs number and code to follow the case on the portal.
fn receipt(case_no: &str, code: &str, unit: &str, today: chrono::NaiveDate) -> String {
    format!(
        "<p>查询码 <b id=\"query-code\">{code}</b>：只在此显示一次，系统不保存原文，请当场告知信访人或打印回执。 <button type=\"button\" id=\"print-doc\">打印登记回执</button></p>\
         <article class=\"notice print-only\"><h2>信访事项登记回执</h2>\
         <p>您的信访事项已登记，信访编号 <b>{no}</b>，查询码 <b>{code}</b>。</p>\
         <p>凭信访编号和查询码可在网上信访平台查询办理情况、获取有关文书、提出评价意见。请妥善保管查询码，不要告诉他人。</p>\
         <p style=\"text-align:right\">{unit}<br>{day}</p></article>\
         <style>.print-only{{display:none}}@media print{{header,nav,section>*:not(.print-only){{display:none}}.print-only{{display:block}}}}</style>\
         <script src=\"/assets/documents.js\" defer></script>",
        no = esc(case_no),
        code = esc(code),
        unit = esc(unit),
        day = today.format("%Y年%-m月%-d日"),
    )
}

pub async fn register(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let Some((staff, csrf)) = current(&st, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    if !csrf_ok(&csrf, v(&f, "csrf")) {
        return (
            StatusCode::FORBIDDEN,
            Html(page(
                "拒绝",
                None,
                "<p class=\"err\">CSRF 校验失败，请刷新页面后重试。</p>",
            )),
        )
            .into_response();
    }
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
            let mut body = format!("<section><h2>已登记</h2><p class=\"ok\" role=\"status\">信访编号 <a href=\"/work/cases/{0}\">{0}</a>，状态：{1}。</p>", esc(&o.case_no), o.status.label_zh());
            if let Some(code) = &o.query_code {
                body.push_str(&receipt(
                    &o.case_no,
                    code,
                    &st.app.unit_name(staff.unit),
                    st.app.now().date(),
                ));
            }
            if let Some(r) = &o.repeat_of {
                body.push_str(&format!("<p>同一信访人、同一事项：已作为重复件次并入 <a href=\"/work/cases/{0}\">{0}</a>。</p>", esc(r)));
            }
            if let Some(r) = &o.not_accepted_reason {
                body.push_str(&format!("<p class=\"err\">{}</p>", esc(r)));
            }
            if let Some(why) = &o.link_basis {
                body.push_str(&format!("<p>判定依据：{}。</p>", esc(why)));
            }
            if o.skip_level {
                body.push_str("<p class=\"err\">越级走访（第二十条）。</p>");
            }
            if o.collective {
                body.push_str("<p>集体访：计 1 批次。</p>");
            }
            body.push_str("<h3>登记辅助</h3><ul>");
            if let Some((k, p)) = &s.kind {
                body.push_str(&format!(
                    "<li>建议类型：{}（{:.0}%）</li>",
                    k.label_zh(),
                    p * 100.0
                ));
            }
            if let Some((c, p)) = &s.category {
                body.push_str(&format!(
                    "<li>建议分类：{}（{:.0}%）</li>",
                    esc(c),
                    p * 100.0
                ));
            }
            if let Some((_, n)) = &s.body {
                body.push_str(&format!("<li>可能的有权处理机关：{}</li>", esc(n)));
            }
            if s.litigation {
                body.push_str(
                    "<li>疑似涉法涉诉（诉访分离，第二十八条）：应引导向政法机关依法反映</li>",
                );
            }
            for sig in &o.signals {
                body.push_str(&format!(
                    "<li class=\"err\">风险信号：{}（{}）</li>",
                    esc(&sig.label),
                    xinfang_app::warnings::level_label(sig.level as i64)
                ));
            }
            body.push_str("</ul><p><a href=\"/work/register\">继续登记</a></p></section>");
            Html(page("已登记", Some(&staff), &body)).into_response()
        }
        Err(e) => {
            let msgs: Vec<String> = match &e {
                AppError::Invalid(list) => list.iter().map(|x| x.message.clone()).collect(),
                other => vec![other.to_string()],
            };
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
            let errors = format!(
                "<div class=\"err\" role=\"alert\"><p>未能登记：</p><ul>{}</ul></div>",
                msgs.iter()
                    .map(|m| format!("<li>{}</li>", esc(m)))
                    .collect::<String>()
            );
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Html(page(
                    "登记",
                    Some(&staff),
                    &form_html(&st, &staff, &csrf, &f, &errors, &field_errors),
                )),
            )
                .into_response()
        }
    }
}
