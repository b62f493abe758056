//! The 领导接访 calendar as one answer: the sessions of the caller's units
//! in a date range with their appointments (phones masked, appointments
//! about cases the caller may not see left out and not counted, 第三十条),
//! and, for every week of a sensitive period in the range, the government
//! areas holding fewer sessions than the minimum.

use crate::error::AppError;
use crate::state::App;
use chrono::{Duration, NaiveDate};
use serde::Serialize;
use utoipa::ToSchema;
use xinfang_domain::hot::weeks_of;
use xinfang_domain::reception::{self as rc, ReceptionKind};
use xinfang_domain::{Staff, UnitId, UnitKind};

/// 领导接访日程：期间内的接访安排，以及敏感时期每周接访不足的地区
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReceptionCalendar {
    /// 期间第一天
    pub from: NaiveDate,
    /// 期间最后一天
    pub to: NaiveDate,
    /// 敏感时期每个地区每周至少安排的接访次数
    pub min_per_week_in_sensitive_period: u32,
    /// 接访安排（按日期）
    pub sessions: Vec<CalendarSession>,
    /// 期间内敏感时期的每一周
    pub sensitive_weeks: Vec<SensitiveWeek>,
}

/// 一次接访安排
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CalendarSession {
    /// 编号
    pub id: i64,
    /// 单位编号
    pub unit_id: i64,
    /// 单位名称
    pub unit: String,
    /// 方式：reception（接访）、visit（下访）、appointment（约访）
    pub kind: String,
    /// 方式的中文名称
    pub kind_label: &'static str,
    /// 接访领导
    pub leader: String,
    /// 日期（YYYY-MM-DD）
    pub date: String,
    /// 时段
    pub slot: String,
    /// 地点
    pub place: String,
    /// 可预约人数
    pub capacity: i64,
    /// 已预约人数（本人看不到的事项不计）
    pub booked: i64,
    /// 状态：scheduled、cancelled 等
    pub status: String,
    /// 是否开放网上预约
    pub online: bool,
    /// 本人可见的预约
    pub appointments: Vec<CalendarAppointment>,
}

/// 一个预约（电话已遮蔽）
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CalendarAppointment {
    /// 编号
    pub id: i64,
    /// 来访人姓名
    pub name: String,
    /// 联系电话（遮蔽中间四位）
    pub phone: Option<String>,
    /// 反映事项
    pub matter: String,
    /// 关联的信访编号
    pub case_no: Option<String>,
    /// 状态：booked、cancelled 等
    pub status: String,
    /// 是否由信访人网上预约
    pub online: bool,
}

/// 敏感时期的一周
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SensitiveWeek {
    /// 敏感时期名称
    pub period: String,
    /// 周一
    pub week_from: NaiveDate,
    /// 周日
    pub week_to: NaiveDate,
    /// 本周接访次数不足的地区
    pub below_minimum: Vec<AreaBelowMinimum>,
}

/// 接访次数不足的地区
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AreaBelowMinimum {
    /// 政府单位编号
    pub unit_id: i64,
    /// 政府名称
    pub unit: String,
    /// 本周已安排
    pub held: u32,
    /// 还差
    pub missing: u32,
}

impl App {
    /// Sessions (with masked appointments) of the caller's units in [from, to],
    /// and, for every week of a sensitive period in that range, the government
    /// areas holding fewer sessions than the minimum.
    pub async fn reception_calendar(
        &self,
        staff: &Staff,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<ReceptionCalendar, AppError> {
        crate::period::check(from, to)?;
        if (to - from).num_days() > 366 {
            return Err(AppError::field("to", "一次最多查询一年"));
        }
        let org = self.org();
        let units = org.subtree(self.reception_root(staff));
        let ids: Vec<i64> = units.iter().map(|u| u.0).collect();
        let sessions = self
            .store
            .sessions(&ids, &from.to_string(), &to.to_string())
            .await?;
        let mut out = vec![];
        for s in &sessions {
            let all = self.store.appointments(s.id).await?;
            let before = all.iter().filter(|a| a.status == "booked").count() as i64;
            // An appointment about a case the viewer may not see is not shown,
            // nor counted (第三十条).
            let visible = self
                .retain_visible(staff, all, |a| a.case_no.as_deref())
                .await?;
            let hidden = before - visible.iter().filter(|a| a.status == "booked").count() as i64;
            let appointments = visible
                .into_iter()
                .map(|a| CalendarAppointment {
                    id: a.id,
                    name: a.name,
                    phone: a.phone.as_deref().map(xinfang_text::phone::mask_phone),
                    matter: a.matter,
                    case_no: a.case_no,
                    status: a.status,
                    online: a.online,
                })
                .collect();
            out.push(CalendarSession {
                id: s.id,
                unit_id: s.unit_id,
                unit: self.unit_name(UnitId(s.unit_id)),
                kind: s.kind.clone(),
                kind_label: ReceptionKind::from_key(&s.kind)
                    .map(|k| k.label_zh())
                    .unwrap_or(""),
                leader: s.leader.clone(),
                date: s.day.clone(),
                slot: s.slot.clone(),
                place: s.place.clone(),
                capacity: s.capacity,
                booked: s.booked - hidden,
                status: s.status.clone(),
                online: s.online,
                appointments,
            });
        }
        // Sensitive-period weeks and the areas below the minimum.
        let min = self.reception_minimum().await?;
        let governments: Vec<UnitId> = units
            .iter()
            .copied()
            .filter(|u| {
                org.get(*u)
                    .map(|x| x.kind == UnitKind::Government)
                    .unwrap_or(false)
            })
            .collect();
        let mut weeks = vec![];
        for p in self.sensitive_periods() {
            let (start, end) = (p.from.max(from), p.to.min(to));
            if start > end {
                continue;
            }
            let mut monday = weeks_of(start).0 .0;
            while monday <= end {
                let sunday = monday + Duration::days(6);
                let (m, s) = (monday.to_string(), sunday.to_string());
                let below_minimum = governments
                    .iter()
                    .filter_map(|g| {
                        let held = sessions
                            .iter()
                            .filter(|x| x.status != "cancelled" && x.day >= m && x.day <= s)
                            .filter(|x| org.government_of(UnitId(x.unit_id)) == Some(*g))
                            .count() as u32;
                        let missing = rc::shortfall(held, min);
                        (missing > 0).then(|| AreaBelowMinimum {
                            unit_id: g.0,
                            unit: self.unit_name(*g),
                            held,
                            missing,
                        })
                    })
                    .collect();
                weeks.push(SensitiveWeek {
                    period: p.name.clone(),
                    week_from: monday,
                    week_to: sunday,
                    below_minimum,
                });
                monday += Duration::days(7);
            }
        }
        Ok(ReceptionCalendar {
            from,
            to,
            min_per_week_in_sensitive_period: min,
            sessions: out,
            sensitive_weeks: weeks,
        })
    }
}
