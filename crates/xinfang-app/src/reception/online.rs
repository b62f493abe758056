//! 网上预约领导接访 (issue #19 item 3; 第十八条 leaders' reception): a
//! signed-in petitioner books a place in a session that the reception
//! calendar opened to the public, sees their bookings and cancels them.
//!
//! Rules, as a 信访接待中心 runs its appointment desk:
//! - only sessions marked 开放网上预约, not cancelled, from tomorrow up to
//!   [`BOOK_DAYS_AHEAD`] days ahead (same-day places are kept for the window);
//! - capacity is counted in the booking transaction, one active booking per
//!   phone per session, at most [`MAX_ACTIVE_BOOKINGS`] upcoming bookings per
//!   phone (so one account cannot take a session's places);
//! - a linked case must be one of the petitioner's own;
//! - the booking is confirmed by SMS through the outbox and appears in the
//!   staff calendar marked 网上预约; staff see the phone masked as usual.
//!   The audit entry names the account only masked.

use crate::accounts::Petitioner;
use crate::error::AppError;
use crate::notify::notice::{self, Notice};
use crate::state::App;
use crate::FieldError;
use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;
use xinfang_domain::reception::{self as rc, ReceptionKind};
use xinfang_domain::UnitId;
use xinfang_store::{NewAppointment, NewMessage, SessionRow};

/// How far ahead online booking reaches.
pub const BOOK_DAYS_AHEAD: i64 = 30;
/// Upcoming bookings one phone may hold at once.
pub const MAX_ACTIVE_BOOKINGS: usize = 3;

/// A session a petitioner may book, as the portal lists it.
#[derive(Clone, Debug, Serialize)]
pub struct OpenSession {
    pub id: i64,
    pub unit_id: i64,
    pub unit: String,
    pub kind_label: &'static str,
    pub leader: String,
    pub date: String,
    /// 2026年12月9日（星期三）.
    pub date_label: String,
    pub slot: String,
    pub place: String,
    /// Places left (0 = 已约满).
    pub left: i64,
    /// The petitioner already holds a place in it.
    pub mine: bool,
}

/// One of the petitioner's bookings.
#[derive(Clone, Debug, Serialize)]
pub struct MyAppointment {
    pub id: i64,
    pub unit: String,
    pub kind_label: &'static str,
    pub leader: String,
    pub date_label: String,
    pub slot: String,
    pub place: String,
    pub matter: String,
    pub case_no: Option<String>,
    /// 已预约 / 已取消 / 已结束 / 场次已取消.
    pub status_label: &'static str,
    pub can_cancel: bool,
}

/// 2026年12月9日（星期三）.
pub fn date_label(d: NaiveDate) -> String {
    const WEEK: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
    format!(
        "{}年{}月{}日（星期{}）",
        d.year(),
        d.month(),
        d.day(),
        WEEK[d.weekday().num_days_from_monday() as usize]
    )
}

fn day_of(s: &SessionRow) -> NaiveDate {
    s.day.parse().unwrap_or(NaiveDate::MIN)
}

fn masked(p: &Petitioner) -> String {
    format!("petitioner:{}", xinfang_text::phone::mask_phone(&p.phone))
}

impl App {
    /// Sessions open to online booking, tomorrow to [`BOOK_DAYS_AHEAD`] days on.
    pub async fn open_sessions(&self, p: &Petitioner) -> Result<Vec<OpenSession>, AppError> {
        let today = self.now().date();
        let (from, to) = (
            today + Duration::days(1),
            today + Duration::days(BOOK_DAYS_AHEAD),
        );
        let rows = self
            .store
            .online_sessions(&from.to_string(), &to.to_string())
            .await?;
        let mine: Vec<i64> = self
            .store
            .online_appointments_of(&p.phone)
            .await?
            .into_iter()
            .filter(|(a, _)| a.status == "booked")
            .map(|(a, _)| a.session_id)
            .collect();
        Ok(rows
            .into_iter()
            .map(|s| OpenSession {
                id: s.id,
                unit_id: s.unit_id,
                unit: self.unit_name(UnitId(s.unit_id)),
                kind_label: ReceptionKind::from_key(&s.kind)
                    .map(|k| k.label_zh())
                    .unwrap_or(""),
                leader: s.leader.clone(),
                date_label: date_label(day_of(&s)),
                date: s.day.clone(),
                slot: s.slot.clone(),
                place: s.place.clone(),
                left: (s.capacity - s.booked).max(0),
                mine: mine.contains(&s.id),
            })
            .collect())
    }

    /// Book `session_id` for the signed-in petitioner; the SMS confirmation
    /// goes out through the outbox.
    pub async fn book_online(
        &self,
        p: &Petitioner,
        session_id: i64,
        name: &str,
        matter: &str,
        case_no: &str,
    ) -> Result<i64, AppError> {
        let mut errs = vec![];
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 50 {
            errs.push(FieldError {
                field: "name".into(),
                message: "请填写您的姓名（50字以内）".into(),
            });
        }
        let matter = matter.trim();
        if matter.chars().count() < 5 || matter.chars().count() > 500 {
            errs.push(FieldError {
                field: "matter".into(),
                message: "请简要写明想当面反映的事项（5至500字）".into(),
            });
        }
        let case_no = case_no.trim();
        let case_no = if case_no.is_empty() {
            None
        } else if self.my_case(p, case_no).await?.is_some() {
            Some(case_no)
        } else {
            errs.push(FieldError {
                field: "case_no".into(),
                message: "只能关联您本人的信访事项，请从列表中选择".into(),
            });
            None
        };
        let today = self.now().date();
        let session = self
            .store
            .session(session_id)
            .await?
            .filter(|s| s.online)
            .ok_or_else(|| AppError::field("session", "该场次不接受网上预约，请重新选择"))?;
        let day = day_of(&session);
        if day <= today {
            errs.push(FieldError {
                field: "session".into(),
                message: "网上预约最晚须在接访前一天办理；当天请直接到信访接待窗口登记".into(),
            });
        } else if day > today + Duration::days(BOOK_DAYS_AHEAD) {
            errs.push(FieldError {
                field: "session".into(),
                message: format!("只能预约{BOOK_DAYS_AHEAD}天以内的场次"),
            });
        }
        let upcoming = self
            .store
            .online_appointments_of(&p.phone)
            .await?
            .into_iter()
            .filter(|(a, s)| a.status == "booked" && s.status != "cancelled" && day_of(s) >= today)
            .count();
        if upcoming >= MAX_ACTIVE_BOOKINGS {
            errs.push(FieldError {
                field: "session".into(),
                message: format!(
                    "您已有{MAX_ACTIVE_BOOKINGS}个尚未到期的预约，请先参加或取消后再预约"
                ),
            });
        }
        if !errs.is_empty() {
            return Err(AppError::Invalid(errs));
        }
        let booked = self
            .store
            .book_appointment(
                &NewAppointment {
                    session_id,
                    name,
                    phone: Some(&p.phone),
                    matter,
                    case_no,
                    online: true,
                },
                &masked(p),
                |s| {
                    rc::booking_refusal(
                        s.booked.max(0) as u32,
                        s.capacity.max(0) as u32,
                        day_of(s),
                        today,
                        s.status == "cancelled",
                    )
                },
            )
            .await?
            .map_err(|m| AppError::field("session", m))?;
        let text = self.notice_text(Notice::ReceptionBooked).await?;
        let body = notice::render(
            &text,
            &[
                ("{接待单位}", self.unit_name(UnitId(session.unit_id))),
                ("{接待日期}", date_label(day)),
                ("{时段}", session.slot.clone()),
                ("{地点}", session.place.clone()),
            ],
        );
        self.store
            .queue_message(
                &NewMessage {
                    case_id: None,
                    notice: Notice::ReceptionBooked.key(),
                    channel: "sms",
                    recipient: &p.phone,
                    subject: &Notice::ReceptionBooked.subject(),
                    body: &body,
                    dedupe: &format!("reception:{booked}"),
                },
                &xinfang_store::fmt_time(self.now()),
            )
            .await?;
        Ok(booked)
    }

    /// The petitioner's online bookings, newest first.
    pub async fn my_appointments(&self, p: &Petitioner) -> Result<Vec<MyAppointment>, AppError> {
        let today = self.now().date();
        Ok(self
            .store
            .online_appointments_of(&p.phone)
            .await?
            .into_iter()
            .map(|(a, s)| {
                let day = day_of(&s);
                let (status_label, can_cancel) = match (a.status.as_str(), s.status.as_str()) {
                    (_, "cancelled") => ("场次已取消", false),
                    ("booked", _) if day > today => ("已预约", true),
                    ("booked", _) if day == today => ("已预约（今日接访）", false),
                    ("booked", _) => ("已结束", false),
                    _ => ("已取消", false),
                };
                MyAppointment {
                    id: a.id,
                    unit: self.unit_name(UnitId(s.unit_id)),
                    kind_label: ReceptionKind::from_key(&s.kind)
                        .map(|k| k.label_zh())
                        .unwrap_or(""),
                    leader: s.leader,
                    date_label: date_label(day),
                    slot: s.slot,
                    place: s.place,
                    matter: a.matter,
                    case_no: a.case_no,
                    status_label,
                    can_cancel,
                }
            })
            .collect())
    }

    /// Cancel one of the petitioner's own bookings before its day.
    pub async fn cancel_my_appointment(&self, p: &Petitioner, id: i64) -> Result<(), AppError> {
        let a = self
            .store
            .appointment(id)
            .await?
            .filter(|a| a.online && a.phone.as_deref() == Some(p.phone.as_str()))
            .ok_or(AppError::NotFound)?;
        let s = self
            .store
            .session(a.session_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if day_of(&s) <= self.now().date() {
            return Err(AppError::field(
                "appointment",
                "接访当天不能在网上取消，请联系信访接待窗口",
            ));
        }
        if !self.store.cancel_appointment(id, &masked(p)).await? {
            return Err(AppError::field("appointment", "该预约已取消"));
        }
        Ok(())
    }
}
