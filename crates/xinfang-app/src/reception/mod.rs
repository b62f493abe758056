//! Leaders' reception calendar (领导接访, 第十八条): sessions of 接访 / 下访 /
//! 约访 per unit, appointments booked into them by staff, and the sensitive-
//! period rule: while an administrator-set sensitive period runs, each
//! government area must hold a minimum number of sessions per week
//! (`RECEPTION_MIN_SETTING`, default `DEFAULT_SENSITIVE_MIN_PER_WEEK`); the
//! calendar flags the areas below it. Scoped to the caller's unit and below
//! (a 信访局: its government's area);
//! every change is a chained audit entry; phones are masked in lists.

pub mod calendar;
pub mod online;

use crate::error::AppError;
use crate::state::App;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;
use xinfang_domain::reception::{self as rc, ReceptionKind, SessionDraft};
use xinfang_domain::{Role, Staff, UnitId, UnitKind};
use xinfang_store::NewSession;

/// Settings key of the minimum sessions per week in a sensitive period.
pub const RECEPTION_MIN_SETTING: &str = "reception_min_per_week";

/// A session as entered.
#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct SessionInput {
    /// Defaults to the caller's unit.
    #[serde(default)]
    pub unit_id: Option<i64>,
    pub kind: ReceptionKind,
    pub leader: String,
    pub date: NaiveDate,
    #[schema(examples("09:00-11:30"))]
    pub slot: String,
    pub place: String,
    /// 可预约人数，1 到 200（`xinfang_domain::reception::MAX_CAPACITY`）
    #[schema(minimum = 1, maximum = 200)]
    pub capacity: u32,
    /// Open to petitioners' online booking (我的信访 → 预约领导接访).
    #[serde(default)]
    pub online: bool,
}

/// An appointment as entered.
#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct AppointmentInput {
    pub name: String,
    #[serde(default)]
    pub phone: Option<String>,
    pub matter: String,
    #[serde(default)]
    pub case_no: Option<String>,
}

fn may_schedule(staff: &Staff) -> Result<(), AppError> {
    if staff.has_any(&[Role::Registrar, Role::Leader, Role::Supervisor, Role::Admin]) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

impl App {
    /// The area whose calendar a staff member keeps: a 信访局 organises the
    /// reception of its government's whole area; anyone else, their own unit and below.
    pub fn reception_root(&self, staff: &Staff) -> UnitId {
        let org = self.org();
        match org.get(staff.unit) {
            Some(u) if u.kind == UnitKind::PetitionBureau => {
                org.government_of(staff.unit).unwrap_or(staff.unit)
            }
            _ => staff.unit,
        }
    }

    /// Schedule a session for the caller's unit or a unit below it.
    pub async fn create_session(&self, staff: &Staff, s: SessionInput) -> Result<i64, AppError> {
        may_schedule(staff)?;
        let org = self.org();
        let unit = UnitId(s.unit_id.unwrap_or(staff.unit.0));
        if org.get(unit).is_none() {
            return Err(AppError::field("unit_id", "单位不存在"));
        }
        if !org.is_within(unit, self.reception_root(staff)) {
            return Err(AppError::Forbidden);
        }
        let draft = SessionDraft {
            leader: s.leader.trim().to_string(),
            date: s.date,
            slot: s.slot.trim().to_string(),
            place: s.place.trim().to_string(),
            capacity: s.capacity,
        };
        let errs = rc::check_session(&draft, self.now().date());
        if !errs.is_empty() {
            return Err(AppError::Invalid(
                errs.into_iter()
                    .map(|(f, m)| crate::FieldError {
                        field: f.into(),
                        message: m,
                    })
                    .collect(),
            ));
        }
        Ok(self
            .store
            .insert_session(
                &NewSession {
                    unit_id: unit.0,
                    kind: s.kind.key(),
                    leader: &draft.leader,
                    day: &draft.date.to_string(),
                    slot: &draft.slot,
                    place: &draft.place,
                    capacity: draft.capacity as i64,
                    online: s.online,
                },
                &format!("user:{}", staff.username),
            )
            .await?)
    }

    async fn session_in_scope(
        &self,
        staff: &Staff,
        id: i64,
    ) -> Result<xinfang_store::SessionRow, AppError> {
        let s = self.store.session(id).await?.ok_or(AppError::NotFound)?;
        if !self
            .org()
            .is_within(UnitId(s.unit_id), self.reception_root(staff))
        {
            return Err(AppError::NotFound);
        }
        Ok(s)
    }

    /// Book a petitioner into a session (capacity, date and status checked in
    /// the same transaction); an optional linked case must be one the caller sees.
    pub async fn book_appointment(
        &self,
        staff: &Staff,
        session_id: i64,
        a: AppointmentInput,
    ) -> Result<i64, AppError> {
        if !staff.has_any(&[
            Role::Registrar,
            Role::Handler,
            Role::Leader,
            Role::Supervisor,
        ]) {
            return Err(AppError::Forbidden);
        }
        self.session_in_scope(staff, session_id).await?;
        let name = a.name.trim();
        let mut errs = vec![];
        if name.is_empty() || name.chars().count() > 50 {
            errs.push(crate::FieldError {
                field: "name".into(),
                message: "请填写信访人姓名（50 字以内）".into(),
            });
        }
        let matter = a.matter.trim();
        if matter.is_empty() || matter.chars().count() > 500 {
            errs.push(crate::FieldError {
                field: "matter".into(),
                message: "请填写反映事项（500 字以内）".into(),
            });
        }
        let phone = match a.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => match xinfang_text::phone::normalize_phone(p) {
                Ok(p) => Some(p),
                Err(e) => {
                    errs.push(crate::FieldError {
                        field: "phone".into(),
                        message: crate::plain_words::phone_message(&e),
                    });
                    None
                }
            },
            None => None,
        };
        let case_no = a
            .case_no
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty());
        if let Some(no) = case_no {
            let visible = match self.store.load_case(no).await? {
                Some((_, case)) => xinfang_domain::scope::can_see(staff, &case, &self.org()),
                None => false,
            };
            if !visible {
                errs.push(crate::FieldError {
                    field: "case_no".into(),
                    message: format!("信访事项 {no} 不存在或无权查看"),
                });
            }
        }
        if !errs.is_empty() {
            return Err(AppError::Invalid(errs));
        }
        let today = self.now().date();
        let booked = self
            .store
            .book_appointment(
                &xinfang_store::NewAppointment {
                    session_id,
                    name,
                    phone: phone.as_deref(),
                    matter,
                    case_no,
                    online: false,
                },
                &format!("user:{}", staff.username),
                |s| {
                    let day = s.day.parse().unwrap_or(NaiveDate::MIN);
                    rc::booking_refusal(
                        s.booked.max(0) as u32,
                        s.capacity.max(0) as u32,
                        day,
                        today,
                        s.status == "cancelled",
                    )
                },
            )
            .await?;
        booked.map_err(|m| AppError::field("session", m))
    }

    /// Open or close a session of the caller's area to online booking.
    pub async fn set_session_online(
        &self,
        staff: &Staff,
        id: i64,
        online: bool,
    ) -> Result<(), AppError> {
        may_schedule(staff)?;
        self.session_in_scope(staff, id).await?;
        self.store
            .set_session_online(id, online, &format!("user:{}", staff.username))
            .await?;
        Ok(())
    }

    /// Cancel a session (kept, marked cancelled), audited.
    pub async fn cancel_session(&self, staff: &Staff, id: i64) -> Result<(), AppError> {
        may_schedule(staff)?;
        self.session_in_scope(staff, id).await?;
        self.store
            .cancel_session(id, &format!("user:{}", staff.username))
            .await?;
        Ok(())
    }

    /// The configured minimum sessions per week in a sensitive period.
    pub async fn reception_minimum(&self) -> Result<u32, AppError> {
        Ok(self
            .store
            .get_setting(RECEPTION_MIN_SETTING)
            .await?
            .and_then(|v| v.parse().ok())
            .unwrap_or(rc::DEFAULT_SENSITIVE_MIN_PER_WEEK))
    }

    /// Set the minimum (管理员), audited.
    pub async fn set_reception_minimum(&self, staff: &Staff, n: u32) -> Result<(), AppError> {
        self.require_admin(staff)?;
        if n > 50 {
            return Err(AppError::field(
                "min_per_week",
                "每周最少场次应在 0 到 50 之间",
            ));
        }
        self.store
            .put_setting(RECEPTION_MIN_SETTING, &n.to_string())
            .await?;
        self.store
            .audit(
                "settings",
                "reception_minimum_changed",
                &format!("user:{}", staff.username),
                &json!({ "min_per_week": n }),
            )
            .await?;
        Ok(())
    }
}
