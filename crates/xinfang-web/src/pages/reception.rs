//! The leaders' reception calendar page (`/work/reception`, 第十八条):
//! sessions of 接访 / 下访 / 约访 in the caller's area with their bookings
//! (phones masked), forms to schedule a session and book a petitioner, and
//! the sensitive-period weeks with the areas below the required frequency.

use super::html::{esc, page};
use super::session::{csrf_ok, current};
use crate::AppState;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Duration, NaiveDate};
use std::collections::HashMap;
use xinfang_app::reception::{AppointmentInput, SessionInput};
use xinfang_app::AppError;
use xinfang_domain::reception::ReceptionKind;
use xinfang_domain::{Staff, UnitKind};

fn message(e: &AppError) -> String {
    match e {
        AppError::Invalid(list) => list
            .iter()
            .map(|x| x.message.clone())
            .collect::<Vec<_>>()
            .join("；"),
        other => other.to_string(),
    }
}

fn range(q: &HashMap<String, String>, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let from = q.get("from").and_then(|d| d.parse().ok()).unwrap_or(today);
    let to = q
        .get("to")
        .and_then(|d| d.parse().ok())
        .unwrap_or_else(|| from.checked_add_signed(Duration::days(30)).unwrap_or(from));
    (from, to)
}

async fn render(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    q: &HashMap<String, String>,
    notice: &str,
) -> Response {
    let (from, to) = range(q, st.app.now().date());
    let cal = match st.app.reception_calendar(staff, from, to).await {
        Ok(c) => c,
        Err(e) => {
            return Html(page(
                "领导接访",
                Some(staff),
                &format!("<p class=\"err\">{}</p>", esc(&message(&e))),
            ))
            .into_response()
        }
    };
    let org = st.app.org();
    let units: String = org
        .subtree(st.app.reception_root(staff))
        .into_iter()
        .filter_map(|u| org.get(u))
        .filter(|u| {
            u.id == staff.unit || matches!(u.kind, UnitKind::Government | UnitKind::PetitionBureau)
        })
        .map(|u| format!("<option value=\"{}\">{}</option>", u.id.0, esc(&u.name)))
        .collect();
    let kinds: String = ReceptionKind::ALL
        .iter()
        .map(|k| format!("<option value=\"{}\">{}</option>", k.key(), k.label_zh()))
        .collect();
    let mut body = format!(
        "<section><h2>领导接访日历（第十八条）</h2>{notice}<form method=\"get\"><label for=\"from\">自</label><input type=\"date\" id=\"from\" name=\"from\" value=\"{from}\"><label for=\"to\">至</label><input type=\"date\" id=\"to\" name=\"to\" value=\"{to}\"><button type=\"submit\">查看</button></form>\
         <p>敏感时期每个地区每周至少安排 {} 场领导接访。</p></section>",
        cal["min_per_week_in_sensitive_period"]
    );
    let weeks = cal["sensitive_weeks"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if !weeks.is_empty() {
        body.push_str("<section id=\"sensitive\"><h2>敏感时期接访频次</h2><table><tr><th>敏感时期</th><th>周</th><th>场次不足的地区</th></tr>");
        for w in &weeks {
            let below: Vec<String> = w["below_minimum"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|b| {
                    format!(
                        "<span class=\"overdue\">{}（已安排 {}，缺 {}）</span>",
                        esc(b["unit"].as_str().unwrap_or("")),
                        b["held"],
                        b["missing"]
                    )
                })
                .collect();
            body.push_str(&format!(
                "<tr><td>{}</td><td>{} 至 {}</td><td>{}</td></tr>",
                esc(w["period"].as_str().unwrap_or("")),
                esc(w["week_from"].as_str().unwrap_or("")),
                esc(w["week_to"].as_str().unwrap_or("")),
                if below.is_empty() {
                    "<span class=\"normal\">均已达到</span>".to_string()
                } else {
                    below.join("、")
                }
            ));
        }
        body.push_str("</table></section>");
    }
    body.push_str("<section><h2>场次</h2><table><tr><th>日期</th><th>时段</th><th>方式</th><th>单位</th><th>接访领导</th><th>地点</th><th>预约</th><th>操作</th></tr>");
    let sessions = cal["sessions"].as_array().cloned().unwrap_or_default();
    if sessions.is_empty() {
        body.push_str("<tr><td colspan=\"8\">所选期间没有场次</td></tr>");
    }
    for s in &sessions {
        let id = s["id"].as_i64().unwrap_or(0);
        let cancelled = s["status"] == "cancelled";
        let appts: String = s["appointments"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|a| {
                format!(
                    "<li>{} {} — {}{}</li>",
                    esc(a["name"].as_str().unwrap_or("")),
                    esc(a["phone"].as_str().unwrap_or("")),
                    esc(a["matter"].as_str().unwrap_or("")),
                    a["case_no"]
                        .as_str()
                        .map(|c| format!("（<a href=\"/work/cases/{0}\">{0}</a>）", esc(c)))
                        .unwrap_or_default()
                )
            })
            .collect();
        let actions = if cancelled {
            "已取消".to_string()
        } else {
            format!(
                "<details><summary>预约</summary><form method=\"post\" action=\"/work/reception/{id}/book\"><input type=\"hidden\" name=\"csrf\" value=\"{c}\">\
                 <label for=\"n{id}\">信访人</label><input id=\"n{id}\" name=\"name\" required><label for=\"p{id}\">电话</label><input id=\"p{id}\" name=\"phone\">\
                 <label for=\"m{id}\">反映事项</label><input id=\"m{id}\" name=\"matter\" required><label for=\"c{id}\">关联信访编号（可选）</label><input id=\"c{id}\" name=\"case_no\"><button type=\"submit\">预约</button></form></details>\
                 <form method=\"post\" action=\"/work/reception/{id}/cancel\"><input type=\"hidden\" name=\"csrf\" value=\"{c}\"><button type=\"submit\">取消场次</button></form>",
                c = esc(csrf)
            )
        };
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} / {}<ul>{appts}</ul></td><td>{actions}</td></tr>",
            esc(s["date"].as_str().unwrap_or("")),
            esc(s["slot"].as_str().unwrap_or("")),
            esc(s["kind_label"].as_str().unwrap_or("")),
            esc(s["unit"].as_str().unwrap_or("")),
            esc(s["leader"].as_str().unwrap_or("")),
            esc(s["place"].as_str().unwrap_or("")),
            s["booked"],
            s["capacity"],
        ));
    }
    body.push_str("</table></section>");
    body.push_str(&format!(
        "<section><h2>安排场次</h2><form method=\"post\" action=\"/work/reception\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <label for=\"unit_id\">单位</label><select id=\"unit_id\" name=\"unit_id\">{units}</select>\
         <label for=\"kind\">方式</label><select id=\"kind\" name=\"kind\">{kinds}</select>\
         <label for=\"leader\">接访领导</label><input id=\"leader\" name=\"leader\" required>\
         <label for=\"date\">日期</label><input type=\"date\" id=\"date\" name=\"date\" required>\
         <label for=\"slot\">时段（如 09:00-11:30）</label><input id=\"slot\" name=\"slot\" required pattern=\"[0-9]{{1,2}}:[0-9]{{2}}-[0-9]{{1,2}}:[0-9]{{2}}\">\
         <label for=\"place\">地点</label><input id=\"place\" name=\"place\" required>\
         <label for=\"capacity\">可预约人数</label><input type=\"number\" id=\"capacity\" name=\"capacity\" min=\"1\" max=\"200\" value=\"10\" required>\
         <button type=\"submit\">安排</button></form></section>",
        esc(csrf)
    ));
    Html(page("领导接访", Some(staff), &body)).into_response()
}

pub async fn calendar(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some((staff, csrf)) = current(&st, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let notice = if q.contains_key("done") {
        "<p class=\"ok\" role=\"status\">已保存。</p>"
    } else {
        ""
    };
    render(&st, &staff, &csrf, &q, notice).await
}

fn forbidden() -> Response {
    (
        StatusCode::FORBIDDEN,
        Html(page(
            "拒绝",
            None,
            "<p class=\"err\">表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。</p>",
        )),
    )
        .into_response()
}

async fn outcome(st: &AppState, staff: &Staff, csrf: &str, r: Result<(), AppError>) -> Response {
    match r {
        Ok(()) => Redirect::to("/work/reception?done=1").into_response(),
        Err(e) => {
            let notice = format!(
                "<p class=\"err\" role=\"alert\">未保存：{}</p>",
                esc(&message(&e))
            );
            render(st, staff, csrf, &HashMap::new(), &notice).await
        }
    }
}

pub async fn create(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let Some((staff, csrf)) = current(&st, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    if !csrf_ok(&csrf, f.get("csrf").map(String::as_str).unwrap_or("")) {
        return forbidden();
    }
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let r = match (
        ReceptionKind::from_key(&get("kind")),
        get("date").parse::<NaiveDate>(),
        get("capacity").trim().parse::<u32>(),
    ) {
        (Some(kind), Ok(date), Ok(capacity)) => st
            .app
            .create_session(
                &staff,
                SessionInput {
                    unit_id: get("unit_id").parse().ok(),
                    kind,
                    leader: get("leader"),
                    date,
                    slot: get("slot"),
                    place: get("place"),
                    capacity,
                },
            )
            .await
            .map(|_| ()),
        (None, _, _) => Err(AppError::field("kind", "请选择接访方式")),
        (_, Err(_), _) => Err(AppError::field("date", "日期格式应为 YYYY-MM-DD")),
        (_, _, Err(_)) => Err(AppError::field(
            "capacity",
            "可预约人数应为 1 到 200 的整数",
        )),
    };
    outcome(&st, &staff, &csrf, r).await
}

pub async fn book(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let Some((staff, csrf)) = current(&st, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    if !csrf_ok(&csrf, f.get("csrf").map(String::as_str).unwrap_or("")) {
        return forbidden();
    }
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let r = match id.parse::<i64>() {
        Ok(id) => st
            .app
            .book_appointment(
                &staff,
                id,
                AppointmentInput {
                    name: get("name"),
                    phone: f.get("phone").cloned(),
                    matter: get("matter"),
                    case_no: f.get("case_no").cloned(),
                },
            )
            .await
            .map(|_| ()),
        Err(_) => Err(AppError::NotFound),
    };
    outcome(&st, &staff, &csrf, r).await
}

pub async fn cancel(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let Some((staff, csrf)) = current(&st, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    if !csrf_ok(&csrf, f.get("csrf").map(String::as_str).unwrap_or("")) {
        return forbidden();
    }
    let r = match id.parse::<i64>() {
        Ok(id) => st.app.cancel_session(&staff, id).await,
        Err(_) => Err(AppError::NotFound),
    };
    outcome(&st, &staff, &csrf, r).await
}
