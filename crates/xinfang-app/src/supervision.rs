//! Supervision service (第四十条): 催办 / 督办 / 挂牌督办 on a case, feedback
//! by the supervised body, closing by the supervising area, and escalation of
//! overdue feedback (run by the clock scanner).

use crate::error::AppError;
use crate::state::App;
use chrono::NaiveDate;
use xinfang_domain::scope::can_see;
use xinfang_domain::supervision::{
    area_of, check_close, check_create, check_feedback, SupervisionKind, SupervisionStatus,
};
use xinfang_domain::{Staff, UnitId};
use xinfang_store::{NewAlert, NewSupervision, SupervisionRow};

impl App {
    /// Open a supervision on a case the staff member can see.
    pub async fn supervise(
        &self,
        staff: &Staff,
        case_no: &str,
        kind: SupervisionKind,
        feedback_due: Option<NaiveDate>,
        requirement: &str,
    ) -> Result<SupervisionRow, AppError> {
        let (case_id, case) = self
            .store
            .load_case(case_no)
            .await?
            .ok_or(AppError::NotFound)?;
        let org = self.org();
        if !can_see(staff, &case, &org) {
            return Err(AppError::NotFound);
        }
        check_create(
            staff,
            &case,
            &org,
            kind,
            feedback_due,
            self.now().date(),
            requirement,
        )?;
        let status = if kind == SupervisionKind::Urge {
            SupervisionStatus::Answered
        } else {
            SupervisionStatus::Open
        };
        let id = self
            .store
            .insert_supervision(&NewSupervision {
                case_id,
                kind,
                from_unit: staff.unit.0,
                to_unit: case.current_unit.0,
                requirement: requirement.trim(),
                feedback_due: feedback_due.map(|d| d.to_string()),
                status,
                created_by: &format!("user:{}", staff.username),
            })
            .await?;
        self.store.supervision(id).await?.ok_or(AppError::NotFound)
    }

    /// The supervised body reports progress / result.
    pub async fn supervision_feedback(
        &self,
        staff: &Staff,
        id: i64,
        text: &str,
    ) -> Result<SupervisionRow, AppError> {
        let s = self
            .store
            .supervision(id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.visible_case(staff, &s.case_no).await?;
        check_feedback(staff, UnitId(s.to_unit), s.status, text)?;
        self.store
            .update_supervision(
                id,
                s.status,
                SupervisionStatus::Answered,
                Some(text.trim()),
                &format!("user:{}", staff.username),
            )
            .await?;
        self.store.supervision(id).await?.ok_or(AppError::NotFound)
    }

    /// The supervising area closes an answered supervision.
    pub async fn close_supervision(
        &self,
        staff: &Staff,
        id: i64,
    ) -> Result<SupervisionRow, AppError> {
        let s = self
            .store
            .supervision(id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.visible_case(staff, &s.case_no).await?;
        check_close(staff, UnitId(s.from_unit), s.status, &self.org())?;
        self.store
            .update_supervision(
                id,
                s.status,
                SupervisionStatus::Closed,
                None,
                &format!("user:{}", staff.username),
            )
            .await?;
        self.store.supervision(id).await?.ok_or(AppError::NotFound)
    }

    /// Supervisions sent or received in the staff member's area; 挂牌督办 are listed for everyone in it.
    pub async fn supervisions_for(&self, staff: &Staff) -> Result<Vec<SupervisionRow>, AppError> {
        let area = area_of(staff, &self.org());
        Ok(self
            .store
            .supervisions_under(&self.unit_path(area), &self.scope_of(staff), 500)
            .await?)
    }

    /// Mark open supervisions past their feedback date overdue (once) and alert
    /// the supervising area's superiors. Returns how many escalated.
    pub async fn escalate_overdue_supervisions(&self) -> Result<usize, AppError> {
        let today = self.now().date().to_string();
        let mut n = 0;
        for s in self.store.overdue_supervisions(&today).await? {
            self.store
                .update_supervision(
                    s.id,
                    SupervisionStatus::Open,
                    SupervisionStatus::Overdue,
                    None,
                    "system",
                )
                .await?;
            let org = self.org();
            let from = UnitId(s.from_unit);
            let above = org
                .government_of(from)
                .and_then(|g| org.parent(g).map(|p| p.id))
                .unwrap_or(from);
            if let Some((case_id, _)) = self.store.load_case(&s.case_no).await? {
                let due = s.feedback_due.clone().unwrap_or_default();
                let alert = NewAlert {
                    case_id,
                    clock: "supervision_feedback",
                    stage: "supervision",
                    grade: xinfang_domain::clock::Grade::Overdue.key(),
                    due: &due,
                    unit_id: above.0,
                };
                self.store.raise_alert(&alert).await?;
            }
            n += 1;
        }
        Ok(n)
    }
}
