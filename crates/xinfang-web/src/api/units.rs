//! `GET /api/v1/units`: every unit of the org tree with whether it is
//! active, for clients that choose a body or a region. The answer is typed;
//! its OpenAPI operation is generated from it ([`Api`]).

use super::responses::Unauthorized;
use crate::auth::ApiUser;
use crate::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::Json;
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use xinfang_domain::Unit;

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new().route("/api/v1/units", get(units))
}

/// The operations of this file in the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(units))]
pub(super) struct Api;

/// 单位树
#[derive(Serialize, ToSchema)]
struct Units {
    /// 按 id 排序
    units: Vec<ActiveUnit>,
}

/// 单位及其是否启用
#[derive(Serialize, ToSchema)]
struct ActiveUnit {
    #[serde(flatten)]
    unit: Unit,
    active: bool,
}

#[utoipa::path(get, path = "/api/v1/units", summary = "单位树",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "单位", body = Units),
        Unauthorized))]
async fn units(State(st): State<AppState>, ApiUser(_): ApiUser) -> Json<Units> {
    let org = st.app.org();
    let mut units: Vec<ActiveUnit> = org
        .units()
        .map(|u| ActiveUnit {
            unit: u.clone(),
            active: st.app.unit_active(u.id),
        })
        .collect();
    units.sort_by_key(|u| u.unit.id);
    Json(Units { units })
}
