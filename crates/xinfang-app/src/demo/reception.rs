//! Demo reception calendar: every district and city holds a weekly 接访 at its
//! reception hall and a 下访 every other week for the next four weeks, through
//! the same service staff use (`App::create_session`), with a first booking.

use super::org::DemoOrg;
use crate::error::AppError;
use crate::reception::{AppointmentInput, SessionInput};
use crate::state::App;
use chrono::{Datelike, Duration};
use xinfang_domain::reception::ReceptionKind;
use xinfang_domain::UnitLevel;

pub(super) async fn schedule(app: &App, demo: &DemoOrg) -> Result<usize, AppError> {
    let today = app.now().date();
    // Next Wednesday (or today when it is one).
    let wed = today + Duration::days((9 - today.weekday().num_days_from_monday() as i64) % 7);
    let mut made = 0;
    for area in demo
        .areas
        .iter()
        .filter(|a| matches!(a.level, UnitLevel::County | UnitLevel::Municipal))
    {
        let (Some(clerk), Some(head)) =
            (demo.desk.get(&area.bureau), demo.head.get(&area.government))
        else {
            continue;
        };
        let gov = app.unit_name(area.government);
        let leader = app.name_and_post(head.user).await?;
        let place = format!("{}信访接待大厅", gov.trim_end_matches("人民政府"));
        for week in 0..4 {
            let day = wed + Duration::days(7 * week);
            let id = app
                .create_session(
                    clerk,
                    SessionInput {
                        unit_id: Some(area.government.0),
                        kind: ReceptionKind::Hall,
                        leader: leader.clone(),
                        date: day,
                        slot: "09:00-11:30".into(),
                        place: place.clone(),
                        capacity: 8,
                        // The hall sessions are open to online booking.
                        online: true,
                    },
                )
                .await?;
            made += 1;
            if week == 0 {
                app.book_appointment(
                    clerk,
                    id,
                    AppointmentInput {
                        name: "周女士".into(),
                        phone: Some("13900001111".into()),
                        matter: "小区加装电梯协调问题".into(),
                        case_no: None,
                    },
                )
                .await?;
            }
            if week % 2 == 1 {
                app.create_session(
                    clerk,
                    SessionInput {
                        unit_id: Some(area.government.0),
                        kind: ReceptionKind::Down,
                        leader: leader.clone(),
                        date: day + Duration::days(1),
                        slot: "14:00-17:00".into(),
                        place: "重点乡镇街道".into(),
                        capacity: 20,
                        online: false,
                    },
                )
                .await?;
                made += 1;
            }
        }
    }
    Ok(made)
}
