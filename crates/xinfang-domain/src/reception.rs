//! Leaders' reception (领导接访, 第十八条): sessions of 接访 at the reception
//! hall, 下访 going down to the grassroots, and 约访 by appointment, each held by
//! a leader of a unit on a date, in a time slot, at a place, with a capacity;
//! petitioners are booked into sessions by staff. In a sensitive period a unit
//! must hold a minimum number of sessions per week (configurable).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The three forms of leaders' reception.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReceptionKind {
    /// 接访: the leader receives at the reception hall.
    Hall,
    /// 下访: the leader goes down to where the matters arise.
    Down,
    /// 约访: by appointment with petitioners.
    Appointment,
}

impl ReceptionKind {
    pub const ALL: [ReceptionKind; 3] = [Self::Hall, Self::Down, Self::Appointment];
    pub fn key(self) -> &'static str {
        match self {
            Self::Hall => "hall",
            Self::Down => "down",
            Self::Appointment => "appointment",
        }
    }
    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Hall => "接访",
            Self::Down => "下访",
            Self::Appointment => "约访",
        }
    }
}

/// Minimum sessions per unit and week in a sensitive period, unless configured.
pub const DEFAULT_SENSITIVE_MIN_PER_WEEK: u32 = 2;

/// How far ahead a session may be scheduled.
pub const MAX_DAYS_AHEAD: i64 = 366;

/// Largest capacity of one session.
pub const MAX_CAPACITY: u32 = 200;

/// A session as proposed, before storage.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionDraft {
    pub leader: String,
    pub date: NaiveDate,
    /// "09:00-11:30" (start before end, 24 h).
    pub slot: String,
    pub place: String,
    pub capacity: u32,
}

/// Parse a time slot "HH:MM-HH:MM" with start before end.
pub fn parse_slot(slot: &str) -> Option<(chrono::NaiveTime, chrono::NaiveTime)> {
    let (a, b) = slot.trim().split_once('-')?;
    let a = chrono::NaiveTime::parse_from_str(a.trim(), "%H:%M").ok()?;
    let b = chrono::NaiveTime::parse_from_str(b.trim(), "%H:%M").ok()?;
    (a < b).then_some((a, b))
}

/// Every problem of a session draft as (field, message), empty when valid.
/// A session may not be scheduled in the past.
pub fn check_session(d: &SessionDraft, today: NaiveDate) -> Vec<(&'static str, String)> {
    let mut errs = vec![];
    if d.leader.trim().is_empty() || d.leader.chars().count() > 50 {
        errs.push(("leader", "请填写接访领导（50 字以内）".to_string()));
    }
    if d.date < today {
        errs.push(("date", "接访日期不能早于今天".to_string()));
    } else if (d.date - today).num_days() > MAX_DAYS_AHEAD {
        errs.push(("date", "接访日期不能晚于一年以后".to_string()));
    }
    if parse_slot(&d.slot).is_none() {
        errs.push((
            "slot",
            "时段格式应为 HH:MM-HH:MM，且开始早于结束".to_string(),
        ));
    }
    if d.place.trim().is_empty() || d.place.chars().count() > 100 {
        errs.push(("place", "请填写接访地点（100 字以内）".to_string()));
    }
    if d.capacity == 0 || d.capacity > MAX_CAPACITY {
        errs.push(("capacity", format!("可预约人数应为 1 到 {MAX_CAPACITY}")));
    }
    errs
}

/// Why an appointment cannot be booked into a session, if it cannot.
pub fn booking_refusal(
    booked: u32,
    capacity: u32,
    session_date: NaiveDate,
    today: NaiveDate,
    cancelled: bool,
) -> Option<&'static str> {
    if cancelled {
        Some("该场次已取消")
    } else if session_date < today {
        Some("该场次已过期")
    } else if booked >= capacity {
        Some("该场次预约已满")
    } else {
        None
    }
}

/// Sessions missing for a unit in a week: how many below `min` (0 when enough).
pub fn shortfall(sessions_in_week: u32, min: u32) -> u32 {
    min.saturating_sub(sessions_in_week)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn session_checks_every_field() {
        let ok = SessionDraft {
            leader: "王区长".into(),
            date: d("2026-03-05"),
            slot: "09:00-11:30".into(),
            place: "区信访接待大厅".into(),
            capacity: 10,
        };
        assert!(check_session(&ok, d("2026-03-02")).is_empty());
        let bad = SessionDraft {
            leader: " ".into(),
            date: d("2026-03-01"),
            slot: "11:30-09:00".into(),
            place: "".into(),
            capacity: 0,
        };
        let fields: Vec<_> = check_session(&bad, d("2026-03-02"))
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, ["leader", "date", "slot", "place", "capacity"]);
        assert!(parse_slot("9:00-10:00").is_some());
        let far = SessionDraft {
            date: d("2027-06-01"),
            ..ok.clone()
        };
        assert_eq!(check_session(&far, d("2026-03-02"))[0].0, "date");
        assert!(parse_slot("上午").is_none());
    }

    #[test]
    fn bookings_respect_capacity_date_and_cancellation() {
        let (t, s) = (d("2026-03-02"), d("2026-03-05"));
        assert_eq!(booking_refusal(0, 1, s, t, false), None);
        assert_eq!(booking_refusal(1, 1, s, t, false), Some("该场次预约已满"));
        assert_eq!(
            booking_refusal(0, 1, d("2026-03-01"), t, false),
            Some("该场次已过期")
        );
        assert_eq!(booking_refusal(0, 1, s, t, true), Some("该场次已取消"));
    }

    #[test]
    fn shortfall_counts_missing_sessions() {
        assert_eq!(shortfall(0, 2), 2);
        assert_eq!(shortfall(1, 2), 1);
        assert_eq!(shortfall(3, 2), 0);
    }
}
