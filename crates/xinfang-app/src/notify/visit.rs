//! 回访 that closes the loop (issue #19): after 送达 the petitioner gets a
//! one-time link (no query code needed, valid 30 days, for this evaluation
//! only — the store keeps only its hash) to rate 满意 / 基本满意 / 不满意
//! with a reason; staff record phone 回访 on the case page as before. Any
//! 不满意 — by link, on the portal or by phone — opens a 督办 from the
//! 信访部门 of the handling body's area to that body, with the reason
//! (第四十条), found by the notifier in the event log so every path is
//! covered by one rule.

use crate::error::AppError;
use crate::state::App;
use chrono::Duration;
use rand::Rng;
use serde::Serialize;
use sha2::{Digest, Sha256};
use xinfang_domain::case::{Case, Command, Satisfaction};
use xinfang_domain::Actor;
use xinfang_store::NewSupervision;

/// Days a 回访 link stays valid.
pub const LINK_DAYS: i64 = 30;

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

/// The day `n` working days after `from` on the official calendar (a
/// day the calendar does not cover counts Monday to Friday).
fn working_days_after(
    cal: &xinfang_domain::calendar::Calendar,
    from: chrono::NaiveDate,
    n: u32,
) -> chrono::NaiveDate {
    use chrono::Datelike;
    let mut d = from;
    let mut left = n;
    while left > 0 {
        d += Duration::days(1);
        let working = cal
            .is_working_day(d)
            .unwrap_or(d.weekday().number_from_monday() <= 5);
        if working {
            left -= 1;
        }
    }
    d
}

/// What the 回访 page shows: the petitioner's own case, nothing more.
#[derive(Clone, Debug, Serialize)]
pub struct VisitView {
    pub case_no: String,
    pub request: String,
    pub stage: &'static str,
}

impl App {
    /// A new link for the case's current stage; the token is returned once.
    pub(crate) async fn create_visit_link(
        &self,
        case_id: i64,
        case: &Case,
    ) -> Result<String, AppError> {
        let token: String = {
            let mut rng = rand::thread_rng();
            (0..32)
                .map(|_| format!("{:x}", rng.gen_range(0..16u8)))
                .collect()
        };
        let expires = self.now() + Duration::days(LINK_DAYS);
        self.store
            .insert_visit_link(
                &hash(&token),
                case_id,
                case.stage.label_zh(),
                &xinfang_store::fmt_time(expires),
            )
            .await?;
        Ok(token)
    }

    async fn valid_link(&self, token: &str) -> Result<(i64, Case), AppError> {
        let (case_id, _, expires, used) = self
            .store
            .visit_link(&hash(token))
            .await?
            .ok_or(AppError::NotFound)?;
        let now = xinfang_store::fmt_time(self.now());
        if used.is_some() {
            return Err(AppError::field("token", "该回访链接已使用，感谢您的评价"));
        }
        if expires < now {
            return Err(AppError::field(
                "token",
                "该回访链接已过期，请凭信访编号和查询码在查询页面评价",
            ));
        }
        let (_, case) = self
            .store
            .cases_by_ids(&[case_id])
            .await?
            .into_iter()
            .next()
            .ok_or(AppError::NotFound)?;
        Ok((case_id, case))
    }

    /// The case a 回访 link is for (unknown, used or expired links: an error).
    pub async fn visit_view(&self, token: &str) -> Result<VisitView, AppError> {
        let (_, case) = self.valid_link(token).await?;
        Ok(VisitView {
            case_no: case.case_no.clone(),
            request: case.content.request.clone(),
            stage: case.stage.label_zh(),
        })
    }

    /// The petitioner's evaluation through the link; the link is then spent.
    pub async fn evaluate_by_link(
        &self,
        token: &str,
        satisfaction: Satisfaction,
        reason: &str,
    ) -> Result<String, AppError> {
        let (_, case) = self.valid_link(token).await?;
        if satisfaction == Satisfaction::Dissatisfied && reason.trim().is_empty() {
            return Err(AppError::field("reason", "请写明不满意的原因，便于核查"));
        }
        let now = xinfang_store::fmt_time(self.now());
        if !self.store.use_visit_link(&hash(token), &now).await? {
            return Err(AppError::field("token", "该回访链接已使用，感谢您的评价"));
        }
        self.act(
            &Actor::Petitioner,
            &case.case_no,
            &Command::Evaluate {
                satisfaction,
                reason: reason.trim().to_string(),
            },
        )
        .await?;
        Ok(case.case_no)
    }

    /// 不满意 → a 督办 from the area's 信访部门 to the handling body.
    pub(crate) async fn supervise_dissatisfied(
        &self,
        case_id: i64,
        case: &Case,
        reason: &str,
    ) -> Result<(), AppError> {
        let org = self.org();
        let handler = case.current_stage().unit;
        let area = org.government_of(handler).unwrap_or(handler);
        let Some(bureau) = org.bureau_below(area) else {
            return Ok(());
        };
        if bureau == handler {
            // The 信访部门 handled it itself: its government's bureau above supervises.
            return Ok(());
        }
        let due = working_days_after(&self.calendar(), self.now().date(), 15);
        let requirement = format!(
            "信访人对办理结果不满意（回访评价）：{}。请核查并于{}前反馈。",
            if reason.trim().is_empty() {
                "未说明原因"
            } else {
                reason.trim()
            },
            due
        );
        self.store
            .insert_supervision(&NewSupervision {
                case_id,
                kind: xinfang_domain::supervision::SupervisionKind::Supervise,
                from_unit: bureau.0,
                to_unit: handler.0,
                requirement: &requirement,
                feedback_due: Some(due.to_string()),
                status: xinfang_domain::supervision::SupervisionStatus::Open,
                created_by: "system:回访",
            })
            .await?;
        Ok(())
    }
}
