//! Inbound work orders (issue #19): a 12345 hotline or a provincial
//! platform files a case through the API under its own id. The case is
//! registered by [`App::intake`] — the one registration path, with every
//! check, repeat detection and 第三十条 landing rule — by the platform's
//! service account, whose unit is the registering unit.
//!
//! Idempotent: `(source, external_id)` is one case. The id is reserved in
//! the store before registering, so a second request with it (a retry after
//! a lost answer, or the same order sent twice at once) waits for the first
//! and gets the same case, not a second one. A refused order releases its
//! id; a reservation left by a process that died is taken over after
//! [`TAKE_OVER_SECS`] — should that process have registered the case after
//! all, intake's repeat detection joins the new registration to it as
//! another 件次. Status changes go back to the platform through its webhook
//! subscription; the payload names the work order.

use crate::error::AppError;
use crate::intake::{IntakeOutcome, IntakeRequest};
use crate::state::App;
use serde::Serialize;
use xinfang_domain::{Actor, Staff};
use xinfang_store::Reservation;

/// Seconds after which a reservation is presumed abandoned.
pub const TAKE_OVER_SECS: i64 = 120;

/// What filing a work order led to.
#[derive(Clone, Debug, Serialize)]
pub struct WorkOrderOutcome {
    pub source: String,
    pub external_id: String,
    /// True when the order had been filed before: `case_no` is that case.
    pub duplicate: bool,
    pub case_no: String,
    pub status: &'static str,
    /// The registration (first filing only; the query code is in it once).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registration: Option<IntakeOutcome>,
}

fn check_ids(source: &str, external_id: &str) -> Result<(), AppError> {
    let ok = |s: &str, max: usize| {
        !s.is_empty()
            && s.len() <= max
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.:/".contains(c))
    };
    let mut errors = vec![];
    if !ok(source, 32) {
        errors.push(crate::FieldError {
            field: "source".into(),
            message: "来源平台代码应为1至32个英文字母、数字或 - _ . : /".into(),
        });
    }
    if !ok(external_id, 64) {
        errors.push(crate::FieldError {
            field: "external_id".into(),
            message: "工单编号应为1至64个英文字母、数字或 - _ . : /".into(),
        });
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(errors))
    }
}

impl App {
    /// File work order `(source, external_id)` as `staff` (see the module docs).
    pub async fn file_work_order(
        &self,
        staff: &Staff,
        source: &str,
        external_id: &str,
        req: IntakeRequest,
    ) -> Result<WorkOrderOutcome, AppError> {
        let (source, external_id) = (source.trim(), external_id.trim());
        check_ids(source, external_id)?;
        let by = format!("user:{}", staff.username);
        let mut waited = 0;
        loop {
            let now = xinfang_store::now_text();
            match self
                .store
                .reserve_work_order(source, external_id, &by, &now)
                .await?
            {
                Reservation::Reserved => break,
                Reservation::Registered { case_no, .. } => {
                    return self
                        .filed_before(staff, source, external_id, &case_no)
                        .await;
                }
                Reservation::InProgress { since } => {
                    let abandoned =
                        chrono::NaiveDateTime::parse_from_str(&since, "%Y-%m-%d %H:%M:%S")
                            .map(|t| {
                                xinfang_store::shanghai_now() - t
                                    > chrono::Duration::seconds(TAKE_OVER_SECS)
                            })
                            .unwrap_or(true);
                    if abandoned
                        && self
                            .store
                            .take_over_work_order(source, external_id, &since, &by, &now)
                            .await?
                    {
                        break;
                    }
                    waited += 1;
                    if waited > 100 {
                        return Err(AppError::Conflict);
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            }
        }
        match self.intake(&Actor::Staff(staff.clone()), req).await {
            Ok(out) => {
                self.store
                    .complete_work_order(source, external_id, &out.case_no, &by)
                    .await?;
                Ok(WorkOrderOutcome {
                    source: source.into(),
                    external_id: external_id.into(),
                    duplicate: false,
                    case_no: out.case_no.clone(),
                    status: out.status.key(),
                    registration: Some(out),
                })
            }
            Err(e) => {
                self.store.release_work_order(source, external_id).await?;
                Err(e)
            }
        }
    }

    /// The case an earlier filing became, if `staff` may see it; a case
    /// they may not see is not named (第三十条), the id is just taken.
    async fn filed_before(
        &self,
        staff: &Staff,
        source: &str,
        external_id: &str,
        case_no: &str,
    ) -> Result<WorkOrderOutcome, AppError> {
        match self.visible_case(staff, case_no).await {
            Ok((_, case)) => Ok(WorkOrderOutcome {
                source: source.into(),
                external_id: external_id.into(),
                duplicate: true,
                case_no: case_no.into(),
                status: case.status.key(),
                registration: None,
            }),
            Err(AppError::NotFound) => Err(AppError::field(
                "external_id",
                "该来源平台的这一工单编号已被使用",
            )),
            Err(e) => Err(e),
        }
    }
}
