//! Demo ledgers that are not empty (issue #15): in every district the
//! 副区长 takes charge (包案, 第十八条) of open cases with a 专班 from the
//! 信访局 and the holding body and records progress; the 信访局 sends a 督办
//! (第四十条); townships register 矛盾纠纷 and mediate one; every city runs a
//! 积案化解 专项 with its open cases, some already 化解 or 稳控. All through
//! the services staff use, so every rule (第三十条 included) applies; a case a
//! rule refuses is simply skipped.

use super::org::DemoOrg;
use crate::error::AppError;
use crate::state::App;
use chrono::Duration;
use xinfang_domain::supervision::SupervisionKind;
use xinfang_domain::{UnitId, UnitLevel};
use xinfang_store::CaseFilter;

fn open_cases(limit: i64) -> CaseFilter {
    CaseFilter {
        statuses: vec!["handling".into(), "under_review".into()],
        limit,
        ..Default::default()
    }
}

pub(super) async fn fill(app: &App, demo: &DemoOrg) -> Result<(), AppError> {
    let today = app.now().date();
    for area in demo.areas.iter().filter(|a| a.level == UnitLevel::County) {
        let (Some(head), Some(bureau_desk), Some(bureau_head)) = (
            demo.head.get(&area.government),
            demo.desk.get(&area.bureau),
            demo.head.get(&area.bureau),
        ) else {
            continue;
        };
        // 包案 with a 专班 and a first progress entry.
        let rows = app.list_for(head, open_cases(6)).await?;
        let mut owned = 0;
        for (i, row) in rows.iter().enumerate() {
            if owned == 2 {
                break;
            }
            let Some(holder) = demo.desk.get(&UnitId(row.current_unit)) else {
                continue;
            };
            let team = vec![bureau_desk.username.clone(), holder.username.clone()];
            let plan = "召开专题协调会，摸清诉求症结；由承办单位依法依规提出解决方案，信访局跟踪督促，逐月向包案领导报告进展。";
            let deadline = today + Duration::days(20 + 25 * i as i64);
            let Ok(o) = app
                .take_charge(head, &row.case_no, &team, plan, deadline)
                .await
            else {
                continue;
            };
            owned += 1;
            app.ownership_progress(
                head,
                o.id,
                "已召开专题协调会，明确承办单位与办理时限；已约见信访人当面听取诉求。",
            )
            .await?;
        }
        // A 督办 from the 信访局 to a body still handling a case.
        for row in app.list_for(bureau_head, open_cases(10)).await? {
            if row.current_unit == area.bureau.0 || row.current_unit == area.government.0 {
                continue;
            }
            if app
                .supervise(
                    bureau_head,
                    &row.case_no,
                    SupervisionKind::Supervise,
                    Some(today + Duration::days(7)),
                    "请于7日内书面反馈办理进展，说明未能按期办结的原因及下一步措施。",
                )
                .await
                .is_ok()
            {
                break;
            }
        }
        // 矛盾纠纷 found by the townships; the first goes to 人民调解.
        for (i, town) in area.townships.iter().enumerate() {
            let Some(desk) = demo.desk.get(town) else {
                continue;
            };
            let d = app
                .register_dispute(
                    desk,
                    &area.region_code,
                    [
                        "张某与李某（相邻住户）",
                        "某小区业主与物业公司",
                        "王某等5名务工人员与某建筑公司",
                    ][i % 3],
                    [
                        "因楼上装修漏水引发赔偿纠纷，双方多次争吵。",
                        "业主对物业费上调和公共收益公开不满，拟集体拒缴物业费。",
                        "工程完工后尚欠劳务费约8万元，务工人员多次讨要未果。",
                    ][i % 3],
                    [1, 2, 3][i % 3],
                )
                .await?;
            if i == 0 {
                app.move_dispute(desk, d.id, "mediating", Some("people"), None)
                    .await?;
            }
        }
    }
    // Each city's 积案化解 专项, owned by the city's 信访局.
    for city in demo
        .areas
        .iter()
        .filter(|a| a.level == UnitLevel::Municipal)
    {
        let Some(owner) = demo.head.get(&city.bureau) else {
            continue;
        };
        let name = format!("{}信访积案化解专项攻坚", today.format("%Y年"));
        let c = app
            .create_campaign(
                owner,
                &name,
                "backlog",
                Some(today - Duration::days(30)),
                today + Duration::days(90),
            )
            .await?;
        app.add_to_campaign(owner, c.id, &[], Some(open_cases(12)))
            .await?;
        let c = app
            .campaigns_for(owner)
            .await?
            .into_iter()
            .find(|x| x.id == c.id)
            .ok_or(AppError::NotFound)?;
        for (item, to) in c.items.iter().zip(["resolved", "stabilized", "resolved"]) {
            let evidence = if to == "resolved" {
                "已按处理意见落实到位，信访人签字确认息诉罢访。"
            } else {
                "已落实稳控责任人，定期走访，信访人情绪平稳。"
            };
            app.move_item(owner, item.id, to, evidence).await?;
        }
    }
    Ok(())
}
