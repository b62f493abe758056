//! The case page: the case, every clock with its Chinese explanation, the
//! timeline, and forms for exactly the actions this user may take now.

use super::html::{esc, page};
use crate::AppState;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use std::collections::HashMap;
use xinfang_app::drafts::DraftView;
use xinfang_app::AppError;
use xinfang_domain::case::{
    is_accused_unit, Case, Command, LegalProcedure, Route, Satisfaction, TransferMode,
};
use xinfang_domain::{Staff, UnitId, UnitLevel};

fn field<'a>(f: &'a HashMap<String, String>, k: &str) -> &'a str {
    f.get(k).map(String::as_str).unwrap_or("").trim()
}

/// Build a domain command from a posted form.
pub fn command_from_form(f: &HashMap<String, String>) -> Result<Command, AppError> {
    let unit = |k: &str| {
        field(f, k)
            .parse::<i64>()
            .map(UnitId)
            .map_err(|_| AppError::field(k, "请选择单位"))
    };
    Ok(match field(f, "action") {
        "transfer" => Command::Transfer {
            to: unit("to")?,
            mode: if field(f, "mode") == "assign" {
                TransferMode::Assign
            } else {
                TransferMode::Forward
            },
            report_due: field(f, "report_due").parse().ok(),
        },
        "sign" => Command::Sign,
        "object" => Command::Object {
            reason: field(f, "reason").into(),
        },
        "decide_objection" => Command::DecideObjection {
            upheld: field(f, "upheld") == "yes",
        },
        "decide_jurisdiction" => Command::DecideJurisdiction {
            unit: unit("unit")?,
        },
        "notify" => Command::Notify {
            route: match field(f, "route") {
                "divert" => Route::Divert {
                    procedure: match field(f, "procedure") {
                        "arbitration" => LegalProcedure::Arbitration,
                        "party_appeal" => LegalProcedure::PartyAppeal,
                        "administrative" => LegalProcedure::Administrative,
                        _ => LegalProcedure::Litigation,
                    },
                    guidance: field(f, "guidance").into(),
                },
                "not_ours" => Route::NotOurs {
                    tell_to: field(f, "tell_to").into(),
                },
                _ => Route::Accept {
                    investigate: true,
                    litigation_reason: Some(field(f, "litigation_reason").trim().to_string())
                        .filter(|r| !r.is_empty()),
                },
            },
        },
        "start_pause" => Command::StartPause {
            reason: field(f, "reason").into(),
        },
        "end_pause" => Command::EndPause,
        "request_extension" => Command::RequestExtension {
            days: field(f, "days")
                .parse()
                .map_err(|_| AppError::field("days", "请填写延期天数"))?,
            reason: field(f, "reason").into(),
        },
        "decide_extension" => Command::DecideExtension {
            approved: field(f, "approved") == "yes",
        },
        "reply" => Command::Reply {
            outcome: serde_json::from_value(serde_json::Value::String(field(f, "outcome").into()))
                .map_err(|_| AppError::field("outcome", "请选择处理意见"))?,
            basis: field(f, "basis").into(),
            text: field(f, "text").into(),
        },
        "deliver" => Command::Deliver {
            method: xinfang_domain::case::DeliveryMethod::from_key(field(f, "method"))
                .unwrap_or_default(),
            on: match field(f, "on").trim() {
                "" => None,
                d => Some(
                    d.parse()
                        .map_err(|_| AppError::field("on", "送达日期格式应为 年-月-日"))?,
                ),
            },
            note: field(f, "note").into(),
        },
        "evaluate" => Command::Evaluate {
            satisfaction: Satisfaction::from_key(field(f, "satisfaction"))
                .ok_or_else(|| AppError::field("satisfaction", "请选择评价"))?,
            reason: field(f, "reason").into(),
        },
        "request_review" => Command::RequestReview {
            reason: field(f, "reason").into(),
        },
        "declare_interest" => Command::DeclareInterest,
        "resolve_accused" => Command::ResolveAccused {
            unit: unit("unit")?,
        },
        other => return Err(AppError::field("action", format!("未知操作：{other}"))),
    })
}

/// The unit picker: one group per government (the tree's areas, from the
/// top down), the government first and then its bodies and townships. The
/// holder is left out, and so is a 检举控告's accused body with everything
/// under it (第三十条: the domain refuses them anyway; the picker never offers them).
fn unit_options(st: &AppState, case: &Case, preselect: Option<UnitId>) -> String {
    let org = st.app.org();
    let except = case.current_unit;
    // 本级及下级 first: the holder's own government's area, then the rest.
    let home = org.government_of(except).unwrap_or(except);
    let mut groups: std::collections::BTreeMap<(bool, UnitLevel, i64), Vec<_>> = Default::default();
    for u in org.units().filter(|u| {
        u.id != except && st.app.unit_active(u.id) && !is_accused_unit(case, u.id, &org)
    }) {
        let area = org.government_of(u.id).unwrap_or(u.id);
        let level = org.get(area).map(|g| g.level).unwrap_or(u.level);
        let outside = !org.is_within(area, home);
        groups.entry((outside, level, area.0)).or_default().push(u);
    }
    // Only the suggested body with power is preselected (never 国务院 by default).
    let mut out = String::from("<option value=\"\">请选择接收单位</option>");
    for ((_, _, area), mut units) in groups {
        units.sort_by_key(|u| (u.id.0 != area, u.level, u.id));
        let label = org
            .get(UnitId(area))
            .map(|g| g.name.clone())
            .unwrap_or_default();
        out.push_str(&format!("<optgroup label=\"{}\">", esc(&label)));
        for u in units {
            out.push_str(&format!(
                "<option value=\"{}\"{}>{}·{}</option>",
                u.id.0,
                if Some(u.id) == preselect {
                    " selected"
                } else {
                    ""
                },
                u.level.label_zh(),
                esc(&u.name)
            ));
        }
        out.push_str("</optgroup>");
    }
    out
}

/// The body with power the system suggests for the case (its category in
/// its region's own government), if it may receive it.
fn suggested_body(st: &AppState, case: &Case) -> Option<(UnitId, String)> {
    let path = case
        .category
        .as_deref()
        .map(|c| st.app.category_label(c))
        .unwrap_or_default();
    let org = st.app.org();
    xinfang_app::intelligence::suggest_body(
        &org,
        &case.region_code,
        &path,
        case.kind,
        !case.litigation_cues.is_empty(),
    )
    .filter(|(u, _)| *u != case.current_unit && !is_accused_unit(case, *u, &org))
}

/// 第三十一条第一项: when the intake found 涉法涉诉 cues, the notify form says
/// so and asks why the matter is nevertheless accepted.
fn litigation_field(case: &Case) -> String {
    if case.kind != xinfang_domain::case::Kind::Claim || case.litigation_cues.is_empty() {
        return String::new();
    }
    format!(
        "<p class=\"err\">登记时发现涉法涉诉线索：{}。应当通过诉讼、复议等法定程序处理的，请选择“导入法定途径”（第三十一条第一项）。</p><label>受理理由（选择受理办理时必填）<textarea name=\"litigation_reason\"></textarea></label>",
        esc(&case.litigation_cues.join("、"))
    )
}

/// The written opinion: a head drafts and signs in one step; anyone else
/// drafts and sends it to the head (审核签发). A returned draft comes back
/// into the form with the head's comment.
struct Returned {
    comment: String,
    id: i64,
}

struct TemplateChoice {
    key: String,
    label: &'static str,
    basis: String,
    text: String,
}

#[derive(askama::Template)]
#[template(path = "case/reply_form.html")]
struct ReplyForm<'a> {
    case_no: &'a str,
    csrf: &'a str,
    action: &'a str,
    title: &'a str,
    open: bool,
    returned: Option<Returned>,
    templates: Vec<TemplateChoice>,
    outcomes: Vec<(String, &'static str)>,
    selected: String,
    basis: String,
    text: String,
    text_label: &'a str,
}

/// The 书面意见 form: a handler drafts for the head's sign-off, a head
/// issues directly; the outcomes and templates fit the case's kind and stage.
fn reply_form(staff: &Staff, csrf: &str, case: &Case, drafts: &[DraftView], open: bool) -> String {
    use askama::Template;
    use xinfang_domain::case::{Outcome, Stage};
    let head = staff.has(xinfang_domain::Role::Leader);
    let returned = drafts.first().filter(|d| d.row.status == "returned");
    let offered = Outcome::offered(case.kind, case.stage);
    // The templates speak to one petitioner; to several, they say 你们.
    let plural = xinfang_domain::document::you(case) == "你们";
    let you = |s: &str| {
        if plural {
            s.replace('你', "你们").replace("你们们", "你们")
        } else {
            s.to_string()
        }
    };
    let templates = xinfang_domain::document::reply_templates()
        .into_iter()
        .filter(|t| offered.contains(&t.outcome))
        .map(|t| TemplateChoice {
            key: t.outcome.key(),
            label: t.label,
            basis: t.basis.to_string(),
            text: you(t.text),
        })
        .collect();
    let (action, title) = if head {
        ("reply", "出具书面意见并签发")
    } else {
        ("submit_draft", "起草书面意见，送负责人审核签发")
    };
    ReplyForm {
        case_no: &case.case_no,
        csrf,
        action,
        title,
        open: open || returned.is_some(),
        returned: returned.map(|d| Returned {
            comment: d.row.review_comment.clone(),
            id: d.row.id,
        }),
        templates,
        outcomes: offered.iter().map(|o| (o.key(), o.label_zh())).collect(),
        selected: returned.map(|d| d.row.outcome.clone()).unwrap_or_default(),
        basis: returned.map(|d| d.row.basis.clone()).unwrap_or_default(),
        text: returned.map(|d| d.row.body.clone()).unwrap_or_default(),
        text_label: if case.stage == Stage::Initial {
            "意见正文"
        } else {
            "理由（维持、撤销或变更的理由）"
        },
    }
    .render()
    .unwrap_or_default()
}

/// The head's two answers to a draft: 签发, or 退回修改 with a comment
/// (posted to the case's action endpoint, see `work::draft_step`).
pub fn review_forms(case_no: &str, csrf: &str, draft: i64) -> String {
    let form = |action: &str, extra: &str, label: &str| {
        format!(
            "<form method=\"post\" action=\"/work/cases/{}/act\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"action\" value=\"{action}\"><input type=\"hidden\" name=\"draft\" value=\"{draft}\">{extra}<button type=\"submit\">{label}</button></form>",
            esc(case_no),
            esc(csrf)
        )
    };
    form("sign_draft", "", "签发")
        + &form(
            "return_draft",
            "<label>退回修改意见<textarea name=\"comment\" required></textarea></label>",
            "退回修改",
        )
}

/// 审核签发: every draft of the opinion with its state; the head sees the
/// text as it will be issued and signs it off or returns it with a comment.
fn drafts_panel(csrf: &str, case: &Case, drafts: &[DraftView]) -> String {
    if drafts.is_empty() {
        return String::new();
    }
    let mut out = String::from("<section><h2>审核签发</h2><table><tr><th>送审时间</th><th>起草人</th><th>处理意见</th><th>状态</th><th>审核意见</th></tr>");
    for d in drafts {
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&d.row.drafted_at.chars().take(16).collect::<String>()),
            esc(&d.drafted_by_name),
            d.outcome_label,
            d.status_label,
            esc(&d.row.review_comment)
        ));
    }
    out.push_str("</table>");
    for d in drafts.iter().filter(|d| d.can_review) {
        out.push_str(&format!(
            "<article class=\"draft\"><h3>待签发：{}（{}起草）</h3><p><a href=\"/work/cases/{}/drafts/{}\">预览签发后的文书</a></p><p><strong>处理意见：</strong>{}</p><p><strong>依据：</strong>{}</p><p><strong>正文：</strong>{}</p><p>签发后编发文字号，并在送达后由信访人查阅；签发即不可撤回，如有错误只能更正另发。</p>{}</article>",
            esc(&d.unit_name),
            esc(&d.drafted_by_name),
            esc(&case.case_no),
            d.row.id,
            d.outcome_label,
            esc(&d.row.basis),
            esc(&d.row.body),
            review_forms(&case.case_no, csrf, d.row.id),
        ));
    }
    out.push_str("</section>");
    out
}

fn action_form(st: &AppState, action: &str, csrf: &str, case: &Case, open: bool) -> String {
    let case_no = case.case_no.as_str();
    let (title, inner) = match action {
        "transfer" => ("转送 / 交办", format!("{}<label>接收单位<select name=\"to\" required>{}</select></label><label>方式<select name=\"mode\"><option value=\"forward\">转送</option><option value=\"assign\">交办（须报送办结报告）</option></select></label><label>办结报告期限（交办）<input type=\"date\" name=\"report_due\"></label>", suggested_body(st, case).map(|(_, n)| format!("<p class=\"muted\">系统建议的有权处理机关：{}（已预选，可更改）</p>", esc(&n))).unwrap_or_default(), unit_options(st, case, suggested_body(st, case).map(|(u, _)| u)))),
        "sign" => ("签收", String::new()),
        "object" => ("提出异议（5个工作日内，第二十三条）", "<label>理由<textarea name=\"reason\" required></textarea></label>".into()),
        "decide_objection" => ("处理异议", "<label>决定<select name=\"upheld\"><option value=\"yes\">同意异议，收回</option><option value=\"no\">不同意，由接收单位办理</option></select></label>".into()),
        "decide_jurisdiction" => ("决定受理机关（第二十四条）", format!("<label>受理机关<select name=\"unit\">{}</select></label>", unit_options(st, case, None))),
        "notify" => ("书面告知与处理途径", format!("<label>途径<select name=\"route\"><option value=\"accept\">受理办理</option><option value=\"divert\">导入法定途径（第三十一条）</option><option value=\"not_ours\">不属本机关职权，告知向有权机关提出</option></select></label><label>法定途径<select name=\"procedure\"><option value=\"litigation\">诉讼、复议等</option><option value=\"arbitration\">仲裁</option><option value=\"party_appeal\">党员申诉</option><option value=\"administrative\">行政程序</option></select></label><label>告知内容（导入途径或有权机关）<input name=\"guidance\"></label><label>有权处理的机关<input name=\"tell_to\"></label>{}", litigation_field(case))),
        "start_pause" => ("中止计时（听证、补充材料）", "<label>原因<input name=\"reason\" required></label>".into()),
        "end_pause" => ("恢复计时", String::new()),
        "request_extension" => ("申请延期（≤30日，第三十四条）", "<label>天数<input type=\"number\" name=\"days\" min=\"1\" max=\"30\" required></label><label>理由（将告知信访人）<input name=\"reason\" required></label>".into()),
        "decide_extension" => ("审批延期", "<label>决定<select name=\"approved\"><option value=\"yes\">批准</option><option value=\"no\">不批准</option></select></label>".into()),
        "deliver" => ("送达书面答复", {
            let methods: String = xinfang_domain::case::DeliveryMethod::ALL
                .iter()
                .map(|m| format!("<option value=\"{}\">{}</option>", m.key(), m.label_zh()))
                .collect();
            format!("<label>送达方式<select name=\"method\">{methods}</select></label><label>信访人收到日期（邮寄送达以回执日期为准；不填为今天）<input type=\"date\" name=\"on\" max=\"{}\"></label><label>备注（留置送达写明见证人）<input name=\"note\"></label><p>复查请求期限自收到之日起计算（第三十五条）。</p>", st.app.now().date())
        }),
        "evaluate" => ("回访评价", "<label>评价<select name=\"satisfaction\"><option value=\"satisfied\">满意</option><option value=\"basically_satisfied\">基本满意</option><option value=\"dissatisfied\">不满意</option></select></label><label>原因<input name=\"reason\"></label>".into()),
        "request_review" => ("登记复查/复核请求", String::new()),
        "declare_interest" => ("申请回避（第二十八条）", String::new()),
        "resolve_accused" => ("确定被检举控告单位（第三十条）", format!("<p>信访人所写被反映对象：{}。确定后，该单位及其上级、下属单位均不能看到本件。</p><label>被检举控告单位<select name=\"unit\" required>{}</select></label>", esc(case.accused.as_ref().and_then(|a| a.unit_name.as_deref().or(a.person.as_deref())).unwrap_or("未填写")), unit_options(st, case, None))),
        _ => return String::new(),
    };
    let confirm = super::case_flow::confirm_text(action)
        .map(|t| format!(" data-confirm=\"{}\"", esc(t)))
        .unwrap_or_default();
    format!(
        "<details{}><summary>{title}</summary><form method=\"post\" action=\"/work/cases/{}/act\"{confirm}><input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"action\" value=\"{action}\">{inner}<button type=\"submit\">{title}</button></form></details>",
        if open { " open" } else { "" },
        esc(case_no),
        esc(csrf)
    )
}

pub async fn render_case(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    case_no: &str,
    notice: &str,
    done: Option<&str>,
) -> Response {
    let d = match st.app.case_detail(staff, case_no, "页面查阅").await {
        Ok(d) => d,
        Err(_) => {
            return (
                StatusCode::NOT_FOUND,
                Html(page(
                    "未找到",
                    Some(staff),
                    "<p class=\"err\">未找到该信访事项，或您无权查看。</p>",
                )),
            )
                .into_response()
        }
    };
    let c = &d.case;
    let people: Vec<String> = c
        .petitioners
        .iter()
        .map(|p| {
            format!(
                "{} {} {}",
                esc(&p.name),
                esc(p.id_number.as_deref().unwrap_or("")),
                esc(p.phone.as_deref().unwrap_or(""))
            )
        })
        .collect();
    let mut body = format!(
        "{notice}<section>{}<h2>信访事项 {}</h2><p>状态：<strong>{}</strong>（{}） · {} · {} · {} 人 · 登记单位：{} · 当前办理单位：{}</p><p>信访人：{}</p>{}<h3>请求</h3><p>{}</p><h3>事实</h3><p>{}</p><h3>理由</h3><p>{}</p>{}</section>",
        super::case_flow::step_bar(c),
        esc(&c.case_no),
        d.status_label,
        c.stage.label_zh(),
        c.channel.label_zh(),
        c.kind.label_zh(),
        c.persons,
        esc(&d.registering_unit_name),
        esc(&d.current_unit_name),
        people.join("；"),
        // The stored taxonomy code shown by its current name path.
        c.category.as_deref().map(|k| format!("<p>内容分类：{}</p>", esc(&st.app.category_label(k)))).unwrap_or_default(),
        esc(&c.content.request),
        esc(&c.content.facts),
        esc(&c.content.reasons),
        c.not_accepted_reason.as_ref().map(|r| format!("<p class=\"err\">{}</p>", esc(r))).unwrap_or_default()
    );
    if let Some(r) = &c.new_matter_reason {
        body.push_str(&format!(
            "<p>登记时与该信访人的既往事项相似，登记人员认定为新的信访事项（第三十六条），理由：{}</p>",
            esc(r)
        ));
    }
    let repeats = c.submissions.iter().skip(1).filter(|s| s.repeat).count();
    if repeats > 0 {
        let multi = c.submissions.iter().filter(|s| s.multi_body).count();
        body.push_str(&format!(
            "<p>共 {} 件次，其中登记时关联的重复件 {repeats} 件{}。<a href=\"/work/cases/{}/repeats\">逐件核对（确认或拆分）</a></p>",
            c.submissions.len(),
            if multi > 0 { format!("（一信多投 {multi} 件）") } else { String::new() },
            esc(&c.case_no)
        ));
    }
    body.push_str("<section><h2>时限</h2><table><tr><th>时限</th><th>依据</th><th>起算</th><th>到期日</th><th>状态</th><th>说明</th></tr>");
    for k in &d.clocks {
        let met = k
            .met_on
            .as_ref()
            .map(|m| format!("已于 {} 完成", esc(m)))
            .unwrap_or_else(|| k.grade_label.to_string());
        body.push_str(&format!(
            "<tr><td>{}（{}）</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td><details><summary>为什么是这一天</summary><ol>{}</ol></details></td></tr>",
            k.name,
            k.stage,
            esc(&k.article),
            esc(&k.start),
            k.grade,
            esc(&k.due),
            met,
            k.explanation.iter().map(|l| format!("<li>{}</li>", esc(l))).collect::<String>()
        ));
    }
    if let Some(e) = &d.clock_error {
        body.push_str(&format!(
            "<tr><td colspan=\"6\" class=\"err\">{}</td></tr>",
            esc(e)
        ));
    }
    body.push_str("</table></section>");
    let drafts = st.app.drafts_of(staff, case_no).await.unwrap_or_default();
    let form = |a: &str, open: bool| {
        if a == "reply" {
            reply_form(staff, csrf, c, &drafts, open)
        } else {
            action_form(st, a, csrf, c, open)
        }
    };
    // The step the case waits for, its form open, before the clocks.
    let next = super::case_flow::next_action(c, &d.actions);
    if let Some(a) = next {
        let section = format!(
            "<section class=\"next-action\" id=\"next\"><h2>下一步：{}</h2>{}</section>",
            super::case_flow::action_label(a),
            form(a, true)
        );
        let at = body.find("<section><h2>时限</h2>").unwrap_or(body.len());
        body.insert_str(at, &section);
    }
    // After a submit: what was done, and what comes next.
    if let Some(done) = done {
        let running = d.clocks.iter().find(|k| k.met_on.is_none());
        let then = match (next, running) {
            (Some(a), Some(k)) => format!(
                "下一步：{}（{}：{}）。",
                super::case_flow::action_label(a),
                k.name,
                k.due
            ),
            (Some(a), None) => format!("下一步：{}。", super::case_flow::action_label(a)),
            (None, Some(k)) => {
                format!("现由{}办理（{}：{}）。", d.current_unit_name, k.name, k.due)
            }
            (None, None) => format!("当前状态：{}。", d.status_label),
        };
        body.insert_str(
            0,
            &format!(
                "<div class=\"toast\" role=\"status\"><strong>{}。</strong><span class=\"next\">{}</span></div>",
                super::case_flow::done_message(done),
                esc(&then)
            ),
        );
    }
    body.push_str(&format!(
        "<section><h2>{}</h2>",
        if next.is_some() {
            "其他操作"
        } else {
            "可办理操作"
        }
    ));
    let others: Vec<&str> = d
        .actions
        .iter()
        .copied()
        .filter(|a| Some(*a) != next)
        .collect();
    if others.is_empty() {
        body.push_str(if next.is_some() {
            "<p class=\"muted\">没有其他操作。</p>"
        } else {
            "<p>您当前没有可对本事项执行的操作。</p>"
        });
    }
    for a in others {
        body.push_str(&form(a, false));
    }
    body.push_str(&drafts_panel(csrf, c, &drafts));
    body.push_str("</section><section><h2>办理过程</h2><table><tr><th>时间</th><th>经办</th><th>事项</th></tr>");
    for s in &d.timeline {
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&s.at),
            esc(&s.actor),
            esc(&s.summary)
        ));
    }
    body.push_str("</table></section>");
    body.push_str(&super::case_levers::panel(st, staff, csrf, &c.case_no, c.current_unit).await);
    body.push_str(&super::documents::panel(st, staff, &c.case_no).await);
    body.push_str(&super::search::similar_panel(st, staff, &c.case_no).await);
    Html(page(&c.case_no, Some(staff), &body)).into_response()
}
