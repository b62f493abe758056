//! Reception calendar storage (第十八条): sessions and appointments, each
//! change with its chained audit entry in the same transaction. Appointments
//! are counted against capacity inside the transaction that books them.

use crate::chain::log;
use crate::error::StoreError;
use crate::rows::placeholders;
use crate::Store;
use serde::Serialize;
use sqlx::Row;

/// A reception session as stored.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SessionRow {
    pub id: i64,
    pub unit_id: i64,
    pub kind: String,
    pub leader: String,
    pub day: String,
    pub slot: String,
    pub place: String,
    pub capacity: i64,
    pub status: String,
    /// Active appointments.
    pub booked: i64,
    /// Open to petitioners' online booking (我的信访 → 预约接访).
    pub online: bool,
}

/// An appointment as stored (phone unmasked: the service masks for lists).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AppointmentRow {
    pub id: i64,
    pub session_id: i64,
    pub name: String,
    pub phone: Option<String>,
    pub matter: String,
    pub case_no: Option<String>,
    pub status: String,
    /// Booked by the petitioner through their account.
    pub online: bool,
}

const SESSION_COLS: &str = "s.id, s.unit_id, s.kind, s.leader, s.day, s.slot, s.place, s.capacity, s.status, \
    (SELECT COUNT(*) FROM reception_appointments a WHERE a.session_id = s.id AND a.status = 'booked') AS booked, s.online";
const APPOINTMENT_COLS: &str =
    "a.id, a.session_id, a.name, a.phone, a.matter, a.case_no, a.status, a.online";

/// A row of [`APPOINTMENT_COLS`], read by column name.
fn appointment(r: &sqlx::any::AnyRow) -> Result<AppointmentRow, StoreError> {
    Ok(AppointmentRow {
        id: r.try_get("id")?,
        session_id: r.try_get("session_id")?,
        name: r.try_get("name")?,
        phone: r
            .try_get::<Option<String>, _>("phone")?
            .map(crate::pii::reveal_text),
        matter: r.try_get("matter")?,
        case_no: r.try_get("case_no")?,
        status: r.try_get("status")?,
        online: r.try_get::<i64, _>("online")? != 0,
    })
}

/// A row of [`SESSION_COLS`], read by column name.
fn session(r: &sqlx::any::AnyRow) -> Result<SessionRow, StoreError> {
    Ok(SessionRow {
        id: r.try_get("id")?,
        unit_id: r.try_get("unit_id")?,
        kind: r.try_get("kind")?,
        leader: r.try_get("leader")?,
        day: r.try_get("day")?,
        slot: r.try_get("slot")?,
        place: r.try_get("place")?,
        capacity: r.try_get("capacity")?,
        status: r.try_get("status")?,
        booked: r.try_get("booked")?,
        online: r.try_get::<i64, _>("online")? != 0,
    })
}

/// A new session.
pub struct NewSession<'a> {
    pub unit_id: i64,
    pub kind: &'a str,
    pub leader: &'a str,
    pub day: &'a str,
    pub slot: &'a str,
    pub place: &'a str,
    pub capacity: i64,
    /// Open to online booking by petitioners.
    pub online: bool,
}

/// A new appointment.
#[derive(Clone, Copy)]
pub struct NewAppointment<'a> {
    pub session_id: i64,
    pub name: &'a str,
    pub phone: Option<&'a str>,
    pub matter: &'a str,
    pub case_no: Option<&'a str>,
    /// Booked by the petitioner online: at most one active appointment per
    /// phone in a session (checked in the booking transaction).
    pub online: bool,
}

impl Store {
    /// Create a session, audited.
    pub async fn insert_session(&self, s: &NewSession<'_>, actor: &str) -> Result<i64, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let now = crate::now_text();
        let id: i64 = sqlx::query(
            "INSERT INTO reception_sessions (unit_id, kind, leader, day, slot, place, capacity, status, created_by, created_at, online) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $10) RETURNING id",
        )
        .bind(s.unit_id)
        .bind(s.kind)
        .bind(s.leader)
        .bind(s.day)
        .bind(s.slot)
        .bind(s.place)
        .bind(s.capacity)
        .bind(actor)
        .bind(&now)
        .bind(s.online as i64)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        log(
            &mut tx,
            "reception",
            "session_created",
            actor,
            serde_json::json!({"session": id, "unit": s.unit_id, "kind": s.kind, "leader": s.leader, "day": s.day, "slot": s.slot, "place": s.place, "capacity": s.capacity, "online": s.online}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// One session.
    pub async fn session(&self, id: i64) -> Result<Option<SessionRow>, StoreError> {
        let sql = format!("SELECT {SESSION_COLS} FROM reception_sessions s WHERE s.id = $1");
        sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(session)
            .transpose()
    }

    /// Sessions of these units with day in [from, to], by day and slot.
    pub async fn sessions(
        &self,
        units: &[i64],
        from: &str,
        to: &str,
    ) -> Result<Vec<SessionRow>, StoreError> {
        if units.is_empty() {
            return Ok(vec![]);
        }
        let sql = format!(
            "SELECT {SESSION_COLS} FROM reception_sessions s WHERE s.day >= $1 AND s.day <= $2 AND s.unit_id IN ({}) ORDER BY s.day, s.slot, s.id",
            placeholders(3, units.len())
        );
        let mut q = sqlx::query(&sql)
            .bind(from.to_string())
            .bind(to.to_string());
        for u in units {
            q = q.bind(*u);
        }
        q.fetch_all(&self.pool).await?.iter().map(session).collect()
    }

    /// Book an appointment if `check(booked, session)` allows it, in one
    /// transaction with the capacity count; audited. Err(message) from `check`
    /// is returned as `Ok(Err(message))`.
    pub async fn book_appointment(
        &self,
        a: &NewAppointment<'_>,
        actor: &str,
        check: impl Fn(&SessionRow) -> Option<&'static str>,
    ) -> Result<Result<i64, &'static str>, StoreError> {
        let NewAppointment {
            session_id,
            name,
            phone,
            matter,
            case_no,
            online,
        } = *a;
        let (mut tx, _g) = self.write_tx().await?;
        let sql = format!("SELECT {SESSION_COLS} FROM reception_sessions s WHERE s.id = $1");
        let Some(row) = sqlx::query(&sql)
            .bind(session_id)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(Err("场次不存在"));
        };
        if let Some(refusal) = check(&session(&row)?) {
            return Ok(Err(refusal));
        }
        if let (true, Some(phone)) = (online, phone) {
            let mine: i64 = sqlx::query(
                "SELECT COUNT(*) AS n FROM reception_appointments WHERE phone_key IN ($1, $3) AND session_id = $2 AND status = 'booked'",
            )
            .bind(crate::pii::phone_keys(phone)[0].clone())
            .bind(session_id)
            .bind(crate::pii::phone_keys(phone)[1].clone())
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
            if mine > 0 {
                return Ok(Err("您已预约这一场次，无需重复预约"));
            }
        }
        let now = crate::now_text();
        let id: i64 = sqlx::query(
            "INSERT INTO reception_appointments (session_id, name, phone, matter, case_no, status, created_by, created_at, online, phone_key) \
             VALUES ($1, $2, $3, $4, $5, 'booked', $6, $7, $8, $9) RETURNING id",
        )
        .bind(session_id)
        .bind(name)
        .bind(crate::pii::seal_opt(phone)?)
        .bind(matter)
        .bind(case_no.map(str::to_string))
        .bind(actor)
        .bind(&now)
        .bind(online as i64)
        .bind(phone.map(crate::pii::phone_key))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        log(
            &mut tx,
            "reception",
            "appointment_booked",
            actor,
            serde_json::json!({"appointment": id, "session": session_id, "case_no": case_no, "online": online}),
        )
        .await?;
        tx.commit().await?;
        Ok(Ok(id))
    }

    /// Appointments of a session, in booking order.
    pub async fn appointments(&self, session_id: i64) -> Result<Vec<AppointmentRow>, StoreError> {
        let sql = format!(
            "SELECT {APPOINTMENT_COLS} FROM reception_appointments a WHERE a.session_id = $1 ORDER BY a.id"
        );
        let rows = sqlx::query(&sql)
            .bind(session_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(appointment).collect()
    }

    /// One appointment.
    pub async fn appointment(&self, id: i64) -> Result<Option<AppointmentRow>, StoreError> {
        let sql =
            format!("SELECT {APPOINTMENT_COLS} FROM reception_appointments a WHERE a.id = $1");
        sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(appointment)
            .transpose()
    }

    /// Sessions open to online booking with day in [from, to] (not
    /// cancelled), by day and slot.
    pub async fn online_sessions(
        &self,
        from: &str,
        to: &str,
    ) -> Result<Vec<SessionRow>, StoreError> {
        let sql = format!(
            "SELECT {SESSION_COLS} FROM reception_sessions s WHERE s.online = 1 AND s.status = 'open' \
             AND s.day >= $1 AND s.day <= $2 ORDER BY s.day, s.slot, s.id"
        );
        sqlx::query(&sql)
            .bind(from.to_string())
            .bind(to.to_string())
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(session)
            .collect()
    }

    /// Online appointments booked with this phone, newest session first,
    /// each with its session.
    pub async fn online_appointments_of(
        &self,
        phone: &str,
    ) -> Result<Vec<(AppointmentRow, SessionRow)>, StoreError> {
        let sql = format!(
            "SELECT {APPOINTMENT_COLS} FROM reception_appointments a WHERE a.phone_key IN ($1, $2) AND a.online = 1 ORDER BY a.id DESC LIMIT 100"
        );
        let [k1, k2] = crate::pii::phone_keys(phone);
        let rows = sqlx::query(&sql)
            .bind(k1)
            .bind(k2)
            .fetch_all(&self.pool)
            .await?;
        let mut out = vec![];
        for a in rows.iter().map(appointment) {
            let a = a?;
            if let Some(s) = self.session(a.session_id).await? {
                out.push((a, s));
            }
        }
        Ok(out)
    }

    /// Cancel an appointment (kept, marked cancelled), audited. False when
    /// it was not booked any more.
    pub async fn cancel_appointment(&self, id: i64, actor: &str) -> Result<bool, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let n = sqlx::query(
            "UPDATE reception_appointments SET status = 'cancelled' WHERE id = $1 AND status = 'booked'",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Ok(false);
        }
        log(
            &mut tx,
            "reception",
            "appointment_cancelled",
            actor,
            serde_json::json!({"appointment": id}),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Open or close a session to online booking, audited.
    pub async fn set_session_online(
        &self,
        id: i64,
        online: bool,
        actor: &str,
    ) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        sqlx::query("UPDATE reception_sessions SET online = $1 WHERE id = $2")
            .bind(online as i64)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        log(
            &mut tx,
            "reception",
            "session_online_changed",
            actor,
            serde_json::json!({"session": id, "online": online}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Cancel a session (never deleted), audited.
    pub async fn cancel_session(&self, id: i64, actor: &str) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        sqlx::query("UPDATE reception_sessions SET status = 'cancelled' WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        log(
            &mut tx,
            "reception",
            "session_cancelled",
            actor,
            serde_json::json!({"session": id}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
